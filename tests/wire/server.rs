//! `server …`: the queries and bodies on the wire, and the human views.

use crate::common::words;
use crate::support::Env;
use httpmock::Method::{GET, POST};
use serde_json::{Value, json};

#[test]
fn tasks_send_repeated_filters_and_a_time_in_ms() {
    let env = Env::new();
    let m = env.reply_to_query(
        GET,
        "/_synapse/admin/v1/scheduled_tasks",
        &[
            ("action_name", "a1"),
            ("action_name", "a2"),
            ("status", "failed"),
            ("status", "active"),
            ("resource_id", "!r:x"),
            ("max_timestamp", "1700000000000"),
        ],
        200,
        json!({"scheduled_tasks": [{"id": "t1", "action": "a1", "status": "failed",
            "timestamp_ms": 1700000000000i64, "resource_id": "!r:x", "result": null,
            "error": "boom"}]}),
    );
    let run = env
        .run(&words("-o human server tasks -a a1 -a a2 -s failed -s active -r !r:x -b 2023-11-14T22:13:20Z --ts"))
        .ok();
    assert_eq!(run.lines()[2], "1700000000000  failed  a1      !r:x         boom   t1");
    run.stderr_has("Scheduled tasks: 1");
    m.assert_calls(1);
}

#[test]
fn updates_show_one_row_per_database_and_send_the_switch_and_job() {
    let env = Env::new();
    env.reply(
        GET,
        "/_synapse/admin/v1/background_updates/status",
        200,
        json!({"enabled": true, "current_updates": {"master": {"name": "event_stats",
            "total_item_count": 50, "total_duration_ms": 1234.5, "average_items_per_ms": 0.1}}}),
    );
    let human = env.run(&["-o", "human", "server", "updates", "status"]).ok();
    assert_eq!(human.lines()[2], "master    event_stats  50                1234.5             0.1");
    human.stderr_has("Background updates are enabled; 1 running.");
    let off = env.reply_to_body(
        POST,
        "/_synapse/admin/v1/background_updates/enabled",
        json!({"enabled": false}),
        200,
        json!({"enabled": false}),
    );
    env.run(&["server", "updates", "disable"]).ok();
    let job = env.reply_to_body(
        POST,
        "/_synapse/admin/v1/background_updates/start_job",
        json!({"job_name": "populate_stats_process_rooms"}),
        200,
        json!({}),
    );
    env.run(&["server", "updates", "start", "populate_stats_process_rooms"]).ok();
    off.assert_calls(1);
    job.assert_calls(1);
}

#[test]
fn media_stats_send_the_window_and_order_and_room_sizes_explain_a_500() {
    let env = Env::new();
    let m = env.reply_to_query(
        GET,
        "/_synapse/admin/v1/statistics/users/media",
        &[
            ("from", "0"),
            ("limit", "100"),
            ("order_by", "media_length"),
            ("dir", "b"),
            ("from_ts", "1700000000000"),
            ("until_ts", "1700086400000"),
        ],
        200,
        json!({"users": [{"user_id": "@a:x", "displayname": null, "media_count": 3,
            "media_length": 3145728}], "total": 1}),
    );
    let human = env
        .run(&words("-o human server media-stats -s media_length -r --since 2023-11-14T22:13:20Z --until 2023-11-15T22:13:20Z"))
        .ok();
    assert_eq!(human.lines()[2], "@a:x     3            3.0 MiB");
    m.assert_calls(1);
    env.reply_error(
        GET,
        "/_synapse/admin/v1/statistics/database/rooms",
        500,
        "M_UNKNOWN",
        "Internal server error",
    );
    env.run(&["server", "room-sizes"])
        .fails(1, "(HTTP 500)")
        .stderr_has("cannot estimate room sizes");
}

/// Every endpoint `server overview` asks, answered with an empty server's replies.
fn empty_server(env: &Env) {
    let admin = "/_synapse/admin";
    for (path, reply) in [
        ("/v1/server_version", json!({"server_version": "1.163.2"})),
        ("/v2/users", json!({"users": [], "total": 0})),
        ("/v1/rooms", json!({"rooms": [], "offset": 0, "total_rooms": 0})),
        ("/v1/statistics/database/rooms", json!({"rooms": []})),
        ("/v1/statistics/users/media", json!({"users": [], "total": 0})),
        ("/v1/event_reports", json!({"event_reports": [], "total": 0})),
        ("/v1/user_reports", json!({"user_reports": [], "total": 0})),
        ("/v1/federation/destinations", json!({"destinations": [], "total": 0})),
        ("/v1/background_updates/status", json!({"enabled": true, "current_updates": {}})),
        ("/v1/scheduled_tasks", json!({"scheduled_tasks": []})),
    ] {
        env.reply_loose(GET, &format!("{admin}{path}"), 200, reply);
    }
}

