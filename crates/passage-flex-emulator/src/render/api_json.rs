//! The store's records as the API's JSON bodies, and the `_links` of a user listing, built from
//! the generated models so that every field name, type and nullability is the spec's.

use chrono::{DateTime, Utc};
use passage_flex_openapi::models;

use crate::config::AppConfig;
use crate::store::{Device, Page, User};
use crate::users_query::ListQuery;

pub(crate) fn app(config: &AppConfig) -> models::AppResponse {
    let ttl = |seconds| models::TtlAuthMethod {
        enabled: false,
        ttl: seconds,
        ttl_display_unit: models::TtlDisplayUnit::M,
    };
    models::AppResponse {
        app: models::AppInfo {
            id: config.app_id.clone(),
            name: config.name.clone(),
            auth_origin: config.auth_origin.clone(),
            r#type: models::AppType::Flex,
            created_at: time(config.created_at),
            login_url: "/".to_owned(),
            redirect_url: "/".to_owned(),
            application_login_uri: String::new(),
            allowed_callback_urls: Vec::new(),
            allowed_logout_urls: Vec::new(),
            additional_auth_origins: config.additional_auth_origins.clone(),
            hosted: false,
            hosted_subdomain: String::new(),
            hosted_theme: models::ThemeType::Auto,
            auto_theme_enabled: false,
            public_signup: true,
            profile_management: false,
            passage_branding: false,
            default_language: "en".to_owned(),
            // What Passage answers for a Flex app.
            required_identifier: "external".to_owned(),
            allowed_identifier: "external".to_owned(),
            require_email_verification: false,
            require_identifier_verification: false,
            session_timeout_length: 86_400,
            refresh_enabled: false,
            refresh_absolute_lifetime: 0,
            refresh_inactivity_lifetime: 0,
            id_token_lifetime: Some(None),
            rsa_public_key: String::new(),
            // A management API key is not an admin's: no role, and the secret comes back null.
            role: String::new(),
            secret: Some(None),
            light_logo_url: None,
            dark_logo_url: None,
            user_metadata_schema: Vec::new(),
            auth_methods: models::AuthMethods {
                passkeys: models::PasskeysAuthMethod { enabled: true },
                otp: ttl(300),
                magic_link: ttl(300),
            },
            auth_fallback_method: "none".to_owned(),
            auth_fallback_method_ttl: 300,
            technologies: Vec::new(),
            layouts: models::Layouts {
                registration: Vec::new(),
                profile: Vec::new(),
            },
            element_customization: models::ElementCustomization::default(),
            element_customization_dark: models::ElementCustomization::default(),
        },
    }
}

pub(crate) fn user(user: &User) -> models::UserResponse {
    let devices: Vec<_> = user.devices.iter().map(device).collect();
    models::UserResponse {
        user: models::UserInfo {
            id: user.id.clone(),
            external_id: user.external_id.clone(),
            status: user.status.clone(),
            created_at: time(user.created_at),
            updated_at: time(user.updated_at),
            last_login_at: time(user.last_login_at),
            login_count: user.login_count,
            email: user.email.clone(),
            email_verified: false,
            phone: user.phone.clone(),
            phone_verified: false,
            user_metadata: metadata(user),
            webauthn: !devices.is_empty(),
            webauthn_types: if devices.is_empty() {
                Vec::new()
            } else {
                vec![models::WebAuthnType::Passkey]
            },
            webauthn_devices: devices,
            // The emulator records no events and has no social logins.
            recent_events: Vec::new(),
            social_connections: models::UserSocialConnections::default(),
        },
    }
}

pub(crate) fn devices(devices: &[Device]) -> models::ListDevicesResponse {
    models::ListDevicesResponse {
        devices: devices.iter().map(device).collect(),
    }
}

pub(crate) fn user_list(
    page: Page,
    query: &ListQuery,
    app_id: &str,
) -> models::ListPaginatedUsersResponse {
    let current = i64::from(page.page);
    let link = |target: Option<i64>| models::Link {
        href: target
            .map(|p| page_href(query, app_id, p))
            .unwrap_or_default(),
    };
    let links = models::PaginatedLinks {
        first: link(Some(1)),
        last: link(Some(page.last_page)),
        next: link((current < page.last_page).then_some(current + 1)),
        previous: link((current > 1).then_some(current - 1)),
        param_self: link(Some(current)),
    };
    models::ListPaginatedUsersResponse {
        users: page.users.iter().map(list_item).collect(),
        total_users: page.total_users,
        page: page.page,
        limit: page.limit,
        created_before: page.created_before,
        _links: links,
    }
}

/// The `href` of another page of the same listing: the path and every parameter that shaped
/// this one, percent-encoded.
fn page_href(query: &ListQuery, app_id: &str, page: i64) -> String {
    let mut url = match url::Url::parse("http://emulator.invalid/") {
        Ok(url) => url,
        Err(_) => return String::new(),
    };
    if let Ok(mut segments) = url.path_segments_mut() {
        segments.clear().extend(["v1", "apps", app_id, "users"]);
    }
    {
        let mut pairs = url.query_pairs_mut();
        pairs.append_pair("page", &page.to_string());
        for (name, value) in query.parameters() {
            pairs.append_pair(name, &value);
        }
    }
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    }
}

fn list_item(user: &User) -> models::ListPaginatedUsersItem {
    models::ListPaginatedUsersItem {
        id: user.id.clone(),
        external_id: user.external_id.clone(),
        status: user.status.clone(),
        created_at: time(user.created_at),
        updated_at: time(user.updated_at),
        last_login_at: time(user.last_login_at),
        login_count: user.login_count,
        email: user.email.clone(),
        email_verified: false,
        phone: user.phone.clone(),
        phone_verified: false,
        user_metadata: metadata(user),
    }
}

fn device(device: &Device) -> models::WebAuthnDevices {
    models::WebAuthnDevices {
        id: device.id.clone(),
        cred_id: device.cred_id.clone(),
        friendly_name: device.friendly_name.clone(),
        r#type: models::WebAuthnType::Passkey,
        usage_count: device.usage_count,
        created_at: time(device.created_at),
        updated_at: time(device.updated_at),
        last_login_at: time(device.last_login_at),
        // The emulator knows no passkey providers, so it has no provider icons.
        icons: models::WebAuthnIcons {
            light: None,
            dark: None,
        },
    }
}

fn metadata(user: &User) -> Option<std::collections::HashMap<String, serde_json::Value>> {
    user.user_metadata
        .as_ref()
        .map(|m| m.clone().into_iter().collect())
}

fn time(instant: DateTime<Utc>) -> DateTime<chrono::FixedOffset> {
    instant.fixed_offset()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_carry_the_whole_query() {
        let query = ListQuery::parse(
            Some("identifier=like:a%20b&order_by=id:DESC,created_at:ASC&limit=2&x=y"),
            7,
        )
        .unwrap();
        assert_eq!(
            page_href(&query, "my app", 3),
            "/v1/apps/my%20app/users?page=3&limit=2&order_by=id%3ADESC%2Ccreated_at%3AASC\
             &created_before=7&identifier=like%3Aa+b"
        );
        let defaults = ListQuery::parse(None, 9).unwrap();
        assert_eq!(
            page_href(&defaults, "app", 1),
            "/v1/apps/app/users?page=1&limit=15&order_by=created_at%3ADESC&created_before=9"
        );
    }
}
