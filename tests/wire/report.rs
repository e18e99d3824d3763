//! `report …`: the queries on the wire, both kinds in one document, and an older server.

use crate::common::words;
use crate::support::Env;
use httpmock::Method::{DELETE, GET};
use serde_json::json;

const EVENTS: &str = "/_synapse/admin/v1/event_reports";
const USERS: &str = "/_synapse/admin/v1/user_reports";

fn event_report() -> serde_json::Value {
    json!({"id": 3, "received_ts": 1700000000000i64, "room_id": "!r:example.org",
        "event_id": "$e", "user_id": "@rep:example.org", "score": null,
        "reason": "spam\u{7}", "sender": "@bad:example.org", "canonical_alias": null,
        "name": "Lobby"})
}

#[test]
fn both_kinds_are_one_document_of_the_two_pages() {
    let env = Env::new();
    let events = env.reply_to_query(
        GET,
        EVENTS,
        &[("from", "0"), ("limit", "100"), ("dir", "b"), ("user_id", "@rep:example.org")],
        200,
        json!({"event_reports": [event_report()], "total": 1}),
    );
    let users = env.reply_to_query(
        GET,
        USERS,
        &[("from", "0"), ("limit", "100"), ("dir", "b"), ("user_id", "@rep:example.org")],
        200,
        json!({"user_reports": [], "total": 0}),
    );
    let out = env.run(&["report", "list", "-u", "@rep:example.org"]).ok().json();
    assert_eq!(
        out,
        json!({"event_reports": {"event_reports": [event_report()], "total": 1},
               "user_reports": {"user_reports": [], "total": 0}})
    );
    let human = env.run(&words("-o human report list -u @rep:example.org --ts")).ok();
    assert_eq!(
        human.lines()[2],
        "3   1700000000000  Lobby  @bad:example.org  spam\\x07  @rep:example.org  !r:example.org  $e"
    );
    events.assert_calls(2);
    users.assert_calls(2);
}

#[test]
fn one_kind_sends_its_own_filters_and_oldest_first() {
    let env = Env::new();
    let m = env.reply_to_query(
        GET,
        EVENTS,
        &[
            ("from", "5"),
            ("limit", "2"),
            ("dir", "f"),
            ("room_id", "!r"),
            ("event_sender_user_id", "@bad:example.org"),
        ],
        200,
        json!({"event_reports": [], "total": 0}),
    );
    env.run(&words("report list -k event -f 5 -l 2 --oldest-first -r !r -s @bad:example.org")).ok();
    let u = env.reply_to_query(
        GET,
        USERS,
        &[("from", "0"), ("limit", "100"), ("dir", "b"), ("target_user_id", "@bad:example.org")],
        200,
        json!({"user_reports": [], "total": 0}),
    );
    env.run(&["report", "list", "-k", "user", "-t", "@bad:example.org"]).ok();
    m.assert_calls(1);
    u.assert_calls(1);
}

#[test]
fn a_server_without_user_reports_still_lists_event_reports() {
    let env = Env::new();
    env.reply_loose(GET, EVENTS, 200, json!({"event_reports": [], "total": 0}));
    env.reply_loose(
        GET,
        USERS,
        404,
        json!({"errcode": "M_UNRECOGNIZED", "error": "Unrecognized request"}),
    );
    env.server_version("1.150.0");
    let run = env.run(&["report", "list"]).ok();
    assert_eq!(run.json()["user_reports"], serde_json::Value::Null);
    run.stderr_has("User reports: not available (Synapse 1.150.0 has none before 1.152).");
    env.run(&["report", "list", "-k", "user"]).fails(1, "1.152");
}

#[test]
fn delete_reads_the_report_first_and_an_unknown_id_asks_nothing() {
    let env = Env::new();
    let mut detail = event_report();
    detail["event_json"] = json!({"type": "m.room.message", "content": {"body": "x"}});
    let get = env.reply(GET, &format!("{EVENTS}/3"), 200, detail);
    let delete = env.reply(DELETE, &format!("{EVENTS}/3"), 200, json!({}));
    env.run_with_input(&["report", "delete", "3"], "n\n").fails(
        6,
        "Delete event report 3 by @rep:example.org of @bad:example.org's event in Lobby?",
    );
    delete.assert_calls(0);
    env.run(&["--batch", "report", "delete", "3"]).ok();
    delete.assert_calls(1);
    get.assert_calls(2);
    env.reply_error(GET, &format!("{USERS}/9"), 404, "M_NOT_FOUND", "User report not found");
    let any_delete = env.any_request_with(DELETE);
    env.run(&["report", "delete", "9", "-k", "user"]).fails(1, "User report not found (HTTP 404)");
    any_delete.assert_calls(0);
    env.run(&["report", "show", "-1"]).fails(2, "-1");
}

#[test]
fn show_prints_one_report_of_either_kind() {
    let env = Env::new();
    let mut detail = event_report();
    detail["event_json"] = json!({"type": "m.room.message", "content": {"body": "buy\u{1b}[31m"}});
    let event = env.reply(GET, &format!("{EVENTS}/3"), 200, detail.clone());
    let user_report = json!({"id": 9, "received_ts": 1700000000000i64,
        "target_user_id": "@bad:example.org", "user_id": "@rep:example.org", "reason": "rude"});
    let user = env.reply(GET, &format!("{USERS}/9"), 200, user_report.clone());
    assert_eq!(env.run(&["report", "show", "3"]).ok().json(), detail);
    assert_eq!(env.run(&["report", "show", "9", "-k", "user"]).ok().json(), user_report);
    // The reported event is shown too, its control characters escaped.
    let human = env.run(&["-o", "human", "report", "show", "3"]).ok();
    assert_eq!(
        human.stdout,
        "id               3\n\
         received_ts      2023-11-14 22:13:20\n\
         name             Lobby\n\
         sender           @bad:example.org\n\
         reason           spam\\x07\n\
         score\n\
         user_id          @rep:example.org\n\
         room_id          !r:example.org\n\
         event_id         $e\n\
         canonical_alias\n\
         event_json       type=m.room.message content=body=buy\\e[31m\n"
    );
    let human = env.run(&["-o", "human", "report", "show", "9", "-k", "user"]).ok();
    assert_eq!(
        human.stdout,
        "id              9\n\
         received_ts     2023-11-14 22:13:20\n\
         target_user_id  @bad:example.org\n\
         reason          rude\n\
         user_id         @rep:example.org\n"
    );
    event.assert_calls(2);
    user.assert_calls(2);
}
