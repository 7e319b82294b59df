//! Fake: httpmock.
//!
//! The generated crate, called directly as an advanced user would, against httpmock stubs:
//! exact method, path (with percent-encoded parameters), bearer header, JSON body, parsed answer.

use httpmock::prelude::*;
use passage_flex_openapi::apis::configuration::Configuration;
use passage_flex_openapi::apis::{
    self, apps_api, authenticate_api, transactions_api, user_devices_api, users_api,
};
use passage_flex_openapi::models;
use serde_json::json;

const APP_ID: &str = "app_123";
const API_KEY: &str = "test-api-key";
/// A Passage user ID with the characters that break naive path building.
const ODD_USER_ID: &str = "user/with space";
const ODD_USER_ID_ENCODED: &str = "user%2Fwith%20space";

fn configuration(server: &MockServer) -> Configuration {
    Configuration {
        base_path: server.url("/v1"),
        bearer_access_token: Some(API_KEY.to_string()),
        ..Configuration::default()
    }
}

fn device_json(id: &str, kind: &str) -> serde_json::Value {
    json!({
        "id": id,
        "cred_id": "Y3JlZA",
        "friendly_name": "Chrome on Linux",
        "type": kind,
        "usage_count": 3,
        "created_at": "2024-06-01T12:00:00Z",
        "updated_at": "2024-06-01T12:00:00.123456Z",
        "last_login_at": "2024-06-02T08:30:00+02:00",
        "icons": {"light": "data:image/svg+xml;base64,PHN2Zz4=", "dark": null},
        "a_field_from_the_future": true
    })
}

#[tokio::test]
async fn create_register_transaction_sends_the_documented_request() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/v1/apps/{APP_ID}/transactions/register"))
                .header("authorization", format!("Bearer {API_KEY}"))
                .header("content-type", "application/json")
                .json_body(
                    json!({"external_id": "ext-1", "passkey_display_name": "ada@example.com"}),
                );
            then.status(201)
                .header("content-type", "application/json")
                .json_body(json!({"transaction_id": "txn_abc"}));
        })
        .await;

    let request = models::CreateTransactionRegisterRequest::new(
        "ext-1".to_string(),
        "ada@example.com".to_string(),
    );
    let params = transactions_api::CreateRegisterTransactionParams {
        app_id: APP_ID.to_string(),
        create_transaction_register_request: request,
    };
    let response = transactions_api::create_register_transaction(&configuration(&server), params)
        .await
        .expect("register transaction");

    assert_eq!(response.transaction_id, "txn_abc");
    mock.assert_async().await;
}

#[tokio::test]
async fn verify_nonce_sends_the_nonce_and_reads_the_external_id() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("/v1/apps/{APP_ID}/authenticate/verify"))
                .header("authorization", format!("Bearer {API_KEY}"))
                .json_body(json!({"nonce": "nonce-1"}));
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({"external_id": "ext-1"}));
        })
        .await;

    let request = models::AuthenticateVerifyNonceRequest::new("nonce-1".to_string());
    let params = authenticate_api::AuthenticateVerifyNonceParams {
        app_id: APP_ID.to_string(),
        authenticate_verify_nonce_request: request,
    };
    let response = authenticate_api::authenticate_verify_nonce(&configuration(&server), params)
        .await
        .expect("verify nonce");

    assert_eq!(response.external_id, "ext-1");
    mock.assert_async().await;
}

#[tokio::test]
async fn list_user_devices_percent_encodes_the_user_id_and_parses_devices() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!(
                    "/v1/apps/{APP_ID}/users/{ODD_USER_ID_ENCODED}/devices"
                ))
                .header("authorization", format!("Bearer {API_KEY}"));
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({"devices": [
                    device_json("dev_1", "passkey"),
                    device_json("dev_2", "a_type_from_the_future"),
                ]}));
        })
        .await;

    let params = user_devices_api::ListUserDevicesParams {
        app_id: APP_ID.to_string(),
        user_id: ODD_USER_ID.to_string(),
    };
    let response = user_devices_api::list_user_devices(&configuration(&server), params)
        .await
        .expect("list devices");

    mock.assert_async().await;
    let [first, second] = response.devices.as_slice() else {
        panic!("expected two devices, got {:?}", response.devices);
    };
    assert_eq!(first.id, "dev_1");
    assert_eq!(first.r#type, models::WebAuthnType::Passkey);
    assert_eq!(first.usage_count, 3);
    assert_eq!(first.icons.dark, None);
    assert_eq!(
        first.last_login_at.to_rfc3339(),
        "2024-06-02T08:30:00+02:00"
    );
    assert_eq!(
        second.r#type,
        models::WebAuthnType::Unknown("a_type_from_the_future".to_string()),
        "an enum value Passage adds later must not fail the response"
    );
    assert_eq!(second.r#type.to_string(), "a_type_from_the_future");
}

#[tokio::test]
async fn delete_user_device_encodes_both_path_parameters() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(format!(
                    "/v1/apps/{APP_ID}/users/{ODD_USER_ID_ENCODED}/devices/dev%3F%231"
                ))
                .header("authorization", format!("Bearer {API_KEY}"));
            then.status(200);
        })
        .await;

    let params = user_devices_api::DeleteUserDevicesParams {
        app_id: APP_ID.to_string(),
        user_id: ODD_USER_ID.to_string(),
        device_id: "dev?#1".to_string(),
    };
    user_devices_api::delete_user_devices(&configuration(&server), params)
        .await
        .expect("delete device");
    mock.assert_async().await;
}

