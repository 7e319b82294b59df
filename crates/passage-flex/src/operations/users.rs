use crate::retry::Repeat;
use crate::state::{Core, Ready};
use crate::telemetry::{Operation, traced};
use crate::types::UserQuery;
use crate::{Error, ListUsersOptions, PassageFlex, PassageUser, UserSummary, guard};
use futures_util::{Stream, StreamExt, TryStreamExt, stream};
use passage_flex_openapi::apis::users_api;
use passage_flex_openapi::models;

impl PassageFlex {
    /// The user `external_id`, with their passkeys.
    pub async fn get_user(&self, external_id: impl AsRef<str>) -> Result<PassageUser, Error> {
        self.core.get_user(external_id.as_ref()).await
    }

    /// The user with this Passage user ID (not the external ID), with their passkeys.
    pub async fn get_user_by_id(&self, user_id: impl AsRef<str>) -> Result<PassageUser, Error> {
        self.core.get_user_by_id(user_id.as_ref()).await
    }

    /// Deletes the user `external_id` and their passkeys from Passage, and forgets their
    /// Passage ID.
    pub async fn delete_user(&self, external_id: impl AsRef<str>) -> Result<(), Error> {
        self.core.delete_user(external_id.as_ref()).await
    }

    /// Lets the user `external_id` log in again after [`PassageFlex::deactivate_user`].
    pub async fn activate_user(&self, external_id: impl AsRef<str>) -> Result<PassageUser, Error> {
        self.core.activate_user(external_id.as_ref()).await
    }

    /// Stops the user `external_id` from logging in until [`PassageFlex::activate_user`].
    pub async fn deactivate_user(
        &self,
        external_id: impl AsRef<str>,
    ) -> Result<PassageUser, Error> {
        self.core.deactivate_user(external_id.as_ref()).await
    }

    /// Replaces the metadata of the user `external_id` with `metadata`, a JSON object.
    pub async fn update_user_metadata(
        &self,
        external_id: impl AsRef<str>,
        metadata: serde_json::Value,
    ) -> Result<PassageUser, Error> {
        self.core
            .update_user_metadata(external_id.as_ref(), metadata)
            .await
    }

    /// Every user of the app, page after page, as one stream.
    ///
    /// Pages are fetched lazily as the stream is read. The first page's `created_before` is
    /// sent with every later page, so users created meanwhile do not shift the pages. The
    /// stream ends after the first error.
    ///
    /// ```no_run
    /// # async fn run(passage: passage_flex::PassageFlex) -> Result<(), passage_flex::Error> {
    /// use futures::TryStreamExt;
    /// use passage_flex::ListUsersOptions;
    ///
    /// let users: Vec<_> = passage.list_users(ListUsersOptions::new()).try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn list_users(
        &self,
        options: ListUsersOptions,
    ) -> impl Stream<Item = Result<UserSummary, Error>> + Send + 'static {
        self.core.list_users(options)
    }
}

impl Core {
    pub(crate) fn get_user<'a>(&'a self, external_id: &'a str) -> Operation<'a, PassageUser> {
        let operation = "get_user";
        let call = self.with_user_id(operation, external_id, move |ready, user_id| {
            fetch_user(operation, ready, user_id, Some(external_id))
        });
        traced(operation, call)
    }

    pub(crate) fn get_user_by_id<'a>(&'a self, user_id: &'a str) -> Operation<'a, PassageUser> {
        let operation = "get_user_by_id";
        let call = async move {
            guard::path_segment("user_id", user_id)?;
            fetch_user(operation, self.ready()?, user_id.to_string(), None).await
        };
        traced(operation, call)
    }

    pub(crate) fn delete_user<'a>(&'a self, external_id: &'a str) -> Operation<'a, ()> {
        let operation = "delete_user";
        let call = async move {
            let deleted = self
                .with_user_id(operation, external_id, |ready, user_id| async move {
                    ready
                        .send(operation, Repeat::Safe, || {
                            users_api::delete_user(
                                &ready.configuration,
                                users_api::DeleteUserParams {
                                    app_id: ready.app_id.clone(),
                                    user_id: user_id.clone(),
                                },
                            )
                        })
                        .await
                })
                .await;
            self.forget_user_id(external_id);
            deleted
        };
        traced(operation, call)
    }

    pub(crate) fn activate_user<'a>(&'a self, external_id: &'a str) -> Operation<'a, PassageUser> {
        let operation = "activate_user";
        let call = self.with_user_id(operation, external_id, move |ready, user_id| async move {
            let response = ready
                .send(operation, Repeat::Safe, || {
                    users_api::activate_user(
                        &ready.configuration,
                        users_api::ActivateUserParams {
                            app_id: ready.app_id.clone(),
                            user_id: user_id.clone(),
                        },
                    )
                })
                .await?;
            the_user_asked_for(operation, response.user, &user_id, Some(external_id))
        });
        traced(operation, call)
    }

