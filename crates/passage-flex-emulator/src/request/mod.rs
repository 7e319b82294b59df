//! What a request passes through and is read with before its handler runs: the log line and
//! the `/v1` meter (middleware), the gates (API key, app ID), and the readers of its path, body
//! and `GET /users` query, each refusing in Passage's error shape.

pub(crate) mod access_log;
pub(crate) mod api_meter;
pub(crate) mod auth;
pub(crate) mod extractors;
pub(crate) mod json_body;
pub(crate) mod users_query;
