//! Proves the real-Synapse test harness: the server runs the pinned Synapse, the seed data is
//! there, and the helpers work. Every other end-to-end test builds on these guarantees.

mod common;

use common::{enc, synapse};
use serde_json::Value;

#[test]
fn harness_server_runs_pinned_synapse_version() {
    let s = synapse();
    let body = s.admin_ok("GET", "/_synapse/admin/v1/server_version", None);
    assert_eq!(body["server_version"], "1.163.2");
    assert_eq!(s.server_name, "test.local");
    assert_eq!(s.admin_user, "@admin:test.local");
    assert!(s.base_url.starts_with("http://127.0.0.1:"), "{}", s.base_url);
}

#[test]
fn harness_admin_token_belongs_to_server_admin() {
    let s = synapse();
    let body = s.admin_ok("GET", "/_matrix/client/v3/account/whoami", None);
    assert_eq!(body["user_id"], "@admin:test.local");
    let body = s.admin_ok("GET", &format!("/_synapse/admin/v2/users/{}", enc(&s.admin_user)), None);
    assert_eq!(body["admin"], true);
}

#[test]
fn harness_seed_users_exist_with_display_names_and_emails() {
    let s = synapse();
    for (name, display) in [
        ("alice", "Alice Liddell"),
        ("bob", "Bob Builder"),
        ("carol", "Carol Danvers"),
        ("dave", "Dave Lister"),
    ] {
        let user_id = s.user_id(name);
        assert_eq!(s.seed_str(&format!("/users/{name}/user_id")), user_id);
        let body = s.admin_ok("GET", &format!("/_synapse/admin/v2/users/{}", enc(&user_id)), None);
        assert_eq!(body["displayname"], display);
        assert_eq!(body["deactivated"], false);
        assert_eq!(body["threepids"][0]["address"], format!("{name}@example.org"));
    }
}

#[test]
fn harness_seed_user_tokens_and_devices_work() {
    let s = synapse();
    let body =
        s.ok_as(s.seed_str("/users/alice/token"), "GET", "/_matrix/client/v3/account/whoami", None);
    assert_eq!(body["user_id"], "@alice:test.local");

    let body = s.admin_ok(
        "GET",
        &format!("/_synapse/admin/v2/users/{}/devices", enc("@alice:test.local")),
        None,
    );
    let mut devices: Vec<&str> = body["devices"]
        .as_array()
        .expect("devices array")
        .iter()
        .filter_map(|d| d["device_id"].as_str())
        .collect();
    devices.sort_unstable();
    assert_eq!(devices, ["ALICELAPTOP", "ALICEPHONE"]);
}

#[test]
fn harness_seed_eve_is_deactivated() {
    let s = synapse();
    let body =
        s.admin_ok("GET", &format!("/_synapse/admin/v2/users/{}", enc("@eve:test.local")), None);
    assert_eq!(body["deactivated"], true);
    assert_eq!(s.seed["users"]["eve"]["deactivated"], true);
}

#[test]
fn harness_seed_rooms_exist() {
    let s = synapse();
    for (key, name, members) in [
        ("general", Some("General"), 3),
        ("project_x", Some("Project X"), 2),
        ("abandoned", None, 0),
    ] {
        let room_id = s.seed_str(&format!("/rooms/{key}"));
        let body = s.admin_ok("GET", &format!("/_synapse/admin/v1/rooms/{}", enc(room_id)), None);
        assert_eq!(body["room_id"], room_id);
        assert_eq!(body["joined_members"], members, "{key}: {body}");
        if let Some(name) = name {
            assert_eq!(body["name"], name, "{key}: {body}");
        }
    }
    let body = s.ok_as(
        s.seed_str("/users/bob/token"),
        "GET",
        &format!("/_matrix/client/v3/directory/room/{}", enc("#general:test.local")),
        None,
    );
    assert_eq!(body["room_id"], s.seed_str("/rooms/general"));
}

#[test]
fn harness_seed_messages_and_media_exist() {
    let s = synapse();
    let general = s.seed_str("/rooms/general");
    let event = s.seed_str("/events/general_first");
    let body = s.ok_as(
        s.seed_str("/users/alice/token"),
        "GET",
        &format!("/_matrix/client/v3/rooms/{}/event/{}", enc(general), enc(event)),
        None,
    );
    assert_eq!(body["content"]["msgtype"], "m.text");

    let png = s.seed_str("/media/alice_png");
    let media_id = png.rsplit('/').next().expect("media id");
    let body =
        s.admin_ok("GET", &format!("/_synapse/admin/v1/media/test.local/{}", enc(media_id)), None);
    assert_eq!(body["media_info"]["media_type"], "image/png");
    assert_eq!(body["media_info"]["user_id"], "@alice:test.local");
    assert!(s.seed_str("/media/bob_txt").starts_with("mxc://test.local/"));
}

#[test]
fn harness_seed_registration_token_exists() {
    let s = synapse();
    assert_eq!(s.seed["registration_token"], "seedtoken");
    let body = s.admin_ok("GET", "/_synapse/admin/v1/registration_tokens/seedtoken", None);
    assert_eq!(body["token"], "seedtoken");
    assert_eq!(body["uses_allowed"], 5);
}

#[test]
fn harness_fresh_users_are_unique_and_logged_in() {
    let s = synapse();
    let (first, first_token) = s.fresh_user("Harness Fresh");
    let (second, _) = s.fresh_user("Harness Fresh");
    assert_ne!(first, second);
    assert!(first.starts_with("@harness_fresh-"), "{first}");
    assert!(first.ends_with(":test.local"), "{first}");
    let body = s.ok_as(&first_token, "GET", "/_matrix/client/v3/account/whoami", None);
    assert_eq!(body["user_id"], Value::String(first));
}

