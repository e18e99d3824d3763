//! `user admin`, `memberships`, `pushers`, `ratelimit`, `invite-count`, `joined-room-count`
//! and `available` against the real server, each effect read back through another route.

use crate::common::enc;
use crate::support::{Cli, create_room, fresh, invite, join, server, user_state};
use serde_json::{Value, json};

#[test]
fn user_admin_grants_and_revokes_and_the_user_record_agrees() {
    let cli = Cli::admin();
    let user = fresh("admin-flag");
    assert_eq!(cli.json(&["user", "admin", &user.localpart]), json!({"admin": false}));
    let granted = cli.json(&["--batch", "user", "admin", &user.user_id, "--grant"]);
    assert_eq!(granted, json!({"admin": true}));
    assert_eq!(user_state(&user.user_id)["admin"], json!(true));
    let revoked = cli.json(&["--batch", "user", "admin", &user.localpart, "--revoke"]);
    assert_eq!(revoked, json!({"admin": false}));
    assert_eq!(user_state(&user.user_id)["admin"], json!(false));
    // Synapse refuses an admin's demoting themselves; nothing changes.
    cli.run(&["--batch", "user", "admin", "admin", "--revoke"])
        .fails(1, "You may not demote yourself. (HTTP 400)");
    assert_eq!(user_state(&server().admin_user)["admin"], json!(true));
    // Asking first: no answer on a closed stdin means no change.
    cli.run_with_input(&["user", "admin", &user.localpart, "--grant"], "").fails(6, "");
    assert_eq!(user_state(&user.user_id)["admin"], json!(false));
}

#[test]
fn user_memberships_lists_each_rooms_state_and_filters_by_one() {
    let cli = Cli::admin();
    let user = fresh("memberships");
    let owner = fresh("memberships-owner");
    let joined = join(&user.token, "#general:test.local");
    // Left: a room that goes on without them (a room left by its last member is forgotten).
    let left = create_room(&owner.token, "memberships left");
    invite(&owner.token, &left, &user.user_id);
    join(&user.token, &left);
    server().ok_as(
        &user.token,
        "POST",
        &format!("/_matrix/client/v3/rooms/{}/leave", enc(&left)),
        Some(&json!({})),
    );
    let invited = create_room(&owner.token, "memberships invite");
    invite(&owner.token, &invited, &user.user_id);

    let all = cli.json(&["user", "memberships", &user.localpart]);
    assert_eq!(
        all,
        json!({"memberships": {joined.clone(): "join", left.clone(): "leave", invited.clone(): "invite"}})
    );
    let only_invites = cli.json(&["user", "memberships", &user.localpart, "-m", "invite"]);
    assert_eq!(only_invites, json!({"memberships": {invited.clone(): "invite"}}));
    let human = cli.format("human", &["user", "memberships", &user.localpart, "-m", "join"]).ok();
    assert_eq!(
        human.lines(),
        [
            format!("room_id{}  membership", " ".repeat(joined.len() - 7)),
            format!("{}  ----------", "-".repeat(joined.len())),
            format!("{joined}  join"),
        ]
    );
    human.stderr_has("1 room");
    cli.run(&["user", "memberships", &user.localpart, "-m", "joined"])
        .fails(2, "invalid value 'joined'");
}

