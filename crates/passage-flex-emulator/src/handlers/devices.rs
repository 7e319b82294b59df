//! A user's passkey devices: list and revoke.

use axum::Json;
use axum::http::StatusCode;
use passage_flex_openapi::models::ListDevicesResponse;

use super::{ApiPath, AppState};
use crate::auth::Authorized;
use crate::failure::Failure;
use crate::render;

pub(crate) async fn list(
    _: Authorized,
    state: AppState,
    ApiPath((_, user_id)): ApiPath<(String, String)>,
) -> Result<Json<ListDevicesResponse>, Failure> {
    Ok(Json(render::devices(&state.store.devices(&user_id)?)))
}

pub(crate) async fn revoke(
    _: Authorized,
    state: AppState,
    ApiPath((_, user_id, device_id)): ApiPath<(String, String, String)>,
) -> Result<StatusCode, Failure> {
    state.store.revoke_device(&user_id, &device_id)?;
    Ok(StatusCode::OK)
}
