//! The response body cap: a broken or hostile server cannot make the SDK buffer without end.

use http_body_util::{BodyExt, LengthLimitError, Limited};
use reqwest::{Response, ResponseBuilderExt};

/// Reads `response`'s body whole, refusing one longer than `max_bytes`, and returns a response
/// that holds it in memory. The generated code reads bodies whole anyway; doing it here bounds
/// that read.
pub(crate) async fn read_capped(
    response: Response,
    max_bytes: usize,
) -> reqwest_middleware::Result<Response> {
    let status = response.status().as_u16();
    let too_large = || {
        reqwest_middleware::Error::middleware(BodyTooLarge {
            status,
            limit: max_bytes,
        })
    };
    // A declared length over the cap is refused before reading a byte.
    if response
        .content_length()
        .is_some_and(|length| length > max_bytes as u64)
    {
        return Err(too_large());
    }
    let url = response.url().clone();
    let (mut parts, body) = http::Response::<reqwest::Body>::from(response).into_parts();
    let body = match Limited::new(body, max_bytes).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(err) if err.is::<LengthLimitError>() => return Err(too_large()),
        Err(err) => {
            return Err(match err.downcast::<reqwest::Error>() {
                Ok(err) => reqwest_middleware::Error::Reqwest(*err),
                // reqwest's body fails only with reqwest errors; anything else is kept.
                Err(other) => reqwest_middleware::Error::middleware(std::io::Error::other(other)),
            });
        }
    };
    // The rebuilt response keeps its URL; without one reqwest would parse a placeholder URL
    // (with IDNA processing) for every response.
    let (with_url, ()) = http::Response::builder()
        .url(url)
        .body(())
        .map_err(reqwest_middleware::Error::middleware)?
        .into_parts();
    parts.extensions.extend(with_url.extensions);
    Ok(Response::from(http::Response::from_parts(parts, body)))
}

/// A body over the cap; becomes [`crate::Error::ResponseTooLarge`].
#[derive(Debug, thiserror::Error)]
#[error("the response body (status {status}) exceeds the {limit}-byte limit")]
pub(crate) struct BodyTooLarge {
    pub(crate) status: u16,
    pub(crate) limit: usize,
}
