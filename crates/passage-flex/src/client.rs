//! [`PassageFlex`]: the client.

use crate::error::Error;
use crate::namespaces::{Auth, User};
use crate::state::Core;
use passage_flex_openapi::apis::configuration::Configuration;
use std::fmt;

/// The Passage Passkey Flex client.
///
/// Cheap to clone: clones share one connection pool and one external-ID cache. `Send + Sync`,
/// so keep one in your application state. Its `Debug` output never shows the API key.
///
/// Every operation runs in a `tracing` span named `passage_flex` with fields `operation`,
/// `status`, `attempts`, `user_id_cache` and `duration_ms`; none ever holds the API key or a
/// nonce.
///
/// ```no_run
/// # async fn run() -> Result<(), passage_flex::Error> {
/// use passage_flex::PassageFlex;
///
/// let passage = PassageFlex::new("your-app-id", "your-api-key");
/// let transaction_id = passage
///     .create_register_transaction("user-42", "ada@example.com")
///     .await?;
/// # Ok(()) }
/// ```
///
/// The public fields `auth` and `user` are the shape of the official `passage_flex` crate's
/// 1.0 API (`passage_flex.auth.verify_nonce(nonce)`), kept so that code written for it compiles
/// unchanged (see `MIGRATION.md`). They run these same operations; new code calls the methods
/// here.
#[derive(Clone)]
pub struct PassageFlex {
    /// The 1.0-compatible transaction and nonce calls.
    pub auth: Auth,
    /// The 1.0-compatible user and passkey calls.
    pub user: User,
    pub(crate) core: Core,
}

impl PassageFlex {
    /// The ready configuration of the low-level crate ([`crate::openapi`]): base path, API
    /// key, headers, timeouts, body cap and connection pool already set, for calling its
    /// functions directly. Pass [`PassageFlex::app_id`] as their `app_id`. Retries are not part
    /// of it: they belong to this client's operations (see [`RetryConfig`](crate::RetryConfig)).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), passage_flex::Error> {
    /// use passage_flex::openapi::apis::users_api;
    ///
    /// let passage = passage_flex::PassageFlex::from_env()?;
    /// let configuration = passage.openapi_configuration()?;
    /// let app_id = passage.app_id()?;
    /// let params = users_api::ListPaginatedUsersParams {
    ///     app_id: app_id.to_string(),
    ///     limit: Some(10),
    ///     ..Default::default()
    /// };
    /// let page = users_api::list_paginated_users(configuration, params).await;
    /// # Ok(()) }
    /// ```
    pub fn openapi_configuration(&self) -> Result<&Configuration, Error> {
        Ok(&self.core.ready()?.configuration)
    }

    /// The app ID this client was built for.
    pub fn app_id(&self) -> Result<&str, Error> {
        Ok(&self.core.ready()?.app_id)
    }
}

/// A client and its two 1.0-compatible namespaces, all over one shared state.
impl From<Core> for PassageFlex {
    fn from(core: Core) -> Self {
        PassageFlex {
            auth: Auth::new(core.clone()),
            user: User::new(core.clone()),
            core,
        }
    }
}

impl fmt::Debug for PassageFlex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.core.debug_as("PassageFlex", f)
    }
}