#[test]
fn user_pushers_lists_a_pusher_the_user_set() {
    let cli = Cli::admin();
    let user = fresh("pushers");
    assert_eq!(cli.json(&["user", "pushers", &user.localpart]), json!({"pushers": [], "total": 0}));
    let pusher = json!({
        "kind": "http", "app_id": "org.example.app", "app_display_name": "Example",
        "device_display_name": "Phone", "pushkey": "key-1", "lang": "en",
        "data": {"url": "https://push.example.org/_matrix/push/v1/notify"},
    });
    server().ok_as(&user.token, "POST", "/_matrix/client/v3/pushers/set", Some(&pusher));
    let listed = cli.json(&["user", "pushers", &user.user_id]);
    assert_eq!(listed["total"], 1, "{listed}");
    let got = &listed["pushers"][0];
    for key in
        ["app_id", "app_display_name", "device_display_name", "pushkey", "lang", "data", "kind"]
    {
        assert_eq!(got[key], pusher[key], "{key}: {listed}");
    }
    let human = cli.format("human", &["user", "pushers", &user.localpart]).ok();
    assert_eq!(
        human.lines()[2].split_whitespace().take(6).collect::<Vec<_>>(),
        ["Example", "Phone", "http", "true", "key-1", "org.example.app"],
        "{human:#?}"
    );
    human.stderr_has("Pushers: 1");
}

/// The override as the server stores it (read through the API, not through the command).
fn stored_override(user_id: &str) -> Value {
    server().admin_ok(
        "GET",
        &format!("/_synapse/admin/v1/users/{}/override_ratelimit", enc(user_id)),
        None,
    )
}

#[test]
fn user_ratelimit_sets_lifts_and_removes_the_override() {
    let cli = Cli::admin();
    let user = fresh("ratelimit");
    let none = cli.format("human", &["user", "ratelimit", &user.localpart]).ok();
    none.stderr_has("No override: the server's rate limits apply.");
    assert_eq!(cli.json(&["user", "ratelimit", &user.localpart]), json!({}));

    let set = cli.json(&["user", "ratelimit", &user.localpart, "-m", "5", "-b", "20"]);
    assert_eq!(set, json!({"messages_per_second": 5, "burst_count": 20}));
    assert_eq!(stored_override(&user.user_id), set);
    let unlimited = cli.json(&["user", "ratelimit", &user.localpart, "--unlimited"]);
    assert_eq!(unlimited, json!({"messages_per_second": 0, "burst_count": 0}));
    assert_eq!(stored_override(&user.user_id), unlimited);
    cli.format("human", &["user", "ratelimit", &user.localpart])
        .ok()
        .stderr_has("Override: no rate limit at all.");

    // One number alone would leave the other 0 (no limit) on the server: refused.
    cli.run(&["user", "ratelimit", &user.localpart, "-m", "5"]).fails(2, "--burst-count");
    cli.run(&["user", "ratelimit", &user.localpart, "-m", "-1", "-b", "2"]).fails(2, "-1");
    cli.run(&["user", "ratelimit", &user.localpart, "--unlimited", "--delete"])
        .fails(2, "cannot be used with");
    assert_eq!(stored_override(&user.user_id), unlimited);

    cli.run(&["--batch", "user", "ratelimit", &user.localpart, "--delete"])
        .ok()
        .stderr_has("Override removed.");
    assert_eq!(stored_override(&user.user_id), json!({}));
}

#[test]
fn invite_and_joined_room_counts_cover_the_window_they_are_given() {
    let cli = Cli::admin();
    let user = fresh("counts");
    let target = fresh("counts-target");
    let room = create_room(&user.token, "counts");
    invite(&user.token, &room, &target.user_id);
    join(&user.token, "#general:test.local");

    // Default window: the last day, which holds both.
    let invites = cli.json(&["user", "invite-count", &user.localpart]);
    assert_eq!(invites["invite_count"], 1, "{invites}");
    let since = invites["since"].as_i64().expect("since in ms");
    let day_ago = chrono::Utc::now().timestamp_millis() - 86_400_000;
    assert!((since - day_ago).abs() < 60_000, "{since} vs {day_ago}");
    let joins = cli.json(&["user", "joined-room-count", &user.localpart]);
    assert_eq!(joins["cumulative_joined_room_count"], 2, "{joins}");

    // A window starting after them counts neither.
    let later = (chrono::Utc::now().timestamp_millis() + 60_000).to_string();
    let none = cli.json(&["user", "invite-count", &user.localpart, "--since-ts", &later]);
    assert_eq!(none["invite_count"], 0, "{none}");
    let none = cli.json(&["user", "joined-room-count", &user.user_id, "--since-ts", &later]);
    assert_eq!(none["cumulative_joined_room_count"], 0, "{none}");
    cli.run(&["user", "invite-count", &user.localpart, "--since", "yesterday-ish"])
        .fails(2, "yesterday-ish");
    cli.run(&["user", "invite-count", &user.localpart, "-d", "1", "--since-ts", "0"])
        .fails(2, "cannot be used with");
}

