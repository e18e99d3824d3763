//! Every `media` command: the exact request on the wire, the output, and the usage errors
//! that stop a command before any request.

use crate::common::words;
use crate::support::{DAY_MS, Env, now_ms, usage_errors};
use httpmock::Method::{DELETE, GET, POST};
use serde_json::{Value, json};

/// A LocalMedia item as Synapse 1.163 on SQLite sends it (booleans as 0/1).
fn local_media(id: &str, length: i64) -> Value {
    json!({
        "media_id": id, "media_type": "image/png", "media_length": length,
        "upload_name": "pixel.png", "created_ts": 1_700_000_000_000_i64,
        "last_access_ts": 1_700_000_100_000_i64, "url_cache": null, "quarantined_by": null,
        "safe_from_quarantine": 1, "user_id": "@alice:example.org", "authenticated": 1,
        "sha256": null
    })
}

/// [`local_media`] as synadm prints it by default (`--datetime`): times as local dates
/// (the tests run with TZ=UTC).
fn dated_media(id: &str, length: i64) -> Value {
    let mut media = local_media(id, length);
    media["created_ts"] = json!("2023-11-14 22:13:20");
    media["last_access_ts"] = json!("2023-11-14 22:15:00");
    media
}

#[test]
fn media_list_by_user_pages_sorts_and_shows_sizes() {
    let env = Env::new();
    let page = json!({"media": [local_media("abc", 1234)], "total": 3, "next_token": 6});
    let m = env.mock(|when, then| {
        when.method(GET)
            .path("/_synapse/admin/v1/users/@alice:example.org/media")
            .query_param("from", "5")
            .query_param("limit", "1")
            .query_param("order_by", "media_length")
            .query_param("dir", "b");
        then.status(200).json_body(page.clone());
    });
    let args = ["media", "list", "-u", "alice", "-f", "5", "-l", "1", "-s", "media_length", "-R"];
    let mut json_args = vec!["-o", "json"];
    json_args.extend_from_slice(&args);
    // As synadm: times as dates in JSON too, unless --timestamp.
    let dated = json!({"media": [dated_media("abc", 1234)], "total": 3, "next_token": 6});
    assert_eq!(env.run(&json_args).ok().json(), dated);
    json_args.push("--ts");
    assert_eq!(env.run(&json_args).ok().json(), page);

    let mut human_args = vec!["-o", "human"];
    human_args.extend_from_slice(&args);
    let human = env.run(&human_args).ok();
    let lines: Vec<&str> = human.stdout.lines().collect();
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(
        &header[..7],
        [
            "media_id",
            "media_type",
            "media_length",
            "created_ts",
            "last_access_ts",
            "safe_from_quarantine",
            "upload_name"
        ],
        "{human:#?}"
    );
    let row: Vec<&str> = lines[2].split("  ").filter(|c| !c.is_empty()).collect();
    assert_eq!(row[0], "abc");
    assert_eq!(row[2].trim(), "1.2 KiB", "{human:#?}");
    assert_eq!(row[3].trim(), "2023-11-14 22:13:20", "{human:#?}");
    assert_eq!(row[5].trim(), "true", "0/1 from SQLite shows as a boolean");
    assert!(human.stderr.contains("@alice:example.org has uploaded 3 media."));
    human.stderr_has("--from 6");

    let mut raw_args = human_args.clone();
    raw_args.push("--ts");
    let raw = env.run(&raw_args).ok();
    raw.stdout_has("1700000000000");
    m.assert_calls(4);
}

#[test]
fn media_list_all_streams_every_page() {
    let env = Env::new();
    let first = env.mock(|when, then| {
        when.method(GET)
            .path("/_synapse/admin/v1/users/@bob:example.org/media")
            .query_param("from", "0")
            .query_param("limit", "1000")
            .query_param_missing("dir");
        then.status(200)
            .json_body(json!({"media": [local_media("a1", 1)], "total": 2, "next_token": 1}));
    });
    let second = env.mock(|when, then| {
        when.method(GET)
            .path("/_synapse/admin/v1/users/@bob:example.org/media")
            .query_param("from", "1");
        then.status(200).json_body(json!({"media": [local_media("a2", 2)], "total": 2}));
    });
    let out = env.run(&["media", "list", "--user-id", "@bob:example.org", "--all"]).ok().json();
    assert_eq!(out, json!([dated_media("a1", 1), dated_media("a2", 2)]));
    first.assert();
    second.assert();
}

