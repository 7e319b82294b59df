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
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An argument was rejected before any request was sent (for example an empty external ID).
    #[error("invalid argument `{argument}`: {reason}")]
    InvalidArgument {
        /// The parameter's name.
        argument: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The client's configuration is unusable (empty API key, plain-HTTP origin, missing
    /// environment variable...). [`PassageFlex::new`](crate::PassageFlex::new) defers this error
    /// to every call; [`PassageFlexBuilder::build`](crate::PassageFlexBuilder::build) returns it.
    #[error("invalid client configuration: {0}")]
    InvalidConfiguration(String),
    /// `invalid_request` (or a 400 without a code): the request is malformed.
    #[error("invalid request: {0}")]
    InvalidRequest(ApiError),
    /// `invalid_access_token` (or a 401 without a code): the API key is wrong or revoked.
    #[error("invalid API key: {0}")]
    InvalidAccessToken(ApiError),
    /// `invalid_nonce`: the nonce is unknown, expired or already used.
    #[error("invalid nonce: {0}")]
    InvalidNonce(ApiError),
    /// `operation_not_allowed` (or a 403 without a code).
    #[error("operation not allowed: {0}")]
    OperationNotAllowed(ApiError),
    /// `user_not_found`, or no user has exactly the external ID asked for. In the second case
    /// the error is the external-ID lookup's (`find_user_by_external_id`): its status is the
    /// list's success status (200) and it has no code, because Passage refused nothing.
    #[error("user not found: {0}")]
    UserNotFound(ApiError),
    /// `device_not_found`.
    #[error("device not found: {0}")]
    DeviceNotFound(ApiError),
    /// `user_has_no_passkeys`: an authentication transaction for a user without a passkey.
    #[error("user has no passkeys: {0}")]
    UserHasNoPasskeys(ApiError),
    /// Any other error answer (another code, an unknown code, or a gateway's non-JSON page).
    #[error("Passage API error: {0}")]
    Api(ApiError),
    /// The connection could not be made (refused, DNS, reset before an answer).
    #[error("could not connect to Passage: {0}")]
    Connect(#[source] Transport),
    /// No complete answer within the configured timeout; the message names the limit.
    #[error("request to Passage timed out: {0}")]
    Timeout(#[source] Transport),
    /// The TLS handshake failed (certificate, protocol).
    #[error("TLS failure talking to Passage: {0}")]
    Tls(#[source] Transport),
    /// Another transport failure (the connection dropped mid-body, a middleware of a supplied
    /// client failed...).
    #[error("transport failure talking to Passage: {0}")]
    Transport(#[source] Transport),
    /// A response body longer than
    /// [`PassageFlexBuilder::max_response_bytes`](crate::PassageFlexBuilder::max_response_bytes);
    /// nothing past the limit was read.
    #[error("the response to {operation} (status {status}) exceeds the {limit}-byte limit")]
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
    #[error(
        "{operation}: Passage answered an unusable `{field}` ({reason}); nothing more was sent"
    )]
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
    #[error(
        "undecodable response to {operation} (status {status}, {}): {reason}; body starts: {snippet:?}",
        content_type.as_deref().map_or_else(|| "no content type".to_string(), |sent| format!("content type {sent}"))
    )]
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
#[derive(Debug, Clone, thiserror::Error)]
#[error("{operation}: {source}")]
pub struct Transport {
    /// The operation that failed.
    pub operation: &'static str,
    /// The underlying reqwest or middleware error (shared, so that the error is `Clone`).
    #[source]
    pub source: Arc<dyn std::error::Error + Send + Sync + 'static>,
}

/// The API's machine-readable error codes: every code Passage lists, one variant each. Codes
/// this version does not know are kept in [`ErrorCode::Unknown`], so a new code from Passage
/// never breaks error handling; [`ErrorCode::as_str`] gives the code as sent.
///
/// The low-level crate's own enum, generated from the spec, so each code is written once.
pub use passage_flex_openapi::models::ErrorCode;
