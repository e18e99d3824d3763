//! Operations tagged `users`.

use crate::support::*;
use serde_json::{Value, json};
use std::time::Duration;
use synadm::api::UserUpsert;
use synadm::api::types;

fn user_path(prefix: &str, user_id: &str, suffix: &str) -> String {
    format!("{prefix}/{}{suffix}", enc(user_id))
}

#[test]
fn list_users() {
    let s = synapse();
    let (bot, _) = s.fresh_user("contract list bot");
    set_user(&bot, json!({ "user_type": "bot", "avatar_url": "mxc://test.local/avatar" }));

    // Every seed user, deactivated eve included, two per page so next_token comes back.
    let page = ok("list_users", admin().list_users().deactivated(true).limit(2).send());
    assert_eq!(page.users.len(), 2);
    assert!(page.total >= 6, "total {}", page.total);
    assert_eq!(page.next_token.as_deref(), Some("2"));
    let raw_page =
        raw("list_users", "GET", "/_synapse/admin/v2/users?deactivated=true&limit=2", None);
    assert_eq!(raw_page["next_token"], "2");

    // A user with a type and an avatar: the nullable strings come back as strings.
    let localpart = localpart(&bot);
    let found = ok("list_users", admin().list_users().name(localpart).send());
    assert_eq!(found.users.len(), 1, "{found:?}");
    assert_eq!(found.users[0].user_type.as_deref(), Some("bot"));
    raw("list_users", "GET", &format!("/_synapse/admin/v2/users?name={}", enc(localpart)), None);
    // Deactivated users only, and admins only.
    raw("list_users", "GET", "/_synapse/admin/v2/users?deactivated=true&name=eve", None);
    raw("list_users", "GET", "/_synapse/admin/v2/users?admins=true", None);
    raw(
        "list_users",
        "GET",
        "/_synapse/admin/v2/users?locked=true&order_by=last_seen_ts&dir=b",
        None,
    );
}

#[test]
fn get_user() {
    let s = synapse();
    let (user, _) = s.fresh_user("contract get");
    set_user(
        &user,
        json!({
            "user_type": "bot",
            "avatar_url": "mxc://test.local/avatar",
            "threepids": [{ "medium": "email", "address": format!("{}@example.org", localpart(&user)) }],
            "external_ids": [{ "auth_provider": "contract-sso", "external_id": user.clone() }],
        }),
    );
    let got = ok("get_user", admin().get_user().user_id(&user).send());
    assert_eq!(got.name, user);
    assert_eq!(got.user_type.as_deref(), Some("bot"));
    assert_eq!(got.threepids.len(), 1);
    assert_eq!(got.external_ids.len(), 1);
    raw("get_user", "GET", &user_path("/_synapse/admin/v2/users", &user, ""), None);

    // Seed users: a regular one (seen: last_seen_ts is a number), the admin, a deactivated one.
    for who in ["@alice:test.local", "@admin:test.local", "@eve:test.local"] {
        ok("get_user", admin().get_user().user_id(who).send());
        raw("get_user", "GET", &user_path("/_synapse/admin/v2/users", who, ""), None);
    }

    let nobody = unknown_user();
    fails_not_found("get_user", admin().get_user().user_id(&nobody).send());
    admin_error(
        "get_user",
        "GET",
        &user_path("/_synapse/admin/v2/users", &nobody, ""),
        None,
        404,
        "M_NOT_FOUND",
    );
}

#[test]
fn put_user() {
    // Create (201) through the generated client, then modify (200).
    let user = unused_user_id("contract-put");
    let created = ok(
        "put_user",
        admin()
            .put_user()
            .user_id(&user)
            .body(UserUpsert {
                password: Some(format!("password-{user}")),
                displayname: Some("Put Test".into()),
                threepids: Some(vec![types::ThreepidInput {
                    medium: "email".into(),
                    address: format!("put-{}@example.org", std::process::id()),
                }]),
                ..Default::default()
            })
            .send(),
    );
    assert_eq!(created.name, user);
    assert_eq!(created.displayname.as_deref(), Some("Put Test"));
    let modified = ok(
        "put_user",
        admin()
            .put_user()
            .user_id(&user)
            .body(UserUpsert {
                user_type: Some(Some("bot".into())),
                avatar_url: Some("mxc://test.local/put".into()),
                threepids: Some(vec![]),
                locked: Some(true),
                ..Default::default()
            })
            .send(),
    );
    assert_eq!(modified.user_type.as_deref(), Some("bot"));
    assert!(modified.threepids.is_empty());
    assert!(modified.locked);

    // The same through raw requests: create, then reset the type with null.
    let other = unused_user_id("contract-put-raw");
    let target = user_path("/_synapse/admin/v2/users", &other, "");
    raw(
        "put_user",
        "PUT",
        &target,
        Some(json!({ "password": "raw-password-1", "admin": true, "user_type": "support" })),
    );
    let reply = raw(
        "put_user",
        "PUT",
        &target,
        Some(json!({ "user_type": null, "admin": false, "deactivated": true })),
    );
    assert_eq!(reply["user_type"], Value::Null);
    assert_eq!(reply["deactivated"], true);

    let bad = unused_user_id("contract-put-bad");
    fails(
        "put_user",
        admin()
            .put_user()
            .user_id(&bad)
            .body(UserUpsert { user_type: Some(Some("no-such-type".into())), ..Default::default() })
            .send(),
        400,
        "M_UNKNOWN",
    );
}

