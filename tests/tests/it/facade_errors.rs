//! Fake: httpmock.
//!
//! Error mapping (code first, status second), bad responses, bad input that sends nothing,
//! and the API key kept out of every output.

use httpmock::prelude::*;
use passage_flex::{Error, ErrorCode, PassageFlex};
use passage_flex_tests::*;
use serde_json::json;

/// `verify_nonce` answered with `status` and `body`.
async fn verify_answered(status: u16, content_type: &str, body: &str) -> Error {
    let server = MockServer::start_async().await;
    let body = body.to_string();
    let content_type = content_type.to_string();
    server
        .mock_async(|when, then| {
            when.method(POST).path(app_path("/authenticate/verify"));
            then.status(status)
                .header("content-type", content_type)
                .body(body);
        })
        .await;
    client(&server)
        .verify_nonce("n")
        .await
        .expect_err("an error answer")
}

async fn api_error(status: u16, code: &str) -> Error {
    let body = json!({"code": code, "error": format!("message for {code}")}).to_string();
    verify_answered(status, "application/json", &body).await
}

type IsVariant = fn(&Error) -> bool;

#[tokio::test]
async fn each_known_code_maps_to_its_variant() {
    let cases: [(u16, &str, IsVariant); 7] = [
        (400, "invalid_request", |e| {
            matches!(e, Error::InvalidRequest(_))
        }),
        (401, "invalid_access_token", |e| {
            matches!(e, Error::InvalidAccessToken(_))
        }),
        (401, "invalid_nonce", |e| {
            matches!(e, Error::InvalidNonce(_))
        }),
        (403, "operation_not_allowed", |e| {
            matches!(e, Error::OperationNotAllowed(_))
        }),
        (404, "user_not_found", |e| {
            matches!(e, Error::UserNotFound(_))
        }),
        (404, "device_not_found", |e| {
            matches!(e, Error::DeviceNotFound(_))
        }),
        (409, "user_has_no_passkeys", |e| {
            matches!(e, Error::UserHasNoPasskeys(_))
        }),
    ];
    for (status, code, is_expected) in cases {
        let err = api_error(status, code).await;
        assert!(is_expected(&err), "{status} {code} became {err:?}");
        assert_eq!(err.status(), Some(status));
        assert_eq!(err.code(), Some(code));
        assert!(
            err.to_string().contains(&format!("message for {code}")),
            "{err}"
        );
    }
}

#[tokio::test]
async fn the_code_wins_over_the_status() {
    // Observed in the wild: an invalid nonce answered with 400.
    let err = api_error(400, "invalid_nonce").await;
    assert!(matches!(err, Error::InvalidNonce(_)), "{err:?}");
    assert_eq!(err.status(), Some(400));
}

#[tokio::test]
async fn other_codes_keep_status_code_and_message() {
    let err = api_error(404, "app_not_found").await;
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.code, Some(ErrorCode::AppNotFound));
    assert_eq!(api.message, "message for app_not_found");
    assert_eq!(api.operation, "verify_nonce");

    let err = api_error(418, "a_code_from_the_future").await;
    assert!(matches!(err, Error::Api(_)), "{err:?}");
    assert_eq!(err.code(), Some("a_code_from_the_future"));
    assert_eq!(err.status(), Some(418));
}

#[tokio::test]
async fn a_non_json_gateway_page_is_an_api_error_with_its_status() {
    let page = format!(
        "<html><body>502 Bad Gateway{}</body></html>",
        "x".repeat(2000)
    );
    let err = verify_answered(502, "text/html", &page).await;
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.status, 502);
    assert_eq!(api.code, None);
    assert!(api.message.starts_with("<html><body>502 Bad Gateway"));
    assert!(
        api.message.len() <= passage_flex::SNIPPET_LIMIT,
        "the body snippet is bounded"
    );
    assert_eq!(err.code(), None);
}

#[tokio::test]
async fn codeless_errors_fall_back_to_the_status() {
    let err = verify_answered(401, "text/plain", "Unauthorized").await;
    assert!(matches!(err, Error::InvalidAccessToken(_)), "{err:?}");
    let err = verify_answered(403, "text/plain", "Forbidden").await;
    assert!(matches!(err, Error::OperationNotAllowed(_)), "{err:?}");
}

