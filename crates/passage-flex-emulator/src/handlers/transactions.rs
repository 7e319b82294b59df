//! Registration and authentication transactions, and nonce verification.

use axum::Json;
use axum::http::StatusCode;
use passage_flex_openapi::models::{AuthenticateVerifyNonceResponse, CreateTransactionResponse};

use super::AppState;
use crate::api_error::Failure;
use crate::request::auth::Authorized;
use crate::request::extractors::ApiBody;
use crate::request::json_body::JsonObject;

type Created = (StatusCode, Json<CreateTransactionResponse>);

pub(crate) async fn create_register(
    _: Authorized,
    state: AppState,
    ApiBody(body): ApiBody,
) -> Result<Created, Failure> {
    let body = JsonObject::parse(&body)?;
    let external_id = body.required_string("external_id")?;
    let display_name = body.required_string("passkey_display_name")?;
    let transaction_id = state
        .store
        .create_register_transaction(external_id, display_name)?;
    Ok((
        StatusCode::CREATED,
        Json(CreateTransactionResponse { transaction_id }),
    ))
}

pub(crate) async fn create_authenticate(
    _: Authorized,
    state: AppState,
    ApiBody(body): ApiBody,
) -> Result<Created, Failure> {
    let body = JsonObject::parse(&body)?;
    let external_id = body.required_string("external_id")?;
    let transaction_id = state.store.create_authenticate_transaction(external_id)?;
    Ok((
        StatusCode::CREATED,
        Json(CreateTransactionResponse { transaction_id }),
    ))
}

pub(crate) async fn verify_nonce(
    _: Authorized,
    state: AppState,
    ApiBody(body): ApiBody,
) -> Result<Json<AuthenticateVerifyNonceResponse>, Failure> {
    let body = JsonObject::parse(&body)?;
    let nonce = body.required_string("nonce")?;
    let external_id = state.store.verify_nonce(nonce)?;
    Ok(Json(AuthenticateVerifyNonceResponse { external_id }))
}
