//! Every `room` command: the exact request on the wire, the output in json and human, errors,
//! and bad input that must not send any request.

use crate::common::words;
use crate::support::{Env, TOKEN, assert_each_reports_a_server_error};
use httpmock::Method::{GET, POST, PUT};
use serde_json::{Value, json};

const ROOMS: &str = "/_synapse/admin/v1/rooms";
const ROOM: &str = "!abc:example.org";
/// A room ID of room version 12: no server part.
const V12_ROOM: &str = "!Hk8vT4nQ2bXo";

/// A room of the room list as Synapse 1.163 sends it.
fn room_entry(room_id: &str, name: &str, version: &str, joined: i64, local: i64) -> Value {
    json!({
        "room_id": room_id, "name": name, "canonical_alias": format!("#{}:example.org", name.to_lowercase()),
        "joined_members": joined, "joined_local_members": local, "version": version,
        "creator": "@alice:example.org", "encryption": null, "federatable": true, "public": false,
        "join_rules": "invite", "guest_access": null, "history_visibility": "shared",
        "state_events": 7, "room_type": null
    })
}

/// A room's details as Synapse 1.163 sends them.
fn room_details(room_id: &str, name: &str, version: &str) -> Value {
    let mut details = room_entry(room_id, name, version, 5, 3);
    details["topic"] = json!("Talk\nhere");
    details["avatar"] = json!(null);
    details["joined_local_devices"] = json!(4);
    details["forgotten"] = json!(false);
    details["tombstoned"] = json!(false);
    details["replacement_room"] = json!(null);
    details
}

fn state_event(event_type: &str, sender: &str, content: Value) -> Value {
    json!({
        "event_id": format!("${event_type}"), "type": event_type, "sender": sender,
        "origin_server_ts": 1700000000000_i64, "room_id": ROOM, "state_key": "",
        "content": content, "unsigned": {}, "user_id": sender
    })
}

/// A room's `state?type=m.room.create` reply.
fn create_state(sender: &str, version: &str, additional: &[&str]) -> Value {
    let mut content = json!({"room_version": version});
    if !additional.is_empty() {
        content["additional_creators"] = json!(additional);
    }
    json!({"state": [state_event("m.room.create", sender, content)]})
}

/// Serves one canned reply per request, in order, over a raw socket; the request lines
/// exactly as sent (httpmock would normalise their encoding).
fn request_lines(args: &[&str], replies: &[&str]) -> (crate::support::Run, Vec<String>) {
    let replies = replies.iter().map(|r| crate::capture::ok(*r)).collect();
    let (base, server) = crate::capture::tcp(replies);
    let env = Env::new();
    env.write_config(&format!(
        "base_url: {base}\ntoken: {TOKEN}\nformat: json\nhomeserver: example.org\n"
    ));
    let run = env.run(args);
    let lines = server.join().unwrap().into_iter().map(|seen| seen.line).collect();
    (run, lines)
}

// ---------------------------------------------------------------- list and search

#[test]
fn room_list_sends_the_defaults_and_renders_json_and_human() {
    let env = Env::new();
    let reply = json!({
        "rooms": [room_entry(ROOM, "General", "10", 5, 3), room_entry(V12_ROOM, "Project", "12", 2, 2)],
        "offset": 0, "total_rooms": 3, "next_batch": 2
    });
    let m = env.mock(|when, then| {
        when.method(GET)
            .path(ROOMS)
            .query_param("from", "0")
            .query_param("limit", "100")
            .query_param_missing("search_term")
            .query_param_missing("order_by")
            .query_param_missing("dir")
            .query_param_missing("empty_rooms")
            .query_param_missing("public_rooms");
        then.status(200).json_body(reply.clone());
    });
    assert_eq!(env.run(&["room", "list"]).ok().json(), reply);

    let human = env.run(&["-o", "human", "room", "list"]).ok();
    let lines = human.lines();
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(
        header,
        [
            "room_id",
            "name",
            "canonical_alias",
            "members",
            "version",
            "creator",
            "federatable",
            "public"
        ],
        "{human:#?}"
    );
    let row: Vec<&str> = lines[2].split("  ").filter(|c| !c.is_empty()).collect();
    let row: Vec<&str> = row.iter().map(|c| c.trim()).collect();
    assert_eq!(
        row,
        [
            ROOM,
            "General",
            "#general:example.org",
            "5 / 3",
            "10",
            "@alice:example.org",
            "true",
            "false"
        ],
        "{human:#?}"
    );
    assert!(lines[3].starts_with(V12_ROOM), "{human:#?}");
    assert!(lines[3].contains("2 / 2"), "{human:#?}");
    assert_eq!(human.stderr, "Total rooms: 3\nThere are more than shown; use --from 2 or --all.\n");
    m.assert_calls(2);
}

