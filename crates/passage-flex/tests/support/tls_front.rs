//! A local HTTPS front for the emulator (which serves plain HTTP only): a test CA made at run
//! time, a TLS listener on 127.0.0.1 offering `h2` and `http/1.1` by ALPN, or `http/1.1` only
//! (or no TLS at all), that forwards every request to the emulator and counts the connections
//! it accepts and the HTTP versions it is spoken to in. Shared by the TLS test and the
//! benchmark.

// Each user takes what it needs.
#![allow(dead_code)]

use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Uri, Version};
use hyper_util::client::legacy::Client as Upstream;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

/// A CA and a server certificate it signed, for `127.0.0.1` and `localhost`.
pub struct TestPki {
    /// The CA's certificate, PEM: what a client must trust.
    pub ca_pem: String,
    server_cert: CertificateDer<'static>,
    server_key: Vec<u8>,
}

impl TestPki {
    /// A fresh CA (ECDSA P-256) and server certificate; nothing is read from or kept on disk.
    pub fn generate() -> TestPki {
        let mut ca_params = CertificateParams::new(Vec::new()).expect("CA parameters");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "passage-flex test CA");
        let ca_key = KeyPair::generate().expect("a CA key");
        let ca = CertifiedIssuer::self_signed(ca_params, ca_key).expect("the CA certificate");
        let server_key = KeyPair::generate().expect("a server key");
        let server_params =
            CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
                .expect("server parameters");
        let server_cert = server_params
            .signed_by(&server_key, &ca)
            .expect("the server certificate");
        TestPki {
            ca_pem: ca.pem(),
            server_cert: server_cert.der().clone(),
            server_key: server_key.serialize_der(),
        }
    }

    /// Writes the CA certificate to `dir/ca.pem` and returns that path.
    pub fn write_ca(&self, dir: &Path) -> PathBuf {
        let path = dir.join("ca.pem");
        std::fs::write(&path, &self.ca_pem).expect("the CA file is written");
        path
    }

    /// Writes everything to `dir`, for [`TestPki::read`] in another process.
    pub fn write(&self, dir: &Path) {
        self.write_ca(dir);
        std::fs::write(dir.join("server.der"), &self.server_cert).expect("written");
        std::fs::write(dir.join("server.key"), &self.server_key).expect("written");
    }

    /// What [`TestPki::write`] wrote to `dir`.
    pub fn read(dir: &Path) -> TestPki {
        let read = |name: &str| std::fs::read(dir.join(name)).expect("the test PKI's files");
        TestPki {
            ca_pem: String::from_utf8(read("ca.pem")).expect("PEM"),
            server_cert: CertificateDer::from(read("server.der")),
            server_key: read("server.key"),
        }
    }

    /// The server side of TLS, on ring whatever the client uses, with these ALPN protocols.
    fn server_config(&self, alpn: Alpn) -> rustls::ServerConfig {
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.server_key.clone()));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_no_client_auth()
            .with_single_cert(vec![self.server_cert.clone()], key)
            .expect("the server certificate and key");
        config.alpn_protocols = match alpn {
            Alpn::H2AndHttp1 => vec![b"h2".to_vec(), b"http/1.1".to_vec()],
            Alpn::Http1Only => vec![b"http/1.1".to_vec()],
        };
        config
    }
}

/// What the front offers by ALPN.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alpn {
    H2AndHttp1,
    Http1Only,
}

/// What the front has seen.
#[derive(Default)]
pub struct Counts {
    connections: AtomicU64,
    h2_requests: AtomicU64,
    http1_requests: AtomicU64,
}

/// A running front; stops when the runtime it was started on does.
pub struct TlsFront {
    /// `https://127.0.0.1:{port}` (`http://` without TLS)
    pub base_url: String,
    counts: Arc<Counts>,
}

impl TlsFront {
    /// Listens on a free port of 127.0.0.1 with TLS and forwards to `upstream`
    /// (`http://host:port`).
    pub async fn start(pki: &TestPki, alpn: Alpn, upstream: &str) -> TlsFront {
        Self::start_with(Some((pki, alpn)), upstream).await
    }

