//! [`SoftwarePasskey`]: a passkey authenticator in software, from 1Password's `passkey` crates:
//! real key pairs, real signatures, real client data.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use passkey_authenticator::{
    Authenticator, CredentialStore, DiscoverabilitySupport, MemoryStore, StoreInfo, UiHint,
    UserCheck, UserValidationMethod,
};
use passkey_client::{Client, DefaultClientData, Origin, UnverifiedAssetLink};
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

use crate::config::ANDROID_ORIGIN_PREFIX;

/// The person at the authenticator: approves every prompt, with presence and verification (a PIN, a fingerprint),
/// except making a second passkey where the site already has one, which the authenticator
/// refuses as a browser does.
#[derive(Debug)]
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

/// The passkeys of a [`SoftwarePasskey`], in memory, found by allow list or, for a
/// discoverable login, by RP ID (the crate's own `MemoryStore` only answers allow lists).
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

/// A device holding passkeys, as `navigator.credentials` sees it: [`SoftwarePasskey::create`]
/// and [`SoftwarePasskey::get`] take the `challenge` a ceremony start answered
/// (`{"publicKey": ...}`) and return the credential JSON Passage's browser SDK posts as
/// `handshake_response`.
pub struct SoftwarePasskey {
    client: PasskeyClient,
}

impl std::fmt::Debug for SoftwarePasskey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SoftwarePasskey")
            .field("passkeys", &self.client.authenticator().store().0.len())
            .finish()
    }
}

impl Default for SoftwarePasskey {
    fn default() -> Self {
        Self::new()
    }
}

impl SoftwarePasskey {
    /// An empty authenticator, with a signature counter as hardware keys have.
    pub fn new() -> Self {
        let mut authenticator = Authenticator::new(
            Aaguid::new_empty(),
            Keychain::default(),
            ApprovingUser,
            AvailableBackend,
        );
        authenticator.set_make_credentials_with_signature_counter(true);
        SoftwarePasskey {
            client: Client::new(authenticator).allows_insecure_localhost(true),
        }
    }

    /// `navigator.credentials.create` on a page at `origin`: a new passkey, as the
    /// registration `handshake_response`. Fails as a browser would (an excluded credential
    /// already held, an RP ID the origin may not use).
    ///
    /// An `origin` of the form `android:apk-key-hash:<hash>` makes it act for that Android
    /// app instead (the platform's passkey provider, checking the RP ID as for a page on
    /// `https://<rp id>`); `https://<rp id>` is also what an iOS app's passkeys carry.
    pub async fn create(&mut self, origin: &Url, challenge: &Value) -> Result<Value, String> {
        let options: CredentialCreationOptions =
            serde_json::from_value(challenge.clone()).map_err(|err| err.to_string())?;
        let caller = caller(origin, options.public_key.rp.id.as_deref())?;
        let created = self
            .client
            .register(caller, options, DefaultClientData)
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

    /// `navigator.credentials.get` on a page at `origin` (or for an Android app, as for
    /// [`SoftwarePasskey::create`]): an assertion, as the login `handshake_response`.
    pub async fn get(&mut self, origin: &Url, challenge: &Value) -> Result<Value, String> {
        let options: CredentialRequestOptions =
            serde_json::from_value(challenge.clone()).map_err(|err| err.to_string())?;
        let caller = caller(origin, options.public_key.rp_id.as_deref())?;
        let asserted = self
            .client
            .authenticate(caller, options, DefaultClientData)
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

    /// The authenticator's passkeys as they are now, to put back later with
    /// [`SoftwarePasskey::restore`] (a device cloned or restored from a backup).
    pub fn snapshot(&self) -> Keychain {
        self.client.authenticator().store().clone()
    }

    /// Puts back passkeys from [`SoftwarePasskey::snapshot`], sign counts included.
    pub fn restore(&mut self, store: Keychain) {
        *self.client.authenticator_mut().store_mut() = store;
    }
}

/// Who asks the authenticator: a page at `origin`, or the Android app whose signing
/// certificate's SHA-256 an `android:apk-key-hash:` origin carries. An app's passkeys belong to
/// the domain whose asset links name it; here, the RP ID the ceremony asks for.
fn caller<'a>(origin: &'a Url, rp_id: Option<&str>) -> Result<Origin<'a>, String> {
    let Some(hash) = origin.as_str().strip_prefix(ANDROID_ORIGIN_PREFIX) else {
        return Ok(Origin::from(origin));
    };
    let digest = URL_SAFE_NO_PAD
        .decode(hash)
        .map_err(|err| format!("the Android origin's hash is not base64url: {err}"))?;
    // The form assetlinks.json uses: upper-case hex pairs joined by colons.
    let fingerprint = digest
        .iter()
        .map(|byte| format!("{byte:02X}"))
        .collect::<Vec<_>>()
        .join(":");
    let rp_id = rp_id.ok_or("an Android app's ceremony needs the RP ID")?;
    let asset_links = Url::parse(&format!("https://{rp_id}/.well-known/assetlinks.json"))
        .map_err(|err| format!("no asset links address for {rp_id}: {err}"))?;
    let link = UnverifiedAssetLink::new(
        "dev.passage.emulator.app",
        &fingerprint,
        rp_id.to_owned(),
        asset_links,
    )
    .map_err(|err| format!("not an Android app's signing certificate hash: {err:?}"))?;
    Ok(Origin::Android(link))
}
