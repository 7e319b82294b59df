//! `-- --instructions`: the instructions each client executes per call, counted by valgrind's
//! callgrind. Unlike CPU time they do not move between runs, so they show the SDK's own work
//! against the floors' even on a busy machine, and a change's effect on it.
//!
//! Each (operation, client) pair runs in a child process of this binary under callgrind, which
//! counts only inside [`measured_calls`]: the sequential calls after set-up and warm-up, with
//! everything they run on the client's runtime (the connection task included). The server is
//! the usual emulator child process, which callgrind does not follow.

use crate::server::Server;
use crate::workload::{ALL, Client, Fixture, Op};
use crate::{WARMUP, clients_for, facade_for, fixture, register_users};
use passage_flex::CacheConfig;
use std::process::Command;
use std::time::Duration;

const ROLE: &str = "PASSAGE_BENCH_COUNT";
const CALLS: usize = 500;
const CLIENTS: [&str; 3] = ["sdk", "complete", "minimal"];
/// Enough users for a page of 20; fewer than the CPU tables use, because set-up under callgrind
/// is slow.
const USERS: usize = 24;

/// Prints the table for `ops`, running valgrind once per operation and client.
pub fn report(ops: Vec<Op>) {
    if Command::new("valgrind").arg("--version").output().is_err() {
        println!("valgrind is not installed: `apt-get install valgrind` to count instructions");
        return;
    }
    println!("## Instructions per call (callgrind), concurrency 1\n");
    println!("{CALLS} sequential calls of each client after a warm-up of {WARMUP}.\n");
    println!(
        "| operation | SDK | floor, complete | floor, minimal | SDK / complete | SDK / minimal |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for op in ops {
        let counted = CLIENTS.map(|client| count(op, client));
        match counted {
            [Ok(sdk), Ok(complete), Ok(minimal)] => println!(
                "| {} | {:.1}k | {:.1}k | {:.1}k | {:.2} | {:.2} |",
                op.name(),
                sdk / 1e3,
                complete / 1e3,
                minimal / 1e3,
                sdk / complete,
                sdk / minimal
            ),
            failed => {
                let reasons: Vec<String> = failed.into_iter().filter_map(Result::err).collect();
                println!("| {} | not counted: {} |", op.name(), reasons.join("; "));
            }
        }
    }
}

/// Instructions per call of `op` by `client`, from a child process under callgrind.
fn count(op: Op, client: &str) -> Result<f64, String> {
    let exe = std::env::current_exe().map_err(|err| err.to_string())?;
    let index = ALL
        .iter()
        .position(|candidate| *candidate == op)
        .unwrap_or(0);
    let output = Command::new("valgrind")
        .args([
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            "--collect-atstart=no",
            "--toggle-collect=*measured_calls*",
        ])
        .arg(exe)
        .env(ROLE, format!("{client}:{index}"))
        .output()
        .map_err(|err| format!("valgrind did not start: {err}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        let why = stderr
            .lines()
            .find(|line| line.contains("panicked"))
            .or(stderr.lines().last())
            .unwrap_or_default();
        return Err(format!("{client} exited with {}: {why}", output.status));
    }
    let collected = stderr
        .lines()
        .find_map(|line| line.split("Collected :").nth(1))
        .and_then(|count| count.trim().parse::<f64>().ok())
        .ok_or_else(|| format!("{client}: no count in callgrind's output"))?;
    Ok(collected / CALLS as f64)
}

/// In the child: sets up, warms up, then runs the counted calls. False when not a child.
pub fn count_if_asked() -> bool {
    let Ok(role) = std::env::var(ROLE) else {
        return false;
    };
    let (client, index) = role.split_once(':').expect("client:operation");
    let op = ALL[index.parse::<usize>().expect("an operation index")];
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let (_server, client, fixture) = runtime.block_on(async {
        let server = Server::spawn(Duration::ZERO);
        let facade = facade_for(&server, CacheConfig::new());
        let users = register_users(&server, &facade, USERS).await;
        let [sdk, complete, minimal] = clients_for(&server, &facade);
        let client = match client {
            "sdk" => sdk,
            "complete" => complete,
            _ => minimal,
        };
        let fixture = fixture(&server, &facade, &users, op, WARMUP + CALLS).await;
        for i in 0..WARMUP {
            op.call(&client, &fixture, i).await.expect("a warm-up call");
        }
        (server, client, fixture)
    });
    measured_calls(&runtime, &client, op, &fixture);
    true
}

/// The calls callgrind counts; its name is what `--toggle-collect` matches.
#[inline(never)]
fn measured_calls(runtime: &tokio::runtime::Runtime, client: &Client, op: Op, fixture: &Fixture) {
    runtime.block_on(async {
        for i in WARMUP..WARMUP + CALLS {
            op.call(client, fixture, i).await.expect("a counted call");
        }
    });
}
