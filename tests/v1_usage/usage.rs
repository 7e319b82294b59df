// A backend's passkey code as a user of the official `passage_flex` crate 1.0 wrote it: the
// 1.0 README's initialisation, then every 1.0 call in the style of 1.0's own docs (`String`
// arguments, `unwrap`, `match` on `Ok`/`Err`). Included, unchanged, by a binary built against
// this SDK and by a module built against the official 1.0.2 crate (`tests/tests/it/
// compat_v1_usage.rs`), so that it is shown to be 1.0 code that also builds here. The
// includer brings `PassageFlex` into scope, as 1.0's README does with
// `use passage_flex::PassageFlex;`.

/// Registers, logs in, reads and revokes for `external_id`; `nonce` comes from a finished
/// login ceremony.
async fn v1_usage(external_id: String, nonce: String) {
    let passage_flex = PassageFlex::new(
        std::env::var("YOUR_PASSAGE_APP_ID").unwrap(),
        std::env::var("YOUR_PASSAGE_API_KEY").unwrap(),
    );

    let transaction = passage_flex
        .auth
        .create_register_transaction(external_id.clone(), "user@example.com".to_string())
        .await
        .unwrap();
    println!("register transaction: {}", !transaction.is_empty());

    let transaction = passage_flex
        .auth
        .create_authenticate_transaction(external_id.clone())
        .await
        .unwrap();
    println!("authenticate transaction: {}", !transaction.is_empty());

    match passage_flex.auth.verify_nonce(nonce).await {
        Ok(verified) => println!("verified: {verified}"),
        Err(err) => println!("nonce refused: {err}"),
    }
    match passage_flex.auth.verify_nonce("01234567890123456789".to_string()).await {
        Ok(verified) => println!("verified: {verified}"),
        Err(err) => println!("made-up nonce refused: {}", !err.to_string().is_empty()),
    }

    let passage_user = passage_flex.user.get(external_id.clone()).await.unwrap();
    println!("user: {} {}", passage_user.external_id, passage_user.login_count);

    let passkey_devices = passage_flex
        .user
        .list_devices(external_id.clone())
        .await
        .unwrap();
    for device in passkey_devices {
        println!("device used: {}", device.usage_count);
        if let Err(err) = passage_flex
            .user
            .revoke_device(external_id.clone(), device.id)
            .await
        {
            println!("device couldn't be revoked: {err}");
        }
    }
    let passkey_devices = passage_flex.user.list_devices(external_id).await.unwrap();
    println!("devices left: {}", passkey_devices.len());
}
