//! The TLS of the SDK's own client, chosen by the crate's features: rustls on ring
//! (`rustls`, the default) or on aws-lc-rs (`rustls-aws-lc`), or the platform's TLS
//! (`native-tls`). Every backend offers `h2` and `http/1.1` by ALPN.
//!
//! reqwest is built with `rustls-no-provider`, so its own rustls set-up would find no crypto
//! provider (and panic) unless the application installed one: the rustls client configuration
//! is therefore built here, with its provider, and handed to reqwest ready-made.

use reqwest::ClientBuilder;

/// Why the TLS configuration could not be built (no trusted roots on the machine, say).
pub(crate) type SetupError = Box<dyn std::error::Error + Send + Sync>;

/// `builder` with the TLS backend the features select; with several on, `native-tls` wins over
/// `rustls-aws-lc`, which wins over `rustls` (the default stays on when another is added
/// without `default-features = false`). With none, the client speaks plain HTTP only.
pub(crate) fn configure(builder: ClientBuilder) -> Result<ClientBuilder, SetupError> {
    // reqwest's `native-tls` feature offers ALPN `h2, http/1.1` itself.
    #[cfg(feature = "native-tls")]
    let builder = builder.tls_backend_native();
    #[cfg(all(
        not(feature = "native-tls"),
        any(feature = "rustls", feature = "rustls-aws-lc")
    ))]
    let builder = builder.tls_backend_preconfigured(rustls::config()?);
    Ok(builder)
}

#[cfg(all(
    not(feature = "native-tls"),
    any(feature = "rustls", feature = "rustls-aws-lc")
))]
mod rustls {
    use super::SetupError;
    use ::rustls::ClientConfig;
    use ::rustls::crypto::CryptoProvider;
    use std::sync::Arc;

    /// The process's default crypto provider if the application installed one, otherwise the
    /// feature's; the platform's verifier and trust store, as reqwest's own rustls client has;
    /// ALPN `h2` then `http/1.1`.
    pub(super) fn config() -> Result<ClientConfig, SetupError> {
        let provider = CryptoProvider::get_default()
            .cloned()
            .unwrap_or_else(|| Arc::new(feature_provider()));
        let verifier = rustls_platform_verifier::Verifier::new(Arc::clone(&provider))?;
        let mut config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(config)
    }

    #[cfg(feature = "rustls-aws-lc")]
    fn feature_provider() -> CryptoProvider {
        ::rustls::crypto::aws_lc_rs::default_provider()
    }

    #[cfg(not(feature = "rustls-aws-lc"))]
    fn feature_provider() -> CryptoProvider {
        ::rustls::crypto::ring::default_provider()
    }
}
