//! Fake: the in-process emulator, over raw HTTP. A binary of its own: it measures this
//! process's memory.
//!
//! The emulator under bad input: oversized and cut-off bodies, malformed JSON, huge and
//! repeated query parameters, unknown routes, malformed HTTP and slow clients. Each gets a 4xx
//! (413 for a body over the limit) in Passage's error shape or, where HTTP itself is broken, a
//! closed connection; none panics, memory stays bounded, and the users and passkeys it holds
//! are exactly as before.

use passage_flex_tests::emulated::Emulated;
use reqwest::{Client, Method, StatusCode};
use serde_json::Value;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// An emulator holding a user with a passkey and a user without one.
async fn populated() -> Emulated {
    let env = Emulated::start().await;
    env.register_passkey("ada", "ada@example.com").await;
    env.passage
        .create_register_transaction("bob", "bob@example.com")
        .await
        .expect("bob is created");
    env
}

/// Everything the management API shows: every user, each with their passkeys.
async fn snapshot(env: &Emulated) -> Value {
    let key = env.emulator.api_key();
    let client = Client::new();
    let list: Value = client
        .get(env.api_url("/users?limit=500&created_before=4102444800"))
        .bearer_auth(key)
        .send()
        .await
        .expect("the list answers")
        .json()
        .await
        .expect("JSON");
    let mut users = Vec::new();
    for user in list["users"].as_array().expect("users") {
        let id = user["id"].as_str().expect("an ID");
        let full: Value = client
            .get(env.api_url(&format!("/users/{id}")))
            .bearer_auth(key)
            .send()
            .await
            .expect("the user answers")
            .json()
            .await
            .expect("JSON");
        users.push(full);
    }
    Value::Array(users)
}

/// Sends `body` as `method path` with the key; returns the status and the body, which must be
/// Passage's error shape (`code` and `error` strings) unless the status is a success.
async fn send(env: &Emulated, method: Method, path: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let response = Client::new()
        .request(method.clone(), format!("{}{path}", env.emulator.base_url()))
        .bearer_auth(env.emulator.api_key())
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap_or_else(|err| panic!("{method} {path}: no answer: {err}"));
    let status = response.status();
    let text = response.text().await.expect("a body");
    let json: Value = serde_json::from_str(&text)
        .unwrap_or_else(|_| panic!("{method} {path} -> {status}: not JSON: {text:.200}"));
    if !status.is_success() {
        assert!(
            json["code"].is_string() && json["error"].is_string(),
            "{method} {path} -> {status}: not Passage's error shape: {json}"
        );
    }
    (status, json)
}

fn path(env: &Emulated, rest: &str) -> String {
    format!("/v1/apps/{}{rest}", env.emulator.app_id())
}

fn assert_refused(what: &str, status: StatusCode) {
    assert!(status.is_client_error(), "{what}: {status}");
}

/// A user ID to aim writes at.
async fn ada_id(env: &Emulated) -> String {
    env.passage.get_user("ada").await.expect("ada").id
}

