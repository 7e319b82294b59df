//! The server both clients talk to: the emulator, in a child process, so that the CPU time the
//! benchmark reads (its own process's) is the client's alone.

use passage_flex_emulator::Emulator;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const ROLE: &str = "PASSAGE_BENCH_ROLE";
const LATENCY: &str = "PASSAGE_BENCH_LATENCY_MS";

/// A running emulator in a child process; killed on drop.
pub struct Server {
    pub base_url: String,
    pub app_id: String,
    pub api_key: String,
    child: Child,
    http: reqwest::Client,
}

impl Server {
    /// Starts this same binary as the server, with `latency` before every API answer.
    pub fn spawn(latency: Duration) -> Server {
        let exe = std::env::current_exe().expect("the benchmark's own path");
        let mut child = Command::new(exe)
            .env(ROLE, "server")
            .env(LATENCY, latency.as_millis().to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the server process starts");
        let mut lines = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
        let mut field = || lines.next().expect("a line").expect("readable");
        let (base_url, app_id, api_key) = (field(), field(), field());
        Server {
            base_url,
            app_id,
            api_key,
            child,
            http: reqwest::Client::new(),
        }
    }

    /// Requests to `/v1` the server has received so far.
    pub async fn api_requests(&self) -> u64 {
        let answer: serde_json::Value = self
            .http
            .get(format!("{}/emulator/requests", self.base_url))
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
                self.base_url, self.app_id
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

/// When this process was started as the server: serve until the parent closes stdin.
pub fn serve_if_asked() -> bool {
    if std::env::var(ROLE).as_deref() != Ok("server") {
        return false;
    }
    let latency = std::env::var(LATENCY)
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(Duration::ZERO, Duration::from_millis);
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
        println!("{}", emulator.base_url());
        println!("{}", emulator.app_id());
        println!("{}", emulator.api_key());
        // The parent holds our stdin; when it exits or drops us, the read ends.
        tokio::task::spawn_blocking(|| {
            let _ = std::io::stdin().read(&mut [0u8; 1]);
        })
        .await
        .expect("the wait ends");
    });
    true
}
