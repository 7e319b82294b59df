//! Turning the generated crate's errors into [`Error`]: the only place that reads HTTP errors.

use crate::error::{ApiError, Error, ErrorCode, SNIPPET_LIMIT, Transport};
use crate::timeouts::Timeouts;
use passage_flex_openapi::apis;
use reqwest::header::HeaderMap;
use serde::Deserialize;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Maps a failed generated call of `operation`.
pub(crate) fn from_generated<T>(
    operation: &'static str,
    err: apis::Error<T>,
    timeouts: &Timeouts,
) -> Error {
    match err {
        apis::Error::ResponseError(response) => from_error_response(
            operation,
            response.status.as_u16(),
            &response.content,
            retry_after(&response.headers),
        ),
        apis::Error::UndecodableResponse(response) => Error::Decode {
            operation,
            status: response.status.as_u16(),
            content_type: response.content_type,
            snippet: snippet(&response.content),
            reason: response.reason,
        },
        apis::Error::ResponseTooLarge(response) => Error::ResponseTooLarge {
            operation,
            status: response.status.as_u16(),
            limit: response.limit,
        },
        apis::Error::Reqwest(err) => from_reqwest(operation, err, timeouts),
        // Success bodies that fail to decode arrive as UndecodableResponse; these remain for
        // request serialisation and I/O, which the SDK's own types never trigger.
        apis::Error::Serde(err) => transport(operation, Arc::new(err), Error::Transport),
        apis::Error::Io(err) => transport(operation, Arc::new(err), Error::Transport),
    }
}

/// The Passage error body, read tolerantly: a gateway may send anything.
#[derive(Deserialize)]
struct ErrorBody {
    code: Option<String>,
    error: Option<String>,
}

/// Code first, status second.
fn from_error_response(
    operation: &'static str,
    status: u16,
    content: &str,
    retry_after: Option<Duration>,
) -> Error {
    let body = serde_json::from_str::<ErrorBody>(content).ok();
    let (code, message) = match body {
        Some(body) => (
            body.code.map(ErrorCode::from),
            body.error.unwrap_or_default(),
        ),
        None => (None, snippet(content)),
    };
    let api = ApiError {
        operation,
        status,
        code,
        message,
        retry_after,
    };
    match (&api.code, status) {
        (Some(ErrorCode::InvalidRequest), _) => Error::InvalidRequest(api),
        (Some(ErrorCode::InvalidAccessToken), _) => Error::InvalidAccessToken(api),
        (Some(ErrorCode::InvalidNonce), _) => Error::InvalidNonce(api),
        (Some(ErrorCode::OperationNotAllowed), _) => Error::OperationNotAllowed(api),
        (Some(ErrorCode::UserNotFound), _) => Error::UserNotFound(api),
        (Some(ErrorCode::DeviceNotFound), _) => Error::DeviceNotFound(api),
        (Some(ErrorCode::UserHasNoPasskeys), _) => Error::UserHasNoPasskeys(api),
        (_, 400) => Error::InvalidRequest(api),
        (_, 401) => Error::InvalidAccessToken(api),
        (_, 403) => Error::OperationNotAllowed(api),
        _ => Error::Api(api),
    }
}

fn from_reqwest(operation: &'static str, err: reqwest::Error, timeouts: &Timeouts) -> Error {
    if err.is_timeout() {
        let (what, limit) = if err.is_connect() {
            ("connecting", timeouts.connect)
        } else {
            ("the request", Some(timeouts.request))
        };
        let named = TimedOut {
            what,
            limit,
            source: err,
        };
        return transport(operation, Arc::new(named), Error::Timeout);
    }
    let kind = if err.is_connect() && caused_by_tls(&err) {
        Error::Tls
    } else if err.is_connect() {
        Error::Connect
    } else {
        Error::Transport
    };
    transport(operation, Arc::new(err), kind)
}

/// Whether a transport failure is a connection reset or closed before the whole answer came:
/// worth another attempt of a repeatable request.
pub(crate) fn is_dropped_connection(transport: &Transport) -> bool {
    let Some(err) = transport.source.downcast_ref::<reqwest::Error>() else {
        return false;
    };
    // A body that ends before its `Content-Length` reaches us as a decode error whose source
    // is the body error.
    let cut_short = std::error::Error::source(err)
        .and_then(|source| source.downcast_ref::<reqwest::Error>())
        .is_some_and(reqwest::Error::is_body);
    err.is_request() || err.is_body() || cut_short
}

/// A timeout, with the limit it exceeded; [`Error::Timeout`]'s source.
#[derive(Debug)]
struct TimedOut {
    what: &'static str,
    limit: Option<Duration>,
    source: reqwest::Error,
}

impl std::error::Error for TimedOut {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

impl fmt::Display for TimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.limit {
            Some(limit) => write!(f, "{} took longer than its {limit:?} limit", self.what),
            None => write!(f, "{} took longer than the HTTP client allows", self.what),
        }
    }
}

/// The wait a `Retry-After` header asks for: delay-seconds or an HTTP date (zero once past).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    Some(
        (date.with_timezone(&chrono::Utc) - chrono::Utc::now())
            .to_std()
            .unwrap_or_default(),
    )
}

fn transport(
    operation: &'static str,
    source: Arc<dyn std::error::Error + Send + Sync + 'static>,
    kind: fn(Transport) -> Error,
) -> Error {
    kind(Transport { operation, source })
}

/// reqwest reports a failed TLS handshake as a connect error and has no TLS flag, so the cause
/// chain is searched for the TLS backend's own error type. `io::Error::source` skips the error
/// it wraps, so wrapped errors are opened with `get_ref`.
pub(crate) fn caused_by_tls(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(err);
    while let Some(err) = cause {
        if is_tls_backend_error(err) {
            return true;
        }
        let wrapped = err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref());
        if wrapped.is_some_and(|inner| caused_by_tls(inner)) {
            return true;
        }
        cause = err.source();
    }
    false
}

#[allow(unused_variables)] // with neither TLS feature, nothing is TLS
fn is_tls_backend_error(err: &(dyn std::error::Error + 'static)) -> bool {
    #[cfg(any(feature = "rustls", feature = "rustls-aws-lc"))]
    if err.is::<rustls::Error>() {
        return true;
    }
    #[cfg(feature = "native-tls")]
    if err.is::<native_tls::Error>() {
        return true;
    }
    false
}

/// The start of a body, cut at a character boundary, for error messages.
pub(crate) fn snippet(body: &str) -> String {
    let mut end = body.len().min(SNIPPET_LIMIT);
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    body[..end].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let wait = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert("retry-after", value.parse().expect("a header value"));
            retry_after(&headers)
        };
        assert_eq!(wait("3"), Some(Duration::from_secs(3)));
        assert_eq!(wait(" 0 "), Some(Duration::ZERO));
        let in_a_minute = (chrono::Utc::now() + chrono::Duration::seconds(60))
            .format("%a, %d %b %Y %H:%M:%S GMT")
            .to_string();
        let waited = wait(&in_a_minute).expect("an HTTP date is read");
        assert!(
            waited > Duration::from_secs(55) && waited <= Duration::from_secs(60),
            "{waited:?}"
        );
        assert_eq!(
            wait("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(Duration::ZERO),
            "a date in the past means now"
        );
        assert_eq!(wait("soon"), None);
        assert_eq!(wait("-1"), None);
    }
}
