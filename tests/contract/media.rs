//! Operations tagged `media`.

use crate::support::*;
use serde_json::{Value, json};

fn media_path(user_id: &str, query: &str) -> String {
    format!("/_synapse/admin/v1/users/{}/media{query}", enc(user_id))
}

#[test]
fn list_user_media() {
    let s = synapse();
    let (user, token) = s.fresh_user("contract media");
    let first = upload(&token, "first.json");
    let second = upload(&token, "second.json");
    // One protected and one quarantined upload, so those columns are not at their defaults.
    let media_id = |uri: &str| uri.rsplit('/').next().unwrap_or_default().to_string();
    for target in [
        format!("/_synapse/admin/v1/media/protect/{}", enc(&media_id(&first))),
        format!(
            "/_synapse/admin/v1/media/quarantine/{}/{}",
            s.server_name,
            enc(&media_id(&second))
        ),
    ] {
        s.admin_ok("POST", &target, Some(&serde_json::json!({})));
    }

    // Two uploads, one per page: next_token is an integer here.
    let page = ok("list_user_media", admin().list_user_media().user_id(&user).limit(1).send());
    assert_eq!(page.total, 2);
    assert_eq!(page.media.len(), 1);
    assert_eq!(page.next_token, Some(1));
    let all = ok("list_user_media", admin().list_user_media().user_id(&user).send());
    let mut ids: Vec<String> = all.media.iter().map(|m| m.media_id.clone()).collect();
    ids.sort_unstable();
    let mut want = vec![media_id(&first), media_id(&second)];
    want.sort_unstable();
    assert_eq!(ids, want);
    assert!(
        all.media.iter().any(|m| m.quarantined_by.as_deref() == Some(s.admin_user.as_str())),
        "{all:?}"
    );
    let reply = raw("list_user_media", "GET", &media_path(&user, "?limit=1"), None);
    assert_eq!(reply["next_token"], 1);
    // The seed's image (a different media type and upload path).
    raw("list_user_media", "GET", &media_path(&s.user_id("alice"), ""), None);

    let nobody = unknown_user();
    fails_not_found("list_user_media", admin().list_user_media().user_id(&nobody).send());
}

/// The media ID of an `mxc://server/ID` URI.
fn media_id(uri: &str) -> String {
    uri.rsplit('/').next().unwrap_or_default().to_string()
}

/// Uploads `kib` KiB of JSON (unique content, so no other upload shares its hash) as
/// `token`'s user; returns the media ID.
fn upload_large(token: &str, name: &str, kib: usize) -> String {
    let pad = "x".repeat(kib * 1024);
    let reply = synapse().ok_as(
        token,
        "POST",
        &format!("/_matrix/media/v3/upload?filename={}", enc(name)),
        Some(&json!({ "name": name, "pid": std::process::id(), "pad": pad })),
    );
    media_id(reply["content_uri"].as_str().expect("content_uri"))
}

/// The admin API's view of a local media item, which must exist.
fn media_info(media_id: &str) -> serde_json::Value {
    synapse().media_info(media_id).expect("the media exists")
}

/// Whether the media item is gone.
fn is_gone(media_id: &str) -> bool {
    synapse().media_info(media_id).is_none()
}

/// Sends an event with a `url` (an image message) as `token` into `room`.
fn send_image(token: &str, room: &str, uri: &str, txn: &str) {
    synapse().ok_as(
        token,
        "PUT",
        &format!(
            "/_matrix/client/v3/rooms/{}/send/m.room.message/{txn}-{}",
            enc(room),
            std::process::id()
        ),
        Some(&json!({ "msgtype": "m.image", "body": "image", "url": uri })),
    );
}

