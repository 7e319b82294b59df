//! The emulator's browser-facing API, called the way Passage's browser SDK calls it: JSON
//! `POST`s with its version header and the page's `Origin`, no API key.

use crate::software_passkey::SoftwarePasskey;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The four ceremony endpoints of one app, as seen from a page on `origin`.
pub struct BrowserApi {
    http: reqwest::Client,
    app_url: String,
    origin: String,
}

/// An answer: status and JSON body (`Null` if there was none).
pub type Answer = (StatusCode, Value);

impl BrowserApi {
    pub fn new(base_url: &str, app_id: &str, origin: &str) -> Self {
        BrowserApi {
            http: reqwest::Client::new(),
            app_url: format!("{base_url}/v1/apps/{app_id}"),
            origin: origin.to_owned(),
        }
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        let response = self
            .http
            .post(format!("{}{path}", self.app_url))
            .header("origin", &self.origin)
            .header(
                "passage-flex-version",
                "@passageidentity/passage-flex-js 1.0.2",
            )
            .json(&body)
            .send()
            .await
            .expect("the emulator answers");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn register_start(&self, transaction_id: &str) -> Answer {
        let body =
            json!({"transaction_id": transaction_id, "authenticator_attachment": "platform"});
        self.post("/register/transactions/webauthn/start", body)
            .await
    }

    pub async fn register_finish(
        &self,
        handshake_id: &str,
        transaction_id: &str,
        response: Value,
    ) -> Answer {
        let body = json!({
            "handshake_id": handshake_id,
            "transaction_id": transaction_id,
            "handshake_response": response,
        });
        self.post("/register/transactions/webauthn/finish", body)
            .await
    }

    pub async fn authenticate_start(&self, transaction_id: Option<&str>) -> Answer {
        let body = match transaction_id {
            Some(id) => json!({ "transaction_id": id }),
            None => json!({}),
        };
        self.post("/authenticate/transactions/webauthn/start", body)
            .await
    }

    pub async fn authenticate_finish(
        &self,
        handshake_id: &str,
        transaction_id: Option<&str>,
        response: Value,
    ) -> Answer {
        let mut body = json!({ "handshake_id": handshake_id, "handshake_response": response });
        if let Some(id) = transaction_id {
            body["transaction_id"] = json!(id);
        }
        self.post("/authenticate/transactions/webauthn/finish", body)
            .await
    }

    /// `passkey.register(transactionId)` end to end; the nonce.
    pub async fn register(&self, passkey: &mut SoftwarePasskey, transaction_id: &str) -> String {
        let (status, started) = self.register_start(transaction_id).await;
        assert_eq!(status, StatusCode::OK, "{started}");
        let response = passkey
            .create(&started["handshake"]["challenge"])
            .await
            .expect("the authenticator creates a passkey");
        let handshake_id = started["handshake"]["id"].as_str().expect("a handshake ID");
        let (status, finished) = self
            .register_finish(handshake_id, transaction_id, response)
            .await;
        assert_eq!(status, StatusCode::OK, "{finished}");
        finished["nonce"].as_str().expect("a nonce").to_owned()
    }

    /// `passkey.authenticate({transactionId})` end to end; the nonce.
    pub async fn authenticate(
        &self,
        passkey: &mut SoftwarePasskey,
        transaction_id: Option<&str>,
    ) -> String {
        let (status, started) = self.authenticate_start(transaction_id).await;
        assert_eq!(status, StatusCode::OK, "{started}");
        let response = passkey
            .get(&started["handshake"]["challenge"])
            .await
            .expect("the authenticator signs");
        let handshake_id = started["handshake"]["id"].as_str().expect("a handshake ID");
        let (status, finished) = self
            .authenticate_finish(handshake_id, transaction_id, response)
            .await;
        assert_eq!(status, StatusCode::OK, "{finished}");
        finished["nonce"].as_str().expect("a nonce").to_owned()
    }
}
