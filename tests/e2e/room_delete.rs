//! `room delete` and `room delete-status` on rooms the tests create, with the effect read
//! back from the server. (`room purge-empty` deletes every empty room of the server, so it
//! runs against a Synapse of its own: tests/e2e_serverwide.rs.)

use crate::common::enc;
use crate::support::{Cli, Fresh, create_room, eventually, fresh, send_text, server};
use serde_json::{Value, json};
use std::time::Duration;

/// `GET /_synapse/admin/v1/rooms/{id}`: status and body.
fn room_details(room_id: &str) -> (u16, Value) {
    server().admin_request("GET", &format!("/_synapse/admin/v1/rooms/{}", enc(room_id)), None)
}

/// Whether the server has the room blocked.
fn blocked(room_id: &str) -> bool {
    let body =
        server().admin_ok("GET", &format!("/_synapse/admin/v1/rooms/{}/block", enc(room_id)), None);
    body["block"].as_bool().expect("block")
}

/// Whether `user` may join the room (through the client API).
fn join_status(user: &Fresh, room_id: &str) -> u16 {
    server()
        .request_as(
            &user.token,
            "POST",
            &format!("/_matrix/client/v3/join/{}", enc(room_id)),
            Some(&json!({})),
        )
        .0
}

/// The key/value lines of a human block.
fn fields(stdout: &str) -> Vec<(&str, &str)> {
    stdout.lines().map(|l| l.split_once(' ').map_or((l, ""), |(k, v)| (k, v.trim()))).collect()
}

/// A fresh user's room with a message in it.
fn doomed_room(prefix: &str) -> (Fresh, String) {
    let owner = fresh(prefix);
    let room = create_room(&owner.token, &format!("{prefix} room"));
    send_text(&owner.token, &room, "soon gone");
    (owner, room)
}

#[test]
fn room_delete_wait_blocks_and_purges_the_room_json() {
    let (owner, room) = doomed_room("roomdel-wait");
    let cli = Cli::admin();
    let task = cli.json(&["--batch", "room", "delete", &room, "-b", "--wait"]);
    assert_eq!(task["status"], "complete", "{task}");
    assert_eq!(task["room_id"], room.as_str());
    assert_eq!(task["shutdown_room"]["kicked_users"], json!([owner.user_id]));
    assert_eq!(task["shutdown_room"]["failed_to_kick_users"], json!([]));
    assert!(task["delete_id"].as_str().is_some_and(|d| !d.is_empty()));

    let (status, body) = room_details(&room);
    assert_eq!(status, 404, "the room is purged: {body}");
    assert!(blocked(&room), "-b blocks the room");
    assert_eq!(join_status(&owner, &room), 403, "nobody may join a blocked room");

    // The task is still there by its ID and by the room.
    let id = task["delete_id"].as_str().unwrap_or_default();
    let again = cli.json(&["room", "delete-status", "-d", id]);
    assert_eq!(again["status"], "complete");
    let by_room = cli.json(&["room", "delete-status", "-r", &room]);
    assert_eq!(by_room["results"][0]["delete_id"], id);
    assert_eq!(by_room["results"][0]["status"], "complete");
}

#[test]
fn room_delete_v1_without_block_purges_only_human() {
    let (_, room) = doomed_room("roomdel-v1");
    let run = Cli::admin().format("human", &["--batch", "room", "delete", &room, "--v1"]);
    let shown = fields(&run.stdout);
    assert_eq!(shown[0], ("kicked_users", "1"), "{run:#?}");
    assert_eq!(shown[1], ("failed_to_kick_users", ""), "{run:#?}");
    run.stderr_has(&format!("Room {room} deleted."));
    assert_eq!(room_details(&room).0, 404);
    assert!(!blocked(&room), "not blocked without -b");
}

