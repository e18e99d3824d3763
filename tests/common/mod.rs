//! A real Synapse homeserver for integration tests, shared by every test in one test binary.
//!
//! `synapse()` starts a seeded throwaway server once per test binary through
//! `tests/synapse/harness.py` (which also builds the Synapse virtualenv on first use). The
//! harness's watchdog stops the server when this test binary exits, whether the tests passed or
//! failed. Set `SYNADM_TEST_DB=postgres` to run against PostgreSQL instead of SQLite.
//!
//! Seed data (see `Synapse::seed`, also in `<data_dir>/seed.json`):
//! - users alice, bob, carol, dave (password `password-<name>`), eve (deactivated);
//!   alice has devices ALICEPHONE and ALICELAPTOP, bob BOBDESKTOP, carol CAROLWEB, dave none;
//! - rooms General (public, `#general:test.local`), Project X (private), Abandoned (empty, its
//!   creator dave left: the server is no longer in it); all three of room version 12, the default;
//! - rooms with an explicit version, both created by carol, bob joined with power level 50:
//!   `/rooms/v12` "Version 12" (additional creator dave, never joined; carol and dave are not in
//!   `users`) and `/rooms/v10` "Version 10" (`users`: carol 100, bob 50);
//! - `/rooms/history` "History" (alice, bob joined): messages `/history/before/0..3`, a 60 ms
//!   pause whose middle is `/history/cutoff_ts`, then `/history/after/0..3`; `last_before_ts`
//!   and `first_after_ts` are the `origin_server_ts` of the two messages around the cut-off.
//!   Purging up to `cutoff_ts` with `delete_local_events` deletes all of `before` and keeps all
//!   of `after`; without it, these local users' messages stay in the database as outliers that
//!   clients no longer see (the admin `fetch_event` still finds them);
//! - 6 rooms in all (`room list -l 4` has two pages), before any test creates its own;
//! - media `alice_png` (1x1 PNG) and `bob_txt`; registration token `seedtoken` (5 uses).
//!
//! Tests that change or delete things should work on `fresh_user` users, or on rooms they create
//! themselves, so the seed data stays as described for the other tests.
#![allow(dead_code)]

pub mod run;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Value, json};

/// A running, seeded Synapse.
#[derive(Debug)]
pub struct Synapse {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub base_url: String,
    /// `@admin:test.local`
    pub admin_user: String,
    pub admin_token: String,
    /// `test.local`
    pub server_name: String,
    /// Holds homeserver.yaml, homeserver.log, synadm.yaml, server.json, seed.json, the DB.
    pub data_dir: PathBuf,
    /// `sqlite` or `postgres`
    pub db: String,
    /// The seed description printed by the harness (users, rooms, aliases, media, events, …).
    pub seed: Value,
    pub port: u16,
    /// PID of the Synapse process.
    pub pid: u32,
}

const ENV_DB: &str = "SYNADM_TEST_DB";
const ENV_PYTHON: &str = "SYNADM_TEST_PYTHON";

static SYNAPSE: OnceLock<Result<Synapse, String>> = OnceLock::new();
static USER_COUNTER: AtomicUsize = AtomicUsize::new(0);

/// The shared, seeded Synapse of this test binary; started on first use.
///
/// Panics with the harness's output if the server cannot be installed or started: a missing
/// server is a failure, never a skipped test.
pub fn synapse() -> &'static Synapse {
    match SYNAPSE.get_or_init(start) {
        Ok(s) => s,
        Err(msg) => panic!("{msg}"),
    }
}

fn repo_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn harness_script() -> PathBuf {
    repo_dir().join("tests").join("synapse").join("harness.py")
}

fn run_harness(args: &[&str]) -> Result<Output, String> {
    let python = std::env::var(ENV_PYTHON).unwrap_or_else(|_| "python3".to_string());
    Command::new(&python)
        .arg(harness_script())
        .args(args)
        .current_dir(repo_dir())
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run `{python} {}`: {e}", harness_script().display()))
}

fn harness_failure(what: &str, out: &Output) -> String {
    format!(
        "real-Synapse test harness: `harness.py {what}` failed ({}).\n\
         --- harness stderr ---\n{}\n--- harness stdout ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr).trim_end(),
        String::from_utf8_lossy(&out.stdout).trim_end(),
    )
}

/// This test binary's name without cargo's `-<hash>` suffix.
fn binary_name() -> String {
    let exe = std::env::current_exe().ok();
    let stem = exe
        .as_deref()
        .and_then(Path::file_stem)
        .and_then(|s| s.to_str())
        .unwrap_or("tests")
        .to_string();
    match stem.rsplit_once('-') {
        Some((name, hash))
            if !name.is_empty()
                && hash.len() == 16
                && hash.chars().all(|c| c.is_ascii_hexdigit()) =>
        {
            name.to_string()
        }
        _ => stem,
    }
}

