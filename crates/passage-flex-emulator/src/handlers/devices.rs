//! A user's passkey devices: list and revoke.

use axum::Json;
use axum::http::StatusCode;
use passage_flex_openapi::models::ListDevicesResponse;

use super::AppState;
use crate::api_error::Failure;
use crate::render::api_json;
use crate::request::auth::Authorized;
use crate::request::extractors::ApiPath;

pub(crate) async fn list(
    _: Authorized,
    state: AppState,
    ApiPath((_, user_id)): ApiPath<(String, String)>,
) -> Result<Json<ListDevicesResponse>, Failure> {
    Ok(Json(api_json::devices(&state.store.devices(&user_id)?)))
}

pub(crate) async fn revoke(
    _: Authorized,
    state: AppState,
    ApiPath((_, user_id, device_id)): ApiPath<(String, String, String)>,
) -> Result<StatusCode, Failure> {
    state.store.revoke_device(&user_id, &device_id)?;
    Ok(StatusCode::OK)
}