    pub(crate) fn deactivate_user<'a>(
        &'a self,
        external_id: &'a str,
    ) -> Operation<'a, PassageUser> {
        let operation = "deactivate_user";
        let call = self.with_user_id(operation, external_id, move |ready, user_id| async move {
            let response = ready
                .send(operation, Repeat::Safe, || {
                    users_api::deactivate_user(
                        &ready.configuration,
                        users_api::DeactivateUserParams {
                            app_id: ready.app_id.clone(),
                            user_id: user_id.clone(),
                        },
                    )
                })
                .await?;
            the_user_asked_for(operation, response.user, &user_id, Some(external_id))
        });
        traced(operation, call)
    }

    pub(crate) fn update_user_metadata<'a>(
        &'a self,
        external_id: &'a str,
        metadata: serde_json::Value,
    ) -> Operation<'a, PassageUser> {
        let operation = "update_user_metadata";
        let call = async move {
            let serde_json::Value::Object(fields) = metadata else {
                return Err(Error::InvalidArgument {
                    argument: "metadata",
                    reason: "must be a JSON object",
                });
            };
            let fields = &fields;
            self.with_user_id(operation, external_id, |ready, user_id| async move {
                let response = ready
                    .send(operation, Repeat::Safe, || {
                        let request = models::UpdateUserRequest {
                            user_metadata: Some(fields.clone().into_iter().collect()),
                            ..models::UpdateUserRequest::new()
                        };
                        let params = users_api::UpdateUserParams {
                            app_id: ready.app_id.clone(),
                            user_id: user_id.clone(),
                            update_user_request: request,
                        };
                        users_api::update_user(&ready.configuration, params)
                    })
                    .await?;
                the_user_asked_for(operation, response.user, &user_id, Some(external_id))
            })
            .await
        };
        traced(operation, call)
    }

    pub(crate) fn list_users(
        &self,
        options: ListUsersOptions,
    ) -> impl Stream<Item = Result<UserSummary, Error>> + Send + 'static {
        // Checked once, before anything is sent; a bad option is the stream's only item.
        let first = options.to_query().map(|query| Cursor {
            core: self.clone(),
            page: 1,
            created_before: options.created_before,
            query,
        });
        stream::try_unfold(Some(first), |cursor| async move {
            match cursor {
                Some(Ok(cursor)) => {
                    let (users, next) = traced("list_users", cursor.next_page()).await?;
                    Ok(Some((users, next.map(Ok))))
                }
                Some(Err(invalid)) => Err(invalid),
                None => Ok(None),
            }
        })
        .map_ok(|users: Vec<UserSummary>| stream::iter(users.into_iter().map(Ok)))
        .try_flatten()
        .boxed()
    }
}

/// `GET /users/{user_id}` for `operation`, shared by the two ways of naming a user.
async fn fetch_user(
    operation: &'static str,
    ready: &Ready,
    user_id: String,
    external_id: Option<&str>,
) -> Result<PassageUser, Error> {
    let response = ready
        .send(operation, Repeat::Safe, || {
            users_api::get_user(
                &ready.configuration,
                users_api::GetUserParams {
                    app_id: ready.app_id.clone(),
                    user_id: user_id.clone(),
                },
            )
        })
        .await?;
    the_user_asked_for(operation, response.user, &user_id, external_id)
}

/// The user of an answer about the user `user_id` (whom the caller named by `external_id`,
/// if so). Another user's record, from a proxy or cache that mixed answers up, is refused
/// rather than handed out as the user asked for.
fn the_user_asked_for(
    operation: &'static str,
    user: models::UserInfo,
    user_id: &str,
    external_id: Option<&str>,
) -> Result<PassageUser, Error> {
    let field = if user.id != user_id {
        "user.id"
    } else if external_id.is_some_and(|asked| user.external_id != asked) {
        "user.external_id"
    } else {
        return Ok(user.into());
    };
    Err(Error::InvalidResponse {
        operation,
        field,
        reason: "names another user than the one asked for",
    })
}

/// Where the user stream is: the next page to fetch, pinned to one `created_before`.
struct Cursor {
    core: Core,
    query: UserQuery,
    page: i32,
    created_before: Option<i64>,
}

impl Cursor {
    /// Fetches this page; returns its users and the cursor of the next page, if there is one.
    async fn next_page(self) -> Result<(Vec<UserSummary>, Option<Cursor>), Error> {
        let ready = self.core.ready()?;
        let query = &self.query;
        let response = ready
            .send("list_users", Repeat::Safe, || {
                let params = users_api::ListPaginatedUsersParams {
                    app_id: ready.app_id.clone(),
                    page: Some(self.page),
                    limit: Some(query.limit),
                    created_before: self.created_before,
                    order_by: query.order_by.clone(),
                    identifier: query.identifier.clone(),
                    id: query.id.clone(),
                    login_count: query.login_count.clone(),
                    status: query.status.clone(),
                    created_at: query.created_at.clone(),
                    updated_at: query.updated_at.clone(),
                    last_login_at: query.last_login_at.clone(),
                };
                users_api::list_paginated_users(&ready.configuration, params)
            })
            .await?;
        let more = !response.users.is_empty() && !response._links.next.href.is_empty();
        let users = response.users.into_iter().map(Into::into).collect();
        let next = match (more, self.page.checked_add(1)) {
            (true, Some(page)) => Some(Cursor {
                page,
                created_before: Some(response.created_before),
                ..self
            }),
            _ => None,
        };
        Ok((users, next))
    }
}