#[test]
fn overview_marks_refused_sections_and_fails_after_printing_the_rest() {
    let env = Env::with_config("homeserver: example.org\ntimeout: 1\n");
    // Refused: reports (403), federation (404 from an older server), tasks (too slow).
    env.reply_loose(
        GET,
        "/_synapse/admin/v1/event_reports",
        403,
        json!({"errcode": "M_FORBIDDEN", "error": "You are not a server admin"}),
    );
    env.reply_loose(
        GET,
        "/_synapse/admin/v1/federation/destinations",
        404,
        json!({"errcode": "M_NOT_FOUND", "error": "gone"}),
    );
    env.mock(|when, then| {
        when.method(GET).path("/_synapse/admin/v1/scheduled_tasks");
        then.status(200)
            .delay(std::time::Duration::from_secs(3))
            .json_body(json!({"scheduled_tasks": []}));
    });
    empty_server(&env);
    let run = env.run(&["server", "overview"]);
    assert_eq!(run.code, 1, "{run:#?}");
    let doc = run.json();
    assert_eq!(doc["version"], json!({"server_version": "1.163.2"}));
    assert_eq!(doc["users"]["total"], 0);
    assert!(doc["reports"]["unavailable"].as_str().unwrap().contains("M_FORBIDDEN"), "{doc}");
    assert!(doc["federation"]["unavailable"].as_str().unwrap().contains("(HTTP 404)"), "{doc}");
    assert!(doc["scheduled_tasks"]["unavailable"].is_string(), "{doc}");
    run.stderr_has("3 of 8 failed; the first error follows.");
    let human = env.run(&["-o", "human", "server", "overview"]);
    assert!(human.stdout.contains("reports             unavailable: M_FORBIDDEN"), "{human:#?}");
    assert!(human.stdout.contains("users               0 (0 active, 0 deactivated)"), "{human:#?}");
}

/// A user entry of the list, shadow-banned or not.
fn listed(name: &str, shadow_banned: bool) -> Value {
    let mut user = crate::support::list_entry(name);
    user["shadow_banned"] = json!(shadow_banned);
    user
}