#[test]
fn available_says_yes_for_a_free_name_and_the_servers_no_for_a_taken_one() {
    let cli = Cli::admin();
    let user = fresh("available");
    assert_eq!(
        cli.json(&["user", "available", &format!("{}-free", user.localpart)]),
        json!({"available": true})
    );
    cli.run(&["user", "available", &user.localpart]).fails(1, "M_USER_IN_USE");
    cli.run(&["user", "available", &user.user_id]).fails(2, "not a user ID");
}

#[test]
fn user_account_data_shows_global_and_room_data_and_parts_of_it() {
    let cli = Cli::admin();
    let user = fresh("account-data");
    let room = create_room(&user.token, "account data");
    let put = |path: String, content: Value| {
        server().ok_as(&user.token, "PUT", &path, Some(&content));
    };
    let base = format!("/_matrix/client/v3/user/{}", enc(&user.user_id));
    put(format!("{base}/account_data/org.example.a"), json!({"a": 1}));
    put(format!("{base}/account_data/org.example.b"), json!({"b": 2}));
    put(
        format!("{base}/rooms/{}/account_data/org.example.a", enc(&room)),
        json!({"in_room": true}),
    );
    let all = cli.json(&["user", "account-data", &user.localpart]);
    let data = &all["account_data"];
    assert_eq!(data["global"]["org.example.a"], json!({"a": 1}), "{all}");
    assert_eq!(data["global"]["org.example.b"], json!({"b": 2}), "{all}");
    assert_eq!(data["rooms"][&room], json!({"org.example.a": {"in_room": true}}));
    let one_type = cli.json(&["user", "account-data", &user.localpart, "-t", "org.example.a"]);
    assert_eq!(
        one_type,
        json!({"account_data": {
            "global": {"org.example.a": {"a": 1}},
            "rooms": {room.clone(): {"org.example.a": {"in_room": true}}},
        }})
    );
    let one_room = cli.json(&["user", "account-data", &user.localpart, "-r", &room]);
    assert_eq!(
        one_room,
        json!({"account_data": {"rooms": {room.clone(): {"org.example.a": {"in_room": true}}}}})
    );
    cli.run(&["user", "account-data", &user.localpart, "-r", "#alias:test.local"])
        .fails(2, "room ID");
}

#[test]
fn allow_cross_signing_reset_needs_a_master_key_and_opens_ten_minutes() {
    let cli = Cli::admin();
    let user = fresh("cross-signing");
    cli.run(&["--batch", "user", "allow-cross-signing-reset", &user.localpart])
        .fails(1, "M_NOT_FOUND: User has no master cross-signing key (HTTP 404)");
    // The user's first master key (no interactive auth needed for a first upload).
    let key = "c3luYWRtLXRlc3QtbWFzdGVyLWtleS0zMi1ieXRlcyE"; // 32 bytes, unpadded base64
    server().ok_as(
        &user.token,
        "POST",
        "/_matrix/client/v3/keys/device_signing/upload",
        Some(&json!({"master_key": {
            "user_id": user.user_id, "usage": ["master"],
            "keys": {format!("ed25519:{key}"): key},
        }})),
    );
    cli.run_with_input(&["user", "allow-cross-signing-reset", &user.localpart], "")
        .fails(6, "without authenticating");
    let before = chrono::Utc::now().timestamp_millis();
    let out = cli.json(&["--batch", "user", "allow-cross-signing-reset", &user.user_id]);
    let until = out["updatable_without_uia_before_ms"].as_i64().expect("ms");
    let ten_minutes = 10 * 60 * 1000;
    assert!(
        (before + ten_minutes - 5_000..=before + ten_minutes + 60_000).contains(&until),
        "{out}"
    );
}

