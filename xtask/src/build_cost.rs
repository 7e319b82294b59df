//! `cargo xtask build-cost [--runs N] [--sdk PATH]`: what a user pays to build against this SDK.
//!
//! Builds the same one-call binary (`PassageFlex::new`, one `get_devices`, tokio with `macros`
//! and `rt-multi-thread`) against this SDK and against Passage's own crate (`passage_flex`
//! 1.0.2, from the cargo registry), each in its own temporary project with a fresh target
//! directory: a clean debug build, as in CI or on a new checkout. Prints, for each, the wall
//! time, the CPU time (which moves far less than wall time when other builds share the
//! machine) and the number of crates compiled, alternating the two `N` times (default 1) so
//! that the machine's load weighs on both alike, with the load average before each build. Both
//! use this workspace's `Cargo.lock`, so the crate versions are the ones the workspace is tested
//! with; cargo runs `--offline`. This SDK's two crates are compiled without incremental
//! compilation, as a dependency from crates.io is (see [`AS_FROM_A_REGISTRY`]).
//!
//! `--sdk PATH` measures the facade crate at `PATH` instead (another checkout, to compare
//! before and after a change).

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The official crate's version, as `tests/` pins it.
const OFFICIAL_VERSION: &str = "=1.0.2";

const SDK_MAIN: &str = r#"#[tokio::main]
async fn main() {
    let app_id = std::env::var("PASSAGE_APP_ID").unwrap_or_default();
    let api_key = std::env::var("PASSAGE_API_KEY").unwrap_or_default();
    let passage = passage_flex::PassageFlex::new(app_id, api_key);
    match passage.get_devices("user-42").await {
        Ok(devices) => println!("{} passkeys", devices.len()),
        Err(err) => eprintln!("{err}"),
    }
}
"#;

const OFFICIAL_MAIN: &str = r#"#[tokio::main]
async fn main() {
    let app_id = std::env::var("PASSAGE_APP_ID").unwrap_or_default();
    let api_key = std::env::var("PASSAGE_API_KEY").unwrap_or_default();
    let passage = passage_flex::PassageFlex::new(app_id, api_key);
    match passage.user.list_devices("user-42".to_string()).await {
        Ok(devices) => println!("{} passkeys", devices.len()),
        Err(err) => eprintln!("{err}"),
    }
}
"#;

/// One of the two binaries.
struct Subject {
    name: &'static str,
    dependency: String,
    /// More of the manifest, after `[dependencies]`.
    profile: &'static str,
    main: &'static str,
}

/// This SDK is a path dependency here, which cargo compiles incrementally; from crates.io, as
/// users get it and as the official crate is built here, it would not be. Incremental
/// compilation of the two crates adds about 2 s to a clean build that a user never pays.
const AS_FROM_A_REGISTRY: &str = "[profile.dev.package.passage-flex]\nincremental = false\n\
     [profile.dev.package.passage-flex-openapi]\nincremental = false\n";

/// What one clean build took.
struct Build {
    seconds: f64,
    /// User + system CPU time of cargo and every compiler and build script it ran: what the
    /// build costs, whatever else the machine is doing (wall time on an idle machine is about
    /// this over the cores, less where the dependency graph leaves a core idle).
    cpu_seconds: f64,
    crates: usize,
    load: String,
}

