//! How a [`PassageFlex`] comes to be: [`PassageFlex::new`], [`PassageFlex::from_env`], and
//! [`PassageFlexBuilder`], which validates the settings.

use crate::cache::CacheConfig;
use crate::client::PassageFlex;
use crate::error::Error;
use crate::http_client::{self, HttpSettings};
use crate::retry::{Retry, RetryConfig};
use crate::state::{Core, Ready};
use crate::timeouts::Timeouts;
use std::fmt;
use std::time::Duration;
use url::{Host, Url};

/// The origin of Passage's API.
pub const DEFAULT_BASE_URL: &str = "https://api.passage.id";
/// How long a whole request may take, unless [`PassageFlexBuilder::timeout`] says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long connecting may take, unless [`PassageFlexBuilder::connect_timeout`] says otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest response body read, unless [`PassageFlexBuilder::max_response_bytes`] says
/// otherwise (4 MiB; a page of 100 users is far smaller). The low-level crate's own default.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize =
    passage_flex_openapi::apis::configuration::DEFAULT_MAX_RESPONSE_BYTES;

/// Settings for a [`PassageFlex`] client, from [`PassageFlex::builder`].
///
/// ```no_run
/// # fn run() -> Result<(), passage_flex::Error> {
/// use std::time::Duration;
///
/// let passage = passage_flex::PassageFlex::builder("your-app-id", "your-api-key")
///     .base_url("http://127.0.0.1:8080") // e.g. a local emulator; plain HTTP only on loopback
///     .timeout(Duration::from_secs(5))
///     .build()?;
/// # Ok(()) }
/// ```
#[must_use = "a builder does nothing until `build` is called"]
pub struct PassageFlexBuilder {
    app_id: String,
    api_key: String,
    base_url: String,
    timeout: Duration,
    connect_timeout: Duration,
    max_response_bytes: usize,
    retry: RetryConfig,
    user_id_cache: CacheConfig,
    http_client: Option<reqwest::Client>,
}

impl PassageFlex {
    /// A client for the app `app_id`, authenticated with its management API key, talking to
    /// `https://api.passage.id`, or to the origin in the environment variable
    /// `PASSAGE_API_URL` when it is set (such as a local emulator's `http://127.0.0.1:8080`, so
    /// that existing code runs against it unchanged).
    ///
    /// Never fails and never panics: if the credentials are empty or malformed, or
    /// `PASSAGE_API_URL` is not a usable origin, every call returns
    /// [`Error::InvalidConfiguration`]. Use [`PassageFlex::builder`] to get that error at
    /// start-up instead, or to change the origin, timeouts or HTTP client.
    pub fn new(app_id: impl Into<String>, api_key: impl Into<String>) -> Self {
        let mut builder = Self::builder(app_id, api_key);
        match std::env::var(BASE_URL_VARIABLE) {
            Ok(origin) => builder = builder.base_url(origin),
            Err(std::env::VarError::NotPresent) => {}
            Err(err) => {
                return unusable(&format!("environment variable {BASE_URL_VARIABLE}: {err}"));
            }
        }
        builder
            .build()
            .unwrap_or_else(|err| unusable(&err.to_string()))
    }

    /// A builder for a client with other settings; [`PassageFlexBuilder::build`] validates
    /// them. It ignores the environment.
    pub fn builder(app_id: impl Into<String>, api_key: impl Into<String>) -> PassageFlexBuilder {
        PassageFlexBuilder::new(app_id.into(), api_key.into())
    }

    /// A client from the environment: `PASSAGE_APP_ID`, `PASSAGE_API_KEY` and, optionally,
    /// `PASSAGE_API_URL` (an origin such as `http://127.0.0.1:8080`).
    pub fn from_env() -> Result<Self, Error> {
        let var = |name: &str| {
            std::env::var(name).map_err(|err| {
                Error::InvalidConfiguration(format!("environment variable {name}: {err}"))
            })
        };
        let mut builder = Self::builder(var("PASSAGE_APP_ID")?, var("PASSAGE_API_KEY")?);
        if std::env::var_os(BASE_URL_VARIABLE).is_some() {
            builder = builder.base_url(var(BASE_URL_VARIABLE)?);
        }
        builder.build()
    }
}