#[test]
fn harness_reports_matrix_errors_with_status() {
    let s = synapse();
    let (status, body) = s.admin_request(
        "GET",
        &format!("/_synapse/admin/v2/users/{}", enc("@nobody-here:test.local")),
        None,
    );
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["errcode"], "M_NOT_FOUND");
    let (status, body) = s.request(None, "GET", "/_synapse/admin/v1/server_version", None);
    assert_eq!(status, 200, "server_version needs no token: {body}");
}

#[test]
fn harness_writes_private_synadm_config() {
    let s = synapse();
    let path = s.config_file();
    let text = std::fs::read_to_string(&path).expect("synadm.yaml");
    assert!(text.contains(&s.base_url), "{text}");
    assert!(text.contains("admin_path: \"/_synapse/admin\""), "{text}");
    assert!(text.contains("format: \"json\""), "{text}");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&path).expect("metadata").permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn harness_http_client_parses_content_length_and_chunked_bodies() {
    let reply = common::parse_response(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
        false,
    )
    .expect("content-length response");
    assert_eq!((reply.status, reply.body.as_slice()), (200, &b"{}"[..]));
    assert_eq!(reply.headers[0], ("Content-Type".into(), "application/json".into()));
    let chunked = b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n\
                    3\r\n{\"a\r\n4;ext=1\r\n\":1}\r\n0\r\n\r\n";
    let reply = common::parse_response(chunked, false).expect("chunked response");
    assert_eq!((reply.status, reply.body.as_slice()), (404, &b"{\"a\":1}"[..]));
    assert!(common::dechunk(b"zz\r\n").is_err());
    assert_eq!(enc("@alice:test.local"), "%40alice%3Atest.local");
    assert_eq!(enc("!a/b#c"), "%21a%2Fb%23c");
}

/// The state event of `event_type` in `room`, read with the admin API.
fn state_event(room: &str, event_type: &str) -> Value {
    let s = synapse();
    let body = s.admin_ok(
        "GET",
        &format!("/_synapse/admin/v1/rooms/{}/state?type={}", enc(room), enc(event_type)),
        None,
    );
    body["state"][0].clone()
}

#[test]
fn harness_seed_rooms_of_version_12_and_10_have_their_power_levels() {
    let s = synapse();
    let v12 = s.seed_str("/rooms/v12");
    let create = state_event(v12, "m.room.create");
    assert_eq!(create["sender"], "@carol:test.local");
    assert_eq!(create["content"]["room_version"], "12");
    assert_eq!(create["content"]["additional_creators"], serde_json::json!(["@dave:test.local"]));
    assert_eq!(
        state_event(v12, "m.room.power_levels")["content"]["users"],
        serde_json::json!({ "@bob:test.local": 50 })
    );
    let v10 = s.seed_str("/rooms/v10");
    assert_eq!(state_event(v10, "m.room.create")["content"]["room_version"], "10");
    assert_eq!(
        state_event(v10, "m.room.power_levels")["content"]["users"],
        serde_json::json!({ "@carol:test.local": 100, "@bob:test.local": 50 })
    );
    for room in [v12, v10] {
        let body =
            s.admin_ok("GET", &format!("/_synapse/admin/v1/rooms/{}/members", enc(room)), None);
        let mut members: Vec<&str> =
            body["members"].as_array().expect("members").iter().filter_map(Value::as_str).collect();
        members.sort_unstable();
        assert_eq!(members, ["@bob:test.local", "@carol:test.local"]);
    }
}

#[test]
fn harness_seed_history_room_has_messages_on_both_sides_of_the_cut_off() {
    let s = synapse();
    let history = &s.seed["history"];
    let room = s.seed_str("/rooms/history");
    assert_eq!(history["room"], room);
    let cutoff = history["cutoff_ts"].as_i64().expect("cutoff_ts");
    let last_before = history["last_before_ts"].as_i64().expect("last_before_ts");
    let first_after = history["first_after_ts"].as_i64().expect("first_after_ts");
    assert!(
        last_before < cutoff && cutoff < first_after,
        "{last_before} < {cutoff} < {first_after}"
    );
    let alice = s.seed_str("/users/alice/token");
    for (key, first_text) in [
        ("before", "History 1: the old plan."),
        ("after", "History 5: first word after the cut-off."),
    ] {
        let events = history[key].as_array().expect("event IDs");
        assert_eq!(events.len(), 4, "{history}");
        let body = s.ok_as(
            alice,
            "GET",
            &format!(
                "/_matrix/client/v3/rooms/{}/event/{}",
                enc(room),
                enc(events[0].as_str().expect("event ID"))
            ),
            None,
        );
        assert_eq!(body["content"]["body"], first_text);
    }
}

#[test]
fn harness_seed_has_two_pages_of_rooms_of_four() {
    let s = synapse();
    let first = s.admin_ok("GET", "/_synapse/admin/v1/rooms?limit=4", None);
    assert_eq!(first["next_batch"], 4, "{first}");
    let second = s.admin_ok("GET", "/_synapse/admin/v1/rooms?limit=4&from=4", None);
    let mut listed: Vec<String> = [&first, &second]
        .iter()
        .flat_map(|page| page["rooms"].as_array().expect("rooms").iter())
        .filter_map(|room| room["room_id"].as_str().map(str::to_owned))
        .collect();
    listed.sort();
    let mut seeded: Vec<String> = ["general", "project_x", "abandoned", "v12", "v10", "history"]
        .iter()
        .map(|key| s.seed_str(&format!("/rooms/{key}")).to_owned())
        .collect();
    seeded.sort();
    // Nothing in this test binary creates rooms: the seed's six are all there is.
    assert_eq!(listed, seeded);
    assert_eq!(second["total_rooms"], 6, "{second}");
}
