//! Fake: httpmock.
//!
//! Answers as users' own stubs send them, and as a broken server might: every operation decodes
//! a JSON success body whatever its `Content-Type` (none, `text/plain`, odd casing), as
//! Passage's own generated clients do; and an ID that comes back from the lookup is checked
//! like a caller's before it goes into a path.

use futures::TryStreamExt;
use httpmock::Method::{DELETE, GET, PATCH, POST};
use httpmock::prelude::*;
use passage_flex::{Error, ListUsersOptions, PassageFlex};
use passage_flex_tests::*;
use serde_json::{Value, json};

/// The `Content-Type` a stub answers with; `None` sends no such header at all.
const CONTENT_TYPES: [Option<&str>; 5] = [
    None,
    Some("text/plain"),
    Some("application/octet-stream"),
    Some("Application/JSON; charset=UTF-8"),
    Some("TEXT/PLAIN;charset=utf-8"),
];

/// A stub for `method path` that answers `status` with `body` (JSON text, or nothing) and
/// exactly the content type given.
async fn stub<'a>(
    server: &'a MockServer,
    method: httpmock::Method,
    path: String,
    status: u16,
    body: Option<Value>,
    content_type: Option<&str>,
) -> httpmock::Mock<'a> {
    server
        .mock_async(|when, then| {
            when.method(method).path(path);
            let then = then.status(status);
            let then = match body {
                Some(body) => then.body(body.to_string()),
                None => then,
            };
            if let Some(content_type) = content_type {
                then.header("content-type", content_type);
            }
        })
        .await
}

/// The lookup of `user-42` as Passage answers it (user `psg_1`), with `content_type`.
async fn lookup<'a>(server: &'a MockServer, content_type: Option<&str>) -> httpmock::Mock<'a> {
    let page = users_page_json(vec![list_item_json("psg_1", "user-42")], 1, "");
    stub(
        server,
        GET,
        app_path("/users"),
        200,
        Some(page),
        content_type,
    )
    .await
}

#[tokio::test]
async fn the_stubs_really_send_the_content_type_asked_for() {
    // Without this, a stub library that adds `application/json` on its own would make every
    // test below pass for the wrong reason.
    for content_type in CONTENT_TYPES {
        let server = MockServer::start_async().await;
        stub(
            &server,
            GET,
            app_path(""),
            200,
            Some(json!({})),
            content_type,
        )
        .await;
        let response = reqwest::get(format!("{}{}", server.base_url(), app_path("")))
            .await
            .expect("the stub answers");
        let sent = response
            .headers()
            .get("content-type")
            .map(|value| value.to_str().expect("ASCII").to_owned());
        assert_eq!(sent.as_deref(), content_type);
    }
}

#[tokio::test]
async fn every_operation_decodes_json_whatever_the_content_type() {
    for content_type in CONTENT_TYPES {
        let server = MockServer::start_async().await;
        let passage = client(&server);
        let user = json!({"user": user_json("psg_1", "user-42")});

        lookup(&server, content_type).await;
        let transaction = json!({"transaction_id": "txn_1"});
        let devices = json!({"devices": [device_json("dev_1", "passkey")]});
        let answers = [
            (GET, "", 200, Some(json!({"app": app_json()}))),
            (
                POST,
                "/transactions/register",
                201,
                Some(transaction.clone()),
            ),
            (POST, "/transactions/authenticate", 201, Some(transaction)),
            (
                POST,
                "/authenticate/verify",
                200,
                Some(json!({"external_id": "user-42"})),
            ),
            (GET, "/users/psg_1", 200, Some(user.clone())),
            (PATCH, "/users/psg_1", 200, Some(user.clone())),
            (PATCH, "/users/psg_1/activate", 200, Some(user.clone())),
            (PATCH, "/users/psg_1/deactivate", 200, Some(user)),
            (GET, "/users/psg_1/devices", 200, Some(devices)),
            (DELETE, "/users/psg_1/devices/dev_1", 200, None),
            (DELETE, "/users/psg_1", 200, None),
        ];
        for (method, path, status, body) in answers {
            stub(&server, method, app_path(path), status, body, content_type).await;
        }

        let app = ok(passage.get_app().await, "get_app", content_type);
        assert_eq!(app.id, APP_ID);
        let id = passage.create_register_transaction("user-42", "Ada").await;
        assert_eq!(ok(id, "create_register_transaction", content_type), "txn_1");
        let id = passage.create_authenticate_transaction("user-42").await;
        assert_eq!(
            ok(id, "create_authenticate_transaction", content_type),
            "txn_1"
        );
        let external_id = passage.verify_nonce("nonce_1").await;
        assert_eq!(ok(external_id, "verify_nonce", content_type), "user-42");
        let user = ok(passage.get_user("user-42").await, "get_user", content_type);
        assert_eq!(user.id, "psg_1");
        let user = passage.get_user_by_id("psg_1").await;
        assert_eq!(
            ok(user, "get_user_by_id", content_type).external_id,
            "user-42"
        );
        let devices = ok(
            passage.get_devices("user-42").await,
            "get_devices",
            content_type,
        );
        assert_eq!(devices[0].id, "dev_1");
        let updated = passage
            .update_user_metadata("user-42", json!({"plan": "team"}))
            .await;
        assert_eq!(
            ok(updated, "update_user_metadata", content_type).id,
            "psg_1"
        );
        let activated = passage.activate_user("user-42").await;
        assert_eq!(ok(activated, "activate_user", content_type).id, "psg_1");
        let deactivated = passage.deactivate_user("user-42").await;
        assert_eq!(ok(deactivated, "deactivate_user", content_type).id, "psg_1");
        let users: Result<Vec<_>, _> = passage
            .list_users(ListUsersOptions::new())
            .try_collect()
            .await;
        assert_eq!(
            ok(users, "list_users", content_type)[0].external_id,
            "user-42"
        );
        let revoked = passage.revoke_device("user-42", "dev_1").await;
        ok(revoked, "revoke_device", content_type);
        ok(
            passage.delete_user("user-42").await,
            "delete_user",
            content_type,
        );
    }
}

