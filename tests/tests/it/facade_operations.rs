//! Fake: httpmock.
//!
//! Every facade operation against httpmock: exact method, path, query, headers and body, and
//! the friendly value it returns.

use futures::TryStreamExt;
use httpmock::prelude::*;
use passage_flex::app::{FontFamily, Technologies, ThemeType, UserMetadataFieldType};
use passage_flex::{
    AppType, Compare, ListUsersOptions, PassageFlex, SortDirection, TextMatch, UserField,
    UserStatus, WebAuthnType,
};
use passage_flex_tests::*;
use serde_json::json;

/// Headers every request must carry.
fn sdk_headers(when: httpmock::When) -> httpmock::When {
    when.header("authorization", format!("Bearer {API_KEY}"))
        .header_matches("^passage-version$", r"^passage-flex-rust \d+\.\d+\.\d+")
        .header_matches("^user-agent$", r"^passage-flex-rust/\d+\.\d+\.\d+")
}

#[tokio::test]
async fn a_supplied_client_sends_the_sdk_headers_once_each_over_its_own() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            sdk_headers(when.method(GET).path(app_path(""))).is_true(|request| {
                let headers = request.headers();
                ["authorization", "passage-version", "user-agent"]
                    .iter()
                    .all(|name| headers.get_all(*name).iter().count() == 1)
            });
            then.status(200).json_body(json!({"app": app_json()}));
        })
        .await;
    // The application's own client, with a default User-Agent of its own: the SDK's wins.
    let supplied = reqwest::Client::builder()
        .user_agent("their-app/1.0")
        .build()
        .expect("a client");
    let passage = PassageFlex::builder(APP_ID, API_KEY)
        .base_url(server.base_url())
        .http_client(supplied)
        .build()
        .expect("a client");

    let app = passage.get_app().await.expect("get_app");

    mock.assert_async().await;
    assert_eq!(app.id, APP_ID);
}

#[tokio::test]
async fn get_app() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            sdk_headers(when.method(GET).path(app_path("")));
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({"app": app_json()}));
        })
        .await;

    let app = client(&server).get_app().await.expect("get_app");

    mock.assert_async().await;
    assert_eq!(app.id, APP_ID);
    assert_eq!(app.name, "Test App");
    assert_eq!(app.auth_origin, "https://example.com");
    assert_eq!(app.app_type, AppType::Flex);
    assert_eq!(app.additional_auth_origins, ["https://app.example.com"]);
    assert_eq!(app.application_login_uri, "https://example.com/login");
    assert_eq!(app.hosted_theme, ThemeType::Dark);
    assert!(app.auto_theme_enabled);
    assert_eq!(app.required_identifier, "external");
    assert_eq!(app.id_token_lifetime, None);
    assert_eq!(app.auth_fallback_method, "none");
    assert_eq!(app.auth_fallback_method_ttl, 300);
    assert_eq!(
        app.technologies,
        [Technologies::React, Technologies::Unknown("rust".into())],
        "a technology this SDK does not know is kept"
    );
    assert_eq!(app.layouts.registration[0].w, 12);
    assert_eq!(
        app.user_metadata_schema[0].r#type,
        UserMetadataFieldType::String
    );
    let light = &app.element_customization;
    assert_eq!(
        light.passage_header_font_family,
        Some(FontFamily::Helvetica)
    );
    assert_eq!(
        light.passage_body_font_family,
        Some(FontFamily::Unknown("Fira Sans".into()))
    );
    assert_eq!(light.passage_container_max_width, Some(300));
    assert_eq!(
        app.element_customization_dark.passage_container_max_width,
        None
    );
    assert_eq!(
        app.secret.as_ref().map(|secret| secret.expose()),
        Some("app-secret-never-shown")
    );
    assert!(
        !format!("{app:?}").contains("app-secret-never-shown"),
        "the app secret must not reach Debug output"
    );
}

#[tokio::test]
async fn create_register_transaction() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            sdk_headers(when.method(POST).path(app_path("/transactions/register")))
                .header("content-type", "application/json")
                .json_body(
                    json!({"external_id": "user-42", "passkey_display_name": "Ada Lovelace"}),
                );
            then.status(201)
                .header("content-type", "application/json")
                .json_body(json!({"transaction_id": "txn_reg"}));
        })
        .await;

    let id = client(&server)
        .create_register_transaction("user-42", String::from("Ada Lovelace"))
        .await
        .expect("register transaction");

    mock.assert_async().await;
    assert_eq!(id, "txn_reg");
}

#[tokio::test]
async fn create_authenticate_transaction() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            sdk_headers(
                when.method(POST)
                    .path(app_path("/transactions/authenticate")),
            )
            .json_body(json!({"external_id": "user-42"}));
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({"transaction_id": "txn_auth"}));
        })
        .await;

    let id = client(&server)
        .create_authenticate_transaction("user-42")
        .await
        .expect("authenticate transaction");

    mock.assert_async().await;
    assert_eq!(id, "txn_auth");
}

