//! Fake: the in-process emulator.
//!
//! The facade's whole operation set against the stateful emulator: every call's effect is read
//! back through another call, so a wrong request or a wrong state change shows.

use futures::TryStreamExt;
use passage_flex::{Error, ListUsersOptions, SortDirection, UserField, UserStatus};
use passage_flex_tests::emulated::Emulated;
use serde_json::json;

#[tokio::test]
async fn get_app_describes_the_emulated_app() {
    let env = Emulated::start().await;
    let app = env.passage.get_app().await.expect("get_app");
    assert_eq!(app.id, env.emulator.app_id());
    assert_eq!(app.auth_origin, env.emulator.auth_origin());
}

#[tokio::test]
async fn registration_then_login_end_to_end() {
    let env = Emulated::start().await;

    // A new external ID: the register transaction creates a pending user with no passkey.
    let transaction = env
        .passage
        .create_register_transaction("ada", "ada@example.com")
        .await
        .expect("register transaction");
    let pending = env.passage.get_user("ada").await.expect("user exists");
    assert_eq!(pending.status, UserStatus::Pending);
    assert!(!pending.webauthn);
    assert!(matches!(
        env.passage.create_authenticate_transaction("ada").await,
        Err(Error::UserHasNoPasskeys(_))
    ));

    // The ceremony adds the passkey; its nonce proves "ada" exactly once.
    let registered = env
        .emulator
        .complete_transaction(&transaction)
        .expect("ceremony");
    assert_eq!(
        env.passage.verify_nonce(&registered.nonce).await.unwrap(),
        "ada"
    );
    match env.passage.verify_nonce(&registered.nonce).await {
        Err(Error::InvalidNonce(api)) => {
            assert_eq!(api.status, 400, "Passage answers a reused nonce with 400")
        }
        other => panic!("a reused nonce must be InvalidNonce, got {other:?}"),
    }

    let user = env.passage.get_user("ada").await.unwrap();
    assert_eq!(user.status, UserStatus::Active);
    assert!(user.webauthn);
    assert_eq!(user.login_count, 0);
    let devices = env.passage.get_devices("ada").await.unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].id, registered.device_id);
    assert_eq!(devices[0].friendly_name, "ada@example.com");
    assert_eq!(devices[0].usage_count, 0);

    // A login counts on the user and on the passkey used.
    let login = env
        .passage
        .create_authenticate_transaction("ada")
        .await
        .unwrap();
    let nonce = env.emulator.complete_transaction(&login).unwrap().nonce;
    assert_eq!(env.passage.verify_nonce(&nonce).await.unwrap(), "ada");
    let user = env.passage.get_user("ada").await.unwrap();
    assert_eq!(user.login_count, 1);
    assert!(user.last_login_at > user.created_at);
    assert_eq!(user.webauthn_devices[0].usage_count, 1);

    // The same user object is reachable by Passage ID.
    let by_id = env.passage.get_user_by_id(&user.id).await.unwrap();
    assert_eq!(by_id.external_id, "ada");
}

#[tokio::test]
async fn revoking_the_last_passkey_stops_logins() {
    let env = Emulated::start().await;
    let first = env.register_passkey("grace", "Laptop").await;
    let second = env.register_passkey("grace", "Phone").await;
    assert_eq!(env.passage.get_devices("grace").await.unwrap().len(), 2);

    env.passage.revoke_device("grace", &first).await.unwrap();
    let left: Vec<_> = env.passage.get_devices("grace").await.unwrap();
    assert_eq!(
        left.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        [second.as_str()]
    );
    assert!(matches!(
        env.passage.revoke_device("grace", &first).await,
        Err(Error::DeviceNotFound(_))
    ));

    env.passage.revoke_device("grace", &second).await.unwrap();
    assert!(matches!(
        env.passage.create_authenticate_transaction("grace").await,
        Err(Error::UserHasNoPasskeys(_))
    ));
}

#[tokio::test]
async fn deactivated_users_cannot_log_in_until_activated() {
    let env = Emulated::start().await;
    env.register_passkey("linus", "Key").await;
    let pending_login = env
        .passage
        .create_authenticate_transaction("linus")
        .await
        .unwrap();

    let user = env.passage.deactivate_user("linus").await.unwrap();
    assert_eq!(user.status, UserStatus::Inactive);
    assert!(matches!(
        env.passage.create_authenticate_transaction("linus").await,
        Err(Error::OperationNotAllowed(_))
    ));
    // A transaction opened before the deactivation cannot complete either.
    let refused = env
        .emulator
        .complete_transaction(&pending_login)
        .unwrap_err();
    assert_eq!(
        (refused.status(), refused.code()),
        (403, "operation_not_allowed")
    );

    let user = env.passage.activate_user("linus").await.unwrap();
    assert_eq!(user.status, UserStatus::Active);
    let nonce = env.login_nonce("linus").await;
    assert_eq!(env.passage.verify_nonce(&nonce).await.unwrap(), "linus");
}

#[tokio::test]
async fn metadata_updates_and_deletion() {
    let env = Emulated::start().await;
    env.register_passkey("margaret", "Key").await;

    let user = env
        .passage
        .update_user_metadata("margaret", json!({"plan": "pro", "seats": 3}))
        .await
        .unwrap();
    assert_eq!(user.user_metadata, Some(json!({"plan": "pro", "seats": 3})));
    assert!(user.updated_at > user.created_at);
    let reread = env.passage.get_user("margaret").await.unwrap();
    assert_eq!(
        reread.user_metadata,
        Some(json!({"plan": "pro", "seats": 3}))
    );

    let nonce = env.login_nonce("margaret").await;
    env.passage.delete_user("margaret").await.unwrap();
    assert!(matches!(
        env.passage.get_user("margaret").await,
        Err(Error::UserNotFound(_))
    ));
    // The deleted user's unspent nonce died with it.
    assert!(matches!(
        env.passage.verify_nonce(&nonce).await,
        Err(Error::InvalidNonce(_))
    ));

    // The same external ID registers again as a new user with a new Passage ID.
    env.register_passkey("margaret", "Key").await;
    let again = env.passage.get_user("margaret").await.unwrap();
    assert_ne!(again.id, user.id);
    assert_eq!(again.user_metadata, None);
}

#[tokio::test]
async fn list_users_pages_through_everyone_in_creation_order() {
    let env = Emulated::start().await;
    let names: Vec<String> = (0..7).map(|i| format!("user-{i}")).collect();
    for name in &names {
        env.passage
            .create_register_transaction(name, name)
            .await
            .unwrap();
    }
    env.register_passkey("user-3", "Key").await;

    let everyone: Vec<_> = env
        .passage
        .list_users(
            ListUsersOptions::new()
                .page_size(3)
                .order_by(UserField::CreatedAt, SortDirection::Ascending),
        )
        .try_collect()
        .await
        .expect("three pages");
    let listed: Vec<_> = everyone.iter().map(|u| u.external_id.clone()).collect();
    assert_eq!(listed, names);

    let newest_first: Vec<_> = env
        .passage
        .list_users(
            ListUsersOptions::new()
                .page_size(2)
                .order_by(UserField::CreatedAt, SortDirection::Descending),
        )
        .try_collect()
        .await
        .unwrap();
    let listed: Vec<_> = newest_first.iter().map(|u| u.external_id.clone()).collect();
    let mut reversed = names.clone();
    reversed.reverse();
    assert_eq!(listed, reversed);

    let active: Vec<_> = env
        .passage
        .list_users(ListUsersOptions::new().status(UserStatus::Active))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(active.len(), 1);
    assert_eq!(active[0].external_id, "user-3");
}
