//! The page that runs the passkey ceremonies in the browser with Passage's official browser SDK
//! (`GET /app`), and the files it loads. The SDK and its two dependencies come from the npm
//! packages locked in this crate's `package-lock.json` (`npm ci` in the crate's folder); nothing
//! is fetched from a CDN.

use std::path::PathBuf;
use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

/// Where the page's browser SDK finds Passage, and where its files are.
#[derive(Debug, Clone)]
pub struct BrowserPage {
    /// The Passage app ID the SDK is created with.
    pub app_id: String,
    /// A base URL that replaces `https://auth.passage.id/v1` in the SDK's requests (the local
    /// emulator's `.../v1`); `None` leaves them going to Passage.
    pub passage_api: Option<String>,
    /// The `node_modules` folder `npm ci` filled (default: this crate's).
    pub node_modules: PathBuf,
}

impl BrowserPage {
    /// The page for `app_id`, its files in this crate's `node_modules`.
    pub fn new(app_id: impl Into<String>, passage_api: Option<String>) -> Self {
        BrowserPage {
            app_id: app_id.into(),
            passage_api,
            node_modules: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/node_modules")),
        }
    }
}

/// The files of the SDK the page loads: URL name -> path under `node_modules`. A fixed list,
/// so no request can name another file.
const SDK_FILES: [(&str, &str); 3] = [
    (
        "passage-flex.js",
        "@passageidentity/passage-flex-js/dist/index.js",
    ),
    (
        "webauthnutils.js",
        "@passageidentity/webauthnutils/dist/index.js",
    ),
    ("ua-parser.js", "ua-parser-js/src/ua-parser.js"),
];

pub(crate) fn routes(page: BrowserPage) -> Router {
    Router::new()
        .route("/app", get(Html(include_str!("../../web/app.html"))))
        .route("/config.json", get(config))
        .route(
            "/assets/app.js",
            get(|| async { javascript(include_str!("../../web/app.js")) }),
        )
        .route(
            "/assets/ua-parser-shim.js",
            get(|| async { javascript("export default globalThis.UAParser;\n") }),
        )
        .route("/assets/{file}", get(sdk_file))
        .with_state(Arc::new(page))
}

async fn config(State(page): State<Arc<BrowserPage>>) -> Json<serde_json::Value> {
    Json(json!({ "app_id": page.app_id, "passage_api": page.passage_api }))
}

async fn sdk_file(State(page): State<Arc<BrowserPage>>, Path(file): Path<String>) -> Response {
    let Some((_, relative)) = SDK_FILES.iter().find(|(name, _)| *name == file) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match tokio::fs::read_to_string(page.node_modules.join(relative)).await {
        Ok(source) => javascript(source),
        Err(err) => {
            tracing::error!(
                "cannot read {relative} under {}: {err}; run `npm ci` in crates/passage-flex-example-axum",
                page.node_modules.display()
            );
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "the browser SDK is not installed: run `npm ci` in crates/passage-flex-example-axum",
            )
                .into_response()
        }
    }
}

fn javascript(source: impl Into<String>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        source.into(),
    )
        .into_response()
}
