//! Post-processing of the generator's output into the crate we commit.
//!
//! Each step is a small, exact text or TOML edit that fails loudly when the generator's output no
//! longer has the shape it expects (for example after a generator upgrade), rather than silently
//! doing nothing. Steps run in a fixed order; the result is then formatted by rustfmt.

mod body_limit;
mod crate_files;
mod crate_root;
mod error_headers;
mod manifest;
mod no_panics;
mod open_enums;
mod path_segments;
mod span_status;
mod text_bodies;
mod undecodable_responses;

use crate::config::CodegenConfig;
use crate::tree::Tree;
use anyhow::{Result, bail};

pub fn apply(generated: Tree, config: &CodegenConfig) -> Result<Tree> {
    let mut tree = crate_files::keep_crate_files(generated, config);
    manifest::adapt(&mut tree)?;
    crate_root::document_and_allow_lints(&mut tree)?;
    open_enums::open_string_enums(&mut tree)?;
    path_segments::percent_encode_path_segments(&mut tree)?;
    undecodable_responses::keep_status_and_body(&mut tree)?;
    error_headers::keep_error_headers(&mut tree)?;
    body_limit::limit_response_bodies(&mut tree)?;
    text_bodies::read_bodies_as_utf8(&mut tree)?;
    span_status::record_status_on_span(&mut tree)?;
    no_panics::remove_deep_object_helper(&mut tree)?;
    Ok(tree)
}

/// Replaces `from` with `to` exactly `expected` times (`None`: at least once) or fails naming
/// the step, so a generator upgrade that changes its templates is caught here.
fn replace_counted(
    step: &str,
    file: &str,
    text: &str,
    from: &str,
    to: &str,
    expected: Option<usize>,
) -> Result<String> {
    let found = text.matches(from).count();
    let ok = match expected {
        Some(n) => found == n,
        None => found > 0,
    };
    if !ok {
        bail!(
            "post-processing step `{step}`: expected {} of {from:?} in {file}, found {found}; \
             the generator's output changed shape, so update xtask/src/postprocess",
            expected.map_or("at least one".to_string(), |n| n.to_string())
        );
    }
    Ok(text.replace(from, to))
}

/// Inserts `addition` right after `anchor`, which must occur exactly once in `file`.
fn insert_after(
    tree: &mut Tree,
    step: &str,
    file: &str,
    anchor: &str,
    addition: &str,
) -> Result<()> {
    replace_once(tree, step, file, anchor, &format!("{anchor}{addition}"))
}

/// Inserts `addition` right before `anchor`, which must occur exactly once in `file`.
fn insert_before(
    tree: &mut Tree,
    step: &str,
    file: &str,
    anchor: &str,
    addition: &str,
) -> Result<()> {
    replace_once(tree, step, file, anchor, &format!("{addition}{anchor}"))
}

fn replace_once(tree: &mut Tree, step: &str, file: &str, from: &str, to: &str) -> Result<()> {
    let text = tree.text(file)?;
    let text = replace_counted(step, file, &text, from, to, Some(1))?;
    tree.set_text(file, text);
    Ok(())
}

/// Replaces `from` with `to` in every operation file (`src/apis/*_api.rs`), failing for a file
/// that has none.
fn replace_in_api_files(tree: &mut Tree, step: &str, from: &str, to: &str) -> Result<()> {
    for path in tree.paths_under("src/apis", "_api.rs") {
        let file = path.to_string_lossy().into_owned();
        let text = tree.text(&file)?;
        let text = replace_counted(step, &file, &text, from, to, None)?;
        tree.set_text(path, text);
    }
    Ok(())
}
