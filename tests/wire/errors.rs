//! Failures: Matrix errors, non-Matrix replies, network trouble, rate limits. Each must
//! exit non-zero with one line on stderr and nothing on stdout.

use crate::support::{Env, TOKEN, assert_each_reports_a_server_error};
use httpmock::Method::GET;
use serde_json::json;
use std::time::{Duration, Instant};

const DETAILS: &str = "/_synapse/admin/v2/users/@alice:example.org";

fn replying(status: u16, body: serde_json::Value) -> Env {
    let env = Env::new();
    env.mock(|when, then| {
        when.method(GET).path(DETAILS);
        then.status(status).json_body(body);
    });
    env
}

#[test]
fn matrix_errors_name_errcode_and_status() {
    let cases = [
        (401, "M_UNKNOWN_TOKEN", "Invalid access token passed."),
        (403, "M_FORBIDDEN", "You are not a server admin"),
        (404, "M_NOT_FOUND", "User not found"),
        (429, "M_LIMIT_EXCEEDED", "Too Many Requests"),
        (500, "M_UNKNOWN", "Internal server error"),
    ];
    for (status, errcode, message) in cases {
        let env =
            replying(status, json!({"errcode": errcode, "error": message, "retry_after_ms": 10}));
        let run = env.run(&["user", "details", "alice"]);
        run.fails(1, &format!("error: {errcode}: {message} (HTTP {status})\n"));
    }
}

#[test]
fn every_user_command_reports_server_errors() {
    let commands = &[
        "version",
        "user list",
        "user list --all",
        "user search a",
        "user details a",
        "user modify a -n x",
        "user deactivate a",
        "user deactivate-regex a",
        "user password a -p x",
        "user login a",
        "user media a",
        "user media a --all",
        "user membership a",
        "user whois a",
        "user 3pid a@example.org",
        "user auth-provider -p oidc a",
        "user prune-devices a",
        "user redact a",
        "user redact-status a",
        "user shadow-ban a",
        "user suspend a",
    ];
    assert_each_reports_a_server_error(commands);
}

#[test]
fn a_proxy_html_page_is_a_non_matrix_reply_with_status_and_first_bytes() {
    let env = Env::new();
    env.mock(|when, then| {
        when.method(GET).path(DETAILS);
        then.status(502)
            .header("content-type", "text/html")
            .body("<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>");
    });
    let run = env.run(&["user", "details", "alice"]).fails(5, "(HTTP 502)");
    run.stderr_has("<title>502 Bad Gateway</title>");
    assert_eq!(run.stderr.lines().count(), 1, "{run:#?}");
}

#[test]
fn a_success_reply_of_the_wrong_shape_is_reported() {
    let env = replying(200, json!({"unexpected": true}));
    env.run(&["user", "details", "alice"]).fails(5, "unexpected reply shape");
}

#[test]
fn a_reply_of_the_wrong_shape_says_what_was_expected_in_words() {
    let env = Env::new();
    env.reply(GET, "/_synapse/admin/v1/server_version", 200, json!([1, 2]));
    let run = env
        .run(&["version"])
        .fails(5, "unexpected reply shape (invalid type: sequence, expected an object");
    assert!(!run.stderr.contains("struct"), "{run:#?}");
    assert!(!run.stderr.contains("ServerVersion"), "{run:#?}");
}

#[test]
fn a_missing_unix_socket_is_named() {
    let env = Env::new();
    let socket = env.home.path().join("run/synapse.sock");
    env.write_config(&format!(
        "protocol: unix\nbase_url: {}\ntoken: {}\nhomeserver: example.org\n",
        socket.display(),
        crate::support::TOKEN
    ));
    env.run(&["version"]).fails(
        4,
        &format!("network: cannot connect: the Unix socket {} does not exist", socket.display()),
    );
}

#[test]
fn an_unreachable_server_is_a_network_error() {
    let env = Env::with_config("homeserver: example.org\n");
    let config = std::fs::read_to_string(env.config_path()).unwrap();
    let closed = config.replace(&env.server.base_url(), "http://127.0.0.1:9");
    env.write_config(&closed);
    env.run(&["version"]).fails(4, "network: cannot connect");
}

