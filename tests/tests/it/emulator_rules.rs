//! Fake: the in-process emulator, over raw HTTP.
//!
//! The emulator's own rules, over raw HTTP: the status, `code` and message of each refusal, the
//! control endpoint, expiry, pagination links, and concurrency without lost updates.

use std::time::Duration;

use passage_flex_emulator::Emulator;
use passage_flex_tests::emulated::Emulated;
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

/// Sends `body` (raw text) with the emulator's key unless `key` says otherwise; returns the
/// status and the body parsed as JSON (`Value::Null` when empty).
async fn call(
    method: Method,
    url: &str,
    key: Option<&str>,
    body: Option<&str>,
) -> (StatusCode, Value) {
    let mut request = Client::new().request(method, url);
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_owned());
    }
    let response = request.send().await.expect("the emulator answers");
    let status = response.status();
    let text = response.text().await.expect("a body");
    let json = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).expect("every body is JSON")
    };
    (status, json)
}

fn code(body: &Value) -> &str {
    body["code"].as_str().unwrap_or("<no code>")
}

#[tokio::test]
async fn wrong_or_missing_key_is_401_and_other_apps_are_404() {
    let env = Emulated::start().await;
    let key = env.emulator.api_key().to_owned();
    let url = env.api_url("/users");

    let (status, body) = call(Method::GET, &url, None, None).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::UNAUTHORIZED, "invalid_access_token")
    );
    let (status, body) = call(Method::GET, &url, Some("not-the-key"), None).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::UNAUTHORIZED, "invalid_access_token")
    );

    let other_app = format!("{}/v1/apps/another_app/users", env.emulator.base_url());
    let (status, body) = call(Method::GET, &other_app, Some(&key), None).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::NOT_FOUND, "app_not_found")
    );

    // Older clients asked for the app with a trailing slash; both forms answer.
    for url in [env.api_url(""), env.api_url("/")] {
        let (status, body) = call(Method::GET, &url, Some(&key), None).await;
        assert_eq!(status, StatusCode::OK, "{url}");
        assert_eq!(body["app"]["id"], env.emulator.app_id());
    }
}

#[tokio::test]
async fn bad_bodies_are_400_naming_the_field() {
    let env = Emulated::start().await;
    let key = env.emulator.api_key().to_owned();
    let register = env.api_url("/transactions/register");
    let cases = [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        (
            r#"{"passkey_display_name": "Ada"}"#,
            "external_id is required",
        ),
        (
            r#"{"external_id": "", "passkey_display_name": "Ada"}"#,
            "external_id must not be empty",
        ),
        (
            r#"{"external_id": 7, "passkey_display_name": "Ada"}"#,
            "external_id must be a string",
        ),
        (
            r#"{"external_id": "ada"}"#,
            "passkey_display_name is required",
        ),
    ];
    for (body, message) in cases {
        let (status, answer) = call(Method::POST, &register, Some(&key), Some(body)).await;
        assert_eq!(
            (status, code(&answer)),
            (StatusCode::BAD_REQUEST, "invalid_request"),
            "{body}"
        );
        let error = answer["error"].as_str().unwrap();
        assert!(
            error.contains(message),
            "{body}: {error:?} should say {message:?}"
        );
    }
    // Nothing was created by any of them.
    let (_, users) = call(Method::GET, &env.api_url("/users"), Some(&key), None).await;
    assert_eq!(users["total_users"], 0);

    let verify = env.api_url("/authenticate/verify");
    let (status, answer) = call(Method::POST, &verify, Some(&key), Some("{}")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains("nonce is required")
    );
}

#[tokio::test]
async fn authenticate_transactions_need_a_known_user_with_a_passkey() {
    let env = Emulated::start().await;
    let key = env.emulator.api_key().to_owned();
    let authenticate = env.api_url("/transactions/authenticate");

    let (status, body) = call(
        Method::POST,
        &authenticate,
        Some(&key),
        Some(r#"{"external_id": "nobody"}"#),
    )
    .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::NOT_FOUND, "user_not_found")
    );

    let register = env.api_url("/transactions/register");
    let body = r#"{"external_id": "ada", "passkey_display_name": "Ada"}"#;
    let (status, created) = call(Method::POST, &register, Some(&key), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(
        created["transaction_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );

    let ada = r#"{"external_id": "ada"}"#;
    let (status, body) = call(Method::POST, &authenticate, Some(&key), Some(ada)).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "user_has_no_passkeys")
    );
}

