//! Fake: the in-process emulator, driven by Passage's own crate.
//!
//! Proof against a client that is not ours: Passage's own crate, `passage_flex` from crates.io,
//! drives the emulator. Its `openapi` module was generated from Passage's spec, so every success
//! must decode into its models and every refusal into its typed error entities (never
//! `UnknownValue`), just as they do against Passage.
//!
//! 1.0.2 is the current crate (7 operations); 0.1.3 is only here for `getApp`, which 1.0 dropped.
//! Its high-level `PassageFlex` cannot be pointed anywhere but `https://api.passage.id`, so the
//! tests call the generated functions with a `Configuration` of their own, whose `base_path` is
//! what `PassageFlex` builds: `{origin}/v1/apps/{app_id}`.
//!
//! The entities are untagged enums of `ModelNNNError`s whose `code`s are closed enums, so serde
//! takes the first variant whose code fits: Passage's 400 `invalid_nonce` decodes as
//! `Status401` (the only model with that code) while the HTTP status stays 400.

use chrono::DateTime;
use official::openapi::apis::authenticate_api::{self, AuthenticateVerifyNonceError};
use official::openapi::apis::configuration::Configuration;
use official::openapi::apis::transactions_api::{
    self, CreateAuthenticateTransactionError, CreateRegisterTransactionError,
};
use official::openapi::apis::user_devices_api::{
    self, DeleteUserDevicesError, ListUserDevicesError,
};
use official::openapi::apis::users_api::{self, GetUserError, ListPaginatedUsersError};
use official::openapi::apis::{Error, ResponseContent};
use official::openapi::models::{
    self, CreateTransactionAuthenticateRequest, CreateTransactionRegisterRequest,
    ListPaginatedUsersResponse, Model400Error, Model401Error, Model404Error, Model409Error, Nonce,
    model_400_error, model_401_error, model_404_error, model_409_error,
};
use official_v0::openapi::apis::apps_api::{self, GetAppError};
use official_v0::openapi::apis::configuration::Configuration as ConfigurationV0;
use passage_flex_emulator::Emulator;
use passage_flex_emulator::browser::PasskeyBrowser;
use serde_json::Value;

/// The official client's configuration for `app_id` on the emulator, with `key` (or none).
fn configuration_for(emulator: &Emulator, app_id: &str, key: Option<&str>) -> Configuration {
    Configuration {
        base_path: format!("{}/v1/apps/{app_id}", emulator.base_url()),
        bearer_access_token: key.map(str::to_owned),
        ..Configuration::new()
    }
}

/// The official client's configuration for the emulated app and its key.
fn configuration(emulator: &Emulator) -> Configuration {
    configuration_for(emulator, emulator.app_id(), Some(emulator.api_key()))
}

/// The same for 0.1.3, whose `getApp` requests `{base_path}/`.
fn configuration_v0(emulator: &Emulator, app_id: &str, key: Option<&str>) -> ConfigurationV0 {
    ConfigurationV0 {
        base_path: format!("{}/v1/apps/{app_id}", emulator.base_url()),
        bearer_access_token: key.map(str::to_owned),
        ..ConfigurationV0::new()
    }
}

async fn start() -> (Emulator, Configuration) {
    let emulator = Emulator::start().await.expect("the emulator starts");
    let config = configuration(&emulator);
    (emulator, config)
}

/// The refusal's HTTP status and decoded entity; panics on a success, a transport or decoding
/// failure, or a body that is no entity at all.
fn refusal<T: std::fmt::Debug, E: std::fmt::Debug>(
    what: &str,
    result: Result<T, Error<E>>,
) -> (u16, E) {
    match result {
        Err(Error::ResponseError(ResponseContent {
            status,
            entity: Some(entity),
            ..
        })) => (status.as_u16(), entity),
        other => panic!("{what}: expected a refusal with an entity, got {other:?}"),
    }
}

/// [`refusal`] for 0.1.3, whose `Error` is its own type.
fn refusal_v0<T: std::fmt::Debug, E: std::fmt::Debug>(
    what: &str,
    result: Result<T, official_v0::openapi::apis::Error<E>>,
) -> (u16, E) {
    match result {
        Err(official_v0::openapi::apis::Error::ResponseError(
            official_v0::openapi::apis::ResponseContent {
                status,
                entity: Some(entity),
                ..
            },
        )) => (status.as_u16(), entity),
        other => panic!("{what}: expected a refusal with an entity, got {other:?}"),
    }
}