#[test]
fn a_slow_server_times_out_per_the_config() {
    let env = Env::with_config("homeserver: example.org\ntimeout: 1\n");
    env.mock(|when, then| {
        when.method(GET).path("/_synapse/admin/v1/server_version");
        then.status(200).delay(Duration::from_secs(4)).json_body(json!({"server_version": "1"}));
    });
    let started = Instant::now();
    env.run(&["version"]).fails(4, "timed out");
    assert!(started.elapsed() < Duration::from_secs(4));
}

#[test]
fn rate_limiting_with_retry_after_is_retried() {
    let env = Env::new();
    let limited = env.mock(|when, then| {
        when.method(GET).path("/_synapse/admin/v1/server_version");
        then.status(429)
            .header("retry-after", "1")
            .json_body(json!({"errcode": "M_LIMIT_EXCEEDED", "error": "Too Many Requests", "retry_after_ms": 1000}));
    });
    let out = version_once_limited(&env, limited);
    assert!(String::from_utf8_lossy(&out.stderr).contains("rate-limited"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("1.163.2"));
}

/// Runs `synadm version` against `limited` (the version endpoint answering 429). Once that
/// has been asked, the endpoint answers 1.163.2 instead; the run must then succeed.
fn version_once_limited(env: &Env, mut limited: httpmock::Mock) -> std::process::Output {
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_synadm"))
        .arg("version")
        .env_clear()
        .env("HOME", env.home.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while limited.calls() == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    limited.delete();
    env.server_version("1.163.2");
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    out
}

/// The version endpoint answering 429 with `Retry-After: retry_after` (seconds), for ever.
fn version_rate_limited<'a>(env: &'a Env, retry_after: &str) -> httpmock::Mock<'a> {
    env.mock(|when, then| {
        when.method(GET).path("/_synapse/admin/v1/server_version");
        then.status(429)
            .header("retry-after", retry_after)
            .json_body(json!({"errcode": "M_LIMIT_EXCEEDED", "error": "Too Many Requests"}));
    })
}

#[test]
fn a_rate_limit_that_persists_fails_after_three_retries() {
    let env = Env::new();
    let limited = version_rate_limited(&env, "1");
    let run =
        env.run(&["version"]).fails(1, "error: M_LIMIT_EXCEEDED: Too Many Requests (HTTP 429)\n");
    assert_eq!(limited.calls(), 4);
    assert_eq!(run.stderr.matches("rate-limited by the server; retrying in 1 s").count(), 3);
}

#[test]
fn verbose_logging_shows_requests_but_never_the_token() {
    let env = Env::new();
    env.mock(|when, then| {
        when.method(GET).path(DETAILS);
        then.status(200).json_body(crate::support::admin_user("@alice:example.org"));
    });
    let run = env.run(&["-vv", "user", "details", "alice"]).ok();
    run.stderr_has("GET http://127.0.0.1");
    run.stderr_has("200 OK");
}

const SUSPEND: &str = "/_synapse/admin/v1/suspend/@alice:example.org";
const VERSION: &str = "/_synapse/admin/v1/server_version";

/// A server that does not know `PUT /v1/suspend/…` and runs `release`.
fn without_suspend(release: &str) -> Env {
    let env = Env::new();
    env.mock(|when, then| {
        when.method(httpmock::Method::PUT).path(SUSPEND);
        then.status(404)
            .json_body(json!({"errcode": "M_UNRECOGNIZED", "error": "Unrecognized request"}));
    });
    env.reply(GET, VERSION, 200, json!({"server_version": release}));
    env
}

#[test]
fn an_endpoint_an_older_server_lacks_names_the_release_it_needs() {
    let env = without_suspend("1.100.0");
    env.run(&["--batch", "user", "suspend", "alice"]).fails(
        1,
        "error: M_UNRECOGNIZED: this server does not know suspend_user: it needs Synapse ≥ \
         1.110; this server runs 1.100.0 (HTTP 404)\n",
    );
}

#[test]
fn an_unknown_endpoint_on_a_new_enough_server_keeps_the_servers_error() {
    // Then it is not the release: a wrong admin_path, or a proxy that drops the path.
    let env = without_suspend("1.110.0");
    env.run(&["--batch", "user", "suspend", "alice"])
        .fails(1, "error: M_UNRECOGNIZED: Unrecognized request (HTTP 404)\n");
}

