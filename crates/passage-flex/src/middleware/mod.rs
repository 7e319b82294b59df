//! The HTTP stack under the generated crate, as one reqwest-middleware layer so that a request
//! pays for one boxed future rather than one per concern:
//!
//! 1. [`retry`]: repeats idempotent requests that failed transiently, each attempt a copy of the
//!    request as the generated code built it;
//! 2. [`defaults`]: each attempt gets `Passage-Version`, `User-Agent` and the API key, and runs
//!    under the request timeout;
//! 3. [`body_limit`]: reads each response body whole, up to the cap, inside each attempt so that
//!    a connection dropped mid-body is retried like one dropped before the headers, and a body
//!    that stalls is bounded by the same timeout;
//! 4. [`defaults`] again: a timeout reqwest reports becomes an error that names the limit
//!    exceeded.

pub(crate) mod body_limit;
pub(crate) mod defaults;
pub(crate) mod retry;

use futures::FutureExt;
use futures::future::BoxFuture;
use http::Extensions;
use reqwest::{Request, Response};
use reqwest_middleware::{Middleware, Next};
use std::time::Duration;

/// The stack's settings, from the builder.
pub(crate) struct StackSettings {
    /// The `Authorization` header, built once.
    pub(crate) authorization: http::HeaderValue,
    /// The most one attempt may take, the body included.
    pub(crate) timeout: Duration,
    /// The SDK's own client's connect timeout; `None` when the user supplied the
    /// `reqwest::Client`, whose settings we can neither read nor change.
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) max_response_bytes: usize,
}

struct Stack {
    settings: StackSettings,
    retry: retry::Retry,
}

/// `http` with the SDK's middleware around it.
pub(crate) fn stack(
    http: reqwest::Client,
    settings: StackSettings,
    retry: &retry::RetryConfig,
) -> reqwest_middleware::ClientWithMiddleware {
    reqwest_middleware::ClientBuilder::new(http)
        .with(Stack {
            settings,
            retry: retry::Retry::new(retry),
        })
        .build()
}

// Written out rather than with `#[async_trait]`, whose boxed future would hold the request
// twice (once captured, once inside the retry's future); this boxes the retry's future alone.
impl Middleware for Stack {
    fn handle<'life0, 'life1, 'life2, 'async_trait>(
        &'life0 self,
        req: Request,
        extensions: &'life1 mut Extensions,
        next: Next<'life2>,
    ) -> BoxFuture<'async_trait, reqwest_middleware::Result<Response>>
    where
        'life0: 'async_trait,
        'life1: 'async_trait,
        'life2: 'async_trait,
        Self: 'async_trait,
    {
        let connect_timeout = self.settings.connect_timeout;
        let sent = self.retry.send(req, extensions, next, &self.settings);
        Box::pin(sent.map(move |outcome| defaults::name_timeout(outcome, connect_timeout)))
    }
}