#[tokio::test]
async fn an_undecodable_success_is_a_decode_error_with_a_bounded_snippet() {
    let body = format!(r#"{{"wrong": "{}"}}"#, "é".repeat(400));
    let err = verify_answered(200, "application/json", &body).await;
    let Error::Decode {
        operation,
        status,
        content_type,
        snippet,
        reason,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(*operation, "verify_nonce");
    assert_eq!(*status, 200);
    assert_eq!(content_type.as_deref(), Some("application/json"));
    assert!(snippet.len() <= passage_flex::SNIPPET_LIMIT);
    assert!(body.starts_with(snippet.as_str()));
    assert!(reason.contains("external_id"), "{reason}");
    assert_eq!(err.status(), Some(200));

    // A body that is not JSON is refused for what it is, and the error names the content type
    // it came with, so a gateway's page is recognisable.
    let err = verify_answered(200, "Text/HTML; charset=UTF-8", "<html>maintenance</html>").await;
    let Error::Decode { content_type, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(content_type.as_deref(), Some("Text/HTML; charset=UTF-8"));
    let shown = err.to_string();
    assert!(
        shown.contains("content type Text/HTML; charset=UTF-8"),
        "{shown}"
    );
}

#[tokio::test]
async fn a_refused_connection_is_a_connect_error() {
    // Bind then drop a listener: the port is closed when the client connects.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let passage = PassageFlex::builder(APP_ID, API_KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .build()
        .unwrap();
    let err = passage.get_app().await.expect_err("nothing listens");
    assert!(matches!(err, Error::Connect(_)), "{err:?}");
    assert_eq!(err.status(), None);
}

#[tokio::test]
async fn tls_to_a_plain_http_server_is_a_tls_error() {
    let server = MockServer::start_async().await;
    let passage = PassageFlex::builder(APP_ID, API_KEY)
        .base_url(format!("https://127.0.0.1:{}", server.port()))
        .build()
        .unwrap();
    let err = passage.get_app().await.expect_err("no TLS there");
    assert!(matches!(err, Error::Tls(_)), "{err:?}");
}

#[tokio::test]
async fn a_slow_server_times_out() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|_when, then| {
            then.status(200).delay(std::time::Duration::from_secs(5));
        })
        .await;
    let passage = PassageFlex::builder(APP_ID, API_KEY)
        .base_url(server.base_url())
        .timeout(std::time::Duration::from_millis(200))
        .build()
        .unwrap();
    let err = passage.get_app().await.expect_err("too slow");
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
}

#[tokio::test]
async fn empty_arguments_send_nothing() {
    let server = MockServer::start_async().await;
    let any = catch_all(&server).await;
    let passage = client(&server);

    let results = [
        (
            "external_id",
            passage
                .create_register_transaction("", "name")
                .await
                .map(drop),
        ),
        (
            "passkey_display_name",
            passage.create_register_transaction("e", "").await.map(drop),
        ),
        (
            "external_id",
            passage.create_authenticate_transaction("").await.map(drop),
        ),
        ("nonce", passage.verify_nonce("").await.map(drop)),
        ("external_id", passage.get_user("").await.map(drop)),
        ("user_id", passage.get_user_by_id("").await.map(drop)),
        ("user_id", passage.get_user_by_id("..").await.map(drop)),
        ("external_id", passage.get_devices("").await.map(drop)),
        ("external_id", passage.revoke_device("", "d").await),
        ("device_id", passage.revoke_device("e", "").await),
        ("device_id", passage.revoke_device("e", ".").await),
        ("external_id", passage.delete_user("").await),
        ("external_id", passage.activate_user("").await.map(drop)),
        ("external_id", passage.deactivate_user("").await.map(drop)),
        (
            "external_id",
            passage.update_user_metadata("", json!({})).await.map(drop),
        ),
        (
            "metadata",
            passage
                .update_user_metadata("e", json!([1]))
                .await
                .map(drop),
        ),
    ];
    for (expected, result) in results {
        match result {
            Err(Error::InvalidArgument { argument, .. }) => assert_eq!(argument, expected),
            other => panic!("{expected}: expected InvalidArgument, got {other:?}"),
        }
    }
    assert_eq!(
        any.calls_async().await,
        0,
        "no request may be sent for a bad argument"
    );
}

#[tokio::test]
async fn bad_credentials_fail_every_call_without_a_request_or_a_panic() {
    let server = MockServer::start_async().await;
    let any = catch_all(&server).await;
    for (app_id, api_key) in [("", API_KEY), (APP_ID, ""), (APP_ID, "key with spaces")] {
        let passage = PassageFlex::new(app_id, api_key);
        let err = passage.get_app().await.expect_err("unusable credentials");
        assert!(matches!(err, Error::InvalidConfiguration(_)), "{err:?}");
        assert!(!err.to_string().contains("key with spaces"), "{err}");
    }
    assert_eq!(any.calls_async().await, 0);
}

#[test]
fn the_builder_refuses_plain_http_off_loopback() {
    let err = PassageFlex::builder(APP_ID, API_KEY)
        .base_url("http://api.passage.id")
        .build()
        .expect_err("clear-text API key");
    assert!(matches!(err, Error::InvalidConfiguration(_)), "{err:?}");
}

#[tokio::test]
async fn the_api_key_appears_in_no_debug_display_or_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|_when, then| {
            then.status(401)
                .header("content-type", "application/json")
                .json_body(json!({"code": "invalid_access_token", "error": "bad key"}));
        })
        .await;
    let passage = client(&server);
    let builder = PassageFlex::builder(APP_ID, API_KEY);
    let err = passage.get_app().await.expect_err("401");
    for text in [
        format!("{passage:?}"),
        format!("{builder:?}"),
        format!("{:?}", passage.openapi_configuration().unwrap()),
        format!("{err}"),
        format!("{err:?}"),
    ] {
        assert!(!text.contains(API_KEY), "API key leaked: {text}");
    }
}

#[tokio::test]
async fn a_user_gone_between_a_fresh_lookup_and_the_call_is_not_looked_up_again() {
    // Only an ID that came from the cache may be stale; one looked up a moment ago is the
    // answer, so the call's user_not_found is the caller's, after one lookup and one call.
    let server = MockServer::start_async().await;
    let lookup = stub_lookup(&server, "ada", "usr_1", "ada").await;
    let gone = server
        .mock_async(|when, then| {
            when.method(GET).path(app_path("/users/usr_1"));
            then.status(404)
                .json_body(json!({"code": "user_not_found", "error": "User not found."}));
        })
        .await;

    let err = client(&server).get_user("ada").await.unwrap_err();

    assert!(matches!(err, Error::UserNotFound(_)), "{err:?}");
    assert_eq!(
        (lookup.calls_async().await, gone.calls_async().await),
        (1, 1)
    );
}
