//! Fake: the in-process emulator (software passkey).
//!
//! Real WebAuthn ceremonies against the emulator's browser-facing API, with 1Password's software
//! authenticator: registrations and logins that verify, and each refusal, which must name what
//! failed and change nothing.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use passage_flex::Error;
use passage_flex_emulator::Emulator;
use passage_flex_emulator::browser::{CeremonyError, Handshake, PasskeyBrowser};
use passage_flex_tests::emulated::Emulated;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::time::Duration;
use url::Url;

/// A page on the app's auth origin, with a fresh authenticator.
fn browser(env: &Emulated) -> PasskeyBrowser {
    PasskeyBrowser::new(&env.emulator)
}

/// A page on another origin.
fn browser_on(env: &Emulated, origin: &str) -> PasskeyBrowser {
    let origin = Url::parse(origin).unwrap();
    PasskeyBrowser::with_origin(&env.emulator.base_url(), env.emulator.app_id(), origin)
}

/// What the management API shows of a user, to prove a refusal changed nothing.
async fn snapshot(env: &Emulated, external_id: &str) -> Value {
    match env.passage.get_user(external_id).await {
        Ok(user) => json!({
            "status": user.status.as_str(),
            "logins": user.login_count,
            "devices": user.webauthn_devices.iter()
                .map(|d| json!([d.id, d.usage_count, d.last_login_at.to_rfc3339()]))
                .collect::<Vec<_>>(),
        }),
        Err(Error::UserNotFound(_)) => Value::Null,
        Err(err) => panic!("{err}"),
    }
}

fn decode(field: &Value) -> Vec<u8> {
    URL_SAFE_NO_PAD
        .decode(field.as_str().expect("a base64url string"))
        .expect("base64url")
}

fn encode(bytes: &[u8]) -> Value {
    json!(URL_SAFE_NO_PAD.encode(bytes))
}

/// Registers `external_id` in a fresh browser; returns the browser, its passkey inside.
async fn registered(env: &Emulated, external_id: &str) -> PasskeyBrowser {
    let mut browser = browser(env);
    let tx = register_transaction(env, external_id).await;
    let nonce = browser.register(&tx).await.unwrap();
    assert_eq!(env.passage.verify_nonce(nonce).await.unwrap(), external_id);
    browser
}

/// Asserts a refusal's status and code, and that it says what failed.
fn refused<T: std::fmt::Debug>(step: Result<T, CeremonyError>, status: u16, code: &str) {
    match step {
        Err(CeremonyError::Refused {
            status: got,
            code: got_code,
            message,
        }) => {
            assert_eq!((got, got_code.as_str()), (status, code), "{message}");
            assert!(!message.is_empty());
        }
        other => panic!("expected a {status} {code} refusal, got {other:?}"),
    }
}

/// Asserts a refusal, and that ada's state is still `before`.
async fn refused_unchanged<T: std::fmt::Debug>(
    env: &Emulated,
    before: &Value,
    step: Result<T, CeremonyError>,
    status: u16,
    code: &str,
) {
    refused(step, status, code);
    assert_eq!(&snapshot(env, "ada").await, before);
}

/// A registration transaction for `external_id`.
async fn register_transaction(env: &Emulated, external_id: &str) -> String {
    env.passage
        .create_register_transaction(external_id, external_id)
        .await
        .unwrap()
}

/// A login started for ada, and the assertion her passkey makes for it.
async fn ada_login(env: &Emulated, browser: &mut PasskeyBrowser) -> (String, String, Value) {
    let tx = env
        .passage
        .create_authenticate_transaction("ada")
        .await
        .unwrap();
    let Handshake {
        id: handshake,
        challenge,
        ..
    } = browser.start_authentication(Some(&tx)).await.unwrap();
    let origin = browser.origin().clone();
    let response = browser
        .passkey_mut()
        .get(&origin, &challenge)
        .await
        .unwrap();
    (tx, handshake, response)
}

