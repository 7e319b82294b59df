//! `passage-flex-emulator`: the emulator as a program, beside a backend in development and for
//! tools such as schemathesis. Logs one line per request; stops cleanly on Ctrl-C.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use passage_flex_emulator::{
    DEFAULT_API_KEY, DEFAULT_APP_ID, DEFAULT_APP_NAME, DEFAULT_AUTH_ORIGIN, DEFAULT_PORT, Emulator,
};

/// What `--help` shows after the options.
const AFTER_HELP: &str = "\
Point at it:
  backend (passage-flex):  PASSAGE_APP_ID=emulator_app PASSAGE_API_KEY=emulator_api_key \\
                           PASSAGE_API_URL=http://127.0.0.1:8787
  browser SDK:             rewrite https://auth.passage.id/v1 to http://127.0.0.1:8787/v1 in the
                           page's fetch (the SDK has no base-URL option)
  console:                 http://127.0.0.1:8787/emulator/

Examples:
  passage-flex-emulator --state-file .passage-emulator.json
  passage-flex-emulator --auth-origin https://www.example.com --rp-id example.com
  passage-flex-emulator --auth-origin https://example.com \\
      --android-origin android:apk-key-hash:<base64url SHA-256 of the signing certificate>

Every option can also come from the environment variable named beside it.
The crate's README says more: mobile apps, the console, the state file.";

/// A local stand-in for the Passage Passkey Flex API: the management API a backend calls and
/// the WebAuthn ceremonies Passage's browser, iOS and Android SDKs run, for one app.
///
/// Users and passkeys live in memory unless --state-file is given. The console at
/// /emulator/ shows settings, users, passkeys, open transactions and recent requests.
#[derive(Debug, Parser)]
#[command(version, after_help = AFTER_HELP)]
struct Args {
    /// The port to listen on.
    #[arg(long, env = "PASSAGE_EMULATOR_PORT", default_value_t = DEFAULT_PORT)]
    port: u16,
    /// The address to listen on. Anything but loopback exposes the emulator to the network.
    #[arg(long, env = "PASSAGE_EMULATOR_HOST", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    host: IpAddr,
    /// The app ID to serve.
    #[arg(long, env = "PASSAGE_EMULATOR_APP_ID", default_value = DEFAULT_APP_ID)]
    app_id: String,
    /// The API key to accept as the bearer token.
    #[arg(long, env = "PASSAGE_EMULATOR_API_KEY", default_value = DEFAULT_API_KEY)]
    api_key: String,
    /// The app's name.
    #[arg(long, env = "PASSAGE_EMULATOR_APP_NAME", default_value = DEFAULT_APP_NAME)]
    app_name: String,
    /// The origin of the web app's pages, where the browser ceremonies run (CORS allows it);
    /// its host is the RP ID unless --rp-id says otherwise.
    #[arg(long, env = "PASSAGE_EMULATOR_AUTH_ORIGIN", default_value = DEFAULT_AUTH_ORIGIN)]
    auth_origin: String,
    /// Another origin the browser ceremonies may run on; repeat for more.
    #[arg(
        long,
        env = "PASSAGE_EMULATOR_ADDITIONAL_AUTH_ORIGINS",
        value_delimiter = ','
    )]
    additional_auth_origin: Vec<String>,
    /// The WebAuthn RP ID, if not the auth origin's host: an iOS app's associated domain, such
    /// as example.com for the auth origin https://www.example.com. The iOS origin
    /// https://<rp id> is then accepted too.
    #[arg(long, env = "PASSAGE_EMULATOR_RP_ID", value_name = "DOMAIN")]
    rp_id: Option<String>,
    /// An Android app's origin, android:apk-key-hash:<unpadded base64url SHA-256 of its signing
    /// certificate>, accepted exactly; repeat for more.
    #[arg(
        long,
        env = "PASSAGE_EMULATOR_ANDROID_ORIGINS",
        value_delimiter = ',',
        value_name = "ORIGIN"
    )]
    android_origin: Vec<String>,
    /// Keep users and passkeys in this JSON file across restarts (created if missing, rewritten
    /// atomically after every change). Without it, everything is gone when the emulator stops.
    #[arg(long, env = "PASSAGE_EMULATOR_STATE_FILE", value_name = "PATH")]
    state_file: Option<PathBuf>,
    /// Milliseconds to wait before every management API answer, to act like a distant server.
    #[arg(long, env = "PASSAGE_EMULATOR_LATENCY_MS", default_value_t = 0)]
    latency_ms: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .init();
    let args = Args::parse();
    let mut builder = Emulator::builder();
    for origin in args.additional_auth_origin {
        builder = builder.additional_auth_origin(origin);
    }
    for origin in args.android_origin {
        builder = builder.android_origin(origin);
    }
    if let Some(rp_id) = args.rp_id {
        builder = builder.rp_id(rp_id);
    }
    if let Some(path) = args.state_file {
        builder = builder.state_file(path);
    }
    let emulator = match builder
        .address(SocketAddr::new(args.host, args.port))
        .app_id(args.app_id)
        .api_key(args.api_key)
        .app_name(args.app_name)
        .auth_origin(args.auth_origin)
        .latency(std::time::Duration::from_millis(args.latency_ms))
        .start()
        .await
    {
        Ok(emulator) => emulator,
        Err(err) => {
            eprintln!("passage-flex-emulator: cannot start: {err}");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(
        "Passage Flex emulator on {} (API under /v1), app ID {}; press Ctrl-C to stop",
        emulator.base_url(),
        emulator.app_id()
    );
    tracing::info!("console: {}", emulator.console_url());
    match emulator.state_file() {
        Some(path) => tracing::info!("users and passkeys are kept in {}", path.display()),
        None => tracing::info!("users and passkeys live in memory (--state-file keeps them)"),
    }
    if let Err(err) = tokio::signal::ctrl_c().await {
        eprintln!("passage-flex-emulator: cannot wait for Ctrl-C: {err}");
    }
    tracing::info!("stopping");
    emulator.shutdown().await;
    ExitCode::SUCCESS
}
