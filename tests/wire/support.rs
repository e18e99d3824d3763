//! Running the real `synadm` binary against an httpmock server with a throwaway config,
//! and the mocks every wire test builds on.
//!
//! Every mock made through [`Env::mock`] and the helpers on it expects the configured token
//! in the `Authorization` header. [`Env::reply`], [`Env::reply_to_body`] and
//! [`Env::reply_to_query`] pin the whole request: the exact query (or none) and the exact
//! body (none, or one JSON document). The loose ones say so in their names:
//! [`Env::reply_loose`] (any query and body), [`Env::recording`] (any query and body, kept
//! for the test to check values it can only compute after the run), and the catch-alls
//! [`Env::any_request`] / [`Env::any_request_with`] that count requests that must not come.

pub use crate::common::run::Run;
use crate::common::run::synadm;
use crate::common::words;
use httpmock::{HttpMockRequest, HttpMockResponse, Method, Mock, MockServer, Then, When};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

pub const TOKEN: &str = "syt_wire_test_secret_token";
pub const AUTH: &str = "Bearer syt_wire_test_secret_token";
pub use crate::common::{DAY_MS, now_ms};

/// Request conditions beyond what httpmock spells in one call.
pub trait WhenExt {
    /// Exactly these query parameters (any order, repeated keys allowed), and no others.
    fn exact_query(self, params: &[(&str, &str)]) -> When;
    /// No query parameters at all.
    fn no_query(self) -> When;
    /// An empty request body.
    fn no_body(self) -> When;
}

impl WhenExt for When {
    fn exact_query(self, params: &[(&str, &str)]) -> When {
        let count = params.len();
        params
            .iter()
            .fold(self, |when, (key, value)| when.query_param(*key, *value))
            .is_true(move |req: &HttpMockRequest| req.query_params().len() == count)
    }

    fn no_query(self) -> When {
        self.is_true(|req: &HttpMockRequest| req.query_params().is_empty())
    }

    fn no_body(self) -> When {
        // (httpmock's `body("")` refuses GET mocks; this works for every method.)
        self.is_true(|req: &HttpMockRequest| req.body_ref().is_empty())
    }
}

/// The requests a [`Env::recording`] mock answered, in order.
#[derive(Clone, Default)]
pub struct Recorded(Arc<Mutex<Vec<Seen>>>);

/// One request a recording mock answered.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The decoded query parameters, in order.
    pub query: Vec<(String, String)>,
    /// The body as JSON (`Value::Null` when empty or not JSON).
    pub body: Value,
}

impl Seen {
    /// The value of query parameter `key`, if sent.
    pub fn query(&self, key: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

impl Recorded {
    /// Every request so far.
    pub fn all(&self) -> Vec<Seen> {
        self.0.lock().unwrap().clone()
    }

    /// The only request so far (fails the test if there were none or several).
    #[track_caller]
    pub fn one(&self) -> Seen {
        let all = self.all();
        assert_eq!(all.len(), 1, "expected exactly one request: {all:#?}");
        all[0].clone()
    }
}

/// One mock Synapse plus a home directory holding a synadm.yaml that points at it.
pub struct Env {
    pub server: MockServer,
    pub home: tempfile::TempDir,
}

impl Env {
    /// A mock server and a config with `homeserver: example.org`.
    pub fn new() -> Env {
        Env::with_config("homeserver: example.org\n")
    }

    /// A mock server and a config whose extra YAML lines are `extra`.
    pub fn with_config(extra: &str) -> Env {
        let server = MockServer::start();
        let home = tempfile::tempdir().expect("temp dir");
        let config = format!(
            "base_url: {}\ntoken: {TOKEN}\nformat: json\nuser: admin\n{extra}",
            server.base_url()
        );
        std::fs::create_dir_all(home.path().join(".config")).unwrap();
        std::fs::write(home.path().join(".config/synadm.yaml"), config).unwrap();
        Env { server, home }
    }

    /// A mock like `server.mock`, that also expects `Authorization: Bearer TOKEN`.
    pub fn mock(&self, config: impl FnOnce(When, Then)) -> Mock<'_> {
        self.server.mock(|when, then| config(when.header("authorization", AUTH), then))
    }

    /// Answers `method path` with no query and no body with `status` and a JSON `reply`.
    pub fn reply(&self, method: Method, path: &str, status: u16, reply: Value) -> Mock<'_> {
        self.mock(|when, then| {
            when.method(method).path(path).no_query().no_body();
            then.status(status).json_body(reply);
        })
    }

