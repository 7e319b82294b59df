//! A user's passkeys.

use super::{count, utc};
use chrono::{DateTime, Utc};
use passage_flex_openapi::models;
use serde::{Deserialize, Serialize};

pub use passage_flex_openapi::models::WebAuthnType;

/// One passkey of a user, from [`PassageFlex::get_devices`](crate::PassageFlex::get_devices).
///
/// Serializes with Passage's field names (`type` for [`device_type`](Self::device_type)) and
/// RFC 3339 timestamps, as the official crate's device did, so that it can be handed on as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PasskeyDevice {
    /// The device ID, for [`PassageFlex::revoke_device`](crate::PassageFlex::revoke_device).
    pub id: String,
    /// The WebAuthn credential ID.
    pub cred_id: String,
    /// The name shown to the user.
    pub friendly_name: String,
    /// What kind of authenticator holds the passkey.
    #[serde(rename = "type")]
    pub device_type: WebAuthnType,
    /// How many times it was used to log in.
    pub usage_count: u32,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// When it was last used to log in.
    pub last_login_at: DateTime<Utc>,
    /// The passkey provider's icons.
    pub icons: DeviceIcons,
}

/// Data-URI SVG icons of the passkey provider (for example a password manager).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DeviceIcons {
    /// For light backgrounds.
    pub light: Option<String>,
    /// For dark backgrounds.
    pub dark: Option<String>,
}

impl From<models::WebAuthnDevices> for PasskeyDevice {
    fn from(device: models::WebAuthnDevices) -> Self {
        PasskeyDevice {
            id: device.id,
            cred_id: device.cred_id,
            friendly_name: device.friendly_name,
            device_type: device.r#type,
            usage_count: count(device.usage_count),
            created_at: utc(device.created_at),
            updated_at: utc(device.updated_at),
            last_login_at: utc(device.last_login_at),
            icons: DeviceIcons {
                light: device.icons.light,
                dark: device.icons.dark,
            },
        }
    }
}
