//! What every request carries, whoever built the `reqwest::Client` underneath.

use http::Extensions;
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::{Request, Response};
use reqwest_middleware::{Middleware, Next};
use std::time::Duration;

/// The SDK's name and version, as the official SDKs send them in `Passage-Version`.
pub(crate) const PASSAGE_VERSION: &str = concat!("passage-flex-rust ", env!("CARGO_PKG_VERSION"));
/// The `User-Agent` of every request.
pub(crate) const USER_AGENT: &str = concat!("passage-flex-rust/", env!("CARGO_PKG_VERSION"));

/// Adds `Passage-Version` and the request timeout. Done per request rather than on the client
/// so that both also hold for a `reqwest::Client` the user supplies.
pub(crate) struct RequestDefaults {
    pub(crate) timeout: Duration,
}

#[async_trait::async_trait]
impl Middleware for RequestDefaults {
    async fn handle(
        &self,
        mut req: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        req.headers_mut().insert(
            HeaderName::from_static("passage-version"),
            HeaderValue::from_static(PASSAGE_VERSION),
        );
        req.timeout_mut().get_or_insert(self.timeout);
        next.run(req, extensions).await
    }
}