#[test]
fn media_list_by_room_prints_the_mxc_uris() {
    let env = Env::new();
    let reply = json!({"local": ["mxc://example.org/l1"], "remote": ["mxc://else.org/r1"]});
    let m = env.reply(GET, "/_synapse/admin/v1/room/!room:example.org/media", 200, reply.clone());
    assert_eq!(env.run(&["media", "list", "-r", "!room:example.org"]).ok().json(), reply);
    let human = env.run(&["-o", "human", "media", "list", "-r", "!room:example.org"]).ok();
    assert_eq!(
        human.stdout,
        "mxc_uri               origin\n\
         --------------------  ------\n\
         mxc://example.org/l1  local\n\
         mxc://else.org/r1     remote\n"
    );
    assert!(human.stderr.contains("The room has 1 local and 1 remote media."));
    m.assert_calls(2);
}

#[test]
fn media_list_usage_errors_send_nothing() {
    usage_errors(
        &["media", "list"],
        &[
            (&[], "required"),
            (&["-r", "!r:example.org", "-u", "alice"], "cannot be used with"),
            (&["-r", "!r:example.org", "-l", "5"], "only apply to --user-id"),
            (&["-r", "!r:example.org", "-s", "media_id"], "only apply to --user-id"),
            (&["-r", "#alias:example.org"], "is not a room ID"),
            (&["-u", "al ice"], "is not a Matrix user ID"),
            (&["-u", "alice", "-s", "size"], "is not a media sort order"),
        ],
    );
}

#[test]
fn media_delete_by_id_shows_the_media_and_asks_first() {
    let env = Env::new();
    let info = env.reply(
        GET,
        "/_synapse/admin/v1/media/example.org/abc",
        200,
        json!({"media_info": {
            "media_origin": null, "user_id": "@alice:example.org", "media_id": "abc",
            "media_type": "image/png", "media_length": 1234, "upload_name": "pixel.png",
            "created_ts": 1_700_000_000_000_i64, "filesystem_id": null, "url_cache": null,
            "last_access_ts": null, "quarantined_by": null, "authenticated": true,
            "safe_from_quarantine": false, "sha256": null
        }}),
    );
    let deleted = json!({"deleted_media": ["abc"], "total": 1});
    let delete =
        env.reply(DELETE, "/_synapse/admin/v1/media/example.org/abc", 200, deleted.clone());

    let declined = env.run_with_input(&["media", "delete", "-i", "abc"], "n\n").fails(6, "aborted");
    declined.stderr_has(
        "mxc://example.org/abc: image/png, 1.2 KiB, \"pixel.png\", uploaded by \
             @alice:example.org on 2023-11-14 22:13:20",
    );
    declined.stderr_has("Delete the local media mxc://example.org/abc? This cannot be undone.");
    delete.assert_calls(0);

    let yes = env.run_with_input(&["media", "delete", "--media-id", "abc"], "y\n");
    assert_eq!(yes.ok().json(), deleted);
    info.assert_calls(2);
    delete.assert_calls(1);

    // --batch: no look-up, no question.
    let human = env.run(&["--batch", "-o", "human", "media", "delete", "-i", "abc"]);
    let human = human.ok();
    assert_eq!(human.stdout, "abc\n");
    human.stderr_has("Deleted 1 media.");
    info.assert_calls(2);
    delete.assert_calls(2);
}

#[test]
fn media_delete_by_age_sends_cutoff_size_and_profiles() {
    let env = Env::new();
    let reply = json!({"deleted_media": ["a", "b"], "total": 2});
    let by_ts = env.reply_to_query(
        POST,
        "/_synapse/admin/v1/media/delete",
        &[("before_ts", "1906547400000"), ("size_gt", "2048"), ("keep_profiles", "false")],
        200,
        reply.clone(),
    );
    let by_date = env.reply_to_query(
        POST,
        "/_synapse/admin/v1/media/delete",
        &[("before_ts", "1704067200000")],
        200,
        reply.clone(),
    );

    let asked =
        env.run_with_input(&words("media delete -t 1906547400000 --kib 2 --all"), "y\n").ok();
    assert_eq!(asked.json(), reply);
    asked.stderr_has(
        "Delete every local media item last accessed before 2030-06-01 12:30:00 and \
             larger than 2 KiB, avatars of users and rooms included? Quarantined and \
             protected media are kept.",
    );
    let human = env.run(&["--batch", "-o", "h", "media", "delete", "-b", "2024-01-01"]).ok();
    assert_eq!(human.stdout, "a\nb\n");
    assert!(human.stderr.contains("Deleted 2 media."));
    env.run_with_input(&["media", "delete", "-b", "2024-01-01", "--size", "1"], "n\n")
        .fails(6, "aborted");
    by_ts.assert();
    by_date.assert();
}

