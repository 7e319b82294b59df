//! `cargo bench -p passage-flex --bench facade_vs_floor`: the facade against the floor (a
//! minimal reqwest + serde_json client making the same HTTP calls), on the same local server.
//!
//! For each mode (plain HTTP; TLS with the server offering HTTP/1.1 only; TLS with h2 offered
//! by ALPN; `-- --mode=http|tls|h2` picks) and each operation at concurrency 1 and 32, prints:
//! round trips per operation, connections opened during the run, operations per second and CPU
//! time per operation (this process's, the server runs in a child process), for the SDK and two
//! floors (decoding everything the SDK returns, or only what is checked); then the latency of
//! `get_devices` with a 20 ms server delay, cold (cache off: lookup + call) and warm (one
//! call). Numbers, not pass/fail: read them, and keep `RESULTS.md` up to date.
//!
//! Over TLS every client uses the same stack: the crypto provider of the SDK's TLS feature,
//! the platform verifier, and a CA made at start-up and trusted through `SSL_CERT_FILE`.
//!
//! `-- --instructions` counts instructions per call under callgrind instead (see
//! `instructions.rs`): slower, but the same from run to run.

mod floor;
mod instructions;
mod measure;
mod mode;
mod server;
#[path = "../../tests/support/tls_front.rs"]
mod tls_front;
mod workload;

use floor::{Decode, Floor};
use futures::future::join_all;
use measure::{Cell, latencies, measure};
use mode::Mode;
use passage_flex::{CacheConfig, PassageFlex};
use server::Server;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tls_front::TestPki;
use workload::{Client, Fixture, Op};

const USERS: usize = 64;
const CONCURRENCY: [usize; 2] = [1, 32];
const WARMUP: usize = 100;
const ROUNDS: usize = 7;
const DELAY: Duration = Duration::from_millis(20);
const LATENCY_CALLS: usize = 40;

fn main() {
    if server::serve_if_asked() {
        return;
    }
    // Before any thread or client exists: the provider, and the CA the clients trust.
    mode::install_crypto_provider();
    let pki = TrustedPki::generate();
    if instructions::count_if_asked(&pki.dir) {
        return;
    }
    // `-- --instructions`: instructions per call under callgrind instead of CPU time.
    if std::env::args().any(|arg| arg == "--instructions") {
        print_machine();
        instructions::report(mode::chosen_modes(), chosen_ops());
        return;
    }
    // One thread for the clients: their CPU time is then the work of the calls, without the
    // cross-thread wake-ups whose cost swings with whatever else the machine is doing.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    print_machine();
    for mode in mode::chosen_modes() {
        runtime.block_on(run(mode, &pki.dir));
    }
}

/// A CA made for this run, trusted through `SSL_CERT_FILE`, and the server's certificate, in a
/// temporary directory removed on drop.
pub struct TrustedPki {
    /// Where the CA and the server's certificate and key are.
    pub dir: PathBuf,
}

