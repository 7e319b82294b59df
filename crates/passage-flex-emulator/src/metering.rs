//! What every `/v1` request passes through before its handler: it is counted, and delayed by
//! the configured latency so that a client can be measured as if Passage were far away.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::Shared;

pub(crate) async fn meter_api_request(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    shared.api_requests.fetch_add(1, Ordering::Relaxed);
    if !shared.latency.is_zero() {
        tokio::time::sleep(shared.latency).await;
    }
    next.run(request).await
}
