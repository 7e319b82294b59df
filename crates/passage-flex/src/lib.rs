//! Passage Passkey Flex (by 1Password) for Rust backends: add passkeys to your own login.
//!
//! Your backend keeps its users and identifies each by its own immutable *external ID*.
//! Passage runs the passkey (WebAuthn) ceremonies:
//!
//! 1. the backend creates a registration or authentication *transaction* for an external ID;
//! 2. the browser runs the ceremony with Passage's browser SDK and gets a *nonce*;
//! 3. the backend *verifies the nonce* and learns which external ID proved a passkey.
//!
//! The backend can also read users and their passkeys, and revoke passkeys.
//!
//! ```no_run
//! use passage_flex::{Error, PassageFlex};
//!
//! # async fn run(nonce_from_browser: String) -> Result<(), Error> {
//! let passage = PassageFlex::new(
//!     std::env::var("PASSAGE_APP_ID").unwrap_or_default(),
//!     std::env::var("PASSAGE_API_KEY").unwrap_or_default(),
//! );
//!
//! let app = passage.get_app().await?;
//! println!("app {} runs ceremonies on {}", app.name, app.auth_origin);
//!
//! // Sign-up or "add a passkey": hand the transaction ID to the browser SDK.
//! let register_tx = passage
//!     .create_register_transaction("user-42", "ada@example.com")
//!     .await?;
//! // Log-in: likewise.
//! let login_tx = passage.create_authenticate_transaction("user-42").await?;
//!
//! // The browser posts back the nonce it got; verify it to learn who logged in.
//! match passage.verify_nonce(nonce_from_browser).await {
//!     Ok(external_id) => println!("{external_id} logged in; start a session"),
//!     Err(Error::InvalidNonce(err)) => println!("refused: {err}"),
//!     Err(err) => return Err(err),
//! }
//!
//! // Admin pages: the user, their passkeys, revoking those unused for a year.
//! let user = passage.get_user("user-42").await?;
//! println!("{} has logged in {} times", user.external_id, user.login_count);
//! let one_year_ago = chrono::Utc::now() - chrono::Duration::days(365);
//! for device in passage.get_devices("user-42").await? {
//!     if device.last_login_at < one_year_ago {
//!         passage.revoke_device("user-42", &device.id).await?;
//!     }
//! }
//! # let _ = (register_tx, login_tx);
//! # Ok(()) }
//! ```
//!
//! Coming from Passage's deprecated `passage_flex` crate? Its 1.0 calls
//! (`passage_flex.auth.verify_nonce(nonce)`, `passage_flex.user.get(external_id)`) still
//! compile: the public fields [`PassageFlex::auth`] and [`PassageFlex::user`] run the methods
//! above. `MIGRATION.md` lists what else changed.
//!
//! Every method is `async`, needs a tokio runtime, and returns [`Error`]: typed variants for the
//! API's error codes ([`Error::InvalidNonce`], [`Error::UserNotFound`]...), transport failures
//! and undecodable responses, with [`Error::status`] and [`Error::code`] on all API errors.
//!
//! # Resilience
//!
//! The client remembers each external ID's Passage user ID ([`CacheConfig`]), so a warm
//! external-ID call is one request; repeats idempotent requests after transient failures, never
//! `verify_nonce` or the transaction creates ([`RetryConfig`]); bounds every call with timeouts
//! and a response size cap ([`PassageFlexBuilder`]); and runs each operation in a `tracing` span
//! that never holds the API key or a nonce.
//!
//! # Features
//!
//! One TLS backend for the SDK's own client; each offers HTTP/2 by ALPN (concurrent calls then
//! share one connection) and falls back to HTTP/1.1 when the server does not take it:
//!
//! - `rustls` (default): rustls on the *ring* crypto provider, with the platform's verifier and
//!   trust store. No C compiler toolchain beyond ring's own small build.
//! - `rustls-aws-lc`: rustls on aws-lc-rs instead (FIPS builds, faster bulk crypto); its C
//!   library adds about half a minute to a clean build. Use with `default-features = false`.
//! - `native-tls`: the platform's TLS (OpenSSL on Linux). Use with `default-features = false`.
//!
//! With several on, `native-tls` wins over `rustls-aws-lc`, which wins over `rustls`. A crypto
//! provider the application installed as rustls' process default
//! (`CryptoProvider::install_default`) is used instead of the feature's.
//!
//! The SDK's client carries its own provider. With `rustls` the SDK turns on reqwest's
//! `rustls-no-provider`, so a `reqwest::Client` that *your* code builds needs a provider of its
//! own: turn on reqwest's `rustls` feature, or install one at start-up
//! (`rustls::crypto::ring::default_provider().install_default()`); otherwise reqwest panics
//! when that client is built. The same holds for the low-level crate's
//! `Configuration::default()`: use [`PassageFlex::openapi_configuration`] instead.
//!
//! # The low-level API
//!
//! [`openapi`] re-exports the generated `passage-flex-openapi` crate, one async function per
//! endpoint; [`PassageFlex::openapi_configuration`] hands out its ready configuration.

// Library code never panics, on any input or answer (tests may).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]
mod builder;
mod cache;
mod client;
mod error;
mod error_map;
mod filter_operator;
mod guard;
mod http_client;
mod lookup;
mod namespaces;
mod operations;
mod retry;
mod send;
mod state;
mod telemetry;
mod timeouts;
mod types;
mod user_id_cache;

pub use builder::{
    DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
    PassageFlexBuilder,
};
pub use cache::{CacheConfig, DEFAULT_CACHE_ENTRIES, DEFAULT_CACHE_TTL};
pub use client::PassageFlex;
pub use error::{ApiError, Error, ErrorCode, SNIPPET_LIMIT, Transport};
pub use namespaces::{Auth, User};
pub use retry::{DEFAULT_MAX_ATTEMPTS, RetryConfig};
pub use types::{
    AppInfo, AppSecret, AppType, Compare, DeviceIcons, ListUsersOptions, PassageUser,
    PasskeyDevice, SortDirection, TextMatch, UserField, UserStatus, UserSummary, WebAuthnType,
};

/// The parts of an [`AppInfo`]: login methods, user metadata fields and hosted-UI settings.
/// They are the low-level crate's types; their enums are open (`Unknown(String)`).
pub mod app {
    pub use crate::types::{
        AuthMethods, ElementCustomization, FontFamily, LayoutConfig, Layouts, PasskeysAuthMethod,
        Technologies, ThemeType, TtlAuthMethod, TtlDisplayUnit, UserMetadataField,
        UserMetadataFieldType,
    };
}

/// The chrono version the timestamps use.
pub use chrono;

/// The generated low-level crate, `passage-flex-openapi`, for calling endpoints directly.
pub use passage_flex_openapi as openapi;

/// The crate README's example (the crates.io page), compiled as a doctest so it cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct CrateReadmeExamples;

/// The repository README's examples, likewise.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeExamples;

/// The migration guide's examples, likewise.
#[cfg(doctest)]
#[doc = include_str!("../../../MIGRATION.md")]
struct MigrationExamples;
