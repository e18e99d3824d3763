//! Bulk runs on the wire: IDs from stdin (checked before anything is sent), rows as items
//! finish, `--failed-to`, and rate limits that pace the whole pool.

use crate::common::words;
use crate::support::{Env, sorted};
use httpmock::Method::{DELETE, GET, POST, PUT};
use serde_json::json;
use std::time::{Duration, Instant};

const BLOCK: &str = "/_synapse/admin/v1/rooms";

fn block_path(room: &str) -> String {
    format!("{BLOCK}/{room}/block")
}

/// A mock of blocking `room`.
fn blocked<'a>(env: &'a Env, room: &str) -> httpmock::Mock<'a> {
    env.reply_to_body(PUT, &block_path(room), json!({"block": true}), 200, json!({"block": true}))
}

#[test]
fn room_block_reads_room_ids_from_stdin_and_blocks_each() {
    let env = Env::new();
    let rooms = ["!a:example.org", "!b:example.org", "!c:example.org"];
    let mocks: Vec<_> = rooms
        .iter()
        .map(|r| {
            env.reply_to_body(
                PUT,
                &block_path(r),
                json!({"block": true}),
                200,
                json!({"block": true}),
            )
        })
        .collect();
    let input = "# spam rooms\n!a:example.org\n\n!b:example.org\n  !c:example.org  \n";
    let run = env.run_with_input(&["--batch", "room", "block", "-"], input).ok();
    assert_eq!(
        sorted(&run, "room_id"),
        rooms.map(|r| json!({"room_id": r, "block": true, "outcome": "done"}))
    );
    run.stderr_has("3 rooms: !a:example.org, !b:example.org, !c:example.org\n");
    run.stderr_has("3 done.\n");
    for m in &mocks {
        m.assert_calls(1);
    }
    assert!(!run.stderr.contains("listed before"), "{run:#?}");
    // An ID listed again is blocked once, and counted once.
    let again = "!a:example.org\n!b:example.org\n!a:example.org\n!a:example.org\n";
    let run = env.run_with_input(&["--batch", "room", "block", "-"], again).ok();
    assert_eq!(sorted(&run, "room_id").len(), 2, "{run:#?}");
    run.stderr_has("2 rooms: !a:example.org, !b:example.org\n");
    run.stderr_has("2 lines name an ID listed before; each ID is done once.\n");
    run.stderr_has("2 done.\n");
    mocks[0].assert_calls(2);
    mocks[1].assert_calls(2);
    mocks[2].assert_calls(1);
    // -u unblocks every room of the list.
    let unblock = env.reply_to_body(
        PUT,
        &block_path("!a:example.org"),
        json!({"block": false}),
        200,
        json!({"block": false}),
    );
    env.run_with_input(&["--batch", "room", "block", "-u", "-"], "!a:example.org\n").ok();
    unblock.assert_calls(1);
}

#[test]
fn a_list_with_bad_lines_sends_nothing_and_names_each_line() {
    let env = Env::new();
    let any = env.any_request();
    let input = "!a:example.org\n@user:example.org\n!b:example.org\nnot a room\n";
    let run = env.run_with_input(&["--batch", "room", "block", "-"], input).fails(
        2,
        "error: 2 lines of the list are not a room ID (the first on line 2); nothing was sent\n",
    );
    run.stderr_has("line 2: ");
    run.stderr_has("line 4: ");
    assert!(!run.stderr.contains("line 1:"), "{run:#?}");
    env.run_with_input(&["--batch", "room", "block", "-"], "# only a comment\n")
        .fails(2, "holds no room ID");
    any.assert_calls(0);
}

/// The first 20 bad lines are named, the rest counted: 22 bad lines end in "… and 2 more";
/// exactly 20 end without such a line.
#[test]
fn a_list_with_many_bad_lines_names_twenty_and_counts_the_rest() {
    let env = Env::new();
    let any = env.any_request();
    let bad = |n: usize| -> String { (1..=n).map(|i| format!("bad {i}\n")).collect() };
    let run = env
        .run_with_input(&["--batch", "room", "block", "-"], &bad(22))
        .fails(2, "22 lines of the list are not a room ID (the first on line 1)");
    run.stderr_has("line 20: ");
    assert!(!run.stderr.contains("line 21:"), "{run:#?}");
    run.stderr_has("… and 2 more\n");
    let run = env
        .run_with_input(&["--batch", "room", "block", "-"], &bad(20))
        .fails(2, "20 lines of the list are not a room ID");
    run.stderr_has("line 20: ");
    assert!(!run.stderr.contains("more"), "{run:#?}");
    any.assert_calls(0);
}

