//! Helpers shared by the contract tests: the generated client pointed at the test Synapse
//! (through the test thread's recording proxy, see `record.rs`), a current-thread runtime, and
//! assertions that check replies against the spec.

use crate::common::{self, Synapse};
use crate::record::{self, Call, Exchange};
use crate::schema::Spec;
use serde::Serialize;
use serde_json::{Value, json};
use std::fmt::Debug;
use std::future::Future;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use synadm::Error;
use synadm::api::{Client, Connection, DEFAULT_ADMIN_PATH, DEFAULT_MATRIX_PATH, Transport, call};

pub type Reply<T> = Result<progenitor_client::ResponseValue<T>, ApiError>;
pub type ApiError = progenitor_client::Error<synadm::api::types::MatrixError>;

pub fn synapse() -> &'static Synapse {
    common::synapse()
}

pub fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(Spec::load)
}

pub use common::{enc, unique};

/// A connection to the test Synapse, through this thread's recording proxy, with `token`
/// (none: unauthenticated requests).
pub fn connection(token: Option<&str>) -> Connection {
    Connection {
        transport: Transport::Http,
        base_url: record::proxy_url(),
        token: token.map(str::to_owned),
        timeout: Duration::from_secs(60),
        verify_tls: true,
        admin_path: "/_synapse/admin".into(),
        matrix_path: "/_matrix".into(),
        verbose: 0,
    }
}

pub fn client_for(connection: &Connection) -> Client {
    record::mounted(&connection.admin_path, DEFAULT_ADMIN_PATH);
    record::mounted(&connection.matrix_path, DEFAULT_MATRIX_PATH);
    let client =
        connection.client().unwrap_or_else(|e| panic!("building the generated client: {e}"));
    // Waits after a 429 of at most 30 s: a test that meets a longer one sees the 429.
    synadm::api::pacer_of(&client).set_max_wait(Duration::from_secs(30));
    client
}

/// An unauthenticated client whose mount points `edit` changes: the only way some calls can
/// fail is a misconfigured `admin_path` or `matrix_path`.
pub fn wrongly_mounted(edit: impl FnOnce(&mut Connection)) -> Client {
    let mut connection = connection(None);
    edit(&mut connection);
    client_for(&connection)
}

/// The generated client with the admin's token.
pub fn admin() -> Client {
    client_for(&connection(Some(&synapse().admin_token)))
}

/// The generated client with another token (`None`: no Authorization header).
pub fn client_as(token: Option<&str>) -> Client {
    client_for(&connection(token))
}

pub fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(future)
}

/// Sends one generated request of operation `op` and returns its decoded reply, after
/// checking it against the spec twice: the raw JSON the server sent (see [`check_generated`]),
/// and the typed value serialised back, which shows every field the client kept (unknown ones
/// come back out of the flattened `extra` maps), so nothing the generated types do hides a
/// mismatch.
pub fn ok<T, F>(op: &str, request: F) -> T
where
    T: Serialize,
    F: Future<Output = Reply<T>>,
{
    let result = block_on(call(request));
    let exchanges = record::take();
    let value = result.unwrap_or_else(|e| {
        panic!(
            "{op}: the generated client failed: {e} ({e:?}); through the proxy: {}",
            summary(&exchanges)
        )
    });
    let status = check_generated(op, &exchanges);
    let json = serde_json::to_value(&value)
        .unwrap_or_else(|e| panic!("{op}: re-serialising the typed reply: {e}"));
    spec().assert_conforms(op, status, &json, "the typed reply of the generated client");
    record::called(op, Call::Succeeded);
    value
}

