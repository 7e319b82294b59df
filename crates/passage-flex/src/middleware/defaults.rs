//! What every request carries, whoever built the `reqwest::Client` underneath, and how its
//! timeouts are reported.

use super::StackSettings;
use futures::FutureExt;
use reqwest::Request;
use reqwest::header::{self, HeaderName, HeaderValue};
use std::fmt;
use std::future::Future;
use std::time::Duration;

/// The SDK's name and version, as the official SDKs send them in `Passage-Version`.
pub(crate) const PASSAGE_VERSION: &str = concat!("passage-flex-rust ", env!("CARGO_PKG_VERSION"));
/// The `User-Agent` of every request.
pub(crate) const USER_AGENT: &str = concat!("passage-flex-rust/", env!("CARGO_PKG_VERSION"));

/// Adds `Passage-Version`, `User-Agent` and the API key. Done per request rather than on the
/// client so that all of it also holds for a `reqwest::Client` the user supplies; the header
/// values are built once, so each request only shares them. A header the request already has is
/// left as it is.
pub(crate) fn prepare(req: &mut Request, settings: &StackSettings) {
    let headers = req.headers_mut();
    headers.insert(
        HeaderName::from_static("passage-version"),
        HeaderValue::from_static(PASSAGE_VERSION),
    );
    headers
        .entry(header::USER_AGENT)
        .or_insert_with(|| HeaderValue::from_static(USER_AGENT));
    headers
        .entry(header::AUTHORIZATION)
        .or_insert_with(|| settings.authorization.clone());
}

/// Runs one attempt, `attempt` (the request and the reading of its body), under the request
/// timeout. The stack keeps this timer itself rather than setting reqwest's, so that one
/// mechanism bounds the answer and the body whoever built the `reqwest::Client`: before, the
/// SDK's own client had the timeout built in and a supplied one got it on each request.
pub(crate) fn within_timeout<T>(
    timeout: Duration,
    attempt: impl Future<Output = reqwest_middleware::Result<T>>,
) -> impl Future<Output = reqwest_middleware::Result<T>> {
    tokio::time::timeout(timeout, attempt).map(move |outcome| {
        outcome.unwrap_or_else(|_elapsed| {
            Err(reqwest_middleware::Error::middleware(TimedOut {
                what: "the request",
                limit: Some(timeout),
                source: None,
            }))
        })
    })
}

/// `Bearer {api_key}`, marked sensitive so that no `Debug` output shows it.
pub(crate) fn authorization(api_key: &str) -> Option<HeaderValue> {
    let mut value = HeaderValue::from_str(&format!("Bearer {api_key}")).ok()?;
    value.set_sensitive(true);
    Some(value)
}

/// Turns a timeout reported by reqwest (connecting, or a limit of a client the user supplied)
/// into one that names the limit exceeded, where the SDK knows it.
pub(crate) fn name_timeout<T>(
    outcome: reqwest_middleware::Result<T>,
    connect_timeout: Option<Duration>,
) -> reqwest_middleware::Result<T> {
    match outcome {
        Err(reqwest_middleware::Error::Reqwest(err)) if err.is_timeout() => {
            let (what, limit) = if err.is_connect() {
                ("connecting", connect_timeout)
            } else {
                ("the request", None)
            };
            Err(reqwest_middleware::Error::middleware(TimedOut {
                what,
                limit,
                source: Some(err),
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
    source: Option<reqwest::Error>,
}

impl fmt::Display for TimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.limit {
            Some(limit) => write!(f, "{} took longer than its {limit:?} limit", self.what),
            None => write!(f, "{} took longer than the HTTP client allows", self.what),
        }
    }
}
