//! The server side of the Passkey Flex story, step by step.
//!
//! `cargo run --example quickstart`
//!
//! With `PASSAGE_APP_ID` and `PASSAGE_API_KEY` set (and optionally `PASSAGE_API_URL`), it runs
//! the server-side steps against that API and says which steps need a browser. Without them it
//! explains what it needs and exits successfully. (A local emulator that runs the whole flow
//! with no account is planned; it will become the default here.)

use passage_flex::{Error, PassageFlex};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let configured = ["PASSAGE_APP_ID", "PASSAGE_API_KEY"]
        .iter()
        .all(|name| std::env::var_os(name).is_some());
    if !configured {
        println!(
            "passage-flex quickstart\n\n\
             This walks the server side of a Passkey Flex login against a Passage app.\n\
             Set PASSAGE_APP_ID and PASSAGE_API_KEY (from the Passage console; optionally\n\
             PASSAGE_API_URL for another origin) and run it again:\n\n\
             \x20   PASSAGE_APP_ID=... PASSAGE_API_KEY=... cargo run --example quickstart\n"
        );
        return Ok(());
    }

    let passage = PassageFlex::from_env()?;
    let external_id = "quickstart-user";

    let app = passage.get_app().await?;
    println!(
        "1. app: {} ({}), ceremonies run on {}",
        app.name, app.id, app.auth_origin
    );

    let register = passage
        .create_register_transaction(external_id, "Quickstart User")
        .await?;
    println!("2. registration transaction for {external_id}: {register}");
    println!("   -> browser step: passage.passkey.register(\"{register}\") returns a nonce");

    match passage.create_authenticate_transaction(external_id).await {
        Ok(login) => {
            println!("3. login transaction: {login}");
            println!(
                "   -> browser step: passage.passkey.authenticate({{transactionId}}) returns a nonce"
            );
        }
        Err(Error::UserHasNoPasskeys(err)) => {
            println!("3. no login yet: {err} (finish the browser registration first)");
        }
        Err(err) => return Err(err),
    }

    match passage.verify_nonce("not-a-real-nonce").await {
        Err(Error::InvalidNonce(err)) => println!("4. a made-up nonce is refused: {err}"),
        other => println!("4. verify_nonce of a made-up nonce answered {other:?}"),
    }

    match passage.get_user(external_id).await {
        Ok(user) => {
            println!(
                "5. user {} ({:?}), {} logins, {} passkeys",
                user.external_id,
                user.status,
                user.login_count,
                user.webauthn_devices.len()
            );
            for device in passage.get_devices(external_id).await? {
                println!(
                    "   passkey {} \"{}\", last used {}",
                    device.id, device.friendly_name, device.last_login_at
                );
            }
        }
        Err(Error::UserNotFound(_)) => {
            println!("5. {external_id} appears once the browser completes a registration")
        }
        Err(err) => return Err(err),
    }
    Ok(())
}
