//! `notice send`: the notice body on the wire, the recipient scan, the preview before the
//! one confirmation, and the result list.

use crate::common::words;
use crate::support::{Env, WhenExt, list_entry};
use httpmock::Method::{GET, PUT};
use httpmock::Mock;
use serde_json::{Value, json};

const SEND: &str = "/_synapse/admin/v1/send_server_notice";

fn content(plain: &str, formatted: &str) -> Value {
    json!({
        "msgtype": "m.text", "body": plain,
        "format": "org.matrix.custom.html", "formatted_body": formatted
    })
}

/// Answers a notice with exactly this `body`, sent with a transaction ID of synadm's form
/// (`synadm.RUN.DIGEST`), with `status` and `reply`.
fn notice_reply<'a>(env: &'a Env, body: Value, status: u16, reply: Value) -> Mock<'a> {
    env.mock(|when, then| {
        when.method(PUT)
            .path_matches(format!(r"^{SEND}/synadm\.[0-9A-Za-z._~-]+\.[0-9a-f]{{16}}$").as_str())
            .no_query()
            .json_body(body);
        then.status(status).json_body(reply);
    })
}

/// Answers exactly this notice to `user_id` with `event_id`.
fn notice_to<'a>(env: &'a Env, user_id: &str, content: Value, event_id: &str) -> Mock<'a> {
    notice_reply(
        env,
        json!({"user_id": user_id, "content": content}),
        200,
        json!({"event_id": event_id}),
    )
}

/// Answers the notice `plain` (no formatted body given) to `user_id` with `event_id`.
fn accepts<'a>(env: &'a Env, user_id: &str, plain: &str, event_id: &str) -> Mock<'a> {
    notice_to(env, user_id, content(plain, plain), event_id)
}

/// The regex scan's one page of users, fetched with the default batch size (100).
fn all_users<'a>(env: &'a Env, users: &[&str]) -> Mock<'a> {
    let list: Vec<Value> = users.iter().map(|u| list_entry(u)).collect();
    env.reply_to_query(
        GET,
        "/_synapse/admin/v2/users",
        &[("from", "0"), ("limit", "100"), ("guests", "true")],
        200,
        json!({"users": list, "total": users.len()}),
    )
}

#[test]
fn one_recipient_gets_plain_and_formatted_body() {
    let env = Env::new();
    let m = notice_reply(
        &env,
        json!({
            "user_id": "@alice:example.org",
            "content": content("Maintenance at 10:00", "<b>Maintenance</b> at 10:00")
        }),
        200,
        json!({"event_id": "$notice1"}),
    );
    let out = env
        .run(&[
            "--batch",
            "notice",
            "send",
            "alice",
            "Maintenance at 10:00",
            "<b>Maintenance</b> at 10:00",
        ])
        .ok()
        .json();
    assert_eq!(
        out,
        json!([{"user_id": "@alice:example.org", "sent": true, "event_id": "$notice1", "outcome": "done"}])
    );
    m.assert();
}

#[test]
fn without_formatted_the_plain_body_is_used_for_both() {
    let env = Env::new();
    let m = notice_reply(
        &env,
        json!({
            "user_id": "@bob:example.org",
            "content": content("Hello", "Hello")
        }),
        200,
        json!({"event_id": "$n"}),
    );
    env.run(&["--batch", "notice", "send", "@bob:example.org", "Hello"]).ok();
    m.assert();
}

#[test]
fn from_file_reads_both_bodies_from_files() {
    let env = Env::new();
    let plain = env.home.path().join("notice.txt");
    let html = env.home.path().join("notice.html");
    std::fs::write(&plain, "Line one\nLine two\n").unwrap();
    std::fs::write(&html, "<p>Line one</p>\n<p>Line two</p>\n").unwrap();
    let m = notice_reply(
        &env,
        json!({
            "user_id": "@alice:example.org",
            "content": content("Line one\nLine two\n", "<p>Line one</p>\n<p>Line two</p>\n")
        }),
        200,
        json!({"event_id": "$f"}),
    );
    env.run(&[
        "--batch",
        "notice",
        "send",
        "-f",
        "alice",
        plain.to_str().unwrap(),
        html.to_str().unwrap(),
    ])
    .ok();
    m.assert();
}

