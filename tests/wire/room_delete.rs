//! `room delete`, `room delete-status`, `room purge-empty`: the exact requests, the
//! confirmation, `--wait` against a task that changes, fails, stalls or rate-limits.

use crate::common::words;
use crate::support::{Env, Run, WhenExt, usage_errors};
use httpmock::Method::{DELETE, GET};
use httpmock::Mock;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const ROOM: &str = "!doomed:example.org";
const ROOM_PATH: &str = "/_synapse/admin/v1/rooms/!doomed:example.org";
const V2_PATH: &str = "/_synapse/admin/v2/rooms/!doomed:example.org";
const STATUS_PATH: &str = "/_synapse/admin/v2/rooms/delete_status/d1";

/// A RoomDetails reply as Synapse 1.163 sends it.
fn details(room_id: &str) -> Value {
    json!({
        "room_id": room_id, "name": "Doomed Room", "canonical_alias": "#doomed:example.org",
        "joined_members": 3, "joined_local_members": 2, "version": "10",
        "creator": "@carol:example.org", "encryption": null, "federatable": true,
        "public": false, "join_rules": "invite", "guest_access": null,
        "history_visibility": "shared", "state_events": 12, "room_type": null,
        "avatar": null, "topic": null, "joined_local_devices": 2, "forgotten": false,
        "tombstoned": false, "replacement_room": null
    })
}

fn members() -> Value {
    json!({"members": ["@carol:example.org", "@dan:example.org", "@eve:remote.org"], "total": 3})
}

fn shutdown() -> Value {
    json!({"kicked_users": ["@carol:example.org", "@dan:example.org"],
           "failed_to_kick_users": [], "local_aliases": ["#doomed:example.org"],
           "new_room_id": null})
}

fn task(status: &str, report: Value) -> Value {
    json!({"delete_id": "d1", "room_id": ROOM, "status": status, "shutdown_room": report})
}

/// The room and its members, as the confirmation shows them.
fn room_known(env: &Env) -> (Mock<'_>, Mock<'_>) {
    (
        env.reply(GET, ROOM_PATH, 200, details(ROOM)),
        env.reply(GET, &format!("{ROOM_PATH}/members"), 200, members()),
    )
}

/// A v2 deletion of ROOM with exactly `body`, answered with delete ID d1.
fn v2_delete<'a>(env: &'a Env, body: Value) -> Mock<'a> {
    env.reply_to_body(DELETE, V2_PATH, body, 200, json!({"delete_id": "d1"}))
}

/// The status of task d1: `replies` in turn (each once), then the last one for ever.
fn status_sequence<'a>(env: &'a Env, replies: &[(u16, Value)]) -> Vec<Mock<'a>> {
    let last = replies.len() - 1;
    replies
        .iter()
        .enumerate()
        .map(|(i, (status, body))| {
            env.mock(|when, then| {
                when.method(GET).path(STATUS_PATH).no_query().no_body();
                let then = then.status(*status).json_body(body.clone());
                if i < last {
                    then.up_to_n_times(1);
                }
            })
        })
        .collect()
}

#[test]
fn room_delete_shows_the_room_asks_and_sends_synadms_default_body() {
    let env = Env::new();
    let (room, people) = room_known(&env);
    let delete = v2_delete(&env, json!({"block": false, "purge": true}));
    let run = env.run_with_input(&["room", "delete", ROOM], "y\n").ok();
    assert_eq!(run.json(), json!({"delete_id": "d1"}));
    for shown in [
        "Room !doomed:example.org \"Doomed Room\" (#doomed:example.org)",
        "created by @carol:example.org",
        "3 joined members (2 local): @carol:example.org, @dan:example.org, @eve:remote.org",
        "its data is purged from the database",
        "Delete room !doomed:example.org? [y/N]",
        "synadm room delete-status -d d1",
    ] {
        assert!(run.stderr.contains(shown), "stderr lacks {shown:?}: {run:#?}");
    }
    room.assert_calls(1);
    people.assert_calls(1);
    delete.assert_calls(1);
}

#[test]
fn room_delete_declined_deletes_nothing() {
    let env = Env::new();
    let (room, _) = room_known(&env);
    let delete = v2_delete(&env, json!({"block": false, "purge": true}));
    env.run_with_input(&["room", "delete", ROOM], "n\n").fails(6, "aborted");
    room.assert_calls(1);
    delete.assert_calls(0);
}