async fn register_transaction(config: &Configuration, external_id: &str) -> String {
    transactions_api::create_register_transaction(
        config,
        CreateTransactionRegisterRequest {
            external_id: external_id.to_owned(),
            passkey_display_name: format!("{external_id}'s passkey"),
        },
    )
    .await
    .expect("createRegisterTransaction")
    .transaction_id
}

async fn authenticate_transaction(config: &Configuration, external_id: &str) -> String {
    transactions_api::create_authenticate_transaction(
        config,
        CreateTransactionAuthenticateRequest {
            external_id: external_id.to_owned(),
        },
    )
    .await
    .expect("createAuthenticateTransaction")
    .transaction_id
}

async fn verify(
    config: &Configuration,
    nonce: &str,
) -> Result<String, Error<AuthenticateVerifyNonceError>> {
    authenticate_api::authenticate_verify_nonce(
        config,
        Nonce {
            nonce: nonce.to_owned(),
        },
    )
    .await
    .map(|verified| verified.external_id)
}

/// Registers a passkey for `external_id` with a real ceremony; returns the browser holding it.
async fn register(
    emulator: &Emulator,
    config: &Configuration,
    external_id: &str,
) -> PasskeyBrowser {
    let mut browser = PasskeyBrowser::new(emulator);
    let transaction = register_transaction(config, external_id).await;
    let nonce = browser.register(&transaction).await.expect("registration");
    assert_eq!(verify(config, &nonce).await.unwrap(), external_id);
    browser
}

/// `listPaginatedUsers` with only the filters given.
#[derive(Default)]
struct ListQuery<'a> {
    page: Option<i32>,
    limit: Option<i32>,
    created_before: Option<i32>,
    order_by: Option<&'a str>,
    identifier: Option<&'a str>,
    id: Option<&'a str>,
    login_count: Option<i32>,
    status: Option<&'a str>,
    created_at: Option<&'a str>,
    updated_at: Option<&'a str>,
    last_login_at: Option<&'a str>,
}

async fn list(
    config: &Configuration,
    query: ListQuery<'_>,
) -> Result<ListPaginatedUsersResponse, Error<ListPaginatedUsersError>> {
    users_api::list_paginated_users(
        config,
        query.page,
        query.limit,
        query.created_before,
        query.order_by,
        query.identifier,
        query.id,
        query.login_count,
        query.status,
        query.created_at,
        query.updated_at,
        query.last_login_at,
    )
    .await
}

fn external_ids(page: &ListPaginatedUsersResponse) -> Vec<&str> {
    page.users.iter().map(|u| u.external_id.as_str()).collect()
}

/// The Passage user ID of `external_id`, found as the SDKs find it.
async fn user_id(config: &Configuration, external_id: &str) -> String {
    let page = list(
        config,
        ListQuery {
            identifier: Some(external_id),
            limit: Some(1),
            ..ListQuery::default()
        },
    )
    .await
    .expect("listPaginatedUsers by identifier");
    assert_eq!(external_ids(&page), [external_id]);
    page.users[0].id.clone()
}

fn timestamp(value: &str) -> DateTime<chrono::FixedOffset> {
    DateTime::parse_from_rfc3339(value).unwrap_or_else(|e| panic!("{value:?}: {e}"))
}

#[tokio::test]
async fn real_ceremonies_register_and_log_in_and_the_official_client_verifies_each_nonce() {
    let (emulator, config) = start().await;
    let mut browser = PasskeyBrowser::new(&emulator);

    let transaction = register_transaction(&config, "ada").await;
    assert!(!transaction.is_empty());
    let nonce = browser.register(&transaction).await.unwrap();
    assert_eq!(verify(&config, &nonce).await.unwrap(), "ada");

    let transaction = authenticate_transaction(&config, "ada").await;
    assert!(!transaction.is_empty());
    let nonce = browser.authenticate(Some(&transaction)).await.unwrap();
    assert_eq!(verify(&config, &nonce).await.unwrap(), "ada");

    // The emulator's own stand-in for the browser gives a nonce the official client verifies too.
    let transaction = authenticate_transaction(&config, "ada").await;
    let completed: Value = reqwest::Client::new()
        .post(format!(
            "{}/emulator/apps/{}/transactions/{transaction}/complete",
            emulator.base_url(),
            emulator.app_id()
        ))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .json()
        .await
        .unwrap();
    let nonce = completed["nonce"].as_str().expect("a nonce");
    assert_eq!(verify(&config, nonce).await.unwrap(), "ada");
}