#[test]
fn room_list_filters_map_to_query_parameters() {
    let env = Env::new();
    let filtered = env.mock(|when, then| {
        when.method(GET)
            .path(ROOMS)
            .query_param("from", "5")
            .query_param("limit", "7")
            .query_param("search_term", "Gen eral+1")
            .query_param("order_by", "joined_local_members")
            .query_param("dir", "b")
            .query_param("empty_rooms", "true")
            .query_param("public_rooms", "false");
        then.status(200).json_body(json!({"rooms": [], "offset": 5, "total_rooms": 0}));
    });
    let run = env
        .run(&[
            "room",
            "list",
            "-f",
            "5",
            "-l",
            "7",
            "-n",
            "Gen eral+1",
            "-s",
            "joined_local_members",
            "-r",
            "-e",
            "--not-public",
        ])
        .ok();
    // Synapse's query ORs the search with these filters; the person is told.
    assert!(
        run.stderr.starts_with("Note: Synapse (as of 1.163) ignores --empty/--not-empty"),
        "{run:#?}"
    );
    filtered.assert();

    let opposite = env.mock(|when, then| {
        when.method(GET)
            .path(ROOMS)
            .query_param("empty_rooms", "false")
            .query_param("public_rooms", "true")
            .query_param("order_by", "state_events")
            .query_param_missing("dir");
        then.status(200).json_body(json!({"rooms": [], "offset": 0, "total_rooms": 0}));
    });
    let run = env
        .run(&words("room list --empty --not-empty --not-public --public --sort state_events"))
        .ok();
    assert_eq!(run.stderr, "", "no search term, no note");
    opposite.assert();
}

#[test]
fn room_list_warns_about_either_filter_with_a_search_term() {
    let env = Env::new();
    // Loose: this test is about the note; the queries are pinned in the test above.
    env.reply_loose(GET, ROOMS, 200, json!({"rooms": [], "offset": 0, "total_rooms": 0}));
    for filter in ["-e", "-E", "--public", "--not-public"] {
        let run = env.run(&["room", "list", "-n", "x", filter]).ok();
        assert!(run.stderr.contains("Note: Synapse (as of 1.163) ignores"), "{filter}: {run:#?}");
    }
    let run = env.run(&["room", "list", "-n", "x"]).ok();
    assert!(!run.stderr.contains("Note:"), "no filter, no note: {run:#?}");
}

#[test]
fn room_list_accepts_every_synadm_sort_order() {
    let env = Env::new();
    let orders = [
        "name",
        "canonical_alias",
        "joined_members",
        "joined_local_members",
        "version",
        "creator",
        "encryption",
        "federatable",
        "public",
        "join_rules",
        "guest_access",
        "history_visibility",
        "state_events",
    ];
    for order in orders {
        let m = env.mock(|when, then| {
            when.method(GET).path(ROOMS).query_param("order_by", order);
            then.status(200).json_body(json!({"rooms": [], "offset": 0, "total_rooms": 0}));
        });
        env.run(&["room", "list", "-s", order]).ok();
        m.assert();
    }
}

#[test]
fn room_list_and_search_reject_bad_input_before_any_request() {
    let env = Env::new();
    let any = env.any_request();
    for args in [
        &["room", "list", "-n", ""][..],
        &["room", "list", "-s", "size"],
        &["room", "list", "-s", "alphabetical"],
        &["room", "list", "-l", "0"],
        &["room", "list", "-f", "-1"],
        &["room", "search", ""],
        &["room", "search"],
        &["room", "search", "x", "-e"],
    ] {
        let run = env.run(args);
        assert_eq!(run.code, 2, "{args:?}: {run:#?}");
        assert!(run.stdout.is_empty(), "{args:?}: {run:#?}");
    }
    let empty = env.run(&["room", "search", ""]);
    empty.stderr_has("the search term must not be empty");
    any.assert_calls(0);
}

