//! What a request passes through and is read with before its handler runs: the log line and
//! the `/v1` meter (middleware), the gates (API key, app ID), and the readers of its path and
//! body, each refusing in Passage's error shape. (The `GET /users` query is `users_query`, which
//! the store and the renderer read too.)

pub(crate) mod access_log;
pub(crate) mod api_meter;
pub(crate) mod auth;
pub(crate) mod extractors;
pub(crate) mod json_body;