#[test]
fn room_delete_sends_every_flag_and_completes_the_new_rooms_user() {
    let env = Env::new();
    let (room, people) = room_known(&env);
    let delete = v2_delete(
        &env,
        json!({"block": true, "purge": false, "new_room_user_id": "@alice:example.org",
               "room_name": "Moved here", "message": "That room is gone."}),
    );
    let run = env
        .run(&[
            "--batch",
            "room",
            "delete",
            ROOM,
            "-b",
            "--no-purge",
            "-u",
            "alice",
            "-n",
            "Moved here",
            "-m",
            "That room is gone.",
        ])
        .ok();
    assert_eq!(run.json(), json!({"delete_id": "d1"}));
    delete.assert_calls(1);
    // In batch mode the room is still checked (an unknown room stops the command), but
    // the members are only fetched to be shown before asking.
    room.assert_calls(1);
    people.assert_calls(0);
}

#[test]
fn room_delete_force_purge_is_sent_only_when_given() {
    let env = Env::new();
    room_known(&env);
    let delete = v2_delete(&env, json!({"block": false, "purge": true, "force_purge": true}));
    env.run(&["--batch", "room", "delete", ROOM, "--force-purge"]).ok();
    delete.assert_calls(1);
}

#[test]
fn room_delete_v1_is_synchronous_and_prints_the_shutdown_result() {
    let env = Env::new();
    room_known(&env);
    let v1 = env.reply_to_body(
        DELETE,
        ROOM_PATH,
        json!({"block": true, "purge": true}),
        200,
        shutdown(),
    );
    let run = env.run(&["--batch", "room", "delete", ROOM, "--v1", "-b"]).ok();
    assert_eq!(run.json(), shutdown());
    run.stderr_has("Room !doomed:example.org deleted.");
    let human = env.run(&["--batch", "-o", "human", "room", "delete", ROOM, "--v1", "-b"]).ok();
    assert_eq!(
        human.stdout,
        "kicked_users          2\n\
         failed_to_kick_users\n\
         local_aliases         #doomed:example.org\n\
         new_room_id\n"
    );
    v1.assert_calls(2);
}

#[test]
fn room_delete_of_an_unknown_room_fails_before_asking() {
    let env = Env::new();
    let room = env.reply_error(GET, ROOM_PATH, 404, "M_NOT_FOUND", "Room not found");
    let delete = v2_delete(&env, json!({"block": false, "purge": true}));
    let run = env
        .run_with_input(&["room", "delete", ROOM], "y\n")
        .fails(1, "M_NOT_FOUND: Room not found (HTTP 404)");
    assert!(!run.stderr.contains("[y/N]"), "{run:#?}");
    env.run(&["--batch", "room", "delete", ROOM]).fails(1, "M_NOT_FOUND");
    room.assert_calls(2);
    delete.assert_calls(0);
}

#[test]
fn room_delete_usage_errors_send_no_request() {
    usage_errors(
        &["--batch", "room"],
        &[
            (&["delete", "doomed:example.org"], "not a room ID"),
            (&["delete", "!doomed:exa mple.org"], "not a room ID"),
            (&["delete", ROOM, "--no-purge", "--force-purge"], "cannot be used with"),
            (&["delete", ROOM, "--v1", "--wait"], "cannot be used with"),
            (&["delete"], "ROOM_ID"),
            (&["delete-status"], "required"),
            (&["delete-status", "-r", ROOM, "-d", "d1"], "cannot be used with"),
            (&["delete-status", "-r", "#alias:x"], "not a room ID"),
            (&["purge-empty", "--no-purge", "--force-purge"], "cannot be used with"),
            (&["purge-empty", "--v1", "--wait"], "cannot be used with"),
            (&["purge-empty", "-p", "0"], "0"),
        ],
    );
}

#[test]
fn room_delete_wait_polls_a_task_from_scheduled_to_complete() {
    let env = Env::new();
    room_known(&env);
    v2_delete(&env, json!({"block": false, "purge": true}));
    let done = task("complete", shutdown());
    let polls = status_sequence(
        &env,
        &[
            (200, task("scheduled", Value::Null)),
            (
                200,
                task(
                    "active",
                    json!({"kicked_users": [], "failed_to_kick_users": [], "local_aliases": [], "new_room_id": null}),
                ),
            ),
            (200, done.clone()),
        ],
    );
    let run = env.run(&["--batch", "room", "delete", ROOM, "--wait"]).ok();
    assert_eq!(run.json(), done);
    run.stderr_has("The room deletion d1 is complete");
    // stderr is no terminal here: no progress lines.
    assert!(!run.stderr.contains("scheduled"), "{run:#?}");
    for poll in &polls {
        poll.assert_calls(1);
    }
}

