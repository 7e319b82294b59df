//! A browser with a passkey, for real WebAuthn ceremonies against the emulator (feature
//! `passkey-browser`): what a page using Passage's browser SDK does, with 1Password's software
//! authenticator instead of the platform's. It can play a native app too, as Passage's iOS and
//! Android SDKs call the same endpoints ([`PasskeyBrowser::ios_app`],
//! [`PasskeyBrowser::android_app`]).
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use passage_flex_emulator::Emulator;
//! use passage_flex_emulator::browser::PasskeyBrowser;
//!
//! let emulator = Emulator::start().await?;
//! let mut browser = PasskeyBrowser::new(&emulator);
//! # let transaction_id = String::new();
//! // ... the backend under test creates a registration transaction; then, in the "browser":
//! let nonce = browser.register(&transaction_id).await?;
//! // ... the backend verifies the nonce. Later, a login:
//! # let login_transaction_id = String::new();
//! let nonce = browser.authenticate(Some(&login_transaction_id)).await?;
//! # Ok(()) }
//! ```

mod software_passkey;

pub use software_passkey::{ApprovingUser, Keychain, SoftwarePasskey};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use url::Url;

use crate::Emulator;
use crate::config::ANDROID_ORIGIN_PREFIX;

/// The version header Passage's browser SDK sends with every call.
const SDK_VERSION: &str = "@passageidentity/passage-flex-js 1.0.2";

/// A page on one origin, with a [`SoftwarePasskey`], calling an emulator's browser-facing API
/// the way Passage's browser SDK does (JSON `POST`s, its version header, the page's `Origin`,
/// no API key); or a native app doing what Passage's iOS or Android SDK does.
#[derive(Debug)]
pub struct PasskeyBrowser {
    http: reqwest::Client,
    app_url: String,
    origin: Url,
    sdk: ClientSdk,
    passkey: SoftwarePasskey,
}

/// Which of Passage's client SDKs a [`PasskeyBrowser`] plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientSdk {
    /// `@passageidentity/passage-flex-js` in a page: sends the page's `Origin` and the SDK's
    /// version header.
    Browser,
    /// Passage's iOS Flex SDK: no `Origin` header (an app makes no CORS requests). It hands
    /// the platform the UTF-8 bytes of the registration's `user.id` text as the user ID, and
    /// sends an assertion's user handle back as that text, so the handle the relying party
    /// issued comes back as it was issued.
    Ios,
    /// Passage's Android Flex SDK: no `Origin` header; the platform's JSON as it is.
    Android,
}

/// Why a ceremony did not end in a nonce.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CeremonyError {
    /// The emulator refused a step, with Passage's error shape.
    Refused {
        /// The HTTP status.
        status: u16,
        /// The error `code`, such as `origin_not_allowed`.
        code: String,
        /// The error message.
        message: String,
    },
    /// The authenticator refused, as a browser would (an excluded credential, no credential).
    Authenticator(String),
    /// No usable answer from the emulator.
    Transport(String),
}

impl std::fmt::Display for CeremonyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CeremonyError::Refused {
                status,
                code,
                message,
            } => write!(f, "refused with {status} {code}: {message}"),
            CeremonyError::Authenticator(reason) => {
                write!(f, "the authenticator refused: {reason}")
            }
            CeremonyError::Transport(reason) => write!(f, "no answer from the emulator: {reason}"),
        }
    }
}

impl std::error::Error for CeremonyError {}

impl PasskeyBrowser {
    /// A page on the emulated app's auth origin, with an empty authenticator.
    pub fn new(emulator: &Emulator) -> Self {
        let origin = emulator.auth_origin_url().clone();
        Self::with_origin(&emulator.base_url(), emulator.app_id(), origin)
    }

    /// A page on `origin` (another one than the app's, to see it refused), calling the
    /// emulator at `base_url` for the app `app_id`.
    pub fn with_origin(base_url: &str, app_id: &str, origin: Url) -> Self {
        Self::with_sdk(base_url, app_id, origin, ClientSdk::Browser)
    }

    /// An iOS app using Passage's iOS SDK, whose associated domain is the emulator's RP ID:
    /// its passkeys carry the origin `https://<rp id>`.
    pub fn ios_app(emulator: &Emulator) -> Self {
        let rp_id = emulator.rp_id();
        // An RP ID is a domain, so this parses; a bad one fails every ceremony instead.
        let origin = Url::parse(&format!("https://{rp_id}"))
            .unwrap_or_else(|_| emulator.auth_origin_url().clone());
        Self::with_sdk(
            &emulator.base_url(),
            emulator.app_id(),
            origin,
            ClientSdk::Ios,
        )
    }

