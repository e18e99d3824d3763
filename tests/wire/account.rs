//! `user admin`, `memberships`, `pushers`, `ratelimit`, `invite-count`, `joined-room-count`,
//! `available`: the exact requests, and what is refused before any is sent.

use crate::common::words;
use crate::support::{DAY_MS, Env, now_ms};
use httpmock::Method::{DELETE, GET, POST, PUT};
use serde_json::json;

const ALICE: &str = "/_synapse/admin/v1/users/@alice:example.org";

#[test]
fn user_admin_shows_or_puts_the_flag_and_reads_it_back() {
    let env = Env::new();
    let get = env.reply(GET, &format!("{ALICE}/admin"), 200, json!({"admin": true}));
    assert_eq!(env.run(&["user", "admin", "alice"]).ok().json(), json!({"admin": true}));
    let put =
        env.reply_to_body(PUT, &format!("{ALICE}/admin"), json!({"admin": true}), 200, json!({}));
    env.run(&["--batch", "user", "admin", "alice", "--grant"]).ok();
    put.assert_calls(1);
    get.assert_calls(2);
    let revoke =
        env.reply_to_body(PUT, &format!("{ALICE}/admin"), json!({"admin": false}), 200, json!({}));
    env.run(&["--batch", "user", "admin", "alice", "--revoke"]).ok();
    revoke.assert_calls(1);
    // Without --batch the question comes first; "n" sends nothing.
    env.run_with_input(&["user", "admin", "alice", "--grant"], "n\n")
        .fails(6, "Make @alice:example.org a server admin");
    put.assert_calls(1);
    env.run(&["user", "admin", "alice", "--grant", "--revoke"]).fails(2, "cannot be used with");
}

#[test]
fn user_memberships_filters_on_the_client_and_sorts_by_room() {
    let env = Env::new();
    let reply = json!({"memberships": {"!b:x": "join", "!a:x": "join", "!c:x": "ban"}});
    let m = env.reply(GET, &format!("{ALICE}/memberships"), 200, reply.clone());
    // Unfiltered: the server's document as it came.
    assert_eq!(env.run(&["user", "memberships", "alice"]).ok().json(), reply);
    let run = env.run(&words("-o minified user memberships alice -m join")).ok();
    assert_eq!(run.stdout, "{\"memberships\":{\"!a:x\":\"join\",\"!b:x\":\"join\"}}\n");
    let human = env.run(&["-o", "human", "user", "memberships", "alice"]).ok();
    assert_eq!(
        human.stdout,
        "room_id  membership\n-------  ----------\n!b:x     join\n!a:x     join\n!c:x     ban\n"
    );
    human.stderr_has("3 rooms");
    m.assert_calls(3);
}

#[test]
fn user_ratelimit_sends_both_numbers_or_none() {
    let env = Env::new();
    let target = format!("{ALICE}/override_ratelimit");
    let set = env.reply_to_body(
        POST,
        &target,
        json!({"messages_per_second": 0, "burst_count": 12}),
        200,
        json!({"messages_per_second": 0, "burst_count": 12}),
    );
    let unlimited = env.reply_to_body(
        POST,
        &target,
        json!({"messages_per_second": 0, "burst_count": 0}),
        200,
        json!({"messages_per_second": 0, "burst_count": 0}),
    );
    let get = env.reply(GET, &target, 200, json!({}));
    let delete = env.reply(DELETE, &target, 200, json!({}));
    env.run(&["user", "ratelimit", "alice", "-m", "0", "-b", "12"]).ok();
    env.run(&["user", "ratelimit", "alice", "--unlimited"]).ok();
    let shown = env.run(&["-o", "human", "user", "ratelimit", "alice"]).ok();
    shown.stderr_has("No override");
    env.run(&["--batch", "user", "ratelimit", "alice", "-d"]).ok();
    env.run_with_input(&["user", "ratelimit", "alice", "-d"], "n\n")
        .fails(6, "Remove the rate-limit override of @alice:example.org");
    for mock in [&set, &unlimited, &get, &delete] {
        mock.assert_calls(1);
    }
    let any = env.any_request();
    for bad in [
        &["-b", "3"][..],
        &["-m", "3"],
        &["-m", "1.5", "-b", "3"],
        &["-m", "3", "-b", "-3"],
        &["-m", "3", "-b", "3", "--unlimited"],
        &["-m", "3", "-b", "3", "-d"],
    ] {
        let mut args = vec!["user", "ratelimit", "alice"];
        args.extend_from_slice(bad);
        let run = env.run(&args);
        assert_eq!(run.code, 2, "{bad:?}: {run:#?}");
    }
    any.assert_calls(0);
}