#[test]
fn the_oldest_checked_release_is_named_as_such() {
    let env = Env::new();
    env.mock(|when, then| {
        when.method(GET).path("/_synapse/admin/v2/users");
        then.status(404)
            .json_body(json!({"errcode": "M_UNRECOGNIZED", "error": "Unrecognized request"}));
    });
    env.reply(GET, VERSION, 200, json!({"server_version": "1.71.0"}));
    env.run(&["user", "list"]).fails(
        1,
        "error: M_UNRECOGNIZED: this server does not know list_users: it needs Synapse 1.94 or \
         later (the oldest release this tool is checked against); this server runs 1.71.0 \
         (HTTP 404)\n",
    );
}

#[test]
fn the_server_version_is_asked_only_after_an_unrecognized_request() {
    let env = Env::new();
    let version = env.reply(GET, VERSION, 200, json!({"server_version": "1.100.0"}));
    // Success, and a 404 that is not M_UNRECOGNIZED (no such user): no version request.
    env.reply(
        GET,
        "/_synapse/admin/v2/users/@alice:example.org",
        200,
        crate::support::admin_user("alice"),
    );
    env.run(&["user", "details", "alice"]).ok();
    env.reply_error(
        GET,
        "/_synapse/admin/v2/users/@bob:example.org",
        404,
        "M_NOT_FOUND",
        "User not found",
    );
    env.run(&["user", "details", "bob"]).fails(1, "M_NOT_FOUND: User not found (HTTP 404)");
    version.assert_calls(0);
    // An unrecognized request asks it once.
    env.mock(|when, then| {
        when.method(httpmock::Method::PUT).path(SUSPEND);
        then.status(404)
            .json_body(json!({"errcode": "M_UNRECOGNIZED", "error": "Unrecognized request"}));
    });
    env.run(&["--batch", "user", "suspend", "alice"]).fails(1, "needs Synapse ≥ 1.110");
    version.assert_calls(1);
}

#[test]
fn a_proxy_that_echoes_the_request_does_not_leak_the_token() {
    let env = Env::new();
    let echo = format!(
        "<html><pre>GET /x HTTP/1.1\r\n\
         authorization: Bearer {TOKEN}\r\nx-forwarded-token: {TOKEN}</pre></html>"
    );
    env.mock(|when, then| {
        when.any_request();
        then.status(502).header("content-type", "text/html").body(echo);
    });
    // Generated calls and raw requests alike (Run checks that the token appears nowhere).
    let run = env.run(&["user", "details", "alice"]).fails(5, "(HTTP 502)");
    run.stderr_has("authorization: Bearer <redacted> x-forwarded-token: <redacted></pre>");
    let run = env.run(&["raw", "v2/users/@alice:example.org"]).fails(5, "(HTTP 502)");
    run.stderr_has("Bearer <redacted>");
}

/// The wait comes from `Retry-After` in seconds or as an HTTP date, else from the body's
/// `retry_after_ms`; each is waited before the request goes again.
#[test]
fn a_rate_limit_is_waited_as_the_header_date_or_body_asks() {
    let soon = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(2));
    for (header, body_ms, says) in
        [(Some(soon.as_str()), None, "retrying in "), (None, Some(1500), "retrying in 1.5 s")]
    {
        let env = Env::new();
        let limited = env.mock(|when, then| {
            when.method(GET).path("/_synapse/admin/v1/server_version");
            let then = then.status(429).json_body(match body_ms {
                Some(ms) => json!({"errcode": "M_LIMIT_EXCEEDED", "retry_after_ms": ms}),
                None => json!({"errcode": "M_LIMIT_EXCEEDED"}),
            });
            if let Some(date) = header {
                then.header("retry-after", date);
            }
        });
        let started = Instant::now();
        let out = version_once_limited(&env, limited);
        assert!(String::from_utf8_lossy(&out.stderr).contains(says), "{out:?}");
        // Waited (at least a second) before asking again.
        assert!(started.elapsed() >= Duration::from_secs(1), "{header:?} {body_ms:?}");
    }
}

/// A server asking for a longer wait than synadm gives is not waited on: the error says how
/// long it asked.
#[test]
fn a_rate_limit_asking_too_long_a_wait_fails_at_once_saying_so() {
    let env = Env::new();
    let limited = version_rate_limited(&env, "600");
    let started = Instant::now();
    env.run(&["version"]).fails(
        1,
        "error: M_LIMIT_EXCEEDED: Too Many Requests (the server asked to wait 600 s; \
         synadm waits at most 300 s) (HTTP 429)\n",
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(limited.calls(), 1);
}
