//! Request handlers: the passkey ceremonies' server side, and the signed-in user's passkeys.

pub(crate) mod auth;
pub(crate) mod passkeys;
