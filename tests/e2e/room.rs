//! Every read and power `room` command against the real server, on rooms each test creates
//! as fresh users (room version 12 by default in Synapse 1.163, version 10 on request).
//! Effects are read back with the admin API.

use crate::common::enc;
use crate::support::{Cli, Fresh, eventually, fresh, join, server};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

static TAGS: AtomicUsize = AtomicUsize::new(0);

/// A word no other room name contains (room search matches substrings).
fn tag(prefix: &str) -> String {
    format!("{prefix}q{}z{}", TAGS.fetch_add(1, Ordering::SeqCst), std::process::id())
}

/// Creates a room as `user` with this createRoom body; the room ID.
#[track_caller]
fn new_room(user: &Fresh, body: Value) -> String {
    let reply = server().ok_as(&user.token, "POST", "/_matrix/client/v3/createRoom", Some(&body));
    reply["room_id"].as_str().expect("room_id").to_string()
}

/// The room's current state event of `event_type`, read with the admin API.
#[track_caller]
fn state_content(room_id: &str, event_type: &str) -> Value {
    let body = server().admin_ok(
        "GET",
        &format!("/_synapse/admin/v1/rooms/{}/state?type={event_type}", enc(room_id)),
        None,
    );
    body["state"]
        .as_array()
        .and_then(|s| s.iter().find(|e| e["type"] == event_type))
        .map(|e| e["content"].clone())
        .unwrap_or(Value::Null)
}

/// The `users` of the room's power levels.
fn power_users(room_id: &str) -> Value {
    state_content(room_id, "m.room.power_levels")["users"].clone()
}

/// The membership of `user_id` in the room (`join`, `invite`, …), or null.
fn membership(room_id: &str, user_id: &str) -> Value {
    let body =
        server().admin_ok("GET", &format!("/_synapse/admin/v1/rooms/{}/state", enc(room_id)), None);
    body["state"]
        .as_array()
        .and_then(|s| s.iter().find(|e| e["type"] == "m.room.member" && e["state_key"] == user_id))
        .map(|e| e["content"]["membership"].clone())
        .unwrap_or(Value::Null)
}

/// `room list -n TAG` once the room statistics have caught up with `expected` rooms.
fn list_tagged(cli: &Cli, tag: &str, expected: u64) -> Value {
    eventually("the room list to show new rooms", Duration::from_secs(30), || {
        let out = cli.json(&["room", "list", "-n", tag]);
        (out["total_rooms"] == expected).then_some(out)
    })
}

fn room_ids(list: &Value) -> Vec<String> {
    let items = list.get("rooms").unwrap_or(list);
    let mut ids: Vec<String> = items
        .as_array()
        .unwrap_or_else(|| panic!("not a room list: {list}"))
        .iter()
        .map(|r| r["room_id"].as_str().expect("room_id").to_string())
        .collect();
    ids.sort();
    ids
}

