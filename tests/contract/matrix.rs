//! Operations tagged `matrix` (client-server and key APIs).

use crate::support::*;
use serde_json::json;
use synadm::api::types;

#[test]
fn whoami() {
    let s = synapse();
    let me = ok("whoami", admin().whoami().send());
    assert_eq!(me.user_id, s.admin_user);
    assert!(!me.is_guest);
    assert!(me.device_id.is_some());
    raw("whoami", "GET", "/_matrix/client/v3/account/whoami", None);
    // An admin-minted token has no device: device_id is left out.
    let dave = raw_as(
        "whoami",
        Some(s.seed_str("/users/dave/token")),
        "GET",
        "/_matrix/client/v3/account/whoami",
        None,
    );
    assert!(dave.get("device_id").is_none(), "{dave}");

    fails(
        "whoami",
        client_as(Some("syt_not_a_real_token")).whoami().send(),
        401,
        "M_UNKNOWN_TOKEN",
    );
    raw_error(
        "whoami",
        Some("syt_not_a_real_token"),
        "GET",
        "/_matrix/client/v3/account/whoami",
        None,
        401,
        "M_UNKNOWN_TOKEN",
    );
}

fn password_login(user: &str, password: &str) -> types::LoginRequest {
    types::LoginRequest {
        type_: "m.login.password".into(),
        identifier: Some(types::LoginIdentifier {
            type_: "m.id.user".into(),
            user: Some(user.into()),
        }),
        password: Some(password.into()),
        device_id: None,
        initial_device_display_name: Some("contract login".into()),
    }
}

#[test]
fn login() {
    let s = synapse();
    let (user, _) = s.fresh_user("contract login");
    let name = localpart(&user);
    let password = format!("password-{name}");
    let session = ok("login", client_as(None).login().body(password_login(name, &password)).send());
    assert_eq!(session.user_id, user);
    assert!(!session.access_token.is_empty());
    // Raw, with a device ID; then asking for a refresh token, which adds it and the access
    // token's lifetime.
    let raw_login = |extra: serde_json::Value| {
        let mut body = json!({
            "type": "m.login.password",
            "identifier": { "type": "m.id.user", "user": user },
            "password": password,
        });
        body.as_object_mut()
            .expect("an object")
            .extend(extra.as_object().expect("an object").clone());
        raw_as("login", None, "POST", "/_matrix/client/v3/login", Some(body))
    };
    raw_login(json!({ "device_id": "CONTRACTRAW" }));
    let refreshable = raw_login(json!({ "refresh_token": true }));
    assert!(refreshable["refresh_token"].is_string(), "{refreshable}");
    assert!(refreshable["expires_in_ms"].is_u64(), "{refreshable}");

    fails(
        "login",
        client_as(None).login().body(password_login(name, "wrong-password")).send(),
        403,
        "M_FORBIDDEN",
    );
    raw_error(
        "login",
        None,
        "POST",
        "/_matrix/client/v3/login",
        Some(json!({ "type": "m.login.password" })),
        400,
        "M_INVALID_PARAM",
    );

    // The test server allows an account 5 failed logins, then one per 100 s: the sixth
    // attempt is rate-limited, with `retry_after_ms`. Retry-After (100 s) is beyond what the
    // contract tests' client waits for by itself (30 s, see `client_for`), so it reports the
    // 429.
    let (limited, _) = s.fresh_user("contract login limit");
    let limited = localpart(&limited);
    for _ in 0..5 {
        let (status, reply) = s.request(
            None,
            "POST",
            "/_matrix/client/v3/login",
            Some(&json!({
                "type": "m.login.password",
                "identifier": { "type": "m.id.user", "user": limited },
                "password": "wrong-password",
            })),
        );
        assert_eq!(status, 403, "{reply}");
    }
    fails(
        "login",
        client_as(None).login().body(password_login(limited, "wrong-password")).send(),
        429,
        "M_LIMIT_EXCEEDED",
    );
    let reply = raw_error(
        "login",
        None,
        "POST",
        "/_matrix/client/v3/login",
        Some(json!({
            "type": "m.login.password",
            "identifier": { "type": "m.id.user", "user": limited },
            "password": format!("password-{limited}"),
        })),
        429,
        "M_LIMIT_EXCEEDED",
    );
    assert!(reply["retry_after_ms"].as_u64() > Some(30_000), "{reply}");
}

