//! A user's passkeys.

use super::{count, utc};
use chrono::{DateTime, Utc};
use passage_flex_openapi::models;

/// One passkey of a user, from [`PassageFlex::get_devices`](crate::PassageFlex::get_devices).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PasskeyDevice {
    /// The device ID, for [`PassageFlex::revoke_device`](crate::PassageFlex::revoke_device).
    pub id: String,
    /// The WebAuthn credential ID.
    pub cred_id: String,
    /// The name shown to the user.
    pub friendly_name: String,
    /// What kind of authenticator holds the passkey.
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
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct DeviceIcons {
    /// For light backgrounds.
    pub light: Option<String>,
    /// For dark backgrounds.
    pub dark: Option<String>,
}

/// The kind of authenticator a passkey lives on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WebAuthnType {
    /// A synced passkey.
    Passkey,
    /// A roaming security key.
    SecurityKey,
    /// A device-bound platform authenticator.
    Platform,
    /// A type this version of the SDK does not know, as sent.
    Unknown(String),
}

impl WebAuthnType {
    /// The value as the API spells it, such as `passkey`.
    pub fn as_str(&self) -> &str {
        match self {
            WebAuthnType::Passkey => "passkey",
            WebAuthnType::SecurityKey => "security_key",
            WebAuthnType::Platform => "platform",
            WebAuthnType::Unknown(other) => other,
        }
    }
}

impl std::fmt::Display for WebAuthnType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<models::WebAuthnType> for WebAuthnType {
    fn from(value: models::WebAuthnType) -> Self {
        match value {
            models::WebAuthnType::Passkey => WebAuthnType::Passkey,
            models::WebAuthnType::SecurityKey => WebAuthnType::SecurityKey,
            models::WebAuthnType::Platform => WebAuthnType::Platform,
            models::WebAuthnType::Unknown(other) => WebAuthnType::Unknown(other),
            other => WebAuthnType::Unknown(other.as_str().to_owned()),
        }
    }
}

impl From<models::WebAuthnDevices> for PasskeyDevice {
    fn from(device: models::WebAuthnDevices) -> Self {
        PasskeyDevice {
            id: device.id,
            cred_id: device.cred_id,
            friendly_name: device.friendly_name,
            device_type: device.r#type.into(),
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
