//! Turning the generated crate's errors into [`Error`]: the only place that reads HTTP errors.

use crate::error::{ApiError, Error, ErrorCode, SNIPPET_LIMIT, Transport};
use crate::middleware::body_limit::BodyTooLarge;
use crate::middleware::defaults::TimedOut;
use crate::middleware::retry;
use passage_flex_openapi::apis;
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;

/// Maps a failed generated call of `operation`.
pub(crate) fn from_generated<T>(operation: &'static str, err: apis::Error<T>) -> Error {
    match err {
        apis::Error::ResponseError(response) => {
            let retry_after = retry::retry_after(&response.headers);
            from_error_response(
                operation,
                response.status.as_u16(),
                &response.content,
                retry_after,
            )
        }
        apis::Error::UndecodableResponse(response) => Error::Decode {
            operation,
            status: response.status.as_u16(),
            snippet: snippet(&response.content),
            reason: response.reason,
        },
        apis::Error::Reqwest(err) => from_reqwest(operation, err),
        apis::Error::ReqwestMiddleware(reqwest_middleware::Error::Reqwest(err)) => {
            from_reqwest(operation, err)
        }
        // The SDK's own middleware errors: the body cap and timeouts that name their limit.
        apis::Error::ReqwestMiddleware(reqwest_middleware::Error::Middleware(err)) => {
            if let Some(BodyTooLarge { status, limit }) = err.downcast_ref::<BodyTooLarge>() {
                return Error::ResponseTooLarge {
                    operation,
                    status: *status,
                    limit: *limit,
                };
            }
            match err.downcast::<TimedOut>() {
                Ok(timed_out) => transport(operation, Arc::new(timed_out), Error::Timeout),
                Err(other) => transport(
                    operation,
                    Arc::from(Box::<dyn std::error::Error + Send + Sync>::from(other)),
                    Error::Transport,
                ),
            }
        }
        // Success bodies that fail to decode arrive as UndecodableResponse; these remain for
        // request serialisation and I/O, which the SDK's own types never trigger.
        apis::Error::Serde(err) => transport(operation, Arc::new(err), Error::Transport),
        apis::Error::SerdePathToError(err) => transport(operation, Arc::new(err), Error::Transport),
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
            body.code.as_deref().map(ErrorCode::from),
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

fn from_reqwest(operation: &'static str, err: reqwest::Error) -> Error {
    let kind = if err.is_timeout() {
        Error::Timeout
    } else if err.is_connect() && caused_by_tls(&err) {
        Error::Tls
    } else if err.is_connect() {
        Error::Connect
    } else {
        Error::Transport
    };
    transport(operation, Arc::new(err), kind)
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
    #[cfg(feature = "rustls")]
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
