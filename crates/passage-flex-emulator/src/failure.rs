//! The one error shape every emulator refusal takes: Passage's `{"code", "error"}` body.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// A refusal, as the real API would send it: an HTTP status, a snake_case `code` and a message.
///
/// Returned by the HTTP handlers and by in-process calls such as
/// [`Emulator::complete_transaction`](crate::Emulator::complete_transaction).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl Failure {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        self.status.as_u16()
    }

    /// Passage's machine-readable code, such as `user_not_found`.
    pub fn code(&self) -> &str {
        self.code
    }

    /// The human-readable message.
    pub fn message(&self) -> &str {
        &self.message
    }

    pub(crate) fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", message)
    }

    pub(crate) fn invalid_access_token() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "invalid_access_token",
            "the Authorization header must be `Bearer <the app's API key>`",
        )
    }

    pub(crate) fn invalid_nonce() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "invalid_nonce",
            "the nonce is unknown, already used or expired",
        )
    }

    pub(crate) fn operation_not_allowed(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "operation_not_allowed", message)
    }

    pub(crate) fn app_not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "app_not_found", "app not found")
    }

    pub(crate) fn user_not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "user_not_found", "user not found")
    }

    pub(crate) fn device_not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "device_not_found",
            "device not found",
        )
    }

    pub(crate) fn transaction_not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "transaction_not_found",
            "the transaction is unknown, already completed or expired",
        )
    }

    pub(crate) fn route_not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint")
    }

    /// A WebAuthn handshake that is unknown, already used or expired.
    pub(crate) fn handshake_not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "handshake_not_found",
            "the handshake is unknown, already used or expired",
        )
    }

    /// The browser's credential is not one this ceremony may use (revoked, another user's, not
    /// registered).
    pub(crate) fn credential_not_allowed(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "credential_not_allowed", message)
    }

    /// A WebAuthn response that failed verification; `code` names the check.
    pub(crate) fn ceremony_refused(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub(crate) fn user_has_no_passkeys() -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "user_has_no_passkeys",
            "the user has no passkey to authenticate with",
        )
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.code,
            self.message
        )
    }
}

impl std::error::Error for Failure {}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "code": self.code, "error": self.message });
        (self.status, Json(body)).into_response()
    }
}

impl From<axum::extract::rejection::PathRejection> for Failure {
    fn from(rejection: axum::extract::rejection::PathRejection) -> Self {
        Self::invalid_request(format!("bad path parameter: {}", rejection.body_text()))
    }
}
