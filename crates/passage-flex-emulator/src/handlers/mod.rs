//! One module per group of endpoints, as the spec's tags group them, plus the emulator's own.
//! A handler reads the request (through [`crate::request`]), asks the [`crate::store`], and
//! answers with what [`crate::render`] builds.

pub(crate) mod app;
pub(crate) mod browser_ceremonies;
pub(crate) mod console;
pub(crate) mod control;
pub(crate) mod devices;
pub(crate) mod transactions;
pub(crate) mod users;

use std::sync::Arc;

use axum::extract::State;

use crate::shared::Shared;

/// The state every handler reads.
pub(crate) type AppState = State<Arc<Shared>>;
