//! The route table: the Passage management API under `/v1`, the emulator's own (the console,
//! the control endpoint) under `/emulator`.

use std::sync::Arc;

use axum::Router;
use axum::extract::OriginalUri;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::routing::{get, patch, post};
use tower_http::cors::CorsLayer;

use crate::api_error::Failure;
use crate::config::AppConfig;
use crate::handlers::{app, browser_ceremonies, console, control, devices, transactions, users};
use crate::request::{access_log, api_meter};
use crate::shared::Shared;

/// The endpoints Passage's browser SDK calls, with CORS for the app's origins only: a page on
/// any other origin gets no `Access-Control-Allow-Origin` and its browser refuses the answer.
fn browser_api(app: &AppConfig) -> Router<Arc<Shared>> {
    let origins: Vec<HeaderValue> = app
        .origins()
        .filter_map(|origin| HeaderValue::from_str(origin.trim_end_matches('/')).ok())
        .collect();
    let cors = CorsLayer::new()
        .allow_origin(origins)
        .allow_methods([Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            HeaderName::from_static("passage-flex-version"),
        ]);
    Router::new()
        .route(
            "/apps/{app_id}/register/transactions/webauthn/start",
            post(browser_ceremonies::register_start),
        )
        .route(
            "/apps/{app_id}/register/transactions/webauthn/finish",
            post(browser_ceremonies::register_finish),
        )
        .route(
            "/apps/{app_id}/authenticate/transactions/webauthn/start",
            post(browser_ceremonies::authenticate_start),
        )
        .route(
            "/apps/{app_id}/authenticate/transactions/webauthn/finish",
            post(browser_ceremonies::authenticate_finish),
        )
        // Before the CORS layer, which must still see (and answer) the preflight OPTIONS.
        .method_not_allowed_fallback(method_not_allowed)
        .layer(cors)
}

/// A method the path does not take: 405 `invalid_request`, with axum's `Allow` header.
async fn method_not_allowed(method: Method, OriginalUri(uri): OriginalUri) -> Failure {
    Failure::invalid_request_with(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{} does not take {method}", uri.path()),
    )
}

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let api = Router::new()
        .route("/apps/{app_id}", get(app::get_app))
        // Older clients asked for the app with a trailing slash.
        .route("/apps/{app_id}/", get(app::get_app))
        .route(
            "/apps/{app_id}/transactions/register",
            post(transactions::create_register),
        )
        .route(
            "/apps/{app_id}/transactions/authenticate",
            post(transactions::create_authenticate),
        )
        .route(
            "/apps/{app_id}/authenticate/verify",
            post(transactions::verify_nonce),
        )
        .route("/apps/{app_id}/users", get(users::list))
        .route(
            "/apps/{app_id}/users/{user_id}",
            get(users::get).patch(users::update).delete(users::delete),
        )
        .route(
            "/apps/{app_id}/users/{user_id}/activate",
            patch(users::activate),
        )
        .route(
            "/apps/{app_id}/users/{user_id}/deactivate",
            patch(users::deactivate),
        )
        .route("/apps/{app_id}/users/{user_id}/devices", get(devices::list))
        .route(
            "/apps/{app_id}/users/{user_id}/devices/{device_id}",
            axum::routing::delete(devices::revoke),
        )
        .method_not_allowed_fallback(method_not_allowed)
        .merge(browser_api(&shared.app))
        // Under /v1 even a path the API lacks answers with one of Passage's codes.
        .fallback(|method: Method, OriginalUri(uri): OriginalUri| async move {
            Failure::invalid_request_with(
                StatusCode::NOT_FOUND,
                format!("no such endpoint: {method} {}", uri.path()),
            )
        })
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&shared),
            api_meter::meter_api_request,
        ));
    let emulator = Router::new()
        .route("/", get(console::to_page))
        .route(
            "/console/users/{user_id}/delete",
            post(console::delete_user),
        )
        .route(
            "/console/users/{user_id}/devices/{device_id}/revoke",
            post(console::revoke_device),
        )
        .route("/health", get(control::health))
        .route("/requests", get(control::api_requests))
        .route(
            "/apps/{app_id}/transactions/{transaction_id}/complete",
            post(control::complete_transaction),
        );
    Router::new()
        .nest("/v1", api)
        .route("/emulator/", get(console::page))
        .nest("/emulator", emulator)
        .fallback(|| async { Failure::route_not_found() })
        .layer(axum::middleware::from_fn(access_log::log_request))
        .with_state(shared)
}