#[tokio::test]
async fn a_real_passkey_registers_and_logs_in_and_the_sdk_verifies_each_nonce() {
    let env = Emulated::start().await;
    let mut browser = browser(&env);

    let tx = env
        .passage
        .create_register_transaction("ada", "ada@example.com")
        .await
        .unwrap();
    let nonce = browser.register(&tx).await.unwrap();
    assert_eq!(env.passage.verify_nonce(&nonce).await.unwrap(), "ada");
    let devices = env.passage.get_devices("ada").await.unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].friendly_name, "ada@example.com");
    assert_eq!(devices[0].usage_count, 0);

    let tx = env
        .passage
        .create_authenticate_transaction("ada")
        .await
        .unwrap();
    let nonce = browser.authenticate(Some(&tx)).await.unwrap();
    assert_eq!(env.passage.verify_nonce(&nonce).await.unwrap(), "ada");
    let user = env.passage.get_user("ada").await.unwrap();
    assert_eq!(user.login_count, 1);
    assert_eq!(user.webauthn_devices[0].usage_count, 1);
    assert!(user.webauthn_devices[0].last_login_at > devices[0].last_login_at);
    // The transaction ended with its ceremony.
    let again = browser.authenticate(Some(&tx)).await.unwrap_err();
    assert!(
        matches!(&again, CeremonyError::Refused { code, .. } if code == "transaction_not_found"),
        "{again:?}"
    );
}

