//! A software passkey authenticator playing the browser's part of a WebAuthn ceremony, from
//! 1Password's `passkey` crates: real key pairs, real signatures, real client data.
//!
//! It takes the `challenge` a ceremony start answered (`{"publicKey": ...}`) and returns the
//! credential JSON Passage's browser SDK would post as `handshake_response`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use passkey_authenticator::{
    Authenticator, CredentialStore, DiscoverabilitySupport, MemoryStore, StoreInfo, UiHint,
    UserCheck, UserValidationMethod,
};
use passkey_client::{Client, DefaultClientData};
use passkey_crypto::AvailableBackend;
use passkey_types::Passkey;
use passkey_types::ctap2::StatusCode;
use passkey_types::ctap2::make_credential::{
    Options, PublicKeyCredentialRpEntity, PublicKeyCredentialUserEntity,
};
use passkey_types::ctap2::{Aaguid, Ctap2Error};
use passkey_types::webauthn::PublicKeyCredentialDescriptor;
use passkey_types::webauthn::{CredentialCreationOptions, CredentialRequestOptions};
use serde_json::{Value, json};
use url::Url;

/// A user who approves every prompt, with presence and verification (a PIN, a fingerprint),
/// except making a second passkey where the site already has one, which the authenticator
/// refuses as a browser does.
pub struct ApprovingUser;

#[async_trait::async_trait]
impl UserValidationMethod for ApprovingUser {
    type PasskeyItem = passkey_types::Passkey;

    async fn check_user<'a>(
        &self,
        hint: UiHint<'a, Self::PasskeyItem>,
        presence: bool,
        verification: bool,
    ) -> Result<UserCheck, Ctap2Error> {
        if let UiHint::InformExcludedCredentialFound(_) = hint {
            return Err(Ctap2Error::CredentialExcluded);
        }
        Ok(UserCheck {
            presence,
            verification,
        })
    }

    fn is_presence_enabled(&self) -> bool {
        true
    }

    fn is_verification_enabled(&self) -> Option<bool> {
        Some(true)
    }
}

/// Passkeys in memory, found by allow list or, for a discoverable login, by RP ID
/// (the crate's own `MemoryStore` only answers allow lists).
#[derive(Clone, Default)]
pub struct Keychain(MemoryStore);

#[async_trait::async_trait]
impl CredentialStore for Keychain {
    type PasskeyItem = Passkey;

    async fn find_credentials(
        &self,
        ids: Option<&[PublicKeyCredentialDescriptor]>,
        rp_id: &str,
        user_handle: Option<&[u8]>,
    ) -> Result<Vec<Passkey>, StatusCode> {
        if ids.is_some_and(|ids| !ids.is_empty()) {
            return self.0.find_credentials(ids, rp_id, user_handle).await;
        }
        let found: Vec<Passkey> = self
            .0
            .values()
            .filter(|key| key.rp_id == rp_id)
            .filter(|key| {
                user_handle.is_none_or(|handle| {
                    key.user_handle.as_deref().map(Vec::as_slice) == Some(handle)
                })
            })
            .cloned()
            .collect();
        if found.is_empty() {
            return Err(Ctap2Error::NoCredentials.into());
        }
        Ok(found)
    }

    async fn save_credential(
        &mut self,
        cred: Passkey,
        user: PublicKeyCredentialUserEntity,
        rp: PublicKeyCredentialRpEntity,
        options: Options,
    ) -> Result<(), StatusCode> {
        self.0.save_credential(cred, user, rp, options).await
    }

    async fn update_credential(&mut self, cred: &Passkey) -> Result<(), StatusCode> {
        self.0.update_credential(cred).await
    }

    async fn get_info(&self) -> StoreInfo {
        StoreInfo {
            discoverability: DiscoverabilitySupport::Full,
        }
    }
}

type PasskeyClient =
    Client<Keychain, ApprovingUser, AvailableBackend, public_suffix::PublicSuffixList, ()>;

/// A device holding passkeys, used from a page on `origin`.
pub struct SoftwarePasskey {
    client: PasskeyClient,
    origin: Url,
}

impl SoftwarePasskey {
    /// An empty authenticator (with a signature counter, as hardware keys have) on a page at
    /// `origin`.
    pub fn new(origin: &str) -> Self {
        let mut authenticator = Authenticator::new(
            Aaguid::new_empty(),
            Keychain::default(),
            ApprovingUser,
            AvailableBackend,
        );
        authenticator.set_make_credentials_with_signature_counter(true);
        SoftwarePasskey {
            client: Client::new(authenticator).allows_insecure_localhost(true),
            origin: Url::parse(origin).expect("a valid origin"),
        }
    }

    /// The same authenticator used from another page.
    pub fn on_origin(&mut self, origin: &str) -> &mut Self {
        self.origin = Url::parse(origin).expect("a valid origin");
        self
    }

    /// `navigator.credentials.create`: a new passkey; the registration `handshake_response`.
    pub async fn create(&mut self, challenge: &Value) -> Result<Value, String> {
        let options: CredentialCreationOptions =
            serde_json::from_value(challenge.clone()).map_err(|err| err.to_string())?;
        let created = self
            .client
            .register(&self.origin, options, DefaultClientData)
            .await
            .map_err(|err| format!("{err:?}"))?;
        let raw_id = URL_SAFE_NO_PAD.encode(&*created.raw_id);
        Ok(json!({
            "id": raw_id,
            "rawId": raw_id,
            "type": "public-key",
            "response": {
                "attestationObject": URL_SAFE_NO_PAD.encode(&*created.response.attestation_object),
                "clientDataJSON": URL_SAFE_NO_PAD.encode(&*created.response.client_data_json),
            },
            "transports": ["internal"],
        }))
    }

    /// `navigator.credentials.get`: an assertion; the login `handshake_response`.
    pub async fn get(&mut self, challenge: &Value) -> Result<Value, String> {
        let options: CredentialRequestOptions =
            serde_json::from_value(challenge.clone()).map_err(|err| err.to_string())?;
        let asserted = self
            .client
            .authenticate(&self.origin, options, DefaultClientData)
            .await
            .map_err(|err| format!("{err:?}"))?;
        let raw_id = URL_SAFE_NO_PAD.encode(&*asserted.raw_id);
        let response = &asserted.response;
        Ok(json!({
            "id": raw_id,
            "rawId": raw_id,
            "type": "public-key",
            "response": {
                "authenticatorData": URL_SAFE_NO_PAD.encode(&*response.authenticator_data),
                "clientDataJSON": URL_SAFE_NO_PAD.encode(&*response.client_data_json),
                "signature": URL_SAFE_NO_PAD.encode(&*response.signature),
                "userHandle": response.user_handle.as_ref().map(|handle| URL_SAFE_NO_PAD.encode(&**handle)),
            },
        }))
    }

    /// The authenticator's stored passkeys, to put back later (an old copy of a device).
    pub fn snapshot(&self) -> Keychain {
        self.client.authenticator().store().clone()
    }

    pub fn restore(&mut self, store: Keychain) {
        *self.client.authenticator_mut().store_mut() = store;
    }
}
