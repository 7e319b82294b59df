//! An error answer keeps its response headers.
//!
//! The generator's `ResponseContent` holds the status, the body and the decoded error but drops
//! the headers, so a `429`'s or `503`'s `Retry-After` could not reach the caller. Each error
//! branch now keeps them: cloned on the error path only, so a success pays nothing.

use super::replace_counted;
use crate::tree::Tree;
use anyhow::{Result, bail};

const MOD: &str = "src/apis/mod.rs";
const LAST_FIELD: &str = "    pub entity: Option<T>,\n}";
const LAST_FIELD_AND_HEADERS: &str = "    pub entity: Option<T>,
    /// The response's headers, such as `Retry-After`.
    ///
    /// Added by `cargo xtask codegen`: the generator's own code drops them.
    pub headers: reqwest::header::HeaderMap,
}";

const ERROR_READ: &str = "        let content = resp.text().await?;\n        let entity: Option<";
const ERROR_READ_KEEPING: &str = "        let headers = resp.headers().clone();
        let content = resp.text().await?;
        let entity: Option<";
const ERROR_VALUE: &str = "ResponseContent { status, content, entity }";
const ERROR_VALUE_KEEPING: &str = "ResponseContent { status, content, entity, headers }";

pub fn keep_error_headers(tree: &mut Tree) -> Result<()> {
    let step = "error_headers";
    let text = tree.text(MOD)?;
    let text = replace_counted(
        step,
        MOD,
        &text,
        LAST_FIELD,
        LAST_FIELD_AND_HEADERS,
        Some(1),
    )?;
    tree.set_text(MOD, text);

    for path in tree.paths_under("src/apis", "_api.rs") {
        let file = path.to_string_lossy().into_owned();
        let text = tree.text(&file)?;
        // One read and one value per operation's error branch; a mismatch means the template
        // changed under us.
        let (reads, values) = (
            text.matches(ERROR_READ).count(),
            text.matches(ERROR_VALUE).count(),
        );
        if reads != values {
            bail!("{step}: {file} has {reads} error-body reads but {values} error values");
        }
        let text = replace_counted(step, &file, &text, ERROR_READ, ERROR_READ_KEEPING, None)?;
        let text = replace_counted(step, &file, &text, ERROR_VALUE, ERROR_VALUE_KEEPING, None)?;
        tree.set_text(path, text);
    }
    Ok(())
}
