//! Fake: the in-process emulator, behind the axum example.
//!
//! The axum example backend end to end, over real HTTP, against the emulator: a browser's
//! requests are played by a cookie-keeping reqwest client, the passkey ceremonies by a software
//! authenticator against the emulator's browser-facing API (real WebAuthn).

use futures::TryStreamExt;
use passage_flex::ListUsersOptions;
use passage_flex_emulator::browser::PasskeyBrowser;
use passage_flex_tests::emulated::Emulated;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

/// The example backend on a free port; returns its origin.
async fn start_backend(env: &Emulated) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let app = passage_flex_example_axum::router(env.passage.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    origin
}

/// A browser: keeps cookies between requests.
fn new_browser() -> Client {
    Client::builder().cookie_store(true).build().unwrap()
}

async fn get_json(client: &Client, url: String) -> Value {
    let response = client.get(url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn post(client: &Client, url: String, body: Value) -> (StatusCode, Value) {
    let response = client.post(url).json(&body).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Every user Passage (the emulator) knows.
async fn passage_users(env: &Emulated) -> Vec<passage_flex::UserSummary> {
    env.passage
        .list_users(ListUsersOptions::new())
        .try_collect()
        .await
        .unwrap()
}

/// The transaction ID a backend answered, for the page's passkey ceremony.
fn transaction(started: &Value) -> &str {
    started["transaction_id"]
        .as_str()
        .expect("a transaction ID")
}

#[tokio::test]
async fn register_log_in_list_revoke_and_refuse_a_replayed_nonce() {
    let env = Emulated::start().await;
    let backend = start_backend(&env).await;
    let browser = new_browser();
    let mut passkey = PasskeyBrowser::new(&env.emulator);

    // Sign up with a passkey.
    let (status, started) = post(
        &browser,
        format!("{backend}/auth/register/start"),
        json!({"username": "ada"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{started}");
    let nonce = passkey.register(transaction(&started)).await.unwrap();
    let (status, body) = post(
        &browser,
        format!("{backend}/auth/register/finish"),
        json!({"nonce": nonce}),
    )
    .await;
    assert_eq!((status, &body["username"]), (StatusCode::OK, &json!("ada")));

    // Signed in: the passkey is listed, as JSON and on the page.
    let passkeys = get_json(&browser, format!("{backend}/api/passkeys")).await;
    let list = passkeys["passkeys"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["name"], "ada");
    let device_id = list[0]["id"].as_str().unwrap().to_owned();
    let page = browser
        .get(format!("{backend}/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Passkeys of ada"), "{page}");
    assert!(
        page.contains(&format!("/passkeys/{device_id}/revoke")),
        "{page}"
    );

    // Someone else cannot take the username.
    let (status, _) = post(
        &new_browser(),
        format!("{backend}/auth/register/start"),
        json!({"username": "ada"}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Log out: the passkeys are private again.
    let response = browser
        .post(format!("{backend}/auth/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let response = browser
        .get(format!("{backend}/api/passkeys"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    // Log in with the passkey.
    let (status, started) = post(
        &browser,
        format!("{backend}/auth/login/start"),
        json!({"username": "ada"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let login_nonce = passkey
        .authenticate(Some(transaction(&started)))
        .await
        .unwrap();
    let (status, body) = post(
        &browser,
        format!("{backend}/auth/login/finish"),
        json!({"nonce": login_nonce}),
    )
    .await;
    assert_eq!((status, &body["username"]), (StatusCode::OK, &json!("ada")));
    let passkeys = get_json(&browser, format!("{backend}/api/passkeys")).await;
    assert_eq!(passkeys["passkeys"][0]["uses"], 1);

    // An attacker replaying the captured nonce gets no session.
    let attacker = new_browser();
    let (status, body) = post(
        &attacker,
        format!("{backend}/auth/login/finish"),
        json!({"nonce": login_nonce}),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let response = attacker
        .get(format!("{backend}/api/passkeys"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    // Revoke the passkey: it is gone, and ada can no longer start a login.
    let response = browser
        .delete(format!("{backend}/api/passkeys/{device_id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let passkeys = get_json(&browser, format!("{backend}/api/passkeys")).await;
    assert_eq!(passkeys["passkeys"], json!([]));
    let (status, _) = post(
        &browser,
        format!("{backend}/auth/login/start"),
        json!({"username": "ada"}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    // Passage (the emulator) agrees: the one user it knows has no passkey left.
    let users = passage_users(&env).await;
    assert_eq!(users.len(), 1);
    assert!(
        env.passage
            .get_devices(&users[0].external_id)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn the_page_escapes_what_users_typed_and_revokes_with_a_form() {
    let env = Emulated::start().await;
    let backend = start_backend(&env).await;
    let browser = new_browser();
    let mut passkey = PasskeyBrowser::new(&env.emulator);
    let username = "<img src=x onerror=alert(1)>";

    let (_, started) = post(
        &browser,
        format!("{backend}/auth/register/start"),
        json!({"username": username}),
    )
    .await;
    let nonce = passkey.register(transaction(&started)).await.unwrap();
    let (status, _) = post(
        &browser,
        format!("{backend}/auth/register/finish"),
        json!({"nonce": nonce}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let page = browser
        .get(format!("{backend}/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("<img"), "{page}");
    assert!(
        page.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{page}"
    );

    let passkeys = get_json(&browser, format!("{backend}/api/passkeys")).await;
    let device_id = passkeys["passkeys"][0]["id"].as_str().unwrap().to_owned();
    // The form posts, the backend redirects to the page, which now lists nothing.
    let response = browser
        .post(format!("{backend}/passkeys/{device_id}/revoke"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.url().path(), "/");
    assert!(response.text().await.unwrap().contains("No passkeys left"));
}

#[tokio::test]
async fn bad_input_and_unknown_users_are_refused_before_passage_is_asked() {
    let env = Emulated::start().await;
    let backend = start_backend(&env).await;
    let browser = new_browser();
    for body in [
        json!({}),
        json!({"username": "   "}),
        json!({"username": "x".repeat(65)}),
    ] {
        let (status, _) = post(
            &browser,
            format!("{backend}/auth/register/start"),
            body.clone(),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    }
    let (status, _) = post(
        &browser,
        format!("{backend}/auth/login/start"),
        json!({"username": "nobody"}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = post(
        &browser,
        format!("{backend}/auth/login/finish"),
        json!({"nonce": "made-up"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // None of it created a user in Passage.
    let users = passage_users(&env).await;
    assert!(users.is_empty());
}
