//! Fake: the scripted server.
//!
//! Faults a production network shows: each test asserts the outcome and how many requests the
//! server saw. Retries are on by default; only idempotent requests are repeated.

use passage_flex::{Error, PassageFlex, PassageFlexBuilder, RetryConfig};
use passage_flex_tests::scripted::{Reply, ScriptedServer};
use passage_flex_tests::{API_KEY, APP_ID, app_json};
use serde_json::json;
use std::time::{Duration, Instant};

fn builder(server: &ScriptedServer) -> PassageFlexBuilder {
    PassageFlex::builder(APP_ID, API_KEY).base_url(&server.base_url)
}

fn client(server: &ScriptedServer) -> PassageFlex {
    builder(server).build().unwrap()
}

fn app_reply() -> Reply {
    Reply::json(200, json!({ "app": app_json() }))
}

fn unavailable() -> Reply {
    Reply::json(
        503,
        json!({"code": "service_unavailable", "error": "try later"}),
    )
}

#[tokio::test]
async fn a_503_then_200_on_a_get_is_retried_to_success() {
    let server = ScriptedServer::start(vec![unavailable(), app_reply()]).await;
    let app = client(&server).get_app().await.unwrap();
    assert_eq!(app.id, APP_ID);
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn gateway_errors_give_up_after_max_attempts_with_the_last_answer() {
    let bad_gateway = Reply::raw(502, "text/html", "<html>502 Bad Gateway</html>");
    let server = ScriptedServer::start(vec![unavailable(), bad_gateway]).await;
    let passage = builder(&server)
        .retry(RetryConfig::new().backoff(Duration::from_millis(5), Duration::from_millis(20)))
        .build()
        .unwrap();
    let err = passage.get_app().await.unwrap_err();
    assert_eq!(err.status(), Some(502), "{err}");
    assert_eq!(server.hits(), passage_flex::DEFAULT_MAX_ATTEMPTS as usize);
}

#[tokio::test]
async fn a_503_on_verify_nonce_is_sent_once() {
    let server = ScriptedServer::start(vec![
        unavailable(),
        Reply::json(200, json!({"external_id": "u"})),
    ])
    .await;
    let err = client(&server).verify_nonce("nonce-1").await.unwrap_err();
    assert!(
        matches!(&err, Error::Api(api) if api.status == 503),
        "{err:?}"
    );
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn transaction_creates_are_sent_once() {
    let server = ScriptedServer::start(vec![
        unavailable(),
        Reply::json(201, json!({"transaction_id": "tx"})),
    ])
    .await;
    let passage = client(&server);
    let err = passage
        .create_register_transaction("u", "u@example.com")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.hits(), 1);
    // The script has moved on: the next call is answered, and was still one request.
    let tx = passage.create_authenticate_transaction("u").await.unwrap();
    assert_eq!((tx.as_str(), server.hits()), ("tx", 2));
}

#[tokio::test]
async fn a_429_waits_for_retry_after_then_succeeds() {
    let limited = Reply::json(429, json!({"code": "rate_limited", "error": "slow down"}))
        .header("retry-after", "1");
    let server = ScriptedServer::start(vec![limited, app_reply()]).await;
    let started = Instant::now();
    client(&server).get_app().await.unwrap();
    let waited = started.elapsed();
    assert_eq!(server.hits(), 2);
    assert!(
        waited >= Duration::from_secs(1),
        "retried after {waited:?}, before the 1 s Retry-After"
    );
    assert!(waited < Duration::from_secs(3), "{waited:?}");
}

#[tokio::test]
async fn a_retry_after_beyond_the_limit_returns_the_429_at_once() {
    let limited = Reply::json(429, json!({"code": "rate_limited", "error": "slow down"}))
        .header("retry-after", "3600");
    let server = ScriptedServer::start(vec![limited, app_reply()]).await;
    let started = Instant::now();
    let err = client(&server).get_app().await.unwrap_err();
    assert_eq!(err.status(), Some(429));
    assert_eq!(err.code(), Some("rate_limited"));
    // The wait the server asked for reaches the caller, who may schedule the call for later.
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert!(err.to_string().contains("(retry after 3600s)"), "{err}");
    assert_eq!(server.hits(), 1);
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn a_503_on_verify_nonce_hands_its_retry_after_to_the_caller() {
    // Not repeatable, so the SDK does not wait: the caller decides whether to ask again.
    let unavailable_for_a_while = unavailable().header("retry-after", "7");
    let server = ScriptedServer::start(vec![unavailable_for_a_while]).await;
    let err = client(&server).verify_nonce("nonce-1").await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
    assert_eq!(server.hits(), 1);
    // An error answer without the header has none.
    let server = ScriptedServer::start(vec![unavailable()]).await;
    let err = client(&server).verify_nonce("nonce-1").await.unwrap_err();
    assert_eq!((err.status(), err.retry_after()), (Some(503), None));
}

#[tokio::test]
async fn a_connection_closed_mid_body_is_retried_on_a_get() {
    let body = json!({ "app": app_json() });
    let server = ScriptedServer::start(vec![Reply::cut_mid_body(body, 40), app_reply()]).await;
    let app = client(&server).get_app().await.unwrap();
    assert_eq!(app.id, APP_ID);
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn a_connection_closed_mid_body_fails_verify_nonce_without_a_retry() {
    let body = json!({"external_id": "someone-with-a-long-external-id"});
    let server = ScriptedServer::start(vec![
        Reply::cut_mid_body(body.clone(), 10),
        Reply::json(200, body),
    ])
    .await;
    let err = client(&server).verify_nonce("nonce-1").await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn truncated_json_is_a_decode_error_with_status_and_not_retried() {
    let truncated = Reply::raw(200, "application/json", r#"{"app": {"id": "app_123", "na"#);
    let server = ScriptedServer::start(vec![truncated, app_reply()]).await;
    let err = client(&server).get_app().await.unwrap_err();
    match &err {
        Error::Decode {
            operation,
            status,
            snippet,
            ..
        } => {
            assert_eq!((*operation, *status), ("get_app", 200));
            assert!(snippet.starts_with(r#"{"app""#), "{snippet}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn a_server_slower_than_the_timeout_fails_fast_and_names_the_limit() {
    // The SDK's own client has the timeout built in; a supplied one gets it on each request.
    for supplied in [None, Some(reqwest::Client::new())] {
        let server =
            ScriptedServer::start(vec![app_reply().delayed(Duration::from_secs(10))]).await;
        let mut builder = builder(&server).timeout(Duration::from_millis(200));
        if let Some(client) = supplied {
            builder = builder.http_client(client);
        }
        let passage = builder.build().unwrap();
        let started = Instant::now();
        let err = passage.get_app().await.unwrap_err();
        let took = started.elapsed();
        assert!(matches!(err, Error::Timeout(_)), "{err:?}");
        assert!(err.to_string().contains("200ms limit"), "{err}");
        assert!(took < Duration::from_secs(2), "took {took:?}");
        // A timeout spends the caller's budget: it is not retried.
        assert_eq!(server.hits(), 1);
    }
}

#[tokio::test]
async fn a_body_that_stalls_is_bounded_by_the_same_timeout() {
    let stalled = Reply::stalled_body(json!({ "app": app_json() }), 20, Duration::from_secs(10));
    let server = ScriptedServer::start(vec![stalled]).await;
    let passage = builder(&server)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = passage.get_app().await.unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn a_body_over_the_cap_is_refused_whether_declared_or_streamed() {
    let declared = Reply::raw(200, "application/json", vec![b' '; 4096]);
    let server = ScriptedServer::start(vec![declared, Reply::streamed(1 << 20)]).await;
    let passage = builder(&server).max_response_bytes(1024).build().unwrap();
    for _ in 0..2 {
        let err = passage.get_app().await.unwrap_err();
        match &err {
            Error::ResponseTooLarge {
                operation,
                status,
                limit,
            } => assert_eq!((*operation, *status, *limit), ("get_app", 200, 1024)),
            other => panic!("expected ResponseTooLarge, got {other:?}"),
        }
        assert!(err.to_string().contains("1024-byte limit"), "{err}");
        assert_eq!(err.status(), Some(200));
    }
    // Neither was retried: the same body would be refused again.
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn a_body_just_under_the_cap_is_read() {
    let body = json!({ "app": app_json() }).to_string();
    let server = ScriptedServer::start(vec![app_reply()]).await;
    let passage = builder(&server)
        .max_response_bytes(body.len())
        .build()
        .unwrap();
    assert_eq!(passage.get_app().await.unwrap().id, APP_ID);
}

#[tokio::test]
async fn retries_can_be_turned_off() {
    let server = ScriptedServer::start(vec![unavailable(), app_reply()]).await;
    let passage = builder(&server)
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    assert_eq!(passage.get_app().await.unwrap_err().status(), Some(503));
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn unusable_resilience_settings_are_refused_at_build() {
    let server = ScriptedServer::start(vec![app_reply()]).await;
    let cases = [
        builder(&server).max_response_bytes(0),
        builder(&server).retry(RetryConfig::new().max_attempts(0)),
        builder(&server).retry(RetryConfig::new().max_attempts(1000)),
        builder(&server)
            .retry(RetryConfig::new().backoff(Duration::from_secs(5), Duration::from_secs(1))),
        builder(&server).user_id_cache(
            passage_flex::CacheConfig::new().time_to_live(Duration::from_secs(u64::MAX)),
        ),
    ];
    for case in cases {
        let err = case.build().unwrap_err();
        assert!(matches!(err, Error::InvalidConfiguration(_)), "{err:?}");
    }
    assert_eq!(server.hits(), 0);
}

#[tokio::test]
async fn a_gateway_error_on_revoke_device_is_retried_because_delete_is_idempotent() {
    let lookup = Reply::json(
        200,
        passage_flex_tests::users_page_json(
            vec![passage_flex_tests::list_item_json("user_1", "ada")],
            1,
            "",
        ),
    );
    let gateway_timeout = Reply::raw(504, "text/html", "<html>504</html>");
    let deleted = Reply::raw(200, "application/json", "");
    let server = ScriptedServer::start(vec![lookup, gateway_timeout, deleted]).await;
    client(&server).revoke_device("ada", "dev_1").await.unwrap();
    assert_eq!(
        server.requests(),
        [
            format!("GET /v1/apps/{APP_ID}/users"),
            format!("DELETE /v1/apps/{APP_ID}/users/user_1/devices/dev_1"),
            format!("DELETE /v1/apps/{APP_ID}/users/user_1/devices/dev_1"),
        ]
    );
}

#[tokio::test]
async fn a_503_on_update_user_metadata_is_retried_because_the_patch_sets_absolute_state() {
    let lookup = Reply::json(
        200,
        passage_flex_tests::users_page_json(
            vec![passage_flex_tests::list_item_json("user_1", "ada")],
            1,
            "",
        ),
    );
    let updated = Reply::json(
        200,
        json!({ "user": passage_flex_tests::user_json("user_1", "ada") }),
    );
    let server = ScriptedServer::start(vec![lookup, unavailable(), updated]).await;
    let user = client(&server)
        .update_user_metadata("ada", json!({"plan": "pro"}))
        .await
        .unwrap();
    assert_eq!(user.external_id, "ada");
    assert_eq!(server.hits(), 3);
    assert_eq!(server.requests()[1], server.requests()[2]);
}

#[tokio::test]
async fn a_body_that_is_not_utf8_is_reported_not_dropped() {
    let broken = Reply::raw(502, "text/html", vec![b'<', 0xff, 0xfe, b'>']);
    let server = ScriptedServer::start(vec![broken]).await;
    let passage = builder(&server)
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    let err = passage.get_app().await.unwrap_err();
    let api = err.api_error().expect("an API error");
    assert_eq!(api.status, 502);
    assert_eq!(api.message, "<\u{fffd}\u{fffd}>");
}