#[test]
fn room_delete_wait_shows_its_progress_on_a_terminal_and_clears_it() {
    let env = Env::new();
    room_known(&env);
    v2_delete(&env, json!({"block": false, "purge": true}));
    status_sequence(
        &env,
        &[
            (200, task("scheduled", Value::Null)),
            (200, task("active", Value::Null)),
            (200, task("complete", shutdown())),
        ],
    );
    let shown = env.run_on_terminal(None, &["--batch", "room", "delete", ROOM, "--wait"]);
    // One line (a spinner, the job and its status) redrawn at each poll …
    for status in ["scheduled", "active"] {
        assert!(shown.contains(&format!(" room deletion d1: {status} (0 s)")), "{shown:?}");
    }
    // … messages above it, and the line erased before the data.
    assert!(shown.contains("The room deletion d1 is complete ("), "{shown:?}");
    assert!(shown.contains("\r\x1b[2K{\r\n    \"delete_id\": \"d1\""), "{shown:?}");
}

#[test]
fn room_delete_wait_fails_with_exit_8_when_the_task_fails() {
    let env = Env::new();
    room_known(&env);
    v2_delete(&env, json!({"block": false, "purge": true}));
    status_sequence(
        &env,
        &[(200, task("active", Value::Null)), (200, task("failed", Value::Null))],
    );
    env.run(&["--batch", "room", "delete", ROOM, "--wait"])
        .fails(8, "the room deletion d1 failed: failed (Synapse gave no reason");
    // A server that does say why: its error is the message.
    let env = Env::new();
    room_known(&env);
    v2_delete(&env, json!({"block": false, "purge": true}));
    let mut failed = task("failed", Value::Null);
    failed["error"] = json!("database is locked");
    status_sequence(&env, &[(200, failed)]);
    env.run(&["--batch", "room", "delete", ROOM, "--wait"])
        .fails(8, "the room deletion d1 failed: database is locked");
}

#[test]
fn room_delete_wait_gives_up_when_the_server_stops_answering() {
    let env = Env::with_config("homeserver: example.org\ntimeout: 1\n");
    room_known(&env);
    v2_delete(&env, json!({"block": false, "purge": true}));
    let slow = env.mock(|when, then| {
        when.method(GET).path(STATUS_PATH);
        then.status(200).delay(Duration::from_secs(3)).json_body(task("active", Value::Null));
    });
    let started = Instant::now();
    let run = env.run(&["--batch", "room", "delete", ROOM, "--wait"]).fails(4, "timed out");
    run.stderr_has("check with `synadm room delete-status -d d1`");
    // Three polls of one second each (plus the pauses), not one per delayed reply.
    assert!(started.elapsed() < Duration::from_secs(9), "{run:#?}");
    assert_eq!(slow.calls(), 3);
}

#[test]
fn room_delete_wait_retries_a_rate_limited_poll() {
    let env = Env::new();
    room_known(&env);
    v2_delete(&env, json!({"block": false, "purge": true}));
    let limited = env.rate_limited_once(GET, STATUS_PATH);
    let done = task("complete", shutdown());
    let ok = env.reply(GET, STATUS_PATH, 200, done.clone());
    let run = env.run(&["--batch", "room", "delete", ROOM, "--wait"]).ok();
    assert_eq!(run.json(), done);
    run.stderr_has("rate-limited");
    limited.assert_calls(1);
    ok.assert_calls(1);
}

#[test]
fn room_delete_status_by_delete_id_and_by_room() {
    let env = Env::new();
    let one = task("complete", shutdown());
    let by_id = env.reply(GET, STATUS_PATH, 200, one.clone());
    let all = json!({"results": [one.clone(), task("failed", Value::Null)]});
    let by_room = env.reply(GET, &format!("{V2_PATH}/delete_status"), 200, all.clone());
    assert_eq!(env.run(&["room", "delete-status", "-d", "d1"]).ok().json(), one);
    assert_eq!(env.run(&["room", "delete-status", "--room-id", ROOM]).ok().json(), all);
    let human = env.run(&["-o", "human", "room", "delete-status", "--delete-id", "d1"]).ok();
    assert_eq!(
        human.stdout,
        "status                complete\n\
         delete_id             d1\n\
         room_id               !doomed:example.org\n\
         kicked_users          2\n\
         failed_to_kick_users\n\
         local_aliases         #doomed:example.org\n\
         new_room_id\n"
    );
    let table = env.run(&["-o", "human", "room", "delete-status", "-r", ROOM]).ok();
    let lines = table.lines();
    assert!(lines[0].starts_with("status"), "{table:#?}");
    assert!(lines[2].starts_with("complete  d1"), "{table:#?}");
    assert!(lines[3].starts_with("failed    d1"), "{table:#?}");
    by_id.assert_calls(2);
    by_room.assert_calls(2);
}