#[tokio::test]
async fn verify_nonce() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            sdk_headers(when.method(POST).path(app_path("/authenticate/verify")))
                .json_body(json!({"nonce": "nonce-abc"}));
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({"external_id": "user-42"}));
        })
        .await;

    let external_id = client(&server)
        .verify_nonce("nonce-abc")
        .await
        .expect("verify");

    mock.assert_async().await;
    assert_eq!(external_id, "user-42");
}

#[tokio::test]
async fn get_user_looks_up_the_external_id_then_reads_the_user() {
    let server = MockServer::start_async().await;
    let lookup = stub_lookup(&server, "user-42", "psg_1", "user-42").await;
    let get = server
        .mock_async(|when, then| {
            sdk_headers(when.method(GET).path(app_path("/users/psg_1")));
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({"user": user_json("psg_1", "user-42")}));
        })
        .await;

    let user = client(&server).get_user("user-42").await.expect("get_user");

    lookup.assert_async().await;
    get.assert_async().await;
    assert_eq!(user.id, "psg_1");
    assert_eq!(user.external_id, "user-42");
    assert_eq!(user.status, UserStatus::Active);
    assert_eq!(user.login_count, 7);
    assert_eq!(user.user_metadata, Some(json!({"plan": "pro"})));
    assert_eq!(user.webauthn_types, [WebAuthnType::Passkey]);
    assert_eq!(user.webauthn_devices.len(), 1);
}

#[tokio::test]
async fn get_user_by_id_skips_the_lookup() {
    let server = MockServer::start_async().await;
    let get = server
        .mock_async(|when, then| {
            sdk_headers(when.method(GET).path(app_path("/users/psg_1")));
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({"user": user_json("psg_1", "user-42")}));
        })
        .await;

    let user = client(&server)
        .get_user_by_id("psg_1")
        .await
        .expect("get_user_by_id");

    assert_eq!(get.calls_async().await, 1);
    assert_eq!(user.external_id, "user-42");
}

#[tokio::test]
async fn each_operation_reports_its_own_name() {
    let server = MockServer::start_async().await;
    stub_lookup(&server, "user-42", "psg_1", "user-42").await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(app_path("/users/psg_1"));
            then.status(403)
                .json_body(json!({"code": "operation_not_allowed", "error": "no"}));
        })
        .await;
    let passage = client(&server);

    for (operation, outcome) in [
        ("get_user", passage.get_user("user-42").await),
        ("get_user_by_id", passage.get_user_by_id("psg_1").await),
    ] {
        let err = outcome.expect_err("refused");
        assert_eq!(
            err.api_error().map(|api| api.operation),
            Some(operation),
            "{err:?}"
        );
    }
}

#[tokio::test]
async fn get_devices() {
    let server = MockServer::start_async().await;
    stub_lookup(&server, "user-42", "psg_1", "user-42").await;
    let list = server
        .mock_async(|when, then| {
            sdk_headers(when.method(GET).path(app_path("/users/psg_1/devices")));
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({"devices": [device_json("dev_1", "platform")]}));
        })
        .await;

    let devices = client(&server)
        .get_devices("user-42")
        .await
        .expect("get_devices");

    list.assert_async().await;
    let [device] = devices.as_slice() else {
        panic!("one device expected: {devices:?}")
    };
    assert_eq!(device.id, "dev_1");
    assert_eq!(device.cred_id, "Y3JlZGVudGlhbA");
    assert_eq!(device.friendly_name, "Chrome on Linux");
    assert_eq!(device.device_type, WebAuthnType::Platform);
    assert_eq!(device.usage_count, 3);
    assert_eq!(
        device.icons.light.as_deref(),
        Some("data:image/svg+xml;base64,PHN2Zz4=")
    );
    assert_eq!(device.icons.dark, None);
}

#[tokio::test]
async fn revoke_device() {
    let server = MockServer::start_async().await;
    stub_lookup(&server, "user-42", "psg_1", "user-42").await;
    let delete = server
        .mock_async(|when, then| {
            sdk_headers(
                when.method(DELETE)
                    .path(app_path("/users/psg_1/devices/dev_1")),
            );
            then.status(200);
        })
        .await;

    client(&server)
        .revoke_device("user-42", "dev_1")
        .await
        .expect("revoke");

    delete.assert_async().await;
}

#[tokio::test]
async fn delete_user() {
    let server = MockServer::start_async().await;
    stub_lookup(&server, "user-42", "psg_1", "user-42").await;
    let delete = server
        .mock_async(|when, then| {
            sdk_headers(when.method(DELETE).path(app_path("/users/psg_1")));
            then.status(200);
        })
        .await;

    client(&server)
        .delete_user("user-42")
        .await
        .expect("delete");

    delete.assert_async().await;
}