#[tokio::test]
async fn the_control_endpoint_completes_each_transaction_once() {
    let env = Emulated::start().await;
    let transaction = env
        .passage
        .create_register_transaction("ada", "Ada")
        .await
        .unwrap();
    let complete = format!(
        "{}/emulator/apps/{}/transactions/{transaction}/complete",
        env.emulator.base_url(),
        env.emulator.app_id()
    );

    // No API key: the transaction ID is the capability, as in the browser.
    let (status, body) = call(Method::POST, &complete, None, None).await;
    assert_eq!(status, StatusCode::OK);
    let nonce = body["nonce"].as_str().expect("a nonce");
    assert_eq!(env.passage.verify_nonce(nonce).await.unwrap(), "ada");

    let (status, body) = call(Method::POST, &complete, None, None).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::NOT_FOUND, "transaction_not_found")
    );

    let elsewhere = complete.replace(env.emulator.app_id(), "another_app");
    let (status, body) = call(Method::POST, &elsewhere, None, None).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::NOT_FOUND, "app_not_found")
    );
}

#[tokio::test]
async fn an_authentication_can_pick_its_passkey() {
    let env = Emulated::start().await;
    env.register_passkey("ada", "Laptop").await;
    let phone = env.register_passkey("ada", "Phone").await;

    let transaction = env
        .passage
        .create_authenticate_transaction("ada")
        .await
        .unwrap();
    let wrong = env
        .emulator
        .complete_authentication_with(&transaction, "no-such-device")
        .unwrap_err();
    assert_eq!((wrong.status(), wrong.code()), (404, "device_not_found"));
    // The failed attempt left the transaction open.
    let used = env
        .emulator
        .complete_authentication_with(&transaction, &phone)
        .unwrap();
    assert_eq!(used.device_id, phone);

    let devices = env.passage.get_devices("ada").await.unwrap();
    let usage: Vec<_> = devices
        .iter()
        .map(|d| (d.friendly_name.as_str(), d.usage_count))
        .collect();
    assert_eq!(usage, [("Laptop", 0), ("Phone", 1)]);
}

#[tokio::test]
async fn nonces_and_transactions_expire() {
    let env = Emulated::start_with(
        Emulator::builder()
            .nonce_ttl(Duration::from_millis(200))
            .transaction_ttl(Duration::from_millis(200)),
    )
    .await;
    env.register_passkey("ada", "Key").await;

    let stale_nonce = env.login_nonce("ada").await;
    let stale_transaction = env
        .passage
        .create_authenticate_transaction("ada")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    assert!(matches!(
        env.passage.verify_nonce(&stale_nonce).await,
        Err(passage_flex::Error::InvalidNonce(_))
    ));
    let expired = env
        .emulator
        .complete_transaction(&stale_transaction)
        .unwrap_err();
    assert_eq!(expired.code(), "transaction_not_found");

    // Fresh ones still work within their lifetime.
    let fresh = env.login_nonce("ada").await;
    assert_eq!(env.passage.verify_nonce(&fresh).await.unwrap(), "ada");
}