    /// Answers `method path` with no query and no body with `status` and the Matrix error
    /// `{"errcode": errcode, "error": error}`.
    pub fn reply_error(
        &self,
        method: Method,
        path: &str,
        status: u16,
        errcode: &str,
        error: &str,
    ) -> Mock<'_> {
        self.reply(method, path, status, json!({"errcode": errcode, "error": error}))
    }

    /// Answers `method path` with exactly the JSON `body` and no query.
    pub fn reply_to_body(
        &self,
        method: Method,
        path: &str,
        body: Value,
        status: u16,
        reply: Value,
    ) -> Mock<'_> {
        self.mock(|when, then| {
            when.method(method).path(path).no_query().json_body(body);
            then.status(status).json_body(reply);
        })
    }

    /// Answers `method path` with exactly the `query` parameters and no body.
    pub fn reply_to_query(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        status: u16,
        reply: Value,
    ) -> Mock<'_> {
        self.mock(|when, then| {
            when.method(method).path(path).exact_query(query).no_body();
            then.status(status).json_body(reply);
        })
    }

    /// Answers `method path` whatever its query and body: for requests that a test
    /// pins elsewhere (or whose details are not its subject). Still expects the token.
    pub fn reply_loose(&self, method: Method, path: &str, status: u16, reply: Value) -> Mock<'_> {
        self.mock(|when, then| {
            when.method(method).path(path);
            then.status(status).json_body(reply);
        })
    }

    /// Answers `method path` (any query and body) with `status` and a JSON `reply`, and
    /// records what each request sent, for values the test computes after the run.
    pub fn recording(
        &self,
        method: Method,
        path: &str,
        status: u16,
        reply: Value,
    ) -> (Mock<'_>, Recorded) {
        let recorded = Recorded::default();
        let log = recorded.0.clone();
        let reply = serde_json::to_vec(&reply).expect("JSON reply");
        let mock = self.mock(move |when, then| {
            when.method(method).path(path);
            then.respond_with(move |req: &HttpMockRequest| {
                log.lock().unwrap().push(Seen {
                    query: req.query_params(),
                    body: serde_json::from_slice(req.body_ref()).unwrap_or(Value::Null),
                });
                HttpMockResponse::builder()
                    .status(status)
                    .header("content-type", "application/json")
                    .body(reply.clone())
                    .build()
            });
        });
        (mock, recorded)
    }

    /// A mock that answers every request (token or not) with HTTP 500: for commands that
    /// must send nothing, checked with `assert_calls(0)`. Add it after the real mocks.
    pub fn any_request(&self) -> Mock<'_> {
        self.server.mock(|when, then| {
            when.any_request();
            then.status(500);
        })
    }

    /// A mock that answers every `method` request (any path, token or not) with HTTP 500:
    /// for the one kind of request a command must not send, checked with
    /// `assert_calls(0)` while the other mocks answer the rest.
    pub fn any_request_with(&self, method: Method) -> Mock<'_> {
        self.server.mock(|when, then| {
            when.method(method);
            then.status(500);
        })
    }

    /// Answers the first `method path` request (any query and body) with 429
    /// `M_LIMIT_EXCEEDED` and `Retry-After: 1`, and no later one.
    pub fn rate_limited_once(&self, method: Method, path: &str) -> Mock<'_> {
        self.mock(|when, then| {
            when.method(method).path(path);
            then.status(429)
                .header("retry-after", "1")
                .json_body(json!({"errcode": "M_LIMIT_EXCEEDED", "error": "Too Many Requests"}))
                .up_to_n_times(1);
        })
    }

    /// Replaces the config file with `text`.
    pub fn write_config(&self, text: &str) {
        std::fs::write(self.config_path(), text).expect("write the config file");
    }

    /// A mock of the version endpoint answering Synapse `version`.
    pub fn server_version(&self, version: &str) -> Mock<'_> {
        self.reply(
            Method::GET,
            "/_synapse/admin/v1/server_version",
            200,
            json!({ "server_version": version }),
        )
    }

    pub fn config_path(&self) -> PathBuf {
        self.home.path().join(".config/synadm.yaml")
    }

    /// Runs `synadm ARGS` with this home directory and no stdin.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_input(args, "")
    }

    /// Runs `synadm ARGS` inside an 80-column terminal (util-linux `script`, from Debian's
    /// essential bsdutils): stderr is the terminal, and so is stdout unless `stdout_to` names a
    /// file. Returns what the terminal showed, byte for byte (lines end in `\r\n`).
    pub fn run_on_terminal(&self, stdout_to: Option<&Path>, args: &[&str]) -> String {
        let quote = |s: &str| format!("'{}'", s.replace('\'', "'\\''"));
        let mut command =
            format!("stty cols 80 rows 20; exec {}", quote(env!("CARGO_BIN_EXE_synadm")));
        for arg in args {
            command.push(' ');
            command.push_str(&quote(arg));
        }
        if let Some(file) = stdout_to {
            command.push_str(&format!(" >{}", quote(&file.to_string_lossy())));
        }
        let out = Command::new("script")
            .args(["-q", "-e", "-c", &command, "/dev/null"])
            .env_clear()
            .env("HOME", self.home.path())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("TERM", "xterm")
            .stdin(Stdio::null())
            .output()
            .expect("run synadm under script(1)");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs `synadm ARGS`, feeding `input` on stdin.
    pub fn run_with_input(&self, args: &[&str], input: &str) -> Run {
        synadm(self.home.path(), args, input, &[], &[TOKEN])
    }

    /// Runs the binary with extra environment variables (their values count as secrets:
    /// the run fails if one reaches stdout or stderr).
    pub fn run_with_env(&self, args: &[&str], vars: &[(&str, &str)]) -> Run {
        let secrets: Vec<&str> =
            std::iter::once(TOKEN).chain(vars.iter().map(|(_, v)| v.trim())).collect();
        synadm(self.home.path(), args, "", vars, &secrets)
    }
}

