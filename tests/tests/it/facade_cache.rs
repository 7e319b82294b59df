//! Fake: the in-process emulator.
//!
//! The external-ID cache against the emulator, each test counting the requests the emulator
//! received.

use futures::future::join_all;
use passage_flex::{CacheConfig, Error};
use passage_flex_tests::emulated::Emulated;
use std::time::Duration;

#[tokio::test]
async fn warm_external_id_operations_make_one_request() {
    let env = Emulated::start().await;
    let device_id = env.register_passkey("ada", "ada@example.com").await;

    // Cold: the lookup, then the call.
    let (user, requests) = env.requests_made_by(env.passage.get_user("ada")).await;
    assert_eq!((user.unwrap().external_id.as_str(), requests), ("ada", 2));

    let (user, requests) = env.requests_made_by(env.passage.get_user("ada")).await;
    assert_eq!((user.unwrap().external_id.as_str(), requests), ("ada", 1));
    let (devices, requests) = env.requests_made_by(env.passage.get_devices("ada")).await;
    assert_eq!((devices.unwrap().len(), requests), (1, 1));
    let (revoked, requests) = env
        .requests_made_by(env.passage.revoke_device("ada", &device_id))
        .await;
    revoked.unwrap();
    assert_eq!(requests, 1);
    let (user, requests) = env
        .requests_made_by(env.passage.deactivate_user("ada"))
        .await;
    assert_eq!((user.unwrap().webauthn_devices.len(), requests), (0, 1));
}

#[tokio::test]
async fn a_cached_user_deleted_and_re_created_elsewhere_is_found_again() {
    let env = Emulated::start().await;
    env.register_passkey("ada", "old@example.com").await;
    let old_id = env.passage.get_user("ada").await.unwrap().id;

    // Another server of the app deletes ada and she signs up again: a new Passage ID.
    let elsewhere = env.client_with(|builder| builder);
    elsewhere.delete_user("ada").await.unwrap();
    let tx = elsewhere
        .create_register_transaction("ada", "new@example.com")
        .await
        .unwrap();
    let nonce = env.emulator.complete_transaction(&tx).unwrap().nonce;
    elsewhere.verify_nonce(nonce).await.unwrap();

    // This client's entry is stale: the call answers user_not_found, the entry is dropped,
    // the lookup repeated, the call repeated.
    let (devices, requests) = env.requests_made_by(env.passage.get_devices("ada")).await;
    let devices = devices.unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].friendly_name, "new@example.com");
    assert_eq!(requests, 3);
    // And the fresh ID is cached.
    let (user, requests) = env.requests_made_by(env.passage.get_user("ada")).await;
    let user = user.unwrap();
    assert_ne!(user.id, old_id);
    assert_eq!(requests, 1);
}

#[tokio::test]
async fn a_cached_user_deleted_elsewhere_is_not_found_after_one_fresh_lookup() {
    let env = Emulated::start().await;
    env.register_passkey("ada", "ada@example.com").await;
    env.passage.get_user("ada").await.unwrap();
    env.client_with(|builder| builder)
        .delete_user("ada")
        .await
        .unwrap();
    let (err, requests) = env.requests_made_by(env.passage.get_devices("ada")).await;
    assert!(matches!(err, Err(Error::UserNotFound(_))), "{err:?}");
    // The stale call, then the lookup that finds nobody; no second call.
    assert_eq!(requests, 2);
}

#[tokio::test]
async fn deleting_a_user_through_the_sdk_drops_its_entry() {
    let env = Emulated::start().await;
    env.register_passkey("ada", "ada@example.com").await;
    env.passage.get_user("ada").await.unwrap();
    let (deleted, requests) = env.requests_made_by(env.passage.delete_user("ada")).await;
    deleted.unwrap();
    assert_eq!(requests, 1);
    // Only the lookup: no request to the deleted user's old ID.
    let (err, requests) = env.requests_made_by(env.passage.get_user("ada")).await;
    assert!(matches!(err, Err(Error::UserNotFound(_))), "{err:?}");
    assert_eq!(requests, 1);
}

#[tokio::test]
async fn concurrent_misses_for_one_user_share_one_lookup() {
    let env = Emulated::start().await;
    env.register_passkey("ada", "ada@example.com").await;
    let calls = (0..32).map(|_| env.passage.get_devices("ada"));
    let (results, requests) = env.requests_made_by(join_all(calls)).await;
    assert!(
        results
            .iter()
            .all(|devices| devices.as_ref().unwrap().len() == 1)
    );
    assert_eq!(requests, 1 + 32);
}

#[tokio::test]
async fn a_disabled_cache_looks_up_every_time() {
    let env = Emulated::start().await;
    env.register_passkey("ada", "ada@example.com").await;
    let uncached = env.client_with(|builder| builder.user_id_cache(CacheConfig::disabled()));
    for _ in 0..3 {
        let (devices, requests) = env.requests_made_by(uncached.get_devices("ada")).await;
        assert_eq!((devices.unwrap().len(), requests), (1, 2));
    }
}

#[tokio::test]
async fn entries_expire_after_their_time_to_live() {
    let env = Emulated::start().await;
    env.register_passkey("ada", "ada@example.com").await;
    let short = env.client_with(|builder| {
        builder.user_id_cache(CacheConfig::new().time_to_live(Duration::from_millis(100)))
    });
    let (_, cold) = env.requests_made_by(short.get_devices("ada")).await;
    let (_, warm) = env.requests_made_by(short.get_devices("ada")).await;
    tokio::time::sleep(Duration::from_millis(250)).await;
    let (_, expired) = env.requests_made_by(short.get_devices("ada")).await;
    assert_eq!((cold, warm, expired), (2, 1, 2));
}

#[tokio::test]
async fn the_cache_is_bounded() {
    let env = Emulated::start().await;
    let names: Vec<String> = (0..128).map(|i| format!("user-{i:03}")).collect();
    for name in &names {
        env.register_passkey(name, name).await;
    }
    let tiny = env.client_with(|builder| builder.user_id_cache(CacheConfig::new().max_entries(4)));
    for name in &names {
        tiny.get_devices(name).await.unwrap();
    }
    // The cache evicts in batches as it is used, so the bound is checked over many users:
    // with room for 4, nearly every one of the 128 must be looked up again.
    let mut lookups = 0;
    for name in &names {
        let (_, requests) = env.requests_made_by(tiny.get_devices(name)).await;
        lookups += requests - 1;
    }
    assert!(
        lookups >= 100,
        "only {lookups} of 128 users were looked up again"
    );
}

#[tokio::test]
async fn two_hundred_fifty_six_concurrent_calls_through_one_client_are_all_correct() {
    let env = Emulated::start().await;
    let names: Vec<String> = (0..256).map(|i| format!("user-{i:03}")).collect();
    for chunk in names.chunks(32) {
        join_all(chunk.iter().map(|name| env.register_passkey(name, name))).await;
    }
    let passage = env.passage.clone();
    for round in ["cold", "warm"] {
        let calls = names.iter().map(|name| {
            let passage = passage.clone();
            let name = name.clone();
            tokio::spawn(async move { (passage.get_user(&name).await, name) })
        });
        let (results, requests) = env.requests_made_by(join_all(calls)).await;
        for joined in results {
            let (user, name) = joined.unwrap();
            let user = user.unwrap();
            assert_eq!(user.external_id, name, "{round}: a call got another user");
            assert_eq!(user.webauthn_devices.len(), 1);
        }
        let expected = if round == "cold" { 512 } else { 256 };
        assert_eq!(requests, expected, "{round}");
    }
}
