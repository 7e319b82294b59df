//! Repeating a request that failed in a way worth repeating, only where repeating is safe.

use super::{StackSettings, body_limit, defaults};
use crate::error_map::caused_by_tls;
use futures::TryFutureExt;
use futures::future::BoxFuture;
use http::{Extensions, HeaderMap, Method, StatusCode};
use reqwest::{Request, Response};
use reqwest_middleware::Next;
use retry_policies::policies::ExponentialBackoff;
use retry_policies::{Jitter, RetryDecision, RetryPolicy};
use std::future::Future;
use std::time::{Duration, SystemTime};

/// How often the SDK tries a request, unless [`RetryConfig::max_attempts`] says otherwise.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;

/// When and how the SDK repeats a failed request; set with
/// [`PassageFlexBuilder::retry`](crate::PassageFlexBuilder::retry).
///
/// Only idempotent requests are repeated: reads, deletes, and this API's `PATCH`es (each sets an
/// absolute state). `verify_nonce` and the transaction creates are `POST`s and are sent exactly
/// once: a nonce is single-use, so repeating a verification whose answer was lost would turn a
/// success into [`Error::InvalidNonce`](crate::Error::InvalidNonce).
///
/// They are repeated after a connection failure (refused, reset, closed mid-answer) and on
/// `429`, `502`, `503` and `504`, with exponential backoff and jitter, waiting at least as long
/// as a `Retry-After` header asks. A timeout is not repeated: the timeout is the caller's
/// budget. A request whose last attempt fails returns that attempt's error.
///
/// A repeated `DELETE` whose first answer was lost can report
/// [`Error::DeviceNotFound`](crate::Error::DeviceNotFound) or
/// [`Error::UserNotFound`](crate::Error::UserNotFound): the first attempt did the work.
///
/// ```no_run
/// # fn run() -> Result<(), passage_flex::Error> {
/// use passage_flex::{PassageFlex, RetryConfig};
/// use std::time::Duration;
///
/// let passage = PassageFlex::builder("your-app-id", "your-api-key")
///     .retry(
///         RetryConfig::new()
///             .max_attempts(5)
///             .backoff(Duration::from_millis(50), Duration::from_secs(1)),
///     )
///     .build()?;
/// let no_retries = PassageFlex::builder("your-app-id", "your-api-key")
///     .retry(RetryConfig::disabled())
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryConfig {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig {
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(2),
            max_retry_after: Duration::from_secs(10),
        }
    }
}

impl RetryConfig {
    /// The most attempts a request may take, counting the first, accepted by
    /// [`RetryConfig::max_attempts`].
    pub const ATTEMPTS_LIMIT: u32 = 10;
    /// The longest backoff accepted by [`RetryConfig::backoff`].
    pub const BACKOFF_LIMIT: Duration = Duration::from_secs(300);

    /// The defaults: [`DEFAULT_MAX_ATTEMPTS`] attempts, backoff from 100 ms up to 2 s, and a
    /// `Retry-After` of up to 10 s honoured.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every request is sent once.
    pub fn disabled() -> Self {
        Self::default().max_attempts(1)
    }

    /// How often a request may be tried, counting the first (1 to [`Self::ATTEMPTS_LIMIT`]).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// The wait before the first retry, doubled (with jitter) for each further one up to `max`.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max;
        self
    }

    /// The longest `Retry-After` the SDK waits for; when the server asks for longer, the
    /// error is returned at once instead.
    pub fn max_retry_after(mut self, limit: Duration) -> Self {
        self.max_retry_after = limit;
        self
    }

    /// Why these settings are unusable, if they are.
    pub(crate) fn problem(&self) -> Option<&'static str> {
        if !(1..=Self::ATTEMPTS_LIMIT).contains(&self.max_attempts) {
            Some("retry max_attempts must be between 1 and RetryConfig::ATTEMPTS_LIMIT")
        } else if self.initial_backoff > self.max_backoff {
            Some("the initial retry backoff must not exceed the maximum backoff")
        } else if self.max_backoff > Self::BACKOFF_LIMIT {
            Some("the maximum retry backoff must not exceed RetryConfig::BACKOFF_LIMIT")
        } else {
            None
        }
    }
}

/// The retry part of the stack. Built only from a [`RetryConfig`] that has no [`RetryConfig::problem`],
/// which keeps the backoff policy's own bounds assertion from ever firing.
pub(crate) struct Retry {
    backoff: Option<ExponentialBackoff>,
    max_attempts: u32,
    max_retry_after: Duration,
}

