//! `room messages|event-at|extremities`: the queries, the filter as JSON text, and paging by
//! token with --all.

use crate::support::Env;
use httpmock::Method::{DELETE, GET};
use serde_json::json;

const ROOM: &str = "!r:example.org";

fn event(id: &str, body: &str) -> serde_json::Value {
    json!({"event_id": id, "type": "m.room.message", "sender": "@a:example.org",
        "origin_server_ts": 1700000000000i64, "content": {"msgtype": "m.text", "body": body},
        "room_id": ROOM, "unsigned": {}, "user_id": "@a:example.org"})
}

#[test]
fn messages_send_the_filter_and_follow_end_tokens_with_all() {
    let env = Env::new();
    let path = format!("/_synapse/admin/v1/rooms/{ROOM}/messages");
    let filter = r#"{"types":["m.room.message"],"senders":["@a:example.org"]}"#;
    let first = env.reply_to_query(
        GET,
        &path,
        &[("dir", "b"), ("limit", "1000"), ("filter", filter)],
        200,
        json!({"chunk": [event("$2", "two")], "start": "s0", "end": "t1"}),
    );
    let second = env.reply_to_query(
        GET,
        &path,
        &[("dir", "b"), ("limit", "1000"), ("filter", filter), ("from", "t1")],
        200,
        json!({"chunk": [event("$1", "one")], "start": "t1"}),
    );
    let out = env
        .run(&[
            "-o",
            "minified",
            "room",
            "messages",
            ROOM,
            "-b",
            "--all",
            "-t",
            "m.room.message",
            "--sender",
            "@a:example.org",
        ])
        .ok();
    let list: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let ids: Vec<&str> =
        list.as_array().unwrap().iter().map(|e| e["event_id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["$2", "$1"]);
    first.assert_calls(1);
    second.assert_calls(1);
}

#[test]
fn event_at_and_extremities_address_the_room() {
    let env = Env::new();
    let at = env.reply_to_query(
        GET,
        &format!("/_synapse/admin/v1/rooms/{ROOM}/timestamp_to_event"),
        &[("ts", "1700000000000"), ("dir", "b")],
        200,
        json!({"event_id": "$e", "origin_server_ts": 1699999999000i64}),
    );
    let human = env
        .run(&["-o", "human", "room", "event-at", ROOM, "2023-11-14T22:13:20Z", "-b", "--ts"])
        .ok();
    assert_eq!(human.stdout, "event_id          $e\norigin_server_ts  1699999999000\n");
    // Digits alone are milliseconds.
    env.run(&["room", "event-at", ROOM, "1700000000000", "-b"]).ok();
    at.assert_calls(2);
    let path = "/_synapse/admin/v1/rooms/%23big:example.org/forward_extremities";
    env.reply(GET, path, 200, json!({"count": 40, "results": []}));
    let delete = env.reply(DELETE, path, 200, json!({"deleted": 39}));
    env.run_with_input(&["room", "extremities", "#big:example.org", "-d"], "n\n")
        .fails(6, "(40 now)");
    delete.assert_calls(0);
    assert_eq!(
        env.run(&["--batch", "room", "extremities", "#big:example.org", "-d"]).ok().json(),
        json!({"deleted": 39})
    );
    delete.assert_calls(1);
    env.run(&["room", "event-at", ROOM, "yesterday"]).fails(2, "not a date");
}

#[test]
fn messages_in_human_output_are_one_line_an_event() {
    let env = Env::new();
    let state = |kind: &str, key: &str, content: serde_json::Value| {
        let mut e = event("$s", "");
        e["type"] = json!(kind);
        e["state_key"] = json!(key);
        e["content"] = content;
        e
    };
    let chunk = [
        event("$m", "hi\u{1b}[2J there"),
        state("m.room.topic", "", json!({"topic": "news"})),
        state("m.room.member", "@b:example.org", json!({"membership": "join"})),
    ];
    env.reply_to_query(
        GET,
        &format!("/_synapse/admin/v1/rooms/{ROOM}/messages"),
        &[("dir", "f"), ("limit", "100")],
        200,
        json!({"chunk": chunk, "start": "s0"}),
    );
    let human = env.run(&["-o", "human", "room", "messages", ROOM]).ok();
    // The body, escaped; a state event without one shows its state key.
    assert_eq!(
        human.stdout,
        "origin_server_ts     sender          type            event_id  body\n\
         -------------------  --------------  --------------  --------  ----------------------\n\
         2023-11-14 22:13:20  @a:example.org  m.room.message  $m        hi\\e[2J there\n\
         2023-11-14 22:13:20  @a:example.org  m.room.topic    $s        [state]\n\
         2023-11-14 22:13:20  @a:example.org  m.room.member   $s        [state @b:example.org]\n"
    );
}

#[test]
fn context_asks_around_the_event_and_shows_it_in_order() {
    let env = Env::new();
    let m = env.reply_to_query(
        GET,
        &format!("/_synapse/admin/v1/rooms/{ROOM}/context/$e2"),
        &[("limit", "2")],
        200,
        json!({"events_before": [event("$e1", "before")], "event": event("$e2", "it"),
               "events_after": [event("$e3", "after")], "state": [], "start": "s", "end": "t"}),
    );
    let doc = env.run(&["room", "context", ROOM, "$e2", "-l", "2"]).ok().json();
    assert_eq!(doc["event"]["event_id"], "$e2");
    let human = env.run(&["-o", "human", "room", "context", ROOM, "$e2", "-l", "2"]).ok();
    let bodies: Vec<&str> =
        human.lines().iter().skip(2).map(|l| l.split_whitespace().last().unwrap()).collect();
    assert_eq!(bodies, ["before", "it", "after"]);
    m.assert_calls(2);
}

#[test]
fn event_fetches_one_event_and_prints_it() {
    let env = Env::new();
    let m = env.reply(
        GET,
        "/_synapse/admin/v1/fetch_event/$ev1",
        200,
        json!({"event": {"type": "m.room.message", "room_id": ROOM, "sender": "@a:example.org",
                         "content": {"body": "hi"}, "unsigned": {}}}),
    );
    let doc = env.run(&["room", "event", "$ev1"]).ok().json();
    assert_eq!(doc["event"]["content"]["body"], "hi");
    let human = env.run(&["-o", "human", "room", "event", "$ev1"]).ok();
    assert_eq!(
        human.stdout,
        "type      m.room.message\nroom_id   !r:example.org\nsender    @a:example.org\n\
         content   body=hi\nunsigned\n"
    );
    m.assert_calls(2);
}

#[test]
fn hierarchy_follows_next_batch_and_shows_an_indented_tree() {
    let env = Env::new();
    let path = format!("/_synapse/admin/v1/rooms/{ROOM}/hierarchy");
    let room = |id: &str, name: &str, space: bool, children: &[&str]| {
        json!({"room_id": id, "name": name, "room_type": if space { json!("m.space") } else { json!(null) },
               "children_state": children.iter().map(|c| json!({"state_key": c})).collect::<Vec<_>>()})
    };
    let first = env.reply_to_query(
        GET,
        &path,
        &[("max_depth", "3")],
        200,
        json!({"rooms": [room(ROOM, "Top", true, &["!sub:example.org", "!a:example.org"]),
                         room("!sub:example.org", "Sub", true, &["!b:example.org"])],
               "next_batch": "n1"}),
    );
    let second = env.reply_to_query(
        GET,
        &path,
        &[("max_depth", "3"), ("from", "n1")],
        200,
        json!({"rooms": [room("!b:example.org", "B", false, &[]),
                         room("!a:example.org", "A", false, &[])],
               "next_batch": "n1"}),
    );
    let doc = env.run(&["room", "hierarchy", ROOM, "-d", "3"]).ok().json();
    let ids: Vec<&str> =
        doc["rooms"].as_array().unwrap().iter().map(|r| r["room_id"].as_str().unwrap()).collect();
    assert_eq!(ids, [ROOM, "!sub:example.org", "!b:example.org", "!a:example.org"]);
    let human = env.run(&["-o", "human", "room", "hierarchy", ROOM, "-d", "3"]).ok();
    assert_eq!(
        human.stdout,
        format!(
            "{ROOM} Top (space)\n  !sub:example.org Sub (space)\n    !b:example.org B\n  !a:example.org A\n"
        )
    );
    // The second page repeats its own token: the end, not a loop.
    first.assert_calls(2);
    second.assert_calls(2);
}

#[test]
fn messages_since_a_date_start_before_the_event_found_there() {
    let env = Env::new();
    let at = env.reply_to_query(
        GET,
        &format!("/_synapse/admin/v1/rooms/{ROOM}/timestamp_to_event"),
        &[("ts", "1700000000000"), ("dir", "f")],
        200,
        json!({"event_id": "$near", "origin_server_ts": 1700000000001i64}),
    );
    let context = env.reply_to_query(
        GET,
        &format!("/_synapse/admin/v1/rooms/{ROOM}/context/$near"),
        &[("limit", "0")],
        200,
        json!({"events_before": [], "event": event("$near", "x"), "events_after": [],
               "state": [], "start": "tok-before", "end": "tok-after"}),
    );
    // Only types: the filter names types alone.
    let page = env.reply_to_query(
        GET,
        &format!("/_synapse/admin/v1/rooms/{ROOM}/messages"),
        &[
            ("dir", "f"),
            ("limit", "100"),
            ("from", "tok-before"),
            ("filter", r#"{"types":["m.room.message"]}"#),
        ],
        200,
        json!({"chunk": [event("$near", "x")], "start": "tok-before"}),
    );
    env.run(&["room", "messages", ROOM, "-s", "2023-11-14T22:13:20Z", "-t", "m.room.message"]).ok();
    at.assert_calls(1);
    context.assert_calls(1);
    page.assert_calls(1);
}

#[test]
fn messages_all_stops_at_an_empty_page_or_a_repeated_token() {
    let env = Env::new();
    let path = format!("/_synapse/admin/v1/rooms/{ROOM}/messages");
    let first = env.reply_to_query(
        GET,
        &path,
        &[("dir", "f"), ("limit", "1000")],
        200,
        json!({"chunk": [event("$1", "one")], "start": "s", "end": "e1"}),
    );
    // An empty page with a token: the end.
    let empty = env.reply_to_query(
        GET,
        &path,
        &[("dir", "f"), ("limit", "1000"), ("from", "e1")],
        200,
        json!({"chunk": [], "start": "e1", "end": "e2"}),
    );
    let all = env.run(&["-o", "json", "room", "messages", ROOM, "--all"]).ok();
    assert_eq!(all.json().as_array().map(Vec::len), Some(1));
    first.assert_calls(1);
    empty.assert_calls(1);
}
