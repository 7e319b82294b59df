//! Code written for the official `passage_flex` crate 1.0 (`tests/v1_usage/usage.rs`), built
//! against this SDK. Run by `tests/tests/it/compat_v1_usage.rs` against an emulator, with the
//! external ID and a login nonce in `V1_EXTERNAL_ID` and `V1_NONCE`.

use passage_flex::PassageFlex;

include!("../../v1_usage/usage.rs");

#[tokio::main]
async fn main() {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    v1_usage(var("V1_EXTERNAL_ID"), var("V1_NONCE")).await;
}