#[tokio::test]
async fn list_paginated_users_sends_query_parameters_encoded() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/v1/apps/{APP_ID}/users"))
                .query_param("identifier", "ada+lovelace@example.com & co")
                .query_param("limit", "1")
                .query_param("status", "active");
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({
                    "users": [],
                    "total_users": 0,
                    "page": 1,
                    "limit": 1,
                    "created_before": 1717243200,
                    "_links": {
                        "first": {"href": "/v1/apps/app_123/users?page=1"},
                        "last": {"href": ""},
                        "next": {"href": ""},
                        "previous": {"href": ""},
                        "self": {"href": "/v1/apps/app_123/users?page=1"}
                    }
                }));
        })
        .await;

    let params = users_api::ListPaginatedUsersParams {
        app_id: APP_ID.to_string(),
        limit: Some(1),
        identifier: Some("ada+lovelace@example.com & co".to_string()),
        status: Some("active".to_string()),
        ..Default::default()
    };
    let page = users_api::list_paginated_users(&configuration(&server), params)
        .await
        .expect("list users");

    mock.assert_async().await;
    assert_eq!(page.total_users, 0);
    assert_eq!(page.created_before, 1717243200);
    assert_eq!(page._links.next.href, "");
}

#[tokio::test]
async fn a_body_over_max_response_bytes_is_refused() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/v1/apps/{APP_ID}"));
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({ "app": passage_flex_tests::app_json() }));
        })
        .await;
    let limited = Configuration {
        max_response_bytes: Some(64),
        ..configuration(&server)
    };
    let err = apps_api::get_app(
        &limited,
        apps_api::GetAppParams {
            app_id: APP_ID.to_string(),
        },
    )
    .await
    .expect_err("the app is longer than 64 bytes");
    let apis::Error::ResponseTooLarge(refused) = err else {
        panic!("expected ResponseTooLarge, got {err:?}");
    };
    assert_eq!((refused.status.as_u16(), refused.limit), (200, 64));
    // The default limit (4 MiB) lets the same answer through.
    let app = apps_api::get_app(
        &configuration(&server),
        apps_api::GetAppParams {
            app_id: APP_ID.to_string(),
        },
    )
    .await
    .expect("the default limit is far above an app");
    assert_eq!(app.app.id, APP_ID);
}

#[tokio::test]
async fn error_responses_keep_status_body_and_headers() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/v1/apps/{APP_ID}/users/missing"));
            then.status(404)
                .header("content-type", "application/json")
                .header("retry-after", "5")
                .json_body(json!({"code": "user_not_found", "error": "User not found."}));
        })
        .await;

    let err = users_api::get_user(
        &configuration(&server),
        users_api::GetUserParams {
            app_id: APP_ID.to_string(),
            user_id: "missing".to_string(),
        },
    )
    .await
    .expect_err("404 is an error");
    let apis::Error::ResponseError(content) = err else {
        panic!("expected a response error, got {err:?}");
    };
    assert_eq!(content.status.as_u16(), 404);
    assert_eq!(
        content.headers.get("retry-after").map(|v| v.as_bytes()),
        Some(&b"5"[..])
    );
    let body: models::ApiError = serde_json::from_str(&content.content).expect("error body");
    assert_eq!(body.code, models::ErrorCode::UserNotFound);
    assert_eq!(body.error, "User not found.");
}

#[tokio::test]
async fn an_undecodable_success_keeps_status_and_body() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("/v1/apps/{APP_ID}/users/u1"));
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"user": {"id": "u1"}}"#);
        })
        .await;

    let err = users_api::get_user(
        &configuration(&server),
        users_api::GetUserParams {
            app_id: APP_ID.to_string(),
            user_id: "u1".to_string(),
        },
    )
    .await
    .expect_err("a user without its required fields cannot decode");
    let apis::Error::UndecodableResponse(response) = err else {
        panic!("expected an undecodable response, got {err:?}");
    };
    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(response.content, r#"{"user": {"id": "u1"}}"#);
    assert!(
        response.reason.starts_with("user"),
        "reason names the path: {}",
        response.reason
    );
}

#[test]
fn configuration_debug_redacts_the_api_key() {
    let config = Configuration {
        bearer_access_token: Some(API_KEY.to_string()),
        ..Configuration::default()
    };
    let debug = format!("{config:?}");
    assert!(!debug.contains(API_KEY), "{debug}");
}

#[test]
fn open_enums_decode_known_and_unknown_values_and_write_them_back_unchanged() {
    let decode = |value: &str| -> models::UserStatus {
        serde_json::from_value(json!(value)).expect("any string is a status")
    };
    assert_eq!(decode("active"), models::UserStatus::Active);
    assert_eq!(decode("inactive"), models::UserStatus::Inactive);
    assert_eq!(
        decode("on_hold"),
        models::UserStatus::Unknown("on_hold".into())
    );
    for value in ["active", "inactive", "on_hold"] {
        assert_eq!(
            serde_json::to_value(decode(value)).expect("encodes"),
            json!(value)
        );
    }
    assert!(
        serde_json::from_value::<models::UserStatus>(json!(1)).is_err(),
        "a status is a string"
    );
}
