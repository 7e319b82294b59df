//! An error answer keeps its response headers.
//!
//! The generator's `ResponseContent` holds the status, the body and the decoded error but drops
//! the headers, so a `429`'s or `503`'s `Retry-After` could not reach the caller. Each error
//! branch now keeps them: cloned on the error path only, so a success pays nothing.

use super::{insert_after, replace_in_api_files};
use crate::tree::Tree;
use anyhow::{Result, bail};

const MOD: &str = "src/apis/mod.rs";
const LAST_FIELD: &str = "    pub entity: Option<T>,\n";
const HEADERS_FIELD: &str = "    /// The response's headers, such as `Retry-After`.
    ///
    /// Added by `cargo xtask codegen`: the generator's own code drops them.
    pub headers: reqwest::header::HeaderMap,
";

const ERROR_READ: &str = "        let content = resp.text().await?;\n        let entity: Option<";
const ERROR_READ_KEEPING: &str = "        let headers = resp.headers().clone();
        let content = resp.text().await?;
        let entity: Option<";
const ERROR_VALUE: &str = "ResponseContent { status, content, entity }";
const ERROR_VALUE_KEEPING: &str = "ResponseContent { status, content, entity, headers }";

pub fn keep_error_headers(tree: &mut Tree) -> Result<()> {
    let step = "error_headers";
    insert_after(tree, step, MOD, LAST_FIELD, HEADERS_FIELD)?;
    // One read and one value per operation's error branch; a mismatch means the template
    // changed under us.
    for path in tree.paths_under("src/apis", "_api.rs") {
        let file = path.to_string_lossy().into_owned();
        let text = tree.text(&file)?;
        let (reads, values) = (
            text.matches(ERROR_READ).count(),
            text.matches(ERROR_VALUE).count(),
        );
        if reads != values {
            bail!("{step}: {file} has {reads} error-body reads but {values} error values");
        }
    }
    replace_in_api_files(tree, step, ERROR_READ, ERROR_READ_KEEPING)?;
    replace_in_api_files(tree, step, ERROR_VALUE, ERROR_VALUE_KEEPING)
}