#[tokio::test]
async fn user_list_links_filters_and_query_errors() {
    let env = Emulated::start().await;
    let key = env.emulator.api_key().to_owned();
    for name in ["a", "b", "c", "d", "e"] {
        env.passage
            .create_register_transaction(name, name)
            .await
            .unwrap();
    }
    let carol = env.passage.get_user("c").await.unwrap();
    env.passage
        .update_user_metadata("c", json!({"x": 1}))
        .await
        .unwrap();

    let (status, page) = call(
        Method::GET,
        &env.api_url("/users?limit=2&page=2"),
        Some(&key),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["total_users"], 5);
    assert_eq!(
        (page["page"].as_i64(), page["limit"].as_i64()),
        (Some(2), Some(2))
    );
    let ids: Vec<_> = page["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["external_id"].clone())
        .collect();
    // Newest first unless told otherwise.
    assert_eq!(ids, [json!("c"), json!("b")]);
    let pinned = page["created_before"].as_i64().unwrap();
    let links = &page["_links"];
    let app = env.emulator.app_id();
    assert_eq!(
        links["next"]["href"],
        format!(
            "/v1/apps/{app}/users?page=3&limit=2&order_by=created_at%3ADESC&created_before={pinned}"
        )
    );
    assert_eq!(
        links["previous"]["href"],
        format!(
            "/v1/apps/{app}/users?page=1&limit=2&order_by=created_at%3ADESC&created_before={pinned}"
        )
    );
    let (_, last) = call(
        Method::GET,
        &env.api_url("/users?limit=2&page=3"),
        Some(&key),
        None,
    )
    .await;
    assert_eq!(last["_links"]["next"]["href"], "");
    assert_eq!(last["users"].as_array().unwrap().len(), 1);

    // Exact-match filters, including a timestamp read back from the API, in the filters' fixed
    // form.
    let created_at = carol
        .created_at
        .format("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string();
    let by_time =
        reqwest::Url::parse_with_params(&env.api_url("/users"), [("created_at", &created_at)])
            .unwrap();
    let (_, found) = call(Method::GET, by_time.as_str(), Some(&key), None).await;
    assert_eq!(found["total_users"], 1);
    assert_eq!(found["users"][0]["external_id"], "c");
    assert_eq!(found["users"][0]["user_metadata"], json!({"x": 1}));
    let (_, by_identifier) = call(
        Method::GET,
        &env.api_url("/users?identifier=e"),
        Some(&key),
        None,
    )
    .await;
    assert_eq!(by_identifier["users"][0]["external_id"], "e");
    let (_, before_everyone) = call(
        Method::GET,
        &env.api_url("/users?created_before=0"),
        Some(&key),
        None,
    )
    .await;
    assert_eq!(before_everyone["total_users"], 0);

    for (query, naming) in [
        ("page=0", "page"),
        ("limit=x", "limit"),
        ("limit=501", "limit"),
        ("order_by=created_at", "order_by"),
        ("order_by=secret:ASC", "order_by"),
        ("created_at=yesterday", "created_at"),
        // RFC 3339, but not the fixed form.
        ("created_at=2024-06-01T12:00:00Z", "created_at"),
    ] {
        let (status, body) = call(
            Method::GET,
            &env.api_url(&format!("/users?{query}")),
            Some(&key),
            None,
        )
        .await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::BAD_REQUEST, "invalid_request"),
            "{query}"
        );
        assert!(
            body["error"].as_str().unwrap().starts_with(naming),
            "{query}: {body}"
        );
    }
}

#[tokio::test]
async fn concurrent_clients_lose_no_updates() {
    let env = Emulated::start().await;
    env.passage
        .create_register_transaction("shared", "Shared")
        .await
        .unwrap();

    // 32 registrations and then 32 logins of one user, all at once, each through its own
    // client: every one must land.
    let registrations = (0..32).map(|i| {
        let passage = env.passage.clone();
        async move {
            passage
                .create_register_transaction("shared", format!("Key {i}"))
                .await
                .unwrap()
        }
    });
    let transactions = futures::future::join_all(registrations).await;
    for transaction in &transactions {
        let nonce = env
            .emulator
            .complete_transaction(transaction)
            .unwrap()
            .nonce;
        assert_eq!(env.passage.verify_nonce(&nonce).await.unwrap(), "shared");
    }
    let logins = (0..32).map(|_| {
        let passage = env.passage.clone();
        let emulator_url = env.emulator.base_url();
        let app_id = env.emulator.app_id().to_owned();
        tokio::spawn(async move {
            let transaction = passage
                .create_authenticate_transaction("shared")
                .await
                .unwrap();
            let complete = format!(
                "{emulator_url}/emulator/apps/{app_id}/transactions/{transaction}/complete"
            );
            let (status, body) = call(Method::POST, &complete, None, None).await;
            assert_eq!(status, StatusCode::OK);
            passage
                .verify_nonce(body["nonce"].as_str().unwrap())
                .await
                .unwrap()
        })
    });
    for verified in futures::future::join_all(logins).await {
        assert_eq!(verified.unwrap(), "shared");
    }

    let user = env.passage.get_user("shared").await.unwrap();
    assert_eq!(user.webauthn_devices.len(), 32);
    assert_eq!(user.login_count, 32);
    let uses: u32 = user.webauthn_devices.iter().map(|d| d.usage_count).sum();
    assert_eq!(uses, 32);
}