#[test]
fn counts_send_the_windows_start_in_ms() {
    let env = Env::new();
    let (invites, seen) =
        env.recording(GET, &format!("{ALICE}/sent_invite_count"), 200, json!({"invite_count": 4}));
    let before = now_ms();
    let out = env.run(&["user", "invite-count", "alice"]).ok().json();
    let sent: i64 = seen.one().query("from_ts").expect("from_ts").parse().unwrap();
    // Default: one day back.
    assert!((before - DAY_MS - 5_000..=now_ms() - DAY_MS).contains(&sent), "{sent}");
    assert_eq!(out, json!({"invite_count": 4, "since": sent}));
    env.run(&["user", "invite-count", "alice", "-d", "7"]).ok();
    let week: i64 = seen.all()[1].query("from_ts").unwrap().parse().unwrap();
    assert!((sent - week - 6 * DAY_MS).abs() < 10_000, "{week}");
    invites.assert_calls(2);

    let joins = env.reply_to_query(
        GET,
        &format!("{ALICE}/cumulative_joined_room_count"),
        &[("from_ts", "1700000000000")],
        200,
        json!({"cumulative_joined_room_count": 9}),
    );
    let out = env.run(&words("user joined-room-count alice --since-ts 1700000000000")).ok().json();
    assert_eq!(out["cumulative_joined_room_count"], 9);
    let human =
        env.run(&words("-o human user joined-room-count alice --since-ts 1700000000000")).ok();
    let since = human.lines().into_iter().find(|l| l.starts_with("since")).unwrap_or_default();
    assert!(since.contains(" 2023-11-1"), "times show as dates: {human:#?}");
    joins.assert_calls(2);
}

#[test]
fn available_sends_the_localpart_and_refuses_an_id() {
    let env = Env::new();
    let m = env.reply_to_query(
        GET,
        "/_synapse/admin/v1/username_available",
        &[("username", "new.user")],
        200,
        json!({"available": true}),
    );
    assert_eq!(env.run(&["user", "available", "new.user"]).ok().json(), json!({"available": true}));
    m.assert_calls(1);
    let any = env.any_request();
    for bad in ["@new:example.org", "new:example.org", ""] {
        env.run(&["user", "available", bad]).fails(2, "localpart");
    }
    env.run(&["user", "available", &"x".repeat(300)]).fails(2, "300 bytes; at most 255");
    any.assert_calls(0);
}

#[test]
fn account_data_parts_keep_the_documents_shape() {
    let env = Env::new();
    let data = json!({"account_data": {
        "global": {"m.direct": {"@b:x": ["!d:x"]}, "org.x": {"k": 1}},
        "rooms": {"!r:x": {"org.x": {"k": 2}, "m.tag": {}}, "!s:x": {"m.tag": {}}},
    }});
    let m = env.reply(GET, &format!("{ALICE}/accountdata"), 200, data.clone());
    assert_eq!(env.run(&["user", "account-data", "alice"]).ok().json(), data);
    assert_eq!(
        env.run(&["user", "account-data", "alice", "-t", "org.x"]).ok().json(),
        json!({"account_data": {"global": {"org.x": {"k": 1}}, "rooms": {"!r:x": {"org.x": {"k": 2}}}}})
    );
    assert_eq!(
        env.run(&["user", "account-data", "alice", "-r", "!s:x"]).ok().json(),
        json!({"account_data": {"rooms": {"!s:x": {"m.tag": {}}}}})
    );
    assert_eq!(
        env.run(&words("user account-data alice -r !none:x -t org.x")).ok().json(),
        json!({"account_data": {"rooms": {"!none:x": {}}}})
    );
    m.assert_calls(4);
}

#[test]
fn allow_cross_signing_reset_asks_then_posts_without_a_body() {
    let env = Env::new();
    let path = format!("{ALICE}/_allow_cross_signing_replacement_without_uia");
    let m =
        env.reply(POST, &path, 200, json!({"updatable_without_uia_before_ms": 1700000600000i64}));
    env.run_with_input(&["user", "allow-cross-signing-reset", "alice"], "n\n")
        .fails(6, "@alice:example.org");
    m.assert_calls(0);
    let run = env
        .run_with_input(&["-o", "human", "user", "allow-cross-signing-reset", "alice"], "y\n")
        .ok();
    assert!(run.stdout.starts_with("updatable_without_uia_before_ms  2023-11-"), "{run:#?}");
    m.assert_calls(1);
}

