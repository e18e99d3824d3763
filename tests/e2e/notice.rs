//! `notice send` against the real server: the notice is read back from the recipient's
//! server-notices room with the recipient's own token.

use crate::support::*;
use serde_json::{Value, json};
use std::time::Duration;

/// The rooms `token`'s user is invited to or has joined, from one /sync.
fn rooms_of(token: &str) -> Vec<String> {
    let (status, reply) =
        server().request_as(token, "GET", "/_matrix/client/v3/sync?timeout=0", None);
    assert_eq!(status, 200, "sync: {reply}");
    let mut rooms = Vec::new();
    for section in ["invite", "join"] {
        if let Some(map) = reply["rooms"][section].as_object() {
            rooms.extend(map.keys().cloned());
        }
    }
    rooms
}

/// The server notice `event_id` as its recipient (`token`) sees it: joins the notice room
/// they were invited to and reads the event from the room's messages.
fn notice_as_seen_by(token: &str, event_id: &str) -> Value {
    let rooms = eventually("the server-notices invite", Duration::from_secs(20), || {
        let rooms = rooms_of(token);
        (!rooms.is_empty()).then_some(rooms)
    });
    assert_eq!(rooms.len(), 1, "a fresh user is only in the notice room: {rooms:?}");
    let room = join(token, &rooms[0]);
    let reply = server().ok_as(
        token,
        "GET",
        &format!("/_matrix/client/v3/rooms/{}/messages?dir=b&limit=20", crate::common::enc(&room)),
        None,
    );
    let event = reply["chunk"]
        .as_array()
        .expect("chunk")
        .iter()
        .find(|e| e["event_id"] == event_id)
        .unwrap_or_else(|| panic!("{event_id} is not in the notice room: {reply}"))
        .clone();
    assert_eq!(
        event["sender"],
        server().user_id("notices"),
        "sent by the server notices user: {event}"
    );
    event
}

#[test]
fn notice_reaches_the_recipients_notice_room() {
    let bob = fresh("noticeone");
    let out = Cli::admin().json(&[
        "--batch",
        "notice",
        "send",
        &bob.localpart,
        "Maintenance tonight",
        "<b>Maintenance</b> tonight",
    ]);
    let rows = out.as_array().expect("result list");
    assert_eq!(rows.len(), 1, "{out}");
    assert_eq!(rows[0]["user_id"], bob.user_id);
    assert_eq!(rows[0]["sent"], true);
    let event_id = rows[0]["event_id"].as_str().expect("event_id");
    let event = notice_as_seen_by(&bob.token, event_id);
    assert_eq!(
        event["content"],
        json!({
            "msgtype": "m.text", "body": "Maintenance tonight",
            "format": "org.matrix.custom.html", "formatted_body": "<b>Maintenance</b> tonight"
        })
    );
}

#[test]
fn notice_from_files_reaches_the_recipient() {
    let carol = fresh("noticefile");
    let cli = Cli::admin();
    let plain = cli.home().join("notice.txt");
    std::fs::write(&plain, "From a file\n").unwrap();
    let out =
        cli.json(&["--batch", "notice", "send", "-f", &carol.user_id, plain.to_str().unwrap()]);
    let event = notice_as_seen_by(&carol.token, out[0]["event_id"].as_str().expect("event_id"));
    assert_eq!(event["content"]["body"], "From a file\n");
    assert_eq!(event["content"]["formatted_body"], "From a file\n");
}