pub fn run(root: &Path, args: &[&str]) -> Result<()> {
    let mut runs = 1;
    let mut sdk = root.join("crates/passage-flex");
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--runs" => {
                runs = rest
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|n| *n >= 1)
                    .context("--runs takes a number of at least 1")?;
            }
            "--sdk" => {
                sdk = PathBuf::from(rest.next().context("--sdk takes the facade crate's path")?);
            }
            other => bail!("build-cost: unknown argument {other:?}"),
        }
    }
    let sdk = sdk
        .canonicalize()
        .with_context(|| format!("the SDK crate at {}", sdk.display()))?;
    let subjects = [
        Subject {
            name: "passage-flex (this SDK, default features)",
            dependency: format!(
                "passage-flex = {{ path = {:?} }}",
                sdk.display().to_string()
            ),
            profile: AS_FROM_A_REGISTRY,
            main: SDK_MAIN,
        },
        Subject {
            name: "passage_flex 1.0.2 (official, default features)",
            dependency: format!("passage_flex = \"{OFFICIAL_VERSION}\""),
            profile: "",
            main: OFFICIAL_MAIN,
        },
    ];
    let scratch = std::env::temp_dir().join(format!("passage-build-cost-{}", std::process::id()));
    let result = measure_all(&scratch, root, &subjects, runs);
    let _ = std::fs::remove_dir_all(&scratch);
    let builds = result?;

    println!("\n## Clean debug build of a one-call binary\n");
    println!("{}; {} core(s)", rustc_version(), cores());
    println!("SDK: {}\n", sdk.display());
    println!(
        "| binary | run | wall s | CPU s (user + system) | crates compiled | load average before (1, 5, 15 min) |"
    );
    println!("|---|---:|---:|---:|---:|---|");
    for (run, pair) in builds.iter().enumerate() {
        for (subject, build) in subjects.iter().zip(pair) {
            println!(
                "| {} | {} | {:.1} | {:.1} | {} | {} |",
                subject.name,
                run + 1,
                build.seconds,
                build.cpu_seconds,
                build.crates,
                build.load
            );
        }
    }
    for (run, [ours, official]) in builds.iter().enumerate() {
        println!(
            "\nrun {}: this SDK / official = {:.2} in wall time, {:.2} in CPU time, {} against {} crates",
            run + 1,
            ours.seconds / official.seconds,
            ours.cpu_seconds / official.cpu_seconds,
            ours.crates,
            official.crates
        );
    }
    Ok(())
}

fn measure_all(
    scratch: &Path,
    root: &Path,
    subjects: &[Subject; 2],
    runs: usize,
) -> Result<Vec<[Build; 2]>> {
    let mut all = Vec::new();
    for run in 0..runs {
        let mut pair = Vec::new();
        for (index, subject) in subjects.iter().enumerate() {
            let dir = scratch.join(format!("run{run}-{index}"));
            write_project(&dir, root, subject)?;
            eprintln!("build-cost: building {} (run {})", subject.name, run + 1);
            pair.push(build(&dir)?);
            // Each build's target directory is several hundred MB; only the numbers are kept.
            let _ = std::fs::remove_dir_all(&dir);
        }
        let [ours, official]: [Build; 2] = pair.try_into().ok().context("two builds")?;
        all.push([ours, official]);
    }
    Ok(all)
}

fn write_project(dir: &Path, root: &Path, subject: &Subject) -> Result<()> {
    std::fs::create_dir_all(dir.join("src"))?;
    let manifest = format!(
        "[package]\nname = \"one-call\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\n{}\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n\n\
         {}\n# Its own workspace, not the one above it.\n[workspace]\n",
        subject.dependency, subject.profile
    );
    std::fs::write(dir.join("Cargo.toml"), manifest)?;
    std::fs::write(dir.join("src/main.rs"), subject.main)?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))
        .context("copying the workspace's Cargo.lock")?;
    Ok(())
}

/// `cargo build` in `dir` with a target directory of its own, timed; counts the crates compiled.
fn build(dir: &Path) -> Result<Build> {
    let load = std::fs::read_to_string("/proc/loadavg")
        .map(|line| {
            line.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_else(|_| "unknown".into());
    let cpu_before = children_cpu_seconds();
    let started = Instant::now();
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--offline", "--color", "never"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .output()
        .context("running cargo build")?;
    let seconds = started.elapsed().as_secs_f64();
    let cpu_seconds = children_cpu_seconds() - cpu_before;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        bail!("cargo build failed in {}:\n{stderr}", dir.display());
    }
    let crates = stderr
        .lines()
        .filter(|line| line.trim_start().starts_with("Compiling "))
        .count();
    Ok(Build {
        seconds,
        cpu_seconds,
        crates,
        load,
    })
}

/// CPU seconds of this process's finished children and theirs (`cutime` + `cstime` of
/// `/proc/self/stat`, in the kernel's 100 Hz clock ticks); 0 where that file does not exist.
fn children_cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name, which is in parentheses and may contain spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    // cutime and cstime are fields 16 and 17 of the whole line, 14 and 15 after the name.
    let ticks = |index: usize| fields.get(index).and_then(|f| f.parse::<f64>().ok());
    match (ticks(13), ticks(14)) {
        (Some(user), Some(system)) => (user + system) / 100.0,
        _ => 0.0,
    }
}

fn rustc_version() -> String {
    Command::new("rustc")
        .arg("-V")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .unwrap_or_else(|_| "rustc (unknown version)".into())
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}
