//! The generated crate's response decoding: any body, read as the generated calls read it
//! (lossy UTF-8, then JSON into the response model, then `serde_path_to_error` for the reason),
//! never panics; a body that decodes re-encodes to one that decodes to the same value; and the
//! path-segment encoder's output is plain unreserved ASCII that decodes back to its input.

#![no_main]

use libfuzzer_sys::fuzz_target;
use passage_flex_openapi::apis::urlencode;
use passage_flex_openapi::models;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::Debug;

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
    match serde_json::from_str::<T>(text) {
        Ok(value) => {
            let again = serde_json::to_string(&value).expect("a decoded model encodes");
            let decoded: T = serde_json::from_str(&again).expect("its encoding decodes");
            assert_eq!(decoded, value, "{again}");
        }
        Err(_) => {
            let mut json = serde_json::Deserializer::from_str(text);
            let tracked = serde_path_to_error::deserialize::<_, T>(&mut json);
            let _ = tracked.map_err(|err| err.to_string());
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