fn pid_file_alive(path: &Path) -> bool {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_owned))
        .and_then(|s| s.parse::<u32>().ok())
        .is_some_and(|pid| Path::new(&format!("/proc/{pid}")).exists())
}

/// Remove the data dirs of earlier runs of this same test binary whose processes are all gone,
/// so `target/synapse-runs` keeps only the latest run of each binary (for post-mortems).
fn prune_old_runs(runs: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(runs) else {
        return;
    };
    let prefix = format!("{name}-");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|f| f.strip_prefix(&prefix)) else {
            continue;
        };
        let Ok(owner) = rest.parse::<u32>() else {
            continue;
        };
        let dir = entry.path();
        if owner == std::process::id()
            || Path::new(&format!("/proc/{owner}")).exists()
            || pid_file_alive(&dir.join("synapse.pid"))
            || pid_file_alive(&dir.join("pg").join("postmaster.pid"))
        {
            continue;
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

fn start() -> Result<Synapse, String> {
    let db = std::env::var(ENV_DB).unwrap_or_else(|_| "sqlite".to_string());
    if db != "sqlite" && db != "postgres" {
        return Err(format!("{ENV_DB}={db:?}: expected `sqlite` or `postgres`"));
    }

    let install = run_harness(&["install"])?;
    if !install.status.success() {
        return Err(harness_failure("install", &install));
    }

    let name = binary_name();
    let runs = repo_dir().join("target").join("synapse-runs");
    prune_old_runs(&runs, &name);
    let data_dir = runs.join(format!("{name}-{}", std::process::id()));
    let data_dir_str = data_dir.to_string_lossy().into_owned();
    let owner = std::process::id().to_string();
    let args = ["start", "--data-dir", &data_dir_str, "--seed", "--owner-pid", &owner, "--db", &db];
    let out = run_harness(&args)?;
    if !out.status.success() {
        return Err(harness_failure("start", &out));
    }
    let info: Value = serde_json::from_slice(&out.stdout).map_err(|e| {
        format!(
            "real-Synapse test harness: `harness.py start` printed no JSON ({e})\n{}",
            harness_failure("start", &out)
        )
    })?;
    let text = |key: &str| -> Result<String, String> {
        info.get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| format!("harness.py start: no string `{key}` in {info}"))
    };
    let number = |key: &str| -> Result<u64, String> {
        info.get(key)
            .and_then(Value::as_u64)
            .ok_or_else(|| format!("harness.py start: no number `{key}` in {info}"))
    };
    let synapse = Synapse {
        base_url: text("base_url")?,
        admin_user: text("admin_user")?,
        admin_token: text("admin_token")?,
        server_name: text("server_name")?,
        data_dir: PathBuf::from(text("data_dir")?),
        db: text("db")?,
        seed: info.get("seed").cloned().unwrap_or(Value::Null),
        port: u16::try_from(number("port")?).map_err(|e| format!("port: {e}"))?,
        pid: u32::try_from(number("pid")?).map_err(|e| format!("pid: {e}"))?,
    };
    let hint = if synapse.db == "sqlite" {
        format!(" (PostgreSQL runs are enabled with {ENV_DB}=postgres)")
    } else {
        String::new()
    };
    // Written to the real stderr, not through eprintln!, so libtest does not capture it.
    let _ = writeln!(
        std::io::stderr(),
        "real Synapse for `{name}`: {} database{hint}, {} (pid {}), data in {}",
        if synapse.db == "sqlite" { "SQLite" } else { "PostgreSQL" },
        synapse.base_url,
        synapse.pid,
        synapse.data_dir.display(),
    );
    Ok(synapse)
}

/// The Synapse release the tests run against: the pin (`tests/synapse/synapse-version`), or
/// the release named in `SYNADM_TEST_SYNAPSE_VERSION`.
pub fn synapse_version() -> String {
    match std::env::var("SYNADM_TEST_SYNAPSE_VERSION") {
        Ok(v) if !v.trim().is_empty() => v.trim().to_string(),
        _ => include_str!("../synapse/synapse-version").trim().to_string(),
    }
}

/// A name nobody has used yet in this run: `prefix-N-PID`.
/// A command line written as one string, split at spaces: `words("user list -l 5")`. For
/// arguments without spaces; the others are written as arrays.
pub fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

pub fn unique(prefix: &str) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    format!("{prefix}-{n}-{}", std::process::id())
}

pub const DAY_MS: i64 = 86_400_000;

