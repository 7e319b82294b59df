//! Fake: the in-process emulator (software passkey as the iOS and Android SDKs).
//!
//! Native apps against the emulator: Passage's iOS and Android SDKs call the same four
//! browser-facing endpoints, with origins that are not a page's. An Android app's origin is
//! `android:apk-key-hash:<base64url SHA-256 of its signing certificate>`, accepted only when the
//! emulator is told it exactly; an iOS app's is `https://<rp id>`, its associated domain, which
//! may be a parent of the auth origin's host. Ceremonies use 1Password's software authenticator.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use passage_flex_emulator::Emulator;
use passage_flex_emulator::browser::{CeremonyError, PasskeyBrowser};
use passage_flex_tests::emulated::Emulated;
use serde_json::json;

/// The SHA-256 of a made-up signing certificate.
const APP_CERT_SHA256: [u8; 32] = [0x5a; 32];
/// Another app's.
const OTHER_CERT_SHA256: [u8; 32] = [0xa5; 32];

fn android_origin(cert_sha256: &[u8; 32]) -> String {
    format!(
        "android:apk-key-hash:{}",
        URL_SAFE_NO_PAD.encode(cert_sha256)
    )
}

/// An app on `https://example.com`, its RP ID `example.com`, as Android apps need a real domain
/// for their asset links.
fn android_ready(
    builder: passage_flex_emulator::EmulatorBuilder,
) -> passage_flex_emulator::EmulatorBuilder {
    builder.auth_origin("https://example.com")
}

async fn register_transaction(env: &Emulated, external_id: &str) -> String {
    env.passage
        .create_register_transaction(external_id, external_id)
        .await
        .unwrap()
}

fn refused_for_origin<T: std::fmt::Debug>(step: Result<T, CeremonyError>) {
    match step {
        Err(CeremonyError::Refused {
            status,
            code,
            message,
        }) => {
            assert_eq!(
                (status, code.as_str()),
                (400, "origin_not_allowed"),
                "{message}"
            );
        }
        other => panic!("expected 400 origin_not_allowed, got {other:?}"),
    }
}

#[tokio::test]
async fn an_android_app_registers_and_logs_in_when_its_origin_is_configured() {
    let env = Emulated::start_with(
        android_ready(Emulator::builder()).android_origin(android_origin(&APP_CERT_SHA256)),
    )
    .await;
    let mut app = PasskeyBrowser::android_app(&env.emulator, APP_CERT_SHA256);
    assert_eq!(app.origin().as_str(), android_origin(&APP_CERT_SHA256));

    let tx = register_transaction(&env, "ada").await;
    let nonce = app.register(&tx).await.unwrap();
    assert_eq!(env.passage.verify_nonce(&nonce).await.unwrap(), "ada");

    let tx = env
        .passage
        .create_authenticate_transaction("ada")
        .await
        .unwrap();
    let nonce = app.authenticate(Some(&tx)).await.unwrap();
    assert_eq!(env.passage.verify_nonce(&nonce).await.unwrap(), "ada");
    let nonce = app.authenticate(None).await.unwrap();
    assert_eq!(env.passage.verify_nonce(&nonce).await.unwrap(), "ada");
    assert_eq!(env.passage.get_user("ada").await.unwrap().login_count, 2);
}

#[tokio::test]
async fn an_android_origin_is_refused_by_default_and_nothing_changes() {
    let env = Emulated::start_with(android_ready(Emulator::builder())).await;
    let mut app = PasskeyBrowser::android_app(&env.emulator, APP_CERT_SHA256);
    let tx = register_transaction(&env, "ada").await;
    refused_for_origin(app.register(&tx).await);
    let user = env.passage.get_user("ada").await.unwrap();
    assert!(user.webauthn_devices.is_empty());
    // The transaction is still open: the web page finishes it.
    let mut page = PasskeyBrowser::new(&env.emulator);
    let nonce = page.register(&tx).await.unwrap();
    assert_eq!(env.passage.verify_nonce(&nonce).await.unwrap(), "ada");
}

#[tokio::test]
async fn another_android_apps_origin_is_refused() {
    let configured = android_origin(&APP_CERT_SHA256);
    let env =
        Emulated::start_with(android_ready(Emulator::builder()).android_origin(&configured)).await;
    let mut other_app = PasskeyBrowser::android_app(&env.emulator, OTHER_CERT_SHA256);
    let tx = register_transaction(&env, "ada").await;
    refused_for_origin(other_app.register(&tx).await);
    // The configured app finishes the same transaction.
    let mut app = PasskeyBrowser::android_app(&env.emulator, APP_CERT_SHA256);
    let nonce = app.register(&tx).await.unwrap();
    assert_eq!(env.passage.verify_nonce(&nonce).await.unwrap(), "ada");
}

