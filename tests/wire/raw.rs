//! `raw`, `matrix raw`, `matrix login` and `group delete`: the exact request (method, path
//! under the configured mounts, body, token) and what is printed.

use crate::capture;
use crate::common::run::synadm;
use crate::support::{AUTH, Env, TOKEN, WhenExt};
use httpmock::Method::{DELETE, GET, POST, PUT};
use serde_json::json;

const OTHER: &str = "syt_other_users_secret_token";

/// A config whose APIs are mounted below a base path and at custom paths.
fn mounted() -> Env {
    let env = Env::new();
    env.write_config(&format!(
        "base_url: {}/synapse/\ntoken: {TOKEN}\nformat: json\nhomeserver: example.org\n\
             admin_path: /admin-api/\nmatrix_path: /mx\n",
        env.server.base_url()
    ));
    env
}

fn env_at(base: &str, extra: &str) -> Env {
    let env = Env::new();
    env.write_config(&format!(
        "base_url: {base}\ntoken: {TOKEN}\nformat: json\nhomeserver: example.org\n{extra}"
    ));
    env
}

#[test]
fn raw_get_goes_below_the_admin_mount_verbatim_and_sends_no_body() {
    let (base, server) = capture::tcp(vec![capture::ok(r#"{"users": [], "total": 0}"#)]);
    let env = env_at(&base, "admin_path: /admin-api\n");
    let run = env.run(&["raw", "v2/users/%40u%3Aexample.org?from=0&limit=5"]).ok();
    assert_eq!(run.json(), json!({"users": [], "total": 0}));
    let seen = server.join().unwrap();
    assert_eq!(seen[0].line, "GET /admin-api/v2/users/%40u%3Aexample.org?from=0&limit=5 HTTP/1.1");
    assert_eq!(seen[0].header("authorization"), Some(AUTH));
    assert_eq!(seen[0].header("accept"), Some("application/json"));
    assert_eq!(seen[0].header("content-type"), None);
    assert_eq!(seen[0].body, "");
}

#[test]
fn raw_post_put_delete_send_the_data_default_to_an_empty_object() {
    let env = mounted();
    let post = env.mock(|when, then| {
        when.method(POST)
            .path("/synapse/admin-api/v1/media/protect/abc")
            .no_query()
            .header("content-type", "application/json")
            .json_body(json!({"key1": "value1", "key2": 123}));
        then.status(200).json_body(json!({}));
    });
    let put = env.reply_to_body(
        PUT,
        "/synapse/admin-api/v1/rooms/x/block",
        json!({}),
        200,
        json!({"block": true}),
    );
    let delete = env.reply_to_body(
        DELETE,
        "/synapse/admin-api/v1/registration_tokens/t",
        json!({"from": "file"}),
        200,
        json!({}),
    );
    assert_eq!(
        env.run(&[
            "raw",
            "-m",
            "post",
            "/v1/media/protect/abc",
            "-d",
            r#"{"key1": "value1", "key2": 123}"#
        ])
        .ok()
        .json(),
        json!({})
    );
    post.assert();
    // Methods are case-insensitive; no data is `{}`.
    assert_eq!(
        env.run(&["raw", "-m", "PUT", "v1/rooms/x/block"]).ok().json(),
        json!({"block": true})
    );
    put.assert();
    let file = env.home.path().join("body.json");
    std::fs::write(&file, r#"{"from": "file"}"#).unwrap();
    env.run(&[
        "raw",
        "--method",
        "delete",
        "v1/registration_tokens/t",
        "--data-file",
        file.to_str().unwrap(),
    ])
    .ok();
    env.run_with_input(
        &["raw", "-m", "delete", "v1/registration_tokens/t", "-f", "-"],
        r#"{"from": "file"}"#,
    )
    .ok();
    delete.assert_calls(2);
}

#[test]
fn raw_data_on_a_get_is_checked_but_not_sent() {
    let env = Env::new();
    let m = env.mock(|when, then| {
        when.method(GET)
            .path("/_synapse/admin/v1/server_version")
            .header_missing("content-type")
            .header_missing("content-length");
        then.status(200).json_body(json!({"server_version": "1.163.2"}));
    });
    let run = env.run(&["raw", "v1/server_version", "-d", r#"{"a": 1}"#]).ok();
    assert_eq!(run.json(), json!({"server_version": "1.163.2"}));
    run.stderr_has("not sent");
    m.assert();
}

#[test]
fn invalid_json_data_is_a_usage_error_and_nothing_is_sent() {
    let env = Env::new();
    let any = env.any_request();
    env.run(&["raw", "-m", "post", "v1/x", "-d", "{not json"]).fails(2, "not valid JSON");
    env.run(&["raw", "v1/x", "-d", "{not json"]).fails(2, "not valid JSON");
    let file = env.home.path().join("bad.json");
    std::fs::write(&file, "[1, 2").unwrap();
    env.run(&["raw", "-m", "put", "v1/x", "-f", file.to_str().unwrap()]).fails(2, "not valid JSON");
    env.run(&["raw", "-m", "put", "v1/x", "-f", "/nonexistent/body.json"]).fails(2, "cannot read");
    env.run_with_input(&["matrix", "raw", "-m", "post", "client/x", "-f", "-"], "nope")
        .fails(2, "not valid JSON");
    env.run(&["raw", "-m", "post", "v1/x", "-d", "{}", "-f", "x.json"])
        .fails(2, "cannot be used with");
    env.run(&["raw", "-m", "patch", "v1/x"]).fails(2, "invalid value");
    env.run(&["raw", "v1/rooms/#alias:example.org/x"]).fails(2, "%23");
    env.run(&["matrix", "raw", "client/v3/sync?timeout=0&access_token=syt_x"])
        .fails(2, "access_token in the endpoint is refused");
    any.assert_calls(0);
}

#[test]
fn a_reply_that_is_not_json_is_printed_as_a_string() {
    let env = Env::new();
    env.mock(|when, then| {
        when.method(GET).path("/_synapse/admin/v1/plain");
        then.status(200).header("content-type", "text/plain").body("OK\nfine");
    });
    let run = env.run(&["raw", "v1/plain"]).ok();
    assert_eq!(run.json(), json!("OK\nfine"));
    run.stderr_has("not JSON");
    let human = env.run(&["-o", "human", "raw", "v1/plain"]).ok();
    // Human output escapes control characters from the server, as everywhere.
    assert_eq!(human.stdout, "OK\\nfine\n");
}

#[test]
fn raw_errors_map_like_every_other_command() {
    let env = Env::new();
    env.reply_error(
        GET,
        "/_synapse/admin/v1/nothing",
        404,
        "M_UNRECOGNIZED",
        "Unrecognized request",
    );
    env.mock(|when, then| {
        when.method(GET).path("/_synapse/admin/v1/proxy");
        then.status(502)
            .header("content-type", "text/html")
            .body("<html><body>Bad Gateway</body></html>");
    });
    env.run(&["raw", "v1/nothing"]).fails(1, "M_UNRECOGNIZED: Unrecognized request (HTTP 404)");
    env.run(&["matrix", "raw", "../_synapse/admin/v1/nothing"]).fails(1, "(HTTP 404)");
    env.run(&["raw", "v1/proxy"]).fails(5, "(HTTP 502): <html><body>Bad Gateway");
}

#[test]
fn raw_is_retried_after_a_rate_limit() {
    let (base, server) = capture::tcp(vec![
        (
            "429 Too Many Requests",
            "content-type: application/json\r\nretry-after: 1\r\n",
            r#"{"errcode": "M_LIMIT_EXCEEDED", "error": "Too Many Requests", "retry_after_ms": 1000}"#.into(),
        ),
        capture::ok(r#"{"done": true}"#),
    ]);
    let env = env_at(&base, "");
    let run = env.run(&["raw", "-m", "post", "v1/thing", "-d", r#"{"n": 1}"#]).ok();
    assert_eq!(run.json(), json!({"done": true}));
    run.stderr_has("rate-limited");
    let seen = server.join().unwrap();
    assert_eq!(seen.len(), 2);
    for request in &seen {
        assert_eq!(request.line, "POST /_synapse/admin/v1/thing HTTP/1.1");
        assert_eq!(request.body, r#"{"n":1}"#);
    }
}

#[test]
fn raw_works_over_a_unix_socket() {
    let env = Env::new();
    let socket = env.home.path().join("synapse.sock");
    let server = capture::unix(&socket, vec![capture::ok(r#"{"versions": ["v1.11"]}"#)]);
    env.write_config(&format!(
        "protocol: unix\nbase_url: {}\ntoken: {TOKEN}\nformat: json\nmatrix_path: /mx\n",
        socket.display()
    ));
    let run = env.run(&["matrix", "raw", "client/versions"]).ok();
    assert_eq!(run.json(), json!({"versions": ["v1.11"]}));
    assert_eq!(server.join().unwrap()[0].line, "GET /mx/client/versions HTTP/1.1");
}

/// Runs `synadm ARGS` in `env`'s home with extra environment variables; `OTHER` and the
/// config token must never show up in the output.
fn run_with(env: &Env, args: &[&str], input: &str, vars: &[(&str, &str)]) -> crate::support::Run {
    synadm(env.home.path(), args, input, vars, &[TOKEN, OTHER, "prompted-token"])
}

#[test]
fn matrix_raw_token_precedence_prompt_then_token_or_mtoken_then_config() {
    let env = mounted();
    let path = "/synapse/mx/client/v3/account/whoami";
    let with = |token: &str| {
        let auth = format!("Bearer {token}");
        // Not `env.mock`, which expects the config's token.
        env.server.mock(move |when, then| {
            when.method(GET).path(path).header("authorization", auth);
            then.status(200)
                .json_body(json!({"user_id": "@someone:example.org", "is_guest": false}));
        })
    };
    let (config, other, env_token, prompted) =
        (with(TOKEN), with(OTHER), with("syt_from_mtoken"), with("prompted-token"));
    let args = ["matrix", "raw", "client/v3/account/whoami"];
    assert_eq!(run_with(&env, &args, "", &[]).ok().json()["user_id"], "@someone:example.org");
    config.assert_calls(1);
    run_with(&env, &[&args[..], &["-t", OTHER]].concat(), "", &[]).ok();
    other.assert_calls(1);
    run_with(&env, &args, "", &[("MTOKEN", "syt_from_mtoken")]).ok();
    env_token.assert_calls(1);
    // --token beats $MTOKEN, --prompt beats both.
    run_with(
        &env,
        &[&args[..], &["--token", OTHER]].concat(),
        "",
        &[("MTOKEN", "syt_from_mtoken")],
    )
    .ok();
    other.assert_calls(2);
    let prompted_run = run_with(
        &env,
        &[&args[..], &["-p"]].concat(),
        "prompted-token\n",
        &[("MTOKEN", "syt_from_mtoken")],
    )
    .ok();
    prompted_run.stderr_has("Matrix token:");
    prompted.assert_calls(1);
    env_token.assert_calls(1);
    config.assert_calls(1);

    run_with(&env, &["--batch", "matrix", "raw", "-p", "x"], "", &[]).fails(2, "--batch");
    run_with(&env, &["matrix", "raw", "-p", "-t", OTHER, "x"], "", &[])
        .fails(2, "cannot be used with");
    run_with(&env, &["matrix", "raw", "-t", " ", "x"], "", &[]).fails(2, "empty");
}

#[test]
fn the_mtoken_value_is_not_shown_in_help() {
    let env = Env::new();
    let run = run_with(&env, &["matrix", "raw", "--help"], "", &[("MTOKEN", OTHER)]).ok();
    run.stdout_has("$MTOKEN");
}

#[test]
fn verbose_raw_logs_requests_but_no_token_and_no_body() {
    let env = Env::new();
    env.server.mock(|when, then| {
        when.method(POST)
            .path("/_matrix/client/v3/somewhere")
            .no_query()
            .header("authorization", format!("Bearer {OTHER}"))
            .json_body(json!({"password": "hunter2-body-secret"}));
        then.status(200).json_body(json!({"ok": true}));
    });
    let run = run_with(
        &env,
        &[
            "-vv",
            "matrix",
            "raw",
            "-m",
            "post",
            "client/v3/somewhere",
            "-t",
            OTHER,
            "-d",
            r#"{"password": "hunter2-body-secret"}"#,
        ],
        "",
        &[],
    )
    .ok();
    run.stderr_has(&format!("POST {}/_matrix/client/v3/somewhere", env.server.base_url()));
    run.stderr_has("200 OK");
    assert!(!run.stderr.contains("hunter2"), "{run:#?}");
    assert!(!run.stdout.contains("hunter2"), "{run:#?}");
}

#[test]
fn matrix_login_posts_a_password_login_below_the_matrix_mount() {
    let env = mounted();
    let session = json!({
        "user_id": "@alice:example.org", "access_token": "syt_new_session",
        "device_id": "NEWDEVICE", "home_server": "example.org"
    });
    let m = env.reply_to_body(
        POST,
        "/synapse/mx/client/v3/login",
        json!({
            "type": "m.login.password",
            "identifier": {"type": "m.id.user", "user": "@alice:example.org"},
            "password": "pw-secret-1",
            "initial_device_display_name": "synadm matrix login command"
        }),
        200,
        session.clone(),
    );
    let secrets = [TOKEN, "pw-secret-1"];
    let run = synadm(
        env.home.path(),
        &["-vv", "matrix", "login", "alice", "-p", "pw-secret-1"],
        "",
        &[],
        &[TOKEN],
    );
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(run.json(), session);
    assert!(!run.stderr.contains("pw-secret-1"), "{run:#?}");
    // Asked for (hidden on a terminal) when -p is missing.
    let prompted = synadm(
        env.home.path(),
        &["matrix", "login", "@alice:example.org"],
        "pw-secret-1\n",
        &[],
        &secrets,
    )
    .ok();
    prompted.stderr_has("Password:");
    m.assert_calls(2);
}

#[test]
fn matrix_login_without_a_password_in_batch_mode_sends_nothing() {
    let env = Env::new();
    let any = env.any_request();
    env.run(&["--batch", "matrix", "login", "alice"]).fails(2, "-p/--password");
    env.run_with_input(&["matrix", "login", "alice"], "\n").fails(2, "empty");
    any.assert_calls(0);
}

#[test]
fn matrix_login_reports_a_wrong_password() {
    let env = Env::new();
    env.reply_to_body(
        POST,
        "/_matrix/client/v3/login",
        json!({
            "type": "m.login.password",
            "identifier": {"type": "m.id.user", "user": "@alice:example.org"},
            "password": "wrong",
            "initial_device_display_name": "synadm matrix login command"
        }),
        403,
        json!({"errcode": "M_FORBIDDEN", "error": "Invalid username or password"}),
    );
    env.run(&["matrix", "login", "alice", "-p", "wrong"])
        .fails(1, "M_FORBIDDEN: Invalid username or password (HTTP 403)");
}

#[test]
fn group_delete_fails_clearly_without_a_request_or_a_config() {
    let env = Env::new();
    let any = env.any_request();
    let run = env
        .run(&["group", "delete", "+community:example.org"])
        .fails(2, "no longer exist in Synapse");
    run.stderr_has("1.61");
    run.stderr_has("+community:example.org");
    env.run(&["--batch", "group", "delete", "+c:example.org"]).fails(2, "1.61");
    any.assert_calls(0);
    // No config is needed to learn that.
    std::fs::remove_file(env.config_path()).unwrap();
    env.run(&["group", "delete", "+c:example.org"]).fails(2, "no longer exist");
}