/// Asserts that each of `commands` (command lines split at spaces, run with `--batch`) fails
/// with exit code 1 and names Synapse's error when every request meets an HTTP 500 Matrix
/// error.
pub fn assert_each_reports_a_server_error(commands: &[&str]) {
    let env = Env::new();
    env.mock(|when, then| {
        when.any_request();
        then.status(500)
            .json_body(json!({"errcode": "M_UNKNOWN", "error": "Internal server error"}));
    });
    for line in commands {
        let args = [&["--batch"][..], &words(line)].concat();
        env.run(&args).fails(1, "M_UNKNOWN: Internal server error (HTTP 500)");
    }
}

/// Asserts that each case, run as `prefix` followed by its arguments, is refused as a usage
/// error (exit code 2) whose message contains the case's text, and that no request reaches
/// the server. Returns the runs, in order, for checks of their own.
#[track_caller]
pub fn usage_errors(prefix: &[&str], cases: &[(&[&str], &str)]) -> Vec<Run> {
    let env = Env::new();
    let any = env.any_request();
    let runs = cases.iter().map(|(args, says)| env.run(&[prefix, args].concat()).fails(2, says));
    let runs = runs.collect();
    any.assert_calls(0);
    runs
}

/// The rows a bulk run printed as one JSON list, sorted by `key` (they come as items finish).
pub fn sorted(run: &Run, key: &str) -> Vec<serde_json::Value> {
    let mut rows = run.json().as_array().cloned().unwrap_or_default();
    rows.sort_by_key(|r| r[key].to_string());
    rows
}

/// A full AdminUser reply as Synapse 1.163 sends it.
pub fn admin_user(name: &str) -> serde_json::Value {
    serde_json::json!({
        "name": name, "displayname": "Alice Ä", "avatar_url": null, "admin": false,
        "deactivated": false, "erased": false, "locked": false, "suspended": false,
        "shadow_banned": false, "is_guest": false, "user_type": null,
        "creation_ts": 1700000000, "last_seen_ts": 1700000123456_i64, "appservice_id": null,
        "consent_server_notice_sent": null, "consent_version": null, "consent_ts": null,
        "threepids": [{"medium": "email", "address": "alice@example.org", "validated_at": 1, "added_at": 1}],
        "external_ids": [], "brand_new_field": "kept"
    })
}

/// A user entry of the v2 user list.
pub fn list_entry(name: &str) -> serde_json::Value {
    serde_json::json!({
        "name": name, "user_type": null, "is_guest": false, "admin": false,
        "deactivated": false, "shadow_banned": false, "displayname": "Someone",
        "avatar_url": null, "creation_ts": 1700000000000_i64, "erased": false,
        "last_seen_ts": null, "locked": false
    })
}