#[test]
fn room_list_all_follows_next_batch_and_prints_one_document() {
    let env = Env::new();
    let first = env.mock(|when, then| {
        when.method(GET)
            .path(ROOMS)
            .query_param("from", "0")
            .query_param("limit", "2");
        then.status(200).json_body(json!({
            "rooms": [room_entry("!a:example.org", "A", "10", 1, 1), room_entry("!b:example.org", "B", "12", 2, 1)],
            "offset": 0, "total_rooms": 3, "next_batch": 2
        }));
    });
    let second = env.mock(|when, then| {
        when.method(GET).path(ROOMS).query_param("from", "2").query_param("limit", "2");
        then.status(200).json_body(json!({
            "rooms": [room_entry("!c:example.org", "C", "12", 0, 0)],
            "offset": 2, "total_rooms": 3, "prev_batch": 0
        }));
    });
    let out = env.run(&["room", "list", "--all", "-l", "2"]).ok().json();
    let ids: Vec<&str> =
        out.as_array().unwrap().iter().map(|r| r["room_id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["!a:example.org", "!b:example.org", "!c:example.org"]);
    assert_eq!(out[2], room_entry("!c:example.org", "C", "12", 0, 0));

    // Streamed human output is reshaped like one page: the members column, no state_events.
    let human = env.run(&["-o", "human", "room", "list", "--all", "-l", "2"]).ok();
    let lines = human.lines();
    assert_eq!(lines.len(), 5, "{human:#?}");
    assert!(lines[0].contains("members"), "{human:#?}");
    assert!(!lines[0].contains("state_events"), "{human:#?}");
    assert!(lines[4].starts_with("!c:example.org") && lines[4].contains("0 / 0"), "{human:#?}");
    first.assert_calls(2);
    second.assert_calls(2);
}

#[test]
fn room_list_all_default_page_is_1000() {
    let env = Env::new();
    let m = env.mock(|when, then| {
        when.method(GET).path(ROOMS).query_param("from", "0").query_param("limit", "1000");
        then.status(200).json_body(json!({"rooms": [], "offset": 0, "total_rooms": 0}));
    });
    assert_eq!(env.run(&["room", "list", "--all"]).ok().json(), json!([]));
    m.assert();
}

#[test]
fn room_search_is_list_with_a_search_term() {
    let env = Env::new();
    let reply = json!({"rooms": [room_entry(ROOM, "General", "10", 5, 3)], "offset": 3, "total_rooms": 4, "prev_batch": 0});
    let m = env.mock(|when, then| {
        when.method(GET)
            .path(ROOMS)
            .query_param("search_term", "GEN")
            .query_param("from", "3")
            .query_param("limit", "1")
            .query_param("order_by", "version")
            .query_param("dir", "b")
            .query_param_missing("empty_rooms")
            .query_param_missing("public_rooms");
        then.status(200).json_body(reply.clone());
    });
    let args = ["room", "search", "GEN", "-f", "3", "-l", "1", "-s", "version", "-r"];
    assert_eq!(env.run(&args).ok().json(), reply);
    let mut human_args = vec!["-o", "human"];
    human_args.extend(args);
    let human = env.run(&human_args).ok();
    assert_eq!(human.stderr, "Rooms matching \"GEN\": 4\n");
    assert!(human.lines()[2].starts_with(ROOM), "{human:#?}");
    m.assert_calls(2);
    // Without paging options: from the start, 100 rooms, the server's default order.
    let defaults = env.reply_to_query(
        GET,
        ROOMS,
        &[("search_term", "gen"), ("from", "0"), ("limit", "100")],
        200,
        reply.clone(),
    );
    env.run(&["room", "search", "gen"]).ok();
    defaults.assert_calls(1);
}

// ---------------------------------------------------------------- single-room lookups

#[test]
fn room_ids_go_out_raw_and_aliases_with_an_encoded_hash() {
    let (run, lines) = request_lines(
        &["room", "details", V12_ROOM],
        &[&room_details(V12_ROOM, "New", "12").to_string()],
    );
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(lines, [format!("GET /_synapse/admin/v1/rooms/{V12_ROOM} HTTP/1.1")]);

    let (run, lines) = request_lines(
        &["room", "join", "#général:example.org", "bob"],
        &[r#"{"room_id": "!abc:example.org"}"#],
    );
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(lines, ["POST /_synapse/admin/v1/join/%23g%C3%A9n%C3%A9ral:example.org HTTP/1.1"]);

    let (run, lines) = request_lines(
        &["room", "resolve", "#general:example.org"],
        &[r#"{"room_id": "!abc:example.org", "servers": ["example.org"]}"#],
    );
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(lines, ["GET /_matrix/client/v3/directory/room/%23general:example.org HTTP/1.1"]);
}

#[test]
fn room_details_prints_the_room_with_unknown_fields() {
    let env = Env::new();
    let mut details = room_details(ROOM, "General", "10");
    details["brand_new_field"] = json!("kept");
    let m = env.reply(GET, &format!("{ROOMS}/{ROOM}"), 200, details.clone());
    assert_eq!(env.run(&["room", "details", ROOM]).ok().json(), details);
    let human = env.run(&["-o", "h", "room", "details", ROOM]).ok().stdout;
    let lines: Vec<&str> = human.lines().collect();
    assert_eq!(lines[0], format!("room_id               {ROOM}"), "{human}");
    assert_eq!(lines[1], "name                  General", "{human}");
    assert_eq!(lines[3], "topic                 Talk\\nhere", "{human}");
    assert!(human.contains("brand_new_field       kept\n"), "{human}");
    m.assert_calls(2);
}

#[test]
fn room_state_is_a_table_of_type_key_sender_and_time() {
    let env = Env::new();
    let mut member =
        state_event("m.room.member", "@bob:example.org", json!({"membership": "join"}));
    member["state_key"] = json!("@bob:example.org");
    member["origin_server_ts"] = json!(1700000100000_i64);
    let reply = json!({"state": [
        state_event("m.room.create", "@alice:example.org", json!({"room_version": "10"})),
        member
    ]});
    let m = env.mock(|when, then| {
        when.method(GET).path(format!("{ROOMS}/{ROOM}/state")).query_param_missing("type");
        then.status(200).json_body(reply.clone());
    });
    assert_eq!(env.run(&["room", "state", ROOM]).ok().json(), reply);
    let human = env.run(&["-o", "human", "room", "state", ROOM]).ok();
    let lines = human.lines();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["type", "state_key", "sender", "origin_server_ts"],
        "{human:#?}"
    );
    assert!(
        lines[2].starts_with("m.room.create")
            && lines[2].contains("@alice:example.org")
            && lines[2].ends_with("2023-11-14 22:13:20"),
        "{human:#?}"
    );
    assert!(
        lines[3].starts_with("m.room.member  @bob:example.org  @bob:example.org")
            && lines[3].ends_with("2023-11-14 22:15:00"),
        "{human:#?}"
    );
    assert!(!human.stdout.contains("membership"), "{human:#?}");
    assert_eq!(human.stderr, "State events in room: 2\n");
    m.assert_calls(2);
}

#[test]
fn room_members_human_is_one_id_per_line_with_the_total_on_stderr() {
    let env = Env::new();
    let reply = json!({"members": ["@alice:example.org", "@bob:remote.example"], "total": 2});
    let m = env.reply(GET, &format!("{ROOMS}/{V12_ROOM}/members"), 200, reply.clone());
    assert_eq!(env.run(&["room", "members", V12_ROOM]).ok().json(), reply);
    let human = env.run(&["-o", "human", "room", "members", V12_ROOM]).ok();
    assert_eq!(human.stdout, "@alice:example.org\n@bob:remote.example\n");
    assert_eq!(human.stderr, "Total members in room: 2\n");
    m.assert_calls(2);
}

#[test]
fn room_resolve_prints_the_room_id_string_like_synadm() {
    let env = Env::new();
    let m = env.reply(
        GET,
        "/_matrix/client/v3/directory/room/%23general:example.org",
        200,
        json!({"room_id": ROOM, "servers": ["example.org"]}),
    );
    let run = env.run(&["room", "resolve", "#general:example.org"]).ok();
    assert_eq!(run.stdout, format!("\"{ROOM}\"\n"));
    assert_eq!(run.json(), json!(ROOM));
    let human = env.run(&["-o", "human", "room", "resolve", "#general:example.org"]).ok();
    assert_eq!(human.stdout, format!("{ROOM}\n"));
    m.assert_calls(2);
}

#[test]
fn room_resolve_reverse_lists_aliases_of_an_id_or_of_an_alias() {
    let env = Env::new();
    let aliases = json!({"aliases": ["#general:example.org", "#lobby:example.org"]});
    let list =
        env.reply(GET, &format!("/_matrix/client/v3/rooms/{ROOM}/aliases"), 200, aliases.clone());
    let lookup = env.reply(
        GET,
        "/_matrix/client/v3/directory/room/%23lobby:example.org",
        200,
        json!({"room_id": ROOM, "servers": ["example.org"]}),
    );
    assert_eq!(env.run(&["room", "resolve", "-r", ROOM]).ok().json(), aliases);
    lookup.assert_calls(0);
    assert_eq!(
        env.run(&["room", "resolve", "--reverse", "#lobby:example.org"]).ok().json(),
        aliases
    );
    lookup.assert_calls(1);
    let human = env.run(&["-o", "h", "room", "resolve", "-r", ROOM]).ok();
    assert_eq!(human.stdout, "#general:example.org\n#lobby:example.org\n");
    assert_eq!(human.stderr, "Local aliases of the room: 2\n");
    list.assert_calls(3);
}

#[test]
fn room_resolve_of_an_unknown_alias_fails_with_the_servers_error() {
    let env = Env::new();
    env.reply_error(
        GET,
        "/_matrix/client/v3/directory/room/%23nope:example.org",
        404,
        "M_NOT_FOUND",
        "Room alias #nope:example.org not found",
    );
    env.run(&["room", "resolve", "#nope:example.org"])
        .fails(1, "M_NOT_FOUND: Room alias #nope:example.org not found (HTTP 404)");
}

#[test]
fn room_commands_reject_malformed_ids_before_any_request() {
    let env = Env::new();
    let any = env.any_request();
    let cases: &[&[&str]] = &[
        &["room", "details", "abc:example.org"],
        &["room", "details", "#general:example.org"],
        &["room", "state", "!"],
        &["room", "members", "!a b:example.org"],
        &["room", "block", "#general:example.org"],
        &["room", "block-status", "@alice:example.org"],
        &["room", "resolve", "general"],
        &["room", "resolve", "#general"],
        &["room", "resolve", ROOM],
        &["room", "join", "general", "bob"],
        &["room", "join", ROOM, "bo b"],
        &["room", "make-admin", "!:example.org"],
        &["room", "make-admin", ROOM, "-u", "@:example.org"],
        &["room", "power-levels", "-i", "#general:example.org"],
        &["room", "power-levels", "-i", ROOM, "-n", "general"],
        &["room", "power-levels", "-l", "0"],
    ];
    for args in cases {
        let run = env.run(args);
        assert_eq!(run.code, 2, "{args:?}: {run:#?}");
        assert!(run.stdout.is_empty(), "{args:?}: {run:#?}");
        assert!(!run.stderr.is_empty(), "{args:?}: {run:#?}");
    }
    let resolve_id = env.run(&["room", "resolve", ROOM]);
    resolve_id.stderr_has("use -r/--reverse");
    any.assert_calls(0);
}

#[test]
fn every_room_command_reports_server_errors() {
    let commands = &[
        "room list",
        "room list --all",
        "room search a",
        "room details !abc:example.org",
        "room state !abc:example.org",
        "room members !abc:example.org",
        "room resolve #a:example.org",
        "room resolve -r !abc:example.org",
        "room block !abc:example.org",
        "room block-status !abc:example.org",
        "room join !abc:example.org bob",
        "room make-admin !abc:example.org",
        "room make-admin !abc:example.org -u bob",
        "room power-levels",
    ];
    assert_each_reports_a_server_error(commands);
}

// ---------------------------------------------------------------- block and join

#[test]
fn room_block_blocks_by_default_and_unblocks_with_u() {
    let env = Env::new();
    let block = env.reply_to_body(
        PUT,
        &format!("{ROOMS}/{ROOM}/block"),
        json!({"block": true}),
        200,
        json!({"block": true}),
    );
    let unblock = env.reply_to_body(
        PUT,
        &format!("{ROOMS}/{ROOM}/block"),
        json!({"block": false}),
        200,
        json!({"block": false}),
    );
    let run = env.run(&["room", "block", ROOM]).ok();
    assert_eq!(run.json(), json!({"block": true}));
    assert_eq!(run.stderr, format!("Room {ROOM} is blocked.\n"));
    env.run(&["room", "block", "-b", ROOM]).ok();
    block.assert_calls(2);

    let run = env.run(&["room", "block", "-u", ROOM]).ok();
    assert_eq!(run.json(), json!({"block": false}));
    assert_eq!(run.stderr, format!("Room {ROOM} is not blocked.\n"));
    env.run(&["room", "block", "--block", "--unblock", ROOM]).ok();
    unblock.assert_calls(2);
    let human = env.run(&["-o", "human", "room", "block", ROOM]).ok();
    assert_eq!(human.stdout, "block  true\n");
    block.assert_calls(3);
}

#[test]
fn room_block_status_shows_who_blocked() {
    let env = Env::new();
    let reply = json!({"block": true, "user_id": "@admin:example.org"});
    let m = env.reply(GET, &format!("{ROOMS}/{V12_ROOM}/block"), 200, reply.clone());
    assert_eq!(env.run(&["room", "block-status", V12_ROOM]).ok().json(), reply);
    let human = env.run(&["-o", "human", "room", "block-status", V12_ROOM]).ok();
    assert_eq!(human.stdout, "block    true\nuser_id  @admin:example.org\n");
    m.assert_calls(2);
}

#[test]
fn room_join_completes_the_user_and_prints_the_room() {
    let env = Env::new();
    let m = env.reply_to_body(
        POST,
        &format!("/_synapse/admin/v1/join/{ROOM}"),
        json!({"user_id": "@bob:example.org"}),
        200,
        json!({"room_id": ROOM}),
    );
    let run = env.run(&["room", "join", ROOM, "bob"]).ok();
    assert_eq!(run.json(), json!({"room_id": ROOM}));
    assert_eq!(run.stderr, format!("@bob:example.org joined {ROOM}.\n"));
    let human = env.run(&["-o", "human", "room", "join", ROOM, "@bob:example.org"]).ok();
    assert_eq!(human.stdout, format!("room_id  {ROOM}\n"));
    m.assert_calls(2);
}

#[test]
fn room_join_reports_a_refusal() {
    let env = Env::new();
    env.reply_to_body(
        POST,
        &format!("/_synapse/admin/v1/join/{ROOM}"),
        json!({"user_id": "@ghost:example.org"}),
        404,
        json!({"errcode": "M_NOT_FOUND", "error": "User not found"}),
    );
    env.run(&["room", "join", ROOM, "ghost"]).fails(1, "M_NOT_FOUND: User not found (HTTP 404)");
}

// ---------------------------------------------------------------- make-admin

/// Mocks `state?type=m.room.create` of `room`.
fn mock_create<'a>(env: &'a Env, room: &str, reply: Value) -> httpmock::Mock<'a> {
    env.reply_to_query(
        GET,
        &format!("{ROOMS}/{room}/state"),
        &[("type", "m.room.create")],
        200,
        reply,
    )
}

fn mock_whoami<'a>(env: &'a Env, user: &str) -> httpmock::Mock<'a> {
    env.reply(
        GET,
        "/_matrix/client/v3/account/whoami",
        200,
        json!({"user_id": user, "is_guest": false}),
    )
}