#[test]
fn list_room_aliases() {
    let s = synapse();
    let general = s.seed_str("/rooms/general");
    let aliases = ok("list_room_aliases", admin().list_room_aliases().room_id(general).send());
    assert_eq!(aliases.aliases, [s.seed_str("/aliases/general")]);
    let target = format!("/_matrix/client/v3/rooms/{}/aliases", enc(general));
    raw("list_room_aliases", "GET", &target, None);
    // A member's view of a room without aliases.
    let project_x = s.seed_str("/rooms/project_x");
    let reply = raw_as(
        "list_room_aliases",
        Some(s.seed_str("/users/bob/token")),
        "GET",
        &format!("/_matrix/client/v3/rooms/{}/aliases", enc(project_x)),
        None,
    );
    assert_eq!(reply, json!({ "aliases": [] }));

    // Non-members may not look.
    let (_, outsider) = s.fresh_user("contract outsider");
    fails_forbidden(
        "list_room_aliases",
        client_as(Some(&outsider)).list_room_aliases().room_id(project_x).send(),
    );
    forbidden(
        "list_room_aliases",
        &outsider,
        "GET",
        &format!("/_matrix/client/v3/rooms/{}/aliases", enc(project_x)),
        None,
    );
}

#[test]
fn get_server_keys() {
    let s = synapse();
    let keys = ok("get_server_keys", client_as(None).get_server_keys().send());
    assert_eq!(keys.server_name, s.server_name);
    let reply = raw_as("get_server_keys", None, "GET", "/_matrix/key/v2/server", None);
    assert!(reply["signatures"][&s.server_name].is_object(), "{reply}");

    // As for server_version, only a wrong mount point makes it fail.
    let wrong_mount = wrongly_mounted(|c| c.matrix_path = "/_matrix/key/v2/nowhere".into());
    fails("get_server_keys", wrong_mount.get_server_keys().send(), 404, "M_UNRECOGNIZED");
    raw_error(
        "get_server_keys",
        None,
        "GET",
        "/_matrix/key/v2/nowhere/key/v2/server",
        None,
        404,
        "M_UNRECOGNIZED",
    );
}

#[test]
fn resolve_room_alias() {
    let s = synapse();
    let alias = s.seed_str("/aliases/general");
    let target = ok("resolve_room_alias", admin().resolve_room_alias().room_alias(alias).send());
    assert_eq!(target.room_id, s.seed_str("/rooms/general"));
    assert_eq!(target.servers, [s.server_name.as_str()]);
    // Any user may resolve an alias, and so may nobody at all.
    let reply = raw_as(
        "resolve_room_alias",
        None,
        "GET",
        &format!("/_matrix/client/v3/directory/room/{}", enc(alias)),
        None,
    );
    assert_eq!(
        reply,
        json!({ "room_id": s.seed_str("/rooms/general"), "servers": [s.server_name] })
    );
    // `#` goes out as %23 (else it would start a URL fragment).
    assert_request_line!(
        |c| c.resolve_room_alias().room_alias("#general:test.local"),
        "GET /_matrix/client/v3/directory/room/%23general:test.local HTTP/1.1",
    );

    let message = fails_not_found(
        "resolve_room_alias",
        admin().resolve_room_alias().room_alias(format!("#no-such-alias:{}", s.server_name)).send(),
    );
    assert_eq!(message, format!("Room alias #no-such-alias:{} not found", s.server_name));
    raw_error(
        "resolve_room_alias",
        None,
        "GET",
        "/_matrix/client/v3/directory/room/no-sigil",
        None,
        400,
        "M_INVALID_PARAM",
    );
}
