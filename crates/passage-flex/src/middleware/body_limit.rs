//! The response body cap: a broken or hostile server cannot make the SDK buffer without end.

use bytes::{Bytes, BytesMut};
use reqwest::{Response, ResponseBuilderExt};

/// Reads `response`'s body whole, refusing one longer than `max_bytes`, and returns a response
/// that holds it in memory. The generated code reads bodies whole anyway; doing it here bounds
/// that read.
pub(crate) async fn read_capped(
    mut response: Response,
    max_bytes: usize,
) -> reqwest_middleware::Result<Response> {
    let status = response.status();
    let too_large = || {
        reqwest_middleware::Error::middleware(BodyTooLarge {
            status: status.as_u16(),
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
    let mut body = Body::Empty;
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > max_bytes {
            return Err(too_large());
        }
        body.push(chunk);
    }
    // The rebuilt response keeps its URL; without one reqwest would parse a placeholder URL
    // (with IDNA processing) for every response.
    let mut rebuilt = http::Response::builder()
        .status(status)
        .version(response.version())
        .url(response.url().clone())
        .body(body.into_bytes())
        .map_err(reqwest_middleware::Error::middleware)?;
    *rebuilt.headers_mut() = std::mem::take(response.headers_mut());
    rebuilt
        .extensions_mut()
        .extend(std::mem::take(response.extensions_mut()));
    Ok(Response::from(rebuilt))
}

/// A body read so far: a body sent in one chunk, the usual case, is kept without a copy.
enum Body {
    Empty,
    One(Bytes),
    Many(BytesMut),
}

impl Body {
    fn len(&self) -> usize {
        match self {
            Body::Empty => 0,
            Body::One(bytes) => bytes.len(),
            Body::Many(bytes) => bytes.len(),
        }
    }

    fn push(&mut self, chunk: Bytes) {
        *self = match std::mem::replace(self, Body::Empty) {
            Body::Empty => Body::One(chunk),
            Body::One(first) => {
                let mut joined = BytesMut::with_capacity(first.len() + chunk.len());
                joined.extend_from_slice(&first);
                joined.extend_from_slice(&chunk);
                Body::Many(joined)
            }
            Body::Many(mut joined) => {
                joined.extend_from_slice(&chunk);
                Body::Many(joined)
            }
        }
    }

    fn into_bytes(self) -> Bytes {
        match self {
            Body::Empty => Bytes::new(),
            Body::One(bytes) => bytes,
            Body::Many(joined) => joined.freeze(),
        }
    }
}

/// A body over the cap; becomes [`crate::Error::ResponseTooLarge`].
#[derive(Debug, thiserror::Error)]
#[error("the response body (status {status}) exceeds the {limit}-byte limit")]
pub(crate) struct BodyTooLarge {
    pub(crate) status: u16,
    pub(crate) limit: usize,
}
