//! `date-time` query parameters are sent as RFC 3339.
//!
//! The generator writes every query value with `to_string()`, and chrono's `Display` for
//! `DateTime<FixedOffset>` is `2024-06-01 12:00:00 +00:00`: a space and no `T`, which is not
//! RFC 3339 and is not what the API matches on. Each such parameter is found in the function
//! signatures and its `to_string()` becomes `to_rfc3339()`.

use super::replace_counted;
use crate::tree::Tree;
use anyhow::Result;

const TIMESTAMP_PARAMETER: &str = ": Option<chrono::DateTime<chrono::FixedOffset>>";

pub fn send_timestamps_as_rfc3339(tree: &mut Tree) -> Result<()> {
    for path in tree.paths_under("src/apis", ".rs") {
        let file = path.to_string_lossy().into_owned();
        let mut text = tree.text(&file)?;
        let names: Vec<String> = text
            .match_indices(TIMESTAMP_PARAMETER)
            .filter_map(|(end, _)| {
                let start = text[..end].rfind(|c: char| !(c.is_alphanumeric() || c == '_'))?;
                Some(text[start + 1..end].to_owned())
            })
            .collect();
        for name in names {
            let from = format!("(\"{name}\", &param_value.to_string())");
            let to = format!("(\"{name}\", &param_value.to_rfc3339())");
            text = replace_counted("query_timestamps", &file, &text, &from, &to, Some(1))?;
        }
        tree.set_text(&file, text);
    }
    Ok(())
}
