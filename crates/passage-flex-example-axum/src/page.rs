//! The HTML page. Every value from a user or from Passage is escaped: a passkey's name is
//! whatever the user typed.

use html_escape::encode_text as text;
use passage_flex::PasskeyDevice;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

const HEAD: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
    <title>Passkeys</title></head><body>";
const TAIL: &str = "</body></html>";

pub(crate) fn signed_out() -> String {
    format!(
        "{HEAD}<h1>Passkeys</h1><p>Not signed in. Register or log in with a passkey through \
         <code>/auth/register/*</code> and <code>/auth/login/*</code>.</p>{TAIL}"
    )
}

pub(crate) fn passkeys(username: &str, devices: &[PasskeyDevice]) -> String {
    let mut rows = String::new();
    for device in devices {
        rows.push_str(&format!(
            "<li><strong>{name}</strong>, created {created}, used {uses} time(s) \
             <form method=\"post\" action=\"/passkeys/{id}/revoke\" style=\"display:inline\">\
             <button type=\"submit\">Revoke</button></form></li>",
            name = text(&device.friendly_name),
            created = device.created_at.format("%Y-%m-%d %H:%M UTC"),
            uses = device.usage_count,
            // A path segment of only [A-Za-z0-9%]: safe in the URL and in the attribute.
            id = utf8_percent_encode(&device.id, NON_ALPHANUMERIC),
        ));
    }
    if rows.is_empty() {
        rows.push_str("<li>No passkeys left: this account can no longer log in.</li>");
    }
    format!(
        "{HEAD}<h1>Passkeys of {user}</h1><ul id=\"passkeys\">{rows}</ul>\
         <form method=\"post\" action=\"/auth/logout\"><button type=\"submit\">Log out</button>\
         </form>{TAIL}",
        user = text(username),
    )
}
