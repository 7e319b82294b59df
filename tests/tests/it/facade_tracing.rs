//! Fake: the in-process emulator and the scripted server.
//!
//! The facade's `tracing` output: one span per operation with its outcome, and never the API
//! key or a nonce. Everything the process logs is captured, the emulator's lines included.

use passage_flex::PassageFlex;
use passage_flex_emulator::Emulator;
use passage_flex_tests::captured_logs::{Captured, capture};
use passage_flex_tests::emulated::Emulated;
use passage_flex_tests::scripted::{Reply, ScriptedServer};
use passage_flex_tests::{API_KEY, APP_ID, app_json};

const SECRET_KEY: &str = "sk_trace_secret_4242";

#[tokio::test]
async fn each_operation_has_a_span_with_its_outcome_and_no_secret() {
    let captured = Captured::default();
    let _guard = capture(&captured);
    let env = Emulated::start_with(Emulator::builder().api_key(SECRET_KEY)).await;

    let transaction = env
        .passage
        .create_register_transaction("ada", "ada@example.com")
        .await
        .unwrap();
    let nonce = env
        .emulator
        .complete_transaction(&transaction)
        .unwrap()
        .nonce;
    env.passage.verify_nonce(&nonce).await.unwrap();
    env.passage.get_devices("ada").await.unwrap();
    env.passage.get_devices("ada").await.unwrap();
    let _ = env.passage.verify_nonce(&nonce).await.unwrap_err();

    let log = captured.text();
    for expected in [
        r#"operation="create_register_transaction""#,
        r#"operation="verify_nonce""#,
        r#"operation="get_devices""#,
        r#"user_id_cache="miss""#,
        r#"user_id_cache="hit""#,
        "status=200",
        "status=201",
        "status=400",
        "attempts=1",
        "duration_ms=",
        "passage_flex: failed",
        "invalid_nonce",
    ] {
        assert!(log.contains(expected), "no {expected:?} in:\n{log}");
    }
    assert!(!log.contains(SECRET_KEY), "the API key was logged:\n{log}");
    assert!(!log.contains(&nonce), "a nonce was logged:\n{log}");
}

#[tokio::test]
async fn retries_are_logged_with_their_attempt() {
    let captured = Captured::default();
    let _guard = capture(&captured);
    let unavailable = Reply::json(503, serde_json::json!({"error": "later"}));
    let app = Reply::json(200, serde_json::json!({ "app": app_json() }));
    let server = ScriptedServer::start(vec![unavailable, app]).await;
    let passage = PassageFlex::builder(APP_ID, API_KEY)
        .base_url(&server.base_url)
        .build()
        .unwrap();
    passage.get_app().await.unwrap();

    let log = captured.text();
    assert!(log.contains("passage_flex: retrying"), "{log}");
    assert!(log.contains(r#"reason="503 Service Unavailable""#), "{log}");
    assert!(log.contains("attempts=2"), "{log}");
    assert!(!log.contains(API_KEY), "{log}");
}
