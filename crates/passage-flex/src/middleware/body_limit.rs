//! The response body cap: a broken or hostile server cannot make the SDK buffer without end.

use http::Extensions;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use reqwest::{Request, Response};
use reqwest_middleware::{Middleware, Next};

/// Reads every response body whole, refusing one longer than `max_bytes`, and hands on a
/// response that holds it in memory. The generated code reads bodies whole anyway; doing it
/// here bounds that read and lets the retry layer see a connection that drops mid-body.
pub(crate) struct BodyLimit {
    pub(crate) max_bytes: usize,
}

#[async_trait::async_trait]
impl Middleware for BodyLimit {
    async fn handle(
        &self,
        req: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        let response = next.run(req, extensions).await?;
        let status = response.status().as_u16();
        let too_large = || {
            reqwest_middleware::Error::middleware(BodyTooLarge {
                status,
                limit: self.max_bytes,
            })
        };
        // A declared length over the cap is refused before reading a byte.
        if response
            .content_length()
            .is_some_and(|length| length > self.max_bytes as u64)
        {
            return Err(too_large());
        }
        let (parts, body) = http::Response::<reqwest::Body>::from(response).into_parts();
        let body = match Limited::new(body, self.max_bytes).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(err) if err.is::<LengthLimitError>() => return Err(too_large()),
            Err(err) => {
                return Err(match err.downcast::<reqwest::Error>() {
                    Ok(err) => reqwest_middleware::Error::Reqwest(*err),
                    // reqwest's body fails only with reqwest errors; anything else is kept.
                    Err(other) => {
                        reqwest_middleware::Error::middleware(std::io::Error::other(other))
                    }
                });
            }
        };
        Ok(Response::from(http::Response::from_parts(parts, body)))
    }
}

/// A body over the cap; becomes [`crate::Error::ResponseTooLarge`].
#[derive(Debug, thiserror::Error)]
#[error("the response body (status {status}) exceeds the {limit}-byte limit")]
pub(crate) struct BodyTooLarge {
    pub(crate) status: u16,
    pub(crate) limit: usize,
}
