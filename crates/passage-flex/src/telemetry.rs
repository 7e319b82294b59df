//! One `tracing` span per operation.
//!
//! The span `passage_flex` carries `operation`; the generated code records each response's
//! `status` into it and the retry loop the `attempts`, the lookup records `user_id_cache` (`hit` or `miss`) and runs
//! its own request in a child span `passage_flex_lookup`, and
//! the span ends with a `debug` event holding `duration_ms` and, on failure, the error. Nothing
//! recorded ever holds the API key (a header) or a nonce (a request body).

use crate::error::Error;
use futures_util::FutureExt;
use std::future::Future;
use std::pin::Pin;
use std::time::Instant;
use tracing::Instrument;
use tracing::field::Empty;

/// An operation's future, as [`traced`] returns it.
pub(crate) type Operation<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

/// Runs one operation inside its span.
///
/// Boxed, by the non-generic operation bodies that call this: the operation's whole future
/// (lookup, cache, retries, request, decoding) is then compiled once, in this crate. Returned
/// unboxed to the public methods, which are generic over their string arguments, it would be
/// compiled again in every crate that calls them, on each of its builds. The box also keeps the
/// caller's future small, where an inline one of several KiB is copied at each `.await`.
pub(crate) fn traced<'a, T: 'a>(
    operation: &'static str,
    work: impl Future<Output = Result<T, Error>> + Send + 'a,
) -> Operation<'a, T> {
    let span = tracing::info_span!(
        "passage_flex",
        operation,
        status = Empty,
        attempts = Empty,
        user_id_cache = Empty,
        duration_ms = Empty,
    );
    let started = Instant::now();
    Box::pin(work.instrument(span.clone()).inspect(move |outcome| {
        let duration_ms = started.elapsed().as_micros() as f64 / 1000.0;
        span.record("duration_ms", duration_ms);
        match outcome {
            Ok(_) => tracing::debug!(parent: &span, duration_ms, "passage_flex: done"),
            Err(err) => {
                tracing::debug!(parent: &span, duration_ms, error = %err, "passage_flex: failed")
            }
        }
    }))
}
