//! What the contract tests record while they run, and the check when the run ends.
//!
//! **The recording proxy.** Every client that `support::connection` builds talks to a
//! pass-through proxy owned by the current test thread ([`proxy_url`]). The proxy hands each
//! request to Synapse unchanged and the reply back unchanged, and keeps (method, target,
//! status, raw body) until `support::ok`/`support::fails` take it ([`take`]). So the schema
//! walker sees the raw JSON the server sent (a stray `null` the typed value would hide
//! included), and the run learns which operations the generated client really called. libtest
//! runs each test on its own thread and `support::block_on` drives the client on a
//! current-thread runtime, so the client's I/O happens on the test thread while the proxy's
//! own thread serves it: a thread-local proxy sees exactly the calls of its test.
//!
//! **The run's record.** [`called`] notes how each operation was exercised, [`saw`] which
//! declared properties the replies had. An operation counts as tested only when the
//! generated client made one call of it that succeeded and one that failed with a Matrix
//! error: the point is to test the generated client against the server. Raw requests
//! (`support::raw*`) check further replies and add to the seen properties, but do not count.
//!
//! **The end of the run.** libtest has no hook after the last test (and statics are not
//! dropped), so an `atexit` handler, registered on first use of the record, checks the record
//! after an unfiltered run ([`is_full_run`]): an operation not tested as above, or a generated
//! call no `ok`/`fails` checked, fails the run with `_exit(101)`. It also writes the report of
//! optional properties no reply carried to `target/contract-unseen.txt` and prints it; that
//! fails the run only with `SYNADM_CONTRACT_STRICT=1`, and not for the properties listed in
//! [`UNSEEN_BY_DESIGN`] with the reason no test can produce them.

use crate::common::{HttpReply, Synapse};
use crate::schema::{Declared, Spec, describe};
use crate::support;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

/// Where the report of optional properties that no reply carried is written.
const UNSEEN_REPORT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/target/contract-unseen.txt");
/// Set to `1` to fail the run when that report has unexplained or stale entries.
const ENV_STRICT: &str = "SYNADM_CONTRACT_STRICT";

/// One request the generated client sent and the reply it got.
#[derive(Debug)]
pub struct Exchange {
    pub method: String,
    /// Path and query, percent-encoded, as sent.
    pub target: String,
    /// The spec operation the request is an instance of (after undoing a custom mount).
    pub operation: Option<String>,
    pub status: u16,
    pub body: Vec<u8>,
}

impl std::fmt::Display for Exchange {
    /// `GET /target -> 404 {"errcode":…}`, for failure messages.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let body = String::from_utf8_lossy(&self.body);
        write!(f, "{} {} -> {} {body}", self.method, self.target, self.status)
    }
}

/// A request as the proxy read it.
#[derive(Debug)]
pub struct Request {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// The recording proxy of one test thread.
struct Proxy {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<Exchange>>>,
    /// `(custom mount, default mount)` of the clients built on this thread with an API
    /// mounted elsewhere (`/_synapse/admin/v0` for `/_synapse/admin`), so that their requests
    /// still map to their operations.
    mounts: RefCell<Vec<(String, &'static str)>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    /// The test thread's name (the test's), for messages written when the thread ends.
    test: String,
}

thread_local! {
    static PROXY: Proxy = Proxy::start();
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A test that panicked elsewhere must not hide what the others recorded.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Proxy {
    fn start() -> Proxy {
        // Started here, on the test thread, so that a Synapse that cannot start fails the test.
        let upstream = support::synapse();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the recording proxy");
        let addr = listener.local_addr().expect("the proxy's address");
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let test = std::thread::current().name().unwrap_or("a contract test").to_string();
        let thread = std::thread::Builder::new()
            .name(format!("proxy of {test}"))
            .spawn({
                let (log, stop) = (Arc::clone(&log), Arc::clone(&stop));
                move || serve(listener, upstream, &log, &stop)
            })
            .expect("start the recording proxy");
        Proxy { addr, log, mounts: RefCell::new(Vec::new()), stop, thread: Some(thread), test }
    }
}

impl Drop for Proxy {
    /// Runs when the test thread ends: stops the proxy thread and reports generated calls
    /// that no `ok`/`fails` took, whose replies nothing checked.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr); // wakes the blocking accept
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        let left = std::mem::take(&mut *lock(&self.log));
        if !left.is_empty() {
            let calls: Vec<String> = left.iter().map(ToString::to_string).collect();
            lock(run()).unchecked.push(format!(
                "{}: generated calls outside ok()/fails(), so unchecked: {}",
                self.test,
                calls.join(", ")
            ));
        }
    }
}

fn serve(listener: TcpListener, upstream: &Synapse, log: &Mutex<Vec<Exchange>>, stop: &AtomicBool) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        if let Ok(stream) = stream {
            pass_on(stream, upstream, log);
        }
    }
}

/// Serves one connection: one request, forwarded; the reply goes back with
/// `connection: close`, so the client opens a new connection for its next request.
fn pass_on(stream: TcpStream, upstream: &Synapse, log: &Mutex<Vec<Exchange>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(120)));
    let (method, target, reply) = match read_request(&mut BufReader::new(&stream)) {
        Ok(r) => {
            let reply = upstream
                .forward(&r.method, &r.target, &r.headers, &r.body)
                .unwrap_or_else(|e| plain_reply(502, &format!("proxy: forwarding failed: {e}")));
            (r.method, r.target, reply)
        }
        Err(e) => (
            String::new(),
            format!("(unreadable request: {e})"),
            plain_reply(400, &format!("proxy: {e}")),
        ),
    };
    let bytes = response_bytes(&reply);
    // Recorded before the client can see the reply, so `take` right after the call has it.
    lock(log).push(Exchange {
        method,
        target,
        operation: None,
        status: reply.status,
        body: reply.body,
    });
    let _ = (&stream).write_all(&bytes);
}

