//! The facade's error mapping and decoding, end to end: the fuzzer writes the raw HTTP answer
//! (status line, headers, body, all of it) that a loopback server sends to one of the facade's
//! operations. Whatever it writes, the call returns within its timeout, without a panic; an
//! error's status is the one the answer's status line sent and its text never holds the API
//! key; a user returned is the one asked for.
//!
//! Input: byte 0 picks the operation, byte 1 whether the external-ID lookup (for operations
//! that make one) gets a proper answer or the fuzzed one; the rest is the answer.

#![no_main]

use libfuzzer_sys::fuzz_target;
use passage_flex::{CacheConfig, Error, ListUsersOptions, PassageFlex, RetryConfig};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const API_KEY: &str = "sk_fuzz_secret_key";
const EXTERNAL_ID: &str = "user-42";
const USER_ID: &str = "psg_1";
const TIMEOUT: Duration = Duration::from_millis(200);

struct Rig {
    runtime: tokio::runtime::Runtime,
    passage: PassageFlex,
    /// The fuzzed answer, and whether the lookup is answered properly instead.
    script: Arc<Mutex<(Vec<u8>, bool)>>,
}

fn rig() -> &'static Rig {
    static RIG: OnceLock<Rig> = OnceLock::new();
    RIG.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let script = Arc::new(Mutex::new((Vec::new(), false)));
        let listener = runtime
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let base_url = format!("http://{}", listener.local_addr().expect("address"));
        let served = Arc::clone(&script);
        runtime.spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, Arc::clone(&served)));
            }
        });
        let passage = PassageFlex::builder("app_fuzz", API_KEY)
            .base_url(base_url)
            .timeout(TIMEOUT)
            .max_response_bytes(16 * 1024)
            .user_id_cache(CacheConfig::disabled())
            .retry(
                RetryConfig::new()
                    .backoff(Duration::from_millis(1), Duration::from_millis(2))
                    .max_retry_after(Duration::ZERO),
            )
            .build()
            .expect("a client");
        Rig {
            runtime,
            passage,
            script,
        }
    })
}

/// Reads one request head (and its declared body), writes the answer, closes.
async fn serve(mut stream: TcpStream, script: Arc<Mutex<(Vec<u8>, bool)>>) {
    let mut request = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = request.windows(4).position(|window| window == b"\r\n\r\n") {
            break end + 4;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&request[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(0);
    while request.len() < head_end + length {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&chunk[..n]),
        }
    }
    let is_lookup = head.starts_with("get ") && head.contains("identifier=");
    let (answer, proper_lookup) = script.lock().expect("script").clone();
    let answer = if is_lookup && proper_lookup {
        let page = format!(
            r#"{{"users":[{{"id":"{USER_ID}","external_id":"{EXTERNAL_ID}","status":"active","created_at":"2024-06-01T12:00:00Z","updated_at":"2024-06-01T12:00:00Z","last_login_at":"2024-06-01T12:00:00Z","login_count":1,"email":"","email_verified":false,"phone":"","phone_verified":false,"user_metadata":null}}],"total_users":1,"page":1,"limit":10,"created_before":1717243200,"_links":{{"first":{{"href":""}},"last":{{"href":""}},"previous":{{"href":""}},"self":{{"href":""}},"next":{{"href":""}}}}}}"#
        );
        format!(
            "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{page}",
            page.len()
        )
        .into_bytes()
    } else {
        answer
    };
    let _ = stream.write_all(&answer).await;
    let _ = stream.shutdown().await;
}

/// What an operation returned, where it names a user.
enum Returned {
    Other,
    User { id: String, external_id: String },
}

async fn run(passage: &PassageFlex, op: u8) -> Result<Returned, Error> {
    let user = |user: passage_flex::PassageUser| Returned::User {
        id: user.id,
        external_id: user.external_id,
    };
    Ok(match op % 13 {
        0 => passage.get_app().await.map(|_| Returned::Other)?,
        1 => passage
            .create_register_transaction(EXTERNAL_ID, "ada@example.com")
            .await
            .map(|_| Returned::Other)?,
        2 => passage
            .create_authenticate_transaction(EXTERNAL_ID)
            .await
            .map(|_| Returned::Other)?,
        3 => passage
            .verify_nonce("nonce")
            .await
            .map(|_| Returned::Other)?,
        4 => user(passage.get_user(EXTERNAL_ID).await?),
        5 => user(passage.get_user_by_id(USER_ID).await?),
        6 => passage
            .delete_user(EXTERNAL_ID)
            .await
            .map(|_| Returned::Other)?,
        7 => user(passage.activate_user(EXTERNAL_ID).await?),
        8 => user(passage.deactivate_user(EXTERNAL_ID).await?),
        9 => user(
            passage
                .update_user_metadata(EXTERNAL_ID, serde_json::json!({"a": 1}))
                .await?,
        ),
        10 => passage
            .get_devices(EXTERNAL_ID)
            .await
            .map(|_| Returned::Other)?,
        11 => passage
            .revoke_device(EXTERNAL_ID, "dev_1")
            .await
            .map(|_| Returned::Other)?,
        _ => {
            use futures::StreamExt;
            let stream = passage.list_users(ListUsersOptions::new()).take(5);
            let users: Vec<_> = stream.collect().await;
            for user in users {
                user?;
            }
            Returned::Other
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let [op, lookup, answer @ ..] = data else {
        return;
    };
    let rig = rig();
    *rig.script.lock().expect("script") = (answer.to_vec(), lookup % 2 == 0);
    let outcome = rig.runtime.block_on(async {
        // Repeats and a lookup make several attempts, each bounded by the timeout.
        tokio::time::timeout(Duration::from_secs(10), run(&rig.passage, *op)).await
    });
    match outcome.expect("the call returned within its timeouts") {
        Ok(Returned::User { id, external_id }) => {
            assert_eq!(id, USER_ID, "another user's ID");
            if op % 13 != 5 {
                assert_eq!(external_id, EXTERNAL_ID, "another user");
            }
        }
        Ok(Returned::Other) => {}
        Err(err) => {
            if let (Some(status), Some(sent)) = (err.status(), sent_status(answer)) {
                // The lookup's own documented answer when a page holds nobody with the ID.
                let miss = matches!(&err, Error::UserNotFound(api) if api.code.is_none())
                    && status == 200;
                assert!(status == sent || miss, "status {status} from an answer of {sent}");
            }
            let shown = format!("{err} {err:?}");
            assert!(!shown.contains(API_KEY), "the key leaked: {shown}");
        }
    }
});

/// The status of `answer`'s first status line, unless it is informational (a final answer may
/// follow it in the same bytes) or not a status line at all.
fn sent_status(answer: &[u8]) -> Option<u16> {
    let line = answer
        .strip_prefix(b"HTTP/1.1 ")
        .or_else(|| answer.strip_prefix(b"HTTP/1.0 "))?;
    let digits = line.get(..3)?;
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let status = std::str::from_utf8(digits).ok()?.parse::<u16>().ok()?;
    (status >= 200).then_some(status)
}