    /// The same without TLS, when `tls` is `None` (HTTP/1.1, or HTTP/2 with prior knowledge).
    pub async fn start_with(tls: Option<(&TestPki, Alpn)>, upstream: &str) -> TlsFront {
        let acceptor = tls.map(|(pki, alpn)| TlsAcceptor::from(Arc::new(pki.server_config(alpn))));
        let scheme = if acceptor.is_some() { "https" } else { "http" };
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let address: SocketAddr = listener.local_addr().expect("a bound address");
        let counts = Arc::new(Counts::default());
        let upstream: Uri = upstream.parse().expect("an upstream URL");
        // No Nagle towards the emulator either: a request body that arrived over HTTP/2 goes on
        // chunked, in several writes.
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client: Upstream<HttpConnector, Incoming> =
            Upstream::builder(TokioExecutor::new()).build(connector);
        tokio::spawn(accept_loop(
            listener,
            acceptor,
            Arc::clone(&counts),
            upstream,
            client,
        ));
        TlsFront {
            base_url: format!("{scheme}://{address}"),
            counts,
        }
    }

    /// TCP connections accepted so far.
    pub fn connections(&self) -> u64 {
        self.counts.connections.load(Ordering::SeqCst)
    }

    /// Requests received over HTTP/2 so far.
    pub fn h2_requests(&self) -> u64 {
        self.counts.h2_requests.load(Ordering::SeqCst)
    }

    /// Requests received over HTTP/1.1 so far.
    pub fn http1_requests(&self) -> u64 {
        self.counts.http1_requests.load(Ordering::SeqCst)
    }
}

async fn accept_loop(
    listener: TcpListener,
    acceptor: Option<TlsAcceptor>,
    counts: Arc<Counts>,
    upstream: Uri,
    client: Upstream<HttpConnector, Incoming>,
) {
    loop {
        let Ok((tcp, _)) = listener.accept().await else {
            continue;
        };
        counts.connections.fetch_add(1, Ordering::SeqCst);
        // As servers in production do: without it, an HTTP/2 answer's HEADERS and DATA frames
        // wait on the client's delayed ACK.
        let _ = tcp.set_nodelay(true);
        let (acceptor, counts, upstream, client) = (
            acceptor.clone(),
            Arc::clone(&counts),
            upstream.clone(),
            client.clone(),
        );
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                forward(
                    request,
                    Arc::clone(&counts),
                    upstream.clone(),
                    client.clone(),
                )
            });
            let http = auto::Builder::new(TokioExecutor::new());
            let Some(acceptor) = acceptor else {
                let _ = http.serve_connection(TokioIo::new(tcp), service).await;
                return;
            };
            // A client that gives up on the handshake (an untrusted CA, say) is not an error
            // of the front's.
            let Ok(tls) = acceptor.accept(tcp).await else {
                return;
            };
            let _ = http.serve_connection(TokioIo::new(tls), service).await;
        });
    }
}

/// The request, counted by version, sent on to the emulator over HTTP/1.1.
async fn forward(
    mut request: Request<Incoming>,
    counts: Arc<Counts>,
    upstream: Uri,
    client: Upstream<HttpConnector, Incoming>,
) -> Result<hyper::Response<Incoming>, hyper_util::client::legacy::Error> {
    match request.version() {
        Version::HTTP_2 => counts.h2_requests.fetch_add(1, Ordering::SeqCst),
        _ => counts.http1_requests.fetch_add(1, Ordering::SeqCst),
    };
    let path = request
        .uri()
        .path_and_query()
        .map_or("/", |path| path.as_str());
    let mut parts = upstream.into_parts();
    parts.path_and_query = Some(path.parse().expect("the request's own path"));
    *request.uri_mut() = Uri::from_parts(parts).expect("an upstream URI");
    *request.version_mut() = Version::HTTP_11;
    client.request(request).await
}
