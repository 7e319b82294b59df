//! The one error shape every emulator refusal takes: Passage's `{"code", "error"}` body.
//!
//! Codes come in two kinds, each spelled in one place. Passage's own are the generated
//! [`models::ErrorCode`] (the spec's list), and they are the only ones the management API
//! answers with. The emulator's own ([`EmulatorCode`]) name what only the browser-facing
//! endpoints and the control endpoint can refuse: a WebAuthn check, an unknown transaction or
//! handshake.

use axum::Json;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use passage_flex_openapi::models::{ApiError, ErrorCode};

/// A refusal, as the real API would send it: an HTTP status, a snake_case `code` and a message.
///
/// Returned by the HTTP handlers and by in-process calls such as
/// [`Emulator::complete_transaction`](crate::Emulator::complete_transaction).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    status: StatusCode,
    code: String,
    message: String,
}

/// The emulator's own codes, outside Passage's list: for the browser-facing endpoints (and the
/// control endpoint) only, never for the management API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EmulatorCode {
    TransactionNotFound,
    HandshakeNotFound,
    CredentialNotAllowed,
    OriginNotAllowed,
    RpIdMismatch,
    ChallengeMismatch,
    WrongCeremonyType,
    UserNotPresent,
    UserNotVerified,
    InvalidSignature,
    SignCountDecreased,
    CredentialExcluded,
    WebauthnVerificationFailed,
    /// A path outside `/v1` that the emulator does not serve.
    NotFound,
}

impl EmulatorCode {
    fn as_str(self) -> &'static str {
        match self {
            Self::TransactionNotFound => "transaction_not_found",
            Self::HandshakeNotFound => "handshake_not_found",
            Self::CredentialNotAllowed => "credential_not_allowed",
            Self::OriginNotAllowed => "origin_not_allowed",
            Self::RpIdMismatch => "rp_id_mismatch",
            Self::ChallengeMismatch => "challenge_mismatch",
            Self::WrongCeremonyType => "wrong_ceremony_type",
            Self::UserNotPresent => "user_not_present",
            Self::UserNotVerified => "user_not_verified",
            Self::InvalidSignature => "invalid_signature",
            Self::SignCountDecreased => "sign_count_decreased",
            Self::CredentialExcluded => "credential_excluded",
            Self::WebauthnVerificationFailed => "webauthn_verification_failed",
            Self::NotFound => "not_found",
        }
    }
}

/// The message of an unknown, spent or expired nonce, as Passage words it.
pub(crate) const INVALID_NONCE_MESSAGE: &str =
    "Could not verify nonce: nonce is invalid, expired, or cannot be found";