/// The list is spooled to a temporary file; one that cannot be made is an error saying why
/// (not retried as if the name were taken), before anything is sent.
#[test]
fn a_list_that_cannot_be_spooled_is_an_error_before_anything_is_sent() {
    let env = Env::new();
    let any = env.any_request();
    let run = crate::common::run::synadm(
        env.home.path(),
        &words("--batch room block -"),
        "!a:example.org\n",
        &[("TMPDIR", "/nonexistent-synadm-tmp")],
        &[],
    );
    assert_eq!(run.code, 7, "{run:#?}");
    run.stderr_has("error: cannot spool the ID list: No such file or directory");
    any.assert_calls(0);
}

#[test]
fn without_batch_the_question_is_asked_on_the_terminal_since_stdin_holds_the_list() {
    let env = Env::new();
    let any = env.any_request();
    // The tests run without a controlling terminal: no one can answer, so nothing is sent.
    let run = env.run_with_input(&["room", "block", "-"], "!a:example.org\n");
    assert_eq!(run.code, 6, "{run:#?}");
    run.stderr_has("1 room: !a:example.org\n");
    run.stderr_has(
        "error: aborted: the input came on stdin, so the question is asked on the terminal, and there is \
         none (No such device or address (os error 6)); pass --batch to skip it\n",
    );
    any.assert_calls(0);
}

#[test]
fn failed_items_are_rows_and_go_to_the_failed_to_file_for_a_re_run() {
    let env = Env::new();
    env.reply_to_body(
        PUT,
        &block_path("!a:example.org"),
        json!({"block": true}),
        200,
        json!({"block": true}),
    );
    env.reply_to_body(
        PUT,
        &block_path("!b:example.org"),
        json!({"block": true}),
        403,
        json!({"errcode": "M_FORBIDDEN", "error": "nope"}),
    );
    let failed = env.home.path().join("failed.txt");
    let failed_arg = failed.to_str().unwrap();
    let run = env.run_with_input(
        &["--batch", "room", "block", "-", "--failed-to", failed_arg],
        "!a:example.org\n!b:example.org\n",
    );
    assert_eq!(run.code, 1, "{run:#?}");
    assert_eq!(
        sorted(&run, "room_id"),
        [
            json!({"room_id": "!a:example.org", "block": true, "outcome": "done"}),
            json!({"room_id": "!b:example.org", "error": "M_FORBIDDEN: nope (HTTP 403)", "outcome": "failed"}),
        ]
    );
    run.stderr_has(&format!(
        "1 done, 1 failed. They are in {failed_arg}: run again with it to retry exactly them.\n"
    ));
    run.stderr_has("error: M_FORBIDDEN: nope (HTTP 403)\n");
    assert_eq!(std::fs::read_to_string(&failed).unwrap(), "!b:example.org\n");
    // The file is never written over.
    env.run_with_input(
        &["--batch", "room", "block", "-", "--failed-to", failed_arg],
        "!a:example.org\n",
    )
    .fails(7, "cannot create");
    // Human output: the failure and the summary on stderr, nothing on stdout.
    let human =
        env.run_with_input(&["--batch", "-o", "human", "room", "block", "-"], "!b:example.org\n");
    assert_eq!(human.code, 1);
    assert_eq!(human.stdout, "");
    human.stderr_has("!b:example.org: failed: M_FORBIDDEN: nope (HTTP 403)\n");
}

/// Without a known server name, a localpart in the list cannot be completed: the line is bad,
/// and nothing is deactivated.
#[test]
fn a_localpart_in_a_user_list_is_refused_when_the_server_name_is_unknown() {
    let env = Env::with_config("homeserver: auto-retrieval\n");
    let discovery = env.mock(|when, then| {
        when.method(GET);
        then.status(404)
            .json_body(json!({"errcode": "M_UNRECOGNIZED", "error": "Unrecognized request"}));
    });
    let deactivate = env.any_request_with(POST);
    let run =
        env.run_with_input(&["--batch", "user", "deactivate", "-"], "@ok:example.org\nspam1\n");
    let run =
        run.fails(2, "1 line of the list is not a user ID (the first on line 2); nothing was sent");
    run.stderr_has(
        "line 2: spam1 is a localpart, and the server name to complete it is unknown; give full \
         user IDs\n",
    );
    assert!(discovery.calls() >= 1);
    deactivate.assert_calls(0);
}