#[test]
fn get_media_info() {
    let s = synapse();
    let (user, token) = s.fresh_user("contract media info");
    let id = media_id(&upload(&token, "info.json"));
    let info = ok(
        "get_media_info",
        admin().get_media_info().server_name(&s.server_name).media_id(&id).send(),
    )
    .media_info;
    assert_eq!(info.media_id, id);
    assert_eq!(info.user_id.as_deref(), Some(user.as_str()));
    assert_eq!(info.media_origin, None);
    assert_eq!(info.upload_name.as_deref(), Some("info.json"));
    assert_eq!(info.media_type, "application/json");
    assert!(info.media_length.is_some_and(|n| n > 0), "{info:?}");
    // The seed's PNG, protected, quarantined, raw.
    let png = media_id(s.seed_str("/media/alice_png"));
    raw(
        "get_media_info",
        "GET",
        &format!("/_synapse/admin/v1/media/{}/{png}", s.server_name),
        None,
    );
    s.admin_ok(
        "POST",
        &format!("/_synapse/admin/v1/media/quarantine/{}/{id}", s.server_name),
        Some(&json!({})),
    );
    let quarantined = raw(
        "get_media_info",
        "GET",
        &format!("/_synapse/admin/v1/media/{}/{id}", s.server_name),
        None,
    );
    assert_eq!(quarantined["media_info"]["quarantined_by"], s.admin_user);

    fails_not_found(
        "get_media_info",
        admin().get_media_info().server_name(&s.server_name).media_id("contractNoSuchMedia").send(),
    );
    admin_error(
        "get_media_info",
        "GET",
        &format!("/_synapse/admin/v1/media/{}/contractNoSuchMedia", s.server_name),
        None,
        404,
        "M_NOT_FOUND",
    );
}

#[test]
fn delete_media() {
    let s = synapse();
    let (_, token) = s.fresh_user("contract media delete");
    let id = media_id(&upload(&token, "doomed.json"));
    let reply =
        ok("delete_media", admin().delete_media().server_name(&s.server_name).media_id(&id).send());
    assert_eq!(reply.deleted_media, [id.as_str()]);
    assert_eq!(reply.total, 1);
    assert!(is_gone(&id), "deleted media is gone");

    let other = media_id(&upload(&token, "doomed-raw.json"));
    let raw_reply = raw(
        "delete_media",
        "DELETE",
        &format!("/_synapse/admin/v1/media/{}/{other}", s.server_name),
        None,
    );
    assert_eq!(raw_reply, json!({ "deleted_media": [other], "total": 1 }));

    fails_not_found(
        "delete_media",
        admin().delete_media().server_name(&s.server_name).media_id(&id).send(),
    );
    admin_error(
        "delete_media",
        "DELETE",
        &format!("/_synapse/admin/v1/media/elsewhere.example/{id}"),
        None,
        400,
        "M_UNKNOWN",
    );
}

#[test]
fn delete_media_by_date_size() {
    let s = synapse();
    let (user, token) = s.fresh_user("contract media age");
    // Large uploads (nobody else uploads this much), so size_gt spares every other test's
    // media and the seed's; one of them becomes the user's avatar.
    let big = upload_large(&token, "big.json", 300);
    let avatar = upload_large(&token, "avatar.json", 300);
    set_user(&user, json!({ "avatar_url": format!("mxc://{}/{avatar}", s.server_name) }));
    let now = synadm::time::now_ms() + 1_000;
    let size_gt = 256 * 1024;

    let reply = ok(
        "delete_media_by_date_size",
        admin().delete_media_by_date_size().before_ts(now).size_gt(size_gt).send(),
    );
    assert_eq!(reply.deleted_media, [big.as_str()], "the avatar is kept");
    assert_eq!(reply.total, 1);
    assert!(is_gone(&big));
    assert!(!is_gone(&avatar));

    let with_profiles = raw(
        "delete_media_by_date_size",
        "POST",
        &format!(
            "/_synapse/admin/v1/media/delete?before_ts={now}&size_gt={size_gt}&keep_profiles=false"
        ),
        None,
    );
    assert_eq!(with_profiles, json!({ "deleted_media": [avatar.clone()], "total": 1 }));
    assert!(is_gone(&avatar));

    fails(
        "delete_media_by_date_size",
        admin().delete_media_by_date_size().before_ts(5).send(),
        400,
        "M_INVALID_PARAM",
    );
    admin_error(
        "delete_media_by_date_size",
        "POST",
        "/_synapse/admin/v1/media/delete",
        None,
        400,
        "M_MISSING_PARAM",
    );
}