#[test]
fn media_delete_and_purge_before_days_count_back_from_now() {
    for (command, path, reply) in [
        ("delete", "/_synapse/admin/v1/media/delete", json!({"deleted_media": [], "total": 0})),
        ("purge", "/_synapse/admin/v1/purge_media_cache", json!({"deleted": 0})),
    ] {
        for days in [0_i64, 1, 30] {
            let env = Env::new();
            let (m, seen) = env.recording(POST, path, 200, reply.clone());
            let before = now_ms();
            env.run(&["--batch", "media", command, "-d", &days.to_string()]).ok();
            let after = now_ms();
            m.assert_calls(1);
            let request = seen.one();
            assert_eq!(request.body, Value::Null, "no body: {request:?}");
            assert_eq!(request.query.len(), 1, "only the cut-off: {request:?}");
            let ts: i64 = request
                .query("before_ts")
                .and_then(|t| t.parse().ok())
                .unwrap_or_else(|| panic!("before_ts: {request:?}"));
            let (low, high) = (before - days * DAY_MS, after - days * DAY_MS);
            assert!(
                (low..=high).contains(&ts),
                "media {command} -d {days}: {ts} not in {low}..={high}"
            );
        }
    }
}

#[test]
fn media_delete_usage_errors_send_nothing() {
    usage_errors(
        &["--batch", "media", "delete"],
        &[
            (&[], "required"),
            (&["--size", "5"], "required"),
            (&["-i", "abc", "--size", "5"], "cannot be used with"),
            (&["-i", "abc", "--delete-profiles"], "cannot be used with"),
            (&["-i", "abc", "-d", "1"], "cannot be used with"),
            (&["-d", "1", "-t", "1906547400000"], "cannot be used with"),
            (&["-i", "a/b"], "is not a media ID"),
            (&["-i", "mxc://example.org/abc"], "-U/--mxc-uri"),
            (&["-d", "-1"], "negative numbers are not allowed"),
            (&["-b", "last week"], "is not a date"),
            (&words("-t 1906547400000 --kib 9007199254740992"), "out of range"),
        ],
    );
}

#[test]
fn media_purge_sends_the_cutoff() {
    let env = Env::new();
    let ts = env.reply_to_query(
        POST,
        "/_synapse/admin/v1/purge_media_cache",
        &[("before_ts", "1704067200000")],
        200,
        json!({"deleted": 4}),
    );
    assert_eq!(
        env.run(&["media", "purge", "-t", "1704067200000"]).ok().json(),
        json!({"deleted": 4})
    );
    let human = env.run(&["-o", "human", "media", "purge", "--before", "2024-01-01"]).ok();
    assert_eq!(human.stdout, "deleted  4\n");
    assert!(human.stderr.contains("Purged 4 cached remote media files."));
    ts.assert_calls(2);

    let any = env.any_request();
    env.run(&["media", "purge"]).fails(2, "required");
    env.run(&["media", "purge", "-d", "1", "-b", "2024-01-01"]).fails(2, "cannot be used with");
    any.assert_calls(0);
}

