//! `-- --instructions`: the instructions each client executes per call, counted by valgrind's
//! callgrind. Unlike CPU time they do not move between runs, so they show the SDK's own work
//! against the floors' even on a busy machine, and a change's effect on it.
//!
//! Each (mode, concurrency, operation, client) runs in a child process of this binary under
//! callgrind, which counts only inside [`measured_calls`]: the calls after set-up and warm-up,
//! sequential or by 32 tasks, with everything they run on the client's runtime (the connection
//! tasks and TLS included). The server is the usual child process, which callgrind does not
//! follow. `-- --callgrind-out=DIR` keeps each count's profile in `DIR` for
//! `callgrind_annotate`; `-- --concurrency=1` or `=32` counts at that concurrency only.

use crate::mode::Mode;
use crate::server::Server;
use crate::workload::{ALL, Client, Fixture, Op};
use crate::{WARMUP, clients_for, facade_for, fixture, register_users};
use futures::future::join_all;
use passage_flex::CacheConfig;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

const ROLE: &str = "PASSAGE_BENCH_COUNT";
const CALLS: usize = 512;
const CONCURRENCY: [usize; 2] = [1, 32];
const CLIENTS: [&str; 3] = ["sdk", "complete", "minimal"];
/// Enough users for a page of 20; fewer than the CPU tables use, because set-up under callgrind
/// is slow.
const USERS: usize = 24;

/// Prints a table per mode and concurrency for `ops`, running valgrind once per operation and
/// client.
pub fn report(modes: Vec<Mode>, ops: Vec<Op>) {
    if Command::new("valgrind").arg("--version").output().is_err() {
        println!("valgrind is not installed: `apt-get install valgrind` to count instructions");
        return;
    }
    // `--concurrency=N` (repeatable) picks; both without it.
    let picked: Vec<usize> = std::env::args()
        .filter_map(|arg| arg.strip_prefix("--concurrency=")?.parse().ok())
        .collect();
    for mode in modes {
        for concurrency in CONCURRENCY {
            if picked.is_empty() || picked.contains(&concurrency) {
                table(mode, concurrency, &ops);
            }
        }
    }
}

fn table(mode: Mode, concurrency: usize, ops: &[Op]) {
    println!(
        "## Instructions per call (callgrind), {}, concurrency {concurrency}\n",
        mode.title()
    );
    println!(
        "{CALLS} calls of each client by {concurrency} task(s), after a warm-up of {WARMUP}.\n"
    );
    println!(
        "| operation | SDK | floor, complete | floor, minimal | SDK / complete | SDK / minimal |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    let (mut worst_complete, mut worst_minimal): (f64, f64) = (0.0, 0.0);
    for &op in ops {
        let counted = CLIENTS.map(|client| count(op, client, mode, concurrency));
        match counted {
            [Ok(sdk), Ok(complete), Ok(minimal)] => {
                worst_complete = worst_complete.max(sdk / complete);
                worst_minimal = worst_minimal.max(sdk / minimal);
                println!(
                    "| {} | {:.1}k | {:.1}k | {:.1}k | {:.2} | {:.2} |",
                    op.name(),
                    sdk / 1e3,
                    complete / 1e3,
                    minimal / 1e3,
                    sdk / complete,
                    sdk / minimal
                )
            }
            failed => {
                let reasons: Vec<String> = failed.into_iter().filter_map(Result::err).collect();
                println!("| {} | not counted: {} |", op.name(), reasons.join("; "));
            }
        }
    }
    println!(
        "\nWorst instruction ratio ({}, concurrency {concurrency}): SDK / complete {worst_complete:.2}; SDK / minimal {worst_minimal:.2}\n",
        mode.name()
    );
}

/// Instructions per call of `op` by `client`, from a child process under callgrind.
fn count(op: Op, client: &str, mode: Mode, concurrency: usize) -> Result<f64, String> {
    let exe = std::env::current_exe().map_err(|err| err.to_string())?;
    let index = ALL
        .iter()
        .position(|candidate| *candidate == op)
        .unwrap_or(0);
    let out_file = match std::env::args().find_map(|arg| {
        arg.strip_prefix("--callgrind-out=")
            .map(|dir| Path::new(dir).to_path_buf())
    }) {
        Some(dir) => {
            let op_name = op.name().split(' ').next().unwrap_or_default();
            let name = format!("{}-c{concurrency}-{op_name}-{client}.out", mode.name());
            dir.join(name).display().to_string()
        }
        None => "/dev/null".to_string(),
    };
    let output = Command::new("valgrind")
        .args([
            "--tool=callgrind",
            &format!("--callgrind-out-file={out_file}"),
            "--collect-atstart=no",
            "--toggle-collect=*measured_calls*",
        ])
        .arg(exe)
        .env(
            ROLE,
            format!("{client}:{index}:{}:{concurrency}", mode.name()),
        )
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
pub fn count_if_asked(pki: &Path) -> bool {
    let Ok(role) = std::env::var(ROLE) else {
        return false;
    };
    let fields: Vec<&str> = role.split(':').collect();
    let [client, index, mode, concurrency] = fields[..] else {
        panic!("client:operation:mode:concurrency, not {role}");
    };
    let op = ALL[index.parse::<usize>().expect("an operation index")];
    let mode = Mode::from_name(mode).expect("a mode");
    let concurrency: usize = concurrency.parse().expect("a concurrency");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let (_server, client, fixture) = runtime.block_on(async {
        let server = Server::spawn(Duration::ZERO, mode, pki);
        let facade = facade_for(&server, CacheConfig::new());
        let users = register_users(&server, &facade, USERS).await;
        let [sdk, complete, minimal] = clients_for(&server, &facade);
        let client = match client {
            "sdk" => sdk,
            "complete" => complete,
            _ => minimal,
        };
        let fixture = fixture(&server, &facade, &users, op, WARMUP + CALLS).await;
        (server, client, fixture)
    });
    runtime.block_on(calls(&client, op, &fixture, 0..WARMUP, concurrency));
    measured_calls(&runtime, &client, op, &fixture, concurrency);
    true
}

/// The calls callgrind counts; its name is what `--toggle-collect` matches.
#[inline(never)]
fn measured_calls(
    runtime: &tokio::runtime::Runtime,
    client: &Client,
    op: Op,
    fixture: &Arc<Fixture>,
    concurrency: usize,
) {
    runtime.block_on(calls(
        client,
        op,
        fixture,
        WARMUP..WARMUP + CALLS,
        concurrency,
    ));
}

/// Calls `calls` of `op`, by `concurrency` tasks sharing the client.
async fn calls(
    client: &Client,
    op: Op,
    fixture: &Arc<Fixture>,
    calls: std::ops::Range<usize>,
    concurrency: usize,
) {
    let next = Arc::new(AtomicUsize::new(calls.start));
    let tasks = (0..concurrency).map(|_| {
        let (client, fixture, next, end) = (
            client.clone(),
            Arc::clone(fixture),
            Arc::clone(&next),
            calls.end,
        );
        tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= end {
                    return;
                }
                op.call(&client, &fixture, i).await.expect("a counted call");
            }
        })
    });
    for task in join_all(tasks).await {
        task.expect("a calling task finished");
    }
}