/// The environment variable [`PassageFlex::new`] and [`PassageFlex::from_env`] take the API's
/// origin from.
const BASE_URL_VARIABLE: &str = "PASSAGE_API_URL";

/// A client whose every call fails with [`Error::InvalidConfiguration`] for `reason`.
fn unusable(reason: &str) -> PassageFlex {
    PassageFlex::from(Core::unusable(reason))
}

impl PassageFlexBuilder {
    pub(crate) fn new(app_id: String, api_key: String) -> Self {
        PassageFlexBuilder {
            app_id,
            api_key,
            base_url: DEFAULT_BASE_URL.to_string(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            retry: RetryConfig::default(),
            user_id_cache: CacheConfig::default(),
            http_client: None,
        }
    }

    /// The API's origin (default [`DEFAULT_BASE_URL`]); requests go to
    /// `{origin}/v1/apps/{app_id}/...`. Must be `https://`, or `http://` on a loopback host
    /// (`localhost`, `127.0.0.0/8`, `[::1]`), so the API key never crosses a network in clear.
    pub fn base_url(mut self, origin: impl Into<String>) -> Self {
        self.base_url = origin.into();
        self
    }

    /// The most one attempt of a request may take, connecting and reading the body included
    /// (default [`DEFAULT_TIMEOUT`]). Applies to a client given with
    /// [`PassageFlexBuilder::http_client`] too. Exceeding it is [`Error::Timeout`], whose
    /// message names the limit.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The most connecting may take (default [`DEFAULT_CONNECT_TIMEOUT`]). Ignored when
    /// [`PassageFlexBuilder::http_client`] supplies the client: set it on that client.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The largest response body the client reads (default [`DEFAULT_MAX_RESPONSE_BYTES`]);
    /// a longer one fails with [`Error::ResponseTooLarge`] without being read to the end.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// When failed requests are repeated (default [`RetryConfig::new`]: up to 3 attempts of
    /// idempotent requests; never `verify_nonce` or the transaction creates).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// The external-ID cache (default [`CacheConfig::new`]; [`CacheConfig::disabled`] turns
    /// it off).
    pub fn user_id_cache(mut self, cache: CacheConfig) -> Self {
        self.user_id_cache = cache;
        self
    }

    /// Use this `reqwest::Client` (proxies, custom roots, a pool shared with the rest of the
    /// application). The SDK still adds its headers and request timeout to every request.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Validates the settings and builds the client.
    pub fn build(self) -> Result<PassageFlex, Error> {
        check_app_id(&self.app_id)?;
        check_api_key(&self.api_key)?;
        let base_path = api_base_path(&self.base_url)?;
        if self.timeout.is_zero() {
            return Err(invalid("the timeout must be longer than zero"));
        }
        if self.max_response_bytes == 0 {
            return Err(invalid("max_response_bytes must be at least 1"));
        }
        if let Some(problem) = self.retry.problem().or(self.user_id_cache.problem()) {
            return Err(invalid(problem));
        }
        let authorization = http_client::authorization(&self.api_key)
            .ok_or_else(|| invalid("the API key cannot be sent in a header"))?;
        let timeouts = Timeouts {
            request: self.timeout,
            connect: self.http_client.is_none().then_some(self.connect_timeout),
        };
        let settings = HttpSettings {
            base_path,
            authorization,
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
            max_response_bytes: self.max_response_bytes,
        };
        let configuration = http_client::configuration(self.http_client, settings)
            .map_err(|err| invalid(&format!("could not build the HTTP client: {err}")))?;
        Ok(PassageFlex::from(Core::new(Ready {
            app_id: self.app_id,
            configuration,
            user_ids: self.user_id_cache.build(),
            retry: Retry::new(&self.retry),
            timeouts,
        })))
    }
}

impl fmt::Debug for PassageFlexBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PassageFlexBuilder")
            .field("app_id", &self.app_id)
            .field("api_key", &"[REDACTED]")
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("retry", &self.retry)
            .field("user_id_cache", &self.user_id_cache)
            .field("http_client", &self.http_client.is_some())
            .finish()
    }
}

