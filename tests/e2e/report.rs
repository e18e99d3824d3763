//! `report list|show|delete` against reports filed through the client API.

use crate::common::enc;
use crate::support::{Cli, create_room, fresh, invite, join, send_text, server};
use serde_json::{Value, json};

/// `token`'s user reports `event_id` in `room` with `reason`.
fn report_event(token: &str, room: &str, event_id: &str, reason: &str) {
    server().ok_as(
        token,
        "POST",
        &format!("/_matrix/client/v3/rooms/{}/report/{}", enc(room), enc(event_id)),
        Some(&json!({"reason": reason, "score": -100})),
    );
}

/// `token`'s user reports `user_id` with `reason`.
fn report_user(token: &str, user_id: &str, reason: &str) {
    server().ok_as(
        token,
        "POST",
        &format!("/_matrix/client/v3/users/{}/report", enc(user_id)),
        Some(&json!({"reason": reason})),
    );
}

/// The report of `items` whose `key` is `value`.
fn find<'a>(items: &'a Value, key: &str, value: &str) -> &'a Value {
    items
        .as_array()
        .expect("a list")
        .iter()
        .find(|r| r[key] == value)
        .unwrap_or_else(|| panic!("no report with {key} {value}: {items}"))
}

#[test]
fn reports_are_listed_shown_with_the_event_and_deleted() {
    let cli = Cli::admin();
    let spammer = fresh("reportedspammer");
    let reporter = fresh("reporter");
    let room = create_room(&spammer.token, "reported room");
    invite(&spammer.token, &room, &reporter.user_id);
    join(&reporter.token, &room);
    let event = send_text(&spammer.token, &room, "buy cheap watches");
    report_event(&reporter.token, &room, &event, "spam \u{1b}[31m");
    report_user(&reporter.token, &spammer.user_id, "a spammer");

    // Both kinds, one page each.
    let both = cli.json(&["report", "list", "-u", &reporter.user_id]);
    let ev = find(&both["event_reports"]["event_reports"], "event_id", &event).clone();
    assert_eq!(
        (&ev["room_id"], &ev["sender"], &ev["user_id"], &ev["score"], &ev["name"]),
        (
            &json!(room),
            &json!(spammer.user_id),
            &json!(reporter.user_id),
            &json!(-100),
            &json!("reported room")
        )
    );
    let us =
        find(&both["user_reports"]["user_reports"], "target_user_id", &spammer.user_id).clone();
    assert_eq!(us["reason"], "a spammer");
    // Human: both tables, the reason's control characters escaped.
    let human = cli.format("human", &["report", "list", "-u", &reporter.user_id]).ok();
    human.stderr_has("Event reports: 1").stderr_has("User reports: 1");
    assert!(human.stdout.contains("spam \\e[31m"), "{human:#?}");
    assert!(!human.stdout.contains('\u{1b}'));

    // One kind, streamed; filters narrow it.
    let events = cli.json(&["report", "list", "-k", "event", "--all", "-s", &spammer.user_id]);
    assert_eq!(events.as_array().map(Vec::len), Some(1), "{events}");
    let none = cli.json(&["report", "list", "-k", "user", "-t", &reporter.user_id]);
    assert_eq!(none["total"], 0, "{none}");

    // One report, with the reported event.
    let id = ev["id"].as_i64().expect("id").to_string();
    let shown = cli.json(&["report", "show", &id]);
    assert_eq!(shown["event_json"]["content"]["body"], "buy cheap watches", "{shown}");
    let user_id = us["id"].as_i64().expect("id").to_string();
    assert_eq!(cli.json(&["report", "show", &user_id, "-k", "user"])["reason"], "a spammer");

    // Delete: asked first (naming the report), then gone; the event stays.
    cli.run_with_input(&["report", "delete", &id], "")
        .fails(6, &format!("Delete event report {id} by {} of", reporter.user_id));
    cli.run(&["--batch", "report", "delete", &id]).ok();
    cli.run(&["report", "show", &id]).fails(1, "M_NOT_FOUND");
    cli.run(&["--batch", "report", "delete", &user_id, "--kind", "user"]).ok();
    cli.run(&["report", "show", &user_id, "-k", "user"]).fails(1, "(HTTP 404)");
    let _ = server().ok_as(
        &reporter.token,
        "GET",
        &format!("/_matrix/client/v3/rooms/{}/event/{}", enc(&room), enc(&event)),
        None,
    );
    cli.run(&["report", "list", "--all"]).fails(2, "--kind");
}
