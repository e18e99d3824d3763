//! A raw HTTP server for the tests that need a request exactly as it was sent: httpmock
//! normalises a path's encoding and cannot listen on a Unix socket.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long the server waits for the command under test to connect.
const CONNECT_LIMIT: Duration = Duration::from_secs(20);

/// `content-type` of a JSON reply, for [`Reply::headers`].
pub const JSON: &str = "content-type: application/json\r\n";

/// One canned reply: status (`200 OK`), header lines each ending in CRLF, body.
pub type Reply = (&'static str, &'static str, String);

/// A JSON `200 OK` reply.
pub fn ok(body: impl Into<String>) -> Reply {
    ("200 OK", JSON, body.into())
}

/// One request as it arrived: request line, header lines, body.
#[derive(Debug)]
pub struct Seen {
    pub line: String,
    pub headers: Vec<String>,
    pub body: String,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find_map(|h| {
            let (n, v) = h.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// Serves one connection per reply, in order, on a loopback port; returns the base URL and
/// the requests seen.
pub fn tcp(replies: Vec<Reply>) -> (String, JoinHandle<Vec<Seen>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    listener.set_nonblocking(true).unwrap();
    let server = serve(replies, move || listener.accept().map(|(s, _)| s));
    (base, server)
}

/// Serves one connection per reply, in order, on a Unix socket at `socket`.
pub fn unix(socket: &Path, replies: Vec<Reply>) -> JoinHandle<Vec<Seen>> {
    let listener = UnixListener::bind(socket).unwrap();
    listener.set_nonblocking(true).unwrap();
    serve(replies, move || listener.accept().map(|(s, _)| s))
}

/// A connected stream of either kind, blocking again after a non-blocking accept.
trait Connection: Read + Write + Sized {
    fn blocking_clone(&self) -> Self;
}

impl Connection for TcpStream {
    fn blocking_clone(&self) -> Self {
        self.set_nonblocking(false).unwrap();
        self.try_clone().unwrap()
    }
}

impl Connection for UnixStream {
    fn blocking_clone(&self) -> Self {
        self.set_nonblocking(false).unwrap();
        self.try_clone().unwrap()
    }
}

fn serve<S: Connection + Send + 'static>(
    replies: Vec<Reply>,
    mut try_accept: impl FnMut() -> std::io::Result<S> + Send + 'static,
) -> JoinHandle<Vec<Seen>> {
    std::thread::spawn(move || {
        let mut seen = Vec::new();
        for (status, headers, body) in replies {
            let stream = accept(&mut try_accept);
            let mut reader = BufReader::new(stream.blocking_clone());
            let mut head = read_head(&mut reader);
            let line = head.remove(0);
            let mut request = Seen { line, headers: head, body: String::new() };
            let length: usize =
                request.header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
            let mut payload = vec![0; length];
            reader.read_exact(&mut payload).unwrap();
            request.body = String::from_utf8(payload).unwrap();
            let mut stream = stream;
            write!(
                stream,
                "HTTP/1.1 {status}\r\n{headers}content-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            )
            .unwrap();
            seen.push(request);
        }
        seen
    })
}

/// Accepts one connection (on a non-blocking listener), waiting at most [`CONNECT_LIMIT`]:
/// a command that never sends its request fails the test instead of leaving it hanging.
fn accept<S>(try_accept: &mut impl FnMut() -> std::io::Result<S>) -> S {
    let deadline = Instant::now() + CONNECT_LIMIT;
    loop {
        match try_accept() {
            Ok(stream) => return stream,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                assert!(
                    Instant::now() < deadline,
                    "the command sent no request within {CONNECT_LIMIT:?}"
                );
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => panic!("accept: {e}"),
        }
    }
}

/// A request's head (the request line and the headers) up to the blank line, each line
/// without its line break.
fn read_head(reader: &mut impl BufRead) -> Vec<String> {
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line.trim().is_empty() {
            return head;
        }
        head.push(line.trim_end().to_string());
    }
}