/// Every section from a server with something in it: each figure computed as documented.
#[test]
fn overview_counts_each_section_from_the_totals() {
    let env = Env::with_config("homeserver: example.org\n");
    let users = "/_synapse/admin/v2/users";
    let total = |query: &[(&str, &str)], n: i64| {
        env.reply_to_query(GET, users, query, 200, json!({"users": [], "total": n}))
    };
    total(&[("limit", "1")], 10);
    total(&[("limit", "1"), ("deactivated", "true")], 12);
    total(&[("limit", "1"), ("admins", "true")], 3);
    total(&[("limit", "1"), ("guests", "false")], 9);
    total(&[("limit", "1"), ("locked", "true")], 11);
    // Shadow-banned users come first when sorted so: two pages, three of them.
    let shadow_banned_page = |from: &str, users: Value, next: &str| {
        let query =
            [("from", from), ("limit", "1000"), ("order_by", "shadow_banned"), ("dir", "b")];
        let page = json!({"users": users, "total": 10, "next_token": next});
        env.reply_to_query(GET, "/_synapse/admin/v2/users", &query, 200, page)
    };
    shadow_banned_page(
        "0",
        json!([listed("@s1:example.org", true), listed("@s2:example.org", true)]),
        "2",
    );
    shadow_banned_page(
        "2",
        json!([listed("@s3:example.org", true), listed("@ok:example.org", false)]),
        "4",
    );
    env.reply_to_query(
        GET,
        "/_synapse/admin/v1/rooms",
        &[("limit", "5"), ("order_by", "state_events"), ("dir", "b")],
        200,
        json!({"rooms": [{"room_id": "!big:example.org", "name": "Big", "state_events": 900,
            "joined_members": 1, "joined_local_members": 1, "version": "10", "creator": null,
            "encryption": null, "federatable": true, "public": false, "join_rules": null,
            "guest_access": null, "history_visibility": null, "canonical_alias": null,
            "room_type": null}], "offset": 0, "total_rooms": 42}),
    );
    env.reply(
        GET,
        "/_synapse/admin/v1/statistics/database/rooms",
        200,
        json!({"rooms": [{"room_id": "!big:example.org", "estimated_size": 4096}]}),
    );
    let media = "/_synapse/admin/v1/statistics/users/media";
    let uploader = |id: &str, bytes: i64| {
        json!({"user_id": id, "displayname": null,
        "media_count": 1, "media_length": bytes})
    };
    let media_page = |from: &'static str| {
        [("from", from), ("limit", "1000"), ("order_by", "media_length"), ("dir", "b")]
    };
    env.reply_to_query(
        GET,
        media,
        &media_page("0"),
        200,
        json!({"users":
        [uploader("@a:example.org", 500), uploader("@b:example.org", 300)], "total": 3,
        "next_token": 2}),
    );
    env.reply_to_query(
        GET,
        media,
        &media_page("2"),
        200,
        json!({"users": [uploader("@c:example.org", 100)], "total": 3}),
    );
    env.reply_loose(
        GET,
        "/_synapse/admin/v1/event_reports",
        200,
        json!({"event_reports": [], "total": 4}),
    );
    env.reply_loose(
        GET,
        "/_synapse/admin/v1/user_reports",
        200,
        json!({"user_reports": [], "total": 1}),
    );
    let dest = |name: &str, failure: Value| {
        json!({"destination": name, "retry_last_ts": 0,
        "retry_interval": 0, "failure_ts": failure, "last_successful_stream_ordering": null})
    };
    env.reply_loose(
        GET,
        "/_synapse/admin/v1/federation/destinations",
        200,
        json!({
        "destinations": [dest("down.example", json!(1700000000000i64)),
            dest("fine.example", Value::Null)], "total": 2}),
    );
    env.reply(
        GET,
        "/_synapse/admin/v1/background_updates/status",
        200,
        json!({
        "enabled": true, "current_updates": {"master": {"name": "x", "total_item_count": 5,
        "total_duration_ms": 10.0, "average_items_per_ms": 0.5}}}),
    );
    let now = crate::support::now_ms();
    let task = |id: &str, age_ms: i64| {
        json!({"id": id, "action": "shutdown_and_purge_room",
        "status": "failed", "timestamp_ms": now - age_ms, "resource_id": "!r:example.org",
        "result": null, "error": "boom"})
    };
    let day = crate::support::DAY_MS;
    env.reply_to_query(
        GET,
        "/_synapse/admin/v1/scheduled_tasks",
        &[("status", "failed")],
        200,
        json!({"scheduled_tasks": [task("old", 8 * day), task("recent", day),
            task("newest", 3_600_000)]}),
    );
    env.server_version("1.163.2");

    let doc = env.run(&["server", "overview"]).ok().json();
    assert_eq!(
        doc["users"],
        json!({"total": 12, "active": 10, "deactivated": 2, "admins": 3, "guests": 1,
               "locked": 1, "shadow_banned": 3})
    );
    assert_eq!(doc["rooms"]["total"], 42);
    assert_eq!(
        doc["rooms"]["most_state_events"],
        json!([{"room_id": "!big:example.org", "name": "Big", "state_events": 900}])
    );
    assert_eq!(
        doc["rooms"]["largest_in_database"],
        json!([{"room_id": "!big:example.org", "estimated_size": 4096}])
    );
    assert_eq!(
        (
            &doc["media"]["local_bytes"],
            &doc["media"]["local_bytes_complete"],
            &doc["media"]["uploaders"]
        ),
        (&json!(900), &json!(true), &json!(3))
    );
    assert_eq!(doc["media"]["top_uploaders"].as_array().map(Vec::len), Some(2));
    assert_eq!(doc["reports"]["event_reports"], 4);
    assert_eq!(doc["reports"]["user_reports"], 1);
    assert_eq!(
        doc["federation"],
        json!({"destinations": 2, "failing": [{"destination": "down.example",
               "failure_ts": 1700000000000i64}]})
    );
    assert_eq!(doc["background_updates"]["enabled"], true);
    assert_eq!(doc["background_updates"]["running"]["master"]["name"], "x");
    assert_eq!(doc["scheduled_tasks"]["failed_last_7_days"], 2);
    let newest: Vec<&str> = doc["scheduled_tasks"]["newest_failed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(newest, ["newest", "recent"]);

    // A count of one takes the singular.
    let human = env.run(&["-o", "human", "server", "overview"]).ok();
    let line = |section: &str| {
        let found = human.stdout.lines().find(|l| l.starts_with(section));
        found.map(|l| l[section.len()..].trim_start().to_string()).unwrap_or_default()
    };
    assert_eq!(
        line("users"),
        "12 (10 active, 2 deactivated), 3 admins, 1 guest, 1 locked, 3 shadow-banned"
    );
    assert!(line("media").starts_with("900 B by 3 users; top: "), "{human:#?}");
    assert_eq!(line("reports"), "4 event reports, 1 user report");
    assert_eq!(line("federation"), "2 destinations; failing: down.example");
}

/// An empty page of uploaders ends the media count even when it names a next page.
#[test]
fn overview_media_stops_at_an_empty_page() {
    let env = Env::with_config("homeserver: example.org\n");
    let media = "/_synapse/admin/v1/statistics/users/media";
    let page = |from: &'static str| {
        [("from", from), ("limit", "1000"), ("order_by", "media_length"), ("dir", "b")]
    };
    let uploader = json!({"user_id": "@a:example.org", "displayname": null, "media_count": 2,
                          "media_length": 700});
    env.reply_to_query(
        GET,
        media,
        &page("0"),
        200,
        json!({"users": [uploader], "total": 1, "next_token": 1}),
    );
    env.reply_to_query(
        GET,
        media,
        &page("1"),
        200,
        json!({"users": [], "total": 1, "next_token": 2}),
    );
    let beyond = env.reply_to_query(
        GET,
        media,
        &page("2"),
        500,
        json!({"errcode": "M_UNKNOWN", "error": "never asked"}),
    );
    empty_server(&env);
    let doc = env.run(&["server", "overview"]).ok().json();
    assert_eq!(doc["media"]["local_bytes"], 700);
    assert_eq!(doc["media"]["local_bytes_complete"], true);
    beyond.assert_calls(0);
}