/// Now, in milliseconds since the epoch (the clock the binary and the server read too).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// Percent-encodes one path segment or query value (`@alice:test.local` → `%40alice%3Atest.local`).
pub fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `text` as an SQL string literal (single quotes, doubled inside).
pub fn sql_text(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

impl Synapse {
    /// Runs one SQL statement on the server's database (SQLite or PostgreSQL) through the
    /// harness and returns its rows, every value as text (`None` for NULL). For test data the
    /// APIs cannot make; quote values with [`sql_text`].
    #[track_caller]
    pub fn sql(&self, statement: &str) -> Vec<Vec<Option<String>>> {
        let dir = self.data_dir.to_string_lossy().into_owned();
        let out =
            run_harness(&["sql", "--data-dir", &dir, statement]).unwrap_or_else(|e| panic!("{e}"));
        assert!(out.status.success(), "{}", harness_failure("sql", &out));
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("harness.py sql printed no rows ({e}): {out:?}"))
    }

    /// The synadm-compatible config file for the admin user (`DIR/synadm.yaml`, mode 0600).
    pub fn config_file(&self) -> PathBuf {
        self.data_dir.join("synadm.yaml")
    }

    /// `@localpart:test.local`
    pub fn user_id(&self, localpart: &str) -> String {
        format!("@{localpart}:{}", self.server_name)
    }

    /// A string from the seed description by JSON pointer, e.g. `"/rooms/general"`.
    pub fn seed_str(&self, pointer: &str) -> &str {
        self.seed
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("seed has no string at {pointer}: {}", self.seed))
    }

    /// Creates a new user through the admin API (`PUT /_synapse/admin/v2/users/…`) with a
    /// unique localpart derived from `prefix`, and logs them in. Their password is
    /// `password-<localpart>`. Returns `(user_id, access_token)`.
    ///
    /// For destructive tests that must not disturb the seed data.
    pub fn fresh_user(&self, prefix: &str) -> (String, String) {
        let n = USER_COUNTER.fetch_add(1, Ordering::SeqCst);
        let mut base: String = prefix
            .chars()
            .map(|c| {
                let c = c.to_ascii_lowercase();
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '=') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if base.is_empty() {
            base.push_str("user");
        }
        let localpart = format!("{base}-{n}-{}", std::process::id());
        let user_id = self.user_id(&localpart);
        let password = format!("password-{localpart}");
        let (status, body) = self.admin_request(
            "PUT",
            &format!("/_synapse/admin/v2/users/{}", enc(&user_id)),
            Some(&json!({ "password": password, "displayname": prefix })),
        );
        assert!(
            status == 201 || status == 200,
            "fresh_user: creating {user_id} answered HTTP {status}: {body}"
        );
        let (status, body) = self.request(
            None,
            "POST",
            "/_matrix/client/v3/login",
            Some(&json!({
                "type": "m.login.password",
                "identifier": { "type": "m.id.user", "user": localpart },
                "password": password,
            })),
        );
        assert_eq!(status, 200, "fresh_user: logging in {user_id} answered HTTP {status}: {body}");
        let token = body
            .get("access_token")
            .and_then(Value::as_str)
            .unwrap_or_else(|| {
                panic!("fresh_user: login of {user_id} gave no access_token: {body}")
            })
            .to_string();
        (user_id, token)
    }

    /// Performs a request with the admin token; returns the status and the JSON body
    /// (`Value::Null` for an empty body, a `Value::String` for a body that is not JSON).
    /// `path` starts with `/` and is already percent-encoded (see [`enc`]).
    pub fn admin_request(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        self.request(Some(&self.admin_token), method, path, body)
    }

    /// [`Synapse::admin_request`] that must succeed (HTTP 200): the set-up steps of a test.
    /// Returns the body.
    #[track_caller]
    pub fn admin_ok(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        self.ok_as(&self.admin_token, method, path, body)
    }

    /// [`Synapse::request_as`] that must succeed (HTTP 200). Returns the body.
    #[track_caller]
    pub fn ok_as(&self, token: &str, method: &str, path: &str, body: Option<&Value>) -> Value {
        let (status, reply) = self.request(Some(token), method, path, body);
        assert_eq!(status, 200, "{method} {path}: {reply}");
        reply
    }

    /// The admin API's `media_info` of a local media item; `None` once it is deleted.
    #[track_caller]
    pub fn media_info(&self, media_id: &str) -> Option<Value> {
        let target = format!("/_synapse/admin/v1/media/{}/{}", self.server_name, enc(media_id));
        match self.admin_request("GET", &target, None) {
            (200, reply) => Some(reply["media_info"].clone()),
            (404, _) => None,
            (status, reply) => panic!("media info of {media_id}: HTTP {status}: {reply}"),
        }
    }

    /// Like [`Synapse::admin_request`], with another user's access token.
    pub fn request_as(
        &self,
        token: &str,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> (u16, Value) {
        self.request(Some(token), method, path, body)
    }

    /// Like [`Synapse::admin_request`]; `token: None` sends no Authorization header.
    pub fn request(
        &self,
        token: Option<&str>,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let mut headers = vec![
            ("Accept".to_string(), "application/json".to_string()),
            ("User-Agent".to_string(), "synadm-tests".to_string()),
        ];
        if let Some(t) = token {
            headers.push(("Authorization".into(), format!("Bearer {t}")));
        }
        let payload = match body {
            Some(v) => serde_json::to_vec(v).expect("a JSON value serialises"),
            None => Vec::new(),
        };
        if body.is_some() {
            headers.push(("Content-Type".into(), "application/json".into()));
        }
        if body.is_some() || !matches!(method, "GET" | "HEAD" | "DELETE") {
            headers.push(("Content-Length".into(), payload.len().to_string()));
        }
        let reply = self
            .forward(method, path, &headers, &payload)
            .unwrap_or_else(|e| panic!("{method} {}{path} failed: {e}", self.base_url));
        let value = if reply.body.iter().all(u8::is_ascii_whitespace) {
            Value::Null
        } else {
            serde_json::from_slice(&reply.body).unwrap_or_else(|_| {
                Value::String(String::from_utf8_lossy(&reply.body).into_owned())
            })
        };
        (reply.status, value)
    }

    /// A minimal HTTP/1.1 client: sends one request as given (`target`: percent-encoded path
    /// and query; `headers` including Content-Length when there is a body) and returns the
    /// reply. `Host` and `Connection: close` are set here: one request per connection. Used by [`Synapse::request`] and
    /// by the contract tests' recording proxy, which passes the generated client's requests on.
    pub fn forward(
        &self,
        method: &str,
        target: &str,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<HttpReply, String> {
        let host =
            self.base_url.strip_prefix("http://").unwrap_or(&self.base_url).trim_end_matches('/');
        let mut stream = TcpStream::connect(host).map_err(|e| format!("connect {host}: {e}"))?;
        let timeout = Some(Duration::from_secs(120));
        stream.set_read_timeout(timeout).map_err(|e| e.to_string())?;
        stream.set_write_timeout(timeout).map_err(|e| e.to_string())?;
        let mut head =
            format!("{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
        for (name, value) in headers {
            if !["host", "connection", "keep-alive"].iter().any(|h| name.eq_ignore_ascii_case(h)) {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
        }
        head.push_str("\r\n");
        let mut request = head.into_bytes();
        request.extend_from_slice(body);
        stream.write_all(&request).map_err(|e| format!("send: {e}"))?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response).map_err(|e| format!("receive: {e}"))?;
        parse_response(&response, method == "HEAD")
    }
}

/// One HTTP reply: status, headers in the order received, and the body (de-chunked).
#[derive(Debug)]
pub struct HttpReply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Splits a complete HTTP/1.1 response into status, headers and body (Content-Length, chunked
/// or read-to-close). Public so its parsing can be unit-tested.
pub fn parse_response(response: &[u8], head_only: bool) -> Result<HttpReply, String> {
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| format!("incomplete HTTP response ({} bytes)", response.len()))?;
    let head = String::from_utf8_lossy(&response[..split]);
    let rest = &response[split + 4..];
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| format!("bad HTTP status line {status_line:?}"))?;
    if (100..200).contains(&status) {
        // An interim response (we never send Expect:, but be safe): parse the next one.
        return parse_response(rest, head_only);
    }
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.to_string(), value.trim().to_string()))
        .collect();
    let header = |wanted: &str| {
        headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(wanted))
            .map(|(_, value)| value.as_str())
    };
    let chunked =
        header("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let length = header("content-length").and_then(|v| v.parse::<usize>().ok());
    let body = if head_only || status == 204 || status == 304 {
        Vec::new()
    } else if chunked {
        dechunk(rest)?
    } else if let Some(n) = length {
        if rest.len() < n {
            return Err(format!("body truncated: {} of {n} bytes", rest.len()));
        }
        rest[..n].to_vec()
    } else {
        rest.to_vec()
    };
    Ok(HttpReply { status, headers, body })
}

/// Decodes a `Transfer-Encoding: chunked` body.
pub fn dechunk(mut data: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let eol = data
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("chunked body: missing chunk size line")?;
        let line = String::from_utf8_lossy(&data[..eol]);
        let size_text = line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| format!("chunked body: bad chunk size {size_text:?}"))?;
        data = &data[eol + 2..];
        if size == 0 {
            return Ok(out); // trailers, if any, are ignored
        }
        if data.len() < size {
            return Err("chunked body: truncated chunk".to_string());
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size..];
        data = data.strip_prefix(b"\r\n").unwrap_or(data);
    }
}
