//! Fake: the emulator binary itself, killed with SIGKILL.
//!
//! The state file against `kill -9`: the emulator binary is killed again and again while
//! clients keep changing its state, and after every restart each change it had answered is
//! still there, and the file still loads.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

const APP: &str = "emulator_app";
const KEY: &str = "Bearer emulator_api_key";
/// Kills at least this many times...
const ROUNDS: usize = 10;
/// ...and until this many kills have landed while a save was half-written (its temporary file
/// left behind), so that the test has shown what it is for, but at most `MAX_ROUNDS` times.
const KILLS_MID_WRITE: usize = 3;
const MAX_ROUNDS: usize = 60;
const WRITERS: usize = 4;

/// A running emulator binary, and the thread that drains its log.
struct Running {
    child: Child,
    base_url: String,
}

fn start(state_file: &Path) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_passage-flex-emulator"))
        .args(["--port", "0", "--state-file"])
        .arg(state_file)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the emulator binary starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let (found, url) = std::sync::mpsc::channel();
    // Reads every line, so the emulator never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut found = Some(found);
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(start) = line.find("http://127.0.0.1:") {
                let url: String = line[start..]
                    .chars()
                    .take_while(|c| !c.is_whitespace())
                    .collect();
                if let Some(found) = found.take() {
                    let _ = found.send(url);
                }
            }
        }
    });
    let base_url = url
        .recv_timeout(Duration::from_secs(20))
        .expect("the emulator logs its address");
    Running { child, base_url }
}

/// Every user's external ID and passkey count, through the management API.
async fn saved_users(http: &reqwest::Client, base_url: &str) -> HashMap<String, usize> {
    let mut users = HashMap::new();
    let mut page = 1;
    loop {
        let list: Value = http
            .get(format!(
                "{base_url}/v1/apps/{APP}/users?limit=500&page={page}"
            ))
            .header("authorization", KEY)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for user in list["users"].as_array().unwrap() {
            let id = user["id"].as_str().unwrap();
            let full: Value = http
                .get(format!("{base_url}/v1/apps/{APP}/users/{id}"))
                .header("authorization", KEY)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let devices = full["user"]["webauthn_devices"].as_array().unwrap().len();
            users.insert(user["external_id"].as_str().unwrap().to_owned(), devices);
        }
        if list["_links"]["next"]["href"]
            .as_str()
            .unwrap_or("")
            .is_empty()
        {
            return users;
        }
        page += 1;
    }
}

/// What the emulator has answered as done: users made, and users given a passkey.
#[derive(Default)]
struct Acknowledged {
    users: HashSet<String>,
    with_passkey: HashSet<String>,
}

/// Creates users and passkeys as fast as the emulator answers, until it dies.
async fn write_until_killed(
    http: reqwest::Client,
    base_url: String,
    name: String,
    acknowledged: Arc<Mutex<Acknowledged>>,
) {
    for n in 0.. {
        let external_id = format!("{name}-{n}");
        let created = http
            .post(format!("{base_url}/v1/apps/{APP}/transactions/register"))
            .header("authorization", KEY)
            .json(&json!({ "external_id": external_id, "passkey_display_name": "key" }))
            .send()
            .await;
        let Ok(created) = created else { return };
        if created.status() != 201 {
            return;
        }
        let Ok(body) = created.json::<Value>().await else {
            return;
        };
        acknowledged
            .lock()
            .unwrap()
            .users
            .insert(external_id.clone());
        let transaction = body["transaction_id"].as_str().unwrap_or_default();
        let completed = http
            .post(format!(
                "{base_url}/emulator/apps/{APP}/transactions/{transaction}/complete"
            ))
            .send()
            .await;
        match completed {
            Ok(answer) if answer.status() == 200 => {
                acknowledged
                    .lock()
                    .unwrap()
                    .with_passkey
                    .insert(external_id);
            }
            _ => return,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answered_change_survives_kill_9_in_the_middle_of_writing() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("state_file_kills");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("state.json");
    let temporary = dir.join("state.json.tmp");
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let acknowledged = Arc::new(Mutex::new(Acknowledged::default()));
    let mut kills_mid_write = 0;
    let mut round = 0;

    loop {
        let last = round >= MAX_ROUNDS || (round >= ROUNDS && kills_mid_write >= KILLS_MID_WRITE);
        let mut running = start(&path);
        let saved = saved_users(&http, &running.base_url).await;
        {
            let acknowledged = acknowledged.lock().unwrap();
            for user in &acknowledged.users {
                assert!(saved.contains_key(user), "round {round}: {user} was lost");
            }
            for user in &acknowledged.with_passkey {
                assert!(saved[user] >= 1, "round {round}: {user}'s passkey was lost");
            }
        }
        if last {
            running.child.kill().unwrap();
            running.child.wait().unwrap();
            break;
        }
        let writers: Vec<_> = (0..WRITERS)
            .map(|writer| {
                tokio::spawn(write_until_killed(
                    http.clone(),
                    running.base_url.clone(),
                    format!("r{round}w{writer}"),
                    Arc::clone(&acknowledged),
                ))
            })
            .collect();
        // A different moment each round, so that kills land in different parts of a save.
        tokio::time::sleep(Duration::from_millis(40 + 23 * (round % 17) as u64)).await;
        running.child.kill().unwrap(); // SIGKILL: no chance to finish anything
        running.child.wait().unwrap();
        if temporary.exists() {
            kills_mid_write += 1;
        }
        for writer in writers {
            writer.await.unwrap();
        }
        round += 1;
    }
    let acknowledged = acknowledged.lock().unwrap();
    assert!(
        acknowledged.users.len() > ROUNDS,
        "too few writes to prove anything: {}",
        acknowledged.users.len()
    );
    assert!(
        kills_mid_write >= KILLS_MID_WRITE,
        "in {round} kills only {kills_mid_write} landed in the middle of a save"
    );
    println!(
        "{round} kills; {} users and {} passkeys answered, all kept; {kills_mid_write} kills \
         left a half-written temporary file behind",
        acknowledged.users.len(),
        acknowledged.with_passkey.len()
    );
}
