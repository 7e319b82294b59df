//! Each response's status is recorded on the caller's `tracing` span.
//!
//! A caller that runs an operation inside a span with a `status` field (the facade does, one
//! span per operation) gets the HTTP status of each response there, success or error, without
//! a middleware in the request path. A span without that field, or no span, ignores it.

use super::replace_in_api_files;
use crate::tree::Tree;
use anyhow::Result;

const STATUS: &str = "    let status = resp.status();\n";
const STATUS_RECORDED: &str = "    let status = resp.status();
    tracing::Span::current().record(\"status\", status.as_u16());
";

pub fn record_status_on_span(tree: &mut Tree) -> Result<()> {
    replace_in_api_files(tree, "span_status", STATUS, STATUS_RECORDED)
}