fn mock_make_admin<'a>(env: &'a Env, room: &str, body: Value) -> httpmock::Mock<'a> {
    env.reply_to_body(POST, &format!("{ROOMS}/{room}/make_room_admin"), body, 200, json!({}))
}

#[test]
fn make_admin_of_a_v12_creator_changes_nothing_and_says_why() {
    let env = Env::new();
    let whoami = mock_whoami(&env, "@admin:example.org");
    let create = mock_create(
        &env,
        V12_ROOM,
        create_state("@admin:example.org", "12", &["@dave:example.org"]),
    );
    let post = env.any_request_with(POST);
    // The caller, by default: the create event's sender.
    let run = env.run(&["room", "make-admin", V12_ROOM]).ok();
    assert_eq!(run.json(), json!({}));
    assert_eq!(
        run.stderr,
        format!(
            "@admin:example.org is a creator of room {V12_ROOM} (room version 12) and so \
             already has unlimited power there; nothing to change.\n"
        )
    );
    // An additional creator, given as a localpart.
    let run = env.run(&["-o", "human", "room", "make-admin", V12_ROOM, "-u", "dave"]).ok();
    assert!(run.stderr.starts_with("@dave:example.org is a creator of room"), "{run:#?}");
    whoami.assert_calls(1);
    create.assert_calls(2);
    post.assert_calls(0);
}