/// Sends one generated request that must fail with a Matrix error `status`/`errcode`, and
/// checks the raw error body against the operation's error schema.
pub fn fails<T, F>(op: &str, request: F, status: u16, errcode: &str) -> String
where
    T: Debug,
    F: Future<Output = Reply<T>>,
{
    let result = block_on(call(request));
    let mut exchanges = record::take();
    // An endpoint the server did not recognise makes `call` ask the server's version (to
    // explain an error from an older release): that request is get_server_version's.
    if let [.., unknown, asked] = exchanges.as_slice()
        && matches!(unknown.status, 404 | 405)
        && op != "get_server_version"
        && asked.operation.as_deref() == Some("get_server_version")
    {
        let asked = exchanges.pop().expect("matched above");
        check_generated("get_server_version", &[asked]);
    }
    match result {
        Err(Error::Matrix { status: got_status, errcode: got_errcode, message }) => {
            assert_eq!(
                (got_status, got_errcode.as_str()),
                (status, errcode),
                "{op}: wrong Matrix error ({message})"
            );
            check_generated(op, &exchanges);
            record::called(op, Call::Failed);
            message
        }
        other => panic!(
            "{op}: expected the Matrix error {status} {errcode}, got {other:?}; through the \
             proxy: {}",
            summary(&exchanges)
        ),
    }
}

/// The exchanges of one generated call, for failure messages.
fn summary(exchanges: &[Exchange]) -> String {
    let lines: Vec<String> = exchanges.iter().map(ToString::to_string).collect();
    format!("[{}]", lines.join("; "))
}

/// Checks what one generated call of `op` sent and got, as the recording proxy saw it: at
/// least one request, every one an instance of `op` (a call that reaches another operation's
/// path is a bug in the test or the spec), every reply's raw JSON exactly as the spec says for
/// its status. Returns the status of the last reply (the one the client decoded).
fn check_generated(op: &str, exchanges: &[Exchange]) -> u16 {
    assert!(
        !exchanges.is_empty(),
        "{op}: the generated call sent nothing through the recording proxy"
    );
    for e in exchanges {
        assert_eq!(
            e.operation.as_deref(),
            Some(op),
            "{op}: the generated call sent {} {}, which is not an instance of {op}",
            e.method,
            e.target
        );
        let body: Value = if e.body.iter().all(u8::is_ascii_whitespace) {
            Value::Null
        } else {
            serde_json::from_slice(&e.body).unwrap_or_else(|err| {
                panic!(
                    "{op}: {} {} answered HTTP {} that is not JSON ({err}): {}",
                    e.method,
                    e.target,
                    e.status,
                    String::from_utf8_lossy(&e.body)
                )
            })
        };
        check_reply(op, e.status, &body, "the raw reply to the generated client");
    }
    exchanges.last().map(|e| e.status).expect("not empty, as asserted above")
}

/// Asserts that the raw reply `value` conforms to the spec and records the declared
/// properties it had.
fn check_reply(op: &str, status: u16, value: &Value, what: &str) {
    record::saw(spec().assert_conforms(op, status, value, what));
}

/// Sends `method target` (percent-encoded, an instance of operation `op`) with `token`, asserts
/// [`fails`] for what does not exist: 404 `M_NOT_FOUND`.
pub fn fails_not_found<T, F>(op: &str, request: F) -> String
where
    T: Debug,
    F: Future<Output = Reply<T>>,
{
    fails(op, request, 404, "M_NOT_FOUND")
}

/// [`fails`] with the commonest refusal: the caller is not an admin (403 `M_FORBIDDEN`).
pub fn fails_forbidden<T, F>(op: &str, request: F) -> String
where
    T: Debug,
    F: Future<Output = Reply<T>>,
{
    fails(op, request, 403, "M_FORBIDDEN")
}

/// a 2xx reply and checks its raw JSON against the spec. Returns the JSON.
pub fn raw_as(
    op: &str,
    token: Option<&str>,
    method: &str,
    target: &str,
    body: Option<Value>,
) -> Value {
    spec().assert_targets(op, method, target);
    let (status, reply) = synapse().request(token, method, target, body.as_ref());
    assert!(
        (200..300).contains(&status),
        "{op}: {method} {target} answered HTTP {status}: {reply}"
    );
    check_reply(op, status, &reply, "the raw reply");
    record::called(op, Call::Raw);
    reply
}

