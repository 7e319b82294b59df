//! Repeating an API call that failed in a way worth repeating, only where repeating is safe.

use crate::error::Error;
use crate::error_map::is_dropped_connection;
use retry_policies::policies::ExponentialBackoff;
use retry_policies::{Jitter, RetryDecision, RetryPolicy};
use std::future::Future;
use std::time::{Duration, SystemTime};

/// How often the SDK tries a request, unless [`RetryConfig::max_attempts`] says otherwise.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;

/// When and how the SDK repeats a failed request; set with
/// [`PassageFlexBuilder::retry`](crate::PassageFlexBuilder::retry).
///
/// Only idempotent operations are repeated: reads, deletes, and this API's `PATCH`es (each sets
/// an absolute state). `verify_nonce` and the transaction creates are `POST`s and are sent exactly
/// once: a nonce is single-use, so repeating a verification whose answer was lost would turn a
/// success into [`Error::InvalidNonce`](crate::Error::InvalidNonce).
///
/// They are repeated after a connection failure (refused, reset, closed mid-answer) and on
/// `429`, `502`, `503` and `504`, with exponential backoff and jitter, waiting at least as long
/// as a `Retry-After` header asks. A timeout is not repeated: the timeout is the caller's
/// budget. A request whose last attempt fails returns that attempt's error.
///
/// Retries belong to [`PassageFlex`](crate::PassageFlex)'s operations: a call made with the
/// low-level crate through
/// [`PassageFlex::openapi_configuration`](crate::PassageFlex::openapi_configuration) is sent once.
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

/// The retry policy of a client. Built only from a [`RetryConfig`] that has no
/// [`RetryConfig::problem`], which keeps the backoff policy's own bounds assertion from ever
/// firing.
pub(crate) struct Retry {
    backoff: Option<ExponentialBackoff>,
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
            max_retry_after: config.max_retry_after,
        }
    }
}

/// Whether an operation may be sent twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Repeat {
    /// Reads, deletes, and this API's `PATCH`es: each sets an absolute state, so sending one
    /// twice changes nothing more.
    Safe,
    /// `verify_nonce` and the transaction creates.
    Never,
}

impl Retry {
    /// Runs `attempt` (one generated call, its error mapped) until it succeeds, fails in a way
    /// not worth repeating, or may not be repeated. Each attempt is the generated call made
    /// afresh, so nothing of a request is kept or copied between attempts.
    pub(crate) async fn run<T, F, Fut>(&self, repeat: Repeat, attempt: F) -> Result<T, Error>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        let policy = self.backoff.filter(|_| repeat == Repeat::Safe);
        let mut attempts: u32 = 1;
        loop {
            // The outcome lives in this block only, so that it is not kept beside the sleep in
            // this future's state: both would be copied with it at every move.
            let delay = {
                let outcome = attempt().await;
                // On the operation's span (see `telemetry`); the generated code records the
                // status.
                tracing::Span::current().record("attempts", attempts);
                let (Err(err), Some(policy)) = (&outcome, policy) else {
                    return outcome;
                };
                let Some(reason) = transient_failure(err) else {
                    return outcome;
                };
                // The policy is bounded by attempts, not by time: it ignores the start time,
                // so the clock is read only once a retry is being decided.
                let RetryDecision::Retry { execute_after } =
                    policy.should_retry(SystemTime::now(), attempts - 1)
                else {
                    return outcome;
                };
                let backoff = execute_after
                    .duration_since(SystemTime::now())
                    .unwrap_or_default();
                let delay = match err.retry_after() {
                    Some(asked) if asked > self.max_retry_after => return outcome,
                    Some(asked) => asked.max(backoff),
                    None => backoff,
                };
                tracing::debug!(
                    attempt = attempts,
                    reason,
                    error = %err,
                    delay_ms = delay.as_millis() as u64,
                    "passage_flex: retrying"
                );
                delay
            };
            tokio::time::sleep(delay).await;
            attempts += 1;
        }
    }
}

/// Why this error is worth another attempt, if it is.
fn transient_failure(err: &Error) -> Option<&'static str> {
    if let Some(api) = err.api_error() {
        return match api.status {
            429 => Some("429 Too Many Requests"),
            502 => Some("502 Bad Gateway"),
            503 => Some("503 Service Unavailable"),
            504 => Some("504 Gateway Timeout"),
            _ => None,
        };
    }
    // Refused, reset, or closed mid-answer. A timeout spends the caller's budget and a TLS
    // failure would fail the same way again (both have their own variants), as would a body
    // over the cap or one that does not decode.
    match err {
        Error::Connect(_) => Some("connection failure"),
        Error::Transport(transport) if is_dropped_connection(transport) => {
            Some("connection failure")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gateway_and_rate_limit_answers_are_transient_other_answers_are_not() {
        let answer = |status| {
            Error::Api(crate::ApiError {
                operation: "get_app",
                status,
                code: None,
                message: String::new(),
                retry_after: None,
            })
        };
        for status in [429, 502, 503, 504] {
            assert!(transient_failure(&answer(status)).is_some(), "{status}");
        }
        for status in [400, 401, 404, 409, 500, 501] {
            assert!(transient_failure(&answer(status)).is_none(), "{status}");
        }
        let refused = Error::InvalidArgument {
            argument: "external_id",
            reason: "must not be empty",
        };
        assert!(transient_failure(&refused).is_none());
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
