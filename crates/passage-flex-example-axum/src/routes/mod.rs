//! Request handlers: the passkey ceremonies' server side, the signed-in user's passkeys, and the
//! page that runs the ceremonies in the browser.

pub(crate) mod auth;
pub(crate) mod browser_page;
pub(crate) mod passkeys;