fn plain_reply(status: u16, text: &str) -> HttpReply {
    HttpReply {
        status,
        headers: vec![("Content-Type".into(), "text/plain".into())],
        body: text.as_bytes().to_vec(),
    }
}

/// The reply as the proxy sends it to the client: Synapse's status, headers and body, with the
/// body's length and `connection: close` in place of Synapse's framing.
pub fn response_bytes(reply: &HttpReply) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {} Proxied\r\n", reply.status);
    for (name, value) in &reply.headers {
        let framing = ["content-length", "transfer-encoding", "connection", "keep-alive"]
            .iter()
            .any(|h| name.eq_ignore_ascii_case(h));
        if !framing {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    head.push_str(&format!("content-length: {}\r\nconnection: close\r\n\r\n", reply.body.len()));
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(&reply.body);
    bytes
}

/// Reads one HTTP/1.1 request: request line, headers, and a Content-Length body (the generated
/// client sends its JSON bodies with a length, never chunked).
pub fn read_request(reader: &mut impl BufRead) -> Result<Request, String> {
    let mut line = String::new();
    reader.read_line(&mut line).map_err(|e| format!("request line: {e}"))?;
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Err(format!("bad request line {line:?}"));
    };
    let (method, target) = (method.to_string(), target.to_string());
    let mut headers = Vec::new();
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).map_err(|e| format!("header line: {e}"))?;
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        let (name, value) =
            line.split_once(':').ok_or_else(|| format!("bad header line {line:?}"))?;
        let value = value.trim();
        if name.eq_ignore_ascii_case("transfer-encoding") {
            return Err(format!("request bodies with transfer-encoding {value} are not supported"));
        }
        if name.eq_ignore_ascii_case("content-length") {
            length = value.parse().map_err(|_| format!("bad content-length {value:?}"))?;
        }
        headers.push((name.to_string(), value.to_string()));
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).map_err(|e| format!("request body: {e}"))?;
    Ok(Request { method, target, headers, body })
}

/// The base URL (`http://127.0.0.1:PORT`) of this thread's recording proxy.
pub fn proxy_url() -> String {
    PROXY.with(|p| format!("http://{}", p.addr))
}

/// Notes that a client on this thread has an API mounted at `custom` instead of `default`.
pub fn mounted(custom: &str, default: &'static str) {
    let custom = custom.trim_end_matches('/');
    if custom != default {
        PROXY.with(|p| {
            let mount = (custom.to_string(), default);
            let mut mounts = p.mounts.borrow_mut();
            if !mounts.contains(&mount) {
                mounts.push(mount);
            }
        });
    }
}

/// The exchanges this thread's proxy recorded since the last `take`, each mapped to its
/// operation.
pub fn take() -> Vec<Exchange> {
    PROXY.with(|p| {
        let mounts = p.mounts.borrow();
        let mut exchanges = std::mem::take(&mut *lock(&p.log));
        for e in &mut exchanges {
            e.operation =
                operation_of(support::spec(), &e.method, &e.target, &mounts).map(str::to_owned);
        }
        exchanges
    })
}