impl Retry {
    pub(crate) fn new(config: &RetryConfig) -> Self {
        let backoff = (config.max_attempts > 1 && config.problem().is_none()).then(|| {
            ExponentialBackoff::builder()
                .retry_bounds(config.initial_backoff, config.max_backoff)
                .jitter(Jitter::Bounded)
                .base(2)
                .build_with_max_retries(config.max_attempts - 1)
        });
        Retry {
            backoff,
            max_attempts: config.max_attempts,
            max_retry_after: config.max_retry_after,
        }
    }
}

impl Retry {
    /// Sends `req` down the stack, each attempt prepared with the SDK's headers and reading the
    /// body with the cap, and repeats it while that is safe and worth it.
    // Not an `async fn`: its future would hold the arguments (the request among them) twice
    // over, and this future is boxed, so every byte of it is copied per request (1,936 bytes
    // against 1,480 as written).
    #[allow(clippy::manual_async_fn)]
    pub(crate) fn send<'a>(
        &'a self,
        mut req: Request,
        extensions: &'a mut Extensions,
        next: Next<'a>,
        settings: &'a StackSettings,
    ) -> impl Future<Output = reqwest_middleware::Result<Response>> + Send + 'a {
        async move {
            let policy = self.backoff.filter(|_| is_idempotent(req.method()));
            let started = SystemTime::now();
            let mut attempt: u32 = 1;
            loop {
                // While another attempt may follow, a copy is sent and the original kept as the
                // generated code built it: a GET has no headers yet, so copying it is cheap.
                // Bodies here are always buffered JSON, so a copy exists; without one the
                // request is simply sent once. One call site for the attempt keeps one attempt
                // future in this one's state.
                let repeatable = policy.filter(|_| attempt < self.max_attempts);
                let (mut this_try, kept) = match repeatable.and_then(|_| copy_to_send(&req)) {
                    Some(copy) => (copy, Some(req)),
                    None => (req, None),
                };
                defaults::prepare(&mut this_try, settings);
                let sent = next.clone().run(this_try, &mut *extensions);
                let result = attempt_with_body(sent, settings).await;
                record_attempt(attempt, &result);
                let (Some(policy), Some(original)) = (repeatable, kept) else {
                    return result;
                };
                req = original;
                let Some(reason) = transient_failure(&result) else {
                    return result;
                };
                let RetryDecision::Retry { execute_after } =
                    policy.should_retry(started, attempt - 1)
                else {
                    return result;
                };
                let backoff = execute_after
                    .duration_since(SystemTime::now())
                    .unwrap_or_default();
                let asked = result.as_ref().ok().and_then(|r| retry_after(r.headers()));
                let delay = match asked {
                    Some(asked) if asked > self.max_retry_after => return result,
                    Some(asked) => asked.max(backoff),
                    None => backoff,
                };
                tracing::debug!(
                    attempt,
                    reason,
                    delay_ms = delay.as_millis() as u64,
                    "passage_flex: retrying"
                );
                drop(result);
                tokio::time::sleep(delay).await;
                attempt += 1;
            }
        }
    }
}

/// A copy of `req` to send while the original is kept for another attempt. A request without
/// a body is copied field by field: reqwest's `try_clone` also allocates its per-request settings
/// twice over, which costs more than the rest of the copy. Its one such setting, a timeout a
/// caller of the low-level crate put on the request, is carried over.
fn copy_to_send(req: &Request) -> Option<Request> {
    if req.body().is_some() {
        return req.try_clone();
    }
    let mut copy = Request::new(req.method().clone(), req.url().clone());
    *copy.headers_mut() = req.headers().clone();
    *copy.version_mut() = req.version();
    if let Some(timeout) = req.timeout() {
        *copy.timeout_mut() = Some(*timeout);
    }
    Some(copy)
}

/// One attempt: the request sent, then its body read under the cap, all within the timeout.
fn attempt_with_body<'a>(
    sent: BoxFuture<'a, reqwest_middleware::Result<Response>>,
    settings: &StackSettings,
) -> impl Future<Output = reqwest_middleware::Result<Response>> + Send + 'a {
    let max_bytes = settings.max_response_bytes;
    let read = sent.and_then(move |response| body_limit::read_capped(response, max_bytes));
    defaults::within_timeout(settings.timeout, read)
}

/// Safe to send twice. Every `PATCH` of the Passage API sets an absolute state (the metadata,
/// the status), so repeating one changes nothing more.
fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE | Method::PATCH
    )
}

