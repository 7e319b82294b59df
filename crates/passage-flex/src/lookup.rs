//! External ID -> Passage user ID: the cache first, the API's user list second.

use crate::error::{ApiError, Error};
use crate::guard;
use crate::retry::Repeat;
use crate::state::{Core, Ready};
use passage_flex_openapi::apis::users_api;
use std::future::Future;
use tracing::Instrument;
use tracing::field::Empty;

impl Core {
    /// Runs `call` (part of `operation`) with the Passage ID of the user `external_id`, after
    /// checking the argument.
    ///
    /// If the ID came from the cache and `call` answers `user_not_found`, the entry is stale
    /// (the user was deleted, perhaps re-created under a new ID): it is dropped, the user looked
    /// up again, and `call` repeated once.
    pub(crate) async fn with_user_id<'a, T, F, Fut>(
        &'a self,
        operation: &'static str,
        external_id: &str,
        call: F,
    ) -> Result<T, Error>
    where
        F: Fn(&'a Ready, String) -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        guard::external_id(external_id)?;
        let ready = self.ready()?;
        let (user_id, from_cache) = resolve(ready, operation, external_id).await?;
        match call(ready, user_id).await {
            Err(Error::UserNotFound(_)) if from_cache => {
                forget(ready, external_id);
                let (user_id, _) = resolve(ready, operation, external_id).await?;
                call(ready, user_id).await
            }
            outcome => outcome,
        }
    }

    /// Drops the cached Passage ID of `external_id`, if any.
    pub(crate) fn forget_user_id(&self, external_id: &str) {
        if let Ok(ready) = self.ready() {
            forget(ready, external_id);
        }
    }
}

/// The user's Passage ID, and whether it came from the cache. Concurrent misses for one
/// external ID share one lookup; a failed lookup is not cached.
async fn resolve(
    ready: &Ready,
    operation: &'static str,
    external_id: &str,
) -> Result<(String, bool), Error> {
    if let Some(cache) = &ready.user_ids {
        let span = tracing::Span::current();
        if let Some(user_id) = cache.get(external_id) {
            span.record("user_id_cache", "hit");
            return Ok((user_id, true));
        }
        span.record("user_id_cache", "miss");
    }
    // Boxed: the lookup's future (a whole HTTP request, the cache's bookkeeping) is several KiB,
    // and inline it would make every external-ID call's future that large to move, hit or miss.
    let user_id = Box::pin(look_up(ready, operation, external_id)).await?;
    Ok((user_id, false))
}

/// The lookup request, through the cache when there is one.
async fn look_up(
    ready: &Ready,
    operation: &'static str,
    external_id: &str,
) -> Result<String, Error> {
    match &ready.user_ids {
        Some(cache) => {
            cache
                .get_or_look_up(external_id, || find_user_id(ready, operation, external_id))
                .await
        }
        None => find_user_id(ready, operation, external_id).await,
    }
}

fn forget(ready: &Ready, external_id: &str) {
    if let Some(cache) = &ready.user_ids {
        cache.forget(external_id);
    }
}

/// Users asked for per lookup request. Passage's `identifier` filter matches external IDs,
/// emails and phone numbers, each unique in an app, so at most three users equal one value:
/// the user asked for is always on the first page, even when another user's email is that
/// external ID and Passage lists it first.
const LOOKUP_PAGE_SIZE: i32 = 10;

/// The Passage ID of the user whose external ID is exactly `external_id`, asked of the API.
///
/// The API's `identifier` filter also matches emails and phone numbers, so a user found by it
/// whose `external_id` differs is somebody else: never a user to act on. The ID found is
/// checked like a caller's before it is cached or put in a path; an unusable one is an error of
/// `operation`, the operation it was looked up for.
async fn find_user_id(
    ready: &Ready,
    operation: &'static str,
    external_id: &str,
) -> Result<String, Error> {
    let lookup = "find_user_by_external_id";
    // Its own span, so that this request's status and attempts are recorded here and the
    // operation's span keeps those of the operation's own request.
    let span = tracing::debug_span!("passage_flex_lookup", status = Empty, attempts = Empty);
    let page = ready
        .send(lookup, Repeat::Safe, || {
            let params = users_api::ListPaginatedUsersParams {
                app_id: ready.app_id.clone(),
                limit: Some(LOOKUP_PAGE_SIZE),
                identifier: Some(external_id.to_string()),
                ..Default::default()
            };
            users_api::list_paginated_users(&ready.configuration, params)
        })
        .instrument(span)
        .await?;
    match page
        .users
        .into_iter()
        .find(|user| user.external_id == external_id)
    {
        Some(user) => {
            guard::path_segment_from_server(operation, "users[].id of the lookup", &user.id)?;
            Ok(user.id)
        }
        // The list answered with success and no error code; it holds nobody with this
        // external ID. Reported as that answer (its documented 200), not as a 404 the server
        // never sent.
        None => Err(Error::UserNotFound(ApiError {
            operation: lookup,
            status: 200,
            code: None,
            message: "no user has exactly this external ID".to_string(),
            retry_after: None,
        })),
    }
}
