//! Registration, login and logout. Each ceremony is two calls: `start` opens a Passage
//! transaction for the browser, `finish` turns the browser's nonce into a session.

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::response::Redirect;
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::AppError;
use crate::state::AppState;

#[derive(Deserialize)]
pub(crate) struct UsernameBody {
    username: String,
}

#[derive(Deserialize)]
pub(crate) struct NonceBody {
    nonce: String,
}

pub(crate) async fn register_start(
    State(state): State<AppState>,
    body: Result<Json<UsernameBody>, JsonRejection>,
) -> Result<Json<Value>, AppError> {
    let username = username(body)?;
    let external_id = state.accounts.reserve(&username)?;
    // The username is what the user will see for this account in their passkey manager.
    let transaction_id = state
        .passage
        .create_register_transaction(&external_id, &username)
        .await?;
    Ok(Json(json!({ "transaction_id": transaction_id })))
}

pub(crate) async fn register_finish(
    State(state): State<AppState>,
    jar: CookieJar,
    body: Result<Json<NonceBody>, JsonRejection>,
) -> Result<(CookieJar, Json<Value>), AppError> {
    let external_id = state.passage.verify_nonce(nonce(body)?).await?;
    if !state.accounts.confirm(&external_id) {
        return Err(AppError::UnknownUser);
    }
    Ok(sign_in(&state, jar, &external_id))
}

pub(crate) async fn login_start(
    State(state): State<AppState>,
    body: Result<Json<UsernameBody>, JsonRejection>,
) -> Result<Json<Value>, AppError> {
    let external_id = state.accounts.external_id(&username(body)?)?;
    let transaction_id = state
        .passage
        .create_authenticate_transaction(&external_id)
        .await?;
    Ok(Json(json!({ "transaction_id": transaction_id })))
}

pub(crate) async fn login_finish(
    State(state): State<AppState>,
    jar: CookieJar,
    body: Result<Json<NonceBody>, JsonRejection>,
) -> Result<(CookieJar, Json<Value>), AppError> {
    // The nonce alone says who logged in: never trust a username sent alongside it.
    let external_id = state.passage.verify_nonce(nonce(body)?).await?;
    if state.accounts.username(&external_id).is_none() {
        return Err(AppError::UnknownUser);
    }
    Ok(sign_in(&state, jar, &external_id))
}

pub(crate) async fn logout(State(state): State<AppState>, jar: CookieJar) -> (CookieJar, Redirect) {
    (state.sessions.end(jar), Redirect::to("/"))
}

fn sign_in(state: &AppState, jar: CookieJar, external_id: &str) -> (CookieJar, Json<Value>) {
    let cookie = state.sessions.start(external_id);
    let username = state.accounts.username(external_id);
    (jar.add(cookie), Json(json!({ "username": username })))
}

fn username(body: Result<Json<UsernameBody>, JsonRejection>) -> Result<String, AppError> {
    let Json(body) = body.map_err(|_| AppError::BadInput(r#"expected {"username": "..."}"#))?;
    let username = body.username.trim();
    if username.is_empty() || username.chars().count() > 64 {
        return Err(AppError::BadInput("a username has 1 to 64 characters"));
    }
    Ok(username.to_owned())
}

fn nonce(body: Result<Json<NonceBody>, JsonRejection>) -> Result<String, AppError> {
    let Json(body) = body.map_err(|_| AppError::BadInput(r#"expected {"nonce": "..."}"#))?;
    Ok(body.nonce)
}
