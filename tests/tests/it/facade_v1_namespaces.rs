//! Fake: httpmock (one mock server for both doors). The 1.0-compatible namespaces
//! (`passage_flex.auth.*`, `passage_flex.user.*`) send, request for request, what the flat
//! methods they name send, and return the same results.

use httpmock::prelude::*;
use passage_flex::{Error, PassageFlex, RetryConfig};
use passage_flex_tests::captured_logs::{Captured, capture};
use passage_flex_tests::{
    API_KEY, APP_ID, app_path, device_json, list_item_json, user_json, users_page_json,
};
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Everything a request carried: method, path and query as sent, every header, the body.
#[derive(Debug, Clone, PartialEq)]
struct Sent {
    method: String,
    uri: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

type Log = Arc<Mutex<Vec<Sent>>>;

/// One stub per endpoint the namespaces reach, each answering as Passage does and recording
/// every request it matches. A nonce other than `nonce-ok` is refused as Passage refuses it.
async fn stub_passage(server: &MockServer, log: &Log) {
    let page = users_page_json(vec![list_item_json("uid_1", "user-1")], 1, "");
    let routes = [
        (GET, app_path("/users"), 200, page),
        (
            GET,
            app_path("/users/uid_1"),
            200,
            json!({"user": user_json("uid_1", "user-1")}),
        ),
        (
            GET,
            app_path("/users/uid_1/devices"),
            200,
            json!({"devices": [device_json("dev_1", "passkey"), device_json("dev_2", "passkey")]}),
        ),
        (
            DELETE,
            app_path("/users/uid_1/devices/dev_1"),
            200,
            json!({}),
        ),
        (
            POST,
            app_path("/transactions/register"),
            200,
            json!({"transaction_id": "tx_register"}),
        ),
        (
            POST,
            app_path("/transactions/authenticate"),
            200,
            json!({"transaction_id": "tx_login"}),
        ),
    ];
    for (method, path, status, body) in routes {
        let (log, wanted) = (Arc::clone(log), (method.to_string(), path.clone()));
        server
            .mock_async(move |when, then| {
                when.is_true(move |request| {
                    let hit =
                        request.method().as_str() == wanted.0 && request.uri().path() == wanted.1;
                    if hit {
                        log.lock().unwrap().push(sent(request));
                    }
                    hit
                });
                then.status(status).json_body(body);
            })
            .await;
    }
    for (nonce, status, body) in [
        ("nonce-ok", 200, json!({"external_id": "user-1"})),
        (
            "nonce-used",
            401,
            json!({"code": "invalid_nonce", "error": "nonce is invalid or expired"}),
        ),
    ] {
        let log = Arc::clone(log);
        let path = app_path("/authenticate/verify");
        server
            .mock_async(move |when, then| {
                when.is_true(move |request| {
                    let hit = request.method() == "POST"
                        && request.uri().path() == path
                        && request.body_string().contains(nonce);
                    if hit {
                        log.lock().unwrap().push(sent(request));
                    }
                    hit
                });
                then.status(status).json_body(body);
            })
            .await;
    }
}

fn sent(request: &httpmock::HttpMockRequest) -> Sent {
    Sent {
        method: request.method().to_string(),
        uri: request
            .uri()
            .path_and_query()
            .map_or_else(String::new, ToString::to_string),
        headers: request.headers_vec().clone(),
        body: request.body_vec(),
    }
}

/// A fresh client (cold cache) of the mock server.
fn fresh_client(server: &MockServer) -> PassageFlex {
    PassageFlex::builder(APP_ID, API_KEY)
        .base_url(server.base_url())
        .build()
        .expect("a loopback origin is accepted")
}

/// What each call returned, as text: `Ok` values and errors (variant, status, code, message)
/// alike.
type Outcomes = Vec<String>;

/// The same scenario through the flat methods...
async fn through_flat_methods(passage: &PassageFlex) -> Outcomes {
    vec![
        format!(
            "{:?}",
            passage
                .create_register_transaction("user-1", "ada@example.com")
                .await
        ),
        format!(
            "{:?}",
            passage.create_authenticate_transaction("user-1").await
        ),
        format!("{:?}", passage.verify_nonce("nonce-ok").await),
        format!("{:?}", passage.verify_nonce("nonce-used").await),
        format!("{:?}", passage.get_user("user-1").await),
        format!("{:?}", passage.get_devices("user-1").await),
        format!("{:?}", passage.revoke_device("user-1", "dev_1").await),
        format!("{:?}", passage.verify_nonce("").await),
        format!("{:?}", passage.get_devices("").await),
        format!("{:?}", passage.revoke_device("user-1", "..").await),
    ]
}

/// ...and through the namespaces, with `String` arguments as 1.0 took them.
async fn through_namespaces(passage: &PassageFlex) -> Outcomes {
    let s = |value: &str| value.to_string();
    vec![
        format!(
            "{:?}",
            passage
                .auth
                .create_register_transaction(s("user-1"), s("ada@example.com"))
                .await
        ),
        format!(
            "{:?}",
            passage
                .auth
                .create_authenticate_transaction(s("user-1"))
                .await
        ),
        format!("{:?}", passage.auth.verify_nonce(s("nonce-ok")).await),
        format!("{:?}", passage.auth.verify_nonce(s("nonce-used")).await),
        format!("{:?}", passage.user.get(s("user-1")).await),
        format!("{:?}", passage.user.list_devices(s("user-1")).await),
        format!(
            "{:?}",
            passage.user.revoke_device(s("user-1"), s("dev_1")).await
        ),
        format!("{:?}", passage.auth.verify_nonce(s("")).await),
        format!("{:?}", passage.user.list_devices(s("")).await),
        format!(
            "{:?}",
            passage.user.revoke_device(s("user-1"), s("..")).await
        ),
    ]
}

#[tokio::test]
async fn both_doors_send_the_same_requests_and_return_the_same_results() {
    let server = MockServer::start_async().await;
    let log: Log = Arc::default();
    stub_passage(&server, &log).await;

    let flat = through_flat_methods(&fresh_client(&server)).await;
    let flat_sent = std::mem::take(&mut *log.lock().unwrap());
    let namespaced = through_namespaces(&fresh_client(&server)).await;
    let namespaced_sent = std::mem::take(&mut *log.lock().unwrap());

    // The scenario reached every stub: 3 creates/verifies, 1 refused nonce, 1 lookup (cached
    // after), the user, the devices, the revoke; the three bad arguments sent nothing.
    assert_eq!(flat_sent.len(), 8, "{flat_sent:#?}");
    assert_eq!(flat_sent, namespaced_sent);
    assert_eq!(flat, namespaced);
    assert!(
        flat[0].contains("tx_register") && flat[2].contains("user-1"),
        "{flat:?}"
    );
    assert!(flat[3].contains("InvalidNonce"), "{}", flat[3]);
    assert!(flat[7].contains("InvalidArgument"), "{}", flat[7]);
}

#[tokio::test]
async fn the_namespaces_share_the_clients_external_id_cache() {
    let server = MockServer::start_async().await;
    let log: Log = Arc::default();
    stub_passage(&server, &log).await;
    let passage = fresh_client(&server);

    passage.get_user("user-1").await.expect("user");
    let warm = log.lock().unwrap().len();
    passage.user.list_devices("user-1").await.expect("devices");
    // A clone's namespace, moved out of its client, still shares the cache.
    let user = passage.clone().user;
    user.revoke_device("user-1", "dev_1").await.expect("revoke");

    let requests = log.lock().unwrap();
    let after: Vec<&str> = requests[warm..]
        .iter()
        .map(|sent| sent.uri.as_str())
        .collect();
    assert_eq!(
        after,
        [
            app_path("/users/uid_1/devices"),
            app_path("/users/uid_1/devices/dev_1")
        ],
        "no lookup after the flat call warmed the cache"
    );
}

#[tokio::test]
async fn the_namespaces_use_the_clients_retries() {
    let server = MockServer::start_async().await;
    let flaky = server
        .mock_async(|when, then| {
            when.method(GET).path(app_path("/users"));
            then.status(503);
        })
        .await;
    let passage = PassageFlex::builder(APP_ID, API_KEY)
        .base_url(server.base_url())
        .retry(
            RetryConfig::new()
                .max_attempts(3)
                .backoff(Duration::from_millis(1), Duration::from_millis(2)),
        )
        .build()
        .expect("client");

    let outcome = passage.user.get("user-1").await;

    assert!(
        matches!(&outcome, Err(Error::Api(err)) if err.status == 503),
        "{outcome:?}"
    );
    assert_eq!(flaky.calls_async().await, 3);
}

/// The spans `work` closes, each as its name and the fields an operation records (durations,
/// which differ run to run, left out).
async fn spans_of(work: impl std::future::Future<Output = ()>) -> Vec<String> {
    let captured = Captured::default();
    let guard = capture(&captured);
    work.await;
    drop(guard);
    let text = captured.text();
    let recorded = ["operation=", "status=", "attempts=", "user_id_cache="];
    text.lines()
        .filter(|line| line.contains(": close"))
        .map(|line| {
            let fields: Vec<&str> = line
                .split([' ', '{', '}', ':'])
                .filter(|token| {
                    token.starts_with("passage_flex")
                        || recorded.iter().any(|field| token.starts_with(field))
                })
                .collect();
            fields.join(" ")
        })
        .collect()
}

#[tokio::test]
async fn both_doors_run_in_the_same_spans() {
    let server = MockServer::start_async().await;
    stub_passage(&server, &Log::default()).await;
    let (flat, namespaced) = (fresh_client(&server), fresh_client(&server));

    let flat_spans = spans_of(async {
        flat.get_user("user-1").await.expect("user");
        flat.get_devices("user-1").await.expect("devices");
        flat.verify_nonce("nonce-used").await.expect_err("refused");
    })
    .await;
    let namespaced_spans = spans_of(async {
        namespaced.user.get("user-1").await.expect("user");
        namespaced
            .user
            .list_devices("user-1")
            .await
            .expect("devices");
        namespaced
            .auth
            .verify_nonce("nonce-used")
            .await
            .expect_err("refused");
    })
    .await;

    assert_eq!(flat_spans, namespaced_spans);
    assert!(
        flat_spans
            .iter()
            .any(|span| span.contains("operation=\"get_user\"")
                || span.contains("operation=get_user")),
        "{flat_spans:#?}"
    );
    assert!(
        flat_spans.iter().any(
            |span| span.contains("user_id_cache=\"hit\"") || span.contains("user_id_cache=hit")
        ),
        "{flat_spans:#?}"
    );
}

#[test]
fn the_namespaces_are_cloneable_shareable_and_redacted() {
    fn shareable<T: Clone + Send + Sync + std::fmt::Debug>(_: &T) {}
    let passage = PassageFlex::new(APP_ID, API_KEY);
    shareable(&passage.auth);
    shareable(&passage.user);
    for debug in [format!("{:?}", passage.auth), format!("{:?}", passage.user)] {
        assert!(!debug.contains(API_KEY), "{debug}");
        assert!(debug.contains(APP_ID), "{debug}");
    }
}
