//! Answers decoded into everything the SDK hands its caller, typed the same way (timestamps as
//! `chrono` values): a hand-written client returning the same data.

// Every field is decoded, which is the point; the benchmark then checks only IDs.
#![allow(dead_code)]

use chrono::{DateTime, Utc};
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
    pub allowed_callback_urls: Vec<String>,
    pub allowed_logout_urls: Vec<String>,
    pub hosted: bool,
    pub hosted_subdomain: String,
    pub public_signup: bool,
    pub default_language: String,
    pub session_timeout_length: i32,
    pub rsa_public_key: String,
    pub role: String,
    pub light_logo_url: Option<String>,
    pub dark_logo_url: Option<String>,
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
