//! What the clients and the server speak: plain HTTP/1.1, or TLS (the benchmark's own CA, the
//! crypto provider of the SDK's TLS feature for every client) with the server offering
//! HTTP/1.1 only, or HTTP/2 as well.

use crate::tls_front::Alpn;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Http,
    Tls,
    H2,
}

pub const MODES: [Mode; 3] = [Mode::Http, Mode::Tls, Mode::H2];

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Http => "http",
            Mode::Tls => "tls",
            Mode::H2 => "h2",
        }
    }

    pub fn from_name(name: &str) -> Option<Mode> {
        MODES.into_iter().find(|mode| mode.name() == name)
    }

    /// What the table's heading says.
    pub fn title(self) -> &'static str {
        match self {
            Mode::Http => "plain HTTP/1.1",
            Mode::Tls => "TLS, server offering HTTP/1.1 only",
            Mode::H2 => "TLS, server offering h2 and HTTP/1.1 (ALPN)",
        }
    }

    /// What the front offers by ALPN; `None` for plain HTTP.
    pub fn tls(self) -> Option<Alpn> {
        match self {
            Mode::Http => None,
            Mode::Tls => Some(Alpn::Http1Only),
            Mode::H2 => Some(Alpn::H2AndHttp1),
        }
    }
}

/// The modes `--mode=NAME` (repeatable) picks; all of them without it.
pub fn chosen_modes() -> Vec<Mode> {
    let picked: Vec<Mode> = std::env::args()
        .filter_map(|arg| arg.strip_prefix("--mode=").and_then(Mode::from_name))
        .collect();
    if picked.is_empty() {
        MODES.to_vec()
    } else {
        picked
    }
}

/// Installs the crypto provider of the SDK's TLS feature as the process's default, before any
/// client is built: the floors' `reqwest::Client::new()` then uses it (reqwest is built with
/// `rustls-no-provider`), and so does the SDK's own client, which prefers an installed default.
/// With `native-tls`, every client uses OpenSSL.
pub fn install_crypto_provider() {
    #[cfg(all(not(feature = "native-tls"), feature = "rustls-aws-lc"))]
    let provider = Some(rustls::crypto::aws_lc_rs::default_provider());
    #[cfg(all(
        not(feature = "native-tls"),
        not(feature = "rustls-aws-lc"),
        feature = "rustls"
    ))]
    let provider = Some(rustls::crypto::ring::default_provider());
    #[cfg(any(
        feature = "native-tls",
        not(any(feature = "rustls", feature = "rustls-aws-lc"))
    ))]
    let provider: Option<rustls::crypto::CryptoProvider> = None;
    if let Some(provider) = provider {
        provider
            .install_default()
            .expect("no provider was installed before");
    }
}

/// Which TLS stack the clients use, for the report.
pub fn tls_stack() -> &'static str {
    if cfg!(feature = "native-tls") {
        "native-tls (OpenSSL)"
    } else if cfg!(feature = "rustls-aws-lc") {
        "rustls 0.23 on aws-lc-rs"
    } else {
        "rustls 0.23 on ring"
    }
}
