//! `media …` against the real server, every effect read back with the admin API. Uploads
//! are made by fresh users with unique content: Synapse quarantines by content hash too, so
//! shared content would leak quarantines between tests.

use crate::common::enc;
use crate::support::{Cli, Fresh, create_room, fresh, server, upload};
use serde_json::{Value, json};

/// Uploads unique JSON content (`extra` bytes of padding) as `user`; the media ID.
fn upload_unique(user: &Fresh, name: &str, extra: usize) -> String {
    let content = json!({"owner": user.user_id, "name": name, "pad": "x".repeat(extra)});
    upload(&user.token, name, &content)
}

fn info(media_id: &str) -> Option<Value> {
    server().media_info(media_id)
}

fn quarantined_by(media_id: &str) -> Value {
    info(media_id).expect("media exists")["quarantined_by"].clone()
}

/// `safe_from_quarantine` as a boolean (SQLite sends 0/1).
fn protected(media_id: &str) -> bool {
    match &info(media_id).expect("media exists")["safe_from_quarantine"] {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_i64() == Some(1),
        other => panic!("safe_from_quarantine {other}"),
    }
}

fn mxc(media_id: &str) -> String {
    format!("mxc://{}/{media_id}", server().server_name)
}

/// Sends an image message naming `media_id` into `room`.
fn send_image(user: &Fresh, room: &str, media_id: &str) {
    server().ok_as(
        &user.token,
        "PUT",
        &format!("/_matrix/client/v3/rooms/{}/send/m.room.message/img-{media_id}", enc(room)),
        Some(&json!({"msgtype": "m.image", "body": "image", "url": mxc(media_id)})),
    );
}

fn ids(list: &Value) -> Vec<String> {
    let mut ids: Vec<String> = list
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|v| v.as_str().expect("a media ID").to_string())
        .collect();
    ids.sort();
    ids
}

#[test]
fn media_list_by_user_and_by_room() {
    let user = fresh("medialister");
    let small = upload_unique(&user, "small.json", 0);
    let large = upload_unique(&user, "large.json", 3000);
    let room = create_room(&user.token, "media list room");
    send_image(&user, &room, &large);
    let cli = Cli::admin();

    let page = cli.json(&["media", "list", "-u", &user.localpart, "-s", "media_length"]);
    assert_eq!(page["total"], 2, "{page}");
    let listed: Vec<&str> =
        page["media"].as_array().unwrap().iter().map(|m| m["media_id"].as_str().unwrap()).collect();
    assert_eq!(listed, [small.as_str(), large.as_str()]);
    let reversed =
        cli.json(&["media", "list", "-u", &user.user_id, "-s", "media_length", "-R", "--all"]);
    assert_eq!(reversed[0]["media_id"], large.as_str(), "{reversed}");

    let human = cli.format("human", &["media", "list", "-u", &user.localpart]);
    let row = human
        .lines()
        .into_iter()
        .find(|l| l.starts_with(large.as_str()))
        .unwrap_or_else(|| panic!("{human:#?}"))
        .to_string();
    assert!(row.contains(" KiB "), "size in KiB: {row}");
    human.stderr_has("has uploaded 2 media.");

    assert_eq!(
        cli.json(&["media", "list", "-r", &room]),
        json!({"local": [mxc(&large)], "remote": []})
    );
}

#[test]
fn media_delete_by_id_removes_the_file() {
    let user = fresh("mediadeleter");
    let batch = upload_unique(&user, "batch.json", 0);
    let asked = upload_unique(&user, "asked.json", 0);
    let cli = Cli::admin();

    let out = cli.json(&["--batch", "media", "delete", "-i", &batch]);
    assert_eq!(out, json!({"deleted_media": [batch], "total": 1}));
    assert!(info(&batch).is_none(), "deleted media is gone");

    let no = cli.run_with_input(&["media", "delete", "-i", &asked], "n\n");
    let no = no.fails(6, "aborted");
    assert!(no.stderr.contains("asked.json"), "the question shows the media: {no:#?}");
    assert!(info(&asked).is_some(), "declined: still there");
    let yes = cli.run_with_input(&["-o", "json", "media", "delete", "-i", &asked], "y\n");
    assert_eq!(yes.ok().json()["deleted_media"], json!([asked]));
    assert!(info(&asked).is_none());

    cli.run(&["media", "delete", "-i", &asked]).fails(1, "M_NOT_FOUND");
}