#[test]
fn purge_media_cache() {
    // The test server federates with nobody, so there is no remote media to purge.
    let now = synadm::time::now_ms();
    let reply = ok("purge_media_cache", admin().purge_media_cache().before_ts(now).send());
    assert_eq!(reply.deleted, 0);
    raw(
        "purge_media_cache",
        "POST",
        &format!("/_synapse/admin/v1/purge_media_cache?before_ts={now}"),
        None,
    );
    fails(
        "purge_media_cache",
        admin().purge_media_cache().before_ts(5).send(),
        400,
        "M_INVALID_PARAM",
    );
}

#[test]
fn list_room_media() {
    let s = synapse();
    let (_, token) = s.fresh_user("contract room media");
    let room = room_with_message(&token, "media follow");
    let local = upload(&token, "in-room.json");
    let remote = "mxc://elsewhere.example/RemoteMediaId";
    send_image(&token, &room, &local, "local");
    send_image(&token, &room, remote, "remote");

    let reply = ok("list_room_media", admin().list_room_media().room_id(&room).send());
    assert_eq!(reply.local, [local.as_str()]);
    assert_eq!(reply.remote, [remote.to_string()]);
    raw("list_room_media", "GET", &format!("/_synapse/admin/v1/room/{}/media", enc(&room)), None);
    // A room without media, and one the server does not know: empty lists either way.
    let empty = room_with_message(&token, "no media here");
    let reply = ok("list_room_media", admin().list_room_media().room_id(&empty).send());
    assert!(reply.local.is_empty() && reply.remote.is_empty());
}

#[test]
fn quarantine_room_media() {
    let s = synapse();
    let (_, token) = s.fresh_user("contract room quarantine");
    let room = room_with_message(&token, "to be quarantined");
    let first = upload(&token, "room-q1.json");
    let second = upload(&token, "room-q2.json");
    send_image(&token, &room, &first, "q1");
    send_image(&token, &room, &second, "q2");
    let reply = ok("quarantine_room_media", admin().quarantine_room_media().room_id(&room).send());
    assert_eq!(reply.num_quarantined, 2);
    for uri in [&first, &second] {
        assert_eq!(media_info(&media_id(uri))["quarantined_by"], s.admin_user);
    }
    // Again: the room variant counts media already in quarantine too (the user variant
    // does not).
    let again = raw(
        "quarantine_room_media",
        "POST",
        &format!("/_synapse/admin/v1/room/{}/media/quarantine", enc(&room)),
        Some(json!({})),
    );
    assert_eq!(again, json!({ "num_quarantined": 2 }));
}

#[test]
fn quarantine_user_media() {
    let s = synapse();
    let (user, token) = s.fresh_user("contract user quarantine");
    let kept = media_id(&upload(&token, "user-q-protected.json"));
    let gone = media_id(&upload(&token, "user-q.json"));
    s.admin_ok("POST", &format!("/_synapse/admin/v1/media/protect/{kept}"), Some(&json!({})));
    let reply = ok("quarantine_user_media", admin().quarantine_user_media().user_id(&user).send());
    assert_eq!(reply.num_quarantined, 1, "protected media is spared");
    assert_eq!(media_info(&gone)["quarantined_by"], s.admin_user);
    assert_eq!(media_info(&kept)["quarantined_by"], json!(null));
    let again = raw(
        "quarantine_user_media",
        "POST",
        &format!("/_synapse/admin/v1/user/{}/media/quarantine", enc(&user)),
        Some(json!({})),
    );
    assert_eq!(again, json!({ "num_quarantined": 0 }));
}

/// A boolean as the media tables hold it: `true`/`false`, or 1/0 on SQLite.
fn db_bool(value: &Value) -> Option<bool> {
    value.as_bool().or_else(|| value.as_i64().map(|n| n != 0))
}

#[test]
fn quarantine_and_unquarantine_media() {
    let s = synapse();
    let (_, token) = s.fresh_user("contract quarantine one");
    let id = media_id(&upload(&token, "quarantine-one.json"));
    let c = admin();
    let reply = ok(
        "quarantine_media",
        c.quarantine_media().server_name(&s.server_name).media_id(&id).send(),
    );
    assert!(reply.is_empty(), "{reply:?}");
    assert_eq!(media_info(&id)["quarantined_by"], s.admin_user);
    let reply = ok(
        "unquarantine_media",
        c.unquarantine_media().server_name(&s.server_name).media_id(&id).send(),
    );
    assert!(reply.is_empty(), "{reply:?}");
    assert_eq!(media_info(&id)["quarantined_by"], json!(null));
    // Raw, both ways, on this media and on remote media the server never fetched (accepted
    // all the same).
    for (op, action) in [("quarantine_media", "quarantine"), ("unquarantine_media", "unquarantine")]
    {
        for (server, id) in
            [(s.server_name.as_str(), id.as_str()), ("elsewhere.example", "NeverSeen")]
        {
            let target = format!("/_synapse/admin/v1/media/{action}/{server}/{id}");
            raw(op, "POST", &target, Some(json!({})));
        }
    }
}

