//! The floor: a minimal hand-written client making the same HTTP calls as the facade's warm
//! path, with reqwest and serde_json and nothing else. It decodes either only the fields the
//! benchmark checks ([`Decode::Minimal`], the least any client can do) or everything the SDK
//! returns, typed the same way ([`Decode::Complete`], the same result as the SDK).

mod complete;
mod minimal;

use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// How much of each answer the floor decodes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Decode {
    Minimal,
    Complete,
}

#[derive(Clone)]
pub struct Floor {
    http: reqwest::Client,
    api: String,
    bearer: String,
    pub decode: Decode,
}

impl Floor {
    pub fn new(base_url: &str, app_id: &str, api_key: &str, decode: Decode) -> Floor {
        Floor {
            http: reqwest::Client::new(),
            api: format!("{base_url}/v1/apps/{app_id}"),
            bearer: format!("Bearer {api_key}"),
            decode,
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

    /// The app's ID.
    pub async fn get_app(&self) -> Result<String, String> {
        let request = self.http.get(&self.api);
        match self.decode {
            Decode::Minimal => Ok(self.call::<minimal::App>(request).await?.app.id),
            Decode::Complete => Ok(self.call::<complete::App>(request).await?.app.id),
        }
    }

    /// The user's external ID.
    pub async fn get_user(&self, user_id: &str) -> Result<String, String> {
        let request = self.http.get(format!("{}/users/{user_id}", self.api));
        self.user(request).await
    }

    /// The device IDs.
    pub async fn get_devices(&self, user_id: &str) -> Result<Vec<String>, String> {
        let request = self
            .http
            .get(format!("{}/users/{user_id}/devices", self.api));
        Ok(match self.decode {
            Decode::Minimal => {
                let devices = self.call::<minimal::Devices>(request).await?.devices;
                devices.into_iter().map(|device| device.id).collect()
            }
            Decode::Complete => {
                let devices = self.call::<complete::Devices>(request).await?.devices;
                devices.into_iter().map(|device| device.id).collect()
            }
        })
    }

    /// The user IDs of the first page.
    pub async fn list_users(&self, limit: u32) -> Result<Vec<String>, String> {
        let request = self
            .http
            .get(format!("{}/users?page=1&limit={limit}", self.api));
        Ok(match self.decode {
            Decode::Minimal => {
                let users = self.call::<minimal::Users>(request).await?.users;
                users.into_iter().map(|user| user.id).collect()
            }
            Decode::Complete => {
                let users = self.call::<complete::Users>(request).await?.users;
                users.into_iter().map(|user| user.id).collect()
            }
        })
    }

    /// The updated user's external ID.
    pub async fn update_user_metadata(
        &self,
        user_id: &str,
        metadata: &Value,
    ) -> Result<String, String> {
        let body = json!({ "user_metadata": metadata });
        let request = self
            .http
            .patch(format!("{}/users/{user_id}", self.api))
            .json(&body);
        self.user(request).await
    }

    pub async fn create_register_transaction(&self, external_id: &str) -> Result<String, String> {
        let body = json!({ "external_id": external_id, "passkey_display_name": external_id });
        let url = format!("{}/transactions/register", self.api);
        self.transaction(self.http.post(url).json(&body)).await
    }

    pub async fn create_authenticate_transaction(
        &self,
        external_id: &str,
    ) -> Result<String, String> {
        let body = json!({ "external_id": external_id });
        let url = format!("{}/transactions/authenticate", self.api);
        self.transaction(self.http.post(url).json(&body)).await
    }

    /// The proven external ID.
    pub async fn verify_nonce(&self, nonce: &str) -> Result<String, String> {
        let url = format!("{}/authenticate/verify", self.api);
        let request = self.http.post(url).json(&json!({ "nonce": nonce }));
        Ok(self.call::<minimal::ExternalId>(request).await?.external_id)
    }

    async fn user(&self, request: reqwest::RequestBuilder) -> Result<String, String> {
        match self.decode {
            Decode::Minimal => Ok(self.call::<minimal::User>(request).await?.user.external_id),
            Decode::Complete => {
                let user = self.call::<complete::User>(request).await?.user;
                Ok(user.summary.external_id)
            }
        }
    }

    /// The transaction ID; the whole answer in both modes.
    async fn transaction(&self, request: reqwest::RequestBuilder) -> Result<String, String> {
        Ok(self
            .call::<minimal::Transaction>(request)
            .await?
            .transaction_id)
    }
}