#[tokio::test]
async fn a_body_that_is_not_json_is_refused_naming_its_content_type() {
    for content_type in [None, Some("text/plain")] {
        let server = MockServer::start_async().await;
        let body = Some(json!("not an answer"));
        stub(
            &server,
            POST,
            app_path("/authenticate/verify"),
            200,
            body,
            content_type,
        )
        .await;

        let err = client(&server).verify_nonce("nonce_1").await.unwrap_err();

        let Error::Decode {
            content_type: named,
            status: 200,
            ..
        } = &err
        else {
            panic!("{err:?}")
        };
        assert_eq!(named.as_deref(), content_type);
        let shown = err.to_string();
        let expected = content_type.map_or("no content type".to_owned(), |ct| {
            format!("content type {ct}")
        });
        assert!(shown.contains(&expected), "{shown}");
    }
}

/// The value of a call that must succeed, or a panic naming the call and the content type.
fn ok<T>(outcome: Result<T, Error>, operation: &str, content_type: Option<&str>) -> T {
    outcome.unwrap_or_else(|err| panic!("{operation} with content type {content_type:?}: {err:?}"))
}

/// Every operation that puts the looked-up user ID into a path.
async fn run_with_looked_up_id(passage: &PassageFlex, operation: &str) -> Error {
    let outcome = match operation {
        "get_user" => passage.get_user("user-42").await.map(drop),
        "get_devices" => passage.get_devices("user-42").await.map(drop),
        "revoke_device" => passage.revoke_device("user-42", "dev_1").await,
        "delete_user" => passage.delete_user("user-42").await,
        "activate_user" => passage.activate_user("user-42").await.map(drop),
        "deactivate_user" => passage.deactivate_user("user-42").await.map(drop),
        "update_user_metadata" => passage
            .update_user_metadata("user-42", json!({"plan": "team"}))
            .await
            .map(drop),
        other => unreachable!("no operation {other}"),
    };
    outcome.expect_err("a dot-segment user ID must not be used")
}

#[tokio::test]
async fn a_dot_segment_user_id_from_the_lookup_sends_nothing_more() {
    let operations = [
        "get_user",
        "get_devices",
        "revoke_device",
        "delete_user",
        "activate_user",
        "deactivate_user",
        "update_user_metadata",
    ];
    for bad_id in [".", "..", ""] {
        for operation in operations {
            let server = MockServer::start_async().await;
            let body = users_page_json(vec![list_item_json(bad_id, "user-42")], 1, "");
            let lookup = server
                .mock_async(|when, then| {
                    when.method(GET)
                        .path(app_path("/users"))
                        .query_param("identifier", "user-42");
                    then.status(200).json_body(body);
                })
                .await;
            // Anything else: `..` would have reached `/v1/apps/{app}/devices` and the like.
            let anything_else = catch_all(&server).await;
            let passage = client(&server);

            let err = run_with_looked_up_id(&passage, operation).await;

            let Error::InvalidResponse {
                operation: named,
                field,
                reason,
            } = &err
            else {
                panic!("{operation} with user ID {bad_id:?}: {err:?}")
            };
            assert_eq!(*named, operation);
            assert!(field.contains("id"), "{field}");
            assert!(!reason.is_empty());
            assert_eq!(lookup.calls_async().await, 1, "{operation}");
            assert_eq!(
                anything_else.calls_async().await,
                0,
                "{operation} with user ID {bad_id:?} sent a request past the lookup"
            );
            // The unusable ID was not remembered: the next call asks again.
            let _ = run_with_looked_up_id(&passage, operation).await;
            assert_eq!(
                lookup.calls_async().await,
                2,
                "{operation}: the bad ID was cached"
            );
        }
    }
}
