//! [`PassageFlex`]: the client, and the state every operation starts from.

use crate::builder::PassageFlexBuilder;
use crate::cache::UserIdCache;
use crate::error::Error;
use crate::error_map::Timeouts;
use crate::retry::Retry;
use passage_flex_openapi::apis::configuration::Configuration;
use std::fmt;
use std::sync::Arc;

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
#[derive(Clone)]
pub struct PassageFlex {
    /// A client built from bad settings by [`PassageFlex::new`] keeps the reason and returns it
    /// from every call, because `new` must not fail or panic.
    state: Result<Arc<Ready>, Arc<str>>,
}

/// What every operation needs: the app, a configured low-level client, the external-ID cache,
/// and how to repeat a call and name its timeouts.
pub(crate) struct Ready {
    pub(crate) app_id: String,
    pub(crate) configuration: Configuration,
    pub(crate) user_ids: Option<UserIdCache>,
    pub(crate) retry: Retry,
    pub(crate) timeouts: Timeouts,
}

impl PassageFlex {
    /// A client for the app `app_id`, authenticated with its management API key, talking to
    /// `https://api.passage.id`.
    ///
    /// Never fails and never panics: if the credentials are empty or malformed, every call
    /// returns [`Error::InvalidConfiguration`]. Use [`PassageFlex::builder`] to get that error
    /// at start-up instead, or to change the origin, timeouts or HTTP client.
    pub fn new(app_id: impl Into<String>, api_key: impl Into<String>) -> Self {
        match Self::builder(app_id, api_key).build() {
            Ok(client) => client,
            Err(err) => PassageFlex {
                state: Err(err.to_string().into()),
            },
        }
    }

    /// A builder for a client with other settings; [`PassageFlexBuilder::build`] validates them.
    pub fn builder(app_id: impl Into<String>, api_key: impl Into<String>) -> PassageFlexBuilder {
        PassageFlexBuilder::new(app_id.into(), api_key.into())
    }

    /// A client from the environment: `PASSAGE_APP_ID`, `PASSAGE_API_KEY` and, optionally,
    /// `PASSAGE_API_URL` (an origin such as `http://127.0.0.1:8080`).
    pub fn from_env() -> Result<Self, Error> {
        let var = |name: &str| {
            std::env::var(name).map_err(|err| {
                Error::InvalidConfiguration(format!("environment variable {name}: {err}"))
            })
        };
        let mut builder = Self::builder(var("PASSAGE_APP_ID")?, var("PASSAGE_API_KEY")?);
        if std::env::var_os("PASSAGE_API_URL").is_some() {
            builder = builder.base_url(var("PASSAGE_API_URL")?);
        }
        builder.build()
    }

    pub(crate) fn from_ready(ready: Ready) -> Self {
        PassageFlex {
            state: Ok(Arc::new(ready)),
        }
    }

    pub(crate) fn ready(&self) -> Result<&Ready, Error> {
        match &self.state {
            Ok(ready) => Ok(ready),
            Err(reason) => Err(Error::InvalidConfiguration(reason.to_string())),
        }
    }

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
    /// let page = users_api::list_paginated_users(
    ///     configuration, app_id, Some(1), Some(10), None, None, None, None, None, None, None,
    ///     None, None,
    /// )
    /// .await;
    /// # Ok(()) }
    /// ```
    pub fn openapi_configuration(&self) -> Result<&Configuration, Error> {
        Ok(&self.ready()?.configuration)
    }

    /// The app ID this client was built for.
    pub fn app_id(&self) -> Result<&str, Error> {
        Ok(&self.ready()?.app_id)
    }
}

impl fmt::Debug for PassageFlex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("PassageFlex");
        match &self.state {
            Ok(ready) => debug
                .field("app_id", &ready.app_id)
                .field("base_path", &ready.configuration.base_path)
                .field("user_id_cache", &ready.user_ids.is_some())
                .field("api_key", &"[REDACTED]"),
            Err(reason) => debug.field("invalid", reason),
        };
        debug.finish()
    }
}
