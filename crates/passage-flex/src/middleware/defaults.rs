//! What every request carries, whoever built the `reqwest::Client` underneath.

use http::Extensions;
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::{Request, Response};
use reqwest_middleware::{Middleware, Next};
use std::fmt;
use std::time::Duration;

/// The SDK's name and version, as the official SDKs send them in `Passage-Version`.
pub(crate) const PASSAGE_VERSION: &str = concat!("passage-flex-rust ", env!("CARGO_PKG_VERSION"));
/// The `User-Agent` of every request.
pub(crate) const USER_AGENT: &str = concat!("passage-flex-rust/", env!("CARGO_PKG_VERSION"));

/// Adds `Passage-Version` and the request timeout, and names the limit when one is exceeded.
/// Done per request rather than on the client so that both also hold for a `reqwest::Client`
/// the user supplies.
pub(crate) struct RequestDefaults {
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Option<Duration>,
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
        let timeout = *req.timeout_mut().get_or_insert(self.timeout);
        match next.run(req, extensions).await {
            Err(reqwest_middleware::Error::Reqwest(err)) if err.is_timeout() => {
                let exceeded = if err.is_connect() {
                    TimedOut {
                        what: "connecting",
                        limit: self.connect_timeout,
                        source: err,
                    }
                } else {
                    TimedOut {
                        what: "the request",
                        limit: Some(timeout),
                        source: err,
                    }
                };
                Err(reqwest_middleware::Error::middleware(exceeded))
            }
            other => other,
        }
    }
}

/// A timeout, with the limit it exceeded; [`crate::Error::Timeout`]'s source.
#[derive(Debug, thiserror::Error)]
pub(crate) struct TimedOut {
    what: &'static str,
    limit: Option<Duration>,
    #[source]
    source: reqwest::Error,
}

impl fmt::Display for TimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.limit {
            Some(limit) => write!(f, "{} took longer than its {limit:?} limit", self.what),
            None => write!(f, "{} took longer than the HTTP client allows", self.what),
        }
    }
}
