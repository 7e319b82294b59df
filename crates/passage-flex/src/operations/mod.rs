//! The operations, one file per area of the API.
//!
//! Every operation has one shape. The public method on [`PassageFlex`](crate::PassageFlex) is a
//! door: it documents the operation and passes its arguments to the body on
//! [`Core`](crate::state::Core), where the 1.0-compatible namespaces enter too. The body names
//! the operation once (`let operation = "get_user"`), builds `call` (argument guard ->
//! external-ID lookup, if any -> generated call through `send` -> friendly type) and returns it
//! running in the operation's span, boxed, with `traced(operation, call)`. The bodies are plain
//! `fn`s, not `async fn`s, so that each operation's future is compiled here, once, and not in
//! every crate that calls the generic doors (see `telemetry::traced`).

mod app;
mod devices;
mod transactions;
mod users;