impl TrustedPki {
    /// Only while this process has a single thread: it changes the environment.
    fn generate() -> TrustedPki {
        let dir = std::env::temp_dir().join(format!("passage-flex-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let pki = TestPki::generate();
        pki.write(&dir);
        // SAFETY: called first thing in `main`, before any other thread exists.
        #[allow(unsafe_code)]
        unsafe {
            std::env::set_var("SSL_CERT_FILE", dir.join("ca.pem"))
        };
        TrustedPki { dir }
    }
}

impl Drop for TrustedPki {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn run(mode: Mode, pki: &Path) {
    let only_latency = filters().iter().any(|name| name == "latency");
    if !only_latency {
        throughput(mode, pki).await;
    }
    if filters().is_empty() || only_latency {
        latency_with_delay(mode, pki).await;
    }
}

async fn throughput(mode: Mode, pki: &Path) {
    let server = Server::spawn(Duration::ZERO, mode, pki);
    let facade = facade_for(&server, CacheConfig::new());
    let cold = server.connections();
    let users = register_users(&server, &facade, USERS).await;
    let set_up = server.connections() - cold;
    let clients = clients_for(&server, &facade);

    println!(
        "## Throughput and CPU, {}, no added latency\n",
        mode.title()
    );
    println!(
        "| operation | concurrency | round trips (SDK / floor) | connections opened (SDK / complete / minimal) | ops/s SDK | ops/s floor (complete) | CPU µs/op SDK | CPU µs/op floor, complete | CPU µs/op floor, minimal | SDK / complete | SDK / minimal |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let (mut worst_complete, mut worst_minimal): (f64, f64) = (0.0, 0.0);
    // Every connection each client made in this mode, warm-ups included.
    let mut opened = [0u64; 3];
    for op in chosen_ops() {
        for concurrency in CONCURRENCY {
            let total = if concurrency == 1 { 1_000 } else { 2_000 };
            // Rounds rotate the clients' order; each client's fastest round is reported. Noise on
            // a shared machine (the server on the other core, interrupts, another process) only
            // ever adds CPU time, so the fastest round is the closest to what the client costs;
            // the median of 5 moved single cells by up to 25% from run to run.
            let mut rounds: [Vec<Cell>; 3] = Default::default();
            for round in 0..ROUNDS {
                for offset in 0..clients.len() {
                    let pick = (round + offset) % clients.len();
                    let client = &clients[pick];
                    let warm = fixture(&server, &facade, &users, op, WARMUP).await;
                    let warm = measure(&server, client, op, warm, concurrency, WARMUP).await;
                    let timed = fixture(&server, &facade, &users, op, total).await;
                    let timed = measure(&server, client, op, timed, concurrency, total).await;
                    opened[pick] += warm.connections + timed.connections;
                    rounds[pick].push(timed);
                }
            }
            let [sdk, complete, minimal] = rounds.map(fastest_cell);
            let ratio =
                |floor: &Cell| sdk.cpu_per_op.as_secs_f64() / floor.cpu_per_op.as_secs_f64();
            let ratios = (ratio(&complete), ratio(&minimal));
            worst_complete = worst_complete.max(ratios.0);
            worst_minimal = worst_minimal.max(ratios.1);
            print_row(op, concurrency, [&sdk, &complete, &minimal], ratios);
        }
    }
    println!(
        "\nConnections opened: by the SDK's client from cold, for the set-up's {USERS} concurrent registrations, {set_up}; then in the runs, warm-ups included: SDK {} / floor, complete {} / floor, minimal {}",
        opened[0], opened[1], opened[2]
    );
    println!(
        "\nWorst CPU ratio ({}): SDK / floor with complete decoding {worst_complete:.2}; SDK / floor with minimal decoding {worst_minimal:.2}\n",
        mode.name()
    );
}

/// The arguments that are not flags: `cargo bench --bench facade_vs_floor -- get_user` measures
/// only the operations whose name contains one of them.
fn filters() -> Vec<String> {
    std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with("--"))
        .collect()
}

fn chosen_ops() -> Vec<Op> {
    let only = filters();
    workload::ALL
        .into_iter()
        .filter(|op| only.is_empty() || only.iter().any(|name| op.name().contains(name.as_str())))
        .collect()
}

/// The SDK and the two floors, in the order the tables show them.
fn clients_for(server: &Server, facade: &PassageFlex) -> [Client; 3] {
    let floor = |decode| {
        Client::Floor(Floor::new(
            &server.base_url,
            &server.app_id,
            &server.api_key,
            decode,
        ))
    };
    [
        Client::Facade(facade.clone()),
        floor(Decode::Complete),
        floor(Decode::Minimal),
    ]
}

fn facade_for(server: &Server, cache: CacheConfig) -> PassageFlex {
    PassageFlex::builder(&server.app_id, &server.api_key)
        .base_url(&server.base_url)
        .user_id_cache(cache)
        .build()
        .expect("a loopback origin is accepted")
}

/// `count` users with a passkey each; returns (external ID, Passage ID) and warms the cache.
async fn register_users(
    server: &Server,
    facade: &PassageFlex,
    count: usize,
) -> Vec<(String, String)> {
    let register = |i: usize| async move {
        let external_id = format!("bench-user-{i:03}");
        let tx = facade
            .create_register_transaction(&external_id, &external_id)
            .await
            .expect("register transaction");
        let nonce = server.complete(&tx).await;
        facade.verify_nonce(&nonce).await.expect("registration");
        let user_id = facade.get_user(&external_id).await.expect("the user").id;
        (external_id, user_id)
    };
    join_all((0..count).map(register)).await
}

/// The fixture of one measurement: the users, and `calls` fresh nonces if `op` verifies them.
async fn fixture(
    server: &Server,
    facade: &PassageFlex,
    users: &[(String, String)],
    op: Op,
    calls: usize,
) -> Arc<Fixture> {
    let mut nonces = Vec::new();
    if op == Op::VerifyNonce {
        let ids: Vec<usize> = (0..calls).collect();
        for batch in ids.chunks(32) {
            let made = batch.iter().map(|i| async move {
                let external_id = &users[i % users.len()].0;
                let tx = facade
                    .create_authenticate_transaction(external_id)
                    .await
                    .expect("login transaction");
                server.complete(&tx).await
            });
            nonces.extend(join_all(made).await);
        }
    }
    Arc::new(Fixture {
        users: users.to_vec(),
        nonces,
    })
}

/// The round with the least CPU time per operation.
fn fastest_cell(mut rounds: Vec<Cell>) -> Cell {
    rounds.sort_by_key(|cell| cell.cpu_per_op);
    rounds.swap_remove(0)
}

fn print_row(op: Op, concurrency: usize, [sdk, complete, minimal]: [&Cell; 3], ratios: (f64, f64)) {
    let micros = |cell: &Cell| cell.cpu_per_op.as_secs_f64() * 1e6;
    println!(
        "| {} | {concurrency} | {:.2} / {:.2} | {} / {} / {} | {:.0} | {:.0} | {:.1} | {:.1} | {:.1} | {:.2} | {:.2} |",
        op.name(),
        sdk.round_trips_per_op,
        complete.round_trips_per_op,
        sdk.connections,
        complete.connections,
        minimal.connections,
        sdk.ops_per_sec,
        complete.ops_per_sec,
        micros(sdk),
        micros(complete),
        micros(minimal),
        ratios.0,
        ratios.1,
    );
}

/// `get_devices` end to end when every answer takes 20 ms: the cache's whole point.
async fn latency_with_delay(mode: Mode, pki: &Path) {
    let server = Server::spawn(DELAY, mode, pki);
    let warm_facade = facade_for(&server, CacheConfig::new());
    let users = register_users(&server, &warm_facade, 1).await;
    let fixture = Fixture {
        users,
        nonces: Vec::new(),
    };
    let cold = Client::Facade(facade_for(&server, CacheConfig::disabled()));
    let warm = Client::Facade(warm_facade);
    let floor = Client::Floor(Floor::new(
        &server.base_url,
        &server.app_id,
        &server.api_key,
        Decode::Complete,
    ));

    println!(
        "## get_devices latency, {}, server answering after {DELAY:?}\n",
        mode.title()
    );
    println!("| client | round trips | median ms | p90 ms | max ms |");
    println!("|---|---:|---:|---:|---:|");
    let mut medians = Vec::new();
    for (name, client) in [
        ("SDK, cold (lookup + call)", &cold),
        ("SDK, warm (cached user ID)", &warm),
        ("floor (user ID known)", &floor),
    ] {
        latencies(client, Op::GetDevices, &fixture, 3).await;
        let before = server.api_requests().await;
        let seen = latencies(client, Op::GetDevices, &fixture, LATENCY_CALLS).await;
        let round_trips = (server.api_requests().await - before) as f64 / LATENCY_CALLS as f64;
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let median = seen[seen.len() / 2];
        println!(
            "| {name} | {round_trips:.2} | {:.1} | {:.1} | {:.1} |",
            ms(median),
            ms(seen[seen.len() * 9 / 10]),
            ms(seen[seen.len() - 1]),
        );
        medians.push(median);
    }
    println!(
        "\nWarm / cold median latency: {:.2}\n",
        medians[1].as_secs_f64() / medians[0].as_secs_f64()
    );
}

fn print_machine() {
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
    let cpu = read("/proc/cpuinfo")
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_else(|| "unknown".into());
    let os = read("/etc/os-release")
        .lines()
        .find_map(|line| line.strip_prefix("PRETTY_NAME="))
        .map(|name| name.trim_matches('"').to_owned())
        .unwrap_or_else(|| std::env::consts::OS.into());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let rustc = std::process::Command::new("rustc")
        .arg("-V")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .unwrap_or_default();
    println!("# passage-flex benchmark: the SDK against the floor\n");
    println!(
        "- machine: {cpu}, {cores} cores; {os}, Linux {}",
        read("/proc/sys/kernel/osrelease").trim()
    );
    println!("- toolchain: {rustc}; release profile (cargo bench)");
    println!(
        "- server: passage-flex-emulator behind a forwarding front (plain, or TLS offering HTTP/1.1 or h2), in a child process on loopback; CPU is the client process's"
    );
    println!(
        "- TLS: {} for the SDK and the floors alike; a CA made for the run\n",
        mode::tls_stack()
    );
}
