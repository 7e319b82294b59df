//! The HTTP stack under the generated crate, as one reqwest-middleware layer so that a request
//! pays for one boxed future rather than one per concern:
//!
//! 1. [`defaults`]: `Passage-Version`, `User-Agent`, the API key and the request timeout;
//! 2. [`retry`]: repeats idempotent requests that failed transiently;
//! 3. [`body_limit`]: reads each response body whole, up to the cap, inside each attempt so that
//!    a connection dropped mid-body is retried like one dropped before the headers;
//! 4. [`defaults`] again: a timeout becomes an error that names the limit it exceeded.

pub(crate) mod body_limit;
pub(crate) mod defaults;
pub(crate) mod retry;

use http::Extensions;
use reqwest::{Request, Response};
use reqwest_middleware::{Middleware, Next};
use std::time::Duration;

/// The stack's settings, from the builder.
pub(crate) struct StackSettings {
    /// The `Authorization` header, built once.
    pub(crate) authorization: http::HeaderValue,
    pub(crate) timeout: Duration,
    /// `None` when the user supplied the `reqwest::Client`, whose own setting we cannot read.
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

#[async_trait::async_trait]
impl Middleware for Stack {
    async fn handle(
        &self,
        mut req: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        let timeout = defaults::prepare(
            &mut req,
            self.settings.timeout,
            &self.settings.authorization,
        );
        let outcome = self
            .retry
            .send(req, extensions, next, self.settings.max_response_bytes)
            .await;
        defaults::name_timeout(outcome, timeout, self.settings.connect_timeout)
    }
}
