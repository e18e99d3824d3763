//! Read-only lookups: `user details`, `whois`, `membership`, `media`, `3pid`, `auth-provider`.

use crate::common::enc;
use crate::support::{
    Cli, create_room, fresh, join, media_id, server, upload, whoami, without_last_seen,
};
use serde_json::{Value, json};

#[test]
fn user_details_completes_localparts_to_the_configured_server() {
    let cli = Cli::admin();
    let full = cli.json(&["user", "details", "@alice:test.local"]);
    assert_eq!(full["name"], "@alice:test.local");
    assert_eq!(full["displayname"], "Alice Liddell");
    assert_eq!(full["threepids"][0]["address"], "alice@example.org");
    for short in ["alice", "@alice"] {
        let out = cli.json(&["user", "details", short]);
        assert_eq!(out["name"], "@alice:test.local", "{short}");
        assert_eq!(out["displayname"], full["displayname"], "{short}");
    }
    // An empty server part is a mistake, not a localpart to complete.
    cli.run(&["user", "details", "alice:"]).fails(2, "the server name after ':' is missing");
}

#[test]
fn user_details_prints_what_the_server_said_in_every_format() {
    let s = server();
    let cli = Cli::admin();
    let truth =
        s.admin_ok("GET", &format!("/_synapse/admin/v2/users/{}", enc("@bob:test.local")), None);
    // Faithful: every field the server sent, unchanged (but last_seen_ts, which Synapse
    // may update in the background between two reads).
    let truth = without_last_seen(&truth);
    let json = cli.json(&["user", "details", "bob"]);
    assert!(json.get("last_seen_ts").is_some(), "{json}");
    assert_eq!(without_last_seen(&json), truth);
    let yaml = cli.format("yaml", &["user", "details", "bob"]).yaml();
    assert_eq!(without_last_seen(&yaml), truth);
    let minified = cli.format("minified", &["user", "details", "bob"]);
    assert_eq!(minified.stdout.lines().count(), 1);
    assert_eq!(without_last_seen(&minified.minified()), truth);

    let pprint = cli.format("pprint", &["user", "details", "bob"]).stdout;
    assert!(pprint.starts_with("{'admin': False,\n"), "sorted keys: {pprint}");
    assert!(pprint.contains(" 'displayname': 'Bob Builder',\n"), "{pprint}");
    assert!(pprint.contains(" 'user_type': None"), "{pprint}");

    let human = cli.format("human", &["user", "details", "bob"]);
    let lines = human.lines();
    assert!(lines[0].starts_with("name ") && lines[0].ends_with(" @bob:test.local"), "{human:#?}");
    assert!(
        lines[1].starts_with("displayname ") && lines[1].ends_with(" Bob Builder"),
        "{human:#?}"
    );
    let admin_line = lines.iter().find(|l| l.starts_with("admin ")).expect("admin line");
    assert!(admin_line.ends_with(" false"), "{human:#?}");
    // Timestamps are readable dates in human output, not raw numbers.
    let created = lines.iter().find(|l| l.starts_with("creation_ts ")).expect("creation_ts");
    let raw = truth["creation_ts"].as_i64().unwrap().to_string();
    assert!(!created.contains(&raw) && created.contains('-') && created.contains(':'), "{created}");
    human.stdout_has("bob@example.org");
}

#[test]
fn user_whois_shows_the_users_connections() {
    let user = fresh("whois");
    assert_eq!(whoami(&user.token).0, 200, "a request that Synapse records");
    let cli = Cli::admin();
    let out = cli.json(&["user", "whois", &user.localpart]);
    assert_eq!(out["user_id"], user.user_id.as_str());
    let connections: Vec<&Value> = out["devices"]
        .as_object()
        .expect("devices")
        .values()
        .flat_map(|d| d["sessions"].as_array().unwrap())
        .flat_map(|s| s["connections"].as_array().unwrap())
        .collect();
    assert!(
        connections.iter().any(|c| c["ip"] == "127.0.0.1" && c["user_agent"] == "synadm-tests"),
        "{out}"
    );

    let human = cli.format("human", &["user", "whois", &user.user_id]);
    let lines = human.lines();
    for column in ["ip", "last_seen", "user_agent"] {
        assert!(lines[0].contains(column), "{human:#?}");
    }
    assert!(
        lines.iter().any(|l| l.starts_with("127.0.0.1  ") && l.contains("synadm-tests")),
        "{human:#?}"
    );
    human.stderr_has(&format!("{}: ", user.user_id));
    human.stderr_has("connection(s)");
}

