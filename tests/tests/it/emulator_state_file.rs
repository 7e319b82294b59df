//! Fake: the in-process emulator with a state file, restarted.
//!
//! The emulator's opt-in state file: users and real passkeys outlive a restart, and a file the
//! emulator cannot trust is refused at start and left as it was. (Kills in the middle of a
//! write are the emulator crate's own test, `state_file_survives_kills`, which runs the binary.)

use std::path::PathBuf;

use passage_flex_emulator::Emulator;
use passage_flex_emulator::browser::PasskeyBrowser;
use passage_flex_tests::emulated::Emulated;

/// A fresh path for this test's state file, in Cargo's scratch directory for tests.
fn state_path(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("emulator_state_file");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{test}.json"));
    for stale in [path.clone(), path.with_extension("json.tmp")] {
        let _ = std::fs::remove_file(stale);
    }
    path
}

#[tokio::test]
async fn a_passkey_registered_before_a_restart_logs_in_after_it() {
    let path = state_path("restart");
    let env = Emulated::start_with(Emulator::builder().state_file(&path)).await;
    assert_eq!(env.emulator.state_file(), Some(path.as_path()));
    let created_at = env.passage.get_app().await.unwrap().created_at;
    let mut browser = PasskeyBrowser::new(&env.emulator);
    let tx = env
        .passage
        .create_register_transaction("ada", "Ada's laptop")
        .await
        .unwrap();
    let nonce = browser.register(&tx).await.unwrap();
    assert_eq!(env.passage.verify_nonce(&nonce).await.unwrap(), "ada");
    let tx = env
        .passage
        .create_authenticate_transaction("ada")
        .await
        .unwrap();
    browser.authenticate(Some(&tx)).await.unwrap();
    let before = env.passage.get_user("ada").await.unwrap();
    let keychain = browser.passkey_mut().snapshot();
    env.emulator.shutdown().await;

    let env = Emulated::start_with(Emulator::builder().state_file(&path)).await;
    let after = env.passage.get_user("ada").await.unwrap();
    assert_eq!(after.id, before.id);
    assert_eq!(after.status, before.status);
    assert_eq!(after.login_count, 1);
    assert_eq!(after.created_at, before.created_at);
    assert_eq!(after.webauthn_devices.len(), 1);
    assert_eq!(after.webauthn_devices[0].id, before.webauthn_devices[0].id);
    assert_eq!(after.webauthn_devices[0].friendly_name, "Ada's laptop");
    assert_eq!(env.passage.get_app().await.unwrap().created_at, created_at);

    // The same passkey, on a browser pointed at the new emulator (a new port).
    let mut browser = PasskeyBrowser::new(&env.emulator);
    browser.passkey_mut().restore(keychain.clone());
    let tx = env
        .passage
        .create_authenticate_transaction("ada")
        .await
        .unwrap();
    let nonce = browser.authenticate(Some(&tx)).await.unwrap();
    assert_eq!(env.passage.verify_nonce(&nonce).await.unwrap(), "ada");
    let nonce = browser.authenticate(None).await.unwrap();
    assert_eq!(env.passage.verify_nonce(&nonce).await.unwrap(), "ada");
    assert_eq!(env.passage.get_user("ada").await.unwrap().login_count, 3);

    // The sign count was saved too: the passkey as it was before those two logins is a clone.
    let mut clone = PasskeyBrowser::new(&env.emulator);
    clone.passkey_mut().restore(keychain);
    let refused = clone.authenticate(None).await.unwrap_err();
    assert!(
        refused.to_string().contains("sign_count_decreased"),
        "{refused}"
    );
    env.emulator.shutdown().await;
}

#[tokio::test]
async fn deletes_revokes_and_updates_are_saved_and_transactions_are_not() {
    let path = state_path("changes");
    let env = Emulated::start_with(Emulator::builder().state_file(&path)).await;
    let kept = env.register_passkey("kept", "one").await;
    let revoked = env.register_passkey("kept", "two").await;
    env.register_passkey("gone", "one").await;
    env.passage.revoke_device("kept", &revoked).await.unwrap();
    env.passage.delete_user("gone").await.unwrap();
    env.passage.deactivate_user("kept").await.unwrap();
    let open = env
        .passage
        .create_register_transaction("pending", "p")
        .await
        .unwrap();
    env.emulator.shutdown().await;

    let env = Emulated::start_with(Emulator::builder().state_file(&path)).await;
    let user = env.passage.get_user("kept").await.unwrap();
    let devices: Vec<_> = user.webauthn_devices.iter().map(|d| d.id.clone()).collect();
    assert_eq!(devices, [kept]);
    assert_eq!(user.status.as_str(), "inactive");
    assert!(env.passage.get_user("gone").await.is_err());
    // The user a registration transaction made is saved; the transaction itself is not.
    assert_eq!(
        env.passage
            .get_user("pending")
            .await
            .unwrap()
            .status
            .as_str(),
        "pending"
    );
    let ended = env.emulator.complete_transaction(&open).unwrap_err();
    assert_eq!(ended.code(), "transaction_not_found");
    env.emulator.shutdown().await;
}

#[tokio::test]
async fn a_file_the_emulator_cannot_trust_is_refused_at_start_and_left_as_it_was() {
    let newer = r#"{"format": "passage-flex-emulator state", "version": 99, "users": []}"#;
    let cases = [
        (
            "damaged",
            "{\"format\": \"passage-flex-emulator state\", \"vers",
            "damaged",
        ),
        ("not-json", "users: ada", "not a state file"),
        (
            "other-format",
            r#"{"format": "something else", "version": 1}"#,
            "not a state file",
        ),
        ("newer", newer, "newer emulator"),
        ("empty", "", "not a state file"),
    ];
    for (name, contents, reason) in cases {
        let path = state_path(name);
        std::fs::write(&path, contents).unwrap();
        let err = Emulator::builder()
            .state_file(&path)
            .start()
            .await
            .unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput, "{name}");
        let message = err.to_string();
        assert!(message.contains(reason), "{name}: {message}");
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), contents, "{name}");
    }
}

#[tokio::test]
async fn a_state_file_serves_only_the_app_it_was_written_for() {
    let path = state_path("other-app");
    let env = Emulated::start_with(Emulator::builder().state_file(&path)).await;
    env.register_passkey("ada", "one").await;
    env.emulator.shutdown().await;
    let saved = std::fs::read(&path).unwrap();
    let err = Emulator::builder()
        .app_id("another_app")
        .state_file(&path)
        .start()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("another_app"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), saved);
}

#[tokio::test]
async fn two_emulators_cannot_share_a_state_file() {
    let path = state_path("shared");
    let first = Emulator::builder().state_file(&path).start().await.unwrap();
    let err = Emulator::builder()
        .state_file(&path)
        .start()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("another emulator"), "{err}");
    first.shutdown().await;
    // Once the first has stopped, the file is free.
    let second = Emulator::builder().state_file(&path).start().await.unwrap();
    second.shutdown().await;
}

#[tokio::test]
async fn in_process_emulators_keep_nothing_on_disk_unless_asked() {
    let emulator = Emulator::start().await.unwrap();
    assert_eq!(emulator.state_file(), None);
    emulator.shutdown().await;
}