#[test]
fn regex_scans_every_page_with_the_given_size_and_sends_to_matches_only() {
    let env = Env::new();
    let page = |from: &str, users: Value, next: Option<&str>| {
        let mut reply = json!({"users": users, "total": 5});
        if let Some(n) = next {
            reply["next_token"] = json!(n);
        }
        env.reply_to_query(
            GET,
            "/_synapse/admin/v2/users",
            &[("from", from), ("limit", "2"), ("guests", "true")],
            200,
            reply,
        )
    };
    let pages = [
        page(
            "0",
            json!([list_entry("@team-a:example.org"), list_entry("@alice:example.org")]),
            Some("2"),
        ),
        page(
            "2",
            json!([list_entry("@ateam-x:example.org"), list_entry("@team-b:example.org")]),
            Some("4"),
        ),
        page("4", json!([list_entry("@team-c:example.org")]), None),
    ];
    let sends = [
        accepts(&env, "@team-a:example.org", "Hi team", "$a"),
        accepts(&env, "@team-b:example.org", "Hi team", "$b"),
        accepts(&env, "@team-c:example.org", "Hi team", "$c"),
    ];
    let out =
        env.run(&["--batch", "notice", "send", "-r", "-p", "2", "@team-", "Hi team"]).ok().json();
    assert_eq!(
        out,
        json!([
            {"user_id": "@team-a:example.org", "sent": true, "event_id": "$a", "outcome": "done"},
            {"user_id": "@team-b:example.org", "sent": true, "event_id": "$b", "outcome": "done"},
            {"user_id": "@team-c:example.org", "sent": true, "event_id": "$c", "outcome": "done"},
        ])
    );
    for m in pages.iter().chain(&sends) {
        m.assert_calls(1);
    }
}

#[test]
fn a_regex_nobody_matches_sends_nothing() {
    let env = Env::new();
    let users = all_users(&env, &["@alice:example.org"]);
    let send = accepts(&env, "@alice:example.org", "Hi", "$x");
    let run = env.run(&["notice", "send", "--regex", "@nobody", "Hi"]).ok();
    assert_eq!(run.json(), json!([]));
    run.stderr_has("No local user matches");
    users.assert_calls(1);
    send.assert_calls(0);
}

#[test]
fn failed_sends_are_listed_and_make_the_command_fail() {
    let env = Env::new();
    all_users(&env, &["@ok:example.org", "@gone:example.org"]);
    let ok = accepts(&env, "@ok:example.org", "Hi", "$ok");
    let gone = notice_reply(
        &env,
        json!({"user_id": "@gone:example.org", "content": content("Hi", "Hi")}),
        404,
        json!({"errcode": "M_NOT_FOUND", "error": "User not found"}),
    );
    let run = env.run(&["--batch", "notice", "send", "-r", ".*", "Hi"]);
    assert_eq!(run.code, 1, "{run:#?}");
    let mut rows = run.json().as_array().cloned().unwrap_or_default();
    rows.sort_by_key(|r| r["user_id"].to_string());
    assert_eq!(
        rows,
        [
            json!({"user_id": "@gone:example.org", "sent": false,
                   "error": "M_NOT_FOUND: User not found (HTTP 404)", "outcome": "failed"}),
            json!({"user_id": "@ok:example.org", "sent": true, "event_id": "$ok", "outcome": "done"}),
        ]
    );
    run.stderr_has("1 done, 1 failed.\nThe first error follows.\n");
    ok.assert();
    gone.assert();

    // --silent: nothing on stdout, the failure named on stderr, still non-zero.
    let silent = env.run(&["--batch", "notice", "send", "-r", ".*", "Hi", "--silent"]);
    assert_eq!(silent.code, 1, "{silent:#?}");
    assert_eq!(silent.stdout, "");
    silent.stderr_has("@gone:example.org: failed: M_NOT_FOUND: User not found (HTTP 404)");
    assert!(!silent.stderr.contains("@ok:example.org"), "{silent:#?}");
    silent.stderr_has("1 done, 1 failed.");
}

#[test]
fn silent_prints_nothing_on_success() {
    let env = Env::new();
    let m = accepts(&env, "@alice:example.org", "Hi", "$s");
    let run = env.run(&["--batch", "notice", "send", "-s", "alice", "Hi"]).ok();
    assert_eq!(run.stdout, "");
    run.stderr_has("1 done.");
    m.assert();
}

#[test]
fn the_preview_lists_ten_recipients_unless_told_otherwise() {
    let env = Env::new();
    let users: Vec<String> = (1..=12).map(|n| format!("@u{n:02}:example.org")).collect();
    let users: Vec<&str> = users.iter().map(String::as_str).collect();
    all_users(&env, &users);
    let any = env.any_request();
    let declined =
        env.run_with_input(&["notice", "send", "-r", "@u", "Hi"], "n\n").fails(6, "not confirmed");
    let listed: String = users[..10].iter().map(|u| format!(" - {u}\n")).collect();
    declined.stderr_has(&format!("Recipients (12):\n{listed} - … and 2 more\n"));
    assert!(!declined.stderr.contains("@u11"), "{declined:#?}");
    let all = env
        .run_with_input(&["notice", "send", "-r", "@u", "Hi", "-l", "12"], "n\n")
        .fails(6, "not confirmed");
    all.stderr_has(" - @u12:example.org\n");
    assert!(!all.stderr.contains("more"), "{all:#?}");
    any.assert_calls(0);
}

