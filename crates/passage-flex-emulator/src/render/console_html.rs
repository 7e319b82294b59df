//! The console's one page, rendered on the server: plain HTML and a little CSS, no script, no
//! CDN. Its buttons are forms that post to the console's own endpoints, which answer with a
//! redirect back here. Everything shown is escaped; the API key and nonces are never shown.

use std::fmt::Write;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::config::AppConfig;
use crate::recent_requests::RecordedRequest;
use crate::store::{Device, Lifetimes, OpenTransaction, Overview, User};

/// Everything the page shows.
pub(crate) struct ConsoleView<'a> {
    pub app: &'a AppConfig,
    /// `http://<host>` as the browser reached the emulator.
    pub base_url: String,
    pub lifetimes: Lifetimes,
    pub latency: Duration,
    pub state_file: Option<String>,
    pub overview: Overview,
    pub requests: Vec<RecordedRequest>,
    /// What the last button did, if the page was reached by one.
    pub notice: Option<&'static str>,
}

/// The outcome of a console button, carried in the redirect as `?done=<code>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Notice {
    UserDeleted,
    PasskeyRevoked,
    UserNotFound,
    PasskeyNotFound,
    NotSaved,
}

impl Notice {
    const ALL: [Notice; 5] = [
        Notice::UserDeleted,
        Notice::PasskeyRevoked,
        Notice::UserNotFound,
        Notice::PasskeyNotFound,
        Notice::NotSaved,
    ];

    pub(crate) fn code(self) -> &'static str {
        match self {
            Notice::UserDeleted => "user_deleted",
            Notice::PasskeyRevoked => "passkey_revoked",
            Notice::UserNotFound => "user_not_found",
            Notice::PasskeyNotFound => "passkey_not_found",
            Notice::NotSaved => "not_saved",
        }
    }

    /// The notice a `done` code names; any other text names none (nothing from the query
    /// string reaches the page).
    pub(crate) fn from_code(code: &str) -> Option<&'static str> {
        Notice::ALL
            .into_iter()
            .find(|notice| notice.code() == code)
            .map(Notice::message)
    }

    fn message(self) -> &'static str {
        match self {
            Notice::UserDeleted => "User deleted, with their passkeys.",
            Notice::PasskeyRevoked => "Passkey revoked.",
            Notice::UserNotFound => "No such user (deleted meanwhile?).",
            Notice::PasskeyNotFound => "No such passkey (revoked meanwhile?).",
            Notice::NotSaved => "Done in memory, but the state file could not be written.",
        }
    }
}

