//! The app the API key belongs to.

use super::utc;
use chrono::{DateTime, Utc};
use passage_flex_openapi::models;

/// The Passage app, from [`PassageFlex::get_app`](crate::PassageFlex::get_app).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AppInfo {
    /// The app ID.
    pub id: String,
    /// The app's name.
    pub name: String,
    /// The origin the passkey ceremonies run on; its host is the WebAuthn relying-party ID.
    pub auth_origin: String,
    /// Further origins allowed to run ceremonies.
    pub additional_auth_origins: Vec<String>,
    /// `flex` for Passkey Flex apps.
    pub app_type: AppType,
    /// When the app was created.
    pub created_at: DateTime<Utc>,
    /// The app's login page.
    pub login_url: String,
    /// Where users go after logging in.
    pub redirect_url: String,
    /// Callback URLs the app allows.
    pub allowed_callback_urls: Vec<String>,
    /// Logout URLs the app allows.
    pub allowed_logout_urls: Vec<String>,
    /// Whether Passage hosts the login page.
    pub hosted: bool,
    /// The subdomain of the hosted login page.
    pub hosted_subdomain: String,
    /// Whether anyone may sign up.
    pub public_signup: bool,
    /// The default UI language.
    pub default_language: String,
    /// Session length, in seconds.
    pub session_timeout_length: i32,
    /// The public key that verifies Passage-issued tokens (PEM).
    pub rsa_public_key: String,
    /// The API key's role in the app.
    pub role: String,
    /// Logo for light backgrounds.
    pub light_logo_url: Option<String>,
    /// Logo for dark backgrounds.
    pub dark_logo_url: Option<String>,
}

/// The kind of Passage app.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AppType {
    /// A Passage Complete app (Passage manages users and sessions).
    Complete,
    /// A Passkey Flex app (the app manages users; Passage adds passkeys).
    Flex,
    /// A type this version of the SDK does not know, as sent.
    Unknown(String),
}

impl AppType {
    /// The value as the API spells it, such as `flex`.
    pub fn as_str(&self) -> &str {
        match self {
            AppType::Complete => "complete",
            AppType::Flex => "flex",
            AppType::Unknown(other) => other,
        }
    }
}

impl std::fmt::Display for AppType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<models::AppType> for AppType {
    fn from(value: models::AppType) -> Self {
        match value {
            models::AppType::Complete => AppType::Complete,
            models::AppType::Flex => AppType::Flex,
            models::AppType::Unknown(other) => AppType::Unknown(other),
        }
    }
}

impl From<models::AppInfo> for AppInfo {
    fn from(app: models::AppInfo) -> Self {
        // `secret` (sent to admins) is deliberately not carried over: it would end up in logs
        // through `Debug`.
        AppInfo {
            id: app.id,
            name: app.name,
            auth_origin: app.auth_origin,
            additional_auth_origins: app.additional_auth_origins,
            app_type: app.r#type.into(),
            created_at: utc(app.created_at),
            login_url: app.login_url,
            redirect_url: app.redirect_url,
            allowed_callback_urls: app.allowed_callback_urls,
            allowed_logout_urls: app.allowed_logout_urls,
            hosted: app.hosted,
            hosted_subdomain: app.hosted_subdomain,
            public_signup: app.public_signup,
            default_language: app.default_language,
            session_timeout_length: app.session_timeout_length,
            rsa_public_key: app.rsa_public_key,
            role: app.role,
            light_logo_url: app.light_logo_url,
            dark_logo_url: app.dark_logo_url,
        }
    }
}
