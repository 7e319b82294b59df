//! Argument checks that run before any request is sent.

use crate::error::Error;

/// A value that must not be empty (external IDs, display names, nonces).
pub(crate) fn non_empty(argument: &'static str, value: &str) -> Result<(), Error> {
    if value.is_empty() {
        return Err(Error::InvalidArgument {
            argument,
            reason: "must not be empty",
        });
    }
    Ok(())
}

/// A value that becomes one URL path segment (user and device IDs). Percent-encoding keeps `/`,
/// `?` and `#` inside the segment, but URL normalisation would still resolve `.` and `..`
/// (encoded or not) and send the request to another endpoint, so those are refused.
pub(crate) fn path_segment(argument: &'static str, value: &str) -> Result<(), Error> {
    match path_segment_problem(value) {
        Some(reason) => Err(Error::InvalidArgument { argument, reason }),
        None => Ok(()),
    }
}

/// The same check for an ID that came back from Passage, before it goes into a path: a server
/// (or a proxy, or a stub) is trusted no more than the caller.
pub(crate) fn path_segment_from_server(
    operation: &'static str,
    field: &'static str,
    value: &str,
) -> Result<(), Error> {
    match path_segment_problem(value) {
        Some(reason) => Err(Error::InvalidResponse {
            operation,
            field,
            reason,
        }),
        None => Ok(()),
    }
}

fn path_segment_problem(value: &str) -> Option<&'static str> {
    match value {
        "" => Some("must not be empty"),
        "." | ".." => Some("must not be `.` or `..`"),
        _ => None,
    }
}
