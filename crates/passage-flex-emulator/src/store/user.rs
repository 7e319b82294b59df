//! The records the store keeps: a user and its passkey devices, and the fields an update may
//! change.

use chrono::{DateTime, Utc};
use passage_flex_openapi::models::UserStatus;
use serde_json::{Map, Value};

use super::{new_id, timestamp_now};

/// A user as the emulator keeps it.
#[derive(Debug, Clone)]
pub(crate) struct User {
    pub id: String,
    pub external_id: String,
    pub status: UserStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The creation time until the first login: the API's schema has no "never".
    pub last_login_at: DateTime<Utc>,
    pub login_count: i32,
    pub email: String,
    pub phone: String,
    pub user_metadata: Option<Map<String, Value>>,
    pub devices: Vec<Device>,
    /// Creation order, to break ties between users created in the same microsecond.
    pub sequence: u64,
    /// The WebAuthn user handle: the `user.id` of registrations, the `userHandle` of assertions.
    pub handle: uuid::Uuid,
}

impl User {
    /// Adds a passkey device (`passkey` is `None` for one the control endpoint makes up); a
    /// pending user becomes active. Returns the device's ID.
    pub(super) fn add_device(
        &mut self,
        friendly_name: String,
        cred_id: String,
        passkey: Option<webauthn_rs::prelude::Passkey>,
    ) -> String {
        let timestamp = timestamp_now();
        let id = new_id();
        self.devices.push(Device {
            id: id.clone(),
            cred_id,
            friendly_name,
            usage_count: 0,
            created_at: timestamp,
            updated_at: timestamp,
            last_login_at: timestamp,
            passkey,
        });
        if self.status == UserStatus::Pending {
            self.status = UserStatus::Active;
        }
        self.updated_at = timestamp;
        id
    }

    /// Counts a login with the device at `index` on the device and the user; returns the
    /// device's ID.
    pub(super) fn count_login(&mut self, index: usize) -> Option<String> {
        let timestamp = timestamp_now();
        let device = self.devices.get_mut(index)?;
        device.usage_count = device.usage_count.saturating_add(1);
        device.last_login_at = timestamp;
        device.updated_at = timestamp;
        let id = device.id.clone();
        self.login_count = self.login_count.saturating_add(1);
        self.last_login_at = timestamp;
        self.updated_at = timestamp;
        Some(id)
    }
}

/// One passkey of a user.
#[derive(Debug, Clone)]
pub(crate) struct Device {
    pub id: String,
    pub cred_id: String,
    pub friendly_name: String,
    pub usage_count: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_login_at: DateTime<Utc>,
    /// The verified public key, for devices registered by a real WebAuthn ceremony; `None` for
    /// devices the control endpoint made up, which cannot log in by WebAuthn.
    pub passkey: Option<webauthn_rs::prelude::Passkey>,
}

/// The fields an update may change; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub(crate) struct UserUpdate {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub user_metadata: Option<Map<String, Value>>,
}
