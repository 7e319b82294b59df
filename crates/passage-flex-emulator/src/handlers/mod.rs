//! One module per group of endpoints, as the spec's tags group them, plus the emulator's own.

pub(crate) mod app;
pub(crate) mod ceremonies;
pub(crate) mod console;
pub(crate) mod control;
pub(crate) mod devices;
pub(crate) mod transactions;
pub(crate) mod users;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};

use crate::failure::Failure;
use crate::state::Shared;

/// The state every handler reads.
pub(crate) type AppState = State<Arc<Shared>>;

/// Path parameters whose rejection is a Passage-shaped `invalid_request`, not axum's plain text.
#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(crate::failure::Failure))]
pub(crate) struct ApiPath<T>(pub T);

/// A request body whose rejection (too large, cut off) is a Passage-shaped `invalid_request`,
/// not axum's plain text.
pub(crate) struct ApiBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for ApiBody {
    type Rejection = Failure;

    async fn from_request(request: Request, state: &S) -> Result<Self, Failure> {
        Ok(ApiBody(Bytes::from_request(request, state).await?))
    }
}