fn invalid(message: &str) -> Error {
    Error::InvalidConfiguration(message.to_string())
}

fn check_app_id(app_id: &str) -> Result<(), Error> {
    if app_id.is_empty() {
        return Err(invalid("the app ID is empty"));
    }
    if app_id == "."
        || app_id == ".."
        || app_id.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(invalid("the app ID is malformed"));
    }
    Ok(())
}

/// The key goes into an `Authorization` header; these messages never include it.
fn check_api_key(api_key: &str) -> Result<(), Error> {
    if api_key.is_empty() {
        return Err(invalid("the API key is empty"));
    }
    if !api_key.chars().all(|c| c.is_ascii_graphic()) {
        return Err(invalid(
            "the API key is malformed (whitespace or non-ASCII characters)",
        ));
    }
    Ok(())
}

/// `{origin}/v1`, after checking the origin is safe to send the API key to.
fn api_base_path(origin: &str) -> Result<String, Error> {
    let url = Url::parse(origin).map_err(|err| invalid(&format!("base URL {origin:?}: {err}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("the base URL must not contain credentials"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("the base URL must not have a query or fragment"));
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(url.host()) => {}
        "http" => {
            return Err(invalid(
                "plain http:// is only allowed to a loopback host; use https:// so the API key \
                 is not sent in clear text",
            ));
        }
        other => return Err(invalid(&format!("unsupported base URL scheme {other:?}"))),
    }
    Ok(format!("{}/v1", url.as_str().trim_end_matches('/')))
}

fn is_loopback(host: Option<Host<&str>>) -> bool {
    match host {
        Some(Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_appends_v1_to_the_origin() {
        assert_eq!(
            api_base_path("https://api.passage.id").unwrap(),
            "https://api.passage.id/v1"
        );
        assert_eq!(
            api_base_path("http://127.0.0.1:8080/").unwrap(),
            "http://127.0.0.1:8080/v1"
        );
        assert_eq!(
            api_base_path("http://[::1]:9/prefix").unwrap(),
            "http://[::1]:9/prefix/v1"
        );
        assert_eq!(
            api_base_path("http://LOCALHOST:1").unwrap(),
            "http://localhost:1/v1"
        );
    }

    #[test]
    fn plain_http_is_refused_off_loopback() {
        for origin in [
            "http://api.passage.id",
            "http://10.0.0.1",
            "http://localhost.evil.example",
            "http://127.0.0.1.nip.io",
        ] {
            let err = api_base_path(origin).unwrap_err();
            assert!(
                matches!(err, Error::InvalidConfiguration(_)),
                "{origin}: {err}"
            );
        }
    }

    #[test]
    fn odd_origins_are_refused() {
        for origin in [
            "",
            "api.passage.id",
            "ftp://api.passage.id",
            "https://user:pw@api.passage.id",
            "https://api.passage.id/?x=1",
            "https://api.passage.id/#x",
        ] {
            assert!(api_base_path(origin).is_err(), "{origin:?} was accepted");
        }
    }

    #[test]
    fn bad_credentials_are_refused_without_echoing_the_key() {
        assert!(check_app_id("").is_err());
        assert!(check_app_id("..").is_err());
        assert!(check_app_id("app id").is_err());
        assert!(check_app_id("app_123").is_ok());
        let secret = "sk live\n123";
        let err = check_api_key(secret).unwrap_err().to_string();
        assert!(!err.contains("sk live"), "{err}");
        assert!(check_api_key("").is_err());
        assert!(check_api_key("sk_live_123").is_ok());
    }
}