#[tokio::test]
async fn a_reused_or_made_up_nonce_is_a_typed_400_invalid_nonce() {
    let (emulator, config) = start().await;
    let mut browser = PasskeyBrowser::new(&emulator);
    let transaction = register_transaction(&config, "ada").await;
    let nonce = browser.register(&transaction).await.unwrap();
    assert_eq!(verify(&config, &nonce).await.unwrap(), "ada");

    for (what, nonce) in [
        ("a reused nonce", nonce.as_str()),
        ("a made-up nonce", "nope"),
    ] {
        let (status, entity) = refusal(what, verify(&config, nonce).await);
        assert_eq!(status, 400, "{what}: {entity:?}");
        match entity {
            AuthenticateVerifyNonceError::Status401(Model401Error {
                code: model_401_error::Code::Nonce,
                error,
            }) => assert!(!error.is_empty()),
            other => panic!("{what}: expected the typed invalid_nonce, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn list_paginated_users_decodes_with_passages_defaults() {
    let (emulator, config) = start().await;
    for external_id in ["ada", "grace", "linus"] {
        register(&emulator, &config, external_id).await;
    }

    let page = list(&config, ListQuery::default()).await.unwrap();
    assert_eq!(page.total_users, 3);
    assert_eq!((page.page, page.limit), (1, 15), "Passage's default page");
    assert!(page.created_before > 0);
    let mut ids = external_ids(&page);
    ids.sort_unstable();
    assert_eq!(ids, ["ada", "grace", "linus"]);
    let created: Vec<_> = page
        .users
        .iter()
        .map(|u| timestamp(&u.created_at))
        .collect();
    assert!(
        created.windows(2).all(|pair| pair[0] >= pair[1]),
        "Passage's default order is created_at:DESC: {created:?}"
    );
    for user in &page.users {
        assert_eq!(user.status, models::UserStatus::Active, "{user:?}");
        assert!(!user.id.is_empty());
    }
    let links = &page._links;
    let self_href = links.param_self.href.replace("%3A", ":");
    assert!(self_href.contains("limit=15"), "{self_href}");
    assert!(
        self_href.contains("order_by=created_at:DESC"),
        "{self_href}"
    );
    assert!(!links.first.href.is_empty() && !links.last.href.is_empty());
    assert_eq!(
        (links.previous.href.as_str(), links.next.href.as_str()),
        ("", ""),
        "one page: no previous, no next"
    );
}

#[tokio::test]
async fn list_paginated_users_decodes_with_each_filter() {
    let (emulator, config) = start().await;
    let mut ada = register(&emulator, &config, "ada").await;
    register(&emulator, &config, "grace").await;
    register(&emulator, &config, "linus").await;
    let transaction = authenticate_transaction(&config, "ada").await;
    let nonce = ada.authenticate(Some(&transaction)).await.unwrap();
    assert_eq!(verify(&config, &nonce).await.unwrap(), "ada");

    let grace = user_id(&config, "grace").await;
    let by_id = list(
        &config,
        ListQuery {
            id: Some(&grace),
            ..ListQuery::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(external_ids(&by_id), ["grace"]);
    assert_eq!(by_id.total_users, 1);

    let like = list(
        &config,
        ListQuery {
            identifier: Some("like:in"),
            ..ListQuery::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(external_ids(&like), ["linus"]);

    let active = list(
        &config,
        ListQuery {
            status: Some("active"),
            ..ListQuery::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(active.total_users, 3);
    let not_active = list(
        &config,
        ListQuery {
            status: Some("ne:active"),
            ..ListQuery::default()
        },
    )
    .await
    .unwrap();
    assert_eq!((not_active.total_users, not_active.users.len()), (0, 0));

    let everyone = list(&config, ListQuery::default()).await.unwrap();
    let ada_logins = everyone
        .users
        .iter()
        .find(|u| u.external_id == "ada")
        .unwrap()
        .login_count;
    let at_ada_logins = list(
        &config,
        ListQuery {
            login_count: Some(ada_logins),
            ..ListQuery::default()
        },
    )
    .await
    .unwrap();
    assert!(external_ids(&at_ada_logins).contains(&"ada"));
    assert!(
        at_ada_logins
            .users
            .iter()
            .all(|u| u.login_count == ada_logins)
    );
    // The official signature takes `login_count` as an i32, so it cannot send `gt:` and the like.

    let since_2000 = list(
        &config,
        ListQuery {
            created_at: Some("gt:2000-01-01T00:00:00.000000Z"),
            updated_at: Some("gt:2000-01-01T00:00:00.000000Z"),
            ..ListQuery::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(since_2000.total_users, 3);
    let before_2000 = list(
        &config,
        ListQuery {
            created_at: Some("lt:2000-01-01T00:00:00.000000Z"),
            ..ListQuery::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(before_2000.total_users, 0);
    let logged_in_since_2000 = list(
        &config,
        ListQuery {
            last_login_at: Some("gt:2000-01-01T00:00:00.000000Z"),
            identifier: Some("ada"),
            ..ListQuery::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(external_ids(&logged_in_since_2000), ["ada"]);

    // Pages in a pinned result set, oldest first.
    let created_before = i32::try_from(everyone.created_before).expect("Unix seconds fit an i32");
    let second = list(
        &config,
        ListQuery {
            page: Some(2),
            limit: Some(2),
            created_before: Some(created_before + 1),
            order_by: Some("created_at:ASC"),
            ..ListQuery::default()
        },
    )
    .await
    .unwrap();
    assert_eq!((second.page, second.limit, second.total_users), (2, 2, 3));
    assert_eq!(external_ids(&second), ["linus"]);
    assert!(!second._links.previous.href.is_empty());
    assert_eq!(second._links.next.href, "");
}

#[tokio::test]
async fn get_user_decodes_the_whole_user_info() {
    let (emulator, config) = start().await;
    register(&emulator, &config, "ada").await;
    let id = user_id(&config, "ada").await;

    let user = users_api::get_user(&config, &id).await.unwrap().user;
    assert_eq!(user.id, id);
    assert_eq!(user.external_id, "ada");
    assert_eq!(user.status, models::UserStatus::Active);
    assert!(user.webauthn, "ada has a passkey");
    assert_eq!(
        user.webauthn_devices.len(),
        1,
        "{:?}",
        user.webauthn_devices
    );
    let device = &user.webauthn_devices[0];
    assert_eq!(device.friendly_name, "ada's passkey");
    assert!(!device.id.is_empty() && !device.cred_id.is_empty());
    assert!(user.webauthn_types.contains(&device.r#type), "{user:?}");
    timestamp(&user.created_at);
    timestamp(&user.updated_at);
    timestamp(&device.created_at);
}

#[tokio::test]
async fn a_device_is_listed_then_deleted_and_then_the_user_has_no_passkeys() {
    let (emulator, config) = start().await;
    register(&emulator, &config, "ada").await;
    let id = user_id(&config, "ada").await;

    let devices = user_devices_api::list_user_devices(&config, &id)
        .await
        .unwrap()
        .devices;
    assert_eq!(devices.len(), 1, "{devices:?}");
    let device = &devices[0];
    assert_eq!(device.friendly_name, "ada's passkey");
    let user = users_api::get_user(&config, &id).await.unwrap().user;
    assert_eq!(
        user.webauthn_devices, devices,
        "the same devices either way"
    );

    user_devices_api::delete_user_devices(&config, &id, &device.id)
        .await
        .unwrap();
    let after = user_devices_api::list_user_devices(&config, &id)
        .await
        .unwrap()
        .devices;
    assert!(after.is_empty(), "{after:?}");
    let user = users_api::get_user(&config, &id).await.unwrap().user;
    assert!(
        !user.webauthn && user.webauthn_devices.is_empty(),
        "{user:?}"
    );

    // The same device again: gone.
    let (status, entity) = refusal(
        "deleting a deleted device",
        user_devices_api::delete_user_devices(&config, &id, &device.id).await,
    );
    assert_eq!(status, 404);
    assert!(
        matches!(
            entity,
            DeleteUserDevicesError::Status404(Model404Error {
                code: model_404_error::Code::DeviceNotFound,
                ..
            })
        ),
        "{entity:?}"
    );

    // And a login for her has nothing to use.
    let (status, entity) = refusal(
        "an authenticate transaction without a passkey",
        transactions_api::create_authenticate_transaction(
            &config,
            CreateTransactionAuthenticateRequest {
                external_id: "ada".into(),
            },
        )
        .await,
    );
    assert_eq!(status, 409);
    assert!(
        matches!(
            entity,
            CreateAuthenticateTransactionError::Status409(Model409Error {
                code: model_409_error::Code::UserHasNoPasskeys,
                ..
            })
        ),
        "{entity:?}"
    );
}

#[tokio::test]
async fn get_app_of_0_1_3_decodes_a_flex_app_with_or_without_the_key() {
    let emulator = Emulator::start().await.unwrap();
    let app_id = emulator.app_id().to_owned();
    for key in [Some(emulator.api_key()), None] {
        let config = configuration_v0(&emulator, &app_id, key);
        let app = apps_api::get_app(&config)
            .await
            .unwrap_or_else(|e| panic!("getApp with key {key:?}: {e:?}"))
            .app;
        assert_eq!(app.id, app_id);
        assert_eq!(
            app.r#type,
            official_v0::openapi::models::app_info::Type::Flex
        );
        assert_eq!(
            (
                app.required_identifier.as_str(),
                app.allowed_identifier.as_str()
            ),
            ("external", "external")
        );
        assert_eq!(app.role, "");
        assert_eq!(app.secret, None, "no secret for a non-admin key");
        assert_eq!(
            app.auth_origin.trim_end_matches('/'),
            emulator.auth_origin().trim_end_matches('/')
        );
        assert!(app.auth_methods.passkeys.enabled);
        assert!(!app.name.is_empty());
        timestamp(&app.created_at);
    }

    let config = configuration_v0(&emulator, "not_this_app", None);
    let (status, entity) = refusal_v0("another app", apps_api::get_app(&config).await);
    assert_eq!(status, 404);
    assert!(
        matches!(
            entity,
            GetAppError::Status404(official_v0::openapi::models::Model404Error {
                code: official_v0::openapi::models::model_404_error::Code::AppNotFound,
                ..
            })
        ),
        "{entity:?}"
    );
}

/// Asserts a typed 401 `invalid_access_token`, whatever the operation's entity.
macro_rules! assert_invalid_access_token {
    ($what:expr, $result:expr, $entity:path) => {{
        let (status, entity) = refusal($what, $result);
        assert_eq!(status, 401, "{}: {entity:?}", $what);
        assert!(
            matches!(
                entity,
                $entity(Model401Error {
                    code: model_401_error::Code::AccessToken,
                    ..
                })
            ),
            "{}: {entity:?}",
            $what
        );
    }};
}

#[tokio::test]
async fn a_wrong_api_key_is_a_typed_401_on_every_operation() {
    let (emulator, config) = start().await;
    register(&emulator, &config, "ada").await;
    let id = user_id(&config, "ada").await;
    let device = users_api::get_user(&config, &id)
        .await
        .unwrap()
        .user
        .webauthn_devices[0]
        .id
        .clone();
    let wrong = configuration_for(&emulator, emulator.app_id(), Some("not_the_key"));

    assert_invalid_access_token!(
        "createRegisterTransaction",
        transactions_api::create_register_transaction(
            &wrong,
            CreateTransactionRegisterRequest {
                external_id: "ada".into(),
                passkey_display_name: "ada".into(),
            },
        )
        .await,
        CreateRegisterTransactionError::Status401
    );
    assert_invalid_access_token!(
        "createAuthenticateTransaction",
        transactions_api::create_authenticate_transaction(
            &wrong,
            CreateTransactionAuthenticateRequest {
                external_id: "ada".into(),
            },
        )
        .await,
        CreateAuthenticateTransactionError::Status401
    );
    assert_invalid_access_token!(
        "authenticateVerifyNonce",
        verify(&wrong, "some nonce").await,
        AuthenticateVerifyNonceError::Status401
    );
    assert_invalid_access_token!(
        "listPaginatedUsers",
        list(&wrong, ListQuery::default()).await,
        ListPaginatedUsersError::Status401
    );
    assert_invalid_access_token!(
        "getUser",
        users_api::get_user(&wrong, &id).await,
        GetUserError::Status401
    );
    assert_invalid_access_token!(
        "listUserDevices",
        user_devices_api::list_user_devices(&wrong, &id).await,
        ListUserDevicesError::Status401
    );
    assert_invalid_access_token!(
        "deleteUserDevices",
        user_devices_api::delete_user_devices(&wrong, &id, &device).await,
        DeleteUserDevicesError::Status401
    );
    // getApp takes no key, but a wrong one is still refused.
    let wrong_v0 = configuration_v0(&emulator, emulator.app_id(), Some("not_the_key"));
    let (status, entity) = refusal_v0("getApp", apps_api::get_app(&wrong_v0).await);
    assert_eq!(status, 401);
    assert!(
        matches!(
            entity,
            GetAppError::Status401(official_v0::openapi::models::Model401Error {
                code: official_v0::openapi::models::model_401_error::Code::AccessToken,
                ..
            })
        ),
        "{entity:?}"
    );

    // Nothing changed: the device is still there.
    let devices = user_devices_api::list_user_devices(&config, &id)
        .await
        .unwrap()
        .devices;
    assert_eq!(devices.len(), 1);
}

#[tokio::test]
async fn unknown_users_and_devices_are_typed_404s() {
    let (emulator, config) = start().await;
    register(&emulator, &config, "ada").await;
    let id = user_id(&config, "ada").await;

    let user_not_found = |what: &str, status: u16, code: Option<model_404_error::Code>| {
        assert_eq!(status, 404, "{what}");
        assert_eq!(code, Some(model_404_error::Code::UserNotFound), "{what}");
    };
    let (status, entity) = refusal(
        "getUser",
        users_api::get_user(&config, "no_such_user").await,
    );
    let code = match entity {
        GetUserError::Status404(Model404Error { code, .. }) => Some(code),
        _ => None,
    };
    user_not_found(&format!("getUser: {entity:?}"), status, code);

    let (status, entity) = refusal(
        "listUserDevices",
        user_devices_api::list_user_devices(&config, "no_such_user").await,
    );
    let code = match entity {
        ListUserDevicesError::Status404(Model404Error { code, .. }) => Some(code),
        _ => None,
    };
    user_not_found(&format!("listUserDevices: {entity:?}"), status, code);

    let (status, entity) = refusal(
        "deleteUserDevices of an unknown user",
        user_devices_api::delete_user_devices(&config, "no_such_user", "no_such_device").await,
    );
    let code = match entity {
        DeleteUserDevicesError::Status404(Model404Error { code, .. }) => Some(code),
        _ => None,
    };
    user_not_found(&format!("deleteUserDevices: {entity:?}"), status, code);

    let (status, entity) = refusal(
        "createAuthenticateTransaction for an unknown external ID",
        transactions_api::create_authenticate_transaction(
            &config,
            CreateTransactionAuthenticateRequest {
                external_id: "nobody".into(),
            },
        )
        .await,
    );
    let code = match entity {
        CreateAuthenticateTransactionError::Status404(Model404Error { code, .. }) => Some(code),
        _ => None,
    };
    user_not_found(
        &format!("createAuthenticateTransaction: {entity:?}"),
        status,
        code,
    );

    let (status, entity) = refusal(
        "deleteUserDevices of an unknown device",
        user_devices_api::delete_user_devices(&config, &id, "no_such_device").await,
    );
    assert_eq!(status, 404);
    assert!(
        matches!(
            entity,
            DeleteUserDevicesError::Status404(Model404Error {
                code: model_404_error::Code::DeviceNotFound,
                ..
            })
        ),
        "{entity:?}"
    );

    // Another app's ID, with this app's key.
    let elsewhere = configuration_for(&emulator, "not_this_app", Some(emulator.api_key()));
    let (status, entity) = refusal(
        "getUser in another app",
        users_api::get_user(&elsewhere, &id).await,
    );
    assert_eq!(status, 404);
    assert!(
        matches!(
            entity,
            GetUserError::Status404(Model404Error {
                code: model_404_error::Code::AppNotFound,
                ..
            })
        ),
        "{entity:?}"
    );
}

#[tokio::test]
async fn bad_requests_are_typed_400_invalid_request() {
    let (emulator, config) = start().await;
    register(&emulator, &config, "ada").await;

    let invalid_request = |what: &str, status: u16, code: Option<model_400_error::Code>| {
        assert_eq!(status, 400, "{what}");
        assert_eq!(code, Some(model_400_error::Code::InvalidRequest), "{what}");
    };
    for (what, query) in [
        (
            "limit above 500",
            ListQuery {
                limit: Some(501),
                ..ListQuery::default()
            },
        ),
        (
            "ordered by identifier",
            ListQuery {
                order_by: Some("identifier:ASC"),
                ..ListQuery::default()
            },
        ),
    ] {
        let (status, entity) = refusal(what, list(&config, query).await);
        let code = match entity {
            ListPaginatedUsersError::Status400(Model400Error { code, .. }) => Some(code),
            _ => None,
        };
        invalid_request(&format!("{what}: {entity:?}"), status, code);
    }

    let (status, entity) = refusal(
        "an empty external ID",
        transactions_api::create_register_transaction(
            &config,
            CreateTransactionRegisterRequest {
                external_id: String::new(),
                passkey_display_name: "nobody".into(),
            },
        )
        .await,
    );
    let code = match entity {
        CreateRegisterTransactionError::Status400(Model400Error { code, .. }) => Some(code),
        _ => None,
    };
    invalid_request(
        &format!("createRegisterTransaction: {entity:?}"),
        status,
        code,
    );
}

#[tokio::test]
async fn the_older_0_1_3_client_decodes_the_same_answers() {
    use official_v0::openapi::apis::{
        authenticate_api as authenticate_v0, transactions_api as transactions_v0,
        user_devices_api as devices_v0, users_api as users_v0,
    };
    use official_v0::openapi::models as models_v0;

    let emulator = Emulator::start().await.unwrap();
    let config = configuration_v0(&emulator, emulator.app_id(), Some(emulator.api_key()));
    let mut browser = PasskeyBrowser::new(&emulator);
    let transaction = transactions_v0::create_register_transaction(
        &config,
        models_v0::CreateTransactionRegisterRequest {
            external_id: "ada".into(),
            passkey_display_name: "ada's passkey".into(),
        },
    )
    .await
    .unwrap()
    .transaction_id;
    let nonce = browser.register(&transaction).await.unwrap();
    let verified = authenticate_v0::authenticate_verify_nonce(
        &config,
        models_v0::Nonce {
            nonce: nonce.clone(),
        },
    )
    .await
    .unwrap();
    assert_eq!(verified.external_id, "ada");

    let transaction = transactions_v0::create_authenticate_transaction(
        &config,
        models_v0::CreateTransactionAuthenticateRequest {
            external_id: "ada".into(),
        },
    )
    .await
    .unwrap()
    .transaction_id;
    assert!(!transaction.is_empty());

    let page = users_v0::list_paginated_users(
        &config,
        None,
        Some(1),
        None,
        None,
        Some("ada"),
        None,
        None,
        None,
        None,
        None,
        None,
    )
    .await
    .unwrap();
    assert_eq!(page.users.len(), 1);
    let id = page.users[0].id.clone();
    let user = users_v0::get_user(&config, &id).await.unwrap().user;
    assert_eq!(user.external_id, "ada");
    let devices = devices_v0::list_user_devices(&config, &id)
        .await
        .unwrap()
        .devices;
    assert_eq!(devices.len(), 1);
    devices_v0::delete_user_devices(&config, &id, &devices[0].id)
        .await
        .unwrap();
    assert!(
        devices_v0::list_user_devices(&config, &id)
            .await
            .unwrap()
            .devices
            .is_empty()
    );

    // Its entities type the refusals too: the nonce again is Passage's 400 invalid_nonce.
    let (status, entity) = refusal_v0(
        "a reused nonce",
        authenticate_v0::authenticate_verify_nonce(&config, models_v0::Nonce { nonce }).await,
    );
    assert_eq!(status, 400);
    assert!(
        matches!(
            entity,
            authenticate_v0::AuthenticateVerifyNonceError::Status401(models_v0::Model401Error {
                code: models_v0::model_401_error::Code::Nonce,
                ..
            })
        ),
        "{entity:?}"
    );
}
