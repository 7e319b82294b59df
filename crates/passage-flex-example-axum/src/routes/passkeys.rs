//! The signed-in user's passkeys: as JSON, as an HTML page, and revocation.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, Redirect};
use serde_json::{Value, json};

use crate::error::AppError;
use crate::page;
use crate::session::{MaybeSignedIn, SignedIn};
use crate::state::AppState;

pub(crate) async fn list(
    State(state): State<AppState>,
    user: SignedIn,
) -> Result<Json<Value>, AppError> {
    let devices = state.passage.get_devices(&user.external_id).await?;
    let passkeys: Vec<Value> = devices
        .iter()
        .map(|device| {
            json!({
                "id": device.id,
                "name": device.friendly_name,
                "created_at": device.created_at,
                "last_used_at": device.last_login_at,
                "uses": device.usage_count,
            })
        })
        .collect();
    Ok(Json(json!({ "passkeys": passkeys })))
}

pub(crate) async fn revoke(
    State(state): State<AppState>,
    user: SignedIn,
    Path(device_id): Path<String>,
) -> Result<StatusCode, AppError> {
    // The facade looks the device up under this user only: another user's device ID is
    // "not found", never revoked.
    state
        .passage
        .revoke_device(&user.external_id, &device_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn revoke_from_page(
    State(state): State<AppState>,
    user: SignedIn,
    Path(device_id): Path<String>,
) -> Result<Redirect, AppError> {
    state
        .passage
        .revoke_device(&user.external_id, &device_id)
        .await?;
    Ok(Redirect::to("/"))
}

pub(crate) async fn page(
    State(state): State<AppState>,
    MaybeSignedIn(user): MaybeSignedIn,
) -> Result<Html<String>, AppError> {
    let Some(user) = user else {
        return Ok(Html(page::signed_out()));
    };
    let username = state
        .accounts
        .username(&user.external_id)
        .unwrap_or_default();
    let devices = state.passage.get_devices(&user.external_id).await?;
    Ok(Html(page::passkeys(&username, &devices)))
}