#[test]
fn make_admin_of_a_non_creator_in_v12_asks_synapse() {
    let env = Env::new();
    let create = mock_create(
        &env,
        V12_ROOM,
        create_state("@alice:example.org", "12", &["@dave:example.org"]),
    );
    let post = mock_make_admin(&env, V12_ROOM, json!({"user_id": "@bob:example.org"}));
    let run = env.run(&["room", "make-admin", V12_ROOM, "--user-id", "bob"]).ok();
    assert_eq!(run.json(), json!({}));
    assert_eq!(
        run.stderr,
        format!(
            "@bob:example.org now has the power level of the room's most powerful local user \
             in {V12_ROOM}.\n"
        )
    );
    create.assert_calls(1);
    post.assert_calls(1);
}

#[test]
fn make_admin_of_the_creator_of_an_older_room_asks_synapse_with_synadms_empty_body() {
    let env = Env::new();
    let whoami = mock_whoami(&env, "@alice:example.org");
    let create = mock_create(&env, ROOM, create_state("@alice:example.org", "10", &[]));
    let post = mock_make_admin(&env, ROOM, json!({}));
    assert_eq!(env.run(&["room", "make-admin", ROOM]).ok().json(), json!({}));
    whoami.assert_calls(1);
    create.assert_calls(1);
    post.assert_calls(1);
}

