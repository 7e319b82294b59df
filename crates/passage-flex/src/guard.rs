//! Argument checks that run before any request is sent.

use crate::error::Error;
use crate::filter_operator::FilterOperator;

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

/// An external ID to look up: not empty, and matched exactly (see [`exact_filter`]).
pub(crate) fn external_id(value: &str) -> Result<(), Error> {
    non_empty("external_id", value)?;
    exact_filter("external_id", value)
}

/// A value one of Passage's user filters must match exactly. Passage reads a filter value that
/// starts with an operator as that operator, so such a value could never be matched exactly
/// and is refused.
pub(crate) fn exact_filter(argument: &'static str, value: &str) -> Result<(), Error> {
    if FilterOperator::leading(value).is_some() {
        return Err(Error::InvalidArgument {
            argument,
            reason: "starts with a query operator of Passage's user filter (`ne:`, `gt:`, \
                     `lt:`, `like:`, `not_like:`), so it cannot be matched exactly",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_exact_filter_refusal_names_every_operator() {
        for operator in FilterOperator::ALL {
            let value = operator.apply("someone");
            match exact_filter("external_id", &value) {
                Err(Error::InvalidArgument { argument, reason }) => {
                    assert_eq!(argument, "external_id");
                    assert!(
                        reason.contains(&format!("`{}`", operator.prefix())),
                        "{reason}"
                    );
                }
                other => panic!("{value}: expected InvalidArgument, got {other:?}"),
            }
        }
        assert!(exact_filter("external_id", "someone:ne:").is_ok());
    }
}
