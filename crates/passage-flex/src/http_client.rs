//! The low-level crate's `Configuration` a client runs on: the `reqwest::Client` under the
//! generated code, and what every request it sends carries: `Passage-Version`, `User-Agent`,
//! the API key, and the request timeout.
//!
//! The SDK's own client has all of it built in. A client the user supplies (proxies, custom
//! roots, a shared pool) cannot be changed, so the configuration asks the generated code to add
//! the same to each of its requests (`Configuration::default_headers` and `timeout`). Nothing
//! else sits in the request path: retries are the facade's (`retry`), the body cap the
//! generated code's (`Configuration::max_response_bytes`).

mod tls;

use passage_flex_openapi::apis::configuration::Configuration;
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use std::time::Duration;

/// The SDK's name and version, as the official SDKs send them in `Passage-Version`.
pub(crate) const PASSAGE_VERSION: &str = concat!("passage-flex-rust ", env!("CARGO_PKG_VERSION"));
/// The `User-Agent` of every request.
pub(crate) const USER_AGENT: &str = concat!("passage-flex-rust/", env!("CARGO_PKG_VERSION"));

/// What the builder decided for the HTTP client.
pub(crate) struct HttpSettings {
    /// The API's `/v1` URL.
    pub(crate) base_path: String,
    /// `Bearer {api_key}`, marked sensitive.
    pub(crate) authorization: HeaderValue,
    /// The most one attempt may take, the body included.
    pub(crate) timeout: Duration,
    /// For the SDK's own client only.
    pub(crate) connect_timeout: Duration,
    /// The generated code's body cap.
    pub(crate) max_response_bytes: usize,
}

/// `Bearer {api_key}`, marked sensitive so that no `Debug` output shows it.
pub(crate) fn authorization(api_key: &str) -> Option<HeaderValue> {
    let mut value = HeaderValue::from_str(&format!("Bearer {api_key}")).ok()?;
    value.set_sensitive(true);
    Some(value)
}

/// The configuration for the generated code, on the SDK's own client or on `supplied`.
pub(crate) fn configuration(
    supplied: Option<reqwest::Client>,
    settings: HttpSettings,
) -> Result<Configuration, tls::SetupError> {
    let headers = sdk_headers(settings.authorization);
    // The SDK's own client carries the headers and timeout itself, built once; the
    // configuration adds them to each request of a supplied one.
    let (client, default_headers, timeout) = match supplied {
        None => {
            let own = reqwest::Client::builder()
                .default_headers(headers)
                .connect_timeout(settings.connect_timeout)
                .timeout(settings.timeout);
            (tls::configure(own)?.build()?, HeaderMap::new(), None)
        }
        Some(supplied) => (supplied, headers, Some(settings.timeout)),
    };
    // Every field spelled out: `Configuration::default()` builds a reqwest client of its own,
    // which can panic when no TLS backend initialises. The user agent and the API key travel
    // in the headers above, built once, not in the fields the generated code formats per
    // request.
    Ok(Configuration {
        base_path: settings.base_path,
        user_agent: None,
        client,
        basic_auth: None,
        oauth_access_token: None,
        bearer_access_token: None,
        api_key: None,
        max_response_bytes: Some(settings.max_response_bytes),
        default_headers,
        timeout,
    })
}

fn sdk_headers(authorization: HeaderValue) -> HeaderMap {
    let mut headers = HeaderMap::with_capacity(3);
    headers.insert(
        HeaderName::from_static("passage-version"),
        HeaderValue::from_static(PASSAGE_VERSION),
    );
    headers.insert(header::USER_AGENT, HeaderValue::from_static(USER_AGENT));
    headers.insert(header::AUTHORIZATION, authorization);
    headers
}
