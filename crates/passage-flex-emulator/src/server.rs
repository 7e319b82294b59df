//! Starting, using and stopping an emulator: in-process for tests, or from the binary.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::api_error::Failure;
use crate::config::Settings;
use crate::recent_requests::RecentRequests;
use crate::router::router;
use crate::shared::Shared;
use crate::store::{Completion, Lifetimes, Store};

/// Settings for an [`Emulator`], from [`Emulator::builder`].
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct EmulatorBuilder {
    settings: Settings,
}

impl EmulatorBuilder {
    /// The app ID the emulator serves (default [`DEFAULT_APP_ID`](crate::DEFAULT_APP_ID)).
    pub fn app_id(mut self, app_id: impl Into<String>) -> Self {
        self.settings.app.app_id = app_id.into();
        self
    }

    /// The API key it accepts as the bearer token (default
    /// [`DEFAULT_API_KEY`](crate::DEFAULT_API_KEY)).
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.settings.app.api_key = api_key.into();
        self
    }

    /// The app's name (default [`DEFAULT_APP_NAME`](crate::DEFAULT_APP_NAME)).
    pub fn app_name(mut self, name: impl Into<String>) -> Self {
        self.settings.app.name = name.into();
        self
    }

    /// The origin the browser ceremonies run on (default
    /// [`DEFAULT_AUTH_ORIGIN`](crate::DEFAULT_AUTH_ORIGIN)).
    pub fn auth_origin(mut self, origin: impl Into<String>) -> Self {
        self.settings.app.auth_origin = origin.into();
        self
    }

    /// The address to listen on (default `127.0.0.1:0`, a free port on loopback).
    pub fn address(mut self, address: SocketAddr) -> Self {
        self.settings.address = address;
        self
    }

    /// How long a transaction waits for its ceremony (default
    /// [`DEFAULT_TRANSACTION_TTL`](crate::DEFAULT_TRANSACTION_TTL)).
    pub fn transaction_ttl(mut self, ttl: Duration) -> Self {
        self.settings.transaction_ttl = ttl;
        self
    }

    /// How long a nonce waits for `verify_nonce` (default
    /// [`DEFAULT_NONCE_TTL`](crate::DEFAULT_NONCE_TTL)).
    pub fn nonce_ttl(mut self, ttl: Duration) -> Self {
        self.settings.nonce_ttl = ttl;
        self
    }

    /// Another origin the browser ceremonies may run on (CORS allows it too); repeatable.
    pub fn additional_auth_origin(mut self, origin: impl Into<String>) -> Self {
        self.settings
            .app
            .additional_auth_origins
            .push(origin.into());
        self
    }

    /// How long a started WebAuthn ceremony (a handshake) may wait for its finish (default
    /// [`DEFAULT_TRANSACTION_TTL`](crate::DEFAULT_TRANSACTION_TTL)).
    pub fn handshake_ttl(mut self, ttl: Duration) -> Self {
        self.settings.handshake_ttl = ttl;
        self
    }

    /// A delay added before every answer of the management API (default none), to see a
    /// client behave as if Passage were far away. The control endpoints are not delayed.
    pub fn latency(mut self, latency: Duration) -> Self {
        self.settings.latency = latency;
        self
    }

    /// The WebAuthn RP ID, when it is not the auth origin's host (the default): the associated
    /// domain of an iOS app, such as `example.com` for an auth origin `https://www.example.com`.
    /// It must be the auth origin's host or a domain above it, as browsers require.
    ///
    /// With it set, ceremonies may also run on `https://<rp id>`, the origin an iOS app's
    /// passkeys carry.
    pub fn rp_id(mut self, rp_id: impl Into<String>) -> Self {
        self.settings.app.rp_id = Some(rp_id.into());
        self
    }

    /// The origin of an Android app, `android:apk-key-hash:<hash>`, the hash being the unpadded
    /// base64url SHA-256 of the app's signing certificate; ceremonies carrying exactly this
    /// origin are accepted. Repeatable. Native apps make no CORS requests, so this does not
    /// change CORS.
    pub fn android_origin(mut self, origin: impl Into<String>) -> Self {
        self.settings.app.android_origins.push(origin.into());
        self
    }

    /// Keeps users and passkeys in the JSON file at `path` across restarts (default: in memory
    /// only). The file is read at start (a missing one is created) and rewritten atomically
    /// after every change, before the change is answered; a kill at any moment leaves the last
    /// saved state. Open transactions, handshakes and nonces are not saved.
    ///
    /// While the emulator runs it holds a lock on `<path>.lock`, so two emulators cannot share
    /// one file.
    pub fn state_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.settings.state_file = Some(path.into());
        self
    }

    /// Binds the address and starts serving on the current Tokio runtime.
    ///
    /// Fails with [`std::io::ErrorKind::InvalidInput`] on an empty app ID or API key, an auth
    /// origin that is not an `http(s)` URL, an Android origin that is not one, an RP ID the auth
    /// origin cannot use, a zero lifetime, or a state file that cannot be used (damaged, written
    /// by a newer emulator, holding another app, locked by another emulator, unwritable; it is
    /// then left as it was); otherwise only if the address cannot be bound.
    pub async fn start(self) -> std::io::Result<Emulator> {
        let mut settings = self.settings;
        settings
            .validate()
            .map_err(|reason| std::io::Error::new(std::io::ErrorKind::InvalidInput, reason))?;
        let invalid = |reason| std::io::Error::new(std::io::ErrorKind::InvalidInput, reason);
        let relying_party = crate::relying_party::relying_party(&settings.app).map_err(invalid)?;
        let auth_origin = url::Url::parse(&settings.app.auth_origin)
            .map_err(|err| invalid(format!("the auth origin is not a URL: {err}")))?;
        let lifetimes = Lifetimes {
            transaction: settings.transaction_ttl,
            nonce: settings.nonce_ttl,
            handshake: settings.handshake_ttl,
        };
        let store = match &settings.state_file {
            None => Store::in_memory(lifetimes),
            Some(path) => {
                let (store, app_created_at) = Store::with_state_file(
                    lifetimes,
                    path,
                    &settings.app.app_id,
                    settings.app.created_at,
                )
                .map_err(invalid)?;
                settings.app.created_at = app_created_at;
                store
            }
        };
        let listener = TcpListener::bind(settings.address).await?;
        let address = listener.local_addr()?;
        let shared = Arc::new(Shared {
            app: settings.app,
            store,
            api_requests: AtomicU64::new(0),
            recent_requests: RecentRequests::default(),
            latency: settings.latency,
            relying_party,
        });
        let (stop, stopped) = oneshot::channel::<()>();
        let app = router(Arc::clone(&shared));
        let task = tokio::spawn(async move {
            let shutdown = async {
                // A dropped sender stops the server too.
                let _ = stopped.await;
            };
            axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await
        });
        Ok(Emulator {
            shared,
            auth_origin,
            address,
            stop: Some(stop),
            task: Some(task),
        })
    }
}

