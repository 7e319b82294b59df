//! The app's own accounts: a username, and the immutable `external_id` that Passage knows the
//! account by. A real app keeps these in its database.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

#[derive(Debug, Default)]
pub(crate) struct Accounts {
    by_username: Mutex<HashMap<String, Account>>,
}

#[derive(Debug, Clone)]
struct Account {
    external_id: String,
    /// Set once a registration nonce for this account has been verified.
    registered: bool,
}

/// Why an account operation was refused.
pub(crate) enum AccountError {
    UsernameTaken,
    NoSuchAccount,
}

impl Accounts {
    /// The `external_id` to register a passkey for `username`: a new one for a new username,
    /// the same one while its registration is unfinished, a refusal once someone owns it.
    pub(crate) fn reserve(&self, username: &str) -> Result<String, AccountError> {
        let mut accounts = self
            .by_username
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let account = accounts
            .entry(username.to_owned())
            .or_insert_with(|| Account {
                // Never the username itself: an external ID must not change, a username may.
                external_id: uuid::Uuid::new_v4().to_string(),
                registered: false,
            });
        if account.registered {
            return Err(AccountError::UsernameTaken);
        }
        Ok(account.external_id.clone())
    }

    /// Marks the account with `external_id` registered; false if there is none.
    pub(crate) fn confirm(&self, external_id: &str) -> bool {
        let mut accounts = self
            .by_username
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match accounts.values_mut().find(|a| a.external_id == external_id) {
            Some(account) => {
                account.registered = true;
                true
            }
            None => false,
        }
    }

    /// The `external_id` of a registered account.
    pub(crate) fn external_id(&self, username: &str) -> Result<String, AccountError> {
        let accounts = self
            .by_username
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match accounts.get(username) {
            Some(account) if account.registered => Ok(account.external_id.clone()),
            _ => Err(AccountError::NoSuchAccount),
        }
    }

    /// The username of the account with `external_id`.
    pub(crate) fn username(&self, external_id: &str) -> Option<String> {
        let accounts = self
            .by_username
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        accounts
            .iter()
            .find(|(_, a)| a.external_id == external_id)
            .map(|(name, _)| name.clone())
    }
}
