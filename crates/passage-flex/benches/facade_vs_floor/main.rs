//! `cargo bench -p passage-flex --bench facade_vs_floor`: the facade against the floor (a
//! minimal reqwest + serde_json client making the same HTTP calls), on the same local server.
//!
//! Prints, for each operation at concurrency 1 and 32: round trips per operation, operations per
//! second and CPU time per operation (this process's, the server runs in a child process), for
//! the SDK and two floors (decoding everything the SDK returns, or only what is checked); then
//! the latency of `get_devices` with a 20 ms server delay, cold (cache off: lookup + call) and
//! warm (one call). Numbers, not pass/fail: read them, and keep `RESULTS.md` up to date.
//!
//! `-- --instructions` counts instructions per call under callgrind instead (see
//! `instructions.rs`): slower, but the same from run to run.

mod floor;
mod instructions;
mod measure;
mod server;
mod workload;

use floor::{Decode, Floor};
use futures::future::join_all;
use measure::{Cell, latencies, measure};
use passage_flex::{CacheConfig, PassageFlex};
use server::Server;
use std::sync::Arc;
use std::time::Duration;
use workload::{Client, Fixture, Op};

const USERS: usize = 64;
const CONCURRENCY: [usize; 2] = [1, 32];
const WARMUP: usize = 100;
const ROUNDS: usize = 5;
const DELAY: Duration = Duration::from_millis(20);
const LATENCY_CALLS: usize = 40;

fn main() {
    if server::serve_if_asked() || instructions::count_if_asked() {
        return;
    }
    // `-- --instructions`: instructions per call under callgrind instead of CPU time.
    if std::env::args().any(|arg| arg == "--instructions") {
        print_machine();
        instructions::report(chosen_ops());
        return;
    }
    // One thread for the clients: their CPU time is then the work of the calls, without the
    // cross-thread wake-ups whose cost swings with whatever else the machine is doing.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(run());
}

async fn run() {
    print_machine();
    let server = Server::spawn(Duration::ZERO);
    let facade = facade_for(&server, CacheConfig::new());
    let users = register_users(&server, &facade, USERS).await;
    let clients = clients_for(&server, &facade);

    println!("## Throughput and CPU, local server, no added latency\n");
    println!(
        "| operation | concurrency | round trips (SDK / floor) | ops/s SDK | ops/s floor (complete) | CPU µs/op SDK | CPU µs/op floor, complete | CPU µs/op floor, minimal | SDK / complete | SDK / minimal |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let (mut worst_complete, mut worst_minimal): (f64, f64) = (0.0, 0.0);
    let only_latency = filters().iter().any(|name| name == "latency");
    for op in chosen_ops() {
        for concurrency in CONCURRENCY {
            let total = if concurrency == 1 { 1_000 } else { 2_000 };
            // Rounds rotate the clients' order; each client's median round is reported, which
            // keeps a burst of noise on this shared machine from deciding a ratio.
            let mut rounds: [Vec<Cell>; 3] = Default::default();
            for round in 0..ROUNDS {
                for offset in 0..clients.len() {
                    let pick = (round + offset) % clients.len();
                    let client = &clients[pick];
                    let warm = fixture(&server, &facade, &users, op, WARMUP).await;
                    measure(&server, client, op, warm, concurrency, WARMUP).await;
                    let timed = fixture(&server, &facade, &users, op, total).await;
                    rounds[pick]
                        .push(measure(&server, client, op, timed, concurrency, total).await);
                }
            }
            let [sdk, complete, minimal] = rounds.map(median_cell);
            let ratio =
                |floor: &Cell| sdk.cpu_per_op.as_secs_f64() / floor.cpu_per_op.as_secs_f64();
            let ratios = (ratio(&complete), ratio(&minimal));
            worst_complete = worst_complete.max(ratios.0);
            worst_minimal = worst_minimal.max(ratios.1);
            print_row(op, concurrency, [&sdk, &complete, &minimal], ratios);
        }
    }
    println!(
        "\nWorst CPU ratio: SDK / floor with complete decoding {worst_complete:.2}; SDK / floor with minimal decoding {worst_minimal:.2}\n"
    );
    drop(server);

    if filters().is_empty() || only_latency {
        latency_with_delay().await;
    }
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

/// The round with the median CPU time per operation.
fn median_cell(mut rounds: Vec<Cell>) -> Cell {
    rounds.sort_by_key(|cell| cell.cpu_per_op);
    rounds.swap_remove(rounds.len() / 2)
}

fn print_row(op: Op, concurrency: usize, [sdk, complete, minimal]: [&Cell; 3], ratios: (f64, f64)) {
    let micros = |cell: &Cell| cell.cpu_per_op.as_secs_f64() * 1e6;
    println!(
        "| {} | {concurrency} | {:.2} / {:.2} | {:.0} | {:.0} | {:.1} | {:.1} | {:.1} | {:.2} | {:.2} |",
        op.name(),
        sdk.round_trips_per_op,
        complete.round_trips_per_op,
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
async fn latency_with_delay() {
    let server = Server::spawn(DELAY);
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

    println!("## get_devices latency, server answering after {DELAY:?}\n");
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
        "\nWarm / cold median latency: {:.2}",
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
        "- server: passage-flex-emulator in a child process on loopback; CPU is the client process's\n"
    );
}
