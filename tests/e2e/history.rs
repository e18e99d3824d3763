//! `history purge` and `purge-status` on rooms the tests create: which messages a member
//! can still read afterwards.

use crate::common::enc;
use crate::support::{Cli, create_room, eventually, fresh, now_ms, send_text, server};
use std::time::Duration;

/// The bodies of the text messages a member can read, oldest first.
fn bodies(token: &str, room_id: &str) -> Vec<String> {
    let reply = server().ok_as(
        token,
        "GET",
        &format!("/_matrix/client/v3/rooms/{}/messages?dir=b&limit=100", enc(room_id)),
        None,
    );
    let mut bodies: Vec<String> = reply["chunk"]
        .as_array()
        .expect("chunk")
        .iter()
        .filter(|e| e["type"] == "m.room.message")
        .filter_map(|e| e["content"]["body"].as_str().map(str::to_owned))
        .collect();
    bodies.reverse();
    bodies
}

/// Runs `--batch history purge ARGS --wait`; the final status document.
fn purge_and_wait(cli: &Cli, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["-o", "json", "--batch", "history", "purge"];
    all.extend_from_slice(args);
    all.push("--wait");
    let run = cli.run(&all).ok();
    let out = run.json();
    assert_eq!(out["status"], "complete", "{run:#?}");
    run.stderr_has(&format!(
        "history purge {} is complete",
        out["purge_id"].as_str().unwrap_or("?")
    ));
    out
}

/// The body of an event as the server has it in its database (`fetch_event` also finds
/// the outliers a purge leaves behind); `None` if the server no longer has the event.
fn stored_body(event_id: &str) -> Option<String> {
    let (status, reply) = server().admin_request(
        "GET",
        &format!("/_synapse/admin/v1/fetch_event/{}", enc(event_id)),
        None,
    );
    match status {
        200 => Some(
            reply["event"]["content"]["body"]
                .as_str()
                .unwrap_or_else(|| panic!("no body: {reply}"))
                .to_owned(),
        ),
        404 => None,
        other => panic!("fetch_event {event_id}: HTTP {other}: {reply}"),
    }
}

#[test]
fn history_purge_before_an_event_keeps_local_events_in_the_database_unless_delete_local() {
    let user = fresh("histpurge-event");
    let room = create_room(&user.token, "history by event");
    let ids: Vec<String> =
        (1..=6).map(|i| send_text(&user.token, &room, &format!("m{i}"))).collect();
    let all: Vec<String> = (1..=6).map(|i| format!("m{i}")).collect();
    assert_eq!(bodies(&user.token, &room), all);
    let cli = Cli::admin();

    // The events before the cut-off leave the room's history; the cut-off event stays.
    // Local users' events stay in the database (Synapse keeps them as outliers).
    purge_and_wait(&cli, &[&room, "-i", &ids[3]]);
    assert_eq!(bodies(&user.token, &room), ["m4", "m5", "m6"]);
    for (i, id) in ids.iter().enumerate().take(3) {
        assert_eq!(
            stored_body(id),
            Some(format!("m{}", i + 1)),
            "without --delete-local a local event is kept"
        );
    }

    // With --delete-local they are deleted from the database as well.
    let out = purge_and_wait(&cli, &[&room, "--before-event-id", &ids[3], "--delete-local"]);
    for id in &ids[..3] {
        assert_eq!(stored_body(id), None, "{id} is deleted");
    }
    assert_eq!(stored_body(&ids[3]).as_deref(), Some("m4"));
    assert_eq!(bodies(&user.token, &room), ["m4", "m5", "m6"]);
    let purge_id = out["purge_id"].as_str().expect("purge_id");
    assert_eq!(cli.json(&["history", "purge-status", purge_id])["status"], "complete");
}

#[test]
fn history_purge_before_a_timestamp_deletes_what_came_before() {
    let user = fresh("histpurge-ts");
    let room = create_room(&user.token, "history by time");
    let old1 = send_text(&user.token, &room, "old 1");
    send_text(&user.token, &room, "old 2");
    std::thread::sleep(Duration::from_millis(20));
    let cut = now_ms();
    std::thread::sleep(Duration::from_millis(20));
    // Synapse cuts at the room's newest event at or before the server's first event
    // received after the cut-off time; an event elsewhere makes that one "old 2".
    let elsewhere = create_room(&user.token, "history elsewhere");
    send_text(&user.token, &elsewhere, "meanwhile");
    send_text(&user.token, &room, "new 1");
    send_text(&user.token, &room, "new 2");
    let cli = Cli::admin();

    // Without --wait: the purge ID, then its status until it completes.
    let run = cli
        .run(&[
            "-o",
            "json",
            "--batch",
            "history",
            "purge",
            &room,
            "--before-ts",
            &cut.to_string(),
            "--delete-local",
        ])
        .ok();
    let purge_id = run.json()["purge_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no purge_id: {run:#?}"))
        .to_string();
    run.stderr_has(&format!("synadm history purge-status {purge_id}"));
    eventually("the purge to complete", Duration::from_secs(60), || {
        let status = cli.json(&["history", "purge-status", &purge_id]);
        match status["status"].as_str() {
            Some("complete") => Some(()),
            Some("active") => None,
            _ => panic!("purge did not complete: {status}"),
        }
    });
    // Everything before the boundary event "old 2" is gone, from the database too.
    assert_eq!(bodies(&user.token, &room), ["old 2", "new 1", "new 2"]);
    assert_eq!(stored_body(&old1), None);
}

#[test]
fn history_purge_of_a_room_without_old_events_fails() {
    let user = fresh("histpurge-none");
    let room = create_room(&user.token, "nothing old");
    send_text(&user.token, &room, "recent");
    // A cut-off before the room existed: nothing to purge.
    Cli::admin()
        .run(&["--batch", "history", "purge", &room, "--before-ts", "1000"])
        .fails(1, "M_NOT_FOUND");
    assert_eq!(bodies(&user.token, &room), ["recent"]);
}
