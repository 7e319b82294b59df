//! What every request handler shares.

use std::sync::Arc;

use axum::extract::FromRef;
use passage_flex::PassageFlex;

use crate::accounts::Accounts;
use crate::session::Sessions;

/// The backend's state: the Passage client, the app's accounts and its sessions. Cheap to clone.
#[derive(Clone)]
pub(crate) struct AppState {
    pub(crate) passage: PassageFlex,
    pub(crate) accounts: Arc<Accounts>,
    pub(crate) sessions: Arc<Sessions>,
}

impl AppState {
    /// Fresh, empty accounts and sessions over `passage`.
    pub(crate) fn new(passage: PassageFlex) -> Self {
        Self {
            passage,
            accounts: Arc::default(),
            sessions: Arc::default(),
        }
    }
}

/// What the session extractors take from the state.
impl FromRef<AppState> for Arc<Sessions> {
    fn from_ref(state: &AppState) -> Self {
        Arc::clone(&state.sessions)
    }
}