#[test]
fn room_delete_without_wait_prints_the_delete_id_to_follow() {
    let (_, room) = doomed_room("roomdel-v2");
    let cli = Cli::admin();
    let run = cli.run(&["--batch", "room", "delete", &room]).ok();
    let id = run.json()["delete_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no delete_id: {run:#?}"))
        .to_string();
    run.stderr_has(&format!("synadm room delete-status -d {id}"));
    let task = eventually("the deletion to complete", Duration::from_secs(60), || {
        let task = cli.json(&["room", "delete-status", "-d", &id]);
        match task["status"].as_str() {
            Some("complete") => Some(task),
            Some("scheduled" | "active") => None,
            _ => panic!("deletion did not complete: {task}"),
        }
    });
    assert_eq!(task["room_id"], room.as_str());
    assert_eq!(room_details(&room).0, 404);
    let human = cli.format("human", &["room", "delete-status", "-d", &id]);
    let shown = fields(&human.stdout);
    assert_eq!(shown[0], ("status", "complete"), "{human:#?}");
    assert_eq!(shown[1], ("delete_id", id.as_str()), "{human:#?}");
    assert_eq!(shown[2], ("room_id", room.as_str()), "{human:#?}");
    assert_eq!(shown[3], ("kicked_users", "1"), "{human:#?}");
}

#[test]
fn room_delete_asks_first_showing_the_room_and_declining_keeps_it() {
    let (owner, room) = doomed_room("roomdel-ask");
    let cli = Cli::admin();
    let run = cli.run_with_input(&["room", "delete", &room], "n\n");
    assert_eq!(run.code, 6, "{run:#?}");
    run.stderr_has(&format!("Room {room} \"roomdel-ask room\""));
    run.stderr_has(&format!("1 joined members (1 local): {}", owner.user_id));
    assert!(run.stdout.is_empty());
    let (status, body) = room_details(&room);
    assert_eq!(status, 200, "declined: the room stays");
    assert_eq!(body["joined_members"], 1);

    let run = cli.run_with_input(&["-o", "json", "room", "delete", &room, "--wait"], "y\n").ok();
    assert_eq!(run.json()["status"], "complete", "{run:#?}");
    assert_eq!(room_details(&room).0, 404);
}

#[test]
fn room_delete_moves_the_members_to_a_new_room() {
    let (owner, room) = doomed_room("roomdel-move");
    let host = fresh("roomdel-host");
    let task = Cli::admin().json(&[
        "--batch",
        "room",
        "delete",
        &room,
        "--wait",
        "-u",
        &host.localpart,
        "-n",
        "Moved here",
        "-m",
        "Your room was shut down.",
    ]);
    assert_eq!(task["status"], "complete", "{task}");
    let new_room = task["shutdown_room"]["new_room_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no new room: {task}"))
        .to_string();
    let (status, details) = room_details(&new_room);
    assert_eq!(status, 200, "{details}");
    assert_eq!(details["name"], "Moved here");
    assert_eq!(details["creator"], host.user_id.as_str());
    let members = server().admin_ok(
        "GET",
        &format!("/_synapse/admin/v1/rooms/{}/members", enc(&new_room)),
        None,
    );
    let members: Vec<&str> =
        members["members"].as_array().expect("members").iter().filter_map(Value::as_str).collect();
    assert!(members.contains(&owner.user_id.as_str()), "{members:?}");
    assert_eq!(room_details(&room).0, 404);
}

#[test]
fn room_delete_of_an_unknown_room_fails_clearly() {
    let cli = Cli::admin();
    let nowhere = "!nosuchroom:test.local";
    let run = cli.run(&["--batch", "room", "delete", nowhere]).fails(1, "M_NOT_FOUND");
    assert!(!run.stderr.contains("[y/N]"), "{run:#?}");
    cli.run(&["room", "delete-status", "-r", nowhere]).fails(1, "M_NOT_FOUND");
    cli.run(&["room", "delete-status", "-d", "nosuchdeletion"]).fails(1, "M_NOT_FOUND");
    // Blocking an unknown room needs `room block`; delete never blocks one.
    assert!(!blocked(nowhere));
}
