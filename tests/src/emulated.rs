//! Fixtures for tests against a running in-process emulator instead of one-off stubs.

use passage_flex::{PassageFlex, PassageFlexBuilder};
use passage_flex_emulator::{Emulator, EmulatorBuilder};

/// An emulator on a free loopback port, and a facade client configured for it.
pub struct Emulated {
    /// The running emulator.
    pub emulator: Emulator,
    /// A client of it, with default settings.
    pub passage: PassageFlex,
}

impl Emulated {
    /// The default emulator.
    pub async fn start() -> Self {
        Self::start_with(Emulator::builder()).await
    }

    /// An emulator with custom settings (lifetimes, credentials).
    pub async fn start_with(builder: EmulatorBuilder) -> Self {
        let emulator = builder.start().await.expect("the emulator starts");
        let passage = PassageFlex::builder(emulator.app_id(), emulator.api_key())
            .base_url(emulator.base_url())
            .build()
            .expect("a loopback origin is accepted");
        Self { emulator, passage }
    }

    /// Another client of the same emulator, with its own settings (and its own cache).
    pub fn client_with(
        &self,
        configure: impl FnOnce(PassageFlexBuilder) -> PassageFlexBuilder,
    ) -> PassageFlex {
        let builder = PassageFlex::builder(self.emulator.app_id(), self.emulator.api_key())
            .base_url(self.emulator.base_url());
        configure(builder)
            .build()
            .expect("a loopback origin is accepted")
    }

    /// How many management API requests `work` made.
    pub async fn requests_made_by<T>(
        &self,
        work: impl std::future::Future<Output = T>,
    ) -> (T, u64) {
        let before = self.emulator.api_requests();
        let outcome = work.await;
        (outcome, self.emulator.api_requests() - before)
    }

    /// `{base_url}/v1/apps/{app_id}{rest}`, for raw HTTP calls.
    pub fn api_url(&self, rest: &str) -> String {
        format!(
            "{}/v1/apps/{}{rest}",
            self.emulator.base_url(),
            self.emulator.app_id()
        )
    }

    /// Registers a passkey for `external_id` the way an app does (transaction, ceremony,
    /// verify_nonce) and returns the new device's ID.
    pub async fn register_passkey(&self, external_id: &str, display_name: &str) -> String {
        let transaction = self
            .passage
            .create_register_transaction(external_id, display_name)
            .await
            .expect("register transaction");
        let completion = self
            .emulator
            .complete_transaction(&transaction)
            .expect("registration ceremony");
        let verified = self
            .passage
            .verify_nonce(&completion.nonce)
            .await
            .expect("registration nonce verifies");
        assert_eq!(verified, external_id);
        completion.device_id
    }

    /// Logs `external_id` in with a passkey (transaction, ceremony) and returns the nonce,
    /// not yet verified.
    pub async fn login_nonce(&self, external_id: &str) -> String {
        let transaction = self
            .passage
            .create_authenticate_transaction(external_id)
            .await
            .expect("authenticate transaction");
        self.emulator
            .complete_transaction(&transaction)
            .expect("login ceremony")
            .nonce
    }
}
