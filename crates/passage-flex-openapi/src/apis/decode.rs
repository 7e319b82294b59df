//! Success bodies decoded as JSON whatever their `Content-Type`.
//!
//! Written and tested in `xtask/codegen/inline/`; the generator copies this file unchanged into
//! the generated crate as `src/apis/decode.rs`, and every operation with a success body decodes
//! it with [`json`].
//!
//! The generator's own code decodes a 2xx body only when `Content-Type` starts with
//! `application` and contains `json` (case-sensitive), so a missing header, `text/plain` or
//! `Application/JSON` fails a good body. Passage's own generated clients, and the stubs people
//! write for them, do not care about the header, so neither does this crate: it is kept only to
//! be named in the error. A body that is not the documented JSON keeps its status, content type
//! and body, so that a gateway's HTML page can be told from a changed API.

use std::fmt;

/// A success (2xx) response whose body is not the documented JSON.
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

impl fmt::Display for UndecodableResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.content_type {
            Some(content_type) => write!(
                f,
                "status code {} (content type {content_type}): {}",
                self.status, self.reason
            ),
            None => write!(
                f,
                "status code {} (no content type): {}",
                self.status, self.reason
            ),
        }
    }
}

/// `content`, the body of a success answer with `status` and `content_type`, decoded as JSON.
///
/// A body that fails is reported with the path to the failing value (`users[1].id: invalid
/// type...`), found by [`path_at`] from where serde_json stopped. A path-tracking decoder
/// (`serde_path_to_error`) would make every model's decoder compile a second time, over 40% of
/// this crate's code, for the failure path alone.
pub(crate) fn json<D: serde::de::DeserializeOwned>(
    status: reqwest::StatusCode,
    content_type: Option<&reqwest::header::HeaderValue>,
    content: String,
) -> Result<D, UndecodableResponse> {
    let failure = match serde_json::from_str(&content) {
        Ok(decoded) => return Ok(decoded),
        Err(failure) => failure,
    };
    // serde_json's own message, behind the failing value's path unless it failed at the top.
    let reason = match path_at(&content, failure.line(), failure.column()) {
        Some(path) => format!("{path}: {failure}"),
        None => failure.to_string(),
    };
    Err(UndecodableResponse {
        status,
        content_type: content_type
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned()),
        content,
        reason,
    })
}

/// One level of the JSON being walked by [`path_at`].
enum Level {
    /// An object, with the key whose value is being read (`None` before the first).
    Object(Option<String>),
    /// An array, with the index of the element being read.
    Array(usize),
}

