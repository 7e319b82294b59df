//! One module per group of endpoints, as the spec's tags group them, plus the emulator's own.

pub(crate) mod app;
pub(crate) mod ceremonies;
pub(crate) mod control;
pub(crate) mod devices;
pub(crate) mod transactions;
pub(crate) mod users;

use std::sync::Arc;

use axum::extract::State;

use crate::router::Shared;

/// The state every handler reads.
pub(crate) type AppState = State<Arc<Shared>>;

/// Path parameters whose rejection is a Passage-shaped `invalid_request`, not axum's plain text.
#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(crate::failure::Failure))]
pub(crate) struct ApiPath<T>(pub T);