#[test]
fn room_delete_status_by_room_explains_a_404() {
    let env = Env::new();
    env.reply_error(
        GET,
        &format!("{V2_PATH}/delete_status"),
        404,
        "M_NOT_FOUND",
        "No delete task for room_id '!doomed:example.org' found",
    );
    env.run(&["room", "delete-status", "-r", ROOM])
        .fails(1, "not listed by room ID; ask for it with -d DELETE_ID");
}

// ---- purge-empty ------------------------------------------------------------------------

fn list_entry(room_id: &str, local: i64, joined: i64) -> Value {
    json!({
        "room_id": room_id, "name": null, "canonical_alias": null, "joined_members": joined,
        "joined_local_members": local, "version": "10", "creator": null, "encryption": null,
        "federatable": true, "public": false, "join_rules": "invite", "guest_access": null,
        "history_visibility": "shared", "state_events": 5, "room_type": null
    })
}

/// Two pages, fewest local members first: three empty rooms (one with a remote member),
/// then a room with a local member, after which the scan stops.
fn room_pages(env: &Env) -> (Mock<'_>, Mock<'_>, Mock<'_>) {
    let page = |from: &str, rooms: Value, next: Option<i64>| {
        let mut reply =
            json!({"rooms": rooms, "offset": from.parse::<i64>().unwrap(), "total_rooms": 6});
        if let Some(next) = next {
            reply["next_batch"] = json!(next);
        }
        let from = from.to_string();
        env.mock(move |when, then| {
            when.method(GET)
                .path("/_synapse/admin/v1/rooms")
                .query_param("from", from)
                .query_param("limit", "2")
                .query_param("order_by", "joined_local_members")
                .query_param("dir", "b");
            then.status(200).json_body(reply);
        })
    };
    (
        page(
            "0",
            json!([list_entry("!e1:example.org", 0, 0), list_entry("!e2:example.org", 0, 1)]),
            Some(2),
        ),
        page(
            "2",
            json!([list_entry("!e3:example.org", 0, 0), list_entry("!busy:example.org", 1, 1)]),
            Some(4),
        ),
        page("4", json!([list_entry("!busier:example.org", 3, 3)]), None),
    )
}

const EMPTY: [&str; 3] = ["!e1:example.org", "!e2:example.org", "!e3:example.org"];

/// The first page of purge-empty's scan at the default page size of 100, holding `rooms`.
fn default_first_page(env: &Env, rooms: Vec<Value>) -> Mock<'_> {
    let total = rooms.len();
    env.reply_to_query(
        GET,
        "/_synapse/admin/v1/rooms",
        &[("from", "0"), ("limit", "100"), ("order_by", "joined_local_members"), ("dir", "b")],
        200,
        json!({"rooms": rooms, "offset": 0, "total_rooms": total}),
    )
}

#[test]
fn room_purge_empty_scans_100_rooms_per_request_by_default() {
    let env = Env::new();
    let page = default_first_page(
        &env,
        vec![list_entry("!e1:example.org", 0, 0), list_entry("!busy:example.org", 1, 1)],
    );
    let run = env.run(&["room", "purge-empty", "--dry-run"]).ok();
    assert_eq!(run.json(), json!(["!e1:example.org"]));
    page.assert_calls(1);
}

#[test]
fn room_purge_empty_dry_run_lists_rooms_without_local_members_and_deletes_nothing() {
    let env = Env::new();
    let (p0, p2, p4) = room_pages(&env);
    let any_delete = env.any_request_with(DELETE);
    let run = env.run(&["room", "purge-empty", "--dry-run", "--paginate", "2"]).ok();
    assert_eq!(run.json(), json!(EMPTY));
    run.stderr_has("3 room(s) have no local members");
    // Remote members are counted only where there are some.
    run.stderr_has(
        "members:\n  !e1:example.org\n  !e2:example.org  (1 remote members)\n  !e3:example.org\n",
    );
    run.stderr_has("Dry run");
    p0.assert_calls(1);
    p2.assert_calls(1);
    // The list is sorted by local members: after a non-empty room there is nothing left.
    p4.assert_calls(0);
    any_delete.assert_calls(0);
}

