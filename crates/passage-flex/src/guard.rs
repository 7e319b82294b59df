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
    non_empty(argument, value)?;
    if value == "." || value == ".." {
        return Err(Error::InvalidArgument {
            argument,
            reason: "must not be `.` or `..`",
        });
    }
    Ok(())
}