    /// An Android app using Passage's Android SDK, signed with the certificate whose SHA-256
    /// is `signing_certificate_sha256`: its passkeys carry the origin
    /// `android:apk-key-hash:<that hash, base64url>` ([`PasskeyBrowser::origin`]).
    pub fn android_app(emulator: &Emulator, signing_certificate_sha256: [u8; 32]) -> Self {
        // A scheme, a colon and base64url characters always parse.
        let origin = android_origin(&signing_certificate_sha256)
            .unwrap_or_else(|_| emulator.auth_origin_url().clone());
        Self::with_sdk(
            &emulator.base_url(),
            emulator.app_id(),
            origin,
            ClientSdk::Android,
        )
    }

    /// A caller on `origin` playing `sdk`, for the app `app_id` of the emulator at `base_url`.
    pub fn with_sdk(base_url: &str, app_id: &str, origin: Url, sdk: ClientSdk) -> Self {
        PasskeyBrowser {
            http: reqwest::Client::new(),
            app_url: format!("{base_url}/v1/apps/{app_id}"),
            origin,
            sdk,
            passkey: SoftwarePasskey::new(),
        }
    }

    /// The origin the caller's passkeys carry: the page's, or the app's.
    pub fn origin(&self) -> &Url {
        &self.origin
    }

    /// The SDK it plays.
    pub fn sdk(&self) -> ClientSdk {
        self.sdk
    }

    /// The authenticator, to take its passkeys elsewhere or inspect them.
    pub fn passkey_mut(&mut self) -> &mut SoftwarePasskey {
        &mut self.passkey
    }

    /// `passkey.register(transactionId)`: creates a passkey for the registration transaction
    /// and returns the nonce for the backend's `verify_nonce`.
    pub async fn register(&mut self, transaction_id: &str) -> Result<String, CeremonyError> {
        let mut handshake = self.start_registration(transaction_id).await?;
        if self.sdk == ClientSdk::Ios {
            ios_user_id(&mut handshake.challenge);
        }
        let response = self
            .passkey
            .create(&self.origin, &handshake.challenge)
            .await
            .map_err(CeremonyError::Authenticator)?;
        self.finish_registration(&handshake.id, transaction_id, response)
            .await
    }

    /// `passkey.authenticate({transactionId})`: logs in with a passkey, for the user of the
    /// transaction or, with `None`, whoever the passkey belongs to; returns the nonce.
    pub async fn authenticate(
        &mut self,
        transaction_id: Option<&str>,
    ) -> Result<String, CeremonyError> {
        let handshake = self.start_authentication(transaction_id).await?;
        let mut response = self
            .passkey
            .get(&self.origin, &handshake.challenge)
            .await
            .map_err(CeremonyError::Authenticator)?;
        if self.sdk == ClientSdk::Ios {
            ios_user_handle(&mut response);
        }
        self.finish_authentication(&handshake.id, transaction_id, response)
            .await
    }

    /// The first step of [`PasskeyBrowser::register`], for tests that change what the
    /// authenticator answers before finishing.
    pub async fn start_registration(
        &self,
        transaction_id: &str,
    ) -> Result<Handshake, CeremonyError> {
        let body = match self.sdk {
            ClientSdk::Browser => {
                json!({ "transaction_id": transaction_id, "authenticator_attachment": "platform" })
            }
            ClientSdk::Ios | ClientSdk::Android => json!({ "transaction_id": transaction_id }),
        };
        let started = self
            .post("/register/transactions/webauthn/start", body)
            .await?;
        Handshake::from_answer(&started)
    }

    /// The last step of [`PasskeyBrowser::register`]: posts the credential (`response`, as
    /// [`SoftwarePasskey::create`] makes it) and returns the nonce.
    pub async fn finish_registration(
        &self,
        handshake_id: &str,
        transaction_id: &str,
        response: Value,
    ) -> Result<String, CeremonyError> {
        let body = json!({
            "handshake_id": handshake_id,
            "transaction_id": transaction_id,
            "handshake_response": response,
        });
        let finished = self
            .post("/register/transactions/webauthn/finish", body)
            .await?;
        nonce(&finished)
    }

