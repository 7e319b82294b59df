//! The server the clients talk to: the emulator behind a forwarding front (plain HTTP, or TLS
//! with the benchmark's own CA offering HTTP/1.1 only or HTTP/2 too), both in a child process
//! so that the CPU time the benchmark reads (its own process's) is the clients' alone. The front
//! counts the connections it accepts; the emulator counts the API requests.

use crate::mode::Mode;
use crate::tls_front::{TestPki, TlsFront};
use passage_flex_emulator::Emulator;
use std::io::{BufRead, BufReader, Lines, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Mutex;
use std::time::Duration;

const ROLE: &str = "PASSAGE_BENCH_ROLE";
const LATENCY: &str = "PASSAGE_BENCH_LATENCY_MS";
const MODE: &str = "PASSAGE_BENCH_MODE";
const PKI: &str = "PASSAGE_BENCH_PKI";

/// A running server in a child process; killed on drop.
pub struct Server {
    /// Where the clients send their API calls: the front.
    pub base_url: String,
    pub app_id: String,
    pub api_key: String,
    /// The emulator itself, for the counters and the control endpoint.
    control_url: String,
    child: Child,
    /// Asks the child for its connection count, one line each way.
    pipe: Mutex<(ChildStdin, Lines<BufReader<ChildStdout>>)>,
    http: reqwest::Client,
}

impl Server {
    /// Starts this same binary as the server, with `latency` before every API answer and a
    /// front for `mode`, using the test PKI written to `pki`.
    pub fn spawn(latency: Duration, mode: Mode, pki: &Path) -> Server {
        let exe = std::env::current_exe().expect("the benchmark's own path");
        let mut child = Command::new(exe)
            .env(ROLE, "server")
            .env(LATENCY, latency.as_millis().to_string())
            .env(MODE, mode.name())
            .env(PKI, pki)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the server process starts");
        let mut lines = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
        let mut field = || lines.next().expect("a line").expect("readable");
        let (control_url, base_url, app_id, api_key) = (field(), field(), field(), field());
        let stdin = child.stdin.take().expect("piped stdin");
        Server {
            base_url,
            app_id,
            api_key,
            control_url,
            child,
            pipe: Mutex::new((stdin, lines)),
            http: reqwest::Client::new(),
        }
    }

    /// Connections the front has accepted so far.
    pub fn connections(&self) -> u64 {
        let mut pipe = self.pipe.lock().expect("the pipe");
        writeln!(pipe.0, "connections").expect("the server reads");
        let line = pipe.1.next().expect("an answer").expect("readable");
        line.parse().expect("a count")
    }

    /// Requests to `/v1` the emulator has received so far.
    pub async fn api_requests(&self) -> u64 {
        let answer: serde_json::Value = self
            .http
            .get(format!("{}/emulator/requests", self.control_url))
            .send()
            .await
            .expect("the count is served")
            .json()
            .await
            .expect("the count is JSON");
        answer["api_requests"].as_u64().expect("a count")
    }

    /// Completes a transaction through the control endpoint; returns the nonce.
    pub async fn complete(&self, transaction_id: &str) -> String {
        let answer: serde_json::Value = self
            .http
            .post(format!(
                "{}/emulator/apps/{}/transactions/{transaction_id}/complete",
                self.control_url, self.app_id
            ))
            .send()
            .await
            .expect("the ceremony is completed")
            .json()
            .await
            .expect("JSON");
        answer["nonce"].as_str().expect("a nonce").to_owned()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// When this process was started as the server: serve until the parent closes stdin,
/// answering each `connections` line with the front's count.
pub fn serve_if_asked() -> bool {
    if std::env::var(ROLE).as_deref() != Ok("server") {
        return false;
    }
    let latency = std::env::var(LATENCY)
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(Duration::ZERO, Duration::from_millis);
    let mode = std::env::var(MODE)
        .ok()
        .and_then(|name| Mode::from_name(&name))
        .expect("a mode");
    let pki = TestPki::read(Path::new(
        &std::env::var_os(PKI).expect("the PKI's directory"),
    ));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let emulator = Emulator::builder()
            .latency(latency)
            .start()
            .await
            .expect("the emulator starts");
        let front =
            TlsFront::start_with(mode.tls().map(|alpn| (&pki, alpn)), &emulator.base_url()).await;
        println!("{}", emulator.base_url());
        println!("{}", front.base_url);
        println!("{}", emulator.app_id());
        println!("{}", emulator.api_key());
        // The parent holds our stdin; when it exits or drops us, the reads end.
        tokio::task::spawn_blocking(move || {
            for line in std::io::stdin().lines() {
                match line.as_deref() {
                    Ok("connections") => println!("{}", front.connections()),
                    _ => return,
                }
            }
        })
        .await
        .expect("the wait ends");
    });
    true
}
