//! A success response that cannot be decoded keeps its status and body.
//!
//! The generator turns a 2xx body that is not the documented JSON (or not JSON at all) into a
//! bare serde error, dropping the status and the body. Users then see "missing field" with no
//! way to tell a gateway's HTML page from a changed API. Each such case becomes the new
//! `Error::UndecodableResponse` with status, body and the reason.
//!
//! Bodies are decoded by plain serde_json; the path-tracking decoder, which costs about twice as
//! much, runs only on a body that failed, to name the failing field.

use super::{insert_after, insert_before};
use crate::tree::Tree;
use anyhow::{Result, bail};

const MOD: &str = "src/apis/mod.rs";

const RESPONSE_ERROR_VARIANT: &str = "    ResponseError(ResponseContent<T>),\n";
const DISPLAY_ARM: &str = "            Error::ResponseError(e) => (\"response\", format!(\"status code {}\", e.status)),\n";
const SOURCE_ARM: &str = "            Error::ResponseError(_) => return None,\n";
const ERROR_ENUM: &str = "#[derive(Debug)]\npub enum Error<T> {\n";

const UNDECODABLE_TYPE: &str = "/// A success (2xx) response whose body is not the documented JSON.
///
/// Added by `cargo xtask codegen`: the generator's own code drops the status and the body here.
#[derive(Debug, Clone)]
pub struct UndecodableResponse {
    /// The response's status.
    pub status: reqwest::StatusCode,
    /// The whole body, as text.
    pub content: String,
    /// Why it could not be decoded (the serde error, with the path to the failing field).
    pub reason: String,
}

/// Decodes a success body; on failure, the reason with the path to the failing field.
fn decode_json<D: serde::de::DeserializeOwned>(content: &str) -> Result<D, String> {
    serde_json::from_str(content).map_err(|plain| {
        let tracked = serde_path_to_error::deserialize::<_, D>(
            &mut serde_json::Deserializer::from_str(content),
        );
        tracked.err().map_or_else(|| plain.to_string(), |err| err.to_string())
    })
}

impl<T> Error<T> {
    fn undecodable(status: reqwest::StatusCode, content: &str, reason: impl ToString) -> Self {
        Error::UndecodableResponse(UndecodableResponse {
            status,
            content: content.to_owned(),
            reason: reason.to_string(),
        })
    }
}

";

const JSON_ARM: &str = "ContentType::Json => serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(&content)).map_err(Error::from),";
const JSON_ARM_KEEPING: &str = "ContentType::Json => super::decode_json(&content).map_err(|reason| Error::undecodable(status, &content, reason)),";
const SERDE_CUSTOM: &str = " => return Err(Error::from(serde_json::Error::custom(";
const SERDE_CUSTOM_END: &str = "))),";

pub fn keep_status_and_body(tree: &mut Tree) -> Result<()> {
    let step = "undecodable_responses";
    insert_after(
        tree,
        step,
        MOD,
        RESPONSE_ERROR_VARIANT,
        "    UndecodableResponse(UndecodableResponse),\n",
    )?;
    insert_after(
        tree,
        step,
        MOD,
        DISPLAY_ARM,
        "            Error::UndecodableResponse(e) => (\"response\", format!(\"status code {}: {}\", e.status, e.reason)),\n",
    )?;
    insert_after(
        tree,
        step,
        MOD,
        SOURCE_ARM,
        "            Error::UndecodableResponse(_) => return None,\n",
    )?;
    insert_before(tree, step, MOD, ERROR_ENUM, UNDECODABLE_TYPE)?;

    for path in tree.paths_under("src/apis", "_api.rs") {
        let file = path.to_string_lossy().into_owned();
        let text = tree.text(&file)?;
        let json_arms = text.matches(JSON_ARM).count();
        let text = text.replace(JSON_ARM, JSON_ARM_KEEPING);
        let mut other_arms = 0;
        let lines: Vec<String> = text
            .lines()
            .map(|line| match rewrite_content_type_arm(line) {
                Some(rewritten) => {
                    other_arms += 1;
                    rewritten
                }
                None => line.to_string(),
            })
            .collect();
        // Every operation with a body has one JSON arm, one text/plain arm and one for any
        // other content type; anything else means the template changed under us.
        if other_arms != 2 * json_arms {
            bail!(
                "{step}: {file} has {json_arms} JSON arms but {other_arms} other content-type arms"
            );
        }
        tree.set_text(path, lines.join("\n") + "\n");
    }
    Ok(())
}

/// `ContentType::Text => return Err(Error::from(serde_json::Error::custom(MSG))),` becomes
/// `ContentType::Text => return Err(Error::undecodable(status, &content, MSG)),`.
fn rewrite_content_type_arm(line: &str) -> Option<String> {
    let at = line.find(SERDE_CUSTOM)?;
    let arm = &line[..at];
    let message = line[at + SERDE_CUSTOM.len()..].strip_suffix(SERDE_CUSTOM_END)?;
    Some(format!(
        "{arm} => return Err(Error::undecodable(status, &content, {message})),"
    ))
}
