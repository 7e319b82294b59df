//! Soak: one client, 256 concurrent tasks, hundreds of thousands of mixed operations against the
//! emulator through a proxy that injects faults (latency, 503s, connections dropped mid-answer),
//! while one user after another is deleted and re-created under a new Passage ID. Prints
//! throughput, the client's RSS and open connections over the run, and the counts that must be
//! zero: results for another user than the one asked for, and errors that no injected fault
//! explains. Exits non-zero if either is not zero.
//!
//! `cargo bench -p passage-flex-tests --bench soak` (`SOAK_OPS`, default 300000, sets the
//! number of operations). The emulator and the proxy run in a child process (this same
//! binary, `SOAK_ROLE=server`), so the RSS and connections measured are the client's alone.
//! Results: `crates/passage-flex/benches/facade_vs_floor/SOAK.md`.

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use futures::StreamExt;
use passage_flex::{Error, ListUsersOptions, PassageFlex};
use passage_flex_emulator::Emulator;
use serde_json::json;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const TASKS: usize = 256;
const USERS: usize = 1000;
/// Users deleted and re-created, one at a time, while the load runs.
const CHURNED: usize = 20;
/// The proxy's message on an injected 503, so the client can tell it from a real one.
const INJECTED: &str = "injected by the soak proxy";

fn main() {
    if std::env::var("SOAK_ROLE").as_deref() == Ok("server") {
        return server();
    }
    // `cargo bench` passes `--bench`; nothing else is taken.
    let ops: usize = std::env::var("SOAK_OPS")
        .ok()
        .and_then(|ops| ops.parse().ok())
        .unwrap_or(300_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let clean = runtime.block_on(client(ops));
    std::process::exit(if clean { 0 } else { 1 });
}

// --- the server side: the emulator behind a faulty proxy ---------------------------------------

#[derive(Default)]
struct Faults {
    forwarded: AtomicU64,
    delayed: AtomicU64,
    unavailable: AtomicU64,
    dropped: AtomicU64,
}

struct Proxy {
    upstream: String,
    http: reqwest::Client,
    faults: Faults,
    sequence: AtomicU64,
}

fn server() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let emulator = Emulator::start().await.expect("the emulator starts");
        let proxy = Arc::new(Proxy {
            upstream: emulator.base_url(),
            http: reqwest::Client::new(),
            faults: Faults::default(),
            sequence: AtomicU64::new(0),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        let app = Router::new()
            .route("/soak/faults", axum::routing::get(fault_counts))
            .fallback(proxied)
            .with_state(Arc::clone(&proxy));
        tokio::spawn(async move { axum::serve(listener, app).await });
        println!(
            "{} {} {} {}",
            address,
            emulator.base_url(),
            emulator.app_id(),
            emulator.api_key()
        );
        std::io::stdout().flush().expect("stdout");
        // Until the client closes our stdin.
        let mut line = String::new();
        let _ = tokio::task::spawn_blocking(move || std::io::stdin().read_line(&mut line)).await;
    });
}

async fn fault_counts(State(proxy): State<Arc<Proxy>>) -> axum::Json<serde_json::Value> {
    let count = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
    axum::Json(json!({
        "forwarded": count(&proxy.faults.forwarded),
        "delayed": count(&proxy.faults.delayed),
        "unavailable": count(&proxy.faults.unavailable),
        "dropped": count(&proxy.faults.dropped),
    }))
}

/// A cheap deterministic mix: one draw from 0..1000 per request.
fn draw(sequence: u64) -> u64 {
    let mut x = sequence.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    (x ^ (x >> 29)) % 1000
}