/// The stored expiry of `user_id`'s account (ms), read from the database.
fn stored_expiry(user_id: &str) -> Option<i64> {
    let rows = server().sql(&format!(
        "SELECT expiration_ts_ms FROM account_validity WHERE user_id = '{}'",
        user_id.replace('\'', "''")
    ));
    rows.first().and_then(|row| row[0].as_deref()).map(|ms| ms.parse().expect("ms"))
}

/// Synapse stores an expiry only for accounts that have one (made at registration when
/// account_validity is on; the test server has it off): this gives `user_id` one.
fn give_expiry(user_id: &str) {
    server().sql(&format!(
        "INSERT INTO account_validity (user_id, expiration_ts_ms, email_sent) \
         VALUES ('{}', 1, FALSE)",
        user_id.replace('\'', "''")
    ));
    assert_eq!(stored_expiry(user_id), Some(1));
}

#[test]
fn user_renew_sets_the_expiry_the_database_then_holds() {
    let cli = Cli::admin();
    let user = fresh("renew");
    give_expiry(&user.user_id);
    let out = cli.json(&["user", "renew", &user.localpart, "--expire-ts", "4102444800000"]);
    assert_eq!(out, json!({"expiration_ts": 4102444800000i64}));
    assert_eq!(stored_expiry(&user.user_id), Some(4102444800000));
    let now = chrono::Utc::now().timestamp_millis();
    let out = cli.json(&["user", "renew", &user.user_id, "-d", "30", "--no-renewal-emails"]);
    let at = out["expiration_ts"].as_i64().expect("ms");
    let month = 30 * 86_400_000;
    assert!((now + month..now + month + 60_000).contains(&at), "{out}");
    assert_eq!(stored_expiry(&user.user_id), Some(at));
    let human =
        cli.format("human", &["user", "renew", &user.localpart, "--expire", "2031-02-03"]).ok();
    assert!(human.stdout.starts_with("expiration_ts  2031-02-03 00:00:00"), "{human:#?}");
    cli.run(&["user", "renew", &user.localpart, "-d", "1", "--expire-ts", "5"])
        .fails(2, "cannot be used with");
}

#[test]
fn user_features_switch_the_servers_features_and_refuse_unknown_names() {
    let cli = Cli::admin();
    let user = fresh("features");
    let before = cli.json(&["user", "features", &user.localpart]);
    let names: Vec<String> =
        before["features"].as_object().expect("a map").keys().cloned().collect();
    assert!(names.contains(&"msc3575".to_string()), "{before}");
    assert!(before["features"].as_object().unwrap().values().all(|v| v == false));
    let after = cli.json(&["user", "features", &user.localpart, "-e", "msc3575", "-e", "msc4222"]);
    assert_eq!(
        (after["features"]["msc3575"].as_bool(), after["features"]["msc4222"].as_bool()),
        (Some(true), Some(true))
    );
    let off = cli.json(&["user", "features", &user.user_id, "-d", "msc3575"]);
    assert_eq!(
        (off["features"]["msc3575"].as_bool(), off["features"]["msc4222"].as_bool()),
        (Some(false), Some(true))
    );
    cli.run(&["user", "features", &user.localpart, "-e", "msc9999"])
        .fails(2, "msc9999 is not an experimental feature of this server; it knows msc");
    cli.run(&["user", "features", &user.localpart, "-e", "msc3575", "-d", "msc3575"])
        .fails(2, "both enabled and disabled");
    assert_eq!(cli.json(&["user", "features", &user.localpart]), off, "nothing changed");
}
