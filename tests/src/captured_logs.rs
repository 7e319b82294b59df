//! Everything a test's thread logs through `tracing`, as text, for tests of the facade's spans.
//!
//! Tests share one process, so each captures with a thread-local subscriber
//! ([`tracing::subscriber::set_default`]). A callsite first reached on a thread without one could
//! cache "nobody is interested" for the whole process and go silent in every later capture;
//! a global subscriber that answers "ask each time" keeps every callsite live.

use std::io::Write;
use std::sync::{Arc, Mutex, Once};
use tracing::subscriber::{DefaultGuard, Interest};
use tracing::{Event, Metadata, Subscriber, span};
use tracing_subscriber::fmt::format::FmtSpan;

/// Collected log lines.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    /// What was logged so far.
    pub fn text(&self) -> String {
        let bytes = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut bytes = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        bytes.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Everything at TRACE, span closes included, without timestamps, into `captured`, for the
/// current thread until the guard drops (so for a current-thread `#[tokio::test]`).
pub fn capture(captured: &Captured) -> DefaultGuard {
    static GLOBAL: Once = Once::new();
    GLOBAL.call_once(|| {
        // Fails only if another global subscriber is set, which then keeps callsites live too.
        let _ = tracing::subscriber::set_global_default(AskEachTime);
    });
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .without_time()
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_default(subscriber)
}

/// The global subscriber: records nothing, and never lets a callsite's interest be cached.
struct AskEachTime;

impl Subscriber for AskEachTime {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        Interest::sometimes()
    }
    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::TRACE)
    }
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        false
    }
    fn new_span(&self, _: &span::Attributes<'_>) -> span::Id {
        span::Id::from_u64(1)
    }
    fn record(&self, _: &span::Id, _: &span::Record<'_>) {}
    fn record_follows_from(&self, _: &span::Id, _: &span::Id) {}
    fn event(&self, _: &Event<'_>) {}
    fn enter(&self, _: &span::Id) {}
    fn exit(&self, _: &span::Id) {}
}
