//! Running one operation many times at a given concurrency, and what that cost.

use crate::server::Server;
use crate::workload::{Client, Fixture, Op};
use cpu_time::ProcessTime;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// What `total` calls cost.
pub struct Cell {
    pub round_trips_per_op: f64,
    pub ops_per_sec: f64,
    pub cpu_per_op: Duration,
    /// Connections the server accepted during the run.
    pub connections: u64,
}

/// `total` calls of `op` by `concurrency` tasks sharing one client.
pub async fn measure(
    server: &Server,
    client: &Client,
    op: Op,
    fixture: Arc<Fixture>,
    concurrency: usize,
    total: usize,
) -> Cell {
    let requests_before = server.api_requests().await;
    let connections_before = server.connections();
    let next = Arc::new(AtomicUsize::new(0));
    let cpu = ProcessTime::now();
    let wall = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, fixture, next) = (client.clone(), Arc::clone(&fixture), Arc::clone(&next));
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= total {
                        return;
                    }
                    if let Err(err) = op.call(&client, &fixture, i).await {
                        panic!("{} by {}: {err}", op.name(), client.name());
                    }
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("a measuring task finished");
    }
    let (wall, cpu) = (wall.elapsed(), cpu.elapsed());
    let connections = server.connections() - connections_before;
    let requests = server.api_requests().await - requests_before;
    Cell {
        round_trips_per_op: requests as f64 / total as f64,
        ops_per_sec: total as f64 / wall.as_secs_f64(),
        cpu_per_op: cpu / total as u32,
        connections,
    }
}

/// The latencies of `calls` sequential calls, sorted.
pub async fn latencies(client: &Client, op: Op, fixture: &Fixture, calls: usize) -> Vec<Duration> {
    let mut seen = Vec::with_capacity(calls);
    for i in 0..calls {
        let started = Instant::now();
        op.call(client, fixture, i)
            .await
            .expect("the call succeeds");
        seen.push(started.elapsed());
    }
    seen.sort();
    seen
}