/// [`raw_as`] with the admin's token.
pub fn raw(op: &str, method: &str, target: &str, body: Option<Value>) -> Value {
    raw_as(op, Some(&synapse().admin_token), method, target, body)
}

/// Sends `method target` with `token`, asserts the Matrix error `status`/`errcode` and checks
/// the raw error body against the operation's error schema. The target need not be an
/// instance of `op` (a wrong mount point is one way to make some operations fail).
pub fn raw_error(
    op: &str,
    token: Option<&str>,
    method: &str,
    target: &str,
    body: Option<Value>,
    status: u16,
    errcode: &str,
) -> Value {
    let (got, reply) = synapse().request(token, method, target, body.as_ref());
    assert_eq!(got, status, "{op}: {method} {target} answered {reply}");
    assert_eq!(reply["errcode"], errcode, "{op}: {method} {target}: {reply}");
    check_reply(op, got, &reply, "the raw error reply");
    record::called(op, Call::Raw);
    reply
}

/// [`raw_error`] with the admin's token: the request is refused for what it asks.
pub fn admin_error(
    op: &str,
    method: &str,
    target: &str,
    body: Option<Value>,
    status: u16,
    errcode: &str,
) -> Value {
    raw_error(op, Some(&synapse().admin_token), method, target, body, status, errcode)
}

/// [`raw_error`] for the commonest refusal: `token` belongs to someone who is not an admin (or
/// not allowed in the room), so Synapse answers 403 `M_FORBIDDEN`.
pub fn forbidden(op: &str, token: &str, method: &str, target: &str, body: Option<Value>) -> Value {
    raw_error(op, Some(token), method, target, body, 403, "M_FORBIDDEN")
}

/// [`raw_error`] without a token: 401 `M_MISSING_TOKEN`.
pub fn needs_token(op: &str, method: &str, target: &str, body: Option<Value>) -> Value {
    raw_error(op, None, method, target, body, 401, "M_MISSING_TOKEN")
}

/// A user ID on the test server that does not exist yet.
pub fn unused_user_id(prefix: &str) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    synapse().user_id(&format!("{prefix}-{n}-{}", std::process::id()))
}

/// A user ID on the test server that is not and never was registered.
pub fn unknown_user() -> String {
    unused_user_id("contract-nobody")
}

/// `alice` of `@alice:test.local`.
pub fn localpart(user_id: &str) -> &str {
    user_id.trim_start_matches('@').split(':').next().unwrap_or_default()
}

/// A user on another server (the admin API only manages local users).
pub const REMOTE_USER: &str = "@somebody:elsewhere.example";

/// Sets fields of an existing user with the raw admin API (test set-up, not under test).
pub fn set_user(user_id: &str, body: Value) {
    synapse().admin_ok("PUT", &format!("/_synapse/admin/v2/users/{}", enc(user_id)), Some(&body));
}

/// Creates a room as `token`'s user and sends one text message; returns the room ID.
pub fn room_with_message(token: &str, text: &str) -> String {
    let s = synapse();
    let reply = s.ok_as(
        token,
        "POST",
        "/_matrix/client/v3/createRoom",
        Some(&json!({ "preset": "private_chat", "name": "contract test room" })),
    );
    let room = reply["room_id"].as_str().expect("room_id").to_string();
    s.ok_as(
        token,
        "PUT",
        &format!(
            "/_matrix/client/v3/rooms/{}/send/m.room.message/contract-{}",
            enc(&room),
            std::process::id()
        ),
        Some(&json!({ "msgtype": "m.text", "body": text })),
    );
    room
}

/// Uploads a small JSON file as `token`'s user; returns the `mxc://` URI.
pub fn upload(token: &str, filename: &str) -> String {
    let reply = synapse().ok_as(
        token,
        "POST",
        &format!("/_matrix/media/v3/upload?filename={}", enc(filename)),
        Some(&json!({ "file": filename })),
    );
    reply["content_uri"].as_str().expect("content_uri").to_string()
}

