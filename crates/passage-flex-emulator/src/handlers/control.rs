//! The emulator's own endpoints, under `/emulator` and outside the Passage API: they stand in for
//! what only a browser could do against the real service.

use axum::Json;
use serde_json::{Value, json};

use super::AppState;
use crate::api_error::Failure;
use crate::request::auth::KnownApp;
use crate::request::extractors::{ApiBody, ApiPath};
use crate::request::json_body::JsonObject;

/// `POST /emulator/apps/{app_id}/transactions/{transaction_id}/complete`: finishes the
/// transaction as a successful passkey ceremony would and returns `{"nonce", "device_id"}`.
/// An optional body `{"device_id": "..."}` picks the passkey an authentication uses.
///
/// No API key: like the browser's ceremony, the transaction ID is the capability.
pub(crate) async fn complete_transaction(
    _: KnownApp,
    state: AppState,
    ApiPath((_, transaction_id)): ApiPath<(String, String)>,
    ApiBody(body): ApiBody,
) -> Result<Json<Value>, Failure> {
    let body = JsonObject::parse_optional(&body)?;
    let device_id = body.optional_string("device_id")?;
    let completion = state
        .store
        .complete_transaction(&transaction_id, device_id)?;
    Ok(Json(
        json!({ "nonce": completion.nonce, "device_id": completion.device_id }),
    ))
}

/// `GET /emulator/health`: 200 once the emulator serves requests.
pub(crate) async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// `GET /emulator/requests`: `{"api_requests": n}`, the requests to `/v1` so far, for tests and
/// benchmarks that count a client's round trips.
pub(crate) async fn api_requests(state: AppState) -> Json<Value> {
    let count = state
        .api_requests
        .load(std::sync::atomic::Ordering::Relaxed);
    Json(json!({ "api_requests": count }))
}