/// A running emulator: the Passage management API of one app, in memory, on loopback.
///
/// Dropping it stops the server; [`Emulator::shutdown`] also waits until it has stopped.
///
/// ```no_run
/// # async fn demo() -> std::io::Result<()> {
/// use passage_flex_emulator::Emulator;
///
/// let emulator = Emulator::start().await?;
/// // Point a client at emulator.base_url() with emulator.app_id() and emulator.api_key().
/// println!("{} serves {}", emulator.base_url(), emulator.app_id());
/// emulator.shutdown().await;
/// # Ok(())
/// # }
/// ```
pub struct Emulator {
    shared: Arc<Shared>,
    auth_origin: url::Url,
    address: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl Emulator {
    /// Settings for an emulator; [`EmulatorBuilder::start`] starts it.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// Starts an emulator with the default app and credentials on a free loopback port.
    pub async fn start() -> std::io::Result<Emulator> {
        Self::builder().start().await
    }

    /// The origin to give a client, such as `http://127.0.0.1:40123` (no trailing slash; the API
    /// lives under `/v1`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The address the emulator listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.address
    }

    /// The emulated app's ID.
    pub fn app_id(&self) -> &str {
        &self.shared.app.app_id
    }

    /// The API key the emulator accepts.
    pub fn api_key(&self) -> &str {
        &self.shared.app.api_key
    }

    /// The origin browser ceremonies run on.
    pub fn auth_origin(&self) -> &str {
        &self.shared.app.auth_origin
    }

    /// [`Emulator::auth_origin`], parsed.
    pub fn auth_origin_url(&self) -> &url::Url {
        &self.auth_origin
    }

    /// The WebAuthn RP ID passkeys are made for: the one set with [`EmulatorBuilder::rp_id`],
    /// else the auth origin's host.
    pub fn rp_id(&self) -> String {
        self.shared.app.effective_rp_id().unwrap_or_default()
    }

    /// The state file, if the emulator keeps one ([`EmulatorBuilder::state_file`]).
    pub fn state_file(&self) -> Option<&Path> {
        self.shared.store.state_file()
    }

    /// The console's address, `{base_url}/emulator/`: a page showing the app's settings, users
    /// and passkeys, open transactions and recent API requests.
    pub fn console_url(&self) -> String {
        format!("{}/emulator/", self.base_url())
    }

    /// How many requests the management API (`/v1`) has received, answered or not; the same as
    /// `GET /emulator/requests`. Tests use it to count a client's round trips.
    pub fn api_requests(&self) -> u64 {
        self.shared.api_requests.load(Ordering::Relaxed)
    }

    /// Completes a transaction as a successful passkey ceremony in the browser would, and returns
    /// the nonce for `verify_nonce`. A registration adds a passkey device to the user; an
    /// authentication uses the user's first passkey and counts a login.
    ///
    /// The same as `POST /emulator/apps/{app_id}/transactions/{transaction_id}/complete`.
    /// Fails with 404 `transaction_not_found` if the transaction is unknown, expired or already
    /// completed, 403 `operation_not_allowed` for a deactivated user, and 409
    /// `user_has_no_passkeys` for an authentication whose user has no passkey left.
    pub fn complete_transaction(&self, transaction_id: &str) -> Result<Completion, Failure> {
        self.shared.store.complete_transaction(transaction_id, None)
    }

    /// Like [`Emulator::complete_transaction`] for an authentication, with the passkey device
    /// `device_id` (404 `device_not_found` if the user has no such device).
    pub fn complete_authentication_with(
        &self,
        transaction_id: &str,
        device_id: &str,
    ) -> Result<Completion, Failure> {
        self.shared
            .store
            .complete_transaction(transaction_id, Some(device_id))
    }

    /// Stops accepting connections, lets requests in flight finish, and waits for the server.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("address", &self.address)
            .field("app", &self.shared.app)
            .finish_non_exhaustive()
    }
}