#[test]
fn one_confirmation_after_a_preview_of_recipients_and_bodies() {
    let env = Env::new();
    let users = ["@u1:example.org", "@u2:example.org", "@u3:example.org"];
    all_users(&env, &users);
    let sends: Vec<Mock> = users
        .iter()
        .map(|u| notice_to(&env, u, content("plain text", "<i>html</i>"), "$p"))
        .collect();
    let sent = || sends.iter().map(Mock::calls).sum::<usize>();
    let args = ["notice", "send", "-r", "-l", "1", "@u", "plain text", "<i>html</i>"];
    let declined = env.run_with_input(&args, "n\n").fails(6, "not confirmed");
    for expected in [
        "Recipients (3):\n - @u1:example.org\n - … and 2 more\n",
        "Plaintext message:\n---\nplain text\n---",
        "Formatted message:\n---\n<i>html</i>\n---",
        "Send now? [y/N]",
    ] {
        assert!(declined.stderr.contains(expected), "{expected:?}: {declined:#?}");
    }
    assert!(!declined.stderr.contains("@u2"), "{declined:#?}");
    assert_eq!(sent(), 0);

    let run = env.run_with_input(&args, "y\n").ok();
    assert_eq!(run.stderr.matches("Send now?").count(), 1, "{run:#?}");
    assert_eq!(run.json().as_array().unwrap().len(), 3);
    for send in &sends {
        send.assert_calls(1);
    }
    // No answer at all (stdin closed) is no.
    env.run(&args).fails(6, "stdin closed");
    assert_eq!(sent(), 3);
}

#[test]
fn bad_input_is_a_usage_error_before_any_request() {
    let env = Env::new();
    let any = env.any_request();
    env.run(&["--batch", "notice", "send", "alice", ""]).fails(2, "plain-text body is empty");
    env.run(&["--batch", "notice", "send", "alice", "  \n"]).fails(2, "plain-text body is empty");
    env.run(&["--batch", "notice", "send", "alice", "Hi", ""]).fails(2, "formatted body is empty");
    env.run(&["--batch", "notice", "send", "alice"]).fails(2, "<PLAIN>");
    env.run(&["--batch", "notice", "send"]).fails(2, "<TO>");
    let empty = env.home.path().join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    env.run(&["--batch", "notice", "send", "-f", "alice", empty.to_str().unwrap()])
        .fails(2, "plain-text body is empty");
    env.run(&words("--batch notice send -f alice /nonexistent/notice.txt"))
        .fails(2, "cannot read the plain body");
    env.run(&["--batch", "notice", "send", "-r", "(", "Hi"]).fails(2, "invalid regular expression");
    env.run(&["--batch", "notice", "send", "-p", "0", "-r", "x", "Hi"]).fails(2, "invalid value");
    env.run(&["--batch", "notice", "send", "not a user!", "Hi"]).fails(2, "");
    any.assert_calls(0);
}

#[test]
fn verbose_output_names_requests_but_never_the_token_or_the_notice() {
    let env = Env::new();
    accepts(&env, "@alice:example.org", "secret-notice-words", "$v");
    let run = env.run(&words("-vv --batch notice send alice secret-notice-words")).ok();
    run.stderr_has(&format!("PUT {}{SEND}/synadm.", env.server.base_url()));
    assert!(!run.stderr.contains("secret-notice-words"), "{run:#?}");
    assert!(!run.stdout.contains("secret-notice-words"), "{run:#?}");
}

#[test]
fn a_given_run_id_makes_the_transaction_ids_and_is_checked_first() {
    let env = Env::new();
    let m = env.mock(|when, then| {
        when.method(PUT)
            .path(format!("{SEND}/synadm.run-7.86f01aef21b1acd3"))
            .json_body(json!({"user_id": "@alice:example.org", "content": content("Hi", "Hi")}));
        then.status(200).json_body(json!({"event_id": "$same"}));
    });
    let run = env.run(&words("--batch notice send alice Hi --txn-id run-7")).ok();
    run.stderr_has("Run ID run-7: to repeat this run");
    m.assert_calls(1);
    // Without one, a new run ID each time, named on stderr.
    let fresh = env.run(&["--batch", "-o", "human", "notice", "send", "bob", "Hi"]);
    assert!(fresh.stderr.starts_with("Run ID "), "{fresh:#?}");
    let any = env.any_request();
    for bad in ["a/b", "", "white space"] {
        env.run(&["--batch", "notice", "send", "alice", "Hi", "--txn-id", bad])
            .fails(2, "a run ID is 1-64 characters");
    }
    any.assert_calls(0);
}