#[test]
fn room_list_and_search_find_new_rooms_with_their_filters() {
    let owner = fresh("roomlister");
    let t = tag("lst");
    let public = new_room(
        &owner,
        json!({"name": format!("Pub {t}"), "preset": "public_chat", "visibility": "public",
               "room_alias_name": t}),
    );
    let private = new_room(
        &owner,
        json!({"name": format!("Priv {t}"), "preset": "private_chat", "room_version": "10"}),
    );
    let cli = Cli::admin();
    let out = list_tagged(&cli, &t, 2);
    let mut both = vec![public.clone(), private.clone()];
    both.sort();
    assert_eq!(room_ids(&out), both);
    let entry = out["rooms"].as_array().unwrap().iter().find(|r| r["room_id"] == public).unwrap();
    assert_eq!(entry["name"], format!("Pub {t}"));
    assert_eq!(entry["canonical_alias"], format!("#{t}:test.local"));
    assert_eq!(entry["version"], "12");
    assert_eq!(entry["public"], true);
    assert_eq!(entry["joined_members"], 1);
    assert_eq!(entry["creator"], owner.user_id);

    // Tri-states: directory listing and emptiness, over the whole list (Synapse 1.163
    // ignores them together with a search term that matches a name or alias).
    let has = |args: &[&str], room: &str| {
        let mut all = vec!["room", "list", "--all"];
        all.extend_from_slice(args);
        room_ids(&cli.json(&all)).contains(&room.to_string())
    };
    assert!(has(&["--public"], &public) && !has(&["--public"], &private));
    assert!(has(&["--not-public"], &private) && !has(&["--not-public"], &public));
    assert!(!has(&["-e"], &public) && !has(&["--empty"], &private));
    assert!(has(&["-E"], &public) && has(&["--not-empty"], &private));
    let run = cli.format("json", &["room", "list", "-n", &t, "--public"]);
    run.stderr_has("ignores");
    // Sort by version (Synapse: newest first), and reversed.
    let by_version = cli.json(&["room", "list", "-n", &t, "-s", "version"]);
    assert_eq!(by_version["rooms"][0]["room_id"], public, "{by_version}");
    let reversed = cli.json(&["room", "list", "-n", &t, "-s", "version", "-r"]);
    assert_eq!(reversed["rooms"][0]["room_id"], private, "{reversed}");

    // Paging: one page of one, then --all in pages of one.
    let page = cli.json(&["room", "list", "-n", &t, "-l", "1"]);
    assert_eq!(page["rooms"].as_array().unwrap().len(), 1);
    assert_eq!(page["next_batch"], 1);
    let all = cli.json(&["room", "list", "-n", &t, "--all", "-l", "1"]);
    assert_eq!(room_ids(&all), both);

    // search: one case-insensitive request.
    let found = cli.json(&["room", "search", &t.to_uppercase()]);
    assert_eq!(room_ids(&found), both);
    let by_id = cli.json(&["room", "search", &public]);
    assert_eq!(room_ids(&by_id), [public.as_str()]);

    let human = cli.format("human", &["room", "list", "-n", &t, "-s", "version", "-r"]);
    let lines = human.lines();
    assert!(lines[0].starts_with("room_id"), "{human:#?}");
    assert!(
        lines[2].starts_with(&private) && lines[2].contains(&format!("Priv {t}")),
        "{human:#?}"
    );
    assert!(lines[3].starts_with(&public) && lines[3].contains("1 / 1"), "{human:#?}");
    assert_eq!(human.stderr, format!("Rooms matching {t:?}: 2\n"));
    let human = cli.format("human", &["room", "search", &t]);
    assert_eq!(human.lines().len(), 4, "{human:#?}");
}

#[test]
fn room_details_state_and_members_show_a_new_room() {
    let owner = fresh("roomowner");
    let guest = fresh("roomguest");
    let t = tag("det");
    let room = new_room(
        &owner,
        json!({"name": format!("Details {t}"), "preset": "public_chat", "topic": "a topic"}),
    );
    join(&guest.token, &room);
    let cli = Cli::admin();

    let details = cli.json(&["room", "details", &room]);
    assert_eq!(details["room_id"], room);
    assert_eq!(details["name"], format!("Details {t}"));
    assert_eq!(details["topic"], "a topic");
    assert_eq!(details["version"], "12");
    assert_eq!(details["creator"], owner.user_id);
    let human = cli.format("human", &["room", "details", &room]).stdout;
    assert!(human.starts_with("room_id "), "{human}");
    assert!(human.contains(&format!("Details {t}\n")), "{human}");

    let state = cli.json(&["room", "state", &room]);
    let events = state["state"].as_array().unwrap();
    let create = events.iter().find(|e| e["type"] == "m.room.create").unwrap();
    assert_eq!(create["sender"], owner.user_id);
    assert_eq!(create["content"]["room_version"], "12");
    assert!(
        events.iter().any(|e| e["type"] == "m.room.member" && e["state_key"] == guest.user_id),
        "{state}"
    );
    let human = cli.format("human", &["room", "state", &room]);
    let lines = human.lines();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["type", "state_key", "sender", "origin_server_ts"]
    );
    assert!(
        lines.iter().any(|l| l.starts_with("m.room.create") && l.contains(&owner.user_id)),
        "{human:#?}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("m.room.member")
            && l.contains(&format!("{}  {}", guest.user_id, guest.user_id))),
        "{human:#?}"
    );
    assert_eq!(human.stderr, format!("State events in room: {}\n", events.len()));

    let members = cli.json(&["room", "members", &room]);
    let mut expected = vec![owner.user_id.clone(), guest.user_id.clone()];
    expected.sort();
    let mut got: Vec<String> = serde_json::from_value(members["members"].clone()).unwrap();
    got.sort();
    assert_eq!(got, expected);
    assert_eq!(members["total"], 2);
    let human = cli.format("human", &["room", "members", &room]);
    let mut lines = human.lines();
    lines.sort();
    assert_eq!(lines, expected);
    assert_eq!(human.stderr, "Total members in room: 2\n");
}

