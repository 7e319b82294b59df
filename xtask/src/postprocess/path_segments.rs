//! Path parameters percent-encoded as path segments.
//!
//! The generator's `urlencode` is form encoding: a space becomes `+`, which a server reads back as
//! a literal plus inside a path, so the user ID `a b` would reach Passage as `a+b`, another ID.
//! RFC 3986 percent-encoding of everything but the unreserved characters keeps every byte of
//! the ID and turns `/`, `?` and `#` into data rather than URL structure.

use super::replace_counted;
use crate::tree::Tree;
use anyhow::Result;

const FORM_ENCODE: &str = "pub fn urlencode<T: AsRef<str>>(s: T) -> String {
    ::url::form_urlencoded::byte_serialize(s.as_ref().as_bytes()).collect()
}";

const PATH_SEGMENT_ENCODE: &str =
    "/// Percent-encodes one path segment (RFC 3986): everything but `A-Z a-z 0-9 - . _ ~`.
///
/// Replaced by `cargo xtask codegen`: the generator's form encoding turns a space into `+`.
pub fn urlencode<T: AsRef<str>>(s: T) -> String {
    // Through `Cow`: a segment with nothing to escape (the usual ID) is copied as it is, without
    // the formatting machinery `to_string` would run.
    let encoded: std::borrow::Cow<'_, str> =
        percent_encoding::utf8_percent_encode(s.as_ref(), PATH_SEGMENT).into();
    encoded.into_owned()
}

/// Bytes that must be escaped inside one path segment.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');";

pub fn percent_encode_path_segments(tree: &mut Tree) -> Result<()> {
    let file = "src/apis/mod.rs";
    let text = tree.text(file)?;
    let text = replace_counted(
        "path_segments",
        file,
        &text,
        FORM_ENCODE,
        PATH_SEGMENT_ENCODE,
        Some(1),
    )?;
    tree.set_text(file, text);
    Ok(())
}
