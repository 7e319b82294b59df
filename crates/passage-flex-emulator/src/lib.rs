//! A local stand-in for the Passage Passkey Flex management API, in the spirit of stripe-mock or
//! the Firebase emulators.
//!
//! It serves the paths, JSON shapes, status codes and error bodies of the real API
//! (`openapi/passage-flex.yaml` in this workspace) under `/v1`, for one configured app, so that a
//! backend can be developed and tested with no Passage account and no network. State lives in
//! memory and is gone when the emulator stops, unless it is given a state file
//! ([`EmulatorBuilder::state_file`], `--state-file`): then users and passkeys are saved after
//! every change, atomically, and loaded at the next start.
//!
//! What behaves as the real service does:
//!
//! - a wrong or missing bearer key is 401 `invalid_access_token`, except that `getApp` also
//!   answers without any key (its security is "bearer or none"; a wrong key is still 401);
//!   another app ID is 404 `app_not_found`; a malformed body or a missing or empty required
//!   field is 400 `invalid_request` naming the field;
//! - a registration transaction for a new external ID creates the user (status `pending` until
//!   its first passkey); an authentication transaction is 404 `user_not_found` for an unknown
//!   user, 409 `user_has_no_passkeys` for a user with no passkey and 403 `operation_not_allowed`
//!   for a deactivated one;
//! - nonces are single-use and expire; an unknown, spent or expired one is 400 `invalid_nonce`
//!   ("Could not verify nonce: nonce is invalid, expired, or cannot be found"), as Passage
//!   answers; transactions end with their ceremony and expire;
//! - users list with pagination (15 a page, newest first, unless `limit` (at most 500) and
//!   `order_by` say otherwise), filters with the operators `ne:`, `gt:`, `lt:`, `like:`
//!   (case-insensitive substring) and `not_like:`, a multi-field `order_by`, and `_links` that
//!   carry the whole query; users can be updated, deleted, activated and deactivated; passkeys
//!   can be revoked;
//! - the management API answers only with Passage's error codes (the spec's `ErrorCode`), even
//!   for a path or method it lacks (404 or 405 `invalid_request`). The emulator's own codes
//!   (`transaction_not_found`, `handshake_not_found`, `credential_not_allowed` and the WebAuthn
//!   checks such as `origin_not_allowed` or `challenge_mismatch`) come only from the
//!   browser-facing endpoints and the control endpoint below.
//!
//! It is also a real WebAuthn relying party. The four endpoints Passage's browser SDK calls,
//! `/v1/apps/{app_id}/register/transactions/webauthn/start|finish` and
//! `/v1/apps/{app_id}/authenticate/transactions/webauthn/start|finish`, take no API key (the
//! transaction and the handshake are the capability), answer CORS only for the app's auth origin
//! and additional origins, and verify every response with `webauthn-rs`: challenge, origin, type,
//! RP ID hash (the auth origin's host), user presence and verification, signature, attestation
//! `none`, a sign count that never goes back. A passkey made in a browser by Passage's own SDK
//! registers and logs in against it; so does the software passkey of [`browser::PasskeyBrowser`]
//! (feature `passkey-browser`), which tests and examples use. Handshakes are single-use and
//! expire; a refused step names the check that failed and changes nothing.
//!
//! Native apps call the same four endpoints. An Android app's passkeys carry the origin
//! `android:apk-key-hash:<hash>`, accepted when given exactly with
//! [`EmulatorBuilder::android_origin`]; an iOS app's carry `https://<rp id>`, its associated
//! domain, accepted when the RP ID is set with [`EmulatorBuilder::rp_id`] (which may be a parent
//! domain of the auth origin's host, as `example.com` is of `www.example.com`).
//!
//! For odd states, the emulator also has one endpoint of its own, outside `/v1` and **not part
//! of Passage's API**, that completes a transaction as a passkey would and returns the nonce:
//! `POST /emulator/apps/{app_id}/transactions/{transaction_id}/complete` (or
//! [`Emulator::complete_transaction`] in-process).
//!
//! And a console, `GET /emulator/` ([`Emulator::console_url`]): one server-rendered page, no
//! script, showing the app's settings, the users with their passkeys, the open transactions and
//! the latest `/v1` requests (method, path, status, duration; never the API key or a nonce),
//! with buttons to delete a user or revoke a passkey.
//!
//! In a test:
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use passage_flex_emulator::Emulator;
//!
//! let emulator = Emulator::start().await?; // a free port on 127.0.0.1
//! let base_url = emulator.base_url(); // give this, app_id() and api_key() to the client
//! # let transaction_id = String::new();
//! // ... the code under test creates a transaction; then play the browser's part:
//! let nonce = emulator.complete_transaction(&transaction_id)?.nonce;
//! // ... the code under test verifies the nonce.
//! emulator.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! As a program: `cargo install --path crates/passage-flex-emulator`, then
//! `passage-flex-emulator --state-file .passage-emulator.json` (see `--help` and the crate's
//! README).

// Library code never panics, on any input or answer (tests may).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]
// The docs link `browser::PasskeyBrowser`, which exists with the `passkey-browser` feature only.
#![cfg_attr(
    not(feature = "passkey-browser"),
    allow(rustdoc::broken_intra_doc_links)
)]

// A request flows one way: `server` (the listener) -> `router` (the route table) -> `request`
// (middleware, gates, readers) -> `handlers` -> `store` (the state and its rules) -> `render`
// (JSON bodies, the console's page); refusals are `api_error`'s. `shared` is what every handler
// reads; `users_query`, the parsed `GET /users` query, is read by the handler, the store and the
// renderer alike. ARCHITECTURE.md draws the whole tree.
mod api_error;
#[cfg(feature = "passkey-browser")]
pub mod browser;
mod config;
mod handlers;
mod recent_requests;
mod relying_party;
mod render;
mod request;
mod router;
mod server;
mod shared;
mod store;
mod users_query;

pub use api_error::Failure;
pub use config::{
    DEFAULT_API_KEY, DEFAULT_APP_ID, DEFAULT_APP_NAME, DEFAULT_AUTH_ORIGIN, DEFAULT_NONCE_TTL,
    DEFAULT_PORT, DEFAULT_TRANSACTION_TTL,
};
pub use server::{Emulator, EmulatorBuilder};
pub use store::Completion;
