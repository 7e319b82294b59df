//! What every request handler shares. Its own module so that the router, the gates, the
//! `/v1` meter and the handlers all read it without depending on one another.

use std::sync::atomic::AtomicU64;
use std::time::Duration;

use crate::config::AppConfig;
use crate::recent_requests::RecentRequests;
use crate::store::Store;

/// What every request handler shares.
#[derive(Debug)]
pub(crate) struct Shared {
    pub app: AppConfig,
    pub store: Store,
    /// Requests to `/v1` so far, answered or not.
    pub api_requests: AtomicU64,
    /// The latest answered `/v1` requests, for the console.
    pub recent_requests: RecentRequests,
    /// Added before every `/v1` answer.
    pub latency: Duration,
    /// Verifies the browser's WebAuthn responses.
    pub relying_party: webauthn_rs::prelude::Webauthn,
}
