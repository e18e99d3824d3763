//! `history purge` and `history purge-status`: the cut-off on the wire for every form, the
//! warnings and the confirmation, `--wait`, and usage errors that send nothing.

use crate::support::{DAY_MS, Env, now_ms, usage_errors};
use httpmock::Method::{GET, POST};
use httpmock::Mock;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const ROOM: &str = "!old:example.org";
const PURGE_PATH: &str = "/_synapse/admin/v1/purge_history/!old:example.org";
const STATUS_PATH: &str = "/_synapse/admin/v1/purge_history_status/p1";
/// `history purge ROOM --before-ts 5000 --wait`, without asking.
const PURGE_WAIT: &[&str] = &["--batch", "history", "purge", ROOM, "--before-ts", "5000", "--wait"];

/// A purge of ROOM with exactly `body`, answered with purge ID p1.
fn purge(env: &Env, body: Value) -> Mock<'_> {
    env.reply_to_body(POST, PURGE_PATH, body, 200, json!({"purge_id": "p1"}))
}

#[test]
fn history_purge_sends_the_event_cut_off_and_prints_the_purge_id() {
    let env = Env::new();
    let m = purge(&env, json!({"purge_up_to_event_id": "$ev1:example.org"}));
    let run = env.run_with_input(&["history", "purge", ROOM, "-i", "$ev1:example.org"], "y\n").ok();
    assert_eq!(run.json(), json!({"purge_id": "p1"}));
    for shown in [
        "Purging the history of !old:example.org before event $ev1:example.org removes \
         those events from the room's history and deletes remote users' events; local users' \
         events stay in the database, hidden (--delete-local deletes them too)",
        "Are you sure you want to purge room history? [y/N]",
        "follow it with `synadm history purge-status p1`",
    ] {
        assert!(run.stderr.contains(shown), "stderr lacks {shown:?}: {run:#?}");
    }
    assert!(!run.stderr.contains("Warning"), "{run:#?}");
    m.assert_calls(1);
}

#[test]
fn history_purge_sends_each_date_form_as_purge_up_to_ts() {
    // The tests run with TZ=UTC, so local dates are UTC here.
    for (args, ts) in [
        (&["--before-ts", "1234"][..], 1234_i64),
        (&["--before-ts", "0"][..], 0),
        (&["--before", "2024-05-01"][..], 1_714_521_600_000),
        (&["--before", "2024-05-01T12:30:00"][..], 1_714_566_600_000),
        (&["--before", "2024-05-01 12:30:00"][..], 1_714_566_600_000),
        (&["--before", "2024-05-01T12:00:00+02:00"][..], 1_714_557_600_000),
    ] {
        let env = Env::new();
        let m = purge(&env, json!({"purge_up_to_ts": ts}));
        let mut all = vec!["--batch", "history", "purge", ROOM];
        all.extend_from_slice(args);
        env.run(&all).ok();
        m.assert_calls(1);
    }
}

#[test]
fn history_purge_before_days_counts_back_from_now() {
    for days in [0_i64, 1, 30] {
        let env = Env::new();
        let (m, seen) = env.recording(POST, PURGE_PATH, 200, json!({"purge_id": "p1"}));
        let before = now_ms();
        env.run(&["--batch", "history", "purge", ROOM, "--before-days", &days.to_string()]).ok();
        let after = now_ms();
        m.assert_calls(1);
        let request = seen.one();
        assert!(request.query.is_empty(), "{request:?}");
        let body = request.body;
        assert_eq!(body.as_object().map(|o| o.len()), Some(1), "only the cut-off: {body}");
        let ts = body["purge_up_to_ts"].as_i64().expect("purge_up_to_ts");
        let (low, high) = (before - days * DAY_MS, after - days * DAY_MS);
        assert!((low..=high).contains(&ts), "--before-days {days}: {ts} not in {low}..={high}");
    }
}

#[test]
fn history_purge_delete_local_is_sent_and_warned_about() {
    let env = Env::new();
    let m = purge(&env, json!({"purge_up_to_ts": 5000, "delete_local_events": true}));
    let run = env
        .run_with_input(
            &["history", "purge", ROOM, "--before-ts", "5000", "--delete-local"],
            "yes\n",
        )
        .ok();
    run.stderr_has("deletes them from the database, local users' events included");
    run.stderr_has("Warning: --delete-local deletes the messages of this server's own users");
    // The warning is shown in batch mode too, where nobody is asked.
    let batch = env
        .run(&["--batch", "history", "purge", ROOM, "--before-ts", "5000", "--delete-local"])
        .ok();
    batch.stderr_has("Warning: --delete-local");
    assert!(!batch.stderr.contains("[y/N]"), "{batch:#?}");
    m.assert_calls(2);
}

#[test]
fn history_purge_declined_sends_nothing() {
    let env = Env::new();
    let m = purge(&env, json!({"purge_up_to_ts": 5000}));
    env.run_with_input(&["history", "purge", ROOM, "--before-ts", "5000"], "n\n")
        .fails(6, "aborted");
    env.run(&["history", "purge", ROOM, "--before-ts", "5000"]).fails(6, "stdin closed");
    m.assert_calls(0);
}

