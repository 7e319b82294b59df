//! What the emulator answers with, built from the store's records: the API's JSON bodies and
//! the console's HTML page. Refusals are [`crate::api_error`]'s.

pub(crate) mod api_json;
pub(crate) mod console_html;
