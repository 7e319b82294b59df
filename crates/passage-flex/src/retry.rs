//! Repeating an API call that failed in a way worth repeating, only where repeating is safe.

use crate::error::Error;
use crate::error_map::is_dropped_connection;
use std::future::Future;
use std::hash::{BuildHasher, RandomState};
use std::time::Duration;

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

    /// The waits between attempts: each is drawn at random between `initial` and a ceiling that
    /// starts at twice `initial` and doubles for each further retry, up to `max`.
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
/// [`RetryConfig::problem`]; from one that has, nothing is repeated.
pub(crate) struct Retry {
    backoff: Option<Backoff>,
    max_retry_after: Duration,
}

impl Retry {
    pub(crate) fn new(config: &RetryConfig) -> Self {
        let backoff = (config.max_attempts > 1 && config.problem().is_none()).then_some(Backoff {
            max_attempts: config.max_attempts,
            initial: config.initial_backoff,
            max: config.max_backoff,
        });
        Retry {
            backoff,
            max_retry_after: config.max_retry_after,
        }
    }
}

/// Exponential backoff with jitter: before retry `n` (0 for the first), a wait drawn evenly
/// between `initial` and `initial * 2^(n+1)`, the latter capped at `max`. Jitter, from the first
/// retry on, keeps clients that failed together from retrying together; the floor keeps a retry
/// from following at once.
#[derive(Debug, Clone, Copy)]
struct Backoff {
    max_attempts: u32,
    initial: Duration,
    max: Duration,
}

impl Backoff {
    /// The wait before another attempt after `attempts` have failed, or `None` when that was
    /// the last one allowed.
    fn delay(&self, attempts: u32) -> Option<Duration> {
        if attempts >= self.max_attempts {
            return None;
        }
        // After the first failure (`attempts` 1) the wait is drawn up to twice `initial`.
        let doublings = attempts.min(31);
        let ceiling = self
            .initial
            .checked_mul(1 << doublings)
            .map_or(self.max, |grown| grown.min(self.max));
        let spread = ceiling.saturating_sub(self.initial);
        Some(self.initial + spread.mul_f64(unit_random()))
    }
}

/// A number in `[0, 1)`, different on every call: the standard library's randomly keyed hasher
/// (each `RandomState` gets new keys) is randomness enough for jitter, without a random-number
/// crate in every user's build.
fn unit_random() -> f64 {
    let bits = RandomState::new().hash_one(());
    // The top 53 bits, the precision of an f64 in [0, 1).
    (bits >> 11) as f64 / (1u64 << 53) as f64
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
                let Some(backoff) = policy.delay(attempts) else {
                    return outcome;
                };
                let delay = match err.retry_after() {
                    Some(asked) if asked > self.max_retry_after => return outcome,
                    Some(asked) => asked.max(backoff),
                    None => backoff,
                };
                log_retry(attempts, reason, err, delay);
                delay
            };
            tokio::time::sleep(delay).await;
            attempts += 1;
        }
    }
}

/// The event of a retry. Not generic, so that its code exists once rather than once per
/// operation.
fn log_retry(attempt: u32, reason: &'static str, err: &Error, delay: Duration) {
    tracing::debug!(
        attempt,
        reason,
        error = %err,
        delay_ms = delay.as_millis() as u64,
        "passage_flex: retrying"
    );
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

    fn backoff(max_attempts: u32, initial_ms: u64, max_ms: u64) -> Backoff {
        Backoff {
            max_attempts,
            initial: Duration::from_millis(initial_ms),
            max: Duration::from_millis(max_ms),
        }
    }

    #[test]
    fn attempts_stop_at_the_maximum() {
        let policy = backoff(3, 100, 2000);
        assert!(policy.delay(1).is_some());
        assert!(policy.delay(2).is_some());
        assert_eq!(policy.delay(3), None);
        assert_eq!(policy.delay(u32::MAX), None);
        assert_eq!(backoff(1, 100, 2000).delay(1), None);
    }

    #[test]
    fn each_wait_lies_between_the_floor_and_a_doubling_capped_ceiling() {
        let policy = backoff(10, 100, 1000);
        let ms = Duration::from_millis;
        for (attempts, ceiling) in [
            (1, ms(200)),
            (2, ms(400)),
            (3, ms(800)),
            (4, ms(1000)),
            (9, ms(1000)),
        ] {
            for _ in 0..200 {
                let Some(wait) = policy.delay(attempts) else {
                    panic!("attempt {attempts} may be repeated");
                };
                assert!(wait >= ms(100) && wait <= ceiling, "{attempts}: {wait:?}");
            }
        }
    }

    #[test]
    fn waits_are_spread_not_fixed_from_the_first_retry_on() {
        let policy = backoff(10, 100, 10_000);
        // Even between 100 ms and 200 ms, and between 100 ms and 3,200 ms.
        for (attempts, low, high) in [(1, 130, 170), (5, 1200, 2100)] {
            let waits: std::collections::HashSet<Duration> =
                (0..100).filter_map(|_| policy.delay(attempts)).collect();
            assert!(
                waits.len() > 50,
                "only {} distinct waits in 100",
                waits.len()
            );
            let mean = waits.iter().sum::<Duration>() / waits.len() as u32;
            let (low, high) = (Duration::from_millis(low), Duration::from_millis(high));
            assert!(mean > low && mean < high, "after {attempts}: {mean:?}");
        }
    }

    #[test]
    fn huge_settings_do_not_overflow() {
        let policy = backoff(10, 300_000, 300_000);
        assert_eq!(policy.delay(9), Some(Duration::from_secs(300)));
        let doubling = backoff(u32::MAX, 1, 300_000);
        assert!(
            doubling
                .delay(u32::MAX - 1)
                .is_some_and(|wait| wait <= Duration::from_secs(300))
        );
    }

    #[test]
    fn the_settings_reach_the_policy() {
        assert!(Retry::new(&RetryConfig::disabled()).backoff.is_none());
        assert!(Retry::new(&RetryConfig::new()).backoff.is_some());
        let patient = Retry::new(&RetryConfig::new().max_retry_after(Duration::from_secs(42)));
        assert_eq!(patient.max_retry_after, Duration::from_secs(42));
        assert_eq!(
            RetryConfig::default().max_retry_after,
            Duration::from_secs(10)
        );
    }

    #[test]
    fn the_limits_themselves_are_usable() {
        let fixed = RetryConfig::new().backoff(Duration::from_secs(1), Duration::from_secs(1));
        assert!(fixed.problem().is_none(), "initial equal to max");
        let longest = RetryConfig::new().backoff(Duration::ZERO, RetryConfig::BACKOFF_LIMIT);
        assert!(longest.problem().is_none(), "max at the limit");
        let most = RetryConfig::new().max_attempts(RetryConfig::ATTEMPTS_LIMIT);
        assert!(most.problem().is_none());
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
