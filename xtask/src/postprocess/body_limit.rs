//! Response bodies are read up to a limit, `Configuration::max_response_bytes`.
//!
//! The generated code reads whole bodies into memory, so a broken or hostile server could make
//! it buffer without end. `Configuration` gets the limit (4 MiB unless set; `None` for none) and
//! a body over it becomes the new `Error::ResponseTooLarge`, with nothing past the limit read.
//! The reading itself is `body_text`, from the `text_bodies` step.

use super::{insert_after, insert_before};
use crate::tree::Tree;
use anyhow::Result;

const CONFIGURATION: &str = "src/apis/configuration.rs";
const LAST_FIELD: &str = "    pub api_key: Option<ApiKey>,\n";
const LIMIT_FIELD: &str = "    /// The most bytes a response body may have; a longer one is
    /// [`Error::ResponseTooLarge`](super::Error::ResponseTooLarge), read no further. `None`
    /// reads any length.
    ///
    /// Added by `cargo xtask codegen`.
    pub max_response_bytes: Option<usize>,
";
const LAST_DEFAULT: &str = "            api_key: None,\n";
const LIMIT_DEFAULT: &str = "            max_response_bytes: Some(DEFAULT_MAX_RESPONSE_BYTES),\n";
const LAST_DEBUG: &str = ".field(\"api_key\", &self.api_key)";
const LIMIT_DEBUG: &str = "\n            .field(\"max_response_bytes\", &self.max_response_bytes)";
const STRUCT: &str = "#[derive(Clone)]\npub struct Configuration {\n";
const LIMIT_CONSTANT: &str =
    "/// [`Configuration::max_response_bytes`] unless set: 4 MiB, far above any answer of this API.
///
/// Added by `cargo xtask codegen`.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

";

const MOD: &str = "src/apis/mod.rs";
// The generator's own `ResponseError` lines, so that this step needs no other step's output.
const RESPONSE_ERROR_VARIANT: &str = "    ResponseError(ResponseContent<T>),\n";
const RESPONSE_ERROR_DISPLAY: &str = "            Error::ResponseError(e) => (\"response\", format!(\"status code {}\", e.status)),\n";
const RESPONSE_ERROR_SOURCE: &str = "            Error::ResponseError(_) => return None,\n";
const ERROR_ENUM: &str = "#[derive(Debug)]\npub enum Error<T> {\n";
const TOO_LARGE_TYPE: &str =
    "/// A response whose body exceeds [`configuration::Configuration::max_response_bytes`].
///
/// Added by `cargo xtask codegen`.
#[derive(Debug, Clone)]
pub struct ResponseTooLarge {
    /// The response's status.
    pub status: reqwest::StatusCode,
    /// The limit, in bytes.
    pub limit: usize,
}

";

pub fn limit_response_bodies(tree: &mut Tree) -> Result<()> {
    let step = "body_limit";
    insert_after(tree, step, CONFIGURATION, LAST_FIELD, LIMIT_FIELD)?;
    insert_after(tree, step, CONFIGURATION, LAST_DEFAULT, LIMIT_DEFAULT)?;
    insert_after(tree, step, CONFIGURATION, LAST_DEBUG, LIMIT_DEBUG)?;
    insert_before(tree, step, CONFIGURATION, STRUCT, LIMIT_CONSTANT)?;
    insert_after(
        tree,
        step,
        MOD,
        RESPONSE_ERROR_VARIANT,
        "    ResponseTooLarge(ResponseTooLarge),\n",
    )?;
    insert_after(
        tree,
        step,
        MOD,
        RESPONSE_ERROR_DISPLAY,
        "            Error::ResponseTooLarge(e) => (\"response\", format!(\"status code {}: the body exceeds the {}-byte limit\", e.status, e.limit)),\n",
    )?;
    insert_after(
        tree,
        step,
        MOD,
        RESPONSE_ERROR_SOURCE,
        "            Error::ResponseTooLarge(_) => return None,\n",
    )?;
    insert_before(tree, step, MOD, ERROR_ENUM, TOO_LARGE_TYPE)
}
