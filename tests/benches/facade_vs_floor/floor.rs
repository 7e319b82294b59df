//! The floor: a minimal hand-written client making the same HTTP calls as the facade's warm
//! path, with reqwest and serde_json and nothing else, decoding only the fields it reads. No
//! SDK that decodes whole answers can do these calls for less.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

#[derive(Clone)]
pub struct Floor {
    http: reqwest::Client,
    api: String,
    bearer: String,
}

#[derive(Deserialize)]
pub struct Id {
    pub id: String,
}

#[derive(Deserialize)]
pub struct App {
    pub app: Id,
}

#[derive(Deserialize)]
pub struct ExternalId {
    pub external_id: String,
}

#[derive(Deserialize)]
pub struct User {
    pub user: ExternalId,
}

#[derive(Deserialize)]
pub struct Devices {
    pub devices: Vec<Id>,
}

#[derive(Deserialize)]
pub struct Users {
    pub users: Vec<Id>,
}

#[derive(Deserialize)]
pub struct Transaction {
    pub transaction_id: String,
}

impl Floor {
    pub fn new(base_url: &str, app_id: &str, api_key: &str) -> Floor {
        Floor {
            http: reqwest::Client::new(),
            api: format!("{base_url}/v1/apps/{app_id}"),
            bearer: format!("Bearer {api_key}"),
        }
    }

    async fn call<T: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, String> {
        let response = request
            .header("authorization", &self.bearer)
            .send()
            .await
            .map_err(|err| err.to_string())?;
        let status = response.status();
        let body = response.bytes().await.map_err(|err| err.to_string())?;
        if !status.is_success() {
            return Err(format!("{status}: {}", String::from_utf8_lossy(&body)));
        }
        serde_json::from_slice(&body).map_err(|err| err.to_string())
    }

    pub async fn get_app(&self) -> Result<App, String> {
        self.call(self.http.get(&self.api)).await
    }

    pub async fn get_user(&self, user_id: &str) -> Result<User, String> {
        self.call(self.http.get(format!("{}/users/{user_id}", self.api)))
            .await
    }

    pub async fn get_devices(&self, user_id: &str) -> Result<Devices, String> {
        self.call(
            self.http
                .get(format!("{}/users/{user_id}/devices", self.api)),
        )
        .await
    }

    pub async fn list_users(&self, limit: u32) -> Result<Users, String> {
        let url = format!("{}/users?page=1&limit={limit}", self.api);
        self.call(self.http.get(url)).await
    }

    pub async fn update_user_metadata(
        &self,
        user_id: &str,
        metadata: &Value,
    ) -> Result<User, String> {
        let body = json!({ "user_metadata": metadata });
        let url = format!("{}/users/{user_id}", self.api);
        self.call(self.http.patch(url).json(&body)).await
    }

    pub async fn create_register_transaction(
        &self,
        external_id: &str,
    ) -> Result<Transaction, String> {
        let body = json!({ "external_id": external_id, "passkey_display_name": external_id });
        let url = format!("{}/transactions/register", self.api);
        self.call(self.http.post(url).json(&body)).await
    }

    pub async fn create_authenticate_transaction(
        &self,
        external_id: &str,
    ) -> Result<Transaction, String> {
        let body = json!({ "external_id": external_id });
        let url = format!("{}/transactions/authenticate", self.api);
        self.call(self.http.post(url).json(&body)).await
    }

    pub async fn verify_nonce(&self, nonce: &str) -> Result<ExternalId, String> {
        let url = format!("{}/authenticate/verify", self.api);
        self.call(self.http.post(url).json(&json!({ "nonce": nonce })))
            .await
    }
}