async fn proxied(State(proxy): State<Arc<Proxy>>, request: Request) -> Response {
    let roll = draw(proxy.sequence.fetch_add(1, Ordering::Relaxed));
    // 3% a 503 without forwarding, 2% the answer cut mid-body (the request did reach the
    // emulator), 5% 5 to 50 ms of extra latency.
    if roll < 30 {
        proxy.faults.unavailable.fetch_add(1, Ordering::Relaxed);
        let body = json!({"code": "internal_server_error", "error": INJECTED}).to_string();
        return Response::builder()
            .status(StatusCode::SERVICE_UNAVAILABLE)
            .header("content-type", "application/json")
            .header("retry-after", "0")
            .body(Body::from(body))
            .expect("a response");
    }
    if (30..80).contains(&roll) {
        proxy.faults.delayed.fetch_add(1, Ordering::Relaxed);
        tokio::time::sleep(Duration::from_millis(5 + roll % 46)).await;
    }
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let target = parts
        .uri
        .path_and_query()
        .map_or("/", |target| target.as_str());
    let mut forward = proxy
        .http
        .request(parts.method.clone(), format!("{}{target}", proxy.upstream))
        .body(body);
    for (name, value) in &parts.headers {
        if name != "host" && name != "content-length" {
            forward = forward.header(name, value);
        }
    }
    proxy.faults.forwarded.fetch_add(1, Ordering::Relaxed);
    let Ok(answer) = forward.send().await else {
        return Response::builder()
            .status(StatusCode::BAD_GATEWAY)
            .body(Body::empty())
            .expect("a response");
    };
    let status = answer.status();
    let content_type = answer.headers().get("content-type").cloned();
    let bytes = answer.bytes().await.unwrap_or_default();
    let body = if (80..100).contains(&roll) {
        proxy.faults.dropped.fetch_add(1, Ordering::Relaxed);
        let half = bytes.slice(..bytes.len() / 2);
        Body::from_stream(futures::stream::iter([
            Ok(half),
            Err(std::io::Error::other("dropped by the soak proxy")),
        ]))
    } else {
        Body::from(bytes)
    };
    let mut response = Response::builder().status(status.as_u16());
    if let Some(content_type) = content_type {
        response = response.header("content-type", content_type);
    }
    response.body(body).expect("a response")
}

// --- the client side ----------------------------------------------------------------------------

#[derive(Default)]
struct Tally {
    done: AtomicUsize,
    ok: AtomicU64,
    /// An injected 503, or a dropped connection, on an operation that may not be repeated
    /// (the transaction creates, `verify_nonce`).
    fault_errors: AtomicU64,
    /// The same on an operation the SDK repeats: only when every attempt of one of its requests
    /// met a fault. Bounded by [`fault_bound`]; a client that stopped repeating would exceed it
    /// a hundredfold.
    fault_errors_repeatable: AtomicU64,
    /// Operations of each kind that ran.
    repeatable_ops: AtomicU64,
    /// `user_not_found`, `user_has_no_passkeys` or `invalid_nonce` for a user the churn had
    /// deleted (or not yet re-created) meanwhile.
    churn_misses: AtomicU64,
    wrong_user: AtomicU64,
    unexpected: AtomicU64,
    examples: std::sync::Mutex<Vec<String>>,
}

impl Tally {
    fn record(&self, what: &str, outcome: Result<(), Error>, churned: bool, repeatable: bool) {
        if repeatable {
            self.repeatable_ops.fetch_add(1, Ordering::Relaxed);
        }
        match outcome {
            Ok(()) => self.ok.fetch_add(1, Ordering::Relaxed),
            Err(err) if caused_by_a_fault(&err) && repeatable => {
                self.fault_errors_repeatable.fetch_add(1, Ordering::Relaxed)
            }
            Err(err) if caused_by_a_fault(&err) => {
                self.fault_errors.fetch_add(1, Ordering::Relaxed)
            }
            // A deleted user's transaction or nonce is gone with them.
            Err(Error::UserNotFound(_) | Error::UserHasNoPasskeys(_) | Error::InvalidNonce(_))
                if churned =>
            {
                self.churn_misses.fetch_add(1, Ordering::Relaxed)
            }
            Err(err) => {
                self.note(format!("{what}: {err}"));
                self.unexpected.fetch_add(1, Ordering::Relaxed)
            }
        };
    }

    fn wrong(&self, what: String) {
        self.note(what);
        self.wrong_user.fetch_add(1, Ordering::Relaxed);
    }

    fn note(&self, what: String) {
        let mut examples = self.examples.lock().expect("examples");
        if examples.len() < 10 {
            examples.push(what);
        }
    }
}

/// The most fault errors `ops` repeatable operations may end in. Each request meets a fault
/// (503 or cut answer) with probability 5%, so one tried 3 times fails with 0.05^3; most
/// operations are one request on a warm cache, some two to four (a lookup, a stale entry, a
/// second page), so 2 on average is generous. Four times that expectation, and 10 for luck:
/// well above what 3 attempts give, well below what 2 attempts (twenty times as many) or 1 give.
fn fault_bound(ops: u64) -> u64 {
    let per_request = 0.05f64.powi(passage_flex::DEFAULT_MAX_ATTEMPTS as i32);
    (ops as f64 * 2.0 * per_request * 4.0) as u64 + 10
}

