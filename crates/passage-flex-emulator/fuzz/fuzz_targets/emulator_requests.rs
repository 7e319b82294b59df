//! The emulator's request handling: the fuzzer writes the query, path parameter and JSON body of
//! a request to one of its endpoints (the management API, the browser-facing ceremonies, the
//! console and control endpoints). Whatever it writes, the emulator answers over HTTP with a
//! status below 500 and does not panic (a panic in any thread aborts the run).
//!
//! Input: byte 0 picks the endpoint, byte 1 where the rest splits into the path-or-query part
//! and the body. In both, `$TX` becomes a live registration transaction and `$USER` a user's
//! Passage ID, so the fuzzer reaches past the lookups.

#![no_main]

use libfuzzer_sys::fuzz_target;
use passage_flex_emulator::Emulator;
use std::sync::Mutex;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Runs before a fresh emulator replaces the old one, so that its store stays small.
const RUNS_PER_EMULATOR: u32 = 20_000;

struct Rig {
    runtime: tokio::runtime::Runtime,
    live: Mutex<Option<Live>>,
}

struct Live {
    emulator: Emulator,
    transaction: String,
    user: String,
    runs: u32,
}

fn rig() -> &'static Rig {
    static RIG: std::sync::OnceLock<Rig> = std::sync::OnceLock::new();
    RIG.get_or_init(|| Rig {
        runtime: tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime"),
        live: Mutex::new(None),
    })
}

async fn start() -> Live {
    let emulator = Emulator::start().await.expect("the emulator starts");
    let app = emulator.app_id().to_owned();
    let body = br#"{"external_id":"ada","passkey_display_name":"ada@example.com"}"#;
    let (_, answer) = exchange(
        &emulator,
        &request(
            &emulator,
            "POST",
            &format!("/v1/apps/{app}/transactions/register"),
            body,
        ),
    )
    .await;
    let json = answer
        .split(|byte| *byte == b'{')
        .skip(1)
        .collect::<Vec<_>>();
    let json = format!("{{{}", String::from_utf8_lossy(&json.join(&b'{')));
    let transaction =
        serde_json::from_str::<serde_json::Value>(&json).expect("a transaction")["transaction_id"]
            .as_str()
            .expect("an ID")
            .to_owned();
    let (_, answer) = exchange(
        &emulator,
        &request(
            &emulator,
            "GET",
            &format!("/v1/apps/{app}/users?identifier=ada"),
            b"",
        ),
    )
    .await;
    let text = String::from_utf8_lossy(&answer).into_owned();
    let at = text.find(r#""id":""#).expect("ada is listed") + 6;
    let user = text[at..].split('"').next().expect("an ID").to_owned();
    Live {
        emulator,
        transaction,
        user,
        runs: 0,
    }
}

fn request(emulator: &Emulator, method: &str, target: &str, body: &[u8]) -> Vec<u8> {
    let mut bytes = format!(
        "{method} {target} HTTP/1.1\r\nhost: localhost\r\nauthorization: Bearer {}\r\n\
         origin: {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n",
        emulator.api_key(),
        emulator.auth_origin(),
        body.len()
    )
    .into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// Sends `request`, reads the whole answer; returns its status and bytes.
async fn exchange(emulator: &Emulator, request: &[u8]) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(emulator.local_addr())
        .await
        .expect("the emulator accepts");
    stream
        .write_all(request)
        .await
        .expect("the request is read");
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .expect("answered in time")
        .expect("read");
    let status = std::str::from_utf8(&answer[..answer.len().min(12)])
        .ok()
        .and_then(|line| line.strip_prefix("HTTP/1.1 "))
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {:?}", String::from_utf8_lossy(&answer)));
    (status, answer)
}

/// Request-target bytes: anything a request line cannot carry is percent-encoded.
fn target_text(bytes: &[u8], keep: &[u8]) -> String {
    let mut text = String::new();
    for &byte in bytes {
        if byte.is_ascii_graphic() && byte != b'%' && byte != b'#' && !keep.contains(&byte) {
            text.push(byte as char);
        } else if byte == b'%' {
            text.push('%');
        } else {
            text.push_str(&format!("%{byte:02X}"));
        }
    }
    text
}

fn substitute(text: &str, live: &Live) -> String {
    text.replace("$TX", &live.transaction)
        .replace("$USER", &live.user)
}

fuzz_target!(|data: &[u8]| {
    let [endpoint, split, rest @ ..] = data else {
        return;
    };
    let at = (*split as usize).min(rest.len());
    let (part, body) = rest.split_at(at);
    let rig = rig();
    let mut live = rig.live.lock().expect("rig");
    if live
        .as_ref()
        .is_none_or(|live| live.runs >= RUNS_PER_EMULATOR)
    {
        *live = None;
        *live = Some(rig.runtime.block_on(start()));
    }
    let live = live.as_mut().expect("an emulator");
    live.runs += 1;
    let app = live.emulator.app_id().to_owned();
    let query = substitute(&target_text(part, b""), live);
    let segment = substitute(&target_text(part, b"/?"), live);
    let body = substitute(&String::from_utf8_lossy(body), live).into_bytes();
    let api = format!("/v1/apps/{app}");
    let (method, target) = match endpoint % 13 {
        0 => ("GET", format!("{api}/users?{query}")),
        1 => ("GET", format!("{api}/users/{segment}")),
        2 => ("PATCH", format!("{api}/users/{segment}")),
        3 => ("POST", format!("{api}/transactions/register")),
        4 => ("POST", format!("{api}/transactions/authenticate")),
        5 => ("POST", format!("{api}/authenticate/verify")),
        6 => (
            "POST",
            format!("{api}/register/transactions/webauthn/start"),
        ),
        7 => (
            "POST",
            format!("{api}/register/transactions/webauthn/finish"),
        ),
        8 => (
            "POST",
            format!("{api}/authenticate/transactions/webauthn/start"),
        ),
        9 => (
            "POST",
            format!("{api}/authenticate/transactions/webauthn/finish"),
        ),
        10 => (
            "POST",
            format!("/emulator/apps/{app}/transactions/{segment}/complete"),
        ),
        11 => ("GET", format!("/emulator/?{query}")),
        _ => ("DELETE", format!("{api}/users/$USER/devices/{segment}")),
    };
    let target = substitute(&target, live);
    let bytes = request(&live.emulator, method, &target, &body);
    let (status, answer) = rig.runtime.block_on(exchange(&live.emulator, &bytes));
    assert!(
        status < 500,
        "{method} {target} -> {status}: {}",
        String::from_utf8_lossy(&answer)
    );
});