    /// The first step of [`PasskeyBrowser::authenticate`].
    pub async fn start_authentication(
        &self,
        transaction_id: Option<&str>,
    ) -> Result<Handshake, CeremonyError> {
        let body = match transaction_id {
            Some(id) => json!({ "transaction_id": id }),
            None => json!({}),
        };
        let started = self
            .post("/authenticate/transactions/webauthn/start", body)
            .await?;
        Handshake::from_answer(&started)
    }

    /// The last step of [`PasskeyBrowser::authenticate`]: posts the assertion (`response`, as
    /// [`SoftwarePasskey::get`] makes it) and returns the nonce.
    pub async fn finish_authentication(
        &self,
        handshake_id: &str,
        transaction_id: Option<&str>,
        response: Value,
    ) -> Result<String, CeremonyError> {
        let mut body = json!({ "handshake_id": handshake_id, "handshake_response": response });
        if let Some(id) = transaction_id {
            body["transaction_id"] = json!(id);
        }
        let finished = self
            .post("/authenticate/transactions/webauthn/finish", body)
            .await?;
        nonce(&finished)
    }

    /// One call of the browser-facing API (`path` after `/v1/apps/{app_id}`): the answer's
    /// JSON on a 2xx, the refusal otherwise.
    pub async fn post(&self, path: &str, body: Value) -> Result<Value, CeremonyError> {
        let mut request = self.http.post(format!("{}{path}", self.app_url));
        if self.sdk == ClientSdk::Browser {
            request = request
                .header("origin", self.origin.as_str().trim_end_matches('/'))
                .header("passage-flex-version", SDK_VERSION);
        }
        let response = request
            .json(&body)
            .send()
            .await
            .map_err(|err| CeremonyError::Transport(err.to_string()))?;
        let status = response.status().as_u16();
        let answer: Value = response
            .json()
            .await
            .map_err(|err| CeremonyError::Transport(err.to_string()))?;
        if (200..300).contains(&status) {
            return Ok(answer);
        }
        let text = |field: &str| answer[field].as_str().unwrap_or_default().to_owned();
        Err(CeremonyError::Refused {
            status,
            code: text("code"),
            message: text("error"),
        })
    }
}

/// A started ceremony, as a start step answers it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Handshake {
    /// The handshake ID the finish step names.
    pub id: String,
    /// `{"publicKey": ...}`: the options for the authenticator.
    pub challenge: Value,
}

impl Handshake {
    fn from_answer(started: &Value) -> Result<Self, CeremonyError> {
        let id = started["handshake"]["id"]
            .as_str()
            .ok_or_else(|| CeremonyError::Transport(format!("no handshake in {started}")))?;
        Ok(Handshake {
            id: id.to_owned(),
            challenge: started["handshake"]["challenge"].clone(),
        })
    }
}

fn nonce(finished: &Value) -> Result<String, CeremonyError> {
    finished["nonce"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| CeremonyError::Transport(format!("no nonce in {finished}")))
}

/// `android:apk-key-hash:<base64url SHA-256>`, the origin of an Android app's passkeys.
fn android_origin(signing_certificate_sha256: &[u8; 32]) -> Result<Url, url::ParseError> {
    Url::parse(&format!(
        "{ANDROID_ORIGIN_PREFIX}{}",
        URL_SAFE_NO_PAD.encode(signing_certificate_sha256)
    ))
}

/// What the iOS SDK hands the platform as the user ID: the UTF-8 bytes of `user.id` as the
/// JSON has it (base64url text), not the bytes it encodes.
fn ios_user_id(challenge: &mut Value) {
    if let Some(id) = challenge["publicKey"]["user"]["id"].as_str() {
        let as_platform_sees_it = URL_SAFE_NO_PAD.encode(id.as_bytes());
        challenge["publicKey"]["user"]["id"] = json!(as_platform_sees_it);
    }
}

/// What the iOS SDK sends as `userHandle`: the platform's user ID bytes as UTF-8 text (null if
/// they are not UTF-8), which is the `user.id` the relying party issued.
fn ios_user_handle(response: &mut Value) {
    let text = response["response"]["userHandle"]
        .as_str()
        .and_then(|handle| URL_SAFE_NO_PAD.decode(handle).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok());
    response["response"]["userHandle"] = json!(text);
}