#[test]
fn room_details_of_an_unknown_room_fails() {
    Cli::admin()
        .run(&["room", "details", "!nosuchroom:test.local"])
        .fails(1, "M_NOT_FOUND: Room not found (HTTP 404)");
}

#[test]
fn room_resolve_goes_from_alias_to_id_and_back() {
    let owner = fresh("resolver");
    let t = tag("res");
    let room = new_room(&owner, json!({"preset": "public_chat", "room_alias_name": t}));
    let alias = format!("#{t}:test.local");
    let cli = Cli::admin();
    let run = cli.format("json", &["room", "resolve", &alias]);
    assert_eq!(run.stdout, format!("\"{room}\"\n"));
    let human = cli.format("human", &["room", "resolve", &alias]);
    assert_eq!(human.stdout, format!("{room}\n"));

    let aliases = cli.json(&["room", "resolve", "-r", &room]);
    assert_eq!(aliases, json!({"aliases": [alias.clone()]}));
    assert_eq!(cli.json(&["room", "resolve", "-r", &alias]), aliases);
    let human = cli.format("human", &["room", "resolve", "--reverse", &room]);
    assert_eq!(human.stdout, format!("{alias}\n"));

    cli.run(&["room", "resolve", &format!("#no{t}:test.local")]).fails(1, "M_NOT_FOUND");
}

#[test]
fn room_block_and_unblock_take_effect() {
    let owner = fresh("blockowner");
    let joiner = fresh("blockjoiner");
    let room = new_room(&owner, json!({"preset": "public_chat"}));
    let cli = Cli::admin();
    let read_back = || {
        server().admin_ok("GET", &format!("/_synapse/admin/v1/rooms/{}/block", enc(&room)), None)
    };
    assert_eq!(read_back(), json!({"block": false}));
    assert_eq!(cli.json(&["room", "block-status", &room]), json!({"block": false}));

    let run = cli.format("json", &["room", "block", &room]);
    assert_eq!(run.json(), json!({"block": true}));
    assert_eq!(run.stderr, format!("Room {room} is blocked.\n"));
    assert_eq!(read_back(), json!({"block": true, "user_id": server().admin_user}));
    // Blocked: a local user can no longer join.
    let (status, body) = server().request_as(
        &joiner.token,
        "POST",
        &format!("/_matrix/client/v3/join/{}", enc(&room)),
        Some(&json!({})),
    );
    assert_eq!(status, 403, "{body}");
    let status = cli.json(&["room", "block-status", &room]);
    assert_eq!(status, json!({"block": true, "user_id": server().admin_user}));
    let human = cli.format("human", &["room", "block-status", &room]);
    assert_eq!(human.stdout, format!("block    true\nuser_id  {}\n", server().admin_user));

    let run = cli.format("human", &["room", "block", "-u", &room]);
    assert_eq!(run.stdout, "block  false\n");
    assert_eq!(read_back(), json!({"block": false}));
    join(&joiner.token, &room);
}

