//! The app the API key belongs to.

use super::utc;
use chrono::{DateTime, Utc};
use passage_flex_openapi::models;

pub use passage_flex_openapi::models::{
    AppType, AuthMethods, ElementCustomization, FontFamily, LayoutConfig, Layouts,
    PasskeysAuthMethod, Technologies, ThemeType, TtlAuthMethod, TtlDisplayUnit, UserMetadataField,
    UserMetadataFieldType,
};

/// The Passage app, from [`PassageFlex::get_app`](crate::PassageFlex::get_app): every field
/// Passage sends.
///
/// The hosted-UI settings (`layouts`, `element_customization`...) are the low-level crate's
/// types, re-exported here; their enums keep values this version does not know in an
/// `Unknown(String)` variant.
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
    /// The app's own login URI, for Passage-initiated logins.
    pub application_login_uri: String,
    /// Callback URLs the app allows.
    pub allowed_callback_urls: Vec<String>,
    /// Logout URLs the app allows.
    pub allowed_logout_urls: Vec<String>,
    /// Whether Passage hosts the login page.
    pub hosted: bool,
    /// The subdomain of the hosted login page.
    pub hosted_subdomain: String,
    /// The hosted page's theme.
    pub hosted_theme: ThemeType,
    /// Whether the theme follows the user's system setting.
    pub auto_theme_enabled: bool,
    /// Whether anyone may sign up.
    pub public_signup: bool,
    /// Whether users may manage their own profile.
    pub profile_management: bool,
    /// Whether Passage's branding is shown.
    pub passage_branding: bool,
    /// The default UI language.
    pub default_language: String,
    /// The identifier users must have; `external` for a Flex app.
    pub required_identifier: String,
    /// The identifiers users may have; `external` for a Flex app.
    pub allowed_identifier: String,
    /// Whether an email must be verified.
    pub require_email_verification: bool,
    /// Whether the identifier must be verified.
    pub require_identifier_verification: bool,
    /// Session length, in seconds.
    pub session_timeout_length: i32,
    /// Whether refresh tokens are issued.
    pub refresh_enabled: bool,
    /// A refresh token's absolute lifetime, in seconds.
    pub refresh_absolute_lifetime: i32,
    /// A refresh token's lifetime without use, in seconds.
    pub refresh_inactivity_lifetime: i32,
    /// An ID token's lifetime, in seconds, if set.
    pub id_token_lifetime: Option<i32>,
    /// The public key that verifies Passage-issued tokens (PEM).
    pub rsa_public_key: String,
    /// The API key's role in the app; empty for a non-admin key.
    pub role: String,
    /// The app's secret, shown to admins only; redacted in `Debug`.
    pub secret: Option<AppSecret>,
    /// Logo for light backgrounds.
    pub light_logo_url: Option<String>,
    /// Logo for dark backgrounds.
    pub dark_logo_url: Option<String>,
    /// The app's own user metadata fields.
    pub user_metadata_schema: Vec<UserMetadataField>,
    /// Which login methods are on.
    pub auth_methods: AuthMethods,
    /// Deprecated by Passage, still sent: the fallback login method.
    pub auth_fallback_method: String,
    /// Deprecated by Passage, still sent: the fallback method's lifetime, in seconds.
    pub auth_fallback_method_ttl: i32,
    /// The technologies the app says it is built with.
    pub technologies: Vec<Technologies>,
    /// Where fields sit on the hosted registration and profile pages.
    pub layouts: Layouts,
    /// Passage elements' look on light backgrounds.
    pub element_customization: ElementCustomization,
    /// Passage elements' look on dark backgrounds.
    pub element_customization_dark: ElementCustomization,
}

/// The app's secret, which Passage shows to admins only. Its `Debug` is redacted, so an
/// [`AppInfo`] can be logged; [`AppSecret::expose`] gives the value.
#[derive(Clone, PartialEq, Eq)]
pub struct AppSecret(String);

impl AppSecret {
    /// The secret itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for AppSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AppSecret([redacted])")
    }
}

impl From<models::AppInfo> for AppInfo {
    fn from(app: models::AppInfo) -> Self {
        AppInfo {
            id: app.id,
            name: app.name,
            auth_origin: app.auth_origin,
            additional_auth_origins: app.additional_auth_origins,
            app_type: app.r#type,
            created_at: utc(app.created_at),
            login_url: app.login_url,
            redirect_url: app.redirect_url,
            application_login_uri: app.application_login_uri,
            allowed_callback_urls: app.allowed_callback_urls,
            allowed_logout_urls: app.allowed_logout_urls,
            hosted: app.hosted,
            hosted_subdomain: app.hosted_subdomain,
            hosted_theme: app.hosted_theme,
            auto_theme_enabled: app.auto_theme_enabled,
            public_signup: app.public_signup,
            profile_management: app.profile_management,
            passage_branding: app.passage_branding,
            default_language: app.default_language,
            required_identifier: app.required_identifier,
            allowed_identifier: app.allowed_identifier,
            require_email_verification: app.require_email_verification,
            require_identifier_verification: app.require_identifier_verification,
            session_timeout_length: app.session_timeout_length,
            refresh_enabled: app.refresh_enabled,
            refresh_absolute_lifetime: app.refresh_absolute_lifetime,
            refresh_inactivity_lifetime: app.refresh_inactivity_lifetime,
            // Absent and JSON null mean the same here: not set.
            id_token_lifetime: app.id_token_lifetime.flatten(),
            rsa_public_key: app.rsa_public_key,
            role: app.role,
            secret: app.secret.flatten().map(AppSecret),
            light_logo_url: app.light_logo_url,
            dark_logo_url: app.dark_logo_url,
            user_metadata_schema: app.user_metadata_schema,
            auth_methods: app.auth_methods,
            auth_fallback_method: app.auth_fallback_method,
            auth_fallback_method_ttl: app.auth_fallback_method_ttl,
            technologies: app.technologies,
            layouts: app.layouts,
            element_customization: app.element_customization,
            element_customization_dark: app.element_customization_dark,
        }
    }
}