const STYLE: &str = "
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1d1d1f; background: #fafafa; }
h1 { font-size: 1.3rem; margin: 0 0 .2rem; } h2 { font-size: 1.05rem; margin: 1.6rem 0 .4rem; }
table { border-collapse: collapse; background: #fff; width: 100%; }
th, td { border: 1px solid #ddd; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f0f0f3; font-weight: 600; }
code { font: 12px ui-monospace, monospace; }
.muted { color: #6e6e73; } .notice { background: #e8f4ea; border: 1px solid #9c9; padding: .4rem .6rem; }
form { display: inline; margin: 0; } button { font: inherit; cursor: pointer; white-space: nowrap; }
button.danger { color: #a00; } ul.passkeys { margin: 0; padding-left: 1rem; }
ul.passkeys li { margin: .15rem 0; } .status-ok { color: #060; } .status-err { color: #a00; }
";

pub(crate) fn render(view: &ConsoleView<'_>) -> String {
    let mut page = String::with_capacity(8192);
    let app = view.app;
    let _ = write!(
        page,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Emulator console: {name}</title><style>{STYLE}</style></head><body>\
         <h1>Passage Flex emulator: {name}</h1>\
         <p class=\"muted\">Not Passage: a local stand-in. <a href=\"/emulator/\">Refresh</a></p>",
        name = escape(&app.name),
    );
    if let Some(notice) = view.notice {
        let _ = write!(
            page,
            "<p class=\"notice\" id=\"notice\">{}</p>",
            escape(notice)
        );
    }
    settings(&mut page, view);
    users(&mut page, &view.overview.users);
    transactions(&mut page, &view.overview);
    requests(&mut page, &view.requests);
    page.push_str("</body></html>");
    page
}

fn settings(page: &mut String, view: &ConsoleView<'_>) {
    let app = view.app;
    let list = |items: &[String]| {
        if items.is_empty() {
            "<span class=\"muted\">none</span>".to_owned()
        } else {
            items
                .iter()
                .map(|item| format!("<code>{}</code>", escape(item)))
                .collect::<Vec<_>>()
                .join("<br>")
        }
    };
    let rp_id = app.effective_rp_id().unwrap_or_default();
    let ios = match app.ios_origin() {
        Some(origin) => format!("<code>{}</code>", escape(&origin)),
        None => "<span class=\"muted\">none (set an RP ID to accept one)</span>".to_owned(),
    };
    let state_file = match &view.state_file {
        Some(path) => format!("<code>{}</code>", escape(path)),
        None => {
            "<span class=\"muted\">none: in memory, gone when the emulator stops</span>".to_owned()
        }
    };
    let rows = [
        ("App ID", format!("<code>{}</code>", escape(&app.app_id))),
        (
            "API base URL",
            format!("<code>{}/v1</code>", escape(&view.base_url)),
        ),
        (
            "API key",
            "<span class=\"muted\">not shown (the one given with --api-key)</span>".to_owned(),
        ),
        (
            "Auth origin",
            format!("<code>{}</code>", escape(&app.auth_origin)),
        ),
        ("Additional origins", list(&app.additional_auth_origins)),
        ("RP ID", format!("<code>{}</code>", escape(&rp_id))),
        ("iOS origin", ios),
        ("Android origins", list(&app.android_origins)),
        (
            "Lifetimes",
            format!(
                "transaction {}, nonce {}, handshake {}",
                seconds(view.lifetimes.transaction),
                seconds(view.lifetimes.nonce),
                seconds(view.lifetimes.handshake)
            ),
        ),
        ("Added latency", format!("{} ms", view.latency.as_millis())),
        ("State file", state_file),
    ];
    page.push_str("<h2>Settings</h2><table id=\"settings\"><tbody>");
    for (name, value) in rows {
        let _ = write!(
            page,
            "<tr><th scope=\"row\">{name}</th><td>{value}</td></tr>"
        );
    }
    page.push_str("</tbody></table>");
}

fn users(page: &mut String, users: &[User]) {
    let _ = write!(page, "<h2>Users ({})</h2>", users.len());
    if users.is_empty() {
        page.push_str("<p class=\"muted\" id=\"users\">No users yet.</p>");
        return;
    }
    page.push_str(
        "<table id=\"users\"><thead><tr><th>External ID</th><th>User ID</th><th>Status</th>\
         <th>Created</th><th>Logins</th><th>Passkeys</th><th></th></tr></thead><tbody>",
    );
    for user in users {
        let _ = write!(
            page,
            "<tr data-external-id=\"{external}\"><td>{external}</td><td><code>{id}</code></td>\
             <td>{status}</td><td>{created}</td><td>{logins}</td><td>",
            external = escape(&user.external_id),
            id = escape(&user.id),
            status = user.status.as_str(),
            created = time(user.created_at),
            logins = user.login_count,
        );
        if user.devices.is_empty() {
            page.push_str("<span class=\"muted\">none</span>");
        } else {
            page.push_str("<ul class=\"passkeys\">");
            for device in &user.devices {
                passkey(page, user, device);
            }
            page.push_str("</ul>");
        }
        let _ = write!(
            page,
            "</td><td><form method=\"post\" action=\"/emulator/console/users/{id}/delete\">\
             <button class=\"danger\" type=\"submit\">Delete user</button></form></td></tr>",
            id = path_segment(&user.id),
        );
    }
    page.push_str("</tbody></table>");
}

fn passkey(page: &mut String, user: &User, device: &Device) {
    let kind = if device.passkey.is_some() {
        "real passkey"
    } else {
        "made up by the control endpoint"
    };
    let _ = write!(
        page,
        "<li data-device-id=\"{id}\"><strong>{name}</strong> <code>{id}</code> \
         <span class=\"muted\">{kind}; used {uses} times; last {last}</span> \
         <form method=\"post\" action=\"/emulator/console/users/{user}/devices/{device}/revoke\">\
         <button class=\"danger\" type=\"submit\">Revoke</button></form></li>",
        id = escape(&device.id),
        name = escape(&device.friendly_name),
        uses = device.usage_count,
        last = time(device.last_login_at),
        user = path_segment(&user.id),
        device = path_segment(&device.id),
    );
}

fn transactions(page: &mut String, overview: &Overview) {
    let _ = write!(
        page,
        "<h2>Open transactions ({})</h2><p class=\"muted\">Also open: {} started ceremonies \
         (handshakes), {} unspent nonces (never shown).</p>",
        overview.transactions.len(),
        overview.open_handshakes,
        overview.unspent_nonces,
    );
    if overview.transactions.is_empty() {
        page.push_str("<p class=\"muted\" id=\"transactions\">None.</p>");
        return;
    }
    page.push_str(
        "<table id=\"transactions\"><thead><tr><th>Kind</th><th>External ID</th>\
         <th>Transaction ID</th><th>Passkey name</th><th>Expires in</th></tr></thead><tbody>",
    );
    for transaction in &overview.transactions {
        transaction_row(page, transaction);
    }
    page.push_str("</tbody></table>");
}

fn transaction_row(page: &mut String, transaction: &OpenTransaction) {
    let (kind, name) = match &transaction.registers {
        Some(name) => ("registration", escape(name)),
        None => ("authentication", String::new()),
    };
    let _ = write!(
        page,
        "<tr><td>{kind}</td><td>{external}</td><td><code>{id}</code></td><td>{name}</td>\
         <td>{expires}</td></tr>",
        external = escape(&transaction.external_id),
        id = escape(&transaction.id),
        expires = seconds(transaction.expires_in),
    );
}

fn requests(page: &mut String, requests: &[RecordedRequest]) {
    let _ = write!(
        page,
        "<h2>Recent API requests ({})</h2>\
         <p class=\"muted\">The latest under <code>/v1</code>, newest first: the management API \
         and the browser-facing ceremony endpoints. Headers, queries and bodies are not kept.</p>",
        requests.len()
    );
    if requests.is_empty() {
        page.push_str("<p class=\"muted\" id=\"requests\">None yet.</p>");
        return;
    }
    page.push_str(
        "<table id=\"requests\"><thead><tr><th>At</th><th>Method</th><th>Path</th>\
         <th>Status</th><th>Duration</th></tr></thead><tbody>",
    );
    for request in requests {
        let class = if request.status < 400 {
            "status-ok"
        } else {
            "status-err"
        };
        let _ = write!(
            page,
            "<tr><td>{at}</td><td>{method}</td><td><code>{path}</code></td>\
             <td class=\"{class}\">{status}</td><td>{ms:.1} ms</td></tr>",
            at = time(request.at),
            method = escape(&request.method),
            path = escape(&request.path),
            status = request.status,
            ms = request.duration.as_secs_f64() * 1000.0,
        );
    }
    page.push_str("</tbody></table>");
}

fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn seconds(duration: Duration) -> String {
    format!("{} s", duration.as_secs())
}

/// Text as HTML content or a quoted attribute value.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// Text as one percent-encoded URL path segment.
fn path_segment(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            encoded.push(char::from(byte));
        } else {
            let _ = write!(encoded, "%{byte:02X}");
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_text_is_escaped() {
        assert_eq!(
            escape(r#"<script>alert("x" & 'y')</script>"#),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
    }

    #[test]
    fn path_segments_keep_only_unreserved_characters() {
        assert_eq!(path_segment("ab-9_.~"), "ab-9_.~");
        assert_eq!(path_segment("a/b c\"é"), "a%2Fb%20c%22%C3%A9");
    }

    #[test]
    fn only_known_notice_codes_reach_the_page() {
        for notice in Notice::ALL {
            assert_eq!(Notice::from_code(notice.code()), Some(notice.message()));
        }
        assert_eq!(Notice::from_code("<b>you were hacked</b>"), None);
    }
}