/// The emulator still answers a normal call, quickly.
async fn still_serving(env: &Emulated) {
    let started = Instant::now();
    let app = env
        .passage
        .get_app()
        .await
        .expect("the emulator still serves");
    assert_eq!(app.id, env.emulator.app_id());
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn malformed_json_is_400_and_changes_nothing() {
    let env = populated().await;
    let ada = ada_id(&env).await;
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_object = format!("{}1{}", r#"{"a":"#.repeat(100_000), "}".repeat(100_000));
    let bodies: Vec<Vec<u8>> = vec![
        b"{".to_vec(),
        b"[]".to_vec(),
        b"null".to_vec(),
        b"\"external_id\"".to_vec(),
        br#"{"external_id": 5, "passkey_display_name": "x"}"#.to_vec(),
        br#"{"external_id": "", "passkey_display_name": "x"}"#.to_vec(),
        br#"{"external_id": null, "nonce": ["x"]}"#.to_vec(),
        br#"{"external_id": "new", "passkey_display_name": {"a": 1}}"#.to_vec(),
        br#"{"user_metadata": "not an object"}"#.to_vec(),
        br#"{"user_metadata": {"a": 1}, "email": 7}"#.to_vec(),
        b"{\"external_id\": \"new\xff\", \"passkey_display_name\": \"x\"}".to_vec(),
        b"\xef\xbb\xbf{}".to_vec(),
        br#"{"external_id": "new", "passkey_display_name": "x""#.to_vec(),
        br#"{"external_id": "new", "passkey_display_name": "x"} trailing"#.to_vec(),
        br#"{"external_id": "\ud800", "passkey_display_name": "x"}"#.to_vec(),
        br#"{"n": 1e999999}"#.to_vec(),
        deep.into_bytes(),
        deep_object.into_bytes(),
        vec![0u8; 64],
    ];
    let endpoints = [
        (Method::POST, path(&env, "/transactions/register")),
        (Method::POST, path(&env, "/transactions/authenticate")),
        (Method::POST, path(&env, "/authenticate/verify")),
        (Method::PATCH, path(&env, &format!("/users/{ada}"))),
    ];
    let mut accepted = Vec::new();
    for (method, endpoint) in &endpoints {
        for body in &bodies {
            let state = snapshot(&env).await;
            let (status, answer) = send(&env, method.clone(), endpoint, body.clone()).await;
            let shown = String::from_utf8_lossy(&body[..body.len().min(60)]).into_owned();
            if status.is_success() {
                accepted.push(format!("{method} {shown}"));
                continue;
            }
            // Mostly 400 invalid_request; a well-formed body for an unknown user is that
            // user's 404.
            assert_refused(&format!("{method} {endpoint} {shown:?}"), status);
            if status == StatusCode::BAD_REQUEST {
                assert_eq!(answer["code"], "invalid_request", "{shown:?}");
            }
            assert_eq!(snapshot(&env).await, state, "{method} {endpoint} {shown:?}");
        }
    }
    // Only a PATCH of fields the update does not know (an update of nothing) goes through.
    assert!(
        accepted
            .iter()
            .all(|request| request.starts_with("PATCH {")),
        "{accepted:#?}"
    );
    still_serving(&env).await;
}

#[tokio::test]
async fn oversized_bodies_are_413_with_memory_bounded_and_nothing_changed() {
    let env = populated().await;
    let before = snapshot(&env).await;
    let ada = ada_id(&env).await;
    // One buffer shared by every request (cloning `Bytes` copies nothing), so that the RSS
    // measured is the emulator's reading, not the test's writing.
    let mut big = br#"{"external_id": "huge", "passkey_display_name": ""#.to_vec();
    big.resize(16 << 20, b'x');
    big.extend_from_slice(br#""}"#);
    let big = axum::body::Bytes::from(big);
    let rss_before = rss_kib();
    let endpoints = [
        (Method::POST, path(&env, "/transactions/register")),
        (Method::POST, path(&env, "/authenticate/verify")),
        (Method::PATCH, path(&env, &format!("/users/{ada}"))),
    ];
    for round in 0..6 {
        for (method, endpoint) in &endpoints {
            // Declared up front...
            let response = Client::new()
                .request(
                    method.clone(),
                    format!("{}{endpoint}", env.emulator.base_url()),
                )
                .bearer_auth(env.emulator.api_key())
                .body(big.clone())
                .send()
                .await;
            if let Ok(response) = response {
                assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE, "{round}");
            }
            // ...and streamed without a length: the emulator stops reading at its limit. It
            // may close before the client has sent everything, so the answer may be lost.
            let head = format!(
                "{method} {endpoint} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {}\r\n\
                 transfer-encoding: chunked\r\n\r\n",
                env.emulator.api_key()
            );
            let answer = streamed_exchange(&env, head.as_bytes(), &big).await;
            if let Some(status) = status_of(&answer) {
                assert_eq!(status, 413, "{round}");
            }
        }
    }
    let grown_mib = rss_kib().saturating_sub(rss_before) / 1024;
    // 36 bodies of 16 MiB were sent: holding even a few of them would show.
    assert!(grown_mib < 64, "the process grew by {grown_mib} MiB");
    still_serving(&env).await;
    assert_eq!(snapshot(&env).await, before);
}

/// This process's resident set, in KiB (the emulator runs in it).
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("procfs");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS")
}

#[tokio::test]
async fn huge_odd_and_repeated_query_parameters_are_answered_not_fatal() {
    let env = populated().await;
    let before = snapshot(&env).await;
    // Near the 64 KiB an HTTP request target may have; longer ones are in
    // `malformed_http_gets_a_4xx_or_a_closed_connection`.
    let long = "x".repeat(60_000);
    let many = (0..3000)
        .map(|i| format!("identifier=a{i}"))
        .collect::<Vec<_>>()
        .join("&");
    let queries = [
        "limit=10&limit=20".to_string(),
        "page=1&page=2&page=x".to_string(),
        "page=0".to_string(),
        "page=-1".to_string(),
        "page=99999999999999999999".to_string(),
        "limit=0".to_string(),
        "limit=-5".to_string(),
        "limit=501".to_string(),
        "limit=18446744073709551616".to_string(),
        "limit=1e3".to_string(),
        "created_before=-99999999999999".to_string(),
        "created_before=99999999999999999999".to_string(),
        "order_by=".to_string(),
        "order_by=:".to_string(),
        "order_by=id:SIDEWAYS".to_string(),
        "order_by=identifier:ASC".to_string(),
        "order_by=id:ASC,id:DESC".to_string(),
        format!("order_by={}", "id:ASC,".repeat(8000)),
        "login_count=gt:abc".to_string(),
        "login_count=like:1".to_string(),
        "created_at=gt:yesterday".to_string(),
        "status=ne:".to_string(),
        "identifier=%ZZ%".to_string(),
        "identifier=%FF%FE".to_string(),
        "identifier=%00".to_string(),
        format!("identifier={long}"),
        format!("identifier=like:{long}"),
        format!("{}={}", &long[..30_000], &long[..30_000]),
        many,
        "&&&==&=".to_string(),
        "a[]=1&a[x]=2".to_string(),
    ];
    for query in &queries {
        let shown = &query[..query.len().min(60)];
        let (status, answer) = send(
            &env,
            Method::GET,
            &path(&env, &format!("/users?{query}")),
            Vec::new(),
        )
        .await;
        assert!(
            status == StatusCode::OK || status.is_client_error(),
            "{shown}: {status}"
        );
        if status.is_client_error() {
            assert_eq!(answer["code"], "invalid_request", "{shown}");
        } else {
            assert!(answer["users"].is_array(), "{shown}: {answer:.200}");
        }
    }
    still_serving(&env).await;
    assert_eq!(snapshot(&env).await, before);
}

#[tokio::test]
async fn unknown_routes_and_methods_are_4xx_in_passages_shape() {
    let env = populated().await;
    let before = snapshot(&env).await;
    let ada = ada_id(&env).await;
    let long = "y".repeat(60_000);
    let cases = [
        (Method::GET, "/v1".to_string()),
        (Method::GET, "/v1/apps".to_string()),
        (Method::GET, path(&env, "/nope")),
        (Method::GET, path(&env, "/users/")),
        (Method::GET, path(&env, "/users/%00")),
        (Method::GET, path(&env, "/users/%FF%FE")),
        (Method::GET, path(&env, "/users/..%2F..%2Fapps")),
        (Method::GET, path(&env, &format!("/users/{long}"))),
        (
            Method::GET,
            path(&env, &format!("/users/{ada}/devices/x/y")),
        ),
        (Method::DELETE, path(&env, "")),
        (Method::PUT, path(&env, &format!("/users/{ada}"))),
        (Method::POST, path(&env, "/users")),
        (Method::DELETE, path(&env, &format!("/users/{ada}/devices"))),
        (Method::GET, path(&env, "/transactions/register")),
        (Method::GET, "/v1/apps/another_app/users".to_string()),
        (Method::DELETE, format!("/v1/apps/another_app/users/{ada}")),
        (Method::GET, "/v1/apps/%2e%2e/users".to_string()),
    ];
    for (method, route) in &cases {
        let shown = &route[..route.len().min(80)];
        let (status, _) = send(&env, method.clone(), route, Vec::new()).await;
        assert_refused(&format!("{method} {shown}"), status);
    }
    still_serving(&env).await;
    assert_eq!(snapshot(&env).await, before);
}

/// Writes `request` on a fresh connection and reads until the emulator closes it or `wait`
/// passes; returns what came back.
async fn raw_exchange(env: &Emulated, request: &[u8], wait: Duration) -> Vec<u8> {
    let mut stream = TcpStream::connect(env.emulator.local_addr())
        .await
        .expect("connect");
    // The emulator may answer and close before everything is written.
    let _ = stream.write_all(request).await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(wait, stream.read_to_end(&mut answer)).await;
    answer
}

/// Sends `head`, then `body` in 64 KiB chunks until it is all sent or the emulator stops
/// reading; returns its answer.
async fn streamed_exchange(env: &Emulated, head: &[u8], body: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(env.emulator.local_addr())
        .await
        .expect("connect");
    stream.write_all(head).await.expect("the head is read");
    for chunk in body.chunks(1 << 16) {
        let framed = [format!("{:x}\r\n", chunk.len()).as_bytes(), chunk, b"\r\n"].concat();
        if stream.write_all(&framed).await.is_err() {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
    answer
}

fn status_of(answer: &[u8]) -> Option<u16> {
    let line = answer.split(|byte| *byte == b'\r').next()?;
    let line = std::str::from_utf8(line).ok()?;
    line.split(' ').nth(1)?.parse().ok()
}

#[tokio::test]
async fn malformed_http_gets_a_4xx_or_a_closed_connection() {
    let env = populated().await;
    let before = snapshot(&env).await;
    let app = env.emulator.app_id().to_owned();
    let key = env.emulator.api_key().to_owned();
    let huge_header = format!("x-big: {}\r\n", "z".repeat(2 << 20));
    let requests: Vec<Vec<u8>> = vec![
        b"GARBAGE\r\n\r\n".to_vec(),
        b"GET\r\n\r\n".to_vec(),
        b"GET / HTTP/9.9\r\n\r\n".to_vec(),
        b"\x00\x01\x02\x03\r\n\r\n".to_vec(),
        format!("GET /v1/apps/{app} HTTP/1.1\r\nhost: x\r\n{huge_header}\r\n").into_bytes(),
        format!(
            "POST /v1/apps/{app}/transactions/register HTTP/1.1\r\nhost: x\r\n\
             authorization: Bearer {key}\r\ncontent-length: abc\r\n\r\n{{}}"
        )
        .into_bytes(),
        format!(
            "POST /v1/apps/{app}/transactions/register HTTP/1.1\r\nhost: x\r\n\
             authorization: Bearer {key}\r\ncontent-length: 5\r\ncontent-length: 7\r\n\r\n{{}}"
        )
        .into_bytes(),
        format!(
            "POST /v1/apps/{app}/transactions/register HTTP/1.1\r\nhost: x\r\n\
             authorization: Bearer {key}\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{{}}\r\n"
        )
        .into_bytes(),
        format!(
            "GET /v1/apps/{app}/users?{} HTTP/1.1\r\nhost: x\r\n\r\n",
            "q".repeat(1 << 20)
        )
        .into_bytes(),
        format!(
            "GET /v1/apps/{app}/users/{} HTTP/1.1\r\nhost: x\r\n\r\n",
            "p".repeat(70_000)
        )
        .into_bytes(),
    ];
    for request in &requests {
        let shown = String::from_utf8_lossy(&request[..request.len().min(60)]).into_owned();
        let answer = raw_exchange(&env, request, Duration::from_secs(5)).await;
        if let Some(status) = status_of(&answer) {
            assert!((400..500).contains(&status), "{shown:?} -> {status}");
        }
    }
    still_serving(&env).await;
    assert_eq!(snapshot(&env).await, before);
}

#[tokio::test]
async fn a_slow_client_blocks_nobody_and_a_cut_body_changes_nothing() {
    let env = populated().await;
    let before = snapshot(&env).await;
    let app = env.emulator.app_id().to_owned();
    let key = env.emulator.api_key().to_owned();
    let body = r#"{"external_id": "carol", "passkey_display_name": "carol@example.com"}"#;
    let request = format!(
        "POST /v1/apps/{app}/transactions/register HTTP/1.1\r\nhost: x\r\n\
         authorization: Bearer {key}\r\ncontent-type: application/json\r\n\
         content-length: {}\r\n\r\n{body}",
        body.len()
    );
    // Several clients stop halfway through their head or body and stay connected.
    let mut stalled = Vec::new();
    for cut in [10, request.len() / 2, request.len() - 5] {
        let mut stream = TcpStream::connect(env.emulator.local_addr())
            .await
            .expect("connect");
        stream
            .write_all(&request.as_bytes()[..cut])
            .await
            .expect("write");
        stalled.push(stream);
    }
    // Others are served meanwhile.
    for _ in 0..5 {
        still_serving(&env).await;
    }
    // A body cut off for good (the client goes away) creates nobody.
    drop(stalled);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(snapshot(&env).await, before);

    // A client that trickles its request byte by byte is answered when it is done.
    let mut stream = TcpStream::connect(env.emulator.local_addr())
        .await
        .expect("connect");
    for byte in request.as_bytes() {
        stream.write_all(&[*byte]).await.expect("write");
        tokio::time::sleep(Duration::from_micros(200)).await;
    }
    let mut answer = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut answer))
        .await
        .expect("answered in time")
        .expect("read");
    assert_eq!(status_of(&answer[..n]), Some(201), "{:?}", &answer[..n]);
    let carol = env.passage.get_user("carol").await.expect("carol exists");
    assert_eq!(carol.external_id, "carol");
}