#[test]
fn protect_and_unprotect_media() {
    let s = synapse();
    let (_, token) = s.fresh_user("contract protect");
    let id = media_id(&upload(&token, "protect.json"));
    let reply = ok("protect_media", admin().protect_media().media_id(&id).send());
    assert!(reply.is_empty(), "{reply:?}");
    // Protected media cannot be quarantined, not even by ID.
    s.admin_ok(
        "POST",
        &format!("/_synapse/admin/v1/media/quarantine/{}/{id}", s.server_name),
        Some(&json!({})),
    );
    let info = media_info(&id);
    assert_eq!(info["quarantined_by"], json!(null), "{info}");
    assert_eq!(db_bool(&info["safe_from_quarantine"]), Some(true), "{info}");
    let reply = ok("unprotect_media", admin().unprotect_media().media_id(&id).send());
    assert!(reply.is_empty(), "{reply:?}");
    let info = media_info(&id);
    assert_eq!(db_bool(&info["safe_from_quarantine"]), Some(false), "{info}");
    for (op, action) in [("protect_media", "protect"), ("unprotect_media", "unprotect")] {
        let target = format!("/_synapse/admin/v1/media/{action}/{id}");
        raw(op, "POST", &target, Some(json!({})));
    }
}

#[test]
fn delete_user_media() {
    let s = synapse();
    let (user, token) = s.fresh_user("contract user media delete");
    let ids: Vec<String> =
        (0..3).map(|i| media_id(&upload(&token, &format!("del-{i}.json")))).collect();
    // One page: the oldest two.
    let first = ok(
        "delete_user_media",
        admin()
            .delete_user_media()
            .user_id(&user)
            .limit(2)
            .order_by(synadm::api::types::MediaOrderBy::CreatedTs)
            .dir(synadm::api::types::Direction::F)
            .send(),
    );
    assert_eq!(first.total, 2);
    let mut gone = first.deleted_media.clone();
    gone.sort();
    let mut oldest = ids[..2].to_vec();
    oldest.sort();
    assert_eq!(gone, oldest);
    assert!(!is_gone(&ids[2]), "the newest stays");
    let rest = raw(
        "delete_user_media",
        "DELETE",
        &format!("/_synapse/admin/v1/users/{}/media", enc(&user)),
        None,
    );
    assert_eq!(rest, json!({"deleted_media": [ids[2]], "total": 1}));
    let none = ok("delete_user_media", admin().delete_user_media().user_id(&user).send());
    assert_eq!((none.deleted_media.len(), none.total), (0, 0));
}

#[test]
fn list_quarantine_changes() {
    let s = synapse();
    let (_, token) = s.fresh_user("contract quarantine log");
    let id = media_id(&upload(&token, "qlog.json"));
    let target = format!("/_synapse/admin/v1/media/quarantine/{}/{id}", s.server_name);
    s.admin_ok("POST", &target, Some(&json!({})));
    let mut from = 0;
    let mut found = Vec::new();
    loop {
        let page =
            ok("list_quarantine_changes", admin().list_quarantine_changes().from(from).send());
        if page.changes.is_empty() {
            break;
        }
        assert!(page.next_batch > from, "{page:?}");
        found.extend(page.changes.into_iter().filter(|c| c.media_id == id));
        from = page.next_batch;
    }
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].origin, s.server_name);
    let raw_page =
        raw("list_quarantine_changes", "GET", "/_synapse/admin/v1/media/quarantine_changes", None);
    assert!(raw_page["next_batch"].is_i64(), "{raw_page}");
    admin_error(
        "list_quarantine_changes",
        "GET",
        &format!("/_synapse/admin/v1/media/quarantine_changes?from={}", from + 1000),
        None,
        400,
        "M_INVALID_PARAM",
    );
}