impl Failure {
    fn passage(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            status,
            code: code.to_string(),
            message: message.into(),
        }
    }

    fn emulator(status: StatusCode, code: EmulatorCode, message: impl Into<String>) -> Self {
        Self {
            status,
            code: code.as_str().to_owned(),
            message: message.into(),
        }
    }

    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        self.status.as_u16()
    }

    /// The machine-readable code, such as `user_not_found`.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The human-readable message.
    pub fn message(&self) -> &str {
        &self.message
    }

    // ---- Passage's codes --------------------------------------------------------------------

    pub(crate) fn invalid_request(message: impl Into<String>) -> Self {
        Self::passage(StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest, message)
    }

    /// A request the API cannot take for another reason than its content (an unknown path, a
    /// method the path does not take, a body too large), with the status that says why.
    pub(crate) fn invalid_request_with(status: StatusCode, message: impl Into<String>) -> Self {
        Self::passage(status, ErrorCode::InvalidRequest, message)
    }

    pub(crate) fn invalid_access_token() -> Self {
        Self::passage(
            StatusCode::UNAUTHORIZED,
            ErrorCode::InvalidAccessToken,
            "the Authorization header must be `Bearer <the app's API key>`",
        )
    }

    /// Passage answers 400 (not the 401 its spec lists the code under) for a bad nonce.
    pub(crate) fn invalid_nonce() -> Self {
        Self::passage(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidNonce,
            INVALID_NONCE_MESSAGE,
        )
    }

    pub(crate) fn operation_not_allowed(message: impl Into<String>) -> Self {
        Self::passage(
            StatusCode::FORBIDDEN,
            ErrorCode::OperationNotAllowed,
            message,
        )
    }

    pub(crate) fn app_not_found() -> Self {
        Self::passage(
            StatusCode::NOT_FOUND,
            ErrorCode::AppNotFound,
            "app not found",
        )
    }

    pub(crate) fn user_not_found() -> Self {
        Self::passage(
            StatusCode::NOT_FOUND,
            ErrorCode::UserNotFound,
            "user not found",
        )
    }

    pub(crate) fn device_not_found() -> Self {
        Self::passage(
            StatusCode::NOT_FOUND,
            ErrorCode::DeviceNotFound,
            "device not found",
        )
    }

    pub(crate) fn user_has_no_passkeys() -> Self {
        Self::passage(
            StatusCode::CONFLICT,
            ErrorCode::UserHasNoPasskeys,
            "the user has no passkey to authenticate with",
        )
    }

    /// The emulator could not do its part (such as saving the state file).
    pub(crate) fn internal_server_error(message: impl Into<String>) -> Self {
        Self::passage(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::InternalServerError,
            message,
        )
    }

    // ---- the emulator's own codes: browser-facing and control endpoints only ------------------

    pub(crate) fn transaction_not_found() -> Self {
        Self::emulator(
            StatusCode::NOT_FOUND,
            EmulatorCode::TransactionNotFound,
            "the transaction is unknown, already completed or expired",
        )
    }

    pub(crate) fn route_not_found() -> Self {
        Self::emulator(
            StatusCode::NOT_FOUND,
            EmulatorCode::NotFound,
            "no such endpoint",
        )
    }

    /// A WebAuthn handshake that is unknown, already used or expired.
    pub(crate) fn handshake_not_found() -> Self {
        Self::emulator(
            StatusCode::NOT_FOUND,
            EmulatorCode::HandshakeNotFound,
            "the handshake is unknown, already used or expired",
        )
    }

    /// The browser's credential is not one this ceremony may use (revoked, another user's, not
    /// registered).
    pub(crate) fn credential_not_allowed(message: impl Into<String>) -> Self {
        Self::emulator(
            StatusCode::FORBIDDEN,
            EmulatorCode::CredentialNotAllowed,
            message,
        )
    }

    /// A WebAuthn response that failed verification; `code` names the check.
    pub(crate) fn ceremony_refused(code: EmulatorCode, message: impl Into<String>) -> Self {
        Self::emulator(StatusCode::BAD_REQUEST, code, message)
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
        // The spec's error body; an emulator code goes out as the generated enum's unknown value.
        let body = ApiError::new(ErrorCode::from(self.code), self.message);
        (self.status, Json(body)).into_response()
    }
}

impl From<PathRejection> for Failure {
    fn from(rejection: PathRejection) -> Self {
        Self::invalid_request(format!("bad path parameter: {}", rejection.body_text()))
    }
}

/// A body that could not be read (too large, cut off), with axum's status (413 for too large).
impl From<BytesRejection> for Failure {
    fn from(rejection: BytesRejection) -> Self {
        Self::invalid_request_with(
            rejection.status(),
            format!("cannot read the request body: {}", rejection.body_text()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code the emulator names as Passage's is one the spec lists: the generated enum
    /// reads it back as itself, not as an unknown code.
    #[test]
    fn passage_codes_are_the_specs() {
        for failure in [
            Failure::invalid_request("x"),
            Failure::invalid_access_token(),
            Failure::invalid_nonce(),
            Failure::operation_not_allowed("x"),
            Failure::app_not_found(),
            Failure::user_not_found(),
            Failure::device_not_found(),
            Failure::user_has_no_passkeys(),
            Failure::internal_server_error("x"),
        ] {
            let parsed = ErrorCode::from(failure.code().to_owned());
            assert_eq!(parsed.to_string(), failure.code());
            assert!(!matches!(parsed, ErrorCode::Unknown(_)), "{failure}");
        }
    }

    /// And none of the emulator's own codes is one of Passage's, so no client can mistake one.
    #[test]
    fn emulator_codes_are_not_passages() {
        for code in [
            EmulatorCode::TransactionNotFound,
            EmulatorCode::HandshakeNotFound,
            EmulatorCode::CredentialNotAllowed,
            EmulatorCode::OriginNotAllowed,
            EmulatorCode::RpIdMismatch,
            EmulatorCode::ChallengeMismatch,
            EmulatorCode::WrongCeremonyType,
            EmulatorCode::UserNotPresent,
            EmulatorCode::UserNotVerified,
            EmulatorCode::InvalidSignature,
            EmulatorCode::SignCountDecreased,
            EmulatorCode::CredentialExcluded,
            EmulatorCode::WebauthnVerificationFailed,
            EmulatorCode::NotFound,
        ] {
            let parsed = ErrorCode::from(code.as_str().to_owned());
            assert!(matches!(parsed, ErrorCode::Unknown(_)), "{}", code.as_str());
        }
    }
}
