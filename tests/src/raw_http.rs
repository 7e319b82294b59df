//! A raw TCP server for the property tests: it answers with whatever bytes a case chose (a
//! status no HTTP library would write, a `Content-Length` that lies, a header value that is
//! not UTF-8, a connection held open after the answer), and it keeps every request's bytes as
//! they arrived, so a test can compare them with what the caller passed in.

use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as it arrived.
#[derive(Debug, Clone)]
pub struct SeenRequest {
    /// The method, as sent.
    pub method: String,
    /// The request target exactly as sent: path and query, still percent-encoded.
    pub target: String,
    /// The body's bytes, as sent.
    pub body: Vec<u8>,
}

impl SeenRequest {
    /// The path, without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// The query's pairs, form-decoded as the facade encodes them.
    pub fn query(&self) -> Vec<(String, String)> {
        let query = self.target.split_once('?').map_or("", |(_, query)| query);
        url::form_urlencoded::parse(query.as_bytes())
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect()
    }

    /// The path's segments, percent-decoded to bytes.
    pub fn segments(&self) -> Vec<Vec<u8>> {
        self.path().split('/').skip(1).map(percent_decode).collect()
    }
}

/// What the server writes back, and whether it then closes the connection.
#[derive(Debug, Clone)]
pub struct RawAnswer {
    /// Everything written back: status line, headers and body.
    pub bytes: Vec<u8>,
    /// Keep the connection open after writing (until the client goes away), instead of closing.
    pub hold_open: bool,
}

type Script = dyn Fn(&SeenRequest) -> RawAnswer + Send + Sync;

/// A running raw server; `answer_with` sets the script the next requests are answered from.
pub struct RawServer {
    /// `http://127.0.0.1:<port>`.
    pub base_url: String,
    script: Arc<Mutex<Arc<Script>>>,
    seen: Arc<Mutex<Vec<SeenRequest>>>,
}

impl RawServer {
    /// A server on a free loopback port.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base_url = format!("http://{}", listener.local_addr().expect("address"));
        let nothing: Arc<Script> = Arc::new(|_: &SeenRequest| RawAnswer {
            bytes: b"HTTP/1.1 500 Unscripted\r\ncontent-length: 0\r\n\r\n".to_vec(),
            hold_open: false,
        });
        let script = Arc::new(Mutex::new(nothing));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (script_for_server, seen_for_server) = (Arc::clone(&script), Arc::clone(&seen));
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let script = Arc::clone(&script_for_server);
                let seen = Arc::clone(&seen_for_server);
                tokio::spawn(serve(stream, script, seen));
            }
        });
        RawServer {
            base_url,
            script,
            seen,
        }
    }

    /// Answers every request from now on with `script(request)`, and forgets the requests seen.
    pub fn answer_with(&self, script: impl Fn(&SeenRequest) -> RawAnswer + Send + Sync + 'static) {
        *self.script.lock().unwrap() = Arc::new(script);
        self.seen.lock().unwrap().clear();
    }

    /// The requests received since the last `answer_with`.
    pub fn seen(&self) -> Vec<SeenRequest> {
        self.seen.lock().unwrap().clone()
    }
}

/// One connection: reads one request, answers it, then closes or holds the connection. The
/// answers the tests write carry `connection: close`, so no client sends a second request on it.
async fn serve(
    mut stream: TcpStream,
    script: Arc<Mutex<Arc<Script>>>,
    seen: Arc<Mutex<Vec<SeenRequest>>>,
) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    let script = Arc::clone(&script.lock().unwrap());
    let answer = script(&request);
    seen.lock().unwrap().push(request);
    if stream.write_all(&answer.bytes).await.is_err() {
        return;
    }
    let _ = stream.flush().await;
    if answer.hold_open {
        // Until the client gives up (its timeout) and closes; bounded in case it never does.
        let mut sink = [0u8; 1024];
        let _ = tokio::time::timeout(Duration::from_secs(30), async {
            while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
        })
        .await;
    }
}

/// The head up to the blank line, then a body of the declared `content-length`.
async fn read_request(stream: &mut TcpStream) -> Option<SeenRequest> {
    const HEAD_LIMIT: usize = 1 << 20;
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(end) = find(&buffer, b"\r\n\r\n") {
            break end;
        }
        if buffer.len() > HEAD_LIMIT {
            return None;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_string();
    let target = request_line.next()?.to_string();
    let length = lines
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(SeenRequest {
        method,
        target,
        body,
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// `%XX` to the byte it names; anything else as it is.
pub fn percent_decode(segment: &str) -> Vec<u8> {
    let bytes = segment.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |at: usize| {
            bytes
                .get(at)
                .and_then(|byte| (*byte as char).to_digit(16))
                .map(|digit| digit as u8)
        };
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(high), Some(low)) => {
                decoded.push(high << 4 | low);
                i += 3;
            }
            (byte, _, _) => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    decoded
}

/// A well-formed answer: `status`, `content-type: application/json`, the body, then close.
pub fn json_answer(status: u16, body: &str) -> RawAnswer {
    RawAnswer {
        bytes: format!(
            "HTTP/1.1 {status} X\r\nconnection: close\r\ncontent-type: application/json\r\n\
             content-length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
        hold_open: false,
    }
}
