//! The one error type of the SDK.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Everything that can go wrong in a call to Passage.
///
/// API errors are mapped by the response body's `code` first and the HTTP status second (Passage
/// has answered an invalid nonce with both 400 and 401). [`Error::status`] and [`Error::code`]
/// work on every error that came from an HTTP response.
///
/// `Clone`, so one failure can be handed to every caller that waited on it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Error {
    /// An argument was rejected before any request was sent (for example an empty external ID).
    InvalidArgument {
        /// The parameter's name.
        argument: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The client's configuration is unusable (empty API key, plain-HTTP origin, missing
    /// environment variable...). [`PassageFlex::new`](crate::PassageFlex::new) defers this error
    /// to every call; [`PassageFlexBuilder::build`](crate::PassageFlexBuilder::build) returns it.
    InvalidConfiguration(String),
    /// `invalid_request` (or a 400 without a code): the request is malformed.
    InvalidRequest(ApiError),
    /// `invalid_access_token` (or a 401 without a code): the API key is wrong or revoked.
    InvalidAccessToken(ApiError),
    /// `invalid_nonce`: the nonce is unknown, expired or already used.
    InvalidNonce(ApiError),
    /// `operation_not_allowed` (or a 403 without a code).
    OperationNotAllowed(ApiError),
    /// `user_not_found`, or no user has exactly the external ID asked for. In the second case
    /// the error is the external-ID lookup's (`find_user_by_external_id`): its status is the
    /// list's success status (200) and it has no code, because Passage refused nothing.
    UserNotFound(ApiError),
    /// `device_not_found`.
    DeviceNotFound(ApiError),
    /// `user_has_no_passkeys`: an authentication transaction for a user without a passkey.
    UserHasNoPasskeys(ApiError),
    /// Any other error answer (another code, an unknown code, or a gateway's non-JSON page).
    Api(ApiError),
    /// The connection could not be made (refused, DNS, reset before an answer).
    Connect(Transport),
    /// No complete answer within the configured timeout; the message names the limit.
    Timeout(Transport),
    /// The TLS handshake failed (certificate, protocol).
    Tls(Transport),
    /// Another transport failure (the connection dropped mid-body, a redirect loop...).
    Transport(Transport),
    /// A response body longer than
    /// [`PassageFlexBuilder::max_response_bytes`](crate::PassageFlexBuilder::max_response_bytes);
    /// nothing past the limit was read.
    ResponseTooLarge {
        /// The operation that got the response.
        operation: &'static str,
        /// The response's HTTP status.
        status: u16,
        /// The limit, in bytes.
        limit: usize,
    },
    /// A value in a success answer that the SDK refuses to use: for example a user ID of `..`,
    /// which would send the next request to another resource. Nothing more was sent.
    InvalidResponse {
        /// The operation that was running.
        operation: &'static str,
        /// The answer's field, such as `users[].id` of the external-ID lookup.
        field: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A success response whose body is not what the API documents. The body is decoded as
    /// JSON whatever its `Content-Type` says (as Passage's own clients do), so this means the
    /// body itself is wrong; the content type it came with is kept to tell, say, a gateway's
    /// HTML page from a changed API.
    Decode {
        /// The operation that got the response.
        operation: &'static str,
        /// The response's HTTP status.
        status: u16,
        /// The response's `Content-Type`, if it had one.
        content_type: Option<String>,
        /// The start of the body, at most [`SNIPPET_LIMIT`] bytes.
        snippet: String,
        /// Why it could not be decoded, with the path to the failing field.
        reason: String,
    },
}

// Written out rather than derived: a derive macro is one more proc-macro crate in every user's
// clean build, on its critical path (issue 15).
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidArgument { argument, reason } => {
                write!(f, "invalid argument `{argument}`: {reason}")
            }
            Error::InvalidConfiguration(reason) => {
                write!(f, "invalid client configuration: {reason}")
            }
            Error::InvalidRequest(e) => write!(f, "invalid request: {e}"),
            Error::InvalidAccessToken(e) => write!(f, "invalid API key: {e}"),
            Error::InvalidNonce(e) => write!(f, "invalid nonce: {e}"),
            Error::OperationNotAllowed(e) => write!(f, "operation not allowed: {e}"),
            Error::UserNotFound(e) => write!(f, "user not found: {e}"),
            Error::DeviceNotFound(e) => write!(f, "device not found: {e}"),
            Error::UserHasNoPasskeys(e) => write!(f, "user has no passkeys: {e}"),
            Error::Api(e) => write!(f, "Passage API error: {e}"),
            Error::Connect(t) => write!(f, "could not connect to Passage: {t}"),
            Error::Timeout(t) => write!(f, "request to Passage timed out: {t}"),
            Error::Tls(t) => write!(f, "TLS failure talking to Passage: {t}"),
            Error::Transport(t) => write!(f, "transport failure talking to Passage: {t}"),
            Error::ResponseTooLarge {
                operation,
                status,
                limit,
            } => write!(
                f,
                "the response to {operation} (status {status}) exceeds the {limit}-byte limit"
            ),
            Error::InvalidResponse {
                operation,
                field,
                reason,
            } => write!(
                f,
                "{operation}: Passage answered an unusable `{field}` ({reason}); nothing more was sent"
            ),
            Error::Decode {
                operation,
                status,
                content_type,
                snippet,
                reason,
            } => {
                write!(f, "undecodable response to {operation} (status {status}, ")?;
                match content_type {
                    Some(sent) => write!(f, "content type {sent}")?,
                    None => f.write_str("no content type")?,
                }
                write!(f, "): {reason}; body starts: {snippet:?}")
            }
        }
    }
}

