//! A success body is decoded as JSON whatever its `Content-Type`, and one that cannot be decoded
//! keeps its status, content type and body.
//!
//! The generator decodes a 2xx body only when `Content-Type` starts with `application` and
//! contains `json` (case-sensitive), so a missing header, `text/plain` or `Application/JSON`
//! fails a good body. Passage's own generated clients, and the stubs people write for them,
//! do not care about the header, so neither does this crate: the header is kept only to name it
//! in the error. A body that is not the documented JSON (or not JSON at all) becomes the new
//! `Error::UndecodableResponse` instead of a bare serde error without status or body, so users
//! can tell a gateway's HTML page from a changed API.
//!
//! Bodies are decoded by plain serde_json; the path-tracking decoder, which costs about twice as
//! much, runs only on a body that failed, to name the failing field.

use super::{insert_after, insert_before, replace_counted};
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
    /// The response's `Content-Type`, if it had one. The body is decoded as JSON whatever it says.
    pub content_type: Option<String>,
    /// The whole body, as text.
    pub content: String,
    /// Why it could not be decoded (the serde error, with the path to the failing field).
    pub reason: String,
}

/// Decodes a success body as JSON whatever its content type; on failure, the reason with the
/// path to the failing field.
fn decode_json<D: serde::de::DeserializeOwned>(content: &str) -> Result<D, String> {
    serde_json::from_str(content).map_err(|plain| {
        let tracked = serde_path_to_error::deserialize::<_, D>(
            &mut serde_json::Deserializer::from_str(content),
        );
        tracked.err().map_or_else(|| plain.to_string(), |err| err.to_string())
    })
}

impl<T> Error<T> {
    fn undecodable(
        status: reqwest::StatusCode,
        content_type: Option<&reqwest::header::HeaderValue>,
        content: &str,
        reason: String,
    ) -> Self {
        let content_type =
            content_type.map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
        Error::UndecodableResponse(UndecodableResponse {
            status,
            content_type,
            content: content.to_owned(),
            reason,
        })
    }
}

";

/// The generator reads the header as text and classifies it; only the value itself is kept
/// (a cheap reference-counted copy), to name it in an error.
const CONTENT_TYPE_CLASSIFIED: &str = "    let content_type = resp
        .headers()
        .get(\"content-type\")
        .and_then(|v| v.to_str().ok())
        .unwrap_or(\"application/octet-stream\");
    let content_type = super::ContentType::from(content_type);
";
const CONTENT_TYPE_KEPT: &str =
    "    let content_type = resp.headers().get(reqwest::header::CONTENT_TYPE).cloned();\n";
const DECODE_ANY_CONTENT_TYPE: &str = "        super::decode_json(&content).map_err(|reason| Error::undecodable(status, content_type.as_ref(), &content, reason))";

const IMPORTS: &str = "use super::{Error, configuration, ContentType};";
const IMPORTS_WITHOUT_CONTENT_TYPE: &str = "use super::{Error, configuration};";
const CONTENT_TYPE_ENUM_START: &str =
    "/// Internal use only\n/// A content type supported by this client.\n";
const CONTENT_TYPE_ENUM_END: &str =
    "            return Self::Unsupported(content_type.to_string());\n        }\n    }\n}\n";

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
        "            Error::UndecodableResponse(e) => (\"response\", match &e.content_type {
                Some(content_type) => format!(\"status code {} (content type {content_type}): {}\", e.status, e.reason),
                None => format!(\"status code {} (no content type): {}\", e.status, e.reason),
            }),\n",
    )?;
    insert_after(
        tree,
        step,
        MOD,
        SOURCE_ARM,
        "            Error::UndecodableResponse(_) => return None,\n",
    )?;
    insert_before(tree, step, MOD, ERROR_ENUM, UNDECODABLE_TYPE)?;
    remove_content_type_enum(tree, step)?;

    for path in tree.paths_under("src/apis", "_api.rs") {
        let file = path.to_string_lossy().into_owned();
        let text = tree.text(&file)?;
        let text = replace_counted(
            step,
            &file,
            &text,
            IMPORTS,
            IMPORTS_WITHOUT_CONTENT_TYPE,
            Some(1),
        )?;
        let classified = text.matches(CONTENT_TYPE_CLASSIFIED).count();
        let text = replace_counted(
            step,
            &file,
            &text,
            CONTENT_TYPE_CLASSIFIED,
            CONTENT_TYPE_KEPT,
            None,
        )?;
        let (text, decoded) = decode_whatever_the_content_type(&text);
        // Every operation reads the header; those with a success body match on it once.
        if decoded == 0 || decoded > classified {
            bail!(
                "{step}: {file} reads the content type {classified} times but matches on it {decoded} times"
            );
        }
        tree.set_text(path, text);
    }
    Ok(())
}

/// Drops the generator's `ContentType` and its `From<&str>`, which nothing uses any more.
fn remove_content_type_enum(tree: &mut Tree, step: &str) -> Result<()> {
    let text = tree.text(MOD)?;
    let (Some(start), Some(end)) = (
        text.find(CONTENT_TYPE_ENUM_START),
        text.find(CONTENT_TYPE_ENUM_END),
    ) else {
        bail!("{step}: {MOD} no longer defines `ContentType` as expected");
    };
    let end = end + CONTENT_TYPE_ENUM_END.len();
    if end < start {
        bail!("{step}: {MOD} defines `ContentType` in an unexpected order");
    }
    tree.set_text(MOD, format!("{}{}", &text[..start], &text[end..]));
    Ok(())
}

/// Replaces each five-line `match content_type { Json => .., Text => .., Unsupported(..) => .. }`
/// with one JSON decode; returns the text and how many matches it replaced.
fn decode_whatever_the_content_type(text: &str) -> (String, usize) {
    const ARMS: [&str; 3] = [
        "ContentType::Json =>",
        "ContentType::Text =>",
        "ContentType::Unsupported(unknown_type) =>",
    ];
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::with_capacity(lines.len());
    let mut replaced = 0;
    let mut i = 0;
    while i < lines.len() {
        let is_match = lines[i].trim() == "match content_type {"
            && lines.len() > i + 4
            && ARMS
                .iter()
                .zip(&lines[i + 1..i + 4])
                .all(|(arm, line)| line.trim_start().starts_with(arm))
            && lines[i + 4].trim() == "}";
        if is_match {
            out.push(DECODE_ANY_CONTENT_TYPE);
            replaced += 1;
            i += 5;
        } else {
            out.push(lines[i]);
            i += 1;
        }
    }
    (out.join("\n") + "\n", replaced)
}