/// Why this outcome is worth another attempt, if it is.
fn transient_failure(result: &reqwest_middleware::Result<Response>) -> Option<&'static str> {
    match result {
        Ok(response) => match response.status() {
            StatusCode::TOO_MANY_REQUESTS => Some("429 Too Many Requests"),
            StatusCode::BAD_GATEWAY => Some("502 Bad Gateway"),
            StatusCode::SERVICE_UNAVAILABLE => Some("503 Service Unavailable"),
            StatusCode::GATEWAY_TIMEOUT => Some("504 Gateway Timeout"),
            _ => None,
        },
        Err(reqwest_middleware::Error::Reqwest(err)) => {
            let dropped = err.is_connect() || err.is_request() || err.is_body();
            // A timeout spends the caller's budget; a TLS failure will fail the same way again.
            (dropped && !err.is_timeout() && !caused_by_tls(err)).then_some("connection failure")
        }
        // The body cap: the same body would be refused again.
        Err(reqwest_middleware::Error::Middleware(_)) => None,
    }
}

/// The wait a `Retry-After` header asks for: delay-seconds or an HTTP date (zero once past).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    Some(
        (date.with_timezone(&chrono::Utc) - chrono::Utc::now())
            .to_std()
            .unwrap_or_default(),
    )
}

/// Notes the attempt on the operation's span (see `telemetry`) and as an event.
fn record_attempt(attempt: u32, result: &reqwest_middleware::Result<Response>) {
    let span = tracing::Span::current();
    span.record("attempts", attempt);
    match result {
        Ok(response) => {
            let status = response.status().as_u16();
            span.record("status", status);
            tracing::trace!(attempt, status, "passage_flex: answered");
        }
        Err(err) => tracing::trace!(attempt, error = %err, "passage_flex: no answer"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let wait = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert("retry-after", value.parse().expect("a header value"));
            retry_after(&headers)
        };
        assert_eq!(wait("3"), Some(Duration::from_secs(3)));
        assert_eq!(wait(" 0 "), Some(Duration::ZERO));
        let in_a_minute = (chrono::Utc::now() + chrono::Duration::seconds(60))
            .format("%a, %d %b %Y %H:%M:%S GMT")
            .to_string();
        let waited = wait(&in_a_minute).expect("an HTTP date is read");
        assert!(
            waited > Duration::from_secs(55) && waited <= Duration::from_secs(60),
            "{waited:?}"
        );
        assert_eq!(
            wait("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(Duration::ZERO),
            "a date in the past means now"
        );
        assert_eq!(wait("soon"), None);
        assert_eq!(wait("-1"), None);
    }

    #[test]
    fn a_copy_to_send_keeps_everything_sent() {
        let url = url::Url::parse("https://api.passage.id/v1/apps/a/users/u").expect("a URL");
        let mut bodyless = Request::new(Method::DELETE, url.clone());
        bodyless
            .headers_mut()
            .insert("authorization", "Bearer k".parse().expect("a value"));
        *bodyless.version_mut() = http::Version::HTTP_2;
        let mut with_body = Request::new(Method::PATCH, url);
        *with_body.body_mut() = Some(reqwest::Body::from("{}"));
        for timeout in [None, Some(Duration::from_secs(7))] {
            for original in [&mut bodyless, &mut with_body] {
                *original.timeout_mut() = timeout;
                let copy = copy_to_send(original).expect("buffered requests are copied");
                assert_eq!(copy.method(), original.method());
                assert_eq!(copy.url(), original.url());
                assert_eq!(copy.headers(), original.headers());
                assert_eq!(copy.version(), original.version());
                assert_eq!(copy.timeout(), original.timeout());
                assert_eq!(
                    copy.body().and_then(reqwest::Body::as_bytes),
                    original.body().and_then(reqwest::Body::as_bytes)
                );
            }
        }
    }

    #[test]
    fn only_idempotent_methods_are_repeated() {
        assert!(is_idempotent(&Method::GET));
        assert!(is_idempotent(&Method::DELETE));
        assert!(is_idempotent(&Method::PATCH));
        assert!(!is_idempotent(&Method::POST));
    }

    #[test]
    fn unusable_settings_are_named() {
        assert!(RetryConfig::new().problem().is_none());
        assert!(RetryConfig::disabled().problem().is_none());
        assert!(RetryConfig::new().max_attempts(0).problem().is_some());
        assert!(RetryConfig::new().max_attempts(11).problem().is_some());
        let inverted = RetryConfig::new().backoff(Duration::from_secs(2), Duration::from_secs(1));
        assert!(inverted.problem().is_some());
        let huge = RetryConfig::new().backoff(Duration::ZERO, Duration::from_secs(301));
        assert!(huge.problem().is_some());
    }
}
