//! `GET /v1/apps/{app_id}`: readable with the app's key or without any.

use axum::Json;
use passage_flex_openapi::models::AppResponse;

use super::AppState;
use crate::render::api_json;
use crate::request::auth::OptionalKey;

pub(crate) async fn get_app(_: OptionalKey, state: AppState) -> Json<AppResponse> {
    Json(api_json::app(&state.app))
}