#[test]
fn media_quarantine_by_id_uri_room_and_user() {
    let env = Env::new();
    let local =
        env.reply(POST, "/_synapse/admin/v1/media/quarantine/example.org/abc", 200, json!({}));
    let remote =
        env.reply(POST, "/_synapse/admin/v1/media/quarantine/other.org:8448/xyz", 200, json!({}));
    let room = env.reply(
        POST,
        "/_synapse/admin/v1/room/!room:example.org/media/quarantine",
        200,
        json!({"num_quarantined": 3}),
    );
    let user = env.reply(
        POST,
        "/_synapse/admin/v1/user/@alice:example.org/media/quarantine",
        200,
        json!({"num_quarantined": 2}),
    );
    let one = env.run(&["media", "quarantine", "-i", "abc"]).ok();
    assert_eq!(one.json(), json!({}));
    assert!(one.stderr.contains("Quarantined mxc://example.org/abc."));
    env.run(&["media", "quarantine", "-i", "xyz", "-s", "other.org:8448"]).ok();
    env.run(&["media", "quarantine", "-U", "mxc://other.org:8448/xyz"]).ok();
    assert_eq!(
        env.run(&["media", "quarantine", "-r", "!room:example.org"]).ok().json(),
        json!({"num_quarantined": 3})
    );
    let by_user = env.run(&["-o", "human", "media", "quarantine", "--user-id", "alice"]).ok();
    assert_eq!(by_user.stdout, "num_quarantined  2\n");
    assert!(by_user.stderr.contains("Quarantined 2 media uploaded by @alice:example.org."));
    local.assert();
    remote.assert_calls(2);
    room.assert();
    user.assert();
}

#[test]
fn media_unquarantine_by_id_and_uri() {
    let env = Env::new();
    let local =
        env.reply(POST, "/_synapse/admin/v1/media/unquarantine/example.org/abc", 200, json!({}));
    let remote =
        env.reply(POST, "/_synapse/admin/v1/media/unquarantine/other.org/xyz", 200, json!({}));
    let out = env.run(&["media", "unquarantine", "-i", "abc"]).ok();
    assert_eq!(out.json(), json!({}));
    assert!(out.stderr.contains("Removed mxc://example.org/abc from quarantine."));
    env.run(&["media", "unquarantine", "--mxc-uri", "mxc://other.org/xyz"]).ok();
    env.run(&words("media unquarantine -i xyz --server-name other.org")).ok();
    local.assert();
    remote.assert_calls(2);
}

#[test]
fn media_quarantine_usage_errors_send_nothing() {
    usage_errors(
        &["media"],
        &[
            (&["quarantine"], "required"),
            (&["quarantine", "-s", "other.org"], "required"),
            (&["quarantine", "-r", "!r:x.org", "-s", "other.org"], "--media-id"),
            (&["quarantine", "-i", "abc", "-u", "alice"], "cannot be used with"),
            (&["quarantine", "-U", "https://x.org/abc"], "must start with mxc://"),
            (&["quarantine", "-U", "mxc://x.org"], "the media ID is missing"),
            (&["quarantine", "-U", "mxc://bad host/abc"], "not a valid server name"),
            (&["quarantine", "-i", "abc", "-s", "bad host"], "not a valid server name"),
            (&["quarantine", "-i", "mxc://x.org/abc"], "-U/--mxc-uri"),
            (&["unquarantine"], "required"),
            (&["unquarantine", "-i", "a", "-U", "mxc://x.org/b"], "cannot be used with"),
            (&["unquarantine", "-U", "mxc://x.org/a/b"], "is not a media ID"),
            (&["protect", "a b"], "is not a media ID"),
            (&["protect"], "required"),
        ],
    );
}

#[test]
fn media_protect_and_unprotect() {
    let env = Env::new();
    let protect = env.reply(POST, "/_synapse/admin/v1/media/protect/abc", 200, json!({}));
    let unprotect = env.reply(POST, "/_synapse/admin/v1/media/unprotect/abc", 200, json!({}));
    let on = env.run(&["media", "protect", "abc"]).ok();
    assert_eq!(on.json(), json!({}));
    assert!(on.stderr.contains("Local media abc is now protected from quarantine."));
    let off = env.run(&["-o", "human", "media", "protect", "abc", "--unprotect"]).ok();
    assert_eq!(off.stdout, "");
    assert!(off.stderr.contains("Local media abc is no longer protected from quarantine."));
    env.run(&["media", "protect", "-u", "abc"]).ok();
    protect.assert();
    unprotect.assert_calls(2);
}

#[test]
fn media_matrix_errors_exit_1() {
    let env = Env::new();
    env.reply_error(
        GET,
        "/_synapse/admin/v1/media/example.org/gone",
        404,
        "M_NOT_FOUND",
        "Unknown media",
    );
    let delete = env.reply_error(
        DELETE,
        "/_synapse/admin/v1/media/example.org/gone",
        404,
        "M_NOT_FOUND",
        "Unknown media",
    );
    env.run(&["media", "delete", "-i", "gone"]).fails(1, "M_NOT_FOUND: Unknown media (HTTP 404)");
    delete.assert_calls(0);
    env.run(&["--batch", "media", "delete", "-i", "gone"])
        .fails(1, "M_NOT_FOUND: Unknown media (HTTP 404)");
    delete.assert_calls(1);
}

