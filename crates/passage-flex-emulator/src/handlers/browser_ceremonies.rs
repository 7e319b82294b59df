//! The browser-facing API: the four endpoints Passage's browser SDK calls to run a WebAuthn
//! ceremony. No API key (the browser has none): the transaction ID and the handshake are the
//! capability. Request and answer shapes are those the official browser SDK sends and expects.

use axum::Json;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::AppState;
use crate::api_error::Failure;
use crate::request::auth::KnownApp;
use crate::request::extractors::ApiBody;
use crate::request::json_body::JsonObject;

/// `POST /v1/apps/{app_id}/register/transactions/webauthn/start`
/// `{"transaction_id", "authenticator_attachment"?}` -> `{"handshake": {"id", "challenge"},
/// "transaction_id"}`, the challenge being `{"publicKey": PublicKeyCredentialCreationOptions}`.
pub(crate) async fn register_start(
    _: KnownApp,
    state: AppState,
    ApiBody(body): ApiBody,
) -> Result<Json<Value>, Failure> {
    let body = JsonObject::parse(&body)?;
    let transaction_id = body.required_string("transaction_id")?;
    body.optional_string("authenticator_attachment")?;
    let start = state
        .store
        .start_registration(&state.relying_party, transaction_id)?;
    Ok(Json(json!({
        "handshake": { "id": start.handshake_id, "challenge": start.challenge },
        "transaction_id": transaction_id,
    })))
}

/// `POST /v1/apps/{app_id}/register/transactions/webauthn/finish`
/// `{"handshake_id", "transaction_id", "handshake_response": RegistrationResponseJSON}` ->
/// `{"nonce"}`.
pub(crate) async fn register_finish(
    _: KnownApp,
    state: AppState,
    ApiBody(body): ApiBody,
) -> Result<Json<Value>, Failure> {
    let body = JsonObject::parse(&body)?;
    let handshake_id = body.required_string("handshake_id")?;
    let transaction_id = body.required_string("transaction_id")?;
    let credential = handshake_response(&body)?;
    let completion = state.store.finish_registration(
        &state.relying_party,
        handshake_id,
        transaction_id,
        &credential,
    )?;
    Ok(Json(json!({ "nonce": completion.nonce })))
}

/// `POST /v1/apps/{app_id}/authenticate/transactions/webauthn/start`
/// `{"transaction_id"?}` -> `{"handshake": {"id", "challenge"}}`, the challenge being
/// `{"publicKey": PublicKeyCredentialRequestOptions}`. Without a transaction, a
/// discoverable-credential login.
pub(crate) async fn authenticate_start(
    _: KnownApp,
    state: AppState,
    ApiBody(body): ApiBody,
) -> Result<Json<Value>, Failure> {
    let body = JsonObject::parse_optional(&body)?;
    let transaction_id = body.optional_string("transaction_id")?;
    let start = state
        .store
        .start_authentication(&state.relying_party, transaction_id)?;
    Ok(Json(json!({
        "handshake": { "id": start.handshake_id, "challenge": start.challenge },
    })))
}

/// `POST /v1/apps/{app_id}/authenticate/transactions/webauthn/finish`
/// `{"handshake_id", "transaction_id"?, "handshake_response": AuthenticationResponseJSON}` ->
/// `{"nonce"}`.
pub(crate) async fn authenticate_finish(
    _: KnownApp,
    state: AppState,
    ApiBody(body): ApiBody,
) -> Result<Json<Value>, Failure> {
    let body = JsonObject::parse(&body)?;
    let handshake_id = body.required_string("handshake_id")?;
    let transaction_id = body.optional_string("transaction_id")?;
    let credential = handshake_response(&body)?;
    let completion = state.store.finish_authentication(
        &state.relying_party,
        handshake_id,
        transaction_id,
        &credential,
    )?;
    Ok(Json(json!({ "nonce": completion.nonce })))
}

/// The browser's credential, as the WebAuthn JSON the SDK sends.
fn handshake_response<T: DeserializeOwned>(body: &JsonObject) -> Result<T, Failure> {
    let response = body
        .optional_object("handshake_response")?
        .ok_or_else(|| Failure::invalid_request("handshake_response is required"))?;
    serde_json::from_value(Value::Object(response.clone()))
        .map_err(|err| Failure::invalid_request(format!("handshake_response: {err}")))
}
