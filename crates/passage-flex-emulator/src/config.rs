//! The emulated app and the emulator's settings, with their defaults.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use chrono::{DateTime, Utc};

/// The app ID the emulator serves unless told otherwise.
pub const DEFAULT_APP_ID: &str = "emulator_app";
/// The API key the emulator accepts unless told otherwise. Not a secret: the emulator holds no
/// real data and listens on loopback.
pub const DEFAULT_API_KEY: &str = "emulator_api_key";
/// The app's name unless told otherwise.
pub const DEFAULT_APP_NAME: &str = "Passage Flex Emulator";
/// The origin browser ceremonies run on unless told otherwise.
pub const DEFAULT_AUTH_ORIGIN: &str = "http://localhost:3000";
/// How long a transaction may wait for its ceremony.
pub const DEFAULT_TRANSACTION_TTL: Duration = Duration::from_secs(300);
/// How long a nonce may wait for `verify_nonce`.
pub const DEFAULT_NONCE_TTL: Duration = Duration::from_secs(60);
/// The port of the `passage-flex-emulator` binary; in-process emulators take a free port.
pub const DEFAULT_PORT: u16 = 8787;

/// The one app an emulator serves.
#[derive(Clone)]
pub(crate) struct AppConfig {
    pub app_id: String,
    pub api_key: String,
    pub name: String,
    pub auth_origin: String,
    /// Further origins the browser ceremonies may run on (and CORS allows).
    pub additional_auth_origins: Vec<String>,
    /// The WebAuthn RP ID when it is not the auth origin's host: an iOS app's associated
    /// domain, whose origin `https://<rp id>` ceremonies may then also run on.
    pub rp_id: Option<String>,
    /// `android:apk-key-hash:...` origins of Android apps, matched exactly.
    pub android_origins: Vec<String>,
    pub created_at: DateTime<Utc>,
}

impl std::fmt::Debug for AppConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppConfig")
            .field("app_id", &self.app_id)
            .field("api_key", &"<redacted>")
            .field("name", &self.name)
            .field("auth_origin", &self.auth_origin)
            .field("additional_auth_origins", &self.additional_auth_origins)
            .field("rp_id", &self.rp_id)
            .field("android_origins", &self.android_origins)
            .finish()
    }
}

/// The prefix of the WebAuthn origin an Android app's passkeys carry.
pub(crate) const ANDROID_ORIGIN_PREFIX: &str = "android:apk-key-hash:";

impl AppConfig {
    /// The web origins: the auth origin, then the additional ones (CORS allows exactly these).
    pub(crate) fn origins(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.auth_origin.as_str())
            .chain(self.additional_auth_origins.iter().map(String::as_str))
    }

    /// The RP ID passkeys are made for: the one set, or the auth origin's host.
    pub(crate) fn effective_rp_id(&self) -> Option<String> {
        self.rp_id.clone().or_else(|| {
            url::Url::parse(&self.auth_origin)
                .ok()
                .and_then(|url| url.host_str().map(str::to_owned))
        })
    }

    /// The origin an iOS app's ceremonies carry, `https://<rp id>`, when the RP ID was set.
    pub(crate) fn ios_origin(&self) -> Option<String> {
        self.rp_id.as_ref().map(|rp_id| format!("https://{rp_id}"))
    }
}

/// Everything [`EmulatorBuilder::start`](crate::EmulatorBuilder::start) needs.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub app: AppConfig,
    pub address: SocketAddr,
    pub transaction_ttl: Duration,
    pub nonce_ttl: Duration,
    pub handshake_ttl: Duration,
    pub latency: Duration,
    /// Where users and passkeys are kept across restarts; `None` keeps them in memory only.
    pub state_file: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            app: AppConfig {
                app_id: DEFAULT_APP_ID.to_owned(),
                api_key: DEFAULT_API_KEY.to_owned(),
                name: DEFAULT_APP_NAME.to_owned(),
                auth_origin: DEFAULT_AUTH_ORIGIN.to_owned(),
                additional_auth_origins: Vec::new(),
                rp_id: None,
                android_origins: Vec::new(),
                created_at: Utc::now(),
            },
            address: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            transaction_ttl: DEFAULT_TRANSACTION_TTL,
            nonce_ttl: DEFAULT_NONCE_TTL,
            handshake_ttl: DEFAULT_TRANSACTION_TTL,
            latency: Duration::ZERO,
            state_file: None,
        }
    }
}

impl Settings {
    /// Refuses settings the emulator could not serve sensibly, before anything binds.
    pub(crate) fn validate(&self) -> Result<(), String> {
        for (name, value) in [("app ID", &self.app.app_id), ("API key", &self.app.api_key)] {
            if value.trim().is_empty() {
                return Err(format!("the {name} must not be empty"));
            }
        }
        for origin in self.app.origins() {
            let url = url::Url::parse(origin)
                .map_err(|err| format!("the auth origin {origin:?} is not a URL: {err}"))?;
            if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
                return Err(format!(
                    "the auth origin {origin:?} must be an http(s) origin such as {DEFAULT_AUTH_ORIGIN}"
                ));
            }
        }
        for origin in &self.app.android_origins {
            validate_android_origin(origin)?;
        }
        if let Some(rp_id) = &self.app.rp_id {
            validate_rp_id(rp_id, &self.app.auth_origin)?;
        }
        if let Some(path) = &self.state_file
            && (path.file_name().is_none()
                || path
                    .as_os_str()
                    .to_string_lossy()
                    .ends_with(std::path::is_separator)
                || path.is_dir())
        {
            return Err(format!(
                "the state file {} must name a file, not a directory",
                path.display()
            ));
        }
        if self.transaction_ttl.is_zero()
            || self.nonce_ttl.is_zero()
            || self.handshake_ttl.is_zero()
        {
            return Err(
                "transaction, nonce and handshake lifetimes must be longer than zero".to_owned(),
            );
        }
        Ok(())
    }
}

/// An Android app's origin: the prefix, then the base64url (unpadded) SHA-256 of the app's
/// signing certificate, exactly as Android's Credential Manager writes it.
fn validate_android_origin(origin: &str) -> Result<(), String> {
    let hash = origin.strip_prefix(ANDROID_ORIGIN_PREFIX).ok_or_else(|| {
        format!("the Android origin {origin:?} must start with {ANDROID_ORIGIN_PREFIX:?}")
    })?;
    match URL_SAFE_NO_PAD.decode(hash) {
        Ok(digest) if digest.len() == 32 => Ok(()),
        _ => Err(format!(
            "the Android origin {origin:?} must end in the unpadded base64url SHA-256 of the \
             app's signing certificate (43 characters)"
        )),
    }
}

/// The RP ID must be the auth origin's host or a domain above it, as browsers (and
/// webauthn-rs) require: a page may only use an RP ID its own host belongs to.
fn validate_rp_id(rp_id: &str, auth_origin: &str) -> Result<(), String> {
    let host = url::Url::parse(auth_origin)
        .ok()
        .and_then(|url| url.domain().map(str::to_owned))
        .unwrap_or_default();
    let valid = !rp_id.is_empty()
        && !rp_id.starts_with('.')
        && (host == rp_id || host.ends_with(&format!(".{rp_id}")));
    if valid {
        Ok(())
    } else {
        Err(format!(
            "the RP ID {rp_id:?} must be the auth origin's host or a domain it is under \
             (the auth origin is {auth_origin:?})"
        ))
    }
}