fn caused_by_a_fault(err: &Error) -> bool {
    match err {
        Error::Api(api) => api.status == 503 && api.message == INJECTED,
        Error::Transport(_) => true,
        _ => false,
    }
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmRSS:"))
                .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Established TCP connections of this process (its socket inodes, in /proc/net/tcp).
fn open_connections() -> usize {
    let inodes: std::collections::HashSet<String> = std::fs::read_dir("/proc/self/fd")
        .map(|fds| {
            fds.filter_map(|fd| std::fs::read_link(fd.ok()?.path()).ok())
                .filter_map(|link| {
                    let link = link.to_string_lossy().into_owned();
                    Some(
                        link.strip_prefix("socket:[")?
                            .trim_end_matches(']')
                            .to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let tables = ["/proc/net/tcp", "/proc/net/tcp6"];
    tables
        .iter()
        .filter_map(|table| std::fs::read_to_string(table).ok())
        .flat_map(|table| {
            table
                .lines()
                .skip(1)
                .filter_map(|line| {
                    let fields: Vec<&str> = line.split_whitespace().collect();
                    (fields.get(3) == Some(&"01") && inodes.contains(*fields.get(9)?)).then_some(())
                })
                .collect::<Vec<_>>()
        })
        .count()
}

struct Setup {
    passage: PassageFlex,
    emulator_url: String,
    app_id: String,
    /// For the ceremonies, which go to the emulator directly.
    control: reqwest::Client,
    /// The churned users' current generation, to tell a churn miss from a real one.
    churning: Vec<AtomicU64>,
}

fn external_id(n: usize) -> String {
    format!("soak-user-{n}")
}

async fn client(ops: usize) -> bool {
    let mut child = Command::new(std::env::current_exe().expect("this binary"))
        .env("SOAK_ROLE", "server")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the server process starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the server's address");
    let fields: Vec<&str> = line.split_whitespace().collect();
    let [proxy, emulator_url, app_id, api_key] = fields[..] else {
        panic!("unexpected server line {line:?}");
    };
    let proxy_url = format!("http://{proxy}");
    // The SDK's defaults, retries included: this is the client an application would have.
    let passage = PassageFlex::builder(app_id, api_key)
        .base_url(&proxy_url)
        .build()
        .expect("a client");
    let setup = Arc::new(Setup {
        passage,
        emulator_url: emulator_url.to_owned(),
        app_id: app_id.to_owned(),
        control: reqwest::Client::new(),
        churning: (0..CHURNED).map(|_| AtomicU64::new(0)).collect(),
    });

    // Users, each with a passkey, created through the faulty proxy like everything else.
    let created = futures::stream::iter(0..USERS)
        .map(|n| {
            let setup = Arc::clone(&setup);
            async move {
                for _ in 0..20 {
                    if register(&setup, &external_id(n)).await.is_ok() {
                        return true;
                    }
                }
                false
            }
        })
        .buffer_unordered(64)
        .filter(|created| futures::future::ready(*created))
        .count()
        .await;
    assert_eq!(created, USERS, "every user is created");

    let tally = Arc::new(Tally::default());
    let rss_start = rss_kib();
    let connections_start = open_connections();
    let started = Instant::now();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let (tally, stop) = (Arc::clone(&tally), Arc::clone(&stop));
        tokio::spawn(async move {
            let mut samples = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                tokio::time::sleep(Duration::from_secs(2)).await;
                samples.push((
                    tally.done.load(Ordering::Relaxed),
                    rss_kib(),
                    open_connections(),
                ));
            }
            samples
        })
    };
    let churn = {
        let (setup, tally, stop) = (Arc::clone(&setup), Arc::clone(&tally), Arc::clone(&stop));
        tokio::spawn(async move { churn(&setup, &tally, &stop).await })
    };
    let workers: Vec<_> = (0..TASKS)
        .map(|task| {
            let (setup, tally) = (Arc::clone(&setup), Arc::clone(&tally));
            tokio::spawn(async move { work(task, ops, &setup, &tally).await })
        })
        .collect();
    for worker in workers {
        worker.await.expect("a worker");
    }
    let elapsed = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let churns = churn.await.expect("the churn");
    let samples = sampler.await.expect("the sampler");
    // Idle connections are still pooled here; that is the count to watch for leaks.
    let connections_end = open_connections();
    let rss_end = rss_kib();

    let faults: serde_json::Value = reqwest::get(format!("{proxy_url}/soak/faults"))
        .await
        .expect("the proxy's counts")
        .json()
        .await
        .expect("JSON");
    drop(child.stdin.take());
    let _ = child.wait();

    let count = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
    let done = tally.done.load(Ordering::Relaxed);
    println!("soak: {TASKS} tasks, {USERS} users, {done} operations in {elapsed:.1?}");
    println!(
        "  throughput        {:.0} operations/s",
        done as f64 / elapsed.as_secs_f64()
    );
    println!("  injected faults   {faults} (requests the proxy saw: forwarded + unavailable)");
    println!("  users churned     {churns} deletions and re-creations");
    let repeatable_faults = count(&tally.fault_errors_repeatable);
    let bound = fault_bound(count(&tally.repeatable_ops));
    println!(
        "  outcomes          {} ok, {} errors from injected faults on operations sent once, {} refusals for a user churned meanwhile",
        count(&tally.ok),
        count(&tally.fault_errors),
        count(&tally.churn_misses)
    );
    println!(
        "  retries exhausted {repeatable_faults} of {} repeatable operations ended in a fault (at most {bound} allowed)",
        count(&tally.repeatable_ops)
    );
    println!("  wrong-user results  {}", count(&tally.wrong_user));
    println!("  unexpected errors   {}", count(&tally.unexpected));
    // The pools and buffers of 256 concurrent calls fill during the first part of the run;
    // flat means no growth after that.
    let rss_warm = samples
        .iter()
        .find(|sample| sample.0 >= ops / 10)
        .map_or(rss_start, |sample| sample.1);
    println!(
        "  client RSS        {:.1} MiB before the load, {:.1} MiB after a tenth of it, {:.1} MiB at end",
        rss_start as f64 / 1024.0,
        rss_warm as f64 / 1024.0,
        rss_end as f64 / 1024.0
    );
    println!(
        "  open connections  {connections_start} at start, {connections_end} at end, at most {} during the run",
        samples.iter().map(|sample| sample.2).max().unwrap_or(0)
    );
    println!("  samples (operations done, RSS MiB, connections):");
    for (done, rss, connections) in &samples {
        println!(
            "    {done:>8} {:>7.1} {connections:>4}",
            *rss as f64 / 1024.0
        );
    }
    for example in tally.examples.lock().expect("examples").iter() {
        println!("  example: {example}");
    }
    count(&tally.wrong_user) == 0 && count(&tally.unexpected) == 0 && repeatable_faults <= bound
}

/// A registration as an app makes one: transaction, ceremony (the emulator's control
/// endpoint), nonce verified. Returns the external ID the nonce proved.
async fn register(setup: &Setup, external_id: &str) -> Result<String, Error> {
    let transaction = setup
        .passage
        .create_register_transaction(external_id, format!("{external_id}@example.com"))
        .await?;
    let nonce = complete(setup, &transaction)
        .await
        .expect("a fresh registration completes");
    setup.passage.verify_nonce(nonce).await
}

/// The ceremony, through the emulator's control endpoint (not the proxy): the nonce, or the
/// emulator's refusal (a transaction of a user deleted meanwhile).
async fn complete(setup: &Setup, transaction: &str) -> Result<String, String> {
    let url = format!(
        "{}/emulator/apps/{}/transactions/{transaction}/complete",
        setup.emulator_url, setup.app_id
    );
    let answer: serde_json::Value = setup
        .control
        .post(url)
        .send()
        .await
        .expect("the ceremony")
        .json()
        .await
        .expect("JSON");
    answer["nonce"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| answer.to_string())
}

/// Deletes churned users one after another and re-creates them (a new Passage ID each time),
/// while other tasks keep using them through their cached IDs.
async fn churn(setup: &Setup, tally: &Tally, stop: &std::sync::atomic::AtomicBool) -> u64 {
    let mut churns = 0;
    while !stop.load(Ordering::Relaxed) {
        let n = churns as usize % CHURNED;
        let user = external_id(n);
        setup.churning[n].fetch_add(1, Ordering::SeqCst);
        loop {
            match setup.passage.delete_user(&user).await {
                Ok(()) | Err(Error::UserNotFound(_)) => break,
                Err(err) if caused_by_a_fault(&err) => continue,
                Err(err) => {
                    tally.record("churn delete", Err(err), false, true);
                    break;
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        loop {
            match register(setup, &user).await {
                Ok(verified) if verified == user => break,
                Ok(verified) => {
                    tally.wrong(format!(
                        "churn: verify_nonce for {user} returned {verified}"
                    ));
                    break;
                }
                Err(err) if caused_by_a_fault(&err) => continue,
                Err(err) => {
                    tally.record("churn re-create", Err(err), false, false);
                    break;
                }
            }
        }
        setup.churning[n].fetch_add(1, Ordering::SeqCst);
        churns += 1;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    churns
}

/// Whether the user `n` was being churned at some point since its generation read `before`.
fn churned_now(setup: &Setup, n: usize, before: Option<u64>) -> bool {
    let now = setup.churning.get(n).map(|g| g.load(Ordering::SeqCst));
    before.is_some_and(|before| before % 2 == 1 || now != Some(before))
}

async fn work(task: usize, ops: usize, setup: &Setup, tally: &Tally) {
    let mut sequence = task as u64 * 1_000_003;
    loop {
        if tally.done.fetch_add(1, Ordering::Relaxed) >= ops {
            tally.done.fetch_sub(1, Ordering::Relaxed);
            return;
        }
        sequence += 1;
        let roll = draw(sequence);
        let n = draw(sequence ^ 0xABCD) as usize % USERS;
        let user = external_id(n);
        // A churned user's generation is odd while it is deleted or being re-created.
        let generation = |n: usize| setup.churning.get(n).map(|g| g.load(Ordering::SeqCst));
        let before = generation(n);
        let passage = &setup.passage;
        let outcome: Result<(), Error> = match roll {
            0..400 => passage.get_user(&user).await.map(|got| {
                if got.external_id != user {
                    tally.wrong(format!("get_user({user}) returned {}", got.external_id));
                }
            }),
            400..600 => passage.get_devices(&user).await.map(drop),
            600..700 => match passage.get_user(&user).await {
                Ok(found) => passage.get_user_by_id(&found.id).await.map(|got| {
                    if got.id != found.id || got.external_id != user {
                        tally.wrong(format!("get_user_by_id({}) returned {}", found.id, got.id));
                    }
                }),
                Err(err) => Err(err),
            },
            700..800 => passage
                .create_authenticate_transaction(&user)
                .await
                .map(drop),
            800..850 => passage
                .update_user_metadata(&user, json!({"n": sequence}))
                .await
                .map(|got| {
                    if got.external_id != user {
                        tally.wrong(format!(
                            "update_user_metadata({user}) returned {}",
                            got.external_id
                        ));
                    }
                }),
            850..900 => {
                let mut page = passage
                    .list_users(ListUsersOptions::new().page_size(10))
                    .take(10);
                let mut outcome = Ok(());
                while let Some(item) = page.next().await {
                    if let Err(err) = item {
                        outcome = Err(err);
                        break;
                    }
                }
                outcome
            }
            900..950 => passage.get_app().await.map(drop),
            _ => {
                // A login as an app makes one, checked end to end: the nonce names the user.
                match passage.create_authenticate_transaction(&user).await {
                    Ok(transaction) => match complete(setup, &transaction).await {
                        Ok(nonce) => passage.verify_nonce(nonce).await.map(|verified| {
                            if verified != user {
                                tally.wrong(format!("login as {user} verified {verified}"));
                            }
                        }),
                        Err(refused) => {
                            if !churned_now(setup, n, before) {
                                tally.note(format!("login ceremony for {user}: {refused}"));
                                tally.unexpected.fetch_add(1, Ordering::Relaxed);
                            }
                            Ok(())
                        }
                    },
                    Err(err) => Err(err),
                }
            }
        };
        let churned = churned_now(setup, n, before);
        // The transaction creates and verify_nonce are sent once.
        let repeatable = !matches!(roll, 700..800 | 950..);
        tally.record(
            &format!("op {roll} on {user}"),
            outcome,
            churned,
            repeatable,
        );
    }
}
