//! One `tracing` span per operation.
//!
//! The span `passage_flex` carries `operation`; the generated code records each response's
//! `status` into it and the retry loop the `attempts`, the lookup records `user_id_cache` (`hit` or `miss`) and runs
//! its own request in a child span `passage_flex_lookup`, and
//! the span ends with a `debug` event holding `duration_ms` and, on failure, the error. Nothing
//! recorded ever holds the API key (a header) or a nonce (a request body).

use crate::error::Error;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;
use tracing::Span;
use tracing::field::Empty;

/// Runs one operation inside its span: `work` is polled inside it, and when it ends the span
/// gets `duration_ms` and a `debug` event.
///
/// The work is boxed by the non-generic operation bodies that call this, so that each
/// operation's whole future (lookup, cache, retries, request, decoding) is compiled once, in
/// this crate. Returned unboxed to the public methods, which are generic over their string
/// arguments, it would be compiled again in every crate that calls them, on each of its builds.
/// The box also keeps the caller's future small, where an inline one of several KiB is copied
/// at each `.await`.
pub(crate) fn traced<'a, T>(
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
    Operation {
        span,
        started: Instant::now(),
        work: Box::pin(work),
    }
}

/// An operation's future, as [`traced`] returns it. Written out rather than composed from
/// `Instrumented` and `inspect`: each layer of those is compiled again for every operation,
/// where this is compiled once for each type an operation returns.
pub(crate) struct Operation<'a, T: 'a> {
    span: Span,
    started: Instant,
    work: Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>,
}

impl<T> Future for Operation<'_, T> {
    type Output = Result<T, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Every field is `Unpin`, so the operation is too.
        let this = &mut *self;
        let outcome = {
            let _entered = this.span.enter();
            match this.work.as_mut().poll(cx) {
                Poll::Ready(outcome) => outcome,
                Poll::Pending => return Poll::Pending,
            }
        };
        finish(&this.span, this.started, outcome.as_ref().err());
        Poll::Ready(outcome)
    }
}

impl<'a, T: 'a> Drop for Operation<'a, T> {
    /// Tears the work down inside the span, as `Instrumented` does: what a cancelled call does
    /// while it is dropped belongs to its operation.
    fn drop(&mut self) {
        let _entered = self.span.enter();
        // A `Pending` is zero-sized: boxing it allocates nothing.
        self.work = Box::pin(std::future::pending());
    }
}

/// Ends an operation's span: its duration, and the error if it failed. Not generic, so that the
/// event's code exists once rather than once per operation.
fn finish(span: &Span, started: Instant, error: Option<&Error>) {
    let duration_ms = started.elapsed().as_micros() as f64 / 1000.0;
    span.record("duration_ms", duration_ms);
    match error {
        None => tracing::debug!(parent: span, duration_ms, "passage_flex: done"),
        Some(err) => {
            tracing::debug!(parent: span, duration_ms, error = %err, "passage_flex: failed")
        }
    }
}
