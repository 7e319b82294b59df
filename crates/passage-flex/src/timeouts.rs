//! The timeouts a client runs with: configuration, read by the error map to name the limit a
//! timed-out request exceeded.

use std::time::Duration;

/// The timeouts in force, to name the one a timed-out request exceeded.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timeouts {
    /// The most one attempt may take, the body included.
    pub(crate) request: Duration,
    /// The SDK's own client's connect timeout; `None` when the user supplied the
    /// `reqwest::Client`, whose settings the SDK can neither read nor change.
    pub(crate) connect: Option<Duration>,
}
