//! What every operation starts from: the ready settings of a client, shared by its clones and
//! by every door into it (the methods of [`PassageFlex`](crate::PassageFlex) and its
//! 1.0-compatible namespaces).

use crate::error::Error;
use crate::retry::Retry;
use crate::timeouts::Timeouts;
use crate::user_id_cache::UserIdCache;
use passage_flex_openapi::apis::configuration::Configuration;
use std::fmt;
use std::sync::Arc;

/// A client's validated settings: the app, a configured low-level client, the external-ID
/// cache, and how to repeat a call and name its timeouts.
pub(crate) struct Ready {
    pub(crate) app_id: String,
    pub(crate) configuration: Configuration,
    pub(crate) user_ids: Option<UserIdCache>,
    pub(crate) retry: Retry,
    pub(crate) timeouts: Timeouts,
}

/// The one state behind a client and its doors: cheap to clone (one `Arc`).
///
/// A client built from bad settings by [`PassageFlex::new`](crate::PassageFlex::new) holds the
/// reason instead, returned from every call, because `new` must not fail or panic.
#[derive(Clone)]
pub(crate) struct Core(Result<Arc<Ready>, Arc<str>>);

impl Core {
    pub(crate) fn new(ready: Ready) -> Self {
        Core(Ok(Arc::new(ready)))
    }

    pub(crate) fn unusable(reason: &str) -> Self {
        Core(Err(reason.into()))
    }

    /// The settings, or the reason this client cannot make calls.
    pub(crate) fn ready(&self) -> Result<&Ready, Error> {
        match &self.0 {
            Ok(ready) => Ok(ready),
            Err(reason) => Err(Error::InvalidConfiguration(reason.to_string())),
        }
    }

    /// `Debug` output for a type named `name` holding this state: the app, the origin and
    /// whether IDs are cached, never the API key.
    pub(crate) fn debug_as(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct(name);
        match &self.0 {
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