#[test]
fn make_admin_of_an_alias_resolves_it_first() {
    let replies = [
        r#"{"room_id": "!Hk8vT4nQ2bXo", "servers": ["example.org"]}"#.to_string(),
        create_state("@alice:example.org", "12", &[]).to_string(),
        "{}".to_string(),
    ];
    let replies: Vec<&str> = replies.iter().map(String::as_str).collect();
    let (run, lines) =
        request_lines(&words("room make-admin #general:example.org -u @bob:example.org"), &replies);
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(
        lines,
        [
            "GET /_matrix/client/v3/directory/room/%23general:example.org HTTP/1.1".to_string(),
            format!("GET /_synapse/admin/v1/rooms/{V12_ROOM}/state?type=m.room.create HTTP/1.1"),
            format!("POST /_synapse/admin/v1/rooms/{V12_ROOM}/make_room_admin HTTP/1.1"),
        ]
    );
}

/// Synapse's refusals pass through with a hint on stderr for the two common causes: no local
/// member with power, and a room the server left.
#[test]
fn make_admin_explains_why_synapse_refused() {
    let cases = [
        (
            create_state("@remote:other.example", "12", &[]),
            "No local admin user in room",
            "Synapse grants power through a local user who is joined",
        ),
        (json!({"state": []}), "Server not in room", "No local user is in the room any more"),
    ];
    for (state, error, hint) in cases {
        let env = Env::new();
        mock_create(&env, ROOM, state);
        env.reply_to_body(
            POST,
            &format!("{ROOMS}/{ROOM}/make_room_admin"),
            json!({"user_id": "@bob:example.org"}),
            400,
            json!({"errcode": "M_UNKNOWN", "error": error}),
        );
        let run = env
            .run(&["room", "make-admin", ROOM, "-u", "bob"])
            .fails(1, &format!("M_UNKNOWN: {error} (HTTP 400)"));
        assert!(run.stderr.starts_with(hint), "{run:#?}");
    }
}

