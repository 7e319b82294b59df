//! Maintainer tasks for the passage-flex-rust workspace, run as `cargo xtask <task>`.
//!
//! - `codegen`: regenerate `crates/passage-flex-openapi` from `openapi/passage-flex.yaml`.
//! - `codegen --check`: regenerate into `target/` and fail, listing files, if the committed crate
//!   differs (spec, options, templates or helper files changed without regenerating, or the
//!   generated files were edited).
//! - `validate-spec`: run the generator's own validator on the spec.
//! - `msrv`: fail unless every member inherits the workspace's `rust-version` and no dependency
//!   declares a newer one; print both (`msrv.rs`).
//! - `build-cost`: clean debug build time and crate count of a one-call binary, this SDK against
//!   the official crate (`build_cost.rs`).

mod build_cost;
mod codegen;
mod config;
mod generator;
#[cfg(test)]
mod inline;
mod msrv;
mod postprocess;
mod tree;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask \
    <codegen [--check] | validate-spec | msrv | build-cost [--runs N] [--sdk PATH]>";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["codegen"] => codegen::run(&workspace_root(), codegen::Mode::Write),
        ["codegen", "--check"] => codegen::run(&workspace_root(), codegen::Mode::Check),
        ["validate-spec"] => codegen::validate_spec(&workspace_root()),
        ["msrv"] => msrv::run(&workspace_root()),
        ["build-cost", rest @ ..] => build_cost::run(&workspace_root(), rest),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn workspace_root() -> PathBuf {
    // xtask/ sits directly under the workspace root.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask has a parent directory")
        .to_path_buf()
}

/// Where cargo puts build output; the generator cache and staging folders live there too.
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}
