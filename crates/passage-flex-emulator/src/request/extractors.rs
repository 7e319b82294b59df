//! Path parameters and raw bodies whose refusals take Passage's error shape, not axum's plain
//! text.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};

use crate::api_error::Failure;

/// Path parameters whose rejection is a Passage-shaped `invalid_request`, not axum's plain text.
#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(crate::api_error::Failure))]
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
