//! What every `/v1` request passes through before its handler: it is counted, delayed by the
//! configured latency so that a client can be measured as if Passage were far away, and, once
//! answered, recorded for the console.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use axum::extract::{OriginalUri, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::recent_requests::RecordedRequest;
use crate::shared::Shared;

pub(crate) async fn meter_api_request(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    shared.api_requests.fetch_add(1, Ordering::Relaxed);
    let started = Instant::now();
    let at = chrono::Utc::now();
    let method = request.method().to_string();
    // The nested router sees the path without `/v1`; the console shows the one the client sent.
    let path = match request.extensions().get::<OriginalUri>() {
        Some(OriginalUri(uri)) => uri.path().to_owned(),
        None => request.uri().path().to_owned(),
    };
    if !shared.latency.is_zero() {
        tokio::time::sleep(shared.latency).await;
    }
    let response = next.run(request).await;
    shared.recent_requests.record(RecordedRequest {
        at,
        method,
        path,
        status: response.status().as_u16(),
        duration: started.elapsed(),
    });
    response
}