#[test]
fn room_purge_empty_previews_30_rooms_and_counts_the_rest() {
    for (empty, more) in [(30, None), (31, Some("  … and 1 more (--dry-run lists them all)"))] {
        let env = Env::new();
        let mut rooms: Vec<Value> =
            (1..=empty).map(|i| list_entry(&format!("!e{i}:example.org"), 0, 0)).collect();
        rooms.push(list_entry("!busy:example.org", 1, 1));
        default_first_page(&env, rooms);
        let run = env.run(&["room", "purge-empty", "--dry-run"]).ok();
        assert_eq!(run.json().as_array().unwrap().len(), empty);
        run.stderr_has("  !e30:example.org\n");
        assert!(!run.stderr.contains("!e31:"), "{run:#?}");
        assert_eq!(
            run.stderr.lines().find(|l| l.contains("more")),
            more,
            "{empty} rooms: {run:#?}"
        );
    }
}

/// A v2 deletion of `room_id` with `body`, answered with delete ID `d-<room>`.
fn delete_any<'a>(env: &'a Env, room_id: &str, body: Value) -> Mock<'a> {
    env.reply_to_body(
        DELETE,
        &format!("/_synapse/admin/v2/rooms/{room_id}"),
        body,
        200,
        json!({"delete_id": format!("d-{}", &room_id[1..3])}),
    )
}

#[test]
fn room_purge_empty_asks_once_deletes_each_empty_room_and_prints_one_list() {
    let env = Env::new();
    room_pages(&env);
    let body = json!({"block": false, "purge": true});
    let deletes: Vec<Mock> = EMPTY.iter().map(|r| delete_any(&env, r, body.clone())).collect();
    let run = env.run_with_input(&["room", "purge-empty", "-p", "2"], "y\n").ok();
    assert_eq!(
        run.json(),
        json!([
            {"room_id": "!e1:example.org", "delete_id": "d-e1", "outcome": "done"},
            {"room_id": "!e2:example.org", "delete_id": "d-e2", "outcome": "done"},
            {"room_id": "!e3:example.org", "delete_id": "d-e3", "outcome": "done"},
        ])
    );
    assert_eq!(
        run.stderr.matches("Delete these 3 rooms and purge them from the database? [y/N]").count(),
        1,
        "{run:#?}"
    );
    for d in &deletes {
        d.assert_calls(1);
    }
}

#[test]
fn room_purge_empty_declined_deletes_nothing() {
    let env = Env::new();
    room_pages(&env);
    let any_delete = env.any_request_with(DELETE);
    env.run_with_input(&["room", "purge-empty", "-p", "2"], "n\n").fails(6, "aborted");
    any_delete.assert_calls(0);
}

#[test]
fn room_purge_empty_v1_sends_purge_as_asked_not_inverted() {
    for (flag, body) in [
        (None, json!({"block": false, "purge": true})),
        (Some("--no-purge"), json!({"block": false, "purge": false})),
        (Some("--force-purge"), json!({"block": false, "purge": true, "force_purge": true})),
    ] {
        let env = Env::new();
        room_pages(&env);
        let v1: Vec<Mock> = EMPTY
            .iter()
            .map(|r| {
                env.reply_to_body(
                    DELETE,
                    &format!("/_synapse/admin/v1/rooms/{r}"),
                    body.clone(),
                    200,
                    shutdown(),
                )
            })
            .collect();
        let mut args = vec!["--batch", "room", "purge-empty", "-p", "2", "--v1"];
        args.extend(flag);
        let run = env.run(&args).ok();
        let rows = run.json();
        assert_eq!(rows.as_array().map(Vec::len), Some(3), "{run:#?}");
        assert_eq!(rows[1]["room_id"], "!e2:example.org");
        assert_eq!(rows[1]["kicked_users"], shutdown()["kicked_users"]);
        for m in &v1 {
            m.assert_calls(1);
        }
    }
}

