//! The state file's format: what of the store outlives a restart (users, their passkeys with
//! their public keys and sign counts, the app's creation time) and how it is written.
//!
//! Transactions, handshakes and nonces live for minutes and are not saved: a restart ends them.
//! The format carries its own name and version; this emulator reads version
//! [`FORMAT_VERSION`] and older, and refuses a newer one instead of guessing at it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use webauthn_rs::prelude::Passkey;

use passage_flex_openapi::models::UserStatus;

use super::{Data, Device, User};

/// The name every state file carries, so that another JSON file is not mistaken for one.
const FORMAT_NAME: &str = "passage-flex-emulator state";
/// The version this emulator writes, and the newest it reads.
pub(super) const FORMAT_VERSION: u32 = 1;

/// What a state file held.
pub(super) struct Restored {
    pub users: HashMap<String, User>,
    pub next_sequence: u64,
    pub app_created_at: DateTime<Utc>,
}

/// The first fields, read alone so that a newer format is named as such, not as corrupt.
#[derive(Deserialize)]
struct Header {
    format: String,
    version: u32,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SavedState {
    format: String,
    version: u32,
    app_id: String,
    app_created_at: DateTime<Utc>,
    next_sequence: u64,
    users: Vec<SavedUser>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SavedUser {
    id: String,
    external_id: String,
    /// Written as the API spells it; read back only as one of the spec's values.
    status: UserStatus,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    last_login_at: DateTime<Utc>,
    login_count: i32,
    email: String,
    phone: String,
    user_metadata: Option<Map<String, Value>>,
    sequence: u64,
    /// The WebAuthn user handle, a UUID.
    handle: uuid::Uuid,
    devices: Vec<SavedDevice>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SavedDevice {
    id: String,
    cred_id: String,
    friendly_name: String,
    usage_count: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    last_login_at: DateTime<Utc>,
    /// webauthn-rs's own serialisation of the verified credential.
    passkey: Option<Passkey>,
}

/// The saved part of `data`, as the bytes of a state file.
pub(super) fn encode(
    app_id: &str,
    app_created_at: DateTime<Utc>,
    data: &Data,
) -> Result<Vec<u8>, String> {
    let mut users: Vec<&User> = data.users.values().collect();
    users.sort_by_key(|user| user.sequence);
    let state = SavedState {
        format: FORMAT_NAME.to_owned(),
        version: FORMAT_VERSION,
        app_id: app_id.to_owned(),
        app_created_at,
        next_sequence: data.next_sequence,
        users: users.into_iter().map(saved_user).collect(),
    };
    serde_json::to_vec_pretty(&state).map_err(|err| format!("cannot encode the state: {err}"))
}

/// The state in `bytes`, or why it cannot be used (each reason says what to do).
pub(super) fn decode(app_id: &str, bytes: &[u8]) -> Result<Restored, String> {
    let header: Header = serde_json::from_slice(bytes)
        .map_err(|err| format!("it is not a state file of this emulator ({err})"))?;
    if header.format != FORMAT_NAME {
        return Err(format!(
            "it is not a state file of this emulator (its format is {:?})",
            header.format
        ));
    }
    if header.version > FORMAT_VERSION {
        return Err(format!(
            "it was written by a newer emulator (format version {}; this one reads up to {}): \
             upgrade the emulator or use another state file",
            header.version, FORMAT_VERSION
        ));
    }
    let state: SavedState =
        serde_json::from_slice(bytes).map_err(|err| format!("it is damaged ({err})"))?;
    if state.app_id != app_id {
        return Err(format!(
            "it holds the users of app {:?}, and this emulator serves app {app_id:?}",
            state.app_id
        ));
    }
    let mut users = HashMap::with_capacity(state.users.len());
    let mut external_ids = std::collections::HashSet::new();
    for saved in state.users {
        if !external_ids.insert(saved.external_id.clone()) {
            return Err(format!(
                "it is damaged (two users have the external ID {:?})",
                saved.external_id
            ));
        }
        if let UserStatus::Unknown(status) = &saved.status {
            return Err(format!(
                "it is damaged (the user {:?} has the unknown status {status:?})",
                saved.id
            ));
        }
        let user = restored_user(saved);
        if users.insert(user.id.clone(), user).is_some() {
            return Err("it is damaged (two users have the same ID)".to_owned());
        }
    }
    let next_sequence = users
        .values()
        .map(|user| user.sequence.saturating_add(1))
        .max()
        .unwrap_or(0)
        .max(state.next_sequence);
    Ok(Restored {
        users,
        next_sequence,
        app_created_at: state.app_created_at,
    })
}

fn saved_user(user: &User) -> SavedUser {
    SavedUser {
        id: user.id.clone(),
        external_id: user.external_id.clone(),
        status: user.status.clone(),
        created_at: user.created_at,
        updated_at: user.updated_at,
        last_login_at: user.last_login_at,
        login_count: user.login_count,
        email: user.email.clone(),
        phone: user.phone.clone(),
        user_metadata: user.user_metadata.clone(),
        sequence: user.sequence,
        handle: user.handle,
        devices: user
            .devices
            .iter()
            .map(|device| SavedDevice {
                id: device.id.clone(),
                cred_id: device.cred_id.clone(),
                friendly_name: device.friendly_name.clone(),
                usage_count: device.usage_count,
                created_at: device.created_at,
                updated_at: device.updated_at,
                last_login_at: device.last_login_at,
                passkey: device.passkey.clone(),
            })
            .collect(),
    }
}

fn restored_user(saved: SavedUser) -> User {
    User {
        id: saved.id,
        external_id: saved.external_id,
        status: saved.status,
        created_at: saved.created_at,
        updated_at: saved.updated_at,
        last_login_at: saved.last_login_at,
        login_count: saved.login_count,
        email: saved.email,
        phone: saved.phone,
        user_metadata: saved.user_metadata,
        sequence: saved.sequence,
        handle: saved.handle,
        devices: saved
            .devices
            .into_iter()
            .map(|device| Device {
                id: device.id,
                cred_id: device.cred_id,
                friendly_name: device.friendly_name,
                usage_count: device.usage_count,
                created_at: device.created_at,
                updated_at: device.updated_at,
                last_login_at: device.last_login_at,
                passkey: device.passkey,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_with_status(status: &str) -> String {
        format!(
            r#"{{"format": "{FORMAT_NAME}", "version": {FORMAT_VERSION}, "app_id": "app",
            "app_created_at": "2024-06-01T00:00:00Z", "next_sequence": 1, "users": [{{
            "id": "u1", "external_id": "ada", "status": "{status}",
            "created_at": "2024-06-01T00:00:00Z", "updated_at": "2024-06-01T00:00:00Z",
            "last_login_at": "2024-06-01T00:00:00Z", "login_count": 0, "email": "", "phone": "",
            "user_metadata": null, "sequence": 0,
            "handle": "67e55044-10b1-426f-9247-bb680e5fe0c8", "devices": []}}]}}"#
        )
    }

    /// Statuses are written and read as the API spells them; one the spec does not list is a
    /// damaged file, not a user with a status no rule knows.
    #[test]
    fn statuses_are_the_specs() {
        for status in [
            UserStatus::Active,
            UserStatus::Inactive,
            UserStatus::Pending,
        ] {
            let restored = decode("app", file_with_status(status.as_str()).as_bytes())
                .expect("a state file the emulator writes");
            assert_eq!(restored.users["u1"].status, status);
        }
        let refusal = decode("app", file_with_status("banned").as_bytes())
            .err()
            .expect("an unknown status");
        assert!(refusal.starts_with("it is damaged"), "{refusal}");
        assert!(refusal.contains("\"banned\""), "{refusal}");
    }
}
