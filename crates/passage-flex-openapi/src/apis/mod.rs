use std::error;
use std::fmt;

#[derive(Debug, Clone)]
pub struct ResponseContent<T> {
    pub status: reqwest::StatusCode,
    pub content: String,
    pub entity: Option<T>,
    /// The response's headers, such as `Retry-After`.
    ///
    /// Added by `cargo xtask codegen`: the generator's own code drops them.
    pub headers: reqwest::header::HeaderMap,
}

/// A success (2xx) response whose body is not the documented JSON.
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
        tracked
            .err()
            .map_or_else(|| plain.to_string(), |err| err.to_string())
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

/// A response whose body exceeds [`configuration::Configuration::max_response_bytes`].
///
/// Added by `cargo xtask codegen`.
#[derive(Debug, Clone)]
pub struct ResponseTooLarge {
    /// The response's status.
    pub status: reqwest::StatusCode,
    /// The limit, in bytes.
    pub limit: usize,
}

#[derive(Debug)]
pub enum Error<T> {
    Reqwest(reqwest::Error),
    ReqwestMiddleware(reqwest_middleware::Error),
    Serde(serde_json::Error),
    SerdePathToError(serde_path_to_error::Error<serde_json::Error>),
    Io(std::io::Error),
    ResponseError(ResponseContent<T>),
    ResponseTooLarge(ResponseTooLarge),
    UndecodableResponse(UndecodableResponse),
}

impl<T> fmt::Display for Error<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (module, e) = match self {
            Error::Reqwest(e) => ("reqwest", e.to_string()),
            Error::ReqwestMiddleware(e) => ("reqwest-middleware", e.to_string()),
            Error::Serde(e) => ("serde", e.to_string()),
            Error::SerdePathToError(e) => (
                "serde",
                format!("{}: {}", e.path().to_string(), e.inner().to_string()),
            ),
            Error::Io(e) => ("IO", e.to_string()),
            Error::ResponseError(e) => ("response", format!("status code {}", e.status)),
            Error::ResponseTooLarge(e) => (
                "response",
                format!(
                    "status code {}: the body exceeds the {}-byte limit",
                    e.status, e.limit
                ),
            ),
            Error::UndecodableResponse(e) => (
                "response",
                match &e.content_type {
                    Some(content_type) => format!(
                        "status code {} (content type {content_type}): {}",
                        e.status, e.reason
                    ),
                    None => format!("status code {} (no content type): {}", e.status, e.reason),
                },
            ),
        };
        write!(f, "error in {}: {}", module, e)
    }
}

impl<T: fmt::Debug> error::Error for Error<T> {
    fn source(&self) -> Option<&(dyn error::Error + 'static)> {
        Some(match self {
            Error::Reqwest(e) => e,
            Error::ReqwestMiddleware(e) => e,
            Error::Serde(e) => e,
            Error::SerdePathToError(e) => e,
            Error::Io(e) => e,
            Error::ResponseError(_) => return None,
            Error::ResponseTooLarge(_) => return None,
            Error::UndecodableResponse(_) => return None,
        })
    }
}

impl<T> From<reqwest::Error> for Error<T> {
    fn from(e: reqwest::Error) -> Self {
        Error::Reqwest(e)
    }
}

impl<T> From<reqwest_middleware::Error> for Error<T> {
    fn from(e: reqwest_middleware::Error) -> Self {
        Error::ReqwestMiddleware(e)
    }
}

impl<T> From<serde_json::Error> for Error<T> {
    fn from(e: serde_json::Error) -> Self {
        Error::Serde(e)
    }
}

impl<T> From<serde_path_to_error::Error<serde_json::Error>> for Error<T> {
    fn from(e: serde_path_to_error::Error<serde_json::Error>) -> Self {
        Error::SerdePathToError(e)
    }
}

impl<T> From<std::io::Error> for Error<T> {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e)
    }
}

/// Percent-encodes one path segment (RFC 3986): everything but `A-Z a-z 0-9 - . _ ~`.
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
    .remove(b'~');

/// The body as text, refused past `limit` bytes: checked as UTF-8 once, decoded lossily only
/// if it is not UTF-8.
///
/// Added by `cargo xtask codegen`; the generated code used `Response::text`, which always runs
/// the lossy decoder, copies, and reads any length. Read chunk by chunk rather than with
/// `Response::bytes`, whose collecting buffers cost more than the one copy made here.
async fn body_text<T>(
    mut resp: reqwest::Response,
    limit: Option<usize>,
) -> Result<String, Error<T>> {
    let status = resp.status();
    let limit = limit.unwrap_or(usize::MAX);
    let too_large = || Error::ResponseTooLarge(ResponseTooLarge { status, limit });
    // A declared length over the limit is refused before reading a byte.
    if resp
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        // `bytes` never exceeds `limit`, so this cannot underflow.
        if chunk.len() > limit - bytes.len() {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(invalid) => String::from_utf8_lossy(invalid.as_bytes()).into_owned(),
    })
}

pub mod apps_api;
pub mod authenticate_api;
pub mod transactions_api;
pub mod user_devices_api;
pub mod users_api;

pub mod configuration;