#[test]
fn room_purge_empty_reports_every_room_and_fails_if_one_failed() {
    let env = Env::new();
    room_pages(&env);
    let body = json!({"block": false, "purge": true});
    delete_any(&env, EMPTY[0], body.clone());
    env.reply_to_body(
        DELETE,
        &format!("/_synapse/admin/v2/rooms/{}", EMPTY[1]),
        body.clone(),
        400,
        json!({"errcode": "M_UNKNOWN", "error": "Purge already in progress for !e2:example.org"}),
    );
    delete_any(&env, EMPTY[2], body);
    let run = env.run(&["--batch", "room", "purge-empty", "-p", "2"]);
    assert_eq!(run.code, 1, "{run:#?}");
    // A row per room as it finishes (here sorted, for the comparison).
    let mut rows = run.json().as_array().cloned().unwrap_or_default();
    rows.sort_by_key(|r| r["room_id"].to_string());
    assert_eq!(
        rows,
        [
            json!({"room_id": "!e1:example.org", "delete_id": "d-e1", "outcome": "done"}),
            json!({"room_id": "!e2:example.org", "error": "M_UNKNOWN: Purge already in progress for !e2:example.org (HTTP 400)", "outcome": "failed"}),
            json!({"room_id": "!e3:example.org", "delete_id": "d-e3", "outcome": "done"}),
        ]
    );
    run.stderr_has("2 done, 1 failed.");
    // Human output: the failure on stderr, and the summary.
    let human = env.run(&["--batch", "-o", "human", "room", "purge-empty", "-p", "2"]);
    assert_eq!(human.code, 1);
    assert_eq!(human.stdout, "");
    human.stderr_has(
        "!e2:example.org: failed: M_UNKNOWN: Purge already in progress for !e2:example.org (HTTP 400)\n",
    );
    human.stderr_has("2 done, 1 failed.");
}

#[test]
fn room_purge_empty_wait_waits_for_every_deletion() {
    let env = Env::new();
    room_pages(&env);
    let body = json!({"block": false, "purge": true});
    for room in EMPTY {
        delete_any(&env, room, body.clone());
        let id = format!("d-{}", &room[1..3]);
        let path = format!("/_synapse/admin/v2/rooms/delete_status/{id}");
        let active =
            json!({"delete_id": id, "room_id": room, "status": "active", "shutdown_room": null});
        let done = json!({"delete_id": id, "room_id": room, "status": "complete", "shutdown_room": shutdown()});
        env.mock(|when, then| {
            when.method(GET).path(path.clone());
            then.status(200).json_body(active).up_to_n_times(1);
        });
        env.reply(GET, &path, 200, done);
    }
    let run = env.run(&["--batch", "room", "purge-empty", "-p", "2", "--wait"]).ok();
    let rows = run.json();
    for (i, room) in EMPTY.iter().enumerate() {
        assert_eq!(rows[i]["room_id"], *room, "{run:#?}");
        assert_eq!(rows[i]["status"], "complete", "{run:#?}");
        assert_eq!(rows[i]["shutdown_room"], shutdown(), "{run:#?}");
    }
    assert_eq!(run.stderr.matches("is complete").count(), 3, "{run:#?}");
}

/// One empty room: the question names it in the singular, and `--no-purge` keeps its data.
#[test]
fn room_purge_empty_of_one_room_asks_about_this_room() {
    let env = Env::new();
    env.mock(|when, then| {
        when.method(GET).path("/_synapse/admin/v1/rooms");
        let rooms = [list_entry("!busy:example.org", 2, 2), list_entry("!e1:example.org", 0, 0)];
        then.status(200).json_body(json!({"rooms": rooms, "offset": 0, "total_rooms": 2}));
    });
    let delete = env.any_request_with(DELETE);
    let run = env.run_with_input(&["room", "purge-empty"], "n\n").fails(6, "aborted");
    run.stderr_has("Delete this room and purge it from the database? [y/N] ");
    let run = env.run_with_input(&words("room purge-empty --no-purge"), "n\n").fails(6, "aborted");
    run.stderr_has("Delete this room, keeping its data in the database? [y/N] ");
    delete.assert_calls(0);
}

#[test]
fn room_purge_empty_with_no_empty_room_asks_nothing() {
    let env = Env::new();
    env.mock(|when, then| {
        when.method(GET).path("/_synapse/admin/v1/rooms");
        then.status(200).json_body(
            json!({"rooms": [list_entry("!busy:example.org", 2, 2)], "offset": 0, "total_rooms": 1}),
        );
    });
    let run: Run = env.run(&["room", "purge-empty"]).ok();
    assert_eq!(run.json(), json!([]));
    assert!(!run.stderr.contains("[y/N]"), "{run:#?}");
}
