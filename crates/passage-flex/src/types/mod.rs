//! Friendly types: what the operations return, converted once from the generated models.
//!
//! The open enums (`UserStatus`, `WebAuthnType`, `AppType` and the app settings' ones) are the
//! generated crate's own, re-exported: each wire value is spelled once, in the spec.

mod app;
mod device;
mod list_users;
mod user;

pub use app::{
    AppInfo, AppSecret, AppType, AuthMethods, ElementCustomization, FontFamily, LayoutConfig,
    Layouts, PasskeysAuthMethod, Technologies, ThemeType, TtlAuthMethod, TtlDisplayUnit,
    UserMetadataField, UserMetadataFieldType,
};
pub use device::{DeviceIcons, PasskeyDevice, WebAuthnType};
pub(crate) use list_users::UserQuery;
pub use list_users::{Compare, ListUsersOptions, SortDirection, TextMatch, UserField};
pub use user::{PassageUser, UserStatus, UserSummary};

use chrono::{DateTime, FixedOffset, Utc};

/// Every timestamp the SDK hands out is UTC, so they compare with each other and with
/// `Utc::now()` directly.
fn utc(timestamp: DateTime<FixedOffset>) -> DateTime<Utc> {
    timestamp.with_timezone(&Utc)
}

/// Counts arrive as `i32` from the generated models; Passage never sends a negative one.
fn count(value: i32) -> u32 {
    u32::try_from(value).unwrap_or(0)
}
