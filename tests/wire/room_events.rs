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
        &[
            ("dir", "b"),
            ("limit", "1000"),
            ("filter", filter),
            ("from", "t1"),
        ],
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
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event_id"].as_str().unwrap())
        .collect();
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
        .run(&[
            "-o",
            "human",
            "room",
            "event-at",
            ROOM,
            "2023-11-14T22:13:20Z",
            "-b",
            "--ts",
        ])
        .ok();
    assert_eq!(
        human.stdout,
        "event_id          $e\norigin_server_ts  1699999999000\n"
    );
    // Digits alone are milliseconds.
    env.run(&["room", "event-at", ROOM, "1700000000000", "-b"])
        .ok();
    at.assert_calls(2);
    let path = "/_synapse/admin/v1/rooms/%23big:example.org/forward_extremities";
    env.reply(GET, path, 200, json!({"count": 40, "results": []}));
    let delete = env.reply(DELETE, path, 200, json!({"deleted": 39}));
    env.run_with_input(&["room", "extremities", "#big:example.org", "-d"], "n\n")
        .fails(6, "(40 now)");
    delete.assert_calls(0);
    assert_eq!(
        env.run(&["--batch", "room", "extremities", "#big:example.org", "-d"])
            .ok()
            .json(),
        json!({"deleted": 39})
    );
    delete.assert_calls(1);
    env.run(&["room", "event-at", ROOM, "yesterday"])
        .fails(2, "not a date");
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
        state(
            "m.room.member",
            "@b:example.org",
            json!({"membership": "join"}),
        ),
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
