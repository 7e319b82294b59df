//! How the backend answers when something fails: a status and a short JSON message for the
//! browser, the details only in the server's log.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::accounts::AccountError;

#[derive(Debug)]
pub(crate) enum AppError {
    BadInput(&'static str),
    NotSignedIn,
    UsernameTaken,
    UnknownUser,
    NoPasskeys,
    /// The nonce did not verify: forged, replayed or expired.
    CeremonyRejected,
    Forbidden,
    PasskeyNotFound,
    /// Passage failed or could not be reached; logged, never shown.
    Upstream(passage_flex::Error),
}

impl From<passage_flex::Error> for AppError {
    fn from(err: passage_flex::Error) -> Self {
        use passage_flex::Error;
        match err {
            Error::InvalidNonce(_) => AppError::CeremonyRejected,
            Error::UserNotFound(_) => AppError::UnknownUser,
            Error::UserHasNoPasskeys(_) => AppError::NoPasskeys,
            Error::OperationNotAllowed(_) => AppError::Forbidden,
            Error::DeviceNotFound(_) => AppError::PasskeyNotFound,
            other => AppError::Upstream(other),
        }
    }
}

impl From<AccountError> for AppError {
    fn from(err: AccountError) -> Self {
        match err {
            AccountError::UsernameTaken => AppError::UsernameTaken,
            AccountError::NoSuchAccount => AppError::UnknownUser,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, message) = match &self {
            AppError::BadInput(message) => (StatusCode::BAD_REQUEST, *message),
            AppError::NotSignedIn => (StatusCode::UNAUTHORIZED, "sign in first"),
            AppError::UsernameTaken => (StatusCode::CONFLICT, "that username is taken"),
            AppError::UnknownUser => (StatusCode::NOT_FOUND, "no account with that username"),
            AppError::NoPasskeys => (StatusCode::CONFLICT, "this account has no passkey left"),
            AppError::CeremonyRejected => (
                StatusCode::UNAUTHORIZED,
                "the passkey ceremony could not be verified",
            ),
            AppError::Forbidden => (StatusCode::FORBIDDEN, "this account is deactivated"),
            AppError::PasskeyNotFound => (StatusCode::NOT_FOUND, "no such passkey"),
            AppError::Upstream(err) => {
                tracing::error!("passkey service failed: {err}");
                (
                    StatusCode::BAD_GATEWAY,
                    "the passkey service is unavailable",
                )
            }
        };
        (status, Json(json!({ "error": message }))).into_response()
    }
}
