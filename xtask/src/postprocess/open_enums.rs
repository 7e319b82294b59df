//! String enums that survive values they do not know.
//!
//! The generator makes every string enum a closed, `Copy` Rust enum, so one new value from
//! Passage (a new `WebAuthnType`, a new error code) fails the whole response. Passage does add
//! values over time, so each such enum gets a last variant `Unknown(String)` that catches and
//! keeps any other string, and loses `Copy`, which a `String` cannot have.
//!
//! Values are decoded as a `String` and matched (`#[serde(from = "String")]` and a generated
//! `From<String>`), not with serde's untagged fallback: that one buffers every value and tries
//! each variant in turn, which made decoding a page of users measurably slower. `Unknown` stays
//! `#[serde(untagged)]` so that it serializes as the bare string it kept. Each enum is
//! `#[non_exhaustive]`, since a value Passage adds becomes a variant here, and gets `as_str`.

use super::replace_counted;
use crate::tree::Tree;
use anyhow::{Context, Result, bail};

const CLOSED_DERIVE: &str = "#[derive(Clone, Copy, Debug, Eq, PartialEq, Ord, PartialOrd, Hash, Serialize, Deserialize)]\npub enum ";
const OPEN_DERIVE: &str = "#[derive(Clone, Debug, Eq, PartialEq, Ord, PartialOrd, Hash, Serialize, Deserialize)]\n#[serde(from = \"String\")]\n#[non_exhaustive]\npub enum ";
const UNKNOWN_VARIANT: &str = "    /// A value this version of the client does not know; Passage adds values over time.\n    \
     #[serde(untagged)]\n    Unknown(String),\n";
const UNKNOWN_DISPLAY_ARM: &str = "            Self::Unknown(value) => f.write_str(value),\n";

pub fn open_string_enums(tree: &mut Tree) -> Result<()> {
    let mut opened = 0;
    for path in tree.paths_under("src/models", ".rs") {
        let file = path.to_string_lossy().into_owned();
        let text = tree.text(&file)?;
        if !text.contains(CLOSED_DERIVE) {
            continue;
        }
        let name = enum_name(&text).with_context(|| format!("no enum name in {file}"))?;
        let text = replace_counted(
            "open_enums",
            &file,
            &text,
            CLOSED_DERIVE,
            OPEN_DERIVE,
            Some(1),
        )?;
        let variants = wire_values(&file, &text, &name)?;
        let text = insert_variant(&file, &text, &name)?;
        let text = insert_display_arm(&file, &text, &name)?;
        let text = format!(
            "{text}\n{}\n{}",
            from_string(&name, &variants),
            as_str(&name, &variants)
        );
        tree.set_text(path, text);
        opened += 1;
    }
    if opened == 0 {
        bail!("open_enums: no closed string enum found in src/models; the generator changed shape");
    }
    Ok(())
}

fn enum_name(text: &str) -> Option<String> {
    let start = text.find(CLOSED_DERIVE)? + CLOSED_DERIVE.len();
    let rest = &text[start..];
    Some(rest[..rest.find(' ')?].to_string())
}

/// The enum's `(wire value, variant)` pairs, from its `#[serde(rename = "...")]` variants.
fn wire_values(file: &str, text: &str, name: &str) -> Result<Vec<(String, String)>> {
    let open = format!("pub enum {name} {{\n");
    let start = text
        .find(&open)
        .with_context(|| format!("open_enums: no `{open}` in {file}"))?
        + open.len();
    let body = &text[start..];
    let body = &body[..body
        .find("\n}\n")
        .with_context(|| format!("open_enums: enum {name} in {file} never closes"))?];
    let mut lines = body.lines().map(str::trim).filter(|line| !line.is_empty());
    let mut pairs = Vec::new();
    while let Some(line) = lines.next() {
        let value = line
            .strip_prefix("#[serde(rename = \"")
            .and_then(|rest| rest.strip_suffix("\")]"))
            .with_context(|| {
                format!("open_enums: {name} in {file}: expected a rename, got `{line}`")
            })?;
        let variant = lines
            .next()
            .and_then(|line| line.strip_suffix(','))
            .filter(|variant| {
                variant
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
            })
            .with_context(|| {
                format!("open_enums: {name} in {file}: a rename without its unit variant")
            })?;
        pairs.push((value.to_string(), variant.to_string()));
    }
    if pairs.is_empty() {
        bail!("open_enums: enum {name} in {file} has no variants");
    }
    Ok(pairs)
}

/// `From<String>`, which `#[serde(from = "String")]` decodes through.
fn from_string(name: &str, variants: &[(String, String)]) -> String {
    let arms: String = variants
        .iter()
        .map(|(value, variant)| format!("            {value:?} => Self::{variant},\n"))
        .collect();
    format!(
        "impl From<String> for {name} {{\n    fn from(value: String) -> Self {{\n        match value.as_str() {{\n{arms}            _ => Self::Unknown(value),\n        }}\n    }}\n}}\n"
    )
}

/// `as_str`, the value as sent on the wire without allocating, for callers that compare or log it.
fn as_str(name: &str, variants: &[(String, String)]) -> String {
    let arms: String = variants
        .iter()
        .map(|(value, variant)| format!("            Self::{variant} => {value:?},\n"))
        .collect();
    format!(
        "impl {name} {{\n    /// The value as the API spells it.\n    pub fn as_str(&self) -> &str {{\n        match self {{\n{arms}            Self::Unknown(value) => value,\n        }}\n    }}\n}}\n"
    )
}

/// Adds the catch-all as the last variant: before the `}` that closes `pub enum Name {`.
fn insert_variant(file: &str, text: &str, name: &str) -> Result<String> {
    let open = format!("pub enum {name} {{\n");
    let start = text
        .find(&open)
        .with_context(|| format!("open_enums: no `{open}` in {file}"))?;
    let body_end = text[start..]
        .find("\n}\n")
        .map(|i| start + i + 1)
        .with_context(|| format!("open_enums: enum {name} in {file} never closes"))?;
    Ok(format!(
        "{}{UNKNOWN_VARIANT}{}",
        &text[..body_end],
        &text[body_end..]
    ))
}

/// `Display` prints the wire value, so the catch-all prints the string it kept.
fn insert_display_arm(file: &str, text: &str, name: &str) -> Result<String> {
    let display = format!("impl std::fmt::Display for {name} {{");
    let start = text
        .find(&display)
        .with_context(|| format!("open_enums: no Display for {name} in {file}"))?;
    let match_self = "match self {\n";
    let arm_at = text[start..]
        .find(match_self)
        .map(|i| start + i + match_self.len())
        .with_context(|| format!("open_enums: Display for {name} in {file} has no `match self`"))?;
    Ok(format!(
        "{}{UNKNOWN_DISPLAY_ARM}{}",
        &text[..arm_at],
        &text[arm_at..]
    ))
}
