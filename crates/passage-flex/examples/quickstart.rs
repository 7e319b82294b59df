//! The Passkey Flex story, step by step: `cargo run --example quickstart`.
//!
//! With no configuration it starts the local emulator in-process and walks the whole flow,
//! playing the browser's part with a software passkey: real WebAuthn registrations and logins,
//! verified by the emulator as Passage verifies a browser's. With `PASSAGE_APP_ID` and
//! `PASSAGE_API_KEY` set (and optionally `PASSAGE_API_URL`), it runs the server-side steps
//! against that Passage app instead and says which steps need a browser.

use std::error::Error as StdError;

use passage_flex::{Error, PassageFlex};
use passage_flex_emulator::Emulator;
use passage_flex_emulator::browser::PasskeyBrowser;

type Outcome = Result<(), Box<dyn StdError>>;

const EXTERNAL_ID: &str = "quickstart-user";
const DISPLAY_NAME: &str = "quickstart@example.com";

#[tokio::main]
async fn main() -> Outcome {
    let configured = ["PASSAGE_APP_ID", "PASSAGE_API_KEY"]
        .iter()
        .all(|name| std::env::var_os(name).is_some());
    if configured {
        against_passage().await
    } else {
        against_the_emulator().await
    }
}

/// The whole flow, offline: the emulator plays Passage and, for the ceremonies, the browser.
async fn against_the_emulator() -> Outcome {
    println!("passage-flex quickstart: the whole Passkey Flex flow against a local emulator");
    println!("(set PASSAGE_APP_ID and PASSAGE_API_KEY to run against your Passage app)\n");

    let emulator = Emulator::start().await?;
    let passage = PassageFlex::builder(emulator.app_id(), emulator.api_key())
        .base_url(emulator.base_url())
        .build()?;
    let mut browser = PasskeyBrowser::new(&emulator);
    println!(
        "emulator listening on {}; the browser is a page on {} with a software passkey\n",
        emulator.base_url(),
        emulator.auth_origin()
    );

    print_app(&passage).await?;

    // Sign-up: the backend opens a registration, the browser creates a passkey.
    let transaction = passage
        .create_register_transaction(EXTERNAL_ID, DISPLAY_NAME)
        .await?;
    println!("2. create_register_transaction({EXTERNAL_ID:?}) -> transaction {transaction}");
    let registration_nonce = browser.register(&transaction).await?;
    // A nonce is a credential until verified: the output names it, never shows it.
    println!("3. browser: passkey.register -> a new passkey (WebAuthn, verified) -> a nonce");
    let proven = passage.verify_nonce(&registration_nonce).await?;
    println!("4. verify_nonce -> {proven:?}: registered; the backend starts its own session");

    print_user(&passage).await?;

    // Log-in: the same dance with an authentication transaction.
    let transaction = passage.create_authenticate_transaction(EXTERNAL_ID).await?;
    println!("6. create_authenticate_transaction({EXTERNAL_ID:?}) -> transaction {transaction}");
    let login_nonce = browser.authenticate(Some(&transaction)).await?;
    println!("7. browser: passkey.authenticate -> a signed assertion (verified) -> a nonce");
    let proven = passage.verify_nonce(&login_nonce).await?;
    let user = passage.get_user(EXTERNAL_ID).await?;
    println!(
        "8. verify_nonce -> {proven:?}: logged in (login #{})",
        user.login_count
    );

    // A nonce is single-use: a replay is refused with a typed error.
    match passage.verify_nonce(&login_nonce).await {
        Err(Error::InvalidNonce(api)) => {
            println!(
                "9. verify_nonce again -> Error::InvalidNonce ({} {})",
                api.status, api.message
            )
        }
        other => return Err(format!("a replayed nonce was not refused: {other:?}").into()),
    }

    // Revoking the only passkey: the user can no longer log in.
    let device = passage.get_devices(EXTERNAL_ID).await?.remove(0);
    passage.revoke_device(EXTERNAL_ID, &device.id).await?;
    let left = passage.get_devices(EXTERNAL_ID).await?.len();
    println!("10. revoke_device({}) -> {left} passkey(s) left", device.id);
    match passage.create_authenticate_transaction(EXTERNAL_ID).await {
        Err(Error::UserHasNoPasskeys(api)) => {
            println!(
                "11. create_authenticate_transaction -> Error::UserHasNoPasskeys ({})",
                api.message
            )
        }
        other => return Err(format!("a login without passkeys was not refused: {other:?}").into()),
    }

    emulator.shutdown().await;
    println!("\ndone: registration, login, replay refused, passkey revoked");
    Ok(())
}

/// The server-side steps against a real Passage app; the ceremonies need a browser.
async fn against_passage() -> Outcome {
    let passage = PassageFlex::from_env()?;
    println!("passage-flex quickstart against Passage (the ceremonies need a browser)\n");

    print_app(&passage).await?;

    let register = passage
        .create_register_transaction(EXTERNAL_ID, DISPLAY_NAME)
        .await?;
    println!("2. create_register_transaction({EXTERNAL_ID:?}) -> transaction {register}");
    println!("   browser step: passage.passkey.register(\"{register}\") returns a nonce");

    match passage.create_authenticate_transaction(EXTERNAL_ID).await {
        Ok(login) => {
            println!("3. create_authenticate_transaction -> transaction {login}");
            println!(
                "   browser step: passage.passkey.authenticate({{ transactionId }}) returns a nonce"
            );
        }
        Err(Error::UserHasNoPasskeys(_)) => {
            println!("3. no login yet: the user has no passkey until the browser registers one")
        }
        Err(err) => return Err(err.into()),
    }

    match passage.verify_nonce("not-a-real-nonce").await {
        Err(Error::InvalidNonce(api)) => println!("4. a made-up nonce is refused: {api}"),
        other => println!("4. verify_nonce of a made-up nonce answered {other:?}"),
    }

    match print_user(&passage).await {
        Ok(()) => {}
        Err(Error::UserNotFound(_)) => {
            println!("5. {EXTERNAL_ID} appears once the browser completes a registration")
        }
        Err(err) => return Err(err.into()),
    }
    Ok(())
}

/// Step 1 of both paths: the app the API key belongs to.
async fn print_app(passage: &PassageFlex) -> Result<(), Error> {
    let app = passage.get_app().await?;
    println!(
        "1. get_app: \"{}\" ({}), ceremonies run on {}",
        app.name, app.id, app.auth_origin
    );
    Ok(())
}

/// Step 5 of both paths: the user and their passkeys.
async fn print_user(passage: &PassageFlex) -> Result<(), Error> {
    let user = passage.get_user(EXTERNAL_ID).await?;
    println!(
        "5. get_user: status {}, {} logins, {} passkey(s)",
        user.status,
        user.login_count,
        user.webauthn_devices.len()
    );
    for device in passage.get_devices(EXTERNAL_ID).await? {
        println!(
            "   get_devices: {} \"{}\", created {}, last used {}",
            device.id, device.friendly_name, device.created_at, device.last_login_at
        );
    }
    Ok(())
}