#[test]
fn history_purge_usage_errors_send_no_request() {
    usage_errors(
        &["--batch", "history"],
        &[
            (&["purge", ROOM], "required"),
            (&["purge", ROOM, "--before-ts", "1", "--before-days", "2"], "cannot be used with"),
            (
                &["purge", ROOM, "-i", "$e:example.org", "--before", "2024-01-01"],
                "cannot be used with",
            ),
            (&["purge", "old:example.org", "--before-ts", "1"], "not a room ID"),
            (&["purge", "#old:example.org", "--before-ts", "1"], "not a room ID"),
            // An unquoted `$ev` the shell expanded to nothing.
            (&["purge", ROOM, "-i", ""], "not an event ID"),
            (&["purge", ROOM, "-i", "ev1:example.org"], "not an event ID"),
            (&["purge", ROOM, "--before", "2024-13-01"], "not a date"),
            (&["purge", ROOM, "--before", "yesterday"], "not a date"),
            (&["purge", ROOM, "--before-days", "-1"], "-1"),
            (&["purge", ROOM, "--before-ts", "soon"], "soon"),
            (&["purge-status"], "PURGE_ID"),
        ],
    );
}

#[test]
fn history_purge_errors_from_the_server_exit_non_zero() {
    let env = Env::new();
    env.reply_to_body(
        POST,
        PURGE_PATH,
        json!({"purge_up_to_ts": 1}),
        404,
        json!({"errcode": "M_NOT_FOUND", "error": "There is no event to be purged"}),
    );
    env.run(&["--batch", "history", "purge", ROOM, "--before-ts", "1"])
        .fails(1, "M_NOT_FOUND: There is no event to be purged (HTTP 404)");
}

#[test]
fn history_purge_wait_polls_until_complete() {
    let env = Env::new();
    purge(&env, json!({"purge_up_to_ts": 5000}));
    let active = env.mock(|when, then| {
        when.method(GET).path(STATUS_PATH);
        then.status(200).json_body(json!({"status": "active"})).up_to_n_times(2);
    });
    let complete = env.reply(GET, STATUS_PATH, 200, json!({"status": "complete"}));
    let run = env.run(PURGE_WAIT).ok();
    assert_eq!(run.json(), json!({"purge_id": "p1", "status": "complete"}));
    run.stderr_has("The history purge p1 is complete");
    active.assert_calls(2);
    complete.assert_calls(1);
}

#[test]
fn history_purge_wait_fails_with_exit_8_and_the_servers_error() {
    let env = Env::new();
    purge(&env, json!({"purge_up_to_ts": 5000}));
    env.reply(GET, STATUS_PATH, 200, json!({"status": "failed", "error": "disk full"}));
    env.run(PURGE_WAIT).fails(8, "the history purge p1 failed: disk full");
}

#[test]
fn history_purge_wait_gives_up_when_the_server_stops_answering() {
    let env = Env::with_config("homeserver: example.org\ntimeout: 1\n");
    purge(&env, json!({"purge_up_to_ts": 5000}));
    let slow = env.mock(|when, then| {
        when.method(GET).path(STATUS_PATH);
        then.status(200).delay(Duration::from_secs(3)).json_body(json!({"status": "active"}));
    });
    let started = Instant::now();
    let run = env.run(PURGE_WAIT).fails(4, "timed out");
    run.stderr_has("check with `synadm history purge-status p1`");
    assert!(started.elapsed() < Duration::from_secs(9));
    assert_eq!(slow.calls(), 3);
}

#[test]
fn history_purge_wait_retries_a_rate_limited_poll() {
    let env = Env::new();
    purge(&env, json!({"purge_up_to_ts": 5000}));
    let limited = env.rate_limited_once(GET, STATUS_PATH);
    let ok = env.reply(GET, STATUS_PATH, 200, json!({"status": "complete"}));
    let run = env.run(PURGE_WAIT).ok();
    assert_eq!(run.json(), json!({"purge_id": "p1", "status": "complete"}));
    limited.assert_calls(1);
    ok.assert_calls(1);
}

#[test]
fn history_purge_status_prints_the_servers_reply() {
    let env = Env::new();
    let reply = json!({"status": "failed", "error": "disk full"});
    let m = env.reply(GET, STATUS_PATH, 200, reply.clone());
    assert_eq!(env.run(&["history", "purge-status", "p1"]).ok().json(), reply);
    assert_eq!(
        env.run(&["-o", "human", "history", "purge-status", "p1"]).ok().stdout,
        "status  failed\nerror   disk full\n"
    );
    env.reply_error(
        GET,
        "/_synapse/admin/v1/purge_history_status/nope",
        404,
        "M_NOT_FOUND",
        "purge id 'nope' not found",
    );
    env.run(&["history", "purge-status", "nope"]).fails(1, "M_NOT_FOUND");
    m.assert_calls(2);
}
