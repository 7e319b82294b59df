//! What every request carries, whoever built the `reqwest::Client` underneath, and how its
//! timeouts are reported.

use reqwest::Request;
use reqwest::header::{HeaderName, HeaderValue};
use std::fmt;
use std::time::Duration;

/// The SDK's name and version, as the official SDKs send them in `Passage-Version`.
pub(crate) const PASSAGE_VERSION: &str = concat!("passage-flex-rust ", env!("CARGO_PKG_VERSION"));
/// The `User-Agent` of every request.
pub(crate) const USER_AGENT: &str = concat!("passage-flex-rust/", env!("CARGO_PKG_VERSION"));

/// Adds `Passage-Version` and, unless the request has its own, the timeout; returns the timeout
/// in force. Done per request rather than on the client so that both also hold for a
/// `reqwest::Client` the user supplies.
pub(crate) fn prepare(req: &mut Request, timeout: Duration) -> Duration {
    req.headers_mut().insert(
        HeaderName::from_static("passage-version"),
        HeaderValue::from_static(PASSAGE_VERSION),
    );
    *req.timeout_mut().get_or_insert(timeout)
}

/// Turns reqwest's bare timeout error into one that names the limit exceeded.
pub(crate) fn name_timeout<T>(
    outcome: reqwest_middleware::Result<T>,
    timeout: Duration,
    connect_timeout: Option<Duration>,
) -> reqwest_middleware::Result<T> {
    match outcome {
        Err(reqwest_middleware::Error::Reqwest(err)) if err.is_timeout() => {
            let (what, limit) = if err.is_connect() {
                ("connecting", connect_timeout)
            } else {
                ("the request", Some(timeout))
            };
            Err(reqwest_middleware::Error::middleware(TimedOut {
                what,
                limit,
                source: err,
            }))
        }
        other => other,
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