#[tokio::test]
async fn a_ceremony_from_another_origin_is_refused_and_the_handshake_still_works() {
    let env = Emulated::start().await;
    let tx = register_transaction(&env, "ada").await;
    let mut page = browser(&env);
    let Handshake {
        id: handshake,
        challenge,
        ..
    } = page.start_registration(&tx).await.unwrap();

    let mut phishing = browser_on(&env, "http://localhost:4000");
    let phishing_origin = phishing.origin().clone();
    let response = phishing
        .passkey_mut()
        .create(&phishing_origin, &challenge)
        .await
        .unwrap();
    refused(
        page.finish_registration(&handshake, &tx, response).await,
        400,
        "origin_not_allowed",
    );
    assert_eq!(snapshot(&env, "ada").await["devices"], json!([]));

    // Nothing was spent: the real page finishes the same handshake.
    let origin = page.origin().clone();
    let response = page
        .passkey_mut()
        .create(&origin, &challenge)
        .await
        .unwrap();
    page.finish_registration(&handshake, &tx, response)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_credential_for_another_rp_id_is_refused() {
    let env = Emulated::start().await;
    let tx = register_transaction(&env, "ada").await;
    let mut page = browser(&env);
    let Handshake {
        id: handshake,
        challenge,
        ..
    } = page.start_registration(&tx).await.unwrap();
    let origin = page.origin().clone();
    let mut response = page
        .passkey_mut()
        .create(&origin, &challenge)
        .await
        .unwrap();
    // With attestation `none` the authenticator data is unsigned: swap its RP ID hash for
    // another site's, as an authenticator scoped to that site would have made it.
    let ours = Sha256::digest(b"localhost");
    let theirs = Sha256::digest(b"evil.example");
    let mut attestation = decode(&response["response"]["attestationObject"]);
    let at = attestation
        .windows(32)
        .position(|window| window == ours.as_slice())
        .expect("the RP ID hash is in the attestation object");
    attestation[at..at + 32].copy_from_slice(&theirs);
    response["response"]["attestationObject"] = encode(&attestation);
    refused(
        page.finish_registration(&handshake, &tx, response).await,
        400,
        "rp_id_mismatch",
    );
    assert_eq!(snapshot(&env, "ada").await["devices"], json!([]));
}

#[tokio::test]
async fn a_replayed_handshake_is_refused() {
    let env = Emulated::start().await;
    let mut page = registered(&env, "ada").await;
    let (tx, handshake, response) = ada_login(&env, &mut page).await;
    page.finish_authentication(&handshake, Some(&tx), response.clone())
        .await
        .unwrap();
    let after_login = snapshot(&env, "ada").await;
    refused_unchanged(
        &env,
        &after_login,
        page.finish_authentication(&handshake, Some(&tx), response)
            .await,
        404,
        "handshake_not_found",
    )
    .await;
}

#[tokio::test]
async fn tampered_client_data_is_refused() {
    let env = Emulated::start().await;
    let mut page = registered(&env, "ada").await;
    let before = snapshot(&env, "ada").await;
    let (tx, handshake, mut response) = ada_login(&env, &mut page).await;
    // The client data of another ceremony's challenge: what a replay across sessions sends.
    let mut client_data: Value =
        serde_json::from_slice(&decode(&response["response"]["clientDataJSON"])).unwrap();
    client_data["challenge"] = encode(b"a challenge from some other handshake");
    response["response"]["clientDataJSON"] = encode(client_data.to_string().as_bytes());
    refused_unchanged(
        &env,
        &before,
        page.finish_authentication(&handshake, Some(&tx), response)
            .await,
        400,
        "challenge_mismatch",
    )
    .await;
}

#[tokio::test]
async fn a_bad_signature_is_refused() {
    let env = Emulated::start().await;
    let mut page = registered(&env, "ada").await;
    let before = snapshot(&env, "ada").await;
    let (tx, handshake, mut response) = ada_login(&env, &mut page).await;
    let mut signature = decode(&response["response"]["signature"]);
    let last = signature.len() - 1;
    signature[last] ^= 0x01;
    response["response"]["signature"] = encode(&signature);
    refused_unchanged(
        &env,
        &before,
        page.finish_authentication(&handshake, Some(&tx), response)
            .await,
        400,
        "invalid_signature",
    )
    .await;
}

#[tokio::test]
async fn an_expired_handshake_is_refused() {
    let env =
        Emulated::start_with(Emulator::builder().handshake_ttl(Duration::from_millis(200))).await;
    let mut page = registered(&env, "ada").await;
    let before = snapshot(&env, "ada").await;
    let (tx, handshake, response) = ada_login(&env, &mut page).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    refused_unchanged(
        &env,
        &before,
        page.finish_authentication(&handshake, Some(&tx), response)
            .await,
        404,
        "handshake_not_found",
    )
    .await;
}

#[tokio::test]
async fn a_revoked_passkey_can_no_longer_log_in() {
    let env = Emulated::start().await;
    let mut page = registered(&env, "ada").await;
    let tx = register_transaction(&env, "ada").await;
    browser(&env).register(&tx).await.unwrap();
    // The login starts while the passkey is there and finishes after it was revoked.
    let (tx, handshake, response) = ada_login(&env, &mut page).await;
    let signer = env
        .passage
        .get_devices("ada")
        .await
        .unwrap()
        .into_iter()
        .find(|device| json!(device.cred_id) == response["id"])
        .expect("the signing passkey is listed with its credential ID");
    env.passage.revoke_device("ada", &signer.id).await.unwrap();
    let before = snapshot(&env, "ada").await;
    refused_unchanged(
        &env,
        &before,
        page.finish_authentication(&handshake, Some(&tx), response)
            .await,
        403,
        "credential_not_allowed",
    )
    .await;

    // A new login no longer offers it, and a discoverable login with it is refused too.
    let tx = env
        .passage
        .create_authenticate_transaction("ada")
        .await
        .unwrap();
    let challenge = page
        .start_authentication(Some(&tx))
        .await
        .unwrap()
        .challenge;
    let allowed = &challenge["publicKey"]["allowCredentials"];
    assert_eq!(allowed.as_array().map(Vec::len), Some(1), "{allowed}");
    assert_ne!(allowed[0]["id"], json!(signer.cred_id));
    refused_unchanged(
        &env,
        &before,
        page.authenticate(None).await,
        403,
        "credential_not_allowed",
    )
    .await;
}

#[tokio::test]
async fn another_users_credential_cannot_finish_a_transaction_login() {
    let env = Emulated::start().await;
    registered(&env, "ada").await;
    let mut bob = registered(&env, "bob").await;
    let before = (snapshot(&env, "ada").await, snapshot(&env, "bob").await);
    let tx = env
        .passage
        .create_authenticate_transaction("ada")
        .await
        .unwrap();
    let Handshake {
        id: handshake,
        mut challenge,
        ..
    } = bob.start_authentication(Some(&tx)).await.unwrap();
    // A hostile page drops the allow list so that bob's authenticator answers ada's login.
    challenge["publicKey"]["allowCredentials"] = json!([]);
    let origin = bob.origin().clone();
    let response = bob.passkey_mut().get(&origin, &challenge).await.unwrap();
    refused(
        bob.finish_authentication(&handshake, Some(&tx), response)
            .await,
        403,
        "credential_not_allowed",
    );
    assert_eq!(
        (snapshot(&env, "ada").await, snapshot(&env, "bob").await),
        before
    );
}

#[tokio::test]
async fn a_nonce_from_a_real_ceremony_verifies_once() {
    let env = Emulated::start().await;
    let mut page = registered(&env, "ada").await;
    let tx = env
        .passage
        .create_authenticate_transaction("ada")
        .await
        .unwrap();
    let nonce = page.authenticate(Some(&tx)).await.unwrap();
    assert_eq!(env.passage.verify_nonce(&nonce).await.unwrap(), "ada");
    let err = env.passage.verify_nonce(&nonce).await.unwrap_err();
    assert!(matches!(err, Error::InvalidNonce(_)), "{err:?}");
}

#[tokio::test]
async fn a_discoverable_login_finds_the_user_by_user_handle() {
    let env = Emulated::start().await;
    registered(&env, "ada").await;
    let mut bob = registered(&env, "bob").await;
    let nonce = bob.authenticate(None).await.unwrap();
    assert_eq!(env.passage.verify_nonce(&nonce).await.unwrap(), "bob");
    assert_eq!(env.passage.get_user("bob").await.unwrap().login_count, 1);
    assert_eq!(env.passage.get_user("ada").await.unwrap().login_count, 0);
}

#[tokio::test]
async fn a_sign_count_that_goes_back_is_refused() {
    let env = Emulated::start().await;
    let mut page = registered(&env, "ada").await;
    let old_copy = page.passkey_mut().snapshot();
    let tx = env
        .passage
        .create_authenticate_transaction("ada")
        .await
        .unwrap();
    page.authenticate(Some(&tx)).await.unwrap();
    let before = snapshot(&env, "ada").await;
    // A cloned authenticator, restored from before that login, signs with an older count.
    page.passkey_mut().restore(old_copy);
    let (tx, handshake, response) = ada_login(&env, &mut page).await;
    refused_unchanged(
        &env,
        &before,
        page.finish_authentication(&handshake, Some(&tx), response)
            .await,
        400,
        "sign_count_decreased",
    )
    .await;
}

#[tokio::test]
async fn registration_excludes_the_users_existing_passkeys() {
    let env = Emulated::start().await;
    let mut page = registered(&env, "ada").await;
    let tx = register_transaction(&env, "ada").await;
    let challenge = page.start_registration(&tx).await.unwrap().challenge;
    let excluded = &challenge["publicKey"]["excludeCredentials"];
    let device = &env.passage.get_devices("ada").await.unwrap()[0];
    assert_eq!(excluded[0]["id"], json!(device.cred_id), "{excluded}");
    // The authenticator that holds it refuses to make a second one, as a browser does.
    let err = page.register(&tx).await.unwrap_err();
    assert!(matches!(err, CeremonyError::Authenticator(_)), "{err:?}");
}

#[tokio::test]
async fn cors_allows_the_apps_origins_only() {
    let env =
        Emulated::start_with(Emulator::builder().additional_auth_origin("https://app.example.com"))
            .await;
    let url = format!(
        "{}/v1/apps/{}/register/transactions/webauthn/start",
        env.emulator.base_url(),
        env.emulator.app_id()
    );
    let http = reqwest::Client::new();
    for (origin, allowed) in [
        ("http://localhost:3000", true),
        ("https://app.example.com", true),
        ("https://evil.example", false),
    ] {
        let preflight = http
            .request(reqwest::Method::OPTIONS, &url)
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type,passage-flex-version",
            )
            .send()
            .await
            .unwrap();
        let allow_origin = preflight.headers().get("access-control-allow-origin");
        assert_eq!(
            allow_origin.is_some(),
            allowed,
            "{origin}: {:?}",
            preflight.headers()
        );
        if allowed {
            assert_eq!(allow_origin.unwrap(), origin);
            let headers = preflight.headers()["access-control-allow-headers"]
                .to_str()
                .unwrap()
                .to_ascii_lowercase();
            assert!(headers.contains("passage-flex-version"), "{headers}");
        }
    }
}