// ---------------------------------------------------------------- power-levels

/// Mocks `state?type=m.room.power_levels` of `room` with these users (None: no event).
fn mock_levels<'a>(env: &'a Env, room: &str, users: Option<Value>) -> httpmock::Mock<'a> {
    let state = match users {
        Some(users) => json!({"state": [state_event(
            "m.room.power_levels", "@alice:example.org", json!({"users": users, "ban": 50})
        )]}),
        None => json!({"state": []}),
    };
    env.reply_to_query(
        GET,
        &format!("{ROOMS}/{room}/state"),
        &[("type", "m.room.power_levels")],
        200,
        state,
    )
}

#[test]
fn power_levels_are_the_event_with_the_empty_state_key() {
    let env = Env::new();
    env.mock(|when, then| {
        when.method(GET).path(ROOMS).query_param("from", "0").query_param("limit", "10");
        then.status(200).json_body(json!({
            "rooms": [room_entry(ROOM, "Old", "10", 2, 2)], "offset": 0, "total_rooms": 1
        }));
    });
    // Any state key is allowed; only "" holds the room's power levels.
    let mut decoy = state_event(
        "m.room.power_levels",
        "@mallory:example.org",
        json!({"users": {"@mallory:example.org": 100}}),
    );
    decoy["state_key"] = json!("decoy");
    let real = state_event(
        "m.room.power_levels",
        "@alice:example.org",
        json!({"users": {"@alice:example.org": 100}}),
    );
    env.reply_to_query(
        GET,
        &format!("{ROOMS}/{ROOM}/state"),
        &[("type", "m.room.power_levels")],
        200,
        json!({"state": [decoy, real]}),
    );
    mock_create(&env, ROOM, create_state("@alice:example.org", "10", &[]));
    let out = env.run(&["room", "power-levels"]).ok().json();
    assert_eq!(out["rooms"][0]["power_levels"], json!({"@alice:example.org": 100}));
}

#[test]
fn power_levels_reads_levels_per_room_and_creators_of_v12_rooms() {
    let env = Env::new();
    let list = env.mock(|when, then| {
        when.method(GET).path(ROOMS).query_param("from", "0").query_param("limit", "10");
        then.status(200).json_body(json!({
            "rooms": [
                room_entry(ROOM, "Old", "10", 2, 2),
                room_entry(V12_ROOM, "New", "12", 3, 3),
                room_entry("!bare:example.org", "Bare", "10", 1, 1),
            ],
            "offset": 0, "total_rooms": 13, "next_batch": 10
        }));
    });
    let old_levels =
        mock_levels(&env, ROOM, Some(json!({"@alice:example.org": 100, "@bob:example.org": 50})));
    let new_levels = mock_levels(&env, V12_ROOM, Some(json!({"@bob:example.org": 100})));
    let bare_levels = mock_levels(&env, "!bare:example.org", None);
    let old_create = mock_create(&env, ROOM, create_state("@alice:example.org", "10", &[]));
    let new_create = mock_create(
        &env,
        V12_ROOM,
        create_state("@alice:example.org", "12", &["@carol:example.org"]),
    );

    let out = env.run(&["room", "power-levels"]).ok().json();
    assert_eq!(
        out,
        json!({
            "rooms": [
                {"room_id": ROOM, "name": "Old", "canonical_alias": "#old:example.org",
                 "room_type": null, "creators": [],
                 "power_levels": {"@alice:example.org": 100, "@bob:example.org": 50}},
                {"room_id": V12_ROOM, "name": "New", "canonical_alias": "#new:example.org",
                 "room_type": null, "creators": ["@alice:example.org", "@carol:example.org"],
                 "power_levels": {"@bob:example.org": 100}},
                {"room_id": "!bare:example.org", "name": "Bare",
                 "canonical_alias": "#bare:example.org", "room_type": null, "creators": [],
                 "power_levels": {}},
            ],
            "offset": 0, "total_rooms": 13, "next_batch": 10,
            "rooms_w_power_levels_curr_batch": 2
        })
    );

    let human = env.run(&["-o", "human", "room", "power-levels"]).ok();
    let lines = human.lines();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["room_id", "name", "canonical_alias", "power_levels"],
        "{human:#?}"
    );
    assert!(
        lines[2].starts_with(ROOM)
            && lines[2].ends_with("@alice:example.org 100, @bob:example.org 50"),
        "{human:#?}"
    );
    assert!(
        lines[3].starts_with(V12_ROOM)
            && lines[3].ends_with(
                "@alice:example.org creator, @carol:example.org creator, @bob:example.org 100"
            ),
        "{human:#?}"
    );
    assert_eq!(
        human.stderr,
        "Rooms with power levels found in current batch: 2\nTotal rooms: 13\n\
         There are more than shown; use --from 10 or --all.\n"
    );
    list.assert_calls(2);
    old_levels.assert_calls(2);
    new_levels.assert_calls(2);
    bare_levels.assert_calls(2);
    // Only rooms of version 12 and later have creators with power.
    old_create.assert_calls(0);
    new_create.assert_calls(2);
}