/// Polls `probe` until it returns `Some`, failing after `limit`.
pub fn poll<T>(what: &str, limit: Duration, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(value) = probe() {
            return value;
        }
        assert!(Instant::now() < deadline, "{what}: still not done after {limit:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Creates a room as `token`'s user with the `createRoom` body `body`; returns its ID.
pub fn create_room(token: &str, body: Value) -> String {
    let (status, reply) =
        synapse().request_as(token, "POST", "/_matrix/client/v3/createRoom", Some(&body));
    assert_eq!(status, 200, "createRoom {body}: {reply}");
    reply["room_id"].as_str().expect("room_id").to_string()
}

/// `token`'s user joins `room` (ID or alias) through the client API.
pub fn join_room(token: &str, room: &str) {
    synapse().ok_as(
        token,
        "POST",
        &format!("/_matrix/client/v3/join/{}", enc(room)),
        Some(&json!({})),
    );
}

/// `token`'s user leaves `room`.
pub fn leave_room(token: &str, room: &str) {
    synapse().ok_as(
        token,
        "POST",
        &format!("/_matrix/client/v3/rooms/{}/leave", enc(room)),
        Some(&json!({})),
    );
}

/// Sends a text message as `token`'s user; returns its event ID.
pub fn send_text(token: &str, room: &str, text: &str) -> String {
    static TXN: AtomicUsize = AtomicUsize::new(0);
    let txn = TXN.fetch_add(1, Ordering::SeqCst);
    let reply = synapse().ok_as(
        token,
        "PUT",
        &format!(
            "/_matrix/client/v3/rooms/{}/send/m.room.message/contract-text-{txn}-{}",
            enc(room),
            std::process::id()
        ),
        Some(&json!({ "msgtype": "m.text", "body": text })),
    );
    reply["event_id"].as_str().expect("event_id").to_string()
}

/// Sends a state event as `token`'s user (the client API), returning the status and reply.
pub fn put_state(
    token: &str,
    room: &str,
    event_type: &str,
    state_key: &str,
    content: Value,
) -> (u16, Value) {
    synapse().request_as(
        token,
        "PUT",
        &format!(
            "/_matrix/client/v3/rooms/{}/state/{}/{}",
            enc(room),
            enc(event_type),
            enc(state_key)
        ),
        Some(&content),
    )
}

/// The current `m.room.power_levels` content of `room`, read with the admin API.
pub fn power_levels(room: &str) -> Value {
    let reply = synapse().admin_ok(
        "GET",
        &format!("/_synapse/admin/v1/rooms/{}/state?type=m.room.power_levels", enc(room)),
        None,
    );
    reply["state"][0]["content"].clone()
}

/// Asserts the request line that the generated client sends for `$call`: a request builder
/// on the client `$c`, without its `.send()` (see [`request_line`]).
macro_rules! assert_request_line {
    (|$c:ident| $call:expr, $line:expr $(,)?) => {
        assert_eq!($crate::support::request_line(|$c| async move { $call.send().await }), $line)
    };
}
pub(crate) use assert_request_line;

/// The request line (`GET /path HTTP/1.1`) the generated client sends for the request that
/// `make` builds on a client pointed at a local socket; the socket answers `{}`.
pub fn request_line<T, Fut>(make: impl FnOnce(Client) -> Fut) -> String
where
    T: Debug,
    Fut: Future<Output = Reply<T>>,
{
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a local port");
    let mut capture = connection(Some("contract-capture-token"));
    capture.base_url = format!("http://{}", listener.local_addr().expect("local address"));
    let server = std::thread::spawn(move || {
        let (stream, _) = listener.accept().expect("accept");
        let mut reader = BufReader::new(stream.try_clone().expect("clone the stream"));
        let mut first = String::new();
        reader.read_line(&mut first).expect("request line");
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).expect("header line");
            if line.trim().is_empty() {
                break;
            }
        }
        let mut stream = stream;
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\
              connection: close\r\n\r\n{}",
        );
        first.trim_end().to_string()
    });
    // The reply `{}` may not decode as `T`; only the request matters here.
    let _ = block_on(make(client_for(&capture)));
    server.join().expect("the capture thread")
}
