//! Shared fixtures for the integration tests in `tests/tests/`: clients pointed at an httpmock
//! server, JSON bodies shaped as Passage sends them, (in [`emulated`]) a running emulator, and
//! (in [`scripted`]) a server that misbehaves on cue.

// `app_json` is one large `json!` literal: every field Passage sends.
#![recursion_limit = "256"]

pub mod captured_logs;
pub mod emulated;
pub mod raw_http;
pub mod scripted;

use httpmock::Mock;
use httpmock::prelude::*;
use passage_flex::PassageFlex;
use serde_json::{Value, json};

/// The app ID the httpmock clients use.
pub const APP_ID: &str = "app_123";
/// The API key the httpmock clients send; tests check it never appears in any output.
pub const API_KEY: &str = "sk_test_secret_key";

/// A facade client for the mock server.
pub fn client(server: &MockServer) -> PassageFlex {
    PassageFlex::builder(APP_ID, API_KEY)
        .base_url(server.base_url())
        .build()
        .expect("a loopback origin is accepted")
}

/// `/v1/apps/{APP_ID}{rest}`.
pub fn app_path(rest: &str) -> String {
    format!("/v1/apps/{APP_ID}{rest}")
}

/// A user as `GET /users/{id}` returns it, with one passkey.
pub fn user_json(id: &str, external_id: &str) -> Value {
    json!({
        "id": id,
        "external_id": external_id,
        "status": "active",
        "created_at": "2024-06-01T12:00:00Z",
        "updated_at": "2024-06-01T12:00:00.5Z",
        "last_login_at": "2024-06-02T14:30:00+02:00",
        "login_count": 7,
        "email": "",
        "email_verified": false,
        "phone": "",
        "phone_verified": false,
        "user_metadata": {"plan": "pro"},
        "webauthn": true,
        "webauthn_devices": [device_json("dev_1", "passkey")],
        "webauthn_types": ["passkey"],
        "recent_events": [],
        "social_connections": {}
    })
}

/// A list entry as `GET /users` returns it.
pub fn list_item_json(id: &str, external_id: &str) -> Value {
    json!({
        "id": id,
        "external_id": external_id,
        "status": "active",
        "created_at": "2024-06-01T12:00:00Z",
        "updated_at": "2024-06-01T12:00:00Z",
        "last_login_at": "2024-06-01T12:00:00Z",
        "login_count": 1,
        "email": "",
        "email_verified": false,
        "phone": "",
        "phone_verified": false,
        "user_metadata": null
    })
}

/// One page of `GET /users`; `next` empty means the last page.
pub fn users_page_json(users: Vec<Value>, page: i64, next: &str) -> Value {
    json!({
        "users": users,
        "total_users": 3,
        "page": page,
        "limit": 2,
        "created_before": 1717243200,
        "_links": {
            "first": {"href": ""}, "last": {"href": ""}, "previous": {"href": ""},
            "self": {"href": ""}, "next": {"href": next}
        }
    })
}

/// A passkey device as Passage sends it, of WebAuthn type `kind`.
pub fn device_json(id: &str, kind: &str) -> Value {
    json!({
        "id": id,
        "cred_id": "Y3JlZGVudGlhbA",
        "friendly_name": "Chrome on Linux",
        "type": kind,
        "usage_count": 3,
        "created_at": "2024-06-01T12:00:00Z",
        "updated_at": "2024-06-01T12:00:00.123456789Z",
        "last_login_at": "2023-01-01T00:00:00-05:00",
        "icons": {"light": "data:image/svg+xml;base64,PHN2Zz4=", "dark": null}
    })
}

/// An app as `GET /apps/{id}` returns it: every field Passage sends, with an admin's secret,
/// a technology and a font this SDK does not know, and one of each nested shape.
pub fn app_json() -> Value {
    json!({
        "id": APP_ID,
        "name": "Test App",
        "auth_origin": "https://example.com",
        "type": "flex",
        "created_at": "2024-01-01T00:00:00Z",
        "login_url": "/login",
        "redirect_url": "/",
        "application_login_uri": "https://example.com/login",
        "allowed_callback_urls": [],
        "allowed_logout_urls": [],
        "additional_auth_origins": ["https://app.example.com"],
        "hosted": false,
        "hosted_subdomain": "",
        "hosted_theme": "dark",
        "auto_theme_enabled": true,
        "public_signup": true,
        "profile_management": false,
        "passage_branding": false,
        "default_language": "en",
        "required_identifier": "external",
        "allowed_identifier": "external",
        "require_email_verification": false,
        "require_identifier_verification": false,
        "session_timeout_length": 5600,
        "refresh_enabled": false,
        "refresh_absolute_lifetime": 0,
        "refresh_inactivity_lifetime": 0,
        "id_token_lifetime": null,
        "rsa_public_key": "-----BEGIN PUBLIC KEY-----",
        "role": "owner",
        "secret": "app-secret-never-shown",
        "user_metadata_schema": [{
            "id": "fld_1", "field_name": "plan", "friendly_name": "Plan", "type": "string",
            "profile": true, "registration": false
        }],
        "auth_methods": {
            "passkeys": {"enabled": true},
            "otp": {"enabled": false, "ttl": 300, "ttl_display_unit": "m"},
            "magic_link": {"enabled": false, "ttl": 300, "ttl_display_unit": "m"}
        },
        "auth_fallback_method": "none",
        "auth_fallback_method_ttl": 300,
        "technologies": ["react", "rust"],
        "layouts": {
            "registration": [{"id": "email", "x": 0, "y": 0, "w": 12, "h": 1}],
            "profile": []
        },
        "element_customization": {
            "passage_container_background_color": "#ffffff",
            "passage_container_max_width": 300,
            "passage_header_font_family": "Helvetica",
            "passage_body_font_family": "Fira Sans",
            "passage_primary_button_border_radius": 4
        },
        "element_customization_dark": {}
    })
}

/// Stubs the external-ID lookup: `GET /users?identifier=<external_id>&limit=10` answering
/// with one user whose external ID is `found_external_id`.
pub async fn stub_lookup<'a>(
    server: &'a MockServer,
    external_id: &str,
    user_id: &str,
    found_external_id: &str,
) -> Mock<'a> {
    let body = users_page_json(vec![list_item_json(user_id, found_external_id)], 1, "");
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(app_path("/users"))
                .query_param("identifier", external_id)
                .query_param("limit", "10")
                .header("authorization", format!("Bearer {API_KEY}"));
            then.status(200)
                .header("content-type", "application/json")
                .json_body(body);
        })
        .await
}

/// A mock that matches any request, to prove that none was sent.
pub async fn catch_all(server: &MockServer) -> Mock<'_> {
    server
        .mock_async(|_when, then| {
            then.status(500);
        })
        .await
}
