//! `server tasks`, `server updates …`, `server media-stats`, `server room-sizes` against the
//! real server, with data the test makes.

use crate::common::enc;
use crate::common::words;
use crate::support::{Cli, create_room, eventually, fresh, server, upload};
use serde_json::{Value, json};
use std::time::Duration;

#[test]
fn tasks_show_a_room_deletion_and_filter_by_action_resource_and_state() {
    let cli = Cli::admin();
    let user = fresh("tasks");
    let room = create_room(&user.token, "to be deleted");
    server().admin_ok(
        "DELETE",
        &format!("/_synapse/admin/v2/rooms/{}", enc(&room)),
        Some(&json!({})),
    );
    let task = eventually("the deletion to complete", Duration::from_secs(30), || {
        let out = cli.json(&["server", "tasks", "-r", &room]);
        let task = out["scheduled_tasks"].as_array()?.first()?.clone();
        (task["status"] == "complete").then_some(task)
    });
    assert_eq!(task["action"], "shutdown_and_purge_room", "{task}");
    assert_eq!(task["resource_id"], room.as_str());
    let done = cli.json(&[
        "server",
        "tasks",
        "-a",
        "shutdown_and_purge_room",
        "-s",
        "complete",
        "-r",
        &room,
    ]);
    assert_eq!(done["scheduled_tasks"].as_array().map(Vec::len), Some(1), "{done}");
    let failed = cli.json(&["server", "tasks", "-s", "failed", "-r", &room]);
    assert_eq!(failed["scheduled_tasks"], json!([]));
    let before = cli.json(&["server", "tasks", "-r", &room, "-b", "2001-01-01"]);
    assert_eq!(before["scheduled_tasks"], json!([]), "scheduled later than 2001");
    let human = cli.format("human", &["server", "tasks", "-r", &room]).ok();
    human.stderr_has("Scheduled tasks: 1");
    assert!(human.lines()[2].contains("complete  shutdown_and_purge_room"), "{human:#?}");
    cli.run(&["server", "tasks", "-s", "done"]).fails(2, "not a task state");
}

/// Pausing, queueing and resuming in one test: the pause is server-wide, so a second test
/// toggling it in parallel would break this one's sequence. No other test starts a job.
///
/// The job is seen in each state the server can show: queued while paused (a second start
/// is refused as already queued), and run once resumed (a start is accepted again). Seeing it
/// in `current_updates` would need an update slower than the test server runs them (it
/// finishes this job in milliseconds), so that is not asserted.
#[test]
fn updates_pause_queue_resume_and_run_a_job() {
    let cli = Cli::admin();
    let status = cli.json(&["server", "updates", "status"]);
    assert_eq!(status["enabled"], true, "{status}");
    assert!(status["current_updates"].is_object(), "{status}");
    assert_eq!(cli.json(&["server", "updates", "disable"]), json!({"enabled": false}));
    let paused = cli.format("human", &["server", "updates", "status"]).ok();
    paused.stderr_has("Background updates are paused; 0 running.");

    let start = ["server", "updates", "start", "regenerate_directory"];
    cli.run(&start).ok().stderr_has("Job regenerate_directory queued.");
    cli.run(&start).fails(1, "already in queue");

    assert_eq!(cli.json(&["server", "updates", "enable"]), json!({"enabled": true}));
    assert_eq!(cli.json(&["server", "updates", "status"])["enabled"], true);
    // Once the queued job has run, starting it again is accepted.
    eventually("the queued job to run", Duration::from_secs(30), || {
        (cli.run(&start).code == 0).then_some(())
    });
    cli.run(&["server", "updates", "start", "rebuild_everything"])
        .fails(2, "not a job Synapse can start");
}

#[test]
fn media_stats_count_a_users_uploads() {
    let cli = Cli::admin();
    let user = fresh("mediastats");
    for i in 0..2 {
        upload(&user.token, &format!("s{i}.json"), &json!({"n": i, "pad": "x".repeat(100)}));
    }
    let out = cli.json(&["server", "media-stats", "-n", &user.localpart]);
    assert_eq!(out["total"], 1, "{out}");
    let row: &Value = &out["users"][0];
    assert_eq!((&row["user_id"], &row["media_count"]), (&json!(user.user_id), &json!(2)));
    assert!(row["media_length"].as_i64().unwrap() > 200, "{row}");
    // A window before the uploads holds none of them.
    let before =
        cli.json(&["server", "media-stats", "-n", &user.localpart, "--until", "2001-01-01"]);
    assert_eq!(before["total"], 0, "{before}");
    let biggest = cli.json(&words("server media-stats -s media_count -r -l 1"));
    assert!(biggest["users"][0]["media_count"].as_i64().unwrap() >= 2, "{biggest}");
    cli.run(&words("server media-stats --since 2030-01-01 --until 2029-01-01"))
        .fails(2, "--until must be after --since");
}