impl std::error::Error for Error {
    /// The transport failure behind [`Error::Connect`], [`Error::Timeout`], [`Error::Tls`] and
    /// [`Error::Transport`]; the other variants carry everything in their message.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Connect(t) | Error::Timeout(t) | Error::Tls(t) | Error::Transport(t) => Some(t),
            _ => None,
        }
    }
}

/// The most bytes of a response body an error keeps.
pub const SNIPPET_LIMIT: usize = 256;

impl Error {
    /// The HTTP status of the response this error came from, if it came from one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Decode { status, .. } | Error::ResponseTooLarge { status, .. } => Some(*status),
            _ => self.api_error().map(|e| e.status),
        }
    }

    /// How long the server asked to wait before trying again (`Retry-After`), if the error
    /// response said; see [`ApiError::retry_after`].
    pub fn retry_after(&self) -> Option<Duration> {
        self.api_error()?.retry_after
    }

    /// The API's error code (`"user_not_found"`...), if the response carried one.
    pub fn code(&self) -> Option<&str> {
        self.api_error()?.code.as_ref().map(ErrorCode::as_str)
    }

    /// The API error behind this error, for any variant that came from an error response.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::InvalidRequest(e)
            | Error::InvalidAccessToken(e)
            | Error::InvalidNonce(e)
            | Error::OperationNotAllowed(e)
            | Error::UserNotFound(e)
            | Error::DeviceNotFound(e)
            | Error::UserHasNoPasskeys(e)
            | Error::Api(e) => Some(e),
            _ => None,
        }
    }
}

/// An error answer from the Passage API.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The operation that was answered (`"get_user"`, `"verify_nonce"`...).
    pub operation: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// The body's `code`; `None` when the body was not a Passage error (a gateway's HTML page).
    pub code: Option<ErrorCode>,
    /// The body's `error` message, or the start of a body that was not a Passage error.
    pub message: String,
    /// How long the server asked to wait before trying again: its `Retry-After` header (delay
    /// seconds or an HTTP date; zero for a date already past), usually on a `429` or `503`.
    /// The SDK honours it between its own attempts; it reaches the caller when the SDK stopped
    /// trying: the attempts ran out, the request is not repeatable (`verify_nonce`, the
    /// transaction creates), or the wait asked for exceeds
    /// [`RetryConfig::max_retry_after`](crate::RetryConfig::max_retry_after).
    pub retry_after: Option<Duration>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} answered {}", self.operation, self.status)?;
        if let Some(code) = &self.code {
            write!(f, " {code}")?;
        }
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        if let Some(wait) = self.retry_after {
            write!(f, " (retry after {}s)", wait.as_secs())?;
        }
        Ok(())
    }
}

/// A transport failure's description, with the underlying error as its source.
#[derive(Debug, Clone)]
pub struct Transport {
    /// The operation that failed.
    pub operation: &'static str,
    /// The underlying error, usually reqwest's (shared, so that the error is `Clone`).
    pub source: Arc<dyn std::error::Error + Send + Sync + 'static>,
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.operation, self.source)
    }
}

impl std::error::Error for Transport {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

/// The API's machine-readable error codes: every code Passage lists, one variant each. Codes
/// this version does not know are kept in [`ErrorCode::Unknown`], so a new code from Passage
/// never breaks error handling; [`ErrorCode::as_str`] gives the code as sent.
///
/// The low-level crate's own enum, generated from the spec, so each code is written once.
pub use passage_flex_openapi::models::ErrorCode;