#[test]
fn deactivate_user() {
    let s = synapse();
    let (first, _) = s.fresh_user("contract deactivate");
    let result = ok(
        "deactivate_user",
        admin()
            .deactivate_user()
            .user_id(&first)
            .body(types::DeactivateRequest { erase: Some(false) })
            .send(),
    );
    assert_eq!(result.id_server_unbind_result, "success");
    let (second, _) = s.fresh_user("contract deactivate");
    raw(
        "deactivate_user",
        "POST",
        &user_path("/_synapse/admin/v1/deactivate", &second, ""),
        Some(json!({ "erase": true })),
    );

    let nobody = unknown_user();
    fails_not_found(
        "deactivate_user",
        admin()
            .deactivate_user()
            .user_id(&nobody)
            .body(types::DeactivateRequest { erase: None })
            .send(),
    );
}

#[test]
fn suspend_user() {
    let s = synapse();
    let (user, _) = s.fresh_user("contract suspend");
    let result = ok(
        "suspend_user",
        admin().suspend_user().user_id(&user).body(types::SuspendRequest { suspend: true }).send(),
    );
    assert_eq!(result.get(&format!("user_{user}_suspended")), Some(&true));
    let reply = raw(
        "suspend_user",
        "PUT",
        &user_path("/_synapse/admin/v1/suspend", &user, ""),
        Some(json!({ "suspend": false })),
    );
    assert_eq!(reply, json!({ format!("user_{user}_suspended"): false }));

    let nobody = unknown_user();
    fails_not_found(
        "suspend_user",
        admin()
            .suspend_user()
            .user_id(&nobody)
            .body(types::SuspendRequest { suspend: true })
            .send(),
    );
}

#[test]
fn reset_password() {
    let s = synapse();
    let (user, _) = s.fresh_user("contract reset");
    let reply = ok(
        "reset_password",
        admin()
            .reset_password()
            .user_id(&user)
            .body(types::ResetPasswordRequest {
                new_password: "contract-new-password-1".into(),
                logout_devices: Some(false),
            })
            .send(),
    );
    assert!(reply.is_empty(), "{reply:?}");
    let raw_reply = raw(
        "reset_password",
        "POST",
        &user_path("/_synapse/admin/v1/reset_password", &user, ""),
        Some(json!({ "new_password": "contract-new-password-2" })),
    );
    assert_eq!(raw_reply, json!({}));
    // The new password works.
    let (status, body) = s.request(
        None,
        "POST",
        "/_matrix/client/v3/login",
        Some(&json!({
            "type": "m.login.password",
            "identifier": { "type": "m.id.user", "user": localpart(&user) },
            "password": "contract-new-password-2",
        })),
    );
    assert_eq!(status, 200, "{body}");

    let nobody = unknown_user();
    fails_not_found(
        "reset_password",
        admin()
            .reset_password()
            .user_id(&nobody)
            .body(types::ResetPasswordRequest {
                new_password: "whatever-password".into(),
                logout_devices: None,
            })
            .send(),
    );
    admin_error(
        "reset_password",
        "POST",
        &user_path("/_synapse/admin/v1/reset_password", &nobody, ""),
        Some(json!({ "new_password": "whatever-password" })),
        404,
        "M_NOT_FOUND",
    );
}