/// event_edges.room_id filled in (as databases from before Synapse stopped writing it
/// have it), then PostgreSQL's statistics gathered.
fn analyse_as_an_older_database() {
    server().sql(
        "UPDATE event_edges SET room_id = \
         (SELECT room_id FROM events WHERE events.event_id = event_edges.event_id)",
    );
    server().sql("ANALYZE");
}

/// A two-member room with 30 messages: a room that is "common" in every events table.
fn busy_room() -> String {
    let a = fresh("busy");
    let b = fresh("busy");
    let room = create_room(&a.token, "busy room");
    crate::support::invite(&a.token, &room, &b.user_id);
    crate::support::join(&b.token, &room);
    for i in 0..30 {
        crate::support::send_text(&a.token, &room, &format!("message {i}"));
    }
    room
}

#[test]
fn room_sizes_need_postgresql() {
    let cli = Cli::admin();
    if server().db == "postgres" {
        // The estimate reads PostgreSQL's most common room per table, and fails (500) where a
        // table has none: event_edges.room_id is no longer written, so on a database created
        // by a recent Synapse it is empty. Filled as on an older database, with a busy room.
        let room = busy_room();
        analyse_as_an_older_database();
        let out = cli.json(&["server", "room-sizes"]);
        let rooms = out["rooms"].as_array().expect("rooms");
        assert!(!rooms.is_empty() && rooms.len() <= 10, "{out}");
        assert_eq!(rooms[0]["room_id"], room.as_str(), "{out}");
        assert!(rooms[0]["estimated_size"].as_i64().unwrap() > 0, "{out}");
    } else {
        cli.run(&["server", "room-sizes"])
            .fails(1, "Endpoint requires using PostgreSQL (HTTP 400)");
    }
}

#[test]
fn overview_has_every_section_with_the_servers_own_totals() {
    let cli = Cli::admin();
    let out = cli.run(&["-o", "json", "server", "overview"]);
    let doc = out.json();
    let keys: Vec<&str> =
        doc.as_object().expect("one document").keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "version",
            "users",
            "rooms",
            "media",
            "reports",
            "federation",
            "background_updates",
            "scheduled_tasks"
        ]
    );
    assert_eq!(doc["version"]["server_version"], include_str!("../synapse/synapse-version").trim());
    // The totals are the list endpoints' own.
    let all = cli.json(&["user", "list", "-d", "-l", "1"]);
    let active = cli.json(&["user", "list", "-l", "1"]);
    let users = &doc["users"];
    assert!(users["total"].as_i64() >= all["total"].as_i64().map(|n| n - 20), "{users}");
    assert!(users["deactivated"].as_i64().unwrap() >= 1, "eve: {users}");
    assert!(users["admins"].as_i64().unwrap() >= 1, "{users}");
    assert!(users["active"].as_i64() <= active["total"].as_i64().map(|n| n + 20), "{users}");
    assert!(doc["rooms"]["total"].as_i64().unwrap() >= 3, "{doc}");
    assert!(doc["media"]["local_bytes"].as_i64().unwrap() > 0, "the seed uploads: {doc}");
    assert_eq!(doc["media"]["local_bytes_complete"], true);
    // SQLite cannot size rooms: that part says why, the section is still there.
    if server().db == "sqlite" {
        assert!(
            doc["rooms"]["largest_in_database"]["unavailable"]
                .as_str()
                .is_some_and(|why| why.contains("PostgreSQL")),
            "{doc}"
        );
    }
    assert_eq!(out.code, 0, "every section available: {out:#?}");
    let human = cli.format("human", &["server", "overview"]).ok();
    assert!(human.stdout.starts_with("version             1.163"), "{human:#?}");
    assert_eq!(human.lines().len(), 8, "one line a section: {human:#?}");
}