#[test]
fn regex_notices_reach_the_matching_active_users_only() {
    let pid = std::process::id();
    let first = fresh("noticerx");
    let second = fresh("noticerx");
    let gone = fresh("noticerx");
    let other = fresh("noticerxno");
    let (status, body) = server().admin_request(
        "POST",
        &format!("/_synapse/admin/v1/deactivate/{}", crate::common::enc(&gone.user_id)),
        Some(&json!({"erase": false})),
    );
    assert_eq!(status, 200, "deactivating {}: {body}", gone.user_id);

    // Small pages, so that the scan has to follow next_token several times.
    let regex = format!("@noticerx-[0-9]+-{pid}:");
    let out =
        Cli::admin().json(&["--batch", "notice", "send", "-r", "-p", "3", &regex, "Team notice"]);
    let mut got: Vec<&str> = out
        .as_array()
        .expect("result list")
        .iter()
        .map(|r| r["user_id"].as_str().expect("user_id"))
        .collect();
    got.sort();
    let mut want = vec![first.user_id.as_str(), second.user_id.as_str()];
    want.sort();
    assert_eq!(got, want, "{out}");
    for (user, row) in [&first, &second].iter().map(|u| {
        let row = out.as_array().unwrap().iter().find(|r| r["user_id"] == u.user_id).unwrap();
        (u, row)
    }) {
        assert_eq!(row["sent"], true, "{row}");
        let event = notice_as_seen_by(&user.token, row["event_id"].as_str().unwrap());
        assert_eq!(event["content"]["body"], "Team notice");
    }
    // The user who did not match got nothing.
    assert_eq!(rooms_of(&other.token), Vec::<String>::new());
}

#[test]
fn a_failed_notice_is_listed_and_fails_the_command() {
    let nobody = server().user_id(&unique_localpart("noticenobody"));
    let run = Cli::admin().run(&["--batch", "notice", "send", &nobody, "Hello?"]);
    assert_eq!(run.code, 1, "{run:#?}");
    assert_eq!(
        run.json(),
        json!([{"user_id": nobody, "sent": false, "error": "M_NOT_FOUND: User not found (HTTP 404)", "outcome": "failed"}])
    );
}

/// The notices (m.room.message events from the notices user) in `token`'s notice room.
fn notices_received(token: &str) -> Vec<Value> {
    let rooms = rooms_of(token);
    assert_eq!(rooms.len(), 1, "{rooms:?}");
    let room = join(token, &rooms[0]);
    let reply = server().ok_as(
        token,
        "GET",
        &format!("/_matrix/client/v3/rooms/{}/messages?dir=b&limit=50", crate::common::enc(&room)),
        None,
    );
    reply["chunk"]
        .as_array()
        .expect("chunk")
        .iter()
        .filter(|e| e["type"] == "m.room.message")
        .cloned()
        .collect()
}

#[test]
fn a_repeated_run_with_its_run_id_delivers_nothing_twice() {
    let cli = Cli::admin();
    let first = fresh("noticerepeat");
    let second = fresh("noticerepeat");
    let regex = format!("@{}.*", first.localpart.split('-').next().unwrap());
    // The first run reaches one user (the other is named only in the second run).
    let run = cli
        .run(&[
            "--batch",
            "-o",
            "json",
            "notice",
            "send",
            &first.localpart,
            "Once",
            "--txn-id",
            "e2e-repeat",
        ])
        .ok();
    run.stderr_has("Run ID e2e-repeat");
    let sent = run.json()[0]["event_id"].as_str().expect("sent").to_string();
    // The repeat, to both: the first user's notice is the same event, the second's is new.
    let again =
        cli.json(&["--batch", "notice", "send", "-r", &regex, "Once", "--txn-id", "e2e-repeat"]);
    let rows = again.as_array().expect("rows");
    let row = |user: &str| rows.iter().find(|r| r["user_id"] == user).expect("a row").clone();
    assert_eq!(row(&first.user_id)["event_id"], sent.as_str(), "{again}");
    assert!(row(&second.user_id)["event_id"].is_string(), "{again}");
    assert_eq!(notices_received(&first.token).len(), 1, "delivered once");
    assert_eq!(notices_received(&second.token).len(), 1);
    // A new run (no run ID given) delivers again.
    cli.json(&["--batch", "notice", "send", &first.localpart, "Once"]);
    assert_eq!(notices_received(&first.token).len(), 2);
}
