//! The browser-facing API one step at a time, for tests that tamper with a step: thin wrappers
//! over `passage_flex_emulator::browser::PasskeyBrowser::post`.

use passage_flex_emulator::browser::{CeremonyError, PasskeyBrowser};
use serde_json::{Value, json};

/// A step's outcome: the answer, or Passage's error shape.
pub type Step = Result<Value, CeremonyError>;

/// Starts a registration; returns the handshake ID and the challenge.
pub async fn register_start(browser: &PasskeyBrowser, transaction_id: &str) -> (String, Value) {
    let body = json!({ "transaction_id": transaction_id, "authenticator_attachment": "platform" });
    let started = browser
        .post("/register/transactions/webauthn/start", body)
        .await
        .expect("the registration starts");
    split(started)
}

pub async fn register_finish(
    browser: &PasskeyBrowser,
    handshake_id: &str,
    transaction_id: &str,
    response: Value,
) -> Step {
    let body = json!({
        "handshake_id": handshake_id,
        "transaction_id": transaction_id,
        "handshake_response": response,
    });
    browser
        .post("/register/transactions/webauthn/finish", body)
        .await
}

/// Starts a login (a discoverable one without a transaction); returns the handshake ID and the
/// challenge.
pub async fn authenticate_start(
    browser: &PasskeyBrowser,
    transaction_id: Option<&str>,
) -> (String, Value) {
    let body = match transaction_id {
        Some(id) => json!({ "transaction_id": id }),
        None => json!({}),
    };
    let started = browser
        .post("/authenticate/transactions/webauthn/start", body)
        .await
        .expect("the login starts");
    split(started)
}

pub async fn authenticate_finish(
    browser: &PasskeyBrowser,
    handshake_id: &str,
    transaction_id: Option<&str>,
    response: Value,
) -> Step {
    let mut body = json!({ "handshake_id": handshake_id, "handshake_response": response });
    if let Some(id) = transaction_id {
        body["transaction_id"] = json!(id);
    }
    browser
        .post("/authenticate/transactions/webauthn/finish", body)
        .await
}

fn split(started: Value) -> (String, Value) {
    let id = started["handshake"]["id"]
        .as_str()
        .expect("a handshake ID")
        .to_owned();
    (id, started["handshake"]["challenge"].clone())
}
