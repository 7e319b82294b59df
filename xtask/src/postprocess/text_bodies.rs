//! Response bodies are read as text with one strict UTF-8 check, up to the configured limit.
//!
//! The generated code reads every body with `reqwest::Response::text`, which runs a lossy UTF-8
//! decoder over the whole body and copies it, and reads any length. The API answers UTF-8 JSON,
//! so the body is instead taken as bytes, up to `Configuration::max_response_bytes` (the
//! `body_limit` step), and checked once; only a body that is not UTF-8 (a broken gateway's page)
//! goes through the lossy decoder, so error messages still show it.

use super::{insert_before, replace_in_api_files};
use crate::tree::Tree;
use anyhow::Result;

const MOD: &str = "src/apis/mod.rs";
const READ_TEXT: &str = "let content = resp.text().await?;";
const READ_TEXT_FAST: &str =
    "let content = super::body_text(resp, configuration.max_response_bytes).await?;";
const MODULES: &str = "pub mod apps_api;";
const HELPER: &str =
    "/// The body as text, refused past `limit` bytes: checked as UTF-8 once, decoded lossily only
/// if it is not UTF-8.
///
/// Added by `cargo xtask codegen`; the generated code used `Response::text`, which always runs
/// the lossy decoder, copies, and reads any length. Read chunk by chunk rather than with
/// `Response::bytes`, whose collecting buffers cost more than the one copy made here.
async fn body_text<T>(mut resp: reqwest::Response, limit: Option<usize>) -> Result<String, Error<T>> {
    let status = resp.status();
    let limit = limit.unwrap_or(usize::MAX);
    let too_large = || Error::ResponseTooLarge(ResponseTooLarge { status, limit });
    // A declared length over the limit is refused before reading a byte.
    if resp.content_length().is_some_and(|length| length > limit as u64) {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        // `bytes` never exceeds `limit`, so this cannot underflow.
        if chunk.len() > limit - bytes.len() {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(invalid) => String::from_utf8_lossy(invalid.as_bytes()).into_owned(),
    })
}

";

pub fn read_bodies_as_utf8(tree: &mut Tree) -> Result<()> {
    let step = "text_bodies";
    insert_before(tree, step, MOD, MODULES, HELPER)?;
    replace_in_api_files(tree, step, READ_TEXT, READ_TEXT_FAST)
}
