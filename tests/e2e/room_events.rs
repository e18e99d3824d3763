//! `room messages|context|event-at|event|hierarchy|extremities` against rooms the test
//! fills.

use crate::common::enc;
use crate::support::{Cli, create_room, fresh, send_text, server};
use serde_json::{Value, json};

fn bodies(events: &Value) -> Vec<String> {
    events
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["type"] == "m.room.message")
        .map(|e| e["content"]["body"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn messages_page_both_ways_stream_all_and_filter() {
    let cli = Cli::admin();
    let user = fresh("messages");
    let room = create_room(&user.token, "messages room");
    let ids: Vec<String> =
        (0..25).map(|i| send_text(&user.token, &room, &format!("m{i:02}"))).collect();
    let expected: Vec<String> = (0..25).map(|i| format!("m{i:02}")).collect();

    // Oldest first, all of it, one document.
    let all = cli.json(&["room", "messages", &room, "--all", "-l", "7", "-t", "m.room.message"]);
    assert_eq!(bodies(&all), expected);
    // Newest first, one page; the next page from its `end`.
    let run = cli
        .run(&["-o", "json", "room", "messages", &room, "-b", "-l", "5", "-t", "m.room.message"])
        .ok();
    let page = run.json();
    assert_eq!(bodies(&page["chunk"]), ["m24", "m23", "m22", "m21", "m20"]);
    let end = page["end"].as_str().expect("end").to_string();
    run.stderr_has(&format!("More: --from {end}"));
    let next =
        cli.json(&["room", "messages", &room, "-b", "-l", "3", "-f", &end, "-t", "m.room.message"]);
    assert_eq!(bodies(&next["chunk"]), ["m19", "m18", "m17"]);
    // A sender filter: nobody else wrote.
    let other = cli.json(&["room", "messages", &room, "--sender", "@alice:test.local"]);
    assert_eq!(other["chunk"], json!([]));
    // From a point in time: the 20th message's time, oldest first from there.
    let at = cli.json(&["room", "event", &ids[20]]);
    let ts = at["event"]["origin_server_ts"].as_i64().expect("ts");
    let ts_text = chrono::DateTime::from_timestamp_millis(ts).unwrap().to_rfc3339();
    let since =
        cli.json(&["room", "messages", &room, "-s", &ts_text, "-l", "3", "-t", "m.room.message"]);
    assert_eq!(bodies(&since["chunk"]).first().map(String::as_str), Some("m20"), "{since}");
    // Human: a line per event, the body escaped.
    send_text(&user.token, &room, "bell \u{7} here");
    let human = cli.format("human", &["room", "messages", &room, "-b", "-l", "1"]).ok();
    assert!(human.lines()[2].ends_with("  bell \\x07 here"), "{human:#?}");
    cli.run(&["room", "messages", "#alias:test.local"]).fails(2, "room ID");
}

#[test]
fn context_event_at_and_event_find_the_same_event() {
    let cli = Cli::admin();
    let user = fresh("context");
    let room = create_room(&user.token, "context room");
    let ids: Vec<String> =
        (0..5).map(|i| send_text(&user.token, &room, &format!("c{i}"))).collect();
    let ctx = cli.json(&["room", "context", &room, &ids[2], "-l", "2"]);
    assert_eq!(ctx["event"]["content"]["body"], "c2");
    assert_eq!(bodies(&ctx["events_before"]), ["c1"]);
    assert_eq!(bodies(&ctx["events_after"]), ["c3"]);
    let human = cli.format("human", &["room", "context", &room, &ids[2], "-l", "2"]).ok();
    let lines: Vec<&str> = human.lines().into_iter().skip(2).collect();
    assert!(
        lines[0].ends_with("c1") && lines[1].ends_with("c2") && lines[2].ends_with("c3"),
        "{human:#?}"
    );

    let event = cli.json(&["room", "event", &ids[3]]);
    assert_eq!(
        (&event["event"]["room_id"], &event["event"]["content"]["body"]),
        (&json!(room), &json!("c3"))
    );
    let ts = event["event"]["origin_server_ts"].as_i64().unwrap().to_string();
    let found = cli.json(&["room", "event-at", &room, &ts, "--ts"]);
    assert_eq!(found["event_id"], ids[3].as_str(), "{found}");
    cli.run(&["room", "event", "$missing"]).fails(1, "M_NOT_FOUND");
    cli.run(&["room", "event", "nodollar"]).fails(2, "event ID");
}

#[test]
fn hierarchy_is_a_tree_for_people_and_a_list_in_json() {
    let cli = Cli::admin();
    let user = fresh("space");
    let body = server().ok_as(
        &user.token,
        "POST",
        "/_matrix/client/v3/createRoom",
        Some(&json!({"name": "Space", "creation_content": {"type": "m.space"}})),
    );
    let space = body["room_id"].as_str().unwrap().to_string();
    let child = create_room(&user.token, "Child");
    server().ok_as(
        &user.token,
        "PUT",
        &format!("/_matrix/client/v3/rooms/{}/state/m.space.child/{}", enc(&space), enc(&child)),
        Some(&json!({"via": ["test.local"]})),
    );
    let out = cli.json(&["room", "hierarchy", &space]);
    let ids: Vec<&str> =
        out["rooms"].as_array().unwrap().iter().map(|r| r["room_id"].as_str().unwrap()).collect();
    assert_eq!(ids, [space.as_str(), child.as_str()]);
    let human = cli.format("human", &["room", "hierarchy", &space]).ok();
    assert_eq!(human.stdout, format!("{space} Space (space)\n  {child} Child\n"));
    let shallow = cli.json(&["room", "hierarchy", &space, "-d", "0"]);
    assert_eq!(shallow["rooms"].as_array().map(Vec::len), Some(1), "{shallow}");
}

#[test]
fn extremities_show_and_delete_with_a_question() {
    let cli = Cli::admin();
    let user = fresh("extremities");
    let room = create_room(&user.token, "extremities room");
    let last = send_text(&user.token, &room, "latest");
    let shown = cli.json(&["room", "extremities", &room]);
    assert_eq!(shown["count"], 1, "{shown}");
    assert_eq!(shown["results"][0]["event_id"], last.as_str());
    cli.run_with_input(&["room", "extremities", &room, "-d"], "")
        .fails(6, "Delete the extra forward extremities of");
    // One extremity is one too few to delete.
    assert_eq!(cli.json(&["--batch", "room", "extremities", &room, "-d"]), json!({"deleted": 0}));
    let human = cli.format("human", &["room", "extremities", &room]).ok();
    human.stderr_has("Forward extremities: 1");
}
