//! Runs the example backend on http://localhost:3000 (or `PORT`).
//!
//! With `PASSAGE_APP_ID` and `PASSAGE_API_KEY` set it talks to that Passage app; without them it
//! starts the local emulator in-process, so it runs with no account and no network.

use std::net::{Ipv4Addr, SocketAddr};

use passage_flex::PassageFlex;
use passage_flex_emulator::Emulator;
use passage_flex_example_axum::{BrowserPage, router_with_page};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let port: u16 = match std::env::var("PORT") {
        Ok(port) => port
            .parse()
            .map_err(|_| format!("PORT={port:?} is not a port number"))?,
        Err(_) => 3000,
    };

    let configured = std::env::var_os("PASSAGE_APP_ID").is_some()
        && std::env::var_os("PASSAGE_API_KEY").is_some();
    // Kept alive for as long as the backend runs.
    let mut emulator = None;
    let (passage, page) = if configured {
        let passage = PassageFlex::from_env()?;
        let page = BrowserPage::new(passage.app_id()?, None);
        (passage, page)
    } else {
        let started = Emulator::builder()
            .auth_origin(format!("http://localhost:{port}"))
            .start()
            .await?;
        tracing::info!(
            "no PASSAGE_APP_ID/PASSAGE_API_KEY: using a local emulator at {} (app {})",
            started.base_url(),
            started.app_id()
        );
        let passage = PassageFlex::builder(started.app_id(), started.api_key())
            .base_url(started.base_url())
            .build()?;
        // The page's browser SDK runs its ceremonies against the emulator too.
        let page = BrowserPage::new(started.app_id(), Some(format!("{}/v1", started.base_url())));
        emulator = Some(started);
        (passage, page)
    };

    let listener =
        tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await?;
    tracing::info!(
        "example backend on http://localhost:{port}; the passkey page is http://localhost:{port}/app; Ctrl-C stops it"
    );
    axum::serve(listener, router_with_page(passage, page))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    if let Some(emulator) = emulator {
        emulator.shutdown().await;
    }
    Ok(())
}
