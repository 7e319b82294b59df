//! Users by Passage user ID: list, get, update, delete, activate, deactivate.

use axum::Json;
use axum::extract::RawQuery;
use axum::http::StatusCode;
use passage_flex_openapi::models::{ListPaginatedUsersResponse, UserResponse};

use super::AppState;
use crate::api_error::Failure;
use crate::render::api_json;
use crate::request::auth::Authorized;
use crate::request::extractors::{ApiBody, ApiPath};
use crate::request::json_body::JsonObject;
use crate::store::UserUpdate;
use crate::users_query::ListQuery;

pub(crate) async fn list(
    _: Authorized,
    state: AppState,
    RawQuery(query): RawQuery,
) -> Result<Json<ListPaginatedUsersResponse>, Failure> {
    let query = ListQuery::parse(query.as_deref(), chrono::Utc::now().timestamp())?;
    let page = state.store.list_users(&query);
    Ok(Json(api_json::user_list(page, &query, &state.app.app_id)))
}

pub(crate) async fn get(
    _: Authorized,
    state: AppState,
    ApiPath((_, user_id)): ApiPath<(String, String)>,
) -> Result<Json<UserResponse>, Failure> {
    Ok(Json(api_json::user(&state.store.user(&user_id)?)))
}

pub(crate) async fn update(
    _: Authorized,
    state: AppState,
    ApiPath((_, user_id)): ApiPath<(String, String)>,
    ApiBody(body): ApiBody,
) -> Result<Json<UserResponse>, Failure> {
    let body = JsonObject::parse(&body)?;
    let update = UserUpdate {
        email: body.optional_string("email")?.map(str::to_owned),
        phone: body.optional_string("phone")?.map(str::to_owned),
        user_metadata: body.optional_object("user_metadata")?.cloned(),
    };
    Ok(Json(api_json::user(
        &state.store.update_user(&user_id, update)?,
    )))
}

pub(crate) async fn delete(
    _: Authorized,
    state: AppState,
    ApiPath((_, user_id)): ApiPath<(String, String)>,
) -> Result<StatusCode, Failure> {
    state.store.delete_user(&user_id)?;
    Ok(StatusCode::OK)
}

pub(crate) async fn activate(
    _: Authorized,
    state: AppState,
    ApiPath((_, user_id)): ApiPath<(String, String)>,
) -> Result<Json<UserResponse>, Failure> {
    Ok(Json(api_json::user(
        &state.store.set_active(&user_id, true)?,
    )))
}

pub(crate) async fn deactivate(
    _: Authorized,
    state: AppState,
    ApiPath((_, user_id)): ApiPath<(String, String)>,
) -> Result<Json<UserResponse>, Failure> {
    Ok(Json(api_json::user(
        &state.store.set_active(&user_id, false)?,
    )))
}