#[test]
fn power_levels_options_map_to_the_room_list_and_all_details_keeps_fields() {
    let env = Env::new();
    let list = env.mock(|when, then| {
        when.method(GET)
            .path(ROOMS)
            .query_param("from", "4")
            .query_param("limit", "2")
            .query_param("search_term", ROOM)
            .query_param("order_by", "joined_members")
            .query_param("dir", "b");
        then.status(200).json_body(json!({
            "rooms": [room_entry(ROOM, "Old", "10", 2, 2)],
            "offset": 4, "total_rooms": 5, "prev_batch": 2
        }));
    });
    mock_levels(&env, ROOM, Some(json!({"@alice:example.org": 100})));
    let out = env
        .run(&[
            "room",
            "power-levels",
            "-i",
            ROOM,
            "-a",
            "-f",
            "4",
            "-l",
            "2",
            "-s",
            "joined_members",
            "-r",
        ])
        .ok()
        .json();
    let mut expected = room_entry(ROOM, "Old", "10", 2, 2);
    expected["power_levels"] = json!({"@alice:example.org": 100});
    expected["creators"] = json!([]);
    assert_eq!(out["rooms"], json!([expected]));
    assert_eq!(out["rooms_w_power_levels_curr_batch"], 1);
    assert_eq!(out["prev_batch"], 2);

    let named = env.mock(|when, then| {
        when.method(GET).path(ROOMS).query_param("search_term", "old").query_param("limit", "10");
        then.status(200).json_body(json!({"rooms": [], "offset": 0, "total_rooms": 0}));
    });
    let out = env.run(&["room", "power-levels", "-n", "old"]).ok().json();
    assert_eq!(out["rooms_w_power_levels_curr_batch"], 0);
    list.assert_calls(1);
    named.assert_calls(1);
}

#[test]
fn power_levels_of_a_room_gone_since_listing_are_empty() {
    let env = Env::new();
    env.reply_to_query(
        GET,
        ROOMS,
        &[("from", "0"), ("limit", "10")],
        200,
        json!({"rooms": [room_entry(V12_ROOM, "Gone", "12", 0, 0)], "offset": 0, "total_rooms": 1}),
    );
    // Levels and creators are asked for at once; the first 404 ends the other request.
    for event_type in ["m.room.power_levels", "m.room.create"] {
        env.reply_to_query(
            GET,
            &format!("{ROOMS}/{V12_ROOM}/state"),
            &[("type", event_type)],
            404,
            json!({"errcode": "M_NOT_FOUND", "error": "Room not found"}),
        );
    }
    let out = env.run(&["room", "power-levels"]).ok().json();
    assert_eq!(out["rooms"][0]["power_levels"], json!({}));
    assert_eq!(out["rooms"][0]["creators"], json!([]));
    assert_eq!(out["rooms_w_power_levels_curr_batch"], 0);
}

#[test]
fn power_levels_all_streams_every_page() {
    let env = Env::new();
    let first = env.mock(|when, then| {
        when.method(GET).path(ROOMS).query_param("from", "0").query_param("limit", "1");
        then.status(200).json_body(json!({
            "rooms": [room_entry(ROOM, "Old", "10", 2, 2)], "offset": 0, "total_rooms": 2,
            "next_batch": 1
        }));
    });
    let second = env.mock(|when, then| {
        when.method(GET).path(ROOMS).query_param("from", "1").query_param("limit", "1");
        then.status(200).json_body(json!({
            "rooms": [room_entry(V12_ROOM, "New", "12", 1, 1)], "offset": 1, "total_rooms": 2,
            "prev_batch": 0
        }));
    });
    // The first page sets the column widths.
    mock_levels(&env, ROOM, Some(json!({"@alice:example.org": 100, "@bob:example.org": 50})));
    mock_levels(&env, V12_ROOM, Some(json!({})));
    mock_create(&env, V12_ROOM, create_state("@alice:example.org", "12", &[]));
    let out = env.run(&["room", "power-levels", "--all", "-l", "1"]).ok().json();
    assert_eq!(out.as_array().unwrap().len(), 2, "{out}");
    assert_eq!(out[1]["creators"], json!(["@alice:example.org"]));
    let human = env.run(&["-o", "h", "room", "power-levels", "--all", "-l", "1"]).ok();
    assert!(human.lines()[3].ends_with("@alice:example.org creator"), "{human:#?}");
    first.assert_calls(2);
    second.assert_calls(2);
}
