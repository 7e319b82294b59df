//! Users, as one user and as a list entry.

use super::{PasskeyDevice, WebAuthnType, count, utc};
use chrono::{DateTime, Utc};
use passage_flex_openapi::models;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

pub use passage_flex_openapi::models::UserStatus;

/// A user with their passkeys, from [`PassageFlex::get_user`](crate::PassageFlex::get_user).
///
/// Serializes with Passage's field names and RFC 3339 timestamps, as the official crate's user
/// did, so that it can be handed on as JSON (and read back, say for a test fixture).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PassageUser {
    /// The Passage user ID.
    pub id: String,
    /// Your app's identifier for the user.
    pub external_id: String,
    /// Whether the user may log in.
    pub status: UserStatus,
    /// When the user was created.
    pub created_at: DateTime<Utc>,
    /// When the user last changed.
    pub updated_at: DateTime<Utc>,
    /// When the user last logged in.
    pub last_login_at: DateTime<Utc>,
    /// How many times the user logged in.
    pub login_count: u32,
    /// The user's email, if any (empty for most Flex users).
    pub email: String,
    /// Whether the email is verified.
    pub email_verified: bool,
    /// The user's phone number, if any.
    pub phone: String,
    /// Whether the phone number is verified.
    pub phone_verified: bool,
    /// Your app's metadata for the user (a JSON object), if any.
    pub user_metadata: Option<serde_json::Value>,
    /// Whether the user has at least one passkey.
    pub webauthn: bool,
    /// The user's passkeys.
    pub webauthn_devices: Vec<PasskeyDevice>,
    /// The kinds of authenticator the user's passkeys live on.
    pub webauthn_types: Vec<WebAuthnType>,
}

/// A user as listed by [`PassageFlex::list_users`](crate::PassageFlex::list_users): the user
/// without their passkeys. Serializes as [`PassageUser`] does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserSummary {
    /// The Passage user ID.
    pub id: String,
    /// Your app's identifier for the user.
    pub external_id: String,
    /// Whether the user may log in.
    pub status: UserStatus,
    /// When the user was created.
    pub created_at: DateTime<Utc>,
    /// When the user last changed.
    pub updated_at: DateTime<Utc>,
    /// When the user last logged in.
    pub last_login_at: DateTime<Utc>,
    /// How many times the user logged in.
    pub login_count: u32,
    /// The user's email, if any.
    pub email: String,
    /// Whether the email is verified.
    pub email_verified: bool,
    /// The user's phone number, if any.
    pub phone: String,
    /// Whether the phone number is verified.
    pub phone_verified: bool,
    /// Your app's metadata for the user (a JSON object), if any.
    pub user_metadata: Option<serde_json::Value>,
}

fn metadata(value: Option<HashMap<String, serde_json::Value>>) -> Option<serde_json::Value> {
    value.map(|map| serde_json::Value::Object(map.into_iter().collect()))
}

impl From<models::UserInfo> for PassageUser {
    fn from(user: models::UserInfo) -> Self {
        PassageUser {
            id: user.id,
            external_id: user.external_id,
            status: user.status,
            created_at: utc(user.created_at),
            updated_at: utc(user.updated_at),
            last_login_at: utc(user.last_login_at),
            login_count: count(user.login_count),
            email: user.email,
            email_verified: user.email_verified,
            phone: user.phone,
            phone_verified: user.phone_verified,
            user_metadata: metadata(user.user_metadata),
            webauthn: user.webauthn,
            webauthn_devices: user.webauthn_devices.into_iter().map(Into::into).collect(),
            webauthn_types: user.webauthn_types,
        }
    }
}

impl From<models::ListPaginatedUsersItem> for UserSummary {
    fn from(user: models::ListPaginatedUsersItem) -> Self {
        UserSummary {
            id: user.id,
            external_id: user.external_id,
            status: user.status,
            created_at: utc(user.created_at),
            updated_at: utc(user.updated_at),
            last_login_at: utc(user.last_login_at),
            login_count: count(user.login_count),
            email: user.email,
            email_verified: user.email_verified,
            phone: user.phone,
            phone_verified: user.phone_verified,
            user_metadata: metadata(user.user_metadata),
        }
    }
}
