//! Answers decoded into everything the SDK hands its caller, typed the same way (timestamps as
//! `chrono` values, the app's hosted-UI settings in the same generated types): a hand-written
//! client returning the same data.

// Every field is decoded, which is the point; the benchmark then checks only IDs.
#![allow(dead_code)]

use chrono::{DateTime, Utc};
use passage_flex::app::{
    AuthMethods, ElementCustomization, Layouts, Technologies, ThemeType, UserMetadataField,
};
use serde::Deserialize;
use serde_json::{Map, Value};

#[derive(Deserialize)]
pub struct App {
    pub app: AppInfo,
}

#[derive(Deserialize)]
pub struct AppInfo {
    pub id: String,
    pub name: String,
    pub auth_origin: String,
    pub additional_auth_origins: Vec<String>,
    #[serde(rename = "type")]
    pub app_type: String,
    pub created_at: DateTime<Utc>,
    pub login_url: String,
    pub redirect_url: String,
    pub application_login_uri: String,
    pub allowed_callback_urls: Vec<String>,
    pub allowed_logout_urls: Vec<String>,
    pub hosted: bool,
    pub hosted_subdomain: String,
    pub hosted_theme: ThemeType,
    pub auto_theme_enabled: bool,
    pub public_signup: bool,
    pub profile_management: bool,
    pub passage_branding: bool,
    pub default_language: String,
    pub required_identifier: String,
    pub allowed_identifier: String,
    pub require_email_verification: bool,
    pub require_identifier_verification: bool,
    pub session_timeout_length: i32,
    pub refresh_enabled: bool,
    pub refresh_absolute_lifetime: i32,
    pub refresh_inactivity_lifetime: i32,
    pub id_token_lifetime: Option<i32>,
    pub rsa_public_key: String,
    pub role: String,
    pub secret: Option<String>,
    pub light_logo_url: Option<String>,
    pub dark_logo_url: Option<String>,
    // The hosted-UI settings, in the SDK's own (generated) types: the same decoding work.
    pub user_metadata_schema: Vec<UserMetadataField>,
    pub auth_methods: AuthMethods,
    pub auth_fallback_method: String,
    pub auth_fallback_method_ttl: i32,
    pub technologies: Vec<Technologies>,
    pub layouts: Layouts,
    pub element_customization: ElementCustomization,
    pub element_customization_dark: ElementCustomization,
}

#[derive(Deserialize)]
pub struct User {
    pub user: UserInfo,
}

#[derive(Deserialize)]
pub struct UserInfo {
    #[serde(flatten)]
    pub summary: UserSummary,
    pub webauthn: bool,
    pub webauthn_devices: Vec<Device>,
    pub webauthn_types: Vec<String>,
}

#[derive(Deserialize)]
pub struct UserSummary {
    pub id: String,
    pub external_id: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_login_at: DateTime<Utc>,
    pub login_count: u32,
    pub email: String,
    pub email_verified: bool,
    pub phone: String,
    pub phone_verified: bool,
    pub user_metadata: Option<Map<String, Value>>,
}

#[derive(Deserialize)]
pub struct Devices {
    pub devices: Vec<Device>,
}

#[derive(Deserialize)]
pub struct Device {
    pub id: String,
    pub cred_id: String,
    pub friendly_name: String,
    #[serde(rename = "type")]
    pub device_type: String,
    pub usage_count: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_login_at: DateTime<Utc>,
    pub icons: Icons,
}

#[derive(Deserialize)]
pub struct Icons {
    pub light: Option<String>,
    pub dark: Option<String>,
}

#[derive(Deserialize)]
pub struct Users {
    pub users: Vec<UserSummary>,
}
