//! `GET /v1/apps/{app_id}`.

use axum::Json;
use passage_flex_openapi::models::AppResponse;

use super::AppState;
use crate::auth::Authorized;
use crate::render;

pub(crate) async fn get_app(_: Authorized, state: AppState) -> Json<AppResponse> {
    Json(render::app(&state.app))
}