#[test]
fn user_deactivate_reads_users_from_stdin_completing_localparts() {
    let env = Env::with_config("homeserver: example.org\n");
    let deactivated = |user: &str| {
        env.reply_to_body(
            POST,
            &format!("/_synapse/admin/v1/deactivate/{user}"),
            json!({"erase": true}),
            200,
            json!({"id_server_unbind_result": "success", "outcome": "done"}),
        )
    };
    let (a, b) = (deactivated("@spam1:example.org"), deactivated("@spam2:other.org"));
    let run = env
        .run_with_input(&["--batch", "user", "deactivate", "-", "-e"], "spam1\n@spam2:other.org\n")
        .ok();
    assert_eq!(
        sorted(&run, "user_id"),
        [
            json!({"user_id": "@spam1:example.org", "deactivated": true, "id_server_unbind_result": "success", "outcome": "done"}),
            json!({"user_id": "@spam2:other.org", "deactivated": true, "id_server_unbind_result": "success", "outcome": "done"}),
        ]
    );
    a.assert_calls(1);
    b.assert_calls(1);
    let any = env.any_request();
    env.run_with_input(&["--batch", "user", "deactivate", "-"], "spam 1\n")
        .fails(2, "1 line of the list is not a user ID (the first on line 1)");
    any.assert_calls(0);
}

#[test]
fn media_quarantine_reads_media_ids_and_mxc_uris_from_stdin() {
    let env = Env::with_config("homeserver: example.org\n");
    let quarantined = |server: &str, id: &str| {
        env.reply(
            POST,
            &format!("/_synapse/admin/v1/media/quarantine/{server}/{id}"),
            200,
            json!({}),
        )
    };
    let (local, remote) = (quarantined("example.org", "abc"), quarantined("other.org", "xyz"));
    let run = env
        .run_with_input(
            &["--batch", "media", "quarantine", "-i", "-"],
            "abc\nmxc://other.org/xyz\n",
        )
        .ok();
    assert_eq!(
        sorted(&run, "media"),
        [
            json!({"media": "mxc://example.org/abc", "outcome": "done"}),
            json!({"media": "mxc://other.org/xyz", "outcome": "done"}),
        ]
    );
    local.assert_calls(1);
    remote.assert_calls(1);
    // -s names the server of the listed media IDs.
    let elsewhere = quarantined("third.org", "m1");
    env.run_with_input(&words("--batch media quarantine -i - -s third.org"), "m1\n").ok();
    elsewhere.assert_calls(1);
}

#[test]
fn media_protect_reads_local_media_from_stdin_and_refuses_remote_ones() {
    let env = Env::with_config("homeserver: example.org\n");
    let protect = env.reply(POST, "/_synapse/admin/v1/media/protect/abc", 200, json!({}));
    let run =
        env.run_with_input(&["--batch", "media", "protect", "-"], "abc\nmxc://other.org/xyz\n");
    assert_eq!(run.code, 2, "{run:#?}");
    assert_eq!(
        sorted(&run, "media"),
        [
            json!({"media": "mxc://example.org/abc", "outcome": "done"}),
            json!({"media": "mxc://other.org/xyz",
                   "error": "mxc://other.org/xyz is not on this server: only local media can be protected",
                   "outcome": "failed"}),
        ]
    );
    protect.assert_calls(1);
}

/// A rate-limited item waits what the server asks (the body's `retry_after_ms` here) and is
/// sent again; the run goes on. (That the wait holds back the whole pool is the engine's
/// unit test, `synadm::bulk`.)
#[test]
fn a_rate_limited_item_is_sent_again_after_the_wait_and_the_run_goes_on() {
    let env = Env::new();
    let rooms: Vec<String> = (0..8).map(|i| format!("!r{i}:example.org")).collect();
    let limited = env.mock(|when, then| {
        when.method(PUT).path(block_path("!r0:example.org"));
        then.status(429)
            .json_body(json!({"errcode": "M_LIMIT_EXCEEDED", "retry_after_ms": 1500}))
            .up_to_n_times(1);
    });
    let ok: Vec<_> = rooms.iter().map(|r| blocked(&env, r)).collect();
    let input: String = rooms.iter().map(|r| format!("{r}\n")).collect();
    let started = Instant::now();
    let run = env.run_with_input(&["--batch", "room", "block", "-", "--concurrency", "1"], &input);
    let run = run.ok();
    limited.assert_calls(1);
    run.stderr_has("rate-limited by the server; retrying in 1.5 s");
    run.stderr_has("8 done.");
    assert!(started.elapsed() >= Duration::from_millis(1500));
    for m in &ok {
        m.assert_calls(1);
    }
}

#[test]
fn concurrency_is_checked_before_anything_is_sent() {
    let env = Env::new();
    let any = env.any_request();
    for n in ["0", "65", "x"] {
        env.run_with_input(&["--batch", "room", "block", "-", "--concurrency", n], "!a:x.org\n")
            .fails(2, "--concurrency");
    }
    any.assert_calls(0);
}