#[test]
fn media_delete_one_on_a_server_before_1_140_asks_without_describing_the_item() {
    let env = Env::new();
    env.reply_error(
        GET,
        "/_synapse/admin/v1/media/example.org/abc",
        404,
        "M_UNRECOGNIZED",
        "Unrecognized request",
    );
    env.server_version("1.120.2");
    let deleted = json!({"deleted_media": ["abc"], "total": 1});
    let delete =
        env.reply(DELETE, "/_synapse/admin/v1/media/example.org/abc", 200, deleted.clone());
    let yes = env.run_with_input(&["media", "delete", "-i", "abc"], "y\n");
    let yes = yes.ok();
    yes.stderr_has(
        "mxc://example.org/abc: (Synapse 1.120.2 cannot describe media before deleting it)",
    );
    assert!(yes.stderr.contains("Delete the local media mxc://example.org/abc?"));
    assert_eq!(yes.json(), deleted);
    delete.assert_calls(1);
}

#[test]
fn media_delete_by_user_counts_then_deletes_oldest_first_no_more_than_counted() {
    let env = Env::new();
    let list = env.reply_to_query(
        GET,
        "/_synapse/admin/v1/users/@alice:example.org/media",
        &[("from", "0"), ("limit", "1000")],
        200,
        json!({"media": [local_media("a", 1024), local_media("b", 2048)], "total": 2}),
    );
    let (delete, seen) = env.recording(
        DELETE,
        "/_synapse/admin/v1/users/@alice:example.org/media",
        200,
        json!({"deleted_media": ["a", "b"], "total": 2}),
    );
    let run = env.run_with_input(&["media", "delete", "-u", "alice"], "y\n").ok();
    run.stderr_has("Delete all 2 local media items of @alice:example.org (3.0 KiB in all)?");
    assert_eq!(run.json(), json!({"deleted_media": ["a", "b"], "total": 2}));
    let sent = seen.one();
    for (key, value) in [("limit", "2"), ("order_by", "created_ts"), ("dir", "f")] {
        assert_eq!(sent.query(key), Some(value), "{sent:?}");
    }
    list.assert_calls(1);
    delete.assert_calls(1);
}

#[test]
fn quarantine_changes_all_follows_next_batch_until_an_empty_page() {
    let env = Env::new();
    let path = "/_synapse/admin/v1/media/quarantine_changes";
    let change =
        |id: &str, q: i64| json!({"origin": "example.org", "media_id": id, "quarantined": q});
    let first = env.reply_to_query(
        GET,
        path,
        &[("from", "0")],
        200,
        json!({"next_batch": 5, "changes": [change("a", 1), change("a", 0)]}),
    );
    let second = env.reply_to_query(
        GET,
        path,
        &[("from", "5")],
        200,
        json!({"next_batch": 6, "changes": [change("b", 1)]}),
    );
    let end = env.reply_to_query(
        GET,
        path,
        &[("from", "6")],
        200,
        json!({"next_batch": 6, "changes": []}),
    );
    let all = env.run(&["-o", "minified", "media", "quarantine-changes", "--all"]).ok();
    // (Streamed items are written from their types: keys in the type's order.)
    assert_eq!(
        all.stdout,
        "[{\"media_id\":\"a\",\"origin\":\"example.org\",\"quarantined\":1},\
         {\"media_id\":\"a\",\"origin\":\"example.org\",\"quarantined\":0},\
         {\"media_id\":\"b\",\"origin\":\"example.org\",\"quarantined\":1}]\n"
    );
    let human = env.run(&["-o", "human", "media", "quarantine-changes", "--all"]).ok();
    assert_eq!(
        human.stdout,
        "origin       media_id  quarantined\n-----------  --------  -----------\n\
         example.org  a         true\nexample.org  a         false\nexample.org  b         true\n"
    );
    let one = env.run(&["-o", "human", "media", "quarantine-changes", "-f", "5"]).ok();
    one.stderr_has("1 change(s); the next page starts at --from 6.");
    first.assert_calls(2);
    second.assert_calls(3);
    end.assert_calls(2);
}
