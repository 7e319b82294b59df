//! [`Auth`]: `passage_flex.auth.*`, the 1.0-compatible transaction and nonce calls.

use crate::error::Error;
use crate::state::Core;
use std::fmt;

/// The transaction and nonce calls in the shape of the official crate's 1.0 API, as the public
/// field [`PassageFlex::auth`](crate::PassageFlex::auth).
///
/// Each method runs the [`PassageFlex`](crate::PassageFlex) method it names. It accepts what
/// 1.0 accepted (`String`) and `&str` too, and returns this crate's [`Error`].
///
/// ```no_run
/// # async fn run(nonce: String) {
/// use passage_flex::PassageFlex;
///
/// let passage_flex = PassageFlex::new(
///     std::env::var("PASSAGE_APP_ID").unwrap_or_default(),
///     std::env::var("PASSAGE_API_KEY").unwrap_or_default(),
/// );
/// match passage_flex.auth.verify_nonce(nonce).await {
///     Ok(external_id) => println!("{external_id} logged in"),
///     Err(err) => println!("refused: {err}"),
/// }
/// # }
/// ```
#[derive(Clone)]
pub struct Auth {
    core: Core,
}

impl Auth {
    pub(crate) fn new(core: Core) -> Self {
        Auth { core }
    }

    /// [`PassageFlex::create_register_transaction`](crate::PassageFlex::create_register_transaction).
    pub async fn create_register_transaction(
        &self,
        external_id: impl AsRef<str>,
        passkey_display_name: impl AsRef<str>,
    ) -> Result<String, Error> {
        self.core
            .create_register_transaction(external_id.as_ref(), passkey_display_name.as_ref())
            .await
    }

    /// [`PassageFlex::create_authenticate_transaction`](crate::PassageFlex::create_authenticate_transaction).
    pub async fn create_authenticate_transaction(
        &self,
        external_id: impl AsRef<str>,
    ) -> Result<String, Error> {
        self.core
            .create_authenticate_transaction(external_id.as_ref())
            .await
    }

    /// [`PassageFlex::verify_nonce`](crate::PassageFlex::verify_nonce).
    pub async fn verify_nonce(&self, nonce: impl AsRef<str>) -> Result<String, Error> {
        self.core.verify_nonce(nonce.as_ref()).await
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.core.debug_as("Auth", f)
    }
}