#[test]
fn suspend_shadow_ban_and_room_delete_take_lists_too() {
    let env = Env::with_config("homeserver: example.org\n");
    let suspend = env.reply_to_body(
        PUT,
        "/_synapse/admin/v1/suspend/@s1:example.org",
        json!({"suspend": true}),
        200,
        json!({"user_@s1:example.org_suspended": true}),
    );
    let run = env.run_with_input(&["--batch", "user", "suspend", "-"], "s1\n").ok();
    assert_eq!(run.json(), json!([{"user_id": "@s1:example.org", "outcome": "done"}]));
    suspend.assert_calls(1);

    let unban =
        env.reply(DELETE, "/_synapse/admin/v1/users/@s2:example.org/shadow_ban", 200, json!({}));
    env.run_with_input(&["--batch", "user", "shadow-ban", "-u", "-"], "@s2:example.org\n").ok();
    unban.assert_calls(1);

    let deletions: Vec<_> = ["!d1:example.org", "!d2:example.org"]
        .iter()
        .map(|room| {
            env.reply_to_body(
                DELETE,
                &format!("/_synapse/admin/v2/rooms/{room}"),
                json!({"block": true, "purge": true}),
                200,
                json!({"delete_id": format!("del-{}", &room[1..3])}),
            )
        })
        .collect();
    let run = env
        .run_with_input(
            &["--batch", "room", "delete", "-", "--block"],
            "!d1:example.org\n!d2:example.org\n",
        )
        .ok();
    assert_eq!(
        sorted(&run, "room_id"),
        [
            json!({"room_id": "!d1:example.org", "delete_id": "del-d1", "outcome": "done"}),
            json!({"room_id": "!d2:example.org", "delete_id": "del-d2", "outcome": "done"}),
        ]
    );
    for m in &deletions {
        m.assert_calls(1);
    }
}

#[test]
fn media_delete_reads_local_media_from_stdin() {
    let env = Env::with_config("homeserver: example.org\n");
    let deleted = env.reply(
        DELETE,
        "/_synapse/admin/v1/media/example.org/abc",
        200,
        json!({"deleted_media": ["abc"], "total": 1}),
    );
    let run = env
        .run_with_input(&["--batch", "media", "delete", "-i", "-"], "abc\nmxc://other.org/xyz\n");
    assert_eq!(run.code, 2, "{run:#?}");
    assert_eq!(
        sorted(&run, "media"),
        [
            json!({"media": "mxc://example.org/abc", "outcome": "done"}),
            json!({"media": "mxc://other.org/xyz", "outcome": "failed", "error":
                "mxc://other.org/xyz is not on this server: only local media can be deleted (remote media: media purge)"}),
        ]
    );
    deleted.assert_calls(1);
}

/// A 429 asking for a longer wait than synadm gives stops the run cleanly: nothing new is
/// sent, the rest are "not sent" (and in --failed-to), and the error says how long it asked.
#[test]
fn a_rate_limit_beyond_the_bound_stops_the_run_cleanly() {
    let env = Env::new();
    let rooms: Vec<String> = (0..6).map(|i| format!("!w{i}:example.org")).collect();
    let limited = env.mock(|when, then| {
        when.method(PUT).path(block_path(&rooms[0]));
        then.status(429)
            .header("retry-after", "3600")
            .json_body(json!({"errcode": "M_LIMIT_EXCEEDED", "error": "Too Many Requests"}));
    });
    let others: Vec<_> = rooms[1..].iter().map(|r| blocked(&env, r)).collect();
    let failed = env.home.path().join("left.txt");
    let input: String = rooms.iter().map(|r| format!("{r}\n")).collect();
    let started = Instant::now();
    let run = env.run_with_input(
        &[
            "--batch",
            "room",
            "block",
            "-",
            "--concurrency",
            "1",
            "--failed-to",
            failed.to_str().unwrap(),
        ],
        &input,
    );
    assert!(started.elapsed() < Duration::from_secs(30), "it did not wait an hour");
    assert_eq!(run.code, 1, "{run:#?}");
    run.stderr_has("0 done, 1 failed, 5 not sent.");
    run.stderr_has("Stopped: the server asked to wait 3600 s after a rate limit.");
    run.stderr_has("(the server asked to wait 3600 s; synadm waits at most 300 s) (HTTP 429)");
    limited.assert_calls(1);
    for m in &others {
        m.assert_calls(0);
    }
    let left: Vec<String> =
        std::fs::read_to_string(&failed).unwrap().lines().map(str::to_owned).collect();
    let mut expected = rooms.clone();
    expected.sort();
    let mut left_sorted = left.clone();
    left_sorted.sort();
    assert_eq!(left_sorted, expected, "every room is in the file to re-run");
}
