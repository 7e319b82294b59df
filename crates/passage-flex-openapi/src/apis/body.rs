//! Response bodies read as text, up to a limit.
//!
//! Written and tested in `xtask/codegen/inline/`; the generator copies this file unchanged into
//! the generated crate as `src/apis/body.rs`, and every operation reads its body with
//! [`read_text`].
//!
//! The generator's own code reads bodies with `reqwest::Response::text`, which reads any length,
//! copies, and always runs the lossy UTF-8 decoder. A broken or hostile server could make that
//! buffer without end; here a body stops at the limit, and only one that is not UTF-8 (a broken
//! gateway's page) goes through the lossy decoder, so that an error can still show it.

use std::fmt;

/// A response whose body is longer than `Configuration::max_response_bytes`; nothing past the
/// limit was read.
#[derive(Debug, Clone)]
pub struct ResponseTooLarge {
    /// The response's status.
    pub status: reqwest::StatusCode,
    /// The limit, in bytes.
    pub limit: usize,
}

impl fmt::Display for ResponseTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "status code {}: the body exceeds the {}-byte limit",
            self.status, self.limit
        )
    }
}

/// Why [`read_text`] returned no body.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The connection failed while the body was read.
    Transport(reqwest::Error),
    /// The body is longer than the limit.
    TooLarge(ResponseTooLarge),
}

/// The body of `resp` as text, refused past `limit` bytes (`None`: any length).
///
/// A declared `Content-Length` over the limit is refused before a byte is read. The body is
/// read chunk by chunk rather than with `Response::bytes`, whose collecting buffers cost more
/// than the one copy made here, then checked as UTF-8 once.
pub(crate) async fn read_text(
    mut resp: reqwest::Response,
    limit: Option<usize>,
) -> Result<String, ReadError> {
    let status = resp.status();
    let limit = limit.unwrap_or(usize::MAX);
    let too_large = || ReadError::TooLarge(ResponseTooLarge { status, limit });
    if resp
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(ReadError::Transport)? {
        // `bytes` never exceeds `limit`, so this cannot underflow.
        if chunk.len() > limit - bytes.len() {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(invalid) => String::from_utf8_lossy(invalid.as_bytes()).into_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::ReadError;
    use bytes::Bytes;
    use http_body::{Frame, SizeHint};
    use std::collections::VecDeque;
    use std::pin::Pin;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::{Context, Poll};

    /// A body sent in `chunks`, with a declared length only if `declared` is set, failing after
    /// its chunks if `fails`. Counts how often it is polled.
    struct Chunks {
        chunks: VecDeque<&'static [u8]>,
        declared: Option<u64>,
        fails: bool,
        polls: std::sync::Arc<AtomicUsize>,
    }

    impl http_body::Body for Chunks {
        type Data = Bytes;
        type Error = std::io::Error;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
            self.polls.fetch_add(1, Ordering::SeqCst);
            Poll::Ready(match self.chunks.pop_front() {
                Some(chunk) => Some(Ok(Frame::data(Bytes::from_static(chunk)))),
                None if self.fails => Some(Err(std::io::Error::other("connection reset"))),
                None => None,
            })
        }

        fn size_hint(&self) -> SizeHint {
            self.declared
                .map_or_else(SizeHint::default, SizeHint::with_exact)
        }
    }

    fn response(body: Chunks) -> reqwest::Response {
        let body = reqwest::Body::wrap(body);
        reqwest::Response::from(http::Response::new(body))
    }

    fn chunks(chunks: &[&'static [u8]]) -> Chunks {
        Chunks {
            chunks: chunks.iter().copied().collect(),
            declared: None,
            fails: false,
            polls: Default::default(),
        }
    }

    async fn read(body: Chunks, limit: Option<usize>) -> Result<String, ReadError> {
        super::read_text(response(body), limit).await
    }

    #[tokio::test]
    async fn reads_every_chunk_up_to_and_including_the_limit() {
        let text = read(chunks(&[b"{\"a\":", b"1}"]), Some(7)).await;
        assert_eq!(text.expect("7 bytes fit a 7-byte limit"), "{\"a\":1}");
    }

    #[tokio::test]
    async fn a_body_growing_past_the_limit_is_refused_at_the_chunk_that_crosses_it() {
        let body = chunks(&[b"1234", b"5678", b"never read"]);
        let polls = body.polls.clone();
        let Err(ReadError::TooLarge(refused)) = read(body, Some(7)).await else {
            panic!("8 bytes exceed a 7-byte limit");
        };
        assert_eq!((refused.status.as_u16(), refused.limit), (200, 7));
        assert_eq!(
            polls.load(Ordering::SeqCst),
            2,
            "the third chunk is never read"
        );
    }

    #[tokio::test]
    async fn a_declared_length_over_the_limit_is_refused_before_reading() {
        let mut body = chunks(&[b"12345678"]);
        body.declared = Some(8);
        let polls = body.polls.clone();
        assert!(matches!(
            read(body, Some(7)).await,
            Err(ReadError::TooLarge(_))
        ));
        assert_eq!(polls.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn no_limit_reads_any_length() {
        let mut body = chunks(&[&[b'a'; 64]]);
        body.declared = Some(64);
        let text = read(body, None).await.expect("no limit");
        assert_eq!(text.len(), 64);
    }

    #[tokio::test]
    async fn text_that_is_not_utf8_is_decoded_lossily_and_utf8_kept_as_is() {
        let text = read(chunks(&[b"caf\xc3", b"\xa9 \xff"]), None).await;
        assert_eq!(text.expect("any bytes"), "café \u{fffd}");
    }

    #[tokio::test]
    async fn a_connection_that_fails_mid_body_is_a_transport_error() {
        let mut body = chunks(&[b"{\"a\""]);
        body.fails = true;
        assert!(matches!(
            read(body, None).await,
            Err(ReadError::Transport(_))
        ));
    }

    #[test]
    fn the_refusal_names_status_and_limit() {
        let refused = super::ResponseTooLarge {
            status: reqwest::StatusCode::OK,
            limit: 64,
        };
        assert_eq!(
            refused.to_string(),
            "status code 200 OK: the body exceeds the 64-byte limit"
        );
    }
}