#[tokio::test]
async fn activate_and_deactivate_user() {
    let server = MockServer::start_async().await;
    stub_lookup(&server, "user-42", "psg_1", "user-42").await;
    let mut inactive = user_json("psg_1", "user-42");
    inactive["status"] = json!("inactive");
    let deactivate = server
        .mock_async(|when, then| {
            sdk_headers(when.method(PATCH).path(app_path("/users/psg_1/deactivate")));
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({"user": inactive}));
        })
        .await;
    let activate = server
        .mock_async(|when, then| {
            sdk_headers(when.method(PATCH).path(app_path("/users/psg_1/activate")));
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({"user": user_json("psg_1", "user-42")}));
        })
        .await;

    let passage = client(&server);
    let user = passage
        .deactivate_user("user-42")
        .await
        .expect("deactivate");
    assert_eq!(user.status, UserStatus::Inactive);
    let user = passage.activate_user("user-42").await.expect("activate");
    assert_eq!(user.status, UserStatus::Active);

    deactivate.assert_async().await;
    activate.assert_async().await;
}

#[tokio::test]
async fn update_user_metadata_sends_only_the_metadata() {
    let server = MockServer::start_async().await;
    stub_lookup(&server, "user-42", "psg_1", "user-42").await;
    let mut updated = user_json("psg_1", "user-42");
    updated["user_metadata"] = json!({"plan": "team", "seats": 5});
    let patch = server
        .mock_async(|when, then| {
            sdk_headers(when.method(PATCH).path(app_path("/users/psg_1")))
                .json_body(json!({"user_metadata": {"plan": "team", "seats": 5}}));
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({"user": updated}));
        })
        .await;

    let user = client(&server)
        .update_user_metadata("user-42", json!({"plan": "team", "seats": 5}))
        .await
        .expect("update");

    patch.assert_async().await;
    assert_eq!(
        user.user_metadata,
        Some(json!({"plan": "team", "seats": 5}))
    );
}

#[tokio::test]
async fn list_users_walks_every_page_pinned_to_the_first_created_before() {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            sdk_headers(when.method(GET).path(app_path("/users")))
                .query_param("page", "1")
                .query_param("limit", "2")
                .query_param("status", "active")
                .query_param("order_by", "created_at:ASC")
                .query_param_missing("created_before");
            then.status(200)
                .header("content-type", "application/json")
                .json_body(users_page_json(
                    vec![list_item_json("u1", "e1"), list_item_json("u2", "e2")],
                    1,
                    "/v1/apps/app_123/users?page=2",
                ));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            sdk_headers(when.method(GET).path(app_path("/users")))
                .query_param("page", "2")
                .query_param("limit", "2")
                .query_param("created_before", "1717243200");
            then.status(200)
                .header("content-type", "application/json")
                .json_body(users_page_json(vec![list_item_json("u3", "e3")], 2, ""));
        })
        .await;

    let options = ListUsersOptions::new()
        .page_size(2)
        .status(UserStatus::Active)
        .order_by(UserField::CreatedAt, SortDirection::Ascending);
    let users: Vec<_> = client(&server)
        .list_users(options)
        .try_collect()
        .await
        .expect("list");

    first.assert_async().await;
    second.assert_async().await;
    let ids: Vec<_> = users.iter().map(|user| user.external_id.as_str()).collect();
    assert_eq!(ids, ["e1", "e2", "e3"]);
    assert_eq!(users[0].user_metadata, None);
}

