//! [`User`]: `passage_flex.user.*`, the 1.0-compatible user and passkey calls.

use crate::error::Error;
use crate::state::Core;
use crate::types::{PassageUser, PasskeyDevice};
use std::fmt;

/// The user and passkey calls in the shape of the official crate's 1.0 API, as the public
/// field [`PassageFlex::user`](crate::PassageFlex::user).
///
/// Each method runs the [`PassageFlex`](crate::PassageFlex) method named in its description. It
/// accepts what 1.0 accepted (`String`) and `&str` too, and returns this crate's types: a
/// [`PassageUser`] (1.0: `Box<PassageUser>`) and [`PasskeyDevice`]s with typed timestamps
/// (1.0: the generated `WebAuthnDevices`, timestamps as strings).
///
/// ```no_run
/// # async fn run() -> Result<(), passage_flex::Error> {
/// use passage_flex::PassageFlex;
///
/// let passage_flex = PassageFlex::new(
///     std::env::var("PASSAGE_APP_ID").unwrap_or_default(),
///     std::env::var("PASSAGE_API_KEY").unwrap_or_default(),
/// );
/// let external_id = "00000000-0000-0000-0000-000000000001";
/// let last_year = chrono::Utc::now() - chrono::Duration::days(365);
/// for device in passage_flex.user.list_devices(external_id).await? {
///     if device.last_login_at < last_year {
///         passage_flex.user.revoke_device(external_id, device.id).await?;
///     }
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct User {
    core: Core,
}

impl User {
    pub(crate) fn new(core: Core) -> Self {
        User { core }
    }

    /// [`PassageFlex::get_user`](crate::PassageFlex::get_user).
    pub async fn get(&self, external_id: impl AsRef<str>) -> Result<PassageUser, Error> {
        self.core.get_user(external_id.as_ref()).await
    }

    /// [`PassageFlex::get_devices`](crate::PassageFlex::get_devices).
    pub async fn list_devices(
        &self,
        external_id: impl AsRef<str>,
    ) -> Result<Vec<PasskeyDevice>, Error> {
        self.core.get_devices(external_id.as_ref()).await
    }

    /// [`PassageFlex::revoke_device`](crate::PassageFlex::revoke_device).
    pub async fn revoke_device(
        &self,
        external_id: impl AsRef<str>,
        device_id: impl AsRef<str>,
    ) -> Result<(), Error> {
        self.core
            .revoke_device(external_id.as_ref(), device_id.as_ref())
            .await
    }
}

impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.core.debug_as("User", f)
    }
}
