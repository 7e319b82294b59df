//! The generated crate's response decoding: any body, read as the generated calls read it
//! (lossy UTF-8, then the generated crate's own decoder, `xtask/codegen/inline/decode.rs`,
//! into the response model, naming the failing value's path when it fails), never panics; a
//! body that decodes re-encodes to one that decodes to the same value; a refusal names a path
//! and keeps the body; and the path-segment encoder's output is plain unreserved ASCII that
//! decodes back to its input.

#![no_main]

use libfuzzer_sys::fuzz_target;
use passage_flex_openapi::apis::urlencode;
use passage_flex_openapi::models;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::Debug;

/// The decoder the generated operations call, compiled here from its source as xtask does (it
/// is private to the generated crate).
#[allow(dead_code)]
#[path = "../../../../xtask/codegen/inline/decode.rs"]
mod generated_decoder;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    decode::<models::AppResponse>(&text);
    decode::<models::UserResponse>(&text);
    decode::<models::ListPaginatedUsersResponse>(&text);
    decode::<models::ListDevicesResponse>(&text);
    decode::<models::CreateTransactionResponse>(&text);
    decode::<models::AuthenticateVerifyNonceResponse>(&text);
    decode::<models::ApiError>(&text);
    segment_round_trip(&text);
});

fn decode<T: DeserializeOwned + Serialize + PartialEq + Debug>(text: &str) {
    let status = reqwest::StatusCode::OK;
    match generated_decoder::json::<T>(status, None, text.to_owned()) {
        Ok(value) => {
            let again = serde_json::to_string(&value).expect("a decoded model encodes");
            let decoded: T = serde_json::from_str(&again).expect("its encoding decodes");
            assert_eq!(decoded, value, "{again}");
        }
        Err(refused) => {
            assert_eq!(refused.content, text);
            // serde_json's reason, which says where it stopped, after the failing value's path
            // unless it failed at the top.
            assert!(refused.reason.contains(" at line "), "{}", refused.reason);
        }
    }
}

fn segment_round_trip(text: &str) {
    let encoded = urlencode(text);
    assert!(
        encoded
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"-._~%".contains(&byte)),
        "{encoded}"
    );
    let bytes = encoded.as_bytes();
    let mut decoded = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("ASCII");
            decoded.push(u8::from_str_radix(hex, 16).expect("two hex digits"));
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    assert_eq!(decoded, text.as_bytes());
}
