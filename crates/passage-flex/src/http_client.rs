//! The `reqwest::Client` under the generated code, and what every request it sends carries:
//! `Passage-Version`, `User-Agent`, the API key, and the request timeout.
//!
//! The SDK's own client has all of it built in. A client the user supplies (proxies, custom
//! roots, a shared pool) cannot be changed, so a small middleware adds the same to each of its
//! requests. Nothing else sits in the request path: retries are the facade's (`retry`), the
//! body cap the generated code's (`Configuration::max_response_bytes`).

mod tls;

use futures::future::BoxFuture;
use http::Extensions;
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Request, Response};
use reqwest_middleware::{ClientWithMiddleware, Middleware, Next};
use std::time::Duration;

/// The SDK's name and version, as the official SDKs send them in `Passage-Version`.
pub(crate) const PASSAGE_VERSION: &str = concat!("passage-flex-rust ", env!("CARGO_PKG_VERSION"));
/// The `User-Agent` of every request.
pub(crate) const USER_AGENT: &str = concat!("passage-flex-rust/", env!("CARGO_PKG_VERSION"));

/// What the builder decided for the HTTP client.
pub(crate) struct HttpSettings {
    /// `Bearer {api_key}`, marked sensitive.
    pub(crate) authorization: HeaderValue,
    /// The most one attempt may take, the body included.
    pub(crate) timeout: Duration,
    /// For the SDK's own client only.
    pub(crate) connect_timeout: Duration,
}

/// `Bearer {api_key}`, marked sensitive so that no `Debug` output shows it.
pub(crate) fn authorization(api_key: &str) -> Option<HeaderValue> {
    let mut value = HeaderValue::from_str(&format!("Bearer {api_key}")).ok()?;
    value.set_sensitive(true);
    Some(value)
}

/// The client for the generated code: the SDK's own, or `supplied` with the SDK's headers and
/// timeout added to each request.
pub(crate) fn build(
    supplied: Option<reqwest::Client>,
    settings: HttpSettings,
) -> Result<ClientWithMiddleware, tls::SetupError> {
    let headers = sdk_headers(settings.authorization);
    let client = match supplied {
        None => {
            let own = reqwest::Client::builder()
                .default_headers(headers)
                .connect_timeout(settings.connect_timeout)
                .timeout(settings.timeout);
            reqwest_middleware::ClientBuilder::new(tls::configure(own)?.build()?)
        }
        Some(supplied) => reqwest_middleware::ClientBuilder::new(supplied).with(SdkDefaults {
            headers,
            timeout: settings.timeout,
        }),
    };
    Ok(client.build())
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

/// The SDK's headers and timeout, for a client the user supplied.
struct SdkDefaults {
    headers: HeaderMap,
    timeout: Duration,
}

impl SdkDefaults {
    /// A header or timeout the request already has is left as it is, as reqwest does with a
    /// client's default headers.
    fn prepare(&self, req: &mut Request) {
        for (name, value) in &self.headers {
            req.headers_mut()
                .entry(name)
                .or_insert_with(|| value.clone());
        }
        req.timeout_mut().get_or_insert(self.timeout);
    }
}

// Written out rather than with `#[async_trait]`: nothing is awaited here, so the request goes
// on in `Next::run`'s own boxed future instead of in a second one.
impl Middleware for SdkDefaults {
    fn handle<'life0, 'life1, 'life2, 'async_trait>(
        &'life0 self,
        mut req: Request,
        extensions: &'life1 mut Extensions,
        next: Next<'life2>,
    ) -> BoxFuture<'async_trait, reqwest_middleware::Result<Response>>
    where
        'life0: 'async_trait,
        'life1: 'async_trait,
        'life2: 'async_trait,
        Self: 'async_trait,
    {
        self.prepare(&mut req);
        next.run(req, extensions)
    }
}