#[tokio::test]
async fn a_malformed_android_origin_is_refused_at_start() {
    for origin in [
        "android:apk-key-hash:",
        "android:apk-key-hash:not base64",
        // 16 bytes, not a SHA-256.
        "android:apk-key-hash:AAAAAAAAAAAAAAAAAAAAAA",
        "https://example.com",
    ] {
        let err = Emulator::builder()
            .android_origin(origin)
            .start()
            .await
            .unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput, "{origin}");
        assert!(err.to_string().contains("Android origin"), "{err}");
    }
}

#[tokio::test]
async fn an_rp_id_must_be_the_auth_origins_host_or_above_it() {
    for (auth_origin, rp_id) in [
        ("http://localhost:3000", "example.com"),
        ("https://www.example.com", "badexample.com"),
        ("https://example.com", "www.example.com"),
        ("https://www.example.com", ""),
    ] {
        let err = Emulator::builder()
            .auth_origin(auth_origin)
            .rp_id(rp_id)
            .start()
            .await
            .unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
        assert!(err.to_string().contains("RP ID"), "{err}");
    }
}

/// The iOS app's associated domain, above the web app's host.
fn ios_ready() -> passage_flex_emulator::EmulatorBuilder {
    Emulator::builder()
        .auth_origin("https://www.example.com")
        .rp_id("example.com")
}

#[tokio::test]
async fn an_ios_app_on_the_associated_domain_and_the_web_page_share_one_passkey_rp() {
    let env = Emulated::start_with(ios_ready()).await;
    assert_eq!(env.emulator.rp_id(), "example.com");
    let mut ios = PasskeyBrowser::ios_app(&env.emulator);
    assert_eq!(ios.origin().as_str(), "https://example.com/");

    let tx = register_transaction(&env, "ada").await;
    let nonce = ios.register(&tx).await.unwrap();
    assert_eq!(env.passage.verify_nonce(&nonce).await.unwrap(), "ada");
    // A discoverable login: no transaction, the user handle names the user.
    let nonce = ios.authenticate(None).await.unwrap();
    assert_eq!(env.passage.verify_nonce(&nonce).await.unwrap(), "ada");

    // The web app on www.example.com registers under the same RP ID.
    let mut page = PasskeyBrowser::new(&env.emulator);
    let tx = register_transaction(&env, "bob").await;
    let nonce = page.register(&tx).await.unwrap();
    assert_eq!(env.passage.verify_nonce(&nonce).await.unwrap(), "bob");
    let nonce = page.authenticate(None).await.unwrap();
    assert_eq!(env.passage.verify_nonce(&nonce).await.unwrap(), "bob");
}

/// Step by step, as the iOS SDK does it: the platform gets the UTF-8 bytes of the `user.id`
/// text as the user ID, and the assertion's user handle goes back as that text, which is
/// exactly the `user.id` the emulator issued.
#[tokio::test]
async fn an_ios_discoverable_login_sends_back_the_user_id_text_it_was_given() {
    let env = Emulated::start_with(ios_ready()).await;
    let mut ios = PasskeyBrowser::ios_app(&env.emulator);
    let origin = ios.origin().clone();

    let tx = register_transaction(&env, "ada").await;
    let mut started = ios.start_registration(&tx).await.unwrap();
    let issued = started.challenge["publicKey"]["user"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    started.challenge["publicKey"]["user"]["id"] = json!(URL_SAFE_NO_PAD.encode(&issued));
    let created = ios
        .passkey_mut()
        .create(&origin, &started.challenge)
        .await
        .unwrap();
    let nonce = ios
        .finish_registration(&started.id, &tx, created)
        .await
        .unwrap();
    assert_eq!(env.passage.verify_nonce(&nonce).await.unwrap(), "ada");

    let login = ios.start_authentication(None).await.unwrap();
    let mut asserted = ios
        .passkey_mut()
        .get(&origin, &login.challenge)
        .await
        .unwrap();
    let platform_user_id = URL_SAFE_NO_PAD
        .decode(asserted["response"]["userHandle"].as_str().unwrap())
        .unwrap();
    assert_eq!(platform_user_id, issued.as_bytes());

    // Encoded the way a browser would (base64url of the platform's bytes), it names no user.
    let mut browser_style = asserted.clone();
    browser_style["response"]["userHandle"] = json!(URL_SAFE_NO_PAD.encode(&platform_user_id));
    match ios
        .finish_authentication(&login.id, None, browser_style)
        .await
    {
        Err(CeremonyError::Refused { status, code, .. }) => {
            assert_eq!(
                (status, code.as_str()),
                (400, "webauthn_verification_failed")
            );
        }
        other => panic!("a handle that is no user's must be refused, got {other:?}"),
    }

    asserted["response"]["userHandle"] = json!(String::from_utf8(platform_user_id).unwrap());
    assert_eq!(asserted["response"]["userHandle"], json!(issued));
    let nonce = ios
        .finish_authentication(&login.id, None, asserted)
        .await
        .unwrap();
    assert_eq!(env.passage.verify_nonce(&nonce).await.unwrap(), "ada");
}
