//! Fake: the in-process emulator. Code written for the official `passage_flex` crate 1.0
//! (`tests/v1_usage/usage.rs`) builds against the official 1.0.2 crate and against this SDK, and
//! the latter build runs its whole flow against the emulator, pointed there only by
//! environment variables.

use passage_flex_tests::emulated::Emulated;
use std::process::Command;

/// The same code against the official 1.0.2 crate: it compiles, so it is genuine 1.0 code.
/// (Never run: 1.0 can only talk to `https://api.passage.id`.)
#[allow(dead_code)]
mod official_1_0 {
    use official::PassageFlex;

    include!("../../v1_usage/usage.rs");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_written_for_1_0_runs_unchanged_against_the_emulator() {
    let emulated = Emulated::start().await;
    let external_id = "v1-user";
    emulated
        .register_passkey(external_id, "user@example.com")
        .await;
    let nonce = emulated.login_nonce(external_id).await;

    let mut v1_program = Command::new(env!("CARGO_BIN_EXE_v1_usage"));
    v1_program
        .env("YOUR_PASSAGE_APP_ID", emulated.emulator.app_id())
        .env("YOUR_PASSAGE_API_KEY", emulated.emulator.api_key())
        .env("PASSAGE_API_URL", emulated.emulator.base_url())
        .env("V1_EXTERNAL_ID", external_id)
        .env("V1_NONCE", &nonce);
    let output = tokio::task::spawn_blocking(move || v1_program.output())
        .await
        .expect("the program's thread")
        .expect("the program starts");

    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        [
            "register transaction: true",
            "authenticate transaction: true",
            "verified: v1-user",
            "made-up nonce refused: true",
            // The one login: the ceremony whose nonce the program verified.
            "user: v1-user 1",
            "device used: 1",
            "devices left: 0",
        ],
        "{stderr}"
    );
    // The revoke reached the emulator: the passkey is gone there too.
    let devices = emulated
        .passage
        .get_devices(external_id)
        .await
        .expect("devices");
    assert!(devices.is_empty(), "{devices:?}");
}