/// The operation `method target` is an instance of: as sent, else with one of `mounts`
/// (custom → default prefix) moved back to the spec's default.
pub fn operation_of<'s>(
    spec: &'s Spec,
    method: &str,
    target: &str,
    mounts: &[(String, &str)],
) -> Option<&'s str> {
    spec.operation_for(method, target).or_else(|| {
        mounts.iter().find_map(|(custom, default)| {
            let rest = target.strip_prefix(custom.as_str())?;
            let at_boundary = rest.is_empty() || rest.starts_with(['/', '?']);
            at_boundary.then(|| spec.operation_for(method, &format!("{default}{rest}")))?
        })
    })
}

/// How a test exercised an operation.
#[derive(Clone, Copy)]
pub enum Call {
    /// A generated call that succeeded (`support::ok`).
    Succeeded,
    /// A generated call that failed with the expected Matrix error (`support::fails`).
    Failed,
    /// A request sent outside the generated client (`support::raw*`).
    Raw,
}

/// How the tests exercised one operation.
#[derive(Clone, Copy, Default)]
pub struct Calls {
    pub succeeded: bool,
    pub failed: bool,
    pub raw: bool,
}

#[derive(Default)]
struct Run {
    calls: BTreeMap<String, Calls>,
    seen: BTreeSet<Declared>,
    unchecked: Vec<String>,
}

fn run() -> &'static Mutex<Run> {
    static RUN: OnceLock<Mutex<Run>> = OnceLock::new();
    RUN.get_or_init(|| {
        // SAFETY: `at_exit` is a plain `extern "C" fn()` that never unwinds: it runs once,
        // after `main`, and only reads the record.
        let registered = unsafe { libc::atexit(at_exit) };
        assert_eq!(registered, 0, "atexit: cannot register the end-of-run check");
        Mutex::default()
    })
}

/// Records that a test exercised `op` as `how`.
pub fn called(op: &str, how: Call) {
    let mut run = lock(run());
    let calls = run.calls.entry(op.to_string()).or_default();
    match how {
        Call::Succeeded => calls.succeeded = true,
        Call::Failed => calls.failed = true,
        Call::Raw => calls.raw = true,
    }
}

/// Records declared properties a raw reply had.
pub fn saw(seen: BTreeSet<Declared>) {
    lock(run()).seen.extend(seen);
}

/// The operations of `operations` not tested by the rule above, one line each.
pub fn coverage_gaps(
    operations: &BTreeSet<String>,
    calls: &BTreeMap<String, Calls>,
) -> Vec<String> {
    operations
        .iter()
        .filter_map(|op| {
            let c = calls.get(op).copied().unwrap_or_default();
            let mut missing = Vec::new();
            if !c.succeeded {
                missing.push("no successful call");
            }
            if !c.failed {
                missing.push("no call failing with a Matrix error");
            }
            if missing.is_empty() {
                return None;
            }
            let raw = if c.raw { " (its raw requests do not count)" } else { "" };
            Some(format!("{op}: {} through the generated client{raw}", missing.join(", ")))
        })
        .collect()
}

/// Operations that cannot succeed on SQLite, and why: on SQLite their success is not
/// required (the PostgreSQL run, which CI makes too, requires it).
pub const NO_SUCCESS_ON_SQLITE: &[(&str, &str)] = &[(
    "list_largest_rooms",
    "Synapse answers 400 \"Endpoint requires using PostgreSQL\" on SQLite",
)];

/// Optional properties that no contract test can make Synapse 1.163.2 send, and why. The
/// report lists them apart; an entry that is seen after all, or that the spec no longer
/// declares, is reported as stale, so that the list cannot outlive its reasons.
pub const UNSEEN_BY_DESIGN: &[(&str, &str)] = &[(
    "PurgeStatus.error",
    "sent only for a purge task that raised: the request is checked before the task is \
     scheduled, and the task's own check (a cut-off past the room's forward extremities) cannot \
     fail for a cut-off taken from an existing event. synadm shows it when it comes.",
)];

/// The optional properties no reply carried, against the list of those expected not to be.
pub struct Unseen {
    /// Not in the list: a property to make a test produce, or to drop from the spec.
    pub unexplained: Vec<String>,
    /// Entries of the list that were seen after all or are no longer declared.
    pub stale: Vec<String>,
}

