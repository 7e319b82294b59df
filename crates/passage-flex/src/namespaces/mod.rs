//! The official `passage_flex` crate's 1.0 API shape: [`Auth`] and [`User`], the public fields
//! `auth` and `user` of [`PassageFlex`](crate::PassageFlex).
//!
//! Kept so that code written for 1.0 compiles unchanged. Each method is a door into the same
//! operation as the flat method it names (same guards, cache, retries, errors and span), so
//! nothing here decides anything.

mod auth;
mod user;

pub use auth::Auth;
pub use user::User;
