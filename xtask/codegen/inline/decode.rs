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
/// Decoded by plain serde_json; the path-tracking decoder, which costs about twice as much, runs
/// only on a body that failed, to name the failing field.
pub(crate) fn json<D: serde::de::DeserializeOwned>(
    status: reqwest::StatusCode,
    content_type: Option<&reqwest::header::HeaderValue>,
    content: String,
) -> Result<D, UndecodableResponse> {
    let plain = match serde_json::from_str(&content) {
        Ok(decoded) => return Ok(decoded),
        Err(plain) => plain,
    };
    let tracked =
        serde_path_to_error::deserialize::<_, D>(&mut serde_json::Deserializer::from_str(&content));
    let reason = match tracked {
        Err(tracked) => tracked.to_string(),
        Ok(_) => plain.to_string(),
    };
    Err(UndecodableResponse {
        status,
        content_type: content_type
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned()),
        content,
        reason,
    })
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

    #[test]
    fn a_body_that_is_not_json_is_refused_with_serdes_reason() {
        let refused = decode(Some("text/html"), "<html>Bad Gateway</html>").expect_err("HTML");
        assert_eq!(refused.content, "<html>Bad Gateway</html>");
        assert!(
            refused.reason.contains("expected value"),
            "{}",
            refused.reason
        );
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