#[tokio::test]
async fn list_users_sends_every_filter_and_order_on_every_page() {
    let server = MockServer::start_async().await;
    let filtered = |when: httpmock::When| {
        sdk_headers(when.method(GET).path(app_path("/users")))
            .query_param("limit", "500")
            .query_param("order_by", "login_count:DESC,created_at:ASC")
            .query_param("identifier", "like:@example.com")
            .query_param("id", "ne:psg_0")
            .query_param("status", "ne:inactive")
            .query_param("login_count", "gt:3")
            .query_param("created_at", "gt:2024-01-01T00:00:00.000000Z")
            .query_param("updated_at", "lt:2025-06-30T23:59:59.999999Z")
            .query_param("last_login_at", "ne:2024-06-01T12:00:00.000000Z")
    };
    let first = server
        .mock_async(|when, then| {
            filtered(when).query_param("page", "1");
            then.status(200).json_body(users_page_json(
                vec![list_item_json("u1", "e1")],
                1,
                "/v1/apps/app_123/users?page=2",
            ));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            filtered(when)
                .query_param("page", "2")
                .query_param("created_before", "1717243200");
            then.status(200)
                .json_body(users_page_json(vec![list_item_json("u2", "e2")], 2, ""));
        })
        .await;
    let time = |text: &str| {
        passage_flex::chrono::DateTime::parse_from_rfc3339(text)
            .unwrap()
            .to_utc()
    };

    let options = ListUsersOptions::new()
        .page_size(500)
        .order_by(UserField::LoginCount, SortDirection::Descending)
        .order_by(UserField::CreatedAt, SortDirection::Ascending)
        .identifier(TextMatch::Like("@example.com".into()))
        .user_id(TextMatch::NotEqual("psg_0".into()))
        .status_not(UserStatus::Inactive)
        .login_count(Compare::GreaterThan(3))
        .created_at(Compare::GreaterThan(time("2024-01-01T01:00:00+01:00")))
        .updated_at(Compare::LessThan(time("2025-06-30T23:59:59.999999Z")))
        .last_login_at(Compare::NotEqual(time("2024-06-01T12:00:00Z")));
    let users: Vec<_> = client(&server)
        .list_users(options)
        .try_collect()
        .await
        .expect("list");

    first.assert_async().await;
    second.assert_async().await;
    let ids: Vec<_> = users.iter().map(|user| user.id.as_str()).collect();
    assert_eq!(ids, ["u1", "u2"]);
}

#[tokio::test]
async fn list_users_refuses_a_page_over_500_without_a_request() {
    let server = MockServer::start_async().await;
    let any = catch_all(&server).await;

    let result: Result<Vec<_>, _> = client(&server)
        .list_users(ListUsersOptions::new().page_size(501))
        .try_collect()
        .await;

    assert!(
        matches!(
            result,
            Err(passage_flex::Error::InvalidArgument {
                argument: "page_size",
                ..
            })
        ),
        "{result:?}"
    );
    assert_eq!(any.calls_async().await, 0);
}

#[tokio::test]
async fn list_users_reports_a_zero_page_size_without_a_request() {
    let server = MockServer::start_async().await;
    let any = catch_all(&server).await;

    let result: Result<Vec<_>, _> = client(&server)
        .list_users(ListUsersOptions::new().page_size(0))
        .try_collect()
        .await;

    assert!(matches!(
        result,
        Err(passage_flex::Error::InvalidArgument {
            argument: "page_size",
            ..
        })
    ));
    assert_eq!(any.calls_async().await, 0);
}

#[tokio::test]
async fn low_level_calls_through_the_client_configuration_carry_the_key_and_headers() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            sdk_headers(when.method(GET).path(app_path("")));
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({ "app": app_json() }));
        })
        .await;
    let passage = client(&server);
    let params = passage_flex::openapi::apis::apps_api::GetAppParams {
        app_id: passage.app_id().unwrap().to_string(),
    };
    let app = passage_flex::openapi::apis::apps_api::get_app(
        passage.openapi_configuration().unwrap(),
        params,
    )
    .await
    .unwrap();
    assert_eq!(app.app.id, APP_ID);
    mock.assert_async().await;
}

#[tokio::test]
async fn the_lookup_finds_the_exact_user_when_another_users_email_is_listed_first() {
    // Passage's `identifier` filter also matches emails: user psg_other's email is the
    // external ID asked for, and Passage lists it first.
    let server = MockServer::start_async().await;
    let mut other = list_item_json("psg_other", "someone-else");
    other["email"] = json!("ada@example.com");
    let page = users_page_json(
        vec![other, list_item_json("psg_ada", "ada@example.com")],
        1,
        "",
    );
    let lookup = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(app_path("/users"))
                .query_param("identifier", "ada@example.com")
                .query_param("limit", "10");
            then.status(200).json_body(page);
        })
        .await;
    let get = server
        .mock_async(|when, then| {
            when.method(GET).path(app_path("/users/psg_ada"));
            then.status(200)
                .json_body(json!({"user": user_json("psg_ada", "ada@example.com")}));
        })
        .await;

    let user = client(&server)
        .get_user("ada@example.com")
        .await
        .expect("the exact user is found");

    assert_eq!(user.id, "psg_ada");
    lookup.assert_async().await;
    get.assert_async().await;
}

#[tokio::test]
async fn an_external_id_that_starts_with_a_query_operator_is_refused_before_sending() {
    let server = MockServer::start_async().await;
    let any = catch_all(&server).await;
    for external_id in ["like:ada", "ne:x", "gt:1", "lt:1", "not_like:y"] {
        let err = client(&server).get_user(external_id).await.unwrap_err();
        assert!(
            matches!(
                err,
                passage_flex::Error::InvalidArgument {
                    argument: "external_id",
                    ..
                }
            ),
            "{external_id}: {err:?}"
        );
    }
    assert_eq!(any.calls_async().await, 0);
}
