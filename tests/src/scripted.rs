//! A server that answers from a script, for the faults a real server rarely shows on demand:
//! gateway errors, rate limits, bodies cut short, slowness, oversized answers.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One scripted answer.
#[derive(Clone)]
pub struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Payload,
    delay: Duration,
}

#[derive(Clone)]
enum Payload {
    Whole(Bytes),
    /// These bytes, then the connection breaks.
    CutAfter(Bytes),
    /// The first bytes, then nothing for this long, then the rest.
    Stall(Bytes, Bytes, Duration),
    /// This many bytes in 8 KiB chunks, with no length declared.
    Stream(usize),
}

impl Reply {
    /// A JSON answer.
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Self::raw(status, "application/json", body.to_string())
    }

    /// Any body with this content type.
    pub fn raw(status: u16, content_type: &str, body: impl Into<Bytes>) -> Self {
        Reply {
            status,
            headers: vec![("content-type", content_type.to_string())],
            body: Payload::Whole(body.into()),
            delay: Duration::ZERO,
        }
    }

    /// A JSON answer whose body breaks off after `sent` bytes, the connection dropped.
    pub fn cut_mid_body(body: serde_json::Value, sent: usize) -> Self {
        let full = body.to_string().into_bytes();
        let mut reply = Self::json(200, body);
        reply.body = Payload::CutAfter(Bytes::from(full[..sent.min(full.len())].to_vec()));
        reply
    }

    /// A JSON answer whose body stops after `sent` bytes for `stall`, then finishes.
    pub fn stalled_body(body: serde_json::Value, sent: usize, stall: Duration) -> Self {
        let full = Bytes::from(body.to_string());
        let at = sent.min(full.len());
        let mut reply = Self::json(200, body);
        reply.body = Payload::Stall(full.slice(..at), full.slice(at..), stall);
        reply
    }

    /// A 200 of `len` bytes streamed without a `content-length`.
    pub fn streamed(len: usize) -> Self {
        let mut reply = Self::raw(200, "application/json", "");
        reply.body = Payload::Stream(len);
        reply
    }

    /// Adds a header.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// Waits this long before answering at all.
    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    async fn into_response(self) -> Response {
        tokio::time::sleep(self.delay).await;
        let body = match self.body {
            Payload::Whole(bytes) => Body::from(bytes),
            Payload::CutAfter(bytes) => Body::from_stream(futures::stream::iter([
                Ok(bytes),
                Err(std::io::Error::other("connection cut by the script")),
            ])),
            Payload::Stall(head, tail, stall) => {
                Body::from_stream(futures::stream::unfold(0, move |step| {
                    let (head, tail) = (head.clone(), tail.clone());
                    async move {
                        match step {
                            0 => Some((Ok::<_, std::io::Error>(head), 1)),
                            1 => {
                                tokio::time::sleep(stall).await;
                                Some((Ok(tail), 2))
                            }
                            _ => None,
                        }
                    }
                }))
            }
            Payload::Stream(len) => {
                let chunks = (0..len.div_ceil(8192)).map(move |i| {
                    let size = 8192.min(len - i * 8192);
                    Ok::<_, std::io::Error>(Bytes::from(vec![b' '; size]))
                });
                Body::from_stream(futures::stream::iter(chunks))
            }
        };
        let mut response = Response::new(body);
        *response.status_mut() = StatusCode::from_u16(self.status).expect("a valid status");
        for (name, value) in self.headers {
            response.headers_mut().insert(
                HeaderName::from_static(name),
                HeaderValue::from_str(&value).expect("a valid header value"),
            );
        }
        response
    }
}

/// A running scripted server: the n-th request gets the n-th reply (the last one repeats).
pub struct ScriptedServer {
    /// `http://127.0.0.1:<port>`.
    pub base_url: String,
    hits: Arc<AtomicUsize>,
    seen: Arc<Mutex<Vec<String>>>,
}

impl ScriptedServer {
    /// A server on a free loopback port answering from `script`.
    pub async fn start(script: Vec<Reply>) -> Self {
        assert!(!script.is_empty(), "a script needs a reply");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let hits = Arc::new(AtomicUsize::new(0));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(script);
        let (counter, log) = (Arc::clone(&hits), Arc::clone(&seen));
        let app = Router::new().fallback(move |request: Request| {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            log.lock()
                .unwrap()
                .push(format!("{} {}", request.method(), request.uri().path()));
            let reply = script[n.min(script.len() - 1)].clone();
            reply.into_response()
        });
        tokio::spawn(async move { axum::serve(listener, app).await });
        ScriptedServer {
            base_url,
            hits,
            seen,
        }
    }

    /// Requests received so far.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    /// `METHOD /path` of each request received, in order.
    pub fn requests(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}
