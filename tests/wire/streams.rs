//! stdout and stderr that cannot be written: a closed pipe, a full disk, a closed descriptor.
//! Messages are best effort; data is not: losing data must never look like success.

use crate::support::{Env, list_entry};
use httpmock::Method::GET;
use serde_json::json;
use std::process::{Command, Output, Stdio};

/// A user list reply the commands below print. Loose: these tests are about the output
/// streams, with and without --all (the list's query is pinned in user.rs).
fn env_with_users() -> Env {
    let env = Env::new();
    env.reply_loose(
        GET,
        "/_synapse/admin/v2/users",
        200,
        json!({"users": [list_entry("@a:example.org"), list_entry("@b:example.org")], "total": 2}),
    );
    env
}

/// Runs `synadm ARGS` through `sh -c SCRIPT`, where the script redirects descriptors.
fn run_sh(env: &Env, redirect: &str, args: &[&str]) -> Output {
    let script = format!("exec \"$0\" \"$@\" {redirect}");
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_synadm"))
        .args(args)
        .env_clear()
        .env("HOME", env.home.path())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("run synadm through sh")
}

#[test]
fn a_closed_stderr_pipe_neither_crashes_nor_loses_the_data() {
    let env = env_with_users();
    let mut child = Command::new(env!("CARGO_BIN_EXE_synadm"))
        .args(["-vv", "user", "list"])
        .env_clear()
        .env("HOME", env.home.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run synadm");
    // The reader of stderr goes away before the first -v log line is written.
    drop(child.stderr.take());
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let data: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(data["total"], 2);
}

#[test]
fn a_full_disk_on_stderr_is_ignored() {
    let env = env_with_users();
    let out = run_sh(&env, "2>/dev/full", &["-vv", "user", "list"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let data: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(data["total"], 2);
}

#[test]
fn a_closed_stdout_is_an_error_not_a_silent_success() {
    let env = env_with_users();
    let out = run_sh(&env, ">&-", &["user", "list"]);
    assert_eq!(out.status.code(), Some(7), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot write the output"), "{stderr}");
}

#[test]
fn a_full_disk_on_stdout_is_an_error() {
    let env = env_with_users();
    let out = run_sh(&env, ">/dev/full", &["user", "list", "--all"]);
    assert_eq!(out.status.code(), Some(7), "{out:?}");
    // The documents made without a server too.
    for args in [&["man"][..], &["completions", "zsh"]] {
        let out = run_sh(&env, ">/dev/full", args);
        assert_eq!(out.status.code(), Some(7), "{args:?}: {out:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write output"), "{out:?}");
    }
}

#[test]
fn a_reader_that_stops_early_ends_the_command_quietly() {
    let env = env_with_users();
    let out = run_sh(&env, "| head -c 1", &["user", "list"]);
    // sh reports head's status; synadm's own stderr must be free of panics.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "{");
}

#[test]
fn a_reader_gone_before_the_first_byte_is_no_error() {
    let env = env_with_users();
    for args in [&["man"][..], &["completions", "bash"], &["user", "list"]] {
        // A pipe whose reading end is already closed: every write fails with EPIPE.
        let (reader, writer) = std::io::pipe().expect("a pipe");
        drop(reader);
        let out = Command::new(env!("CARGO_BIN_EXE_synadm"))
            .args(args)
            .env_clear()
            .env("HOME", env.home.path())
            .stdin(Stdio::null())
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .expect("run synadm");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{args:?}");
    }
}

#[test]
fn human_output_neutralises_control_characters_from_the_server() {
    let env = Env::new();
    let mut evil = list_entry("@mallory:example.org");
    evil["displayname"] = json!("Mallory\u{1b}[2J\u{1b}]0;pwned\u{7}\nroot  admin  true");
    env.reply_to_query(
        GET,
        "/_synapse/admin/v2/users",
        &[("from", "0"), ("limit", "100")],
        200,
        json!({"users": [evil, list_entry("@b:example.org")], "total": 2}),
    );
    let run = env.run(&["-o", "human", "user", "list"]).ok();
    assert!(!run.stdout.chars().any(|c| c.is_control() && c != '\n'), "{:?}", run.stdout);
    // Header, rule, and exactly one line per user: the newline did not split a row.
    assert_eq!(run.stdout.lines().count(), 4, "{:?}", run.stdout);
    assert!(
        run.stdout.contains("Mallory\\e[2J\\e]0;pwned\\x07\\nroot  admin  true"),
        "{:?}",
        run.stdout
    );
    // The machine formats stay exact.
    let json = env.run(&["user", "list"]).ok().json();
    assert_eq!(
        json["users"][0]["displayname"],
        "Mallory\u{1b}[2J\u{1b}]0;pwned\u{7}\nroot  admin  true"
    );
}

#[test]
fn output_sent_to_dev_null_on_purpose_is_fine() {
    let env = env_with_users();
    let out = run_sh(&env, ">/dev/null", &["user", "list"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

fn widest(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[test]
fn human_tables_fit_the_terminal_they_are_shown_on() {
    let env = env_with_users();
    // The same table is wider than 80 columns when it goes to a pipe …
    let piped = env.run(&["-o", "human", "user", "list"]).ok();
    assert!(widest(&piped.stdout) > 80, "{piped:#?}");
    assert!(!piped.stdout.contains('…'));
    // … and cut to the width of the terminal (last columns first).
    let shown = env.run_on_terminal(None, &["-o", "human", "user", "list"]).replace('\r', "");
    assert!(shown.contains("@a:example.org"), "{shown}");
    assert!(shown.contains('…'), "{shown}");
    assert_eq!(widest(&shown), 80, "{shown}");
}

#[test]
fn columns_that_cannot_fit_even_narrowed_are_left_out_with_a_note() {
    let env = Env::new();
    let mut user = list_entry("@a:example.org");
    for (key, value) in [
        ("user_type", json!("support")),
        ("avatar_url", json!("mxc://example.org/abc")),
        ("last_seen_ts", json!(1_700_000_123_456_i64)),
        ("suspended", json!(false)),
        ("approved", json!(true)),
    ] {
        user[key] = value;
    }
    env.reply_loose(GET, "/_synapse/admin/v2/users", 200, json!({"users": [user], "total": 1}));
    let shown = env.run_on_terminal(None, &["-o", "human", "user", "list"]).replace('\r', "");
    let (note, table): (Vec<&str>, Vec<&str>) = shown.lines().partition(|l| l.contains("left out"));
    assert_eq!(
        note,
        ["5 columns left out to fit the terminal's 80 columns: creation_ts, last_seen_ts, \
          avatar_url, approved, suspended (-o json shows everything)"],
        "{shown}"
    );
    // The ID whole, eight more columns of at least six characters, every row within the
    // terminal.
    assert!(table.iter().all(|l| l.chars().count() <= 80), "{shown}");
    assert!(table.iter().any(|l| l.starts_with("@a:example.org")), "{shown}");
    // Piped, nothing is left out.
    let piped = env.run(&["-o", "human", "user", "list"]).ok();
    assert!(piped.stderr.is_empty() || !piped.stderr.contains("left out"), "{piped:#?}");
    piped.stdout_has("approved");
}

#[test]
fn output_redirected_from_a_terminal_is_not_cut_to_its_width() {
    let env = env_with_users();
    let file = env.home.path().join("users.txt");
    let shown = env.run_on_terminal(Some(&file), &["-o", "human", "user", "list"]);
    assert!(!shown.contains("@a:example.org"), "the data went to the file: {shown}");
    let saved = std::fs::read_to_string(&file).unwrap();
    let piped = env.run(&["-o", "human", "user", "list"]).ok();
    assert_eq!(saved, piped.stdout, "a file gets what a pipe gets: the whole table");
    assert!(widest(&saved) > 80);
}

#[test]
fn json_on_a_terminal_is_never_cut() {
    let env = env_with_users();
    let shown = env.run_on_terminal(None, &["-o", "json", "user", "list"]).replace('\r', "");
    let piped = env.run(&["-o", "json", "user", "list"]).ok();
    assert_eq!(shown, piped.stdout);
}

#[test]
fn a_page_printed_unchanged_keeps_the_servers_bytes_in_order() {
    let env = Env::new();
    // Keys in the server's order (not alphabetical), a field this tool does not know.
    let body = r#"{"users":[{"name":"@a:example.org","user_type":null,"is_guest":false,"admin":false,"deactivated":false,"shadow_banned":false,"displayname":"A","avatar_url":null,"creation_ts":1,"approved":true,"erased":false,"last_seen_ts":null,"locked":false,"suspended":false,"zz_new":[1,2.5,"x"]}],"next_token":"1","total":2}"#;
    env.mock(|when, then| {
        when.method(GET).path("/_synapse/admin/v2/users");
        then.status(200).header("content-type", "application/json").body(body);
    });
    let minified = env.run(&["-o", "minified", "user", "list"]).ok();
    assert_eq!(minified.stdout, format!("{body}\n"));
    let json = env.run(&["-o", "json", "user", "list"]).ok();
    assert!(
        json.stdout.starts_with(
            "{\n    \"users\": [\n        {\n            \"name\": \"@a:example.org\",\n            \"user_type\": null,\n"
        ),
        "{json:#?}"
    );
    assert!(
        json.stdout.ends_with("    \"next_token\": \"1\",\n    \"total\": 2\n}\n"),
        "{json:#?}"
    );
    let yaml = env.run(&["-o", "yaml", "user", "list"]).ok();
    assert!(
        yaml.stdout.starts_with("users:\n- name: '@a:example.org'\n  user_type: null\n"),
        "{yaml:#?}"
    );
    assert!(yaml.stdout.contains("  zz_new:\n  - 1\n  - 2.5\n  - x\n"), "{yaml:#?}");
    // The same bytes through `raw`.
    let raw = env.run(&["-o", "minified", "raw", "v2/users"]).ok();
    assert_eq!(raw.stdout, format!("{body}\n"));
}