#[test]
fn whois_user() {
    let s = synapse();
    let (user, token) = s.fresh_user("contract whois");
    let _ = s.ok_as(&token, "GET", "/_matrix/client/v3/account/whoami", None);
    // Client IPs are written in batches, but whois also reads the pending batch.
    let whois = poll("whois shows the session", Duration::from_secs(20), || {
        let whois = ok("whois_user", admin().whois_user().user_id(&user).send());
        let connected = whois
            .devices
            .values()
            .flat_map(|d| &d.sessions)
            .any(|session| !session.connections.is_empty());
        connected.then_some(whois)
    });
    assert_eq!(whois.user_id, user);
    raw("whois_user", "GET", &user_path("/_synapse/admin/v1/whois", &user, ""), None);
    // A user without any session.
    raw("whois_user", "GET", &user_path("/_synapse/admin/v1/whois", &unknown_user(), ""), None);
}

#[test]
fn list_user_joined_rooms() {
    let s = synapse();
    let alice = s.user_id("alice");
    let rooms =
        ok("list_user_joined_rooms", admin().list_user_joined_rooms().user_id(&alice).send());
    assert!(rooms.joined_rooms.iter().any(|r| r == s.seed_str("/rooms/general")), "{rooms:?}");
    assert_eq!(rooms.total, rooms.joined_rooms.len() as i64);
    let target = user_path("/_synapse/admin/v1/users", &alice, "/joined_rooms");
    raw("list_user_joined_rooms", "GET", &target, None);
}

#[test]
fn login_as_user() {
    let s = synapse();
    let (user, _) = s.fresh_user("contract puppet");
    let minted = ok(
        "login_as_user",
        admin()
            .login_as_user()
            .user_id(&user)
            .body(types::LoginAsUserRequest {
                valid_until_ms: Some(chrono_free_now_ms() + 3_600_000),
            })
            .send(),
    );
    let whoami = ok("whoami", client_as(Some(&minted.access_token)).whoami().send());
    assert_eq!(whoami.user_id, user);
    raw(
        "login_as_user",
        "POST",
        &user_path("/_synapse/admin/v1/users", &user, "/login"),
        Some(json!({})),
    );

    let admin_user = s.admin_user.clone();
    fails(
        "login_as_user",
        admin()
            .login_as_user()
            .user_id(&admin_user)
            .body(types::LoginAsUserRequest { valid_until_ms: None })
            .send(),
        400,
        "M_UNKNOWN",
    );
    admin_error(
        "login_as_user",
        "POST",
        &user_path("/_synapse/admin/v1/users", &unknown_user(), "/login"),
        Some(json!({})),
        404,
        "M_NOT_FOUND",
    );
}

fn chrono_free_now_ms() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970");
    i64::try_from(now.as_millis()).expect("milliseconds fit in i64")
}

#[test]
fn shadow_ban_user() {
    let s = synapse();
    let (first, _) = s.fresh_user("contract shadow");
    let reply = ok("shadow_ban_user", admin().shadow_ban_user().user_id(&first).send());
    assert!(reply.is_empty(), "{reply:?}");
    let (second, _) = s.fresh_user("contract shadow");
    let target = user_path("/_synapse/admin/v1/users", &second, "/shadow_ban");
    assert_eq!(raw("shadow_ban_user", "POST", &target, None), json!({}));
    let user = ok("get_user", admin().get_user().user_id(&second).send());
    assert!(user.shadow_banned);
}

#[test]
fn unshadow_ban_user() {
    let s = synapse();
    let (user, _) = s.fresh_user("contract unshadow");
    let target = user_path("/_synapse/admin/v1/users", &user, "/shadow_ban");
    s.admin_ok("POST", &target, None);
    let reply = ok("unshadow_ban_user", admin().unshadow_ban_user().user_id(&user).send());
    assert!(reply.is_empty(), "{reply:?}");
    assert!(!ok("get_user", admin().get_user().user_id(&user).send()).shadow_banned);
    // Lifting a ban that is not there is fine too.
    assert_eq!(raw("unshadow_ban_user", "DELETE", &target, None), json!({}));

    // Synapse answers an unknown local user with 404 but without M_NOT_FOUND.
    let nobody = unknown_user();
    fails(
        "unshadow_ban_user",
        admin().unshadow_ban_user().user_id(&nobody).send(),
        404,
        "M_UNKNOWN",
    );
}