/// The optional properties of `spec` not in `seen`, described for people, sorted against
/// `by_design` (property, reason).
pub fn unseen(spec: &Spec, seen: &BTreeSet<Declared>, by_design: &[(&str, &str)]) -> Unseen {
    let missing: BTreeSet<String> =
        spec.optional_properties().difference(seen).map(describe).collect();
    let explained: BTreeSet<&str> = by_design.iter().map(|(property, _)| *property).collect();
    Unseen {
        unexplained: missing.iter().filter(|p| !explained.contains(p.as_str())).cloned().collect(),
        stale: explained.into_iter().filter(|p| !missing.contains(*p)).map(str::to_owned).collect(),
    }
}

/// Whether libtest's arguments (without the program name) run every test: no test-name
/// filter and none of `--skip`, `--exact`, `--ignored`, `--list`, `--bench`,
/// `--exclude-should-panic`. Only such a run can tell an untested operation.
pub fn is_full_run(args: impl IntoIterator<Item = String>) -> bool {
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--skip"
            | "--exact"
            | "--ignored"
            | "--list"
            | "--bench"
            | "--exclude-should-panic" => {
                return false;
            }
            // Options whose value is the next argument.
            "--test-threads" | "--color" | "--format" | "--logfile" | "--shuffle-seed" | "-Z" => {
                args.next();
            }
            a if a.starts_with("--skip=") => return false,
            a if a.starts_with('-') => {}
            _ => return false, // a test-name filter
        }
    }
    true
}

extern "C" fn at_exit() {
    if !is_full_run(std::env::args().skip(1)) {
        return;
    }
    let run = lock(run());
    let spec = support::spec();
    let db = std::env::var("SYNADM_TEST_DB").unwrap_or_else(|_| "sqlite".into());
    let mut calls = run.calls.clone();
    if db == "sqlite" {
        for (op, _) in NO_SUCCESS_ON_SQLITE {
            calls.entry(op.to_string()).or_default().succeeded = true;
        }
    }
    let gaps = coverage_gaps(&spec.operation_ids(), &calls);
    let unseen = unseen(spec, &run.seen, UNSEEN_BY_DESIGN);
    let strict = std::env::var(ENV_STRICT).is_ok_and(|v| v == "1");

    let mut report = format!(
        "Optional properties of openapi/synapse.yaml that no reply carried in the last full \
         contract run ({db} database)\n\
         - unexplained (make a test produce them, or drop them from the spec): {}\n",
        unseen.unexplained.len()
    );
    for property in &unseen.unexplained {
        report.push_str(&format!("    {property}\n"));
    }
    report.push_str("- expected (UNSEEN_BY_DESIGN in tests/contract/record.rs):\n");
    for (property, why) in UNSEEN_BY_DESIGN {
        report.push_str(&format!("    {property}: {why}\n"));
    }
    if !unseen.stale.is_empty() {
        report.push_str("- stale entries of UNSEEN_BY_DESIGN (seen after all, or undeclared):\n");
        for property in &unseen.stale {
            report.push_str(&format!("    {property}\n"));
        }
    }
    let written = match std::fs::write(UNSEEN_REPORT, &report) {
        Ok(()) => format!("(also in {UNSEEN_REPORT})"),
        Err(e) => format!("(cannot write {UNSEEN_REPORT}: {e})"),
    };
    let mut err = std::io::stderr().lock();
    let surprises = !unseen.unexplained.is_empty() || !unseen.stale.is_empty();
    if surprises {
        let _ = writeln!(err, "\n{report}{written}");
    } else {
        let _ = writeln!(
            err,
            "contract: every optional property of the spec was seen, but the {} expected \
             not to be {written}",
            UNSEEN_BY_DESIGN.len()
        );
    }
    let mut failed = false;
    if !gaps.is_empty() {
        failed = true;
        let _ = writeln!(
            err,
            "\nerror: operations of openapi/synapse.yaml the contract tests did not exercise \
             (if tests failed above, their calls may be missing):\n  {}",
            gaps.join("\n  ")
        );
    }
    if !run.unchecked.is_empty() {
        failed = true;
        let _ = writeln!(
            err,
            "\nerror: replies no contract check saw:\n  {}",
            run.unchecked.join("\n  ")
        );
    }
    if strict && surprises {
        failed = true;
        let _ = writeln!(
            err,
            "error: {ENV_STRICT}=1, and the report of unseen optional properties is not clean"
        );
    }
    if failed {
        let _ = err.flush();
        // SAFETY: ends the process at once; `exit` is already running and must not be
        // re-entered, and the tests are over.
        unsafe { libc::_exit(101) };
    }
}