#[test]
fn room_join_makes_a_local_user_join_by_id_and_by_alias() {
    let owner = fresh("joinowner");
    let first = fresh("joinfirst");
    let second = fresh("joinsecond");
    let t = tag("join");
    let room = new_room(&owner, json!({"preset": "public_chat", "room_alias_name": t}));
    let cli = Cli::admin();
    let run = cli.format("json", &["room", "join", &room, &first.localpart]);
    assert_eq!(run.json(), json!({"room_id": room}));
    assert_eq!(run.stderr, format!("{} joined {room}.\n", first.user_id));
    assert_eq!(membership(&room, &first.user_id), "join");

    let human =
        cli.format("human", &["room", "join", &format!("#{t}:test.local"), &second.user_id]);
    assert_eq!(human.stdout, format!("room_id  {room}\n"));
    assert_eq!(membership(&room, &second.user_id), "join");

    cli.run(&["room", "join", &room, "nosuchuser-zz"])
        .fails(1, "M_NOT_FOUND: User not found (HTTP 404)");
}

#[test]
fn make_admin_in_a_v12_room_grants_non_creators_and_leaves_creators_alone() {
    let owner = fresh("v12owner");
    let co_creator = fresh("v12cocreator");
    let target = fresh("v12target");
    let room = new_room(
        &owner,
        json!({"preset": "private_chat", "room_version": "12",
               "creation_content": {"additional_creators": [co_creator.user_id]}}),
    );
    assert_eq!(state_content(&room, "m.room.create")["room_version"], "12");
    let cli = Cli::admin();
    let before = power_users(&room);
    assert!(before.get(&owner.user_id).is_none(), "{before}");

    // A non-creator gets 100 (the level of a creator acting for them), and an invite.
    let run = cli.format("json", &["room", "make-admin", &room, "-u", &target.localpart]);
    assert_eq!(run.json(), json!({}));
    run.stderr_has("now has the power level");
    let after = power_users(&room);
    assert_eq!(after[&target.user_id], 100, "{after}");
    assert!(after.get(&owner.user_id).is_none(), "{after}");
    assert!(after.get(&co_creator.user_id).is_none(), "{after}");
    assert_eq!(membership(&room, &target.user_id), "invite");

    // Creators, the sender and the additional one: nothing to do, success, a note.
    for creator in [&owner, &co_creator] {
        let run =
            cli.format("human", &["room", "make-admin", &room, "--user-id", &creator.user_id]);
        assert_eq!(run.stdout, "");
        assert_eq!(
            run.stderr,
            format!(
                "{} is a creator of room {room} (room version 12) and so already has \
                 unlimited power there; nothing to change.\n",
                creator.user_id
            )
        );
        assert_eq!(power_users(&room), after);
    }

    // Without -u: the caller (the server admin).
    cli.format("json", &["room", "make-admin", &room]);
    assert_eq!(power_users(&room)[&server().admin_user], 100);
}

#[test]
fn make_admin_in_a_v10_room_grants_anyone_including_the_creator() {
    let owner = fresh("v10owner");
    let target = fresh("v10target");
    let room = new_room(&owner, json!({"preset": "private_chat", "room_version": "10"}));
    assert_eq!(state_content(&room, "m.room.create")["room_version"], "10");
    let cli = Cli::admin();
    assert_eq!(power_users(&room), json!({owner.user_id.clone(): 100}));

    let run = cli.format("human", &["room", "make-admin", &room, "-u", &target.user_id]);
    run.stderr_has("now has the power level");
    assert_eq!(
        power_users(&room),
        json!({owner.user_id.clone(): 100, target.user_id.clone(): 100})
    );
    // The creator of a v10 room has no implicit power: Synapse is asked, and succeeds.
    let run = cli.format("json", &["room", "make-admin", &room, "-u", &owner.localpart]);
    assert_eq!(run.json(), json!({}));
    assert!(!run.stderr.contains("creator"), "{run:#?}");
    assert_eq!(power_users(&room)[&owner.user_id], 100);
}