/// The path (`users[1].webauthn_devices[0].type`) of the value being read at `line` and
/// `column` of `json` (both 1-based, the column in bytes: where serde_json reports an error), or
/// `None` at the top of the body. A missing field is reported where its object closes, so its
/// path is the object's; a duplicate or unknown key right after the key, so its path ends in it.
fn path_at(json: &str, line: usize, column: usize) -> Option<String> {
    let bytes = json.as_bytes();
    let line_start = match line {
        0 | 1 => 0,
        _ => bytes
            .iter()
            .enumerate()
            .filter(|(_, byte)| **byte == b'\n')
            .nth(line - 2)
            .map_or(bytes.len(), |(newline, _)| newline + 1),
    };
    let end = line_start.saturating_add(column).min(bytes.len());

    let mut levels: Vec<Level> = Vec::new();
    let mut at = 0;
    while at < end {
        match bytes[at] {
            b'{' => levels.push(Level::Object(None)),
            b'[' => levels.push(Level::Array(0)),
            b'}' | b']' => {
                levels.pop();
            }
            b',' => {
                if let Some(Level::Array(index)) = levels.last_mut() {
                    *index += 1;
                }
            }
            b'"' => {
                let start = at + 1;
                at = start;
                while at < bytes.len() && bytes[at] != b'"' {
                    at += if bytes[at] == b'\\' { 2 } else { 1 };
                }
                // A string directly followed by `:` is a key, even when the error came before
                // the `:` was read (a duplicate or unknown field is reported right after it).
                let mut next = at + 1;
                while next < bytes.len() && bytes[next].is_ascii_whitespace() {
                    next += 1;
                }
                let is_key = bytes.get(next) == Some(&b':');
                if let (true, Some(Level::Object(key))) = (is_key, levels.last_mut()) {
                    let raw = bytes.get(start..at.min(bytes.len())).unwrap_or_default();
                    *key = Some(String::from_utf8_lossy(raw).into_owned());
                }
            }
            _ => {}
        }
        at += 1;
    }

    let mut path = String::new();
    for level in &levels {
        match level {
            Level::Object(Some(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Level::Object(None) => {}
            Level::Array(index) => path.push_str(&format!("[{index}]")),
        }
    }
    (!path.is_empty()).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::UndecodableResponse;
    use reqwest::StatusCode;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Page {
        users: Vec<User>,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct User {
        id: String,
    }

    fn decode(content_type: Option<&str>, body: &str) -> Result<Page, UndecodableResponse> {
        let header = content_type
            .map(|value| reqwest::header::HeaderValue::from_str(value).expect("a header"));
        super::json(StatusCode::OK, header.as_ref(), body.to_string())
    }

    #[test]
    fn json_is_decoded_whatever_the_content_type_says() {
        let body = r#"{"users": [{"id": "u1"}]}"#;
        let expected = Page {
            users: vec![User { id: "u1".into() }],
        };
        for content_type in [
            Some("application/json"),
            Some("Application/JSON; charset=utf-8"),
            Some("text/plain"),
            Some("application/octet-stream"),
            None,
        ] {
            assert_eq!(
                decode(content_type, body).expect("JSON"),
                expected,
                "{content_type:?}"
            );
        }
    }

    #[test]
    fn a_body_of_the_wrong_shape_keeps_status_content_type_and_body_and_names_the_field() {
        let body = r#"{"users": [{"id": "u1"}, {"name": "no id"}]}"#;
        let refused = decode(Some("application/json"), body).expect_err("no id");
        assert_eq!(refused.status, StatusCode::OK);
        assert_eq!(refused.content_type.as_deref(), Some("application/json"));
        assert_eq!(refused.content, body);
        assert!(
            refused.reason.starts_with("users[1]"),
            "the reason names the failing field: {}",
            refused.reason
        );
    }

    /// Where serde_json stops on `body` decoded as `T`, as [`super::path_at`] names it (`.`
    /// for the top).
    fn failing_path<T: serde::de::DeserializeOwned + std::fmt::Debug>(body: &str) -> String {
        let failure = serde_json::from_str::<T>(body).expect_err("a failure");
        super::path_at(body, failure.line(), failure.column()).unwrap_or_else(|| ".".into())
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Device {
        id: String,
        #[serde(rename = "type")]
        kind: Kind,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Kind {
        Passkey,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Account {
        devices: Vec<Device>,
        count: u32,
    }

    #[test]
    fn the_path_names_a_wrong_value_a_missing_field_and_an_unknown_variant() {
        let wrong_type = r#"{"devices": [{"id": "d1", "type": "passkey"}, {"id": 7, "type": "passkey"}], "count": 2}"#;
        assert_eq!(failing_path::<Account>(wrong_type), "devices[1].id");
        let missing = r#"{"devices": [{"id": "d1", "type": "passkey"}, {"id": "d2"}], "count": 2}"#;
        assert_eq!(failing_path::<Account>(missing), "devices[1]");
        let unknown = r#"{"devices": [{"id": "d1", "type": "fingerprint"}], "count": 1}"#;
        assert_eq!(failing_path::<Account>(unknown), "devices[0].type");
        let negative = r#"{"devices": [], "count": -1}"#;
        assert_eq!(failing_path::<Account>(negative), "count");
        assert_eq!(failing_path::<Account>(r#"{"devices": []}"#), ".");
        assert_eq!(
            failing_path::<Account>("[7, 2]"),
            "[0]",
            "a struct read from an array"
        );
        assert_eq!(failing_path::<Account>("42"), ".");
    }

    #[test]
    fn a_duplicate_or_unknown_key_is_named_not_the_one_before_it() {
        let twice = r#"{"devices": [{"id": "a", "type": "passkey", "id": "b"}], "count": 1}"#;
        assert_eq!(failing_path::<Account>(twice), "devices[0].id");
        let again = r#"{"devices": [], "count": 1, "devices": []}"#;
        assert_eq!(failing_path::<Account>(again), "devices");

        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Strict {
            count: u32,
        }
        assert_eq!(
            failing_path::<Strict>(r#"{"count": 1, "extra": 2}"#),
            "extra"
        );
    }

    #[test]
    fn the_path_reads_keys_with_escapes_across_lines() {
        let body = "{\n  \"dev\\\"ices\": 1,\n  \"devices\": [\n    {\"id\": \"a,b]}\", \"type\": 5}\n  ],\n  \"count\": 1\n}";
        assert_eq!(failing_path::<Account>(body), "devices[0].type");
    }

    #[test]
    fn the_path_never_panics_on_any_position() {
        let body = r#"{"a": [1, {"b": "c\"}"#;
        for line in 0..4 {
            for column in 0..body.len() + 3 {
                let _ = super::path_at(body, line, column);
            }
        }
        assert_eq!(super::path_at("", 1, 5), None);
    }

    #[test]
    fn a_body_that_is_not_json_is_refused_with_serdes_reason() {
        let refused = decode(Some("text/html"), "<html>Bad Gateway</html>").expect_err("HTML");
        assert_eq!(refused.content, "<html>Bad Gateway</html>");
        // At the top of the body: serde_json's message alone, with no path before it.
        assert_eq!(refused.reason, "expected value at line 1 column 1");
        assert_eq!(
            refused.to_string(),
            format!(
                "status code 200 OK (content type text/html): {}",
                refused.reason
            )
        );
    }

    #[test]
    fn a_missing_or_binary_content_type_is_said_so() {
        let refused = decode(None, "").expect_err("empty");
        assert_eq!(refused.content_type, None);
        assert!(
            refused
                .to_string()
                .starts_with("status code 200 OK (no content type): "),
            "{refused}"
        );
        let header = reqwest::header::HeaderValue::from_bytes(b"text/\xff")
            .expect("opaque bytes are a header");
        let refused =
            super::json::<Page>(StatusCode::OK, Some(&header), String::new()).expect_err("empty");
        assert_eq!(refused.content_type.as_deref(), Some("text/\u{fffd}"));
    }
}
