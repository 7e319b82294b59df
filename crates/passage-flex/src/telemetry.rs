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
use std::time::Instant;
use tracing::Instrument;
use tracing::field::Empty;

/// Runs one operation inside its span.
///
/// A combinator rather than an `async fn`: an `async fn` keeps its `work` argument beside the
/// `work` it awaits, doubling the size of every operation's future, which is then copied at
/// each `.await` up the caller's stack.
pub(crate) fn traced<T>(
    operation: &'static str,
    work: impl Future<Output = Result<T, Error>>,
) -> impl Future<Output = Result<T, Error>> {
    let span = tracing::info_span!(
        "passage_flex",
        operation,
        status = Empty,
        attempts = Empty,
        user_id_cache = Empty,
        duration_ms = Empty,
    );
    let started = Instant::now();
    work.instrument(span.clone()).inspect(move |outcome| {
        let duration_ms = started.elapsed().as_micros() as f64 / 1000.0;
        span.record("duration_ms", duration_ms);
        match outcome {
            Ok(_) => tracing::debug!(parent: &span, duration_ms, "passage_flex: done"),
            Err(err) => {
                tracing::debug!(parent: &span, duration_ms, error = %err, "passage_flex: failed")
            }
        }
    })
}