#[test]
fn only_deactivated_asks_v3_with_the_other_filters() {
    let env = Env::new();
    let m = env.reply_to_query(
        GET,
        "/_synapse/admin/v3/users",
        &[
            ("from", "0"),
            ("limit", "100"),
            ("deactivated", "true"),
            ("admins", "false"),
            ("name", "x y"),
        ],
        200,
        json!({"users": [], "total": 0}),
    );
    let v2 = env.any_request_with(GET);
    env.run(&["user", "list", "-D", "-A", "-n", "x y"]).ok();
    m.assert_calls(1);
    v2.assert_calls(0);
}

#[test]
fn renew_sends_the_expiry_and_the_email_choice() {
    let env = Env::new();
    let m = env.reply_to_body(
        POST,
        "/_synapse/admin/v1/account_validity/validity",
        json!({"user_id": "@alice:example.org", "expiration_ts": 1700000000000i64,
               "enable_renewal_emails": false}),
        200,
        json!({"expiration_ts": 1700000000000i64}),
    );
    let plain = env.reply_to_body(
        POST,
        "/_synapse/admin/v1/account_validity/validity",
        json!({"user_id": "@alice:example.org"}),
        200,
        json!({"expiration_ts": 1700000000001i64}),
    );
    env.run(&words("user renew alice --expire-ts 1700000000000 --no-renewal-emails")).ok();
    assert_eq!(
        env.run(&["user", "renew", "alice"]).ok().json(),
        json!({"expiration_ts": 1700000000001i64})
    );
    m.assert_calls(1);
    plain.assert_calls(1);
}

#[test]
fn features_change_only_known_names_and_read_them_back() {
    let env = Env::new();
    let path = "/_synapse/admin/v1/experimental_features/@alice:example.org";
    let get = env.reply(GET, path, 200, json!({"features": {"msc3575": false, "msc4222": true}}));
    let put = env.reply_to_body(
        PUT,
        path,
        json!({"features": {"msc3575": true, "msc4222": false}}),
        200,
        json!({}),
    );
    env.run(&words("user features alice -e msc3575 -d msc4222")).ok();
    let human = env.run(&["-o", "human", "user", "features", "alice"]).ok();
    assert_eq!(human.stdout, "msc3575  false\nmsc4222  true\n");
    env.run(&["user", "features", "alice", "-e", "MSC3575"]).fails(2, "it knows msc3575, msc4222");
    put.assert_calls(1);
    get.assert_calls(4);
}

#[test]
fn pushers_print_the_servers_list_and_the_count() {
    let env = Env::new();
    let reply = json!({"pushers": [{"app_display_name": "App", "app_id": "a.b",
        "data": {"url": "https://push.example.org"}, "device_display_name": "Phone",
        "kind": "http", "lang": "en", "profile_tag": "", "pushkey": "k1", "enabled": true,
        "device_id": "D"}], "total": 1});
    let m = env.reply(GET, &format!("{ALICE}/pushers"), 200, reply.clone());
    assert_eq!(env.run(&["user", "pushers", "alice"]).ok().json(), reply);
    let human = env.run(&["-o", "human", "user", "pushers", "alice"]).ok();
    human.stderr_has("Pushers: 1");
    assert!(
        human.lines()[2].starts_with("App               Phone                http  true     k1"),
        "{human:#?}"
    );
    m.assert_calls(2);
}

#[test]
fn ratelimit_says_which_override_is_in_force() {
    let env = Env::new();
    let target = format!("{ALICE}/override_ratelimit");
    env.reply(GET, &target, 200, json!({"messages_per_second": 0, "burst_count": 0}));
    env.run(&["-o", "human", "user", "ratelimit", "alice"])
        .ok()
        .stderr_has("Override: no rate limit at all.");
    let env = Env::new();
    env.reply(GET, &target, 200, json!({"messages_per_second": 2, "burst_count": 9}));
    env.run(&["-o", "human", "user", "ratelimit", "alice"]).ok().stderr_has("Override in force:");
}

#[test]
fn a_feature_both_enabled_and_disabled_is_refused_before_any_change() {
    let env = Env::new();
    let path = "/_synapse/admin/v1/experimental_features/@alice:example.org";
    env.reply(GET, path, 200, json!({"features": {"msc3575": false}}));
    let put = env.any_request_with(PUT);
    env.run(&words("user features alice -e msc3575 -d msc3575"))
        .fails(2, "msc3575 is both enabled and disabled");
    put.assert_calls(0);
}
