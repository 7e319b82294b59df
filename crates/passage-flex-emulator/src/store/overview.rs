//! What the console shows of the store: the users and the open transactions, read in one go.

use std::time::{Duration, Instant};

use super::{Data, TransactionKind, User};

/// The store at one moment.
#[derive(Debug)]
pub(crate) struct Overview {
    /// Newest first.
    pub users: Vec<User>,
    /// Soonest to expire first.
    pub transactions: Vec<OpenTransaction>,
    pub open_handshakes: usize,
    pub unspent_nonces: usize,
}

/// A transaction that waits for its ceremony.
#[derive(Debug)]
pub(crate) struct OpenTransaction {
    pub id: String,
    pub external_id: String,
    /// The passkey's display name for a registration; `None` for an authentication.
    pub registers: Option<String>,
    pub expires_in: Duration,
}

pub(super) fn of(data: &Data, now: Instant) -> Overview {
    let mut users: Vec<User> = data.users.values().cloned().collect();
    users.sort_by_key(|user| std::cmp::Reverse(user.sequence));
    let mut transactions: Vec<OpenTransaction> = data
        .transactions
        .iter()
        .filter(|(_, t)| t.expires_at > now)
        .map(|(id, t)| OpenTransaction {
            id: id.clone(),
            external_id: data
                .users
                .get(&t.user_id)
                .map(|user| user.external_id.clone())
                .unwrap_or_default(),
            registers: match &t.kind {
                TransactionKind::Register {
                    passkey_display_name,
                } => Some(passkey_display_name.clone()),
                TransactionKind::Authenticate => None,
            },
            expires_in: t.expires_at.saturating_duration_since(now),
        })
        .collect();
    transactions.sort_by_key(|t| t.expires_in);
    Overview {
        users,
        transactions,
        open_handshakes: data
            .handshakes
            .values()
            .filter(|h| h.expires_at > now)
            .count(),
        unspent_nonces: data.nonces.values().filter(|n| n.expires_at > now).count(),
    }
}
