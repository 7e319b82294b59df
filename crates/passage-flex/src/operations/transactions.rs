use crate::retry::Repeat;
use crate::state::Core;
use crate::telemetry::{Operation, traced};
use crate::{Error, PassageFlex, guard};
use passage_flex_openapi::apis::{authenticate_api, transactions_api};
use passage_flex_openapi::models;

impl PassageFlex {
    /// Starts adding a passkey for the user `external_id` (created in Passage if new) and
    /// returns the transaction ID to hand to the browser SDK's `passkey.register`.
    ///
    /// `passkey_display_name` is what the user sees for this account in their passkey manager,
    /// typically their email or username.
    pub async fn create_register_transaction(
        &self,
        external_id: impl AsRef<str>,
        passkey_display_name: impl AsRef<str>,
    ) -> Result<String, Error> {
        self.core
            .create_register_transaction(external_id.as_ref(), passkey_display_name.as_ref())
            .await
    }

    /// Starts a passkey login for the existing user `external_id` and returns the transaction ID
    /// to hand to the browser SDK's `passkey.authenticate`.
    ///
    /// Fails with [`Error::UserNotFound`] for an unknown user and [`Error::UserHasNoPasskeys`]
    /// for a user who has not registered a passkey yet.
    pub async fn create_authenticate_transaction(
        &self,
        external_id: impl AsRef<str>,
    ) -> Result<String, Error> {
        self.core
            .create_authenticate_transaction(external_id.as_ref())
            .await
    }

    /// Verifies the nonce a finished browser ceremony produced and returns the external ID of
    /// the user who just proved possession of a passkey. Start your own session for that user.
    ///
    /// A nonce is single-use: verifying it again fails with [`Error::InvalidNonce`]. For the
    /// same reason this request is never retried (see [`crate::RetryConfig`]).
    pub async fn verify_nonce(&self, nonce: impl AsRef<str>) -> Result<String, Error> {
        self.core.verify_nonce(nonce.as_ref()).await
    }
}

impl Core {
    pub(crate) fn create_register_transaction<'a>(
        &'a self,
        external_id: &'a str,
        display_name: &'a str,
    ) -> Operation<'a, String> {
        let operation = "create_register_transaction";
        let call = async move {
            guard::non_empty("external_id", external_id)?;
            guard::non_empty("passkey_display_name", display_name)?;
            let ready = self.ready()?;
            let response = ready
                .send(operation, Repeat::Never, || {
                    let request = models::CreateTransactionRegisterRequest::new(
                        external_id.to_string(),
                        display_name.to_string(),
                    );
                    let params = transactions_api::CreateRegisterTransactionParams {
                        app_id: ready.app_id.clone(),
                        create_transaction_register_request: request,
                    };
                    transactions_api::create_register_transaction(&ready.configuration, params)
                })
                .await?;
            Ok(response.transaction_id)
        };
        traced(operation, call)
    }

    pub(crate) fn create_authenticate_transaction<'a>(
        &'a self,
        external_id: &'a str,
    ) -> Operation<'a, String> {
        let operation = "create_authenticate_transaction";
        let call = async move {
            guard::non_empty("external_id", external_id)?;
            let ready = self.ready()?;
            let response = ready
                .send(operation, Repeat::Never, || {
                    let request =
                        models::CreateTransactionAuthenticateRequest::new(external_id.to_string());
                    let params = transactions_api::CreateAuthenticateTransactionParams {
                        app_id: ready.app_id.clone(),
                        create_transaction_authenticate_request: request,
                    };
                    transactions_api::create_authenticate_transaction(&ready.configuration, params)
                })
                .await?;
            Ok(response.transaction_id)
        };
        traced(operation, call)
    }

    pub(crate) fn verify_nonce<'a>(&'a self, nonce: &'a str) -> Operation<'a, String> {
        let operation = "verify_nonce";
        let call = async move {
            guard::non_empty("nonce", nonce)?;
            let ready = self.ready()?;
            // Never repeated: a nonce is single-use.
            let response = ready
                .send(operation, Repeat::Never, || {
                    let request = models::AuthenticateVerifyNonceRequest::new(nonce.to_string());
                    let params = authenticate_api::AuthenticateVerifyNonceParams {
                        app_id: ready.app_id.clone(),
                        authenticate_verify_nonce_request: request,
                    };
                    authenticate_api::authenticate_verify_nonce(&ready.configuration, params)
                })
                .await?;
            Ok(response.external_id)
        };
        traced(operation, call)
    }
}