#[test]
fn make_admin_by_alias_and_when_no_local_user_has_power() {
    let owner = fresh("nopowerowner");
    let member = fresh("nopowermember");
    let target = fresh("nopowertarget");
    let t = tag("mka");
    let room = new_room(&owner, json!({"preset": "public_chat", "room_alias_name": t}));
    join(&member.token, &room);
    let cli = Cli::admin();
    // By alias.
    cli.format("json", &["room", "make-admin", &format!("#{t}:test.local"), "-u", &target.user_id]);
    assert_eq!(power_users(&room)[&target.user_id], 100);

    // The creator leaves; the member left joined has no power, the target is only invited.
    server().ok_as(
        &owner.token,
        "POST",
        &format!("/_matrix/client/v3/rooms/{}/leave", enc(&room)),
        Some(&json!({})),
    );
    let other = fresh("nopowerother");
    let run = cli
        .run(&["room", "make-admin", &room, "-u", &other.user_id])
        .fails(1, "No local admin user in room");
    assert!(
        run.stderr.starts_with("Synapse grants power through a local user who is joined"),
        "{run:#?}"
    );
    assert!(power_users(&room).get(&other.user_id).is_none());
}

#[test]
fn power_levels_show_levels_and_v12_creators() {
    let owner = fresh("plowner");
    let co_creator = fresh("plcocreator");
    let moderator = fresh("plmod");
    let t = tag("pl");
    let v12 = new_room(
        &owner,
        json!({"name": format!("A {t}"), "preset": "private_chat",
               "creation_content": {"additional_creators": [co_creator.user_id]},
               "power_level_content_override": {"users": {moderator.user_id.clone(): 50}}}),
    );
    let v10 = new_room(
        &owner,
        json!({"name": format!("B {t}"), "preset": "private_chat", "room_version": "10",
               "power_level_content_override": {"users": {
                   owner.user_id.clone(): 100, moderator.user_id.clone(): 50}}}),
    );
    let cli = Cli::admin();
    list_tagged(&cli, &t, 2);

    let out = cli.json(&["room", "power-levels", "-n", &t]);
    assert_eq!(out["total_rooms"], 2);
    assert_eq!(out["rooms_w_power_levels_curr_batch"], 2);
    let rooms = out["rooms"].as_array().unwrap();
    assert_eq!(rooms[0]["room_id"], v12, "sorted by name: {out}");
    assert_eq!(rooms[0]["power_levels"], json!({moderator.user_id.clone(): 50}));
    assert_eq!(rooms[0]["creators"], json!([owner.user_id.clone(), co_creator.user_id.clone()]));
    assert!(rooms[0].get("version").is_none(), "{out}");
    assert_eq!(rooms[1]["room_id"], v10);
    assert_eq!(
        rooms[1]["power_levels"],
        json!({owner.user_id.clone(): 100, moderator.user_id.clone(): 50})
    );
    assert_eq!(rooms[1]["creators"], json!([]));

    // One room by ID, with all details.
    let one = cli.json(&["room", "power-levels", "-i", &v10, "-a"]);
    assert_eq!(room_ids(&one), [v10.as_str()]);
    assert_eq!(one["rooms"][0]["version"], "10");
    assert_eq!(one["rooms"][0]["joined_members"], 1);
    // Pages of one, then every page.
    let page = cli.json(&["room", "power-levels", "-n", &t, "-l", "1", "-r"]);
    assert_eq!(room_ids(&page), [v10.as_str()]);
    assert_eq!(page["next_batch"], 1);
    let all = cli.json(&["room", "power-levels", "-n", &t, "--all", "-l", "1"]);
    assert_eq!(all.as_array().unwrap().len(), 2, "{all}");

    let human = cli.format("human", &["room", "power-levels", "-n", &t]);
    let lines = human.lines();
    assert!(
        lines[2].starts_with(&v12)
            && lines[2].ends_with(&format!(
                "{} creator, {} creator, {} 50",
                owner.user_id, co_creator.user_id, moderator.user_id
            )),
        "{human:#?}"
    );
    assert!(
        lines[3].starts_with(&v10)
            && lines[3].ends_with(&format!("{} 100, {} 50", owner.user_id, moderator.user_id)),
        "{human:#?}"
    );
    assert_eq!(human.stderr, "Rooms with power levels found in current batch: 2\nTotal rooms: 2\n");
}
