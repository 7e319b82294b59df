//! The operations of [`PassageFlex`](crate::PassageFlex), one file per area of the API.
//!
//! Each follows the same path: argument guard -> (external-ID lookup) -> generated call ->
//! error map -> friendly type.

mod app;
mod devices;
mod transactions;
mod users;