#[test]
fn user_membership_lists_rooms_with_their_aliases() {
    let s = server();
    let general = s.seed_str("/rooms/general");
    let cli = Cli::admin();

    // synadm's shape: each room as its aliases (space-joined), or its ID without any.
    let out = cli.json(&["user", "membership", "alice"]);
    let rooms = out["joined_rooms"].as_array().expect("joined_rooms");
    assert_eq!(out["total"].as_u64(), Some(rooms.len() as u64));
    assert!(rooms.contains(&json!("#general:test.local")), "{out}");
    assert!(!rooms.contains(&json!(general)), "{out}");
    // --aliases is the default.
    assert_eq!(cli.json(&["user", "membership", "--aliases", "alice"]), out);

    let detailed = cli.json(&["user", "membership", "--detailed", "alice"]);
    let entry = detailed["joined_rooms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["room_id"] == general)
        .unwrap_or_else(|| panic!("general missing: {detailed}"))
        .clone();
    assert_eq!(entry["aliases"], json!(["#general:test.local"]));

    let ids = cli.json(&["user", "membership", "--ids", "alice"]);
    assert!(ids["joined_rooms"].as_array().unwrap().contains(&json!(general)), "{ids}");
    assert_eq!(ids["total"], out["total"]);

    let yaml = cli.format("yaml", &["user", "membership", "alice"]);
    assert_eq!(yaml.yaml(), out);

    let human = cli.format("human", &["user", "membership", "alice"]);
    assert!(human.lines().contains(&"#general:test.local"), "{human:#?}");
    let human = cli.format("human", &["user", "membership", "--detailed", "alice"]);
    let lines = human.lines();
    assert!(lines[0].starts_with("room_id") && lines[0].contains("aliases"), "{human:#?}");
    assert!(
        lines.iter().any(|l| l.starts_with(general) && l.ends_with("#general:test.local")),
        "{human:#?}"
    );
    human.stderr_has("User is member of ");
}

#[test]
fn user_membership_follows_joins_and_lists_rooms_without_aliases() {
    let user = fresh("member");
    let general = join(&user.token, "#general:test.local");
    let own = create_room(&user.token, "member's own room");
    let cli = Cli::admin();

    let ids = cli.json(&["user", "membership", "--ids", &user.localpart]);
    let mut listed: Vec<&str> =
        ids["joined_rooms"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
    listed.sort();
    let mut expected = vec![general.as_str(), own.as_str()];
    expected.sort();
    assert_eq!(listed, expected);
    assert_eq!(ids["total"], 2);

    let out = cli.json(&["user", "membership", "--detailed", &user.localpart]);
    let aliases = |room: &str| {
        out["joined_rooms"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["room_id"] == room)
            .map(|r| r["aliases"].clone())
            .unwrap_or_else(|| panic!("{room} missing: {out}"))
    };
    assert_eq!(aliases(&general), json!(["#general:test.local"]));
    assert_eq!(aliases(&own), json!([]));
    let mut plain: Vec<Value> = cli.json(&["user", "membership", &user.localpart])["joined_rooms"]
        .as_array()
        .unwrap()
        .clone();
    plain.sort_by_key(|v| v.to_string());
    assert_eq!(plain, vec![json!(own), json!("#general:test.local")]);

    let human = cli.format("human", &["user", "membership", "--ids", &user.localpart]);
    let mut lines = human.lines();
    lines.sort();
    assert_eq!(lines, expected, "--ids in human output: one room ID per line");
}

#[test]
fn user_membership_of_a_user_in_no_room_is_empty() {
    let user = fresh("loner");
    let cli = Cli::admin();
    assert_eq!(
        cli.json(&["user", "membership", &user.localpart]),
        json!({"joined_rooms": [], "total": 0})
    );
    let human = cli.format("human", &["user", "membership", &user.localpart]);
    assert!(human.stdout.is_empty(), "{human:#?}");
    human.stderr_has("is member of 0 rooms.");
}

#[test]
fn user_media_lists_the_seeded_upload() {
    let s = server();
    let png = media_id(s.seed_str("/media/alice_png"));
    let cli = Cli::admin();
    let out = cli.json(&["user", "media", "alice", "--ts"]);
    assert_eq!(out["total"], 1, "{out}");
    // As synadm: by default the times are dates in JSON too.
    let dated = cli.json(&["user", "media", "alice"]);
    let date = dated["media"][0]["created_ts"].as_str().unwrap_or_default();
    assert!(date.len() == 19 && date.as_bytes()[10] == b' ', "a date: {dated}");
    let item = &out["media"][0];
    assert_eq!(item["media_id"], png);
    assert_eq!(item["media_type"], "image/png");
    assert_eq!(item["upload_name"], "pixel.png");
    assert_eq!(item["user_id"], "@alice:test.local");
    let created = item["created_ts"].as_i64().expect("created_ts in ms");

    // human: readable dates by default, raw milliseconds with --ts.
    let human = cli.format("human", &["user", "media", "alice"]);
    let lines = human.lines();
    assert!(lines[0].starts_with("media_id") && lines[0].contains("created_ts"), "{human:#?}");
    assert!(lines[2].starts_with(png) && lines[2].contains("pixel.png"), "{human:#?}");
    assert!(!lines[2].contains(&created.to_string()), "{human:#?}");
    human.stderr_has("@alice:test.local has uploaded 1 media.");
    for flag in ["--ts", "--timestamp"] {
        let raw = cli.format("human", &["user", "media", flag, "alice"]);
        assert!(raw.lines()[2].contains(&created.to_string()), "{flag}: {raw:#?}");
    }
    let dt = cli.format("human", &["user", "media", "--ts", "--dt", "alice"]);
    assert!(!dt.lines()[2].contains(&created.to_string()), "--dt wins when last: {dt:#?}");
    // Machine formats follow them too, as in synadm: --dt dates (the default), --ts ms.
    assert_eq!(cli.json(&["user", "media", "--dt", "alice"])["media"][0]["created_ts"], date);
    assert_eq!(
        cli.json(&["user", "media", "--dt", "--ts", "alice"])["media"][0]["created_ts"],
        created
    );
}

#[test]
fn user_media_sorts_reverses_and_pages() {
    let user = fresh("uploader");
    let small = upload(&user.token, "small.json", &json!({}));
    let large = upload(&user.token, "large.json", &json!({"pad": "x".repeat(300)}));
    let medium = upload(&user.token, "medium.json", &json!({"pad": "x".repeat(30)}));
    let cli = Cli::admin();
    let order = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["user", "media"];
        all.extend_from_slice(args);
        all.push(&user.localpart);
        let out = cli.json(&all);
        let list = out.get("media").unwrap_or(&out);
        list.as_array()
            .unwrap()
            .iter()
            .map(|m| m["media_id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(order(&["-s", "media_length"]), [small.as_str(), medium.as_str(), large.as_str()]);
    assert_eq!(
        order(&["-s", "media_length", "-r"]),
        [large.as_str(), medium.as_str(), small.as_str()]
    );
    assert_eq!(
        order(&["--sort", "upload_name"]),
        [large.as_str(), medium.as_str(), small.as_str()]
    );
    assert_eq!(
        order(&["--all", "-l", "1", "-s", "media_length"]),
        [small.as_str(), medium.as_str(), large.as_str()]
    );
    assert_eq!(order(&["-f", "1", "-l", "1", "-s", "media_length"]), [medium.as_str()]);

    let page = cli.json(&["user", "media", "-l", "2", "-s", "media_length", &user.localpart]);
    assert_eq!(page["total"], 3);
    assert_eq!(page["next_token"], 2, "{page}");
    let human = cli.format("human", &["user", "media", "-l", "2", &user.localpart]);
    assert!(human.stderr.contains("--from 2"), "pagination hint: {human:#?}");
    let all = cli.format("human", &["user", "media", "--all", "-l", "1", &user.localpart]);
    assert_eq!(all.lines().len(), 2 + 3, "one table across pages: {all:#?}");

    cli.run(&["user", "media", "-s", "size", &user.localpart])
        .fails(2, "is not a media sort order");
}

#[test]
fn user_3pid_finds_the_user_by_email() {
    let cli = Cli::admin();
    assert_eq!(
        cli.json(&["user", "3pid", "alice@example.org"]),
        json!({"user_id": "@alice:test.local"})
    );
    assert_eq!(
        cli.json(&["user", "3pid", "-m", "email", "carol@example.org"]),
        json!({"user_id": "@carol:test.local"})
    );
    assert_eq!(
        cli.format("human", &["user", "3pid", "--medium", "email", "dave@example.org"]).stdout,
        "user_id  @dave:test.local\n"
    );
    assert_eq!(
        cli.format("yaml", &["user", "3pid", "bob@example.org"]).stdout,
        "user_id: '@bob:test.local'\n"
    );
    cli.run(&["user", "3pid", "nobody@example.org"])
        .fails(1, "error: M_NOT_FOUND: User not found (HTTP 404)");
}

#[test]
fn user_auth_provider_without_sso_finds_nobody() {
    let cli = Cli::admin();
    for format in ["json", "human"] {
        cli.run(&["-o", format, "user", "auth-provider", "-p", "oidc", "someone"])
            .fails(1, "M_NOT_FOUND: User not found (HTTP 404)");
    }
    cli.run(&["user", "auth-provider", "someone"]).fails(2, "--provider");
}

#[test]
fn user_details_keeps_synapses_key_order_as_synadm_does() {
    // synadm prints the reply as Synapse sent it: `name` first, then `admin`, …
    let run = Cli::admin().format("json", &["user", "details", "alice"]);
    assert!(
        run.stdout.starts_with("{\n    \"name\": \"@alice:test.local\",\n    \"admin\": false,\n"),
        "{run:#?}"
    );
    let list = Cli::admin().format("minified", &["user", "list", "-l", "1"]);
    assert!(list.stdout.starts_with("{\"users\":[{\"name\":\"@"), "{list:#?}");
}
