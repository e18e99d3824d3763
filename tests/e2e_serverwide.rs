//! End-to-end tests of commands that act on the whole server: `room purge-empty` deletes
//! every room without local members, the seed's "Abandoned" room included. They get a
//! Synapse of their own (one per test binary) instead of sharing the e2e suite's, whose
//! other tests rely on the seed data and run in parallel. One test function, so that
//! nothing here runs concurrently either.

#[path = "common/mod.rs"]
mod common;
#[allow(dead_code, unused_imports)]
#[path = "e2e/support.rs"]
mod support;

use common::enc;
use serde_json::{Value, json};
use std::time::Duration;
use support::{Cli, create_room, eventually, fresh, server};

fn room_details(room_id: &str) -> (u16, Value) {
    server().admin_request("GET", &format!("/_synapse/admin/v1/rooms/{}", enc(room_id)), None)
}

fn leave(token: &str, room_id: &str) {
    server().ok_as(
        token,
        "POST",
        &format!("/_matrix/client/v3/rooms/{}/leave", enc(room_id)),
        Some(&json!({})),
    );
}

/// Rooms created by a fresh user who then leaves them.
fn emptied_rooms(prefix: &str, n: usize) -> Vec<String> {
    let user = fresh(prefix);
    (1..=n)
        .map(|i| {
            let room = create_room(&user.token, &format!("{prefix} {i}"));
            leave(&user.token, &room);
            room
        })
        .collect()
}

/// Waits until the room statistics (which the room list reads, updated in the background)
/// count no local member in `rooms`.
fn wait_for_stats(rooms: &[String]) {
    eventually("the room statistics to count the leaves", Duration::from_secs(30), || {
        rooms.iter().all(|r| room_details(r).1["joined_local_members"] == 0).then_some(())
    });
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

fn strings(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|v| v.as_str().expect("room ID").to_string())
        .collect()
}

#[test]
fn room_purge_empty_deletes_exactly_the_rooms_without_local_members() {
    let s = server();
    let stayer = fresh("purge-stayer");
    let kept = create_room(&stayer.token, "still used");
    let empty = emptied_rooms("purge-left", 3);
    wait_for_stats(&empty);
    // The seed's rooms without local members (its "Abandoned" room) go as well; the
    // others stay.
    let seeded: Vec<String> = s.seed["rooms"]
        .as_object()
        .expect("seed rooms")
        .values()
        .map(|v| v.as_str().expect("room ID").to_string())
        .collect();
    let (seed_empty, seed_used): (Vec<String>, Vec<String>) =
        seeded.into_iter().partition(|r| room_details(r).1["joined_local_members"] == 0);
    assert!(seed_empty.contains(&s.seed_str("/rooms/abandoned").to_string()), "{seed_empty:?}");
    assert!(seed_used.len() >= 2, "{seed_used:?}");
    let expected = sorted(empty.iter().cloned().chain(seed_empty).collect());
    let mut others = seed_used;
    others.push(kept.clone());
    let cli = Cli::admin();

    // A dry run lists them (in pages of 2, so the scan pages) and deletes nothing.
    let dry = cli.json(&["room", "purge-empty", "--dry-run", "-p", "2"]);
    assert_eq!(sorted(strings(&dry)), expected);
    for room in &expected {
        assert_eq!(room_details(room).0, 200, "a dry run deletes nothing");
    }
    let human = cli.format("human", &["room", "purge-empty", "--dry-run"]);
    assert_eq!(sorted(human.lines().iter().map(|l| l.to_string()).collect()), expected);
    human.stderr_has(&format!("{} room(s) have no local members", expected.len()));
    human.stderr_has(&format!("\n  {}\n", empty[0]));

    // Declining deletes nothing.
    cli.run_with_input(&["room", "purge-empty"], "n\n").fails(6, "aborted");
    assert_eq!(room_details(&empty[0]).0, 200);

    // The real thing, waiting for every deletion: one list with a row per room.
    let rows = cli.json(&["--batch", "room", "purge-empty", "-p", "2", "--wait"]);
    let rows = rows.as_array().expect("one list").clone();
    let deleted: Vec<String> =
        rows.iter().map(|r| r["room_id"].as_str().expect("room_id").to_string()).collect();
    assert_eq!(sorted(deleted), expected);
    for row in &rows {
        assert_eq!(row["status"], "complete", "{row}");
        assert_eq!(row["shutdown_room"]["kicked_users"], json!([]), "{row}");
        assert!(row.get("error").is_none(), "{row}");
    }
    for room in &expected {
        assert_eq!(room_details(room).0, 404, "{room} is deleted");
    }
    for room in &others {
        assert_eq!(room_details(room).0, 200, "{room} has local members and stays");
    }

    // Nothing is left to delete.
    assert_eq!(cli.json(&["--batch", "room", "purge-empty"]), json!([]));

    // v1 purges too (synadm 0.49.2 sent purge: false here); human output is the summary.
    let more = emptied_rooms("purge-v1", 2);
    wait_for_stats(&more);
    let run = cli.format("human", &["--batch", "room", "purge-empty", "--v1"]);
    assert_eq!(run.stdout, "", "{run:#?}");
    run.stderr_has("2 done.\n");
    for room in &more {
        assert_eq!(room_details(room).0, 404, "{room} is purged");
    }
    assert_eq!(room_details(&kept).0, 200);
}