#[test]
fn media_delete_by_age_keeps_small_media_and_avatars_unless_told() {
    // Only this test uploads media this large, so --kib spares every other test's media.
    let user = fresh("mediaager");
    let big = upload_unique(&user, "big.json", 200 * 1024);
    let avatar = upload_unique(&user, "avatar.json", 200 * 1024);
    let small = upload_unique(&user, "small.json", 0);
    server().admin_ok(
        "PUT",
        &format!("/_synapse/admin/v2/users/{}", enc(&user.user_id)),
        Some(&json!({"avatar_url": mxc(&avatar)})),
    );
    let cli = Cli::admin();

    let out = cli.json(&["--batch", "media", "delete", "-d", "0", "--kib", "150"]);
    let deleted = ids(&out["deleted_media"]);
    assert!(deleted.contains(&big), "{out}");
    assert!(!deleted.contains(&avatar) && !deleted.contains(&small), "{out}");
    assert_eq!(out["total"], deleted.len());
    assert!(info(&big).is_none());
    assert!(info(&avatar).is_some() && info(&small).is_some());

    let out = cli.json(&[
        "--batch",
        "media",
        "delete",
        "--before-ts",
        &(synadm::time::now_ms() + 60_000).to_string(),
        "--size",
        "150",
        "--delete-profiles",
    ]);
    assert!(ids(&out["deleted_media"]).contains(&avatar), "{out}");
    assert!(info(&avatar).is_none(), "the avatar went too");
    assert!(info(&small).is_some(), "small media stays");
}

#[test]
fn media_purge_leaves_local_media_alone() {
    let user = fresh("mediapurger");
    let local = upload_unique(&user, "local.json", 0);
    let cli = Cli::admin();
    // The test server has no remote media at all.
    assert_eq!(cli.json(&["media", "purge", "-d", "0"]), json!({"deleted": 0}));
    let human = cli.format("human", &["media", "purge", "-b", "2999-01-01"]);
    assert_eq!(human.stdout, "deleted  0\n");
    assert!(info(&local).is_some());
}

#[test]
fn media_quarantine_and_unquarantine_by_id_uri_room_and_user() {
    let s = server();
    let user = fresh("mediaquarantine");
    let by_id = upload_unique(&user, "by-id.json", 0);
    let by_uri = upload_unique(&user, "by-uri.json", 0);
    let in_room = upload_unique(&user, "in-room.json", 0);
    let by_user = upload_unique(&user, "by-user.json", 0);
    let cli = Cli::admin();

    assert_eq!(cli.json(&["media", "quarantine", "-i", &by_id]), json!({}));
    assert_eq!(quarantined_by(&by_id), s.admin_user.as_str());
    cli.json(&["media", "unquarantine", "-U", &mxc(&by_id)]);
    assert_eq!(quarantined_by(&by_id), Value::Null);

    cli.json(&["media", "quarantine", "--mxc-uri", &mxc(&by_uri)]);
    assert_eq!(quarantined_by(&by_uri), s.admin_user.as_str());
    cli.json(&["media", "unquarantine", "-i", &by_uri, "-s", &s.server_name]);
    assert_eq!(quarantined_by(&by_uri), Value::Null);

    let room = create_room(&user.token, "quarantine room");
    send_image(&user, &room, &in_room);
    assert_eq!(cli.json(&["media", "quarantine", "-r", &room]), json!({"num_quarantined": 1}));
    assert_eq!(quarantined_by(&in_room), s.admin_user.as_str());
    assert_eq!(quarantined_by(&by_user), Value::Null, "not in the room");

    // The user's media not yet in quarantine: by-id, by-uri and by-user.
    assert_eq!(
        cli.json(&["media", "quarantine", "-u", &user.localpart]),
        json!({"num_quarantined": 3})
    );
    for id in [&by_id, &by_uri, &by_user] {
        assert_eq!(quarantined_by(id), s.admin_user.as_str(), "{id}");
    }
    cli.run(&["media", "quarantine", "-U", &format!("https://{}/x", s.server_name)])
        .fails(2, "must start with mxc://");
}