#[test]
fn get_user_by_external_id() {
    let s = synapse();
    let (user, _) = s.fresh_user("contract external");
    let external = format!("sub/{}#1", localpart(&user));
    set_user(
        &user,
        json!({ "external_ids": [{ "auth_provider": "contract-oidc", "external_id": external }] }),
    );
    let found = ok(
        "get_user_by_external_id",
        admin().get_user_by_external_id().provider("contract-oidc").external_id(&external).send(),
    );
    assert_eq!(found.user_id, user);
    raw(
        "get_user_by_external_id",
        "GET",
        &format!("/_synapse/admin/v1/auth_providers/contract-oidc/users/{}", enc(&external)),
        None,
    );

    fails_not_found(
        "get_user_by_external_id",
        admin()
            .get_user_by_external_id()
            .provider("contract-oidc")
            .external_id("no-such-subject")
            .send(),
    );
    admin_error(
        "get_user_by_external_id",
        "GET",
        "/_synapse/admin/v1/auth_providers/no-such-provider/users/x",
        None,
        404,
        "M_NOT_FOUND",
    );
}

#[test]
fn get_user_by_threepid() {
    let s = synapse();
    let email = s.seed_str("/users/alice/email");
    let found = ok(
        "get_user_by_threepid",
        admin().get_user_by_threepid().medium("email").address(email).send(),
    );
    assert_eq!(found.user_id, s.user_id("alice"));
    raw(
        "get_user_by_threepid",
        "GET",
        &format!("/_synapse/admin/v1/threepid/email/users/{}", enc(email)),
        None,
    );

    fails_not_found(
        "get_user_by_threepid",
        admin().get_user_by_threepid().medium("email").address("nobody@example.org").send(),
    );
    admin_error(
        "get_user_by_threepid",
        "GET",
        "/_synapse/admin/v1/threepid/msisdn/users/15550000000",
        None,
        404,
        "M_NOT_FOUND",
    );
}

#[test]
fn redact_user_events() {
    let s = synapse();
    let (user, token) = s.fresh_user("contract redact");
    let room = room_with_message(&token, "to be redacted");
    let started = ok(
        "redact_user_events",
        admin()
            .redact_user_events()
            .user_id(&user)
            .body(types::RedactRequest {
                rooms: vec![room],
                reason: Some("contract test".into()),
                limit: std::num::NonZeroU64::new(10),
            })
            .send(),
    );
    assert!(!started.redact_id.is_empty());
    let (other, other_token) = s.fresh_user("contract redact");
    room_with_message(&other_token, "also to be redacted");
    raw(
        "redact_user_events",
        "POST",
        &user_path("/_synapse/admin/v1/user", &other, "/redact"),
        Some(json!({ "rooms": [] })),
    );

    fails(
        "redact_user_events",
        client_as(Some(&other_token))
            .redact_user_events()
            .user_id(&other)
            .body(types::RedactRequest { rooms: vec![], reason: None, limit: None })
            .send(),
        403,
        "M_FORBIDDEN",
    );
}

#[test]
fn get_redact_status() {
    let s = synapse();
    let (user, token) = s.fresh_user("contract redact status");
    let room = room_with_message(&token, "redact me");
    let started = s.admin_ok(
        "POST",
        &user_path("/_synapse/admin/v1/user", &user, "/redact"),
        Some(&json!({ "rooms": [room] })),
    );
    let id = started["redact_id"].as_str().expect("redact_id").to_string();

    // Every state the task passes through must match the spec; wait for the end.
    let done = poll("the redaction task finishes", Duration::from_secs(60), || {
        let status = ok("get_redact_status", admin().get_redact_status().redact_id(&id).send());
        (!matches!(status.status.as_str(), "scheduled" | "active")).then_some(status)
    });
    assert_eq!(done.status, "complete", "{done:?}");
    let reply = raw(
        "get_redact_status",
        "GET",
        &format!("/_synapse/admin/v1/user/redact_status/{}", enc(&id)),
        None,
    );
    assert_eq!(reply, json!({ "status": "complete", "failed_redactions": {} }));
    // A task that fails (a room the server does not know) reports `error`.
    let started = s.admin_ok(
        "POST",
        &user_path("/_synapse/admin/v1/user", &user, "/redact"),
        Some(&json!({ "rooms": [format!("!{}:{}", unique("contract-no-room"), s.server_name)] })),
    );
    let failed_id = started["redact_id"].as_str().expect("redact_id").to_string();
    let failed = poll("the failing redaction task ends", Duration::from_secs(60), || {
        let status =
            ok("get_redact_status", admin().get_redact_status().redact_id(&failed_id).send());
        (!matches!(status.status.as_str(), "scheduled" | "active")).then_some(status)
    });
    assert_eq!(failed.status, "failed", "{failed:?}");
    assert!(failed.error.as_deref().is_some_and(|e| e.contains("room_version")), "{failed:?}");

    fails_not_found(
        "get_redact_status",
        admin().get_redact_status().redact_id("no-such-task").send(),
    );
}
