//! The HTTP stack under the generated crate, outermost first:
//!
//! 1. [`defaults`]: `Passage-Version`, the request timeout, and timeouts reported with their limit;
//! 2. [`retry`]: repeats idempotent requests that failed transiently;
//! 3. [`body_limit`]: reads each response body whole, up to the configured cap.
//!
//! The body is read inside the retry layer so that a connection dropped mid-body is retried
//! like one dropped before the headers.

pub(crate) mod body_limit;
pub(crate) mod defaults;
pub(crate) mod retry;

use std::time::Duration;

/// The stack's settings, from the builder.
pub(crate) struct Limits {
    pub(crate) timeout: Duration,
    /// `None` when the user supplied the `reqwest::Client`, whose own setting we cannot read.
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) max_response_bytes: usize,
}

/// `http` with the SDK's middleware around it.
pub(crate) fn stack(
    http: reqwest::Client,
    limits: &Limits,
    retry: &retry::RetryConfig,
) -> reqwest_middleware::ClientWithMiddleware {
    reqwest_middleware::ClientBuilder::new(http)
        .with(defaults::RequestDefaults {
            timeout: limits.timeout,
            connect_timeout: limits.connect_timeout,
        })
        .with(retry::Retry::new(retry))
        .with(body_limit::BodyLimit {
            max_bytes: limits.max_response_bytes,
        })
        .build()
}
