use std::error;
use std::fmt;

mod body;
mod decode;
mod path_segment;

pub use body::ResponseTooLarge;
pub use decode::UndecodableResponse;

#[derive(Debug, Clone)]
pub struct ResponseContent<T> {
    pub status: reqwest::StatusCode,
    pub content: String,
    pub entity: Option<T>,
    /// The response's headers, such as `Retry-After`.
    pub headers: reqwest::header::HeaderMap,
}

#[derive(Debug)]
pub enum Error<T> {
    Reqwest(reqwest::Error),
    Serde(serde_json::Error),
    Io(std::io::Error),
    ResponseError(ResponseContent<T>),
    ResponseTooLarge(ResponseTooLarge),
    UndecodableResponse(UndecodableResponse),
}

impl<T> fmt::Display for Error<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (module, e) = match self {
            Error::Reqwest(e) => ("reqwest", e.to_string()),
            Error::Serde(e) => ("serde", e.to_string()),
            Error::Io(e) => ("IO", e.to_string()),
            Error::ResponseError(e) => ("response", format!("status code {}", e.status)),
            Error::ResponseTooLarge(e) => ("response", e.to_string()),
            Error::UndecodableResponse(e) => ("response", e.to_string()),
        };
        write!(f, "error in {}: {}", module, e)
    }
}

impl<T: fmt::Debug> error::Error for Error<T> {
    fn source(&self) -> Option<&(dyn error::Error + 'static)> {
        Some(match self {
            Error::Reqwest(e) => e,
            Error::Serde(e) => e,
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

impl<T> From<serde_json::Error> for Error<T> {
    fn from(e: serde_json::Error) -> Self {
        Error::Serde(e)
    }
}

impl<T> From<std::io::Error> for Error<T> {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e)
    }
}

impl<T> From<body::ReadError> for Error<T> {
    fn from(e: body::ReadError) -> Self {
        match e {
            body::ReadError::Transport(e) => Error::Reqwest(e),
            body::ReadError::TooLarge(e) => Error::ResponseTooLarge(e),
        }
    }
}

/// Percent-encodes one path segment (RFC 3986): everything but `A-Z a-z 0-9 - . _ ~`.
pub fn urlencode<T: AsRef<str>>(s: T) -> String {
    path_segment::encode(s.as_ref())
}

pub mod apps_api;
pub mod authenticate_api;
pub mod transactions_api;
pub mod user_devices_api;
pub mod users_api;

pub mod configuration;
