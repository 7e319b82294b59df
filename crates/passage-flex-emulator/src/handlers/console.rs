//! The console, under `/emulator/`: a page to look at the emulator, and the two buttons on it
//! (delete a user, revoke a passkey), which redirect back to the page.
//!
//! No API key, like the rest of `/emulator`: the emulator listens on loopback unless told
//! otherwise. A button's post from another site's page is refused, so that a page open in the
//! same browser cannot press them.

use axum::extract::RawQuery;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use passage_flex_openapi::models::ErrorCode;

use super::AppState;
use crate::api_error::Failure;
use crate::render::console_html::{self, ConsoleView, Notice};
use crate::request::extractors::ApiPath;

/// `GET /emulator/`: the console page.
pub(crate) async fn page(
    state: AppState,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let notice = query.as_deref().and_then(|query| {
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| key == "done")
            .and_then(|(_, code)| Notice::from_code(&code))
    });
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("127.0.0.1");
    let view = ConsoleView {
        app: &state.app,
        base_url: format!("http://{host}"),
        lifetimes: state.store.lifetimes(),
        latency: state.latency,
        state_file: state
            .store
            .state_file()
            .map(|path| path.display().to_string()),
        overview: state.store.overview(),
        requests: state.recent_requests.latest(),
        notice,
    };
    let mut response = Html(console_html::render(&view)).into_response();
    // Always the state as it is now, never a cached copy.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `GET /emulator`: to the page, whose relative links need the trailing slash.
pub(crate) async fn to_page() -> Redirect {
    Redirect::permanent("/emulator/")
}

/// `POST /emulator/console/users/{user_id}/delete`
pub(crate) async fn delete_user(
    state: AppState,
    headers: HeaderMap,
    ApiPath(user_id): ApiPath<String>,
) -> Response {
    if let Some(refusal) = refuse_cross_site(&headers) {
        return refusal;
    }
    let done = match state.store.delete_user(&user_id) {
        Ok(()) => Notice::UserDeleted,
        Err(failure) => notice_for(&failure),
    };
    back_to_page(done)
}

/// `POST /emulator/console/users/{user_id}/devices/{device_id}/revoke`
pub(crate) async fn revoke_device(
    state: AppState,
    headers: HeaderMap,
    ApiPath((user_id, device_id)): ApiPath<(String, String)>,
) -> Response {
    if let Some(refusal) = refuse_cross_site(&headers) {
        return refusal;
    }
    let done = match state.store.revoke_device(&user_id, &device_id) {
        Ok(()) => Notice::PasskeyRevoked,
        Err(failure) => notice_for(&failure),
    };
    back_to_page(done)
}

fn notice_for(failure: &Failure) -> Notice {
    match ErrorCode::from(failure.code().to_owned()) {
        ErrorCode::UserNotFound => Notice::UserNotFound,
        ErrorCode::DeviceNotFound => Notice::PasskeyNotFound,
        _ => Notice::NotSaved,
    }
}

/// 303: the browser loads the page again with a GET, showing what the button did.
fn back_to_page(done: Notice) -> Response {
    Redirect::to(&format!("/emulator/?done={}", done.code())).into_response()
}

/// A post that a page on another site made: browsers mark it with `Sec-Fetch-Site`, and with
/// an `Origin` other than the one the request was sent to.
fn refuse_cross_site(headers: &HeaderMap) -> Option<Response> {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let site_ok = text(header::HeaderName::from_static("sec-fetch-site"))
        .is_none_or(|site| matches!(site, "same-origin" | "none"));
    let origin_ok = match (text(header::ORIGIN), text(header::HOST)) {
        (Some(origin), Some(host)) => {
            origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"))
                == Some(host)
        }
        (Some(_), None) => false,
        (None, _) => true,
    };
    if site_ok && origin_ok {
        return None;
    }
    Some(
        (
            StatusCode::FORBIDDEN,
            "the console's buttons only work from the console's own page",
        )
            .into_response(),
    )
}
