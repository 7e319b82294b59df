//! Fake: the emulator behind a local HTTPS front (a CA made for the run).
//!
//! The SDK's own client over TLS with the backend this build's features select (`rustls`,
//! `rustls-aws-lc` or `native-tls`; run once per feature, see `.ci/run`), against the emulator
//! behind a local HTTPS front whose CA is made at run time and trusted through
//! `SSL_CERT_FILE`, which both the platform verifier (rustls) and OpenSSL read.
#![cfg(any(feature = "rustls", feature = "rustls-aws-lc", feature = "native-tls"))]

#[path = "support/tls_front.rs"]
mod tls_front;

use futures::future::join_all;
use passage_flex::{Error, PassageFlex};
use passage_flex_emulator::Emulator;
use std::sync::OnceLock;
use tls_front::{Alpn, TestPki, TlsFront};

/// The one CA this process trusts, made and trusted before any client is built.
fn trusted_pki() -> &'static TestPki {
    static PKI: OnceLock<TestPki> = OnceLock::new();
    PKI.get_or_init(|| {
        let pki = TestPki::generate();
        let dir = std::env::temp_dir().join(format!("passage-flex-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let ca_file = pki.write_ca(&dir);
        // SAFETY: every test calls this before it starts anything, and the other tests' threads
        // wait on this `OnceLock` meanwhile, so no thread reads the environment while it changes.
        #[allow(unsafe_code)]
        unsafe {
            std::env::set_var("SSL_CERT_FILE", &ca_file)
        };
        pki
    })
}

/// The emulator, a front for it offering `alpn`, and an SDK client pointed at the front.
async fn set_up(alpn: Alpn) -> (Emulator, TlsFront, PassageFlex) {
    let pki = trusted_pki();
    let emulator = Emulator::start().await.expect("the emulator starts");
    let front = TlsFront::start(pki, alpn, &emulator.base_url()).await;
    let passage = PassageFlex::builder(emulator.app_id(), emulator.api_key())
        .base_url(&front.base_url)
        .build()
        .expect("the client builds");
    (emulator, front, passage)
}

fn backend() -> &'static str {
    if cfg!(feature = "native-tls") {
        "native-tls"
    } else if cfg!(feature = "rustls-aws-lc") {
        "rustls-aws-lc"
    } else {
        "rustls"
    }
}

#[tokio::test]
async fn a_call_over_tls_with_this_backend_speaks_h2_when_offered() {
    let (emulator, front, passage) = set_up(Alpn::H2AndHttp1).await;
    let app = passage.get_app().await.expect("get_app over TLS");
    assert_eq!(app.id, emulator.app_id(), "{}", backend());
    assert_eq!(
        (front.h2_requests(), front.http1_requests()),
        (1, 0),
        "{}: one request, over HTTP/2",
        backend()
    );
}

#[tokio::test]
async fn http1_when_the_server_offers_only_http1() {
    let (emulator, front, passage) = set_up(Alpn::Http1Only).await;
    let app = passage.get_app().await.expect("get_app over TLS");
    assert_eq!(app.id, emulator.app_id());
    assert_eq!(
        (front.h2_requests(), front.http1_requests()),
        (0, 1),
        "{}: one request, over HTTP/1.1",
        backend()
    );
}

/// 32 calls at once, four times over, after a first call: all of them on the first call's
/// HTTP/2 connection. Over HTTP/1.1 each concurrent call needs a connection of its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_two_concurrent_calls_share_one_h2_connection() {
    let (_emulator, front, passage) = set_up(Alpn::H2AndHttp1).await;
    passage.get_app().await.expect("the first call");
    for _ in 0..4 {
        let burst = (0..32).map(|_| {
            let passage = passage.clone();
            tokio::spawn(async move { passage.get_app().await })
        });
        for call in join_all(burst).await {
            call.expect("the task ran").expect("get_app over h2");
        }
    }
    assert_eq!(front.h2_requests(), 1 + 4 * 32);
    assert_eq!(
        front.connections(),
        1,
        "{}: every call on one connection",
        backend()
    );

    let (_emulator, front, passage) = set_up(Alpn::Http1Only).await;
    passage.get_app().await.expect("the first call");
    let burst = (0..32).map(|_| {
        let passage = passage.clone();
        tokio::spawn(async move { passage.get_app().await })
    });
    for call in join_all(burst).await {
        call.expect("the task ran").expect("get_app over HTTP/1.1");
    }
    assert!(
        front.connections() > 1,
        "{}: HTTP/1.1 cannot share a connection between concurrent calls",
        backend()
    );
}

#[tokio::test]
async fn a_certificate_from_an_unknown_ca_is_a_tls_error() {
    trusted_pki();
    let emulator = Emulator::start().await.expect("the emulator starts");
    let stranger = TestPki::generate();
    let front = TlsFront::start(&stranger, Alpn::H2AndHttp1, &emulator.base_url()).await;
    let passage = PassageFlex::builder(emulator.app_id(), emulator.api_key())
        .base_url(&front.base_url)
        .build()
        .expect("the client builds");
    let err = passage.get_app().await.expect_err("an untrusted server");
    assert!(matches!(err, Error::Tls(_)), "{}: {err:?}", backend());
    assert_eq!(front.h2_requests() + front.http1_requests(), 0);
}