#[test]
fn media_protect_blocks_quarantine_until_lifted() {
    let s = server();
    let user = fresh("mediaprotect");
    let id = upload_unique(&user, "precious.json", 0);
    let cli = Cli::admin();

    assert_eq!(cli.json(&["media", "protect", &id]), json!({}));
    assert!(protected(&id));
    cli.json(&["media", "quarantine", "-i", &id]);
    assert_eq!(quarantined_by(&id), Value::Null, "protected media stays");

    cli.json(&["media", "protect", "--unprotect", &id]);
    assert!(!protected(&id));
    cli.json(&["media", "quarantine", "-i", &id]);
    assert_eq!(quarantined_by(&id), s.admin_user.as_str());
}

#[test]
fn media_delete_by_user_counts_asks_and_deletes_only_that_users_media() {
    let cli = Cli::admin();
    let user = fresh("mediauserdelete");
    let other = fresh("mediauserkeep");
    let theirs: Vec<String> =
        (0..3).map(|i| upload_unique(&user, &format!("u{i}.json"), 1000 * i)).collect();
    let kept = upload_unique(&other, "kept.json", 0);

    // The question names the count and the size; no answer deletes nothing.
    let asked = cli
        .run_with_input(&["media", "delete", "-u", &user.localpart], "")
        .fails(6, "Delete all 3 local media items of");
    assert!(asked.stderr.contains(" KiB in all"), "{asked:#?}");
    assert!(theirs.iter().all(|id| info(id).is_some()));

    let out = cli.json(&["--batch", "media", "delete", "-u", &user.user_id]);
    let mut deleted: Vec<String> = out["deleted_media"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    deleted.sort();
    let mut expected = theirs.clone();
    expected.sort();
    assert_eq!((deleted, out["total"].as_i64()), (expected, Some(3)));
    assert!(theirs.iter().all(|id| info(id).is_none()), "all gone");
    assert!(info(&kept).is_some(), "another user's media stays");

    // Nothing left: a clear answer, no error.
    let again = cli.run(&["--batch", "-o", "json", "media", "delete", "-u", &user.localpart]).ok();
    assert_eq!(again.json(), json!({"deleted_media": [], "total": 0}));
    again.stderr_has("has no local media");
    cli.run(&["media", "delete", "-u", &user.localpart, "--size", "10"])
        .fails(2, "cannot be used with");
}

#[test]
fn media_quarantine_changes_log_both_directions_in_order() {
    let cli = Cli::admin();
    let user = fresh("mediaqlog");
    let id = upload_unique(&user, "logged.json", 0);
    cli.json(&["media", "quarantine", "-i", &id]);
    cli.json(&["media", "unquarantine", "-i", &id]);
    let all = cli.json(&["media", "quarantine-changes", "--all"]);
    // (SQLite sends the flag as 1/0, PostgreSQL as true/false.)
    let mine: Vec<(Value, bool)> = all
        .as_array()
        .expect("one list")
        .iter()
        .filter(|c| c["media_id"] == id.as_str())
        .map(|c| (c["origin"].clone(), c["quarantined"] == true || c["quarantined"] == 1))
        .collect();
    let origin = json!(server().server_name);
    assert_eq!(mine, [(origin.clone(), true), (origin, false)], "{all}");
    let human = cli.format("human", &["media", "quarantine-changes", "--all"]).ok();
    let rows: Vec<&str> = human.lines().into_iter().filter(|l| l.contains(id.as_str())).collect();
    assert_eq!(rows.len(), 2, "{human:#?}");
    assert!(rows[0].ends_with("true") && rows[1].ends_with("false"), "{rows:?}");
    // One page: the server's document, with where to go on.
    let page = cli.json(&["media", "quarantine-changes"]);
    assert!(page["next_batch"].as_i64().is_some(), "{page}");
    let past = (page["next_batch"].as_i64().unwrap() + 1000).to_string();
    cli.run(&["media", "quarantine-changes", "--from", &past]).fails(1, "M_INVALID_PARAM");
}
