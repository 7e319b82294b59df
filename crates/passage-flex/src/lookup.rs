//! External ID -> Passage user ID.

use crate::client::Ready;
use crate::error::{ApiError, Error, ErrorCode};
use crate::{PassageFlex, error_map, guard};
use passage_flex_openapi::apis::users_api;

/// The Passage ID of the user whose external ID is exactly `external_id`.
///
/// The API's `identifier` filter also matches emails and phone numbers, so a user found by it
/// whose `external_id` differs is somebody else: that is "not found", never a user to act on.
pub(crate) async fn passage_user_id(ready: &Ready, external_id: &str) -> Result<String, Error> {
    let operation = "find_user_by_external_id";
    let page = users_api::list_paginated_users(
        &ready.configuration,
        &ready.app_id,
        None,
        Some(1),
        None,
        None,
        Some(external_id),
        None,
        None,
        None,
        None,
        None,
        None,
    )
    .await
    .map_err(|err| error_map::from_generated(operation, err))?;
    match page.users.into_iter().next() {
        Some(user) if user.external_id == external_id => Ok(user.id),
        _ => Err(Error::UserNotFound(ApiError {
            operation,
            // Reported as the API reports an unknown Passage user ID.
            status: 404,
            code: Some(ErrorCode::UserNotFound),
            message: "no user has this external ID".to_string(),
        })),
    }
}

impl PassageFlex {
    /// The first steps of every external-ID operation: check the argument, then find the
    /// client's state and the user's Passage ID.
    pub(crate) async fn ready_with_user_id(
        &self,
        external_id: &str,
    ) -> Result<(&Ready, String), Error> {
        guard::non_empty("external_id", external_id)?;
        let ready = self.ready()?;
        let user_id = passage_user_id(ready, external_id).await?;
        Ok((ready, user_id))
    }
}
