//! `cargo xtask codegen [--check]` and `cargo xtask validate-spec`.

use crate::config::CodegenConfig;
use crate::tree::Tree;
use crate::{generator, postprocess, target_dir};
use anyhow::{Context, Result, bail};
use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// Which generated files to leave out; the generator looks for it in its output folder.
const IGNORE_FILE: &str = ".openapi-generator-ignore";
/// The generator's list of the files it wrote (all but those ignored, and its bookkeeping).
const FILES_LIST: &str = ".openapi-generator/FILES";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Replace the committed crate with freshly generated code.
    Write,
    /// Generate into `target/` only and fail when the committed crate differs.
    Check,
}

pub fn run(root: &Path, mode: Mode) -> Result<()> {
    let started = Instant::now();
    let config = CodegenConfig::load(root)?;
    let target = target_dir(root);
    let jar = generator::ensure_jar(&config.generator, &target)?;

    let work = target.join("codegen");
    if work.exists() {
        std::fs::remove_dir_all(&work)?;
    }
    std::fs::create_dir_all(&work)?;
    let options = work.join("generator-config.json");
    std::fs::write(&options, config.generator_config_json()?)?;
    let raw = work.join("raw");
    std::fs::create_dir_all(&raw)?;
    let templates = root.join(&config.generator.templates);
    // The generator reads its ignore file from the output folder only.
    let ignore = templates.join(IGNORE_FILE);
    std::fs::copy(&ignore, raw.join(IGNORE_FILE))
        .with_context(|| format!("copying {}", ignore.display()))?;
    let spec = root.join(&config.generator.spec);
    let output = generator::run_java(
        &jar,
        &[
            OsStr::new("generate"),
            OsStr::new("--generator-name"),
            OsStr::new(&config.generator.name),
            OsStr::new("--input-spec"),
            spec.as_os_str(),
            OsStr::new("--output"),
            raw.as_os_str(),
            OsStr::new("--config"),
            options.as_os_str(),
            OsStr::new("--template-dir"),
            templates.as_os_str(),
        ],
    )?;
    generator::check("openapi-generator generate", &output)?;

    let mut generated = Tree::read_listed(&raw, FILES_LIST)?;
    postprocess::apply(&mut generated)?;
    let staged_dir = work.join("crate");
    generated.write(&staged_dir)?;
    rustfmt(&staged_dir)?;
    let staged = Tree::read(&staged_dir)?;
    check_verbatim(&config, &templates, &staged)?;

    let committed_dir = root.join(&config.generator.output);
    let drift = staged.drift_from(&Tree::read(&committed_dir)?);
    let elapsed = started.elapsed().as_secs_f64();
    match mode {
        Mode::Check if drift.is_empty() => {
            eprintln!(
                "xtask: {} is up to date with {} ({elapsed:.1} s)",
                config.generator.output, config.generator.spec
            );
            Ok(())
        }
        Mode::Check => bail!(
            "{} is out of date; run `cargo xtask codegen` and commit the result:\n{}",
            config.generator.output,
            drift.report(Path::new(&config.generator.output))
        ),
        Mode::Write => {
            staged.write(&committed_dir)?;
            eprintln!(
                "xtask: regenerated {} ({} files; {} changed, {} added, {} removed; {elapsed:.1} s)",
                config.generator.output,
                staged.files.len(),
                drift.changed.len(),
                drift.missing.len(),
                drift.extra.len()
            );
            Ok(())
        }
    }
}

/// The generator's own validator, the same parser that `generate` uses.
pub fn validate_spec(root: &Path) -> Result<()> {
    let config = CodegenConfig::load(root)?;
    let jar = generator::ensure_jar(&config.generator, &target_dir(root))?;
    let spec = root.join(&config.generator.spec);
    let output = generator::run_java(
        &jar,
        &[
            OsStr::new("validate"),
            OsStr::new("--input-spec"),
            spec.as_os_str(),
        ],
    )?;
    generator::check("openapi-generator validate", &output)?;
    eprintln!(
        "xtask: {} is valid (openapi-generator {})",
        config.generator.spec, config.generator.version
    );
    Ok(())
}

/// Formats the staged crate so `cargo fmt --check` over the workspace passes on generated code.
/// rustfmt follows `mod` declarations from lib.rs, so one call covers every file.
fn rustfmt(crate_dir: &Path) -> Result<()> {
    let output = Command::new("rustfmt")
        .args(["--edition", "2021"])
        .arg(crate_dir.join("src/lib.rs"))
        .output()
        .context("could not run rustfmt (rustup component add rustfmt)")?;
    generator::check("rustfmt", &output)
}

/// The files `[files]` copies in are the ones in `xtask/codegen/`, byte for byte, formatting
/// included: what is tested there is what the crate compiles.
fn check_verbatim(config: &CodegenConfig, templates: &Path, staged: &Tree) -> Result<()> {
    for (source, destination) in config.verbatim_files()? {
        let written = staged
            .files
            .get(&destination)
            .with_context(|| format!("the generator did not write {}", destination.display()))?;
        if *written != std::fs::read(templates.join(&source))? {
            bail!(
                "{} differs from {} once formatted; run `rustfmt --edition 2021` on the latter",
                destination.display(),
                Path::new(&config.generator.templates)
                    .join(&source)
                    .display()
            );
        }
    }
    Ok(())
}
