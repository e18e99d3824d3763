//! The user-account operations synadm had no command for: admin flag, memberships, pushers,
//! rate-limit override, invite and join counts, username availability.

use crate::support::*;
use serde_json::json;
use synadm::api::types;

fn user_target(user_id: &str, suffix: &str) -> String {
    format!("/_synapse/admin/v1/users/{}{suffix}", enc(user_id))
}

#[test]
fn get_and_set_user_admin() {
    let s = synapse();
    let (user, _) = s.fresh_user("contract admin flag");
    let got = ok("get_user_admin", admin().get_user_admin().user_id(&user).send());
    assert!(!got.admin);
    let body = types::AdminStatus { admin: true, extra: Default::default() };
    let reply = ok("set_user_admin", admin().set_user_admin().user_id(&user).body(body).send());
    assert!(reply.is_empty(), "{reply:?}");
    assert_eq!(
        raw("get_user_admin", "GET", &user_target(&user, "/admin"), None),
        json!({"admin": true})
    );
    let target = user_target(&user, "/admin");
    assert_eq!(raw("set_user_admin", "PUT", &target, Some(json!({"admin": false}))), json!({}));
    // An unknown local user is "not an admin", not a 404.
    let unknown =
        ok("get_user_admin", admin().get_user_admin().user_id(unused_user_id("nobody")).send());
    assert!(!unknown.admin);
    let message = fails(
        "set_user_admin",
        admin()
            .set_user_admin()
            .user_id(&s.admin_user)
            .body(types::AdminStatus { admin: false, extra: Default::default() })
            .send(),
        400,
        "M_UNKNOWN",
    );
    assert_eq!(message, "You may not demote yourself.");
    admin_error("set_user_admin", "PUT", &target, Some(json!({})), 400, "M_MISSING_PARAM");
}

#[test]
fn list_user_memberships() {
    let s = synapse();
    let (user, token) = s.fresh_user("contract memberships");
    let room = create_room(&token, json!({ "name": "contract memberships" }));
    let got = ok("list_user_memberships", admin().list_user_memberships().user_id(&user).send());
    assert_eq!(got.memberships.get(&room).map(String::as_str), Some("join"));
    assert_eq!(got.memberships.len(), 1, "{got:?}");
    let reply = raw("list_user_memberships", "GET", &user_target(&user, "/memberships"), None);
    assert_eq!(reply, json!({"memberships": {room: "join"}}));
    // No existence check.
    let none = ok(
        "list_user_memberships",
        admin().list_user_memberships().user_id(unused_user_id("nobody")).send(),
    );
    assert!(none.memberships.is_empty());
}

#[test]
fn list_user_pushers() {
    let s = synapse();
    let (user, token) = s.fresh_user("contract pushers");
    let empty = ok("list_user_pushers", admin().list_user_pushers().user_id(&user).send());
    assert_eq!((empty.pushers.len(), empty.total), (0, 0));
    // No `lang` and no `data` beyond the URL: the nullable fields.
    s.ok_as(
        &token,
        "POST",
        "/_matrix/client/v3/pushers/set",
        Some(&json!({
            "kind": "http", "app_id": "org.example.contract", "app_display_name": "Contract",
            "device_display_name": "Desk", "pushkey": "contract-key", "lang": "de",
            "data": {"url": "https://push.example.org/_matrix/push/v1/notify"},
        })),
    );
    let listed = ok("list_user_pushers", admin().list_user_pushers().user_id(&user).send());
    assert_eq!(listed.total, 1);
    let p = &listed.pushers[0];
    assert_eq!(
        (p.kind.as_str(), p.pushkey.as_str(), p.lang.as_deref(), p.enabled),
        ("http", "contract-key", Some("de"), Some(true))
    );
    assert!(p.device_id.is_some(), "{p:?}");
    raw("list_user_pushers", "GET", &user_target(&user, "/pushers"), None);
    fails_not_found(
        "list_user_pushers",
        admin().list_user_pushers().user_id(unused_user_id("nobody")).send(),
    );
}

#[test]
fn get_set_and_delete_ratelimit_override() {
    let s = synapse();
    let (user, _) = s.fresh_user("contract ratelimit");
    let none = ok("get_ratelimit_override", admin().get_ratelimit_override().user_id(&user).send());
    assert_eq!((none.messages_per_second, none.burst_count), (None, None));
    let body = types::RateLimitOverride {
        messages_per_second: Some(3),
        burst_count: Some(7),
        extra: Default::default(),
    };
    let set = ok(
        "set_ratelimit_override",
        admin().set_ratelimit_override().user_id(&user).body(body).send(),
    );
    assert_eq!((set.messages_per_second, set.burst_count), (Some(3), Some(7)));
    let target = user_target(&user, "/override_ratelimit");
    assert_eq!(
        raw("get_ratelimit_override", "GET", &target, None),
        json!({"messages_per_second": 3, "burst_count": 7})
    );
    // A missing number is 0 on the server: one alone lifts the other limit.
    assert_eq!(
        raw("set_ratelimit_override", "POST", &target, Some(json!({"messages_per_second": 2}))),
        json!({"messages_per_second": 2, "burst_count": 0})
    );
    admin_error(
        "set_ratelimit_override",
        "POST",
        &target,
        Some(json!({"messages_per_second": -1})),
        400,
        "M_INVALID_PARAM",
    );
    let deleted =
        ok("delete_ratelimit_override", admin().delete_ratelimit_override().user_id(&user).send());
    assert!(deleted.is_empty(), "{deleted:?}");
    assert_eq!(raw("get_ratelimit_override", "GET", &target, None), json!({}));
    assert_eq!(raw("delete_ratelimit_override", "DELETE", &target, None), json!({}));
    fails_not_found(
        "get_ratelimit_override",
        admin().get_ratelimit_override().user_id(unused_user_id("nobody")).send(),
    );
}

#[test]
fn sent_invite_and_cumulative_joined_room_counts() {
    let s = synapse();
    let (user, token) = s.fresh_user("contract counts");
    let (other, _) = s.fresh_user("contract counts invitee");
    let room = create_room(&token, json!({ "name": "contract counts", "invite": [other] }));
    assert!(!room.is_empty());
    let invites = ok(
        "get_sent_invite_count",
        admin().get_sent_invite_count().user_id(&user).from_ts(0).send(),
    );
    assert_eq!(invites.invite_count, 1);
    let joins = ok(
        "get_cumulative_joined_room_count",
        admin().get_cumulative_joined_room_count().user_id(&user).from_ts(0).send(),
    );
    assert_eq!(joins.cumulative_joined_room_count, 1);
    let later = 4_102_444_800_000i64; // 2100-01-01
    let target = user_target(&user, &format!("/sent_invite_count?from_ts={later}"));
    assert_eq!(raw("get_sent_invite_count", "GET", &target, None), json!({"invite_count": 0}));
    let target = user_target(&user, &format!("/cumulative_joined_room_count?from_ts={later}"));
    assert_eq!(
        raw("get_cumulative_joined_room_count", "GET", &target, None),
        json!({"cumulative_joined_room_count": 0})
    );
    // from_ts is required.
    for (op, suffix) in [
        ("get_sent_invite_count", "/sent_invite_count"),
        ("get_cumulative_joined_room_count", "/cumulative_joined_room_count"),
    ] {
        admin_error(op, "GET", &user_target(&user, suffix), None, 400, "M_MISSING_PARAM");
    }
}

#[test]
fn check_username_available() {
    let s = synapse();
    let (user, _) = s.fresh_user("contract available");
    let free = ok(
        "check_username_available",
        admin().check_username_available().username(unique("contractfree")).send(),
    );
    assert!(free.available);
    let taken = localpart(&user).to_string();
    fails(
        "check_username_available",
        admin().check_username_available().username(&taken).send(),
        400,
        "M_USER_IN_USE",
    );
    fails(
        "check_username_available",
        admin().check_username_available().username("Not Valid!").send(),
        400,
        "M_INVALID_USERNAME",
    );
    raw(
        "check_username_available",
        "GET",
        &format!("/_synapse/admin/v1/username_available?username={}", unique("contractraw")),
        None,
    );
}

#[test]
fn get_account_data() {
    let s = synapse();
    let (user, token) = s.fresh_user("contract account data");
    let room = create_room(&token, json!({ "name": "contract account data" }));
    let base = format!("/_matrix/client/v3/user/{}", enc(&user));
    for (path, content) in [
        (format!("{base}/account_data/org.example.contract"), json!({"x": [1]})),
        (
            format!("{base}/rooms/{}/account_data/org.example.contract", enc(&room)),
            json!({"y": null}),
        ),
    ] {
        s.ok_as(&token, "PUT", &path, Some(&content));
    }
    let got = ok("get_account_data", admin().get_account_data().user_id(&user).send());
    assert_eq!(got.account_data.global["org.example.contract"], json!({"x": [1]}));
    assert_eq!(got.account_data.rooms[&room]["org.example.contract"], json!({"y": null}));
    let reply = raw("get_account_data", "GET", &user_target(&user, "/accountdata"), None);
    assert!(reply["account_data"]["global"].is_object(), "{reply}");
    // A user without any: both maps empty.
    let (bare, _) = s.fresh_user("contract no account data");
    let empty = raw("get_account_data", "GET", &user_target(&bare, "/accountdata"), None);
    assert_eq!(empty["account_data"]["rooms"], json!({}), "{empty}");
    fails_not_found(
        "get_account_data",
        admin().get_account_data().user_id(unused_user_id("nobody")).send(),
    );
}

#[test]
fn allow_cross_signing_replacement() {
    let s = synapse();
    let (user, token) = s.fresh_user("contract cross-signing");
    let message = fails_not_found(
        "allow_cross_signing_replacement",
        admin().allow_cross_signing_replacement().user_id(&user).send(),
    );
    assert_eq!(message, "User has no master cross-signing key");
    let key = "Y29udHJhY3QtdGVzdC1tYXN0ZXIta2V5LTMyLWJ5dGU"; // 32 bytes
    s.ok_as(
        &token,
        "POST",
        "/_matrix/client/v3/keys/device_signing/upload",
        Some(&json!({"master_key": {
            "user_id": user, "usage": ["master"], "keys": {format!("ed25519:{key}"): key},
        }})),
    );
    let got = ok(
        "allow_cross_signing_replacement",
        admin().allow_cross_signing_replacement().user_id(&user).send(),
    );
    assert!(got.updatable_without_uia_before_ms > 1_700_000_000_000);
    raw(
        "allow_cross_signing_replacement",
        "POST",
        &user_target(&user, "/_allow_cross_signing_replacement_without_uia"),
        None,
    );
}

#[test]
fn list_users_v3() {
    let s = synapse();
    let names = |page: &types::UserList| -> Vec<String> {
        page.users.iter().map(|u| u.name.clone()).collect()
    };
    let eve = s.user_id("eve");
    let alice = s.user_id("alice");
    // eve is the seed's deactivated user; alice is active.
    let only = ok("list_users_v3", admin().list_users_v3().deactivated(true).limit(1000).send());
    assert!(names(&only).contains(&eve) && !names(&only).contains(&alice), "{only:?}");
    assert!(only.users.iter().all(|u| u.deactivated));
    let active = ok("list_users_v3", admin().list_users_v3().deactivated(false).limit(1000).send());
    assert!(!names(&active).contains(&eve) && names(&active).contains(&alice));
    let both = ok("list_users_v3", admin().list_users_v3().limit(1000).send());
    assert!(names(&both).contains(&eve) && names(&both).contains(&alice));
    // (Totals are not compared: other tests add users meanwhile.)
    let page = raw(
        "list_users_v3",
        "GET",
        "/_synapse/admin/v3/users?deactivated=true&limit=1&guests=true",
        None,
    );
    assert_eq!(page["users"].as_array().map(Vec::len), Some(1), "{page}");
}

fn shared_secret() -> String {
    let path = synapse().data_dir.join("homeserver.yaml");
    let config: serde_yaml::Mapping =
        serde_yaml::from_str(&std::fs::read_to_string(path).expect("homeserver.yaml"))
            .expect("YAML");
    config["registration_shared_secret"].as_str().expect("a secret").to_string()
}

#[test]
fn get_registration_nonce_and_register_with_shared_secret() {
    let s = synapse();
    let nonce = ok("get_registration_nonce", client_as(None).get_registration_nonce().send()).nonce;
    assert_eq!(nonce.len(), 128, "{nonce}");
    let name = unique("contractreg");
    let secret = shared_secret();
    let mac =
        synadm::api::registration_mac(secret.as_bytes(), &nonce, &name, "pw", false, Some("bot"));
    let made = ok(
        "register_with_shared_secret",
        client_as(None)
            .register_with_shared_secret()
            .body(types::SharedSecretRegistration {
                nonce,
                username: name.clone(),
                password: "pw".into(),
                mac,
                admin: Some(false),
                user_type: Some("bot".into()),
                displayname: Some("Contract Bot".into()),
                inhibit_login: None,
            })
            .send(),
    );
    assert_eq!(made.user_id, format!("@{name}:{}", s.server_name));
    assert_eq!(made.home_server, s.server_name);
    assert!(made.access_token.is_some() && made.device_id.is_some(), "{made:?}");

    // Raw, not logged in: only the two required fields.
    let nonce = raw_as("get_registration_nonce", None, "GET", "/_synapse/admin/v1/register", None);
    let nonce = nonce["nonce"].as_str().unwrap().to_string();
    let other = unique("contractreg");
    let mac = synadm::api::registration_mac(secret.as_bytes(), &nonce, &other, "pw", true, None);
    let reply = raw_as(
        "register_with_shared_secret",
        None,
        "POST",
        "/_synapse/admin/v1/register",
        Some(json!({"nonce": nonce, "username": other, "password": "pw", "mac": mac,
                    "admin": true, "inhibit_login": true})),
    );
    assert_eq!(
        reply,
        json!({"user_id": format!("@{other}:{}", s.server_name), "home_server": s.server_name})
    );

    // A wrong MAC, a reused nonce.
    let nonce = ok("get_registration_nonce", client_as(None).get_registration_nonce().send()).nonce;
    let body = |mac: String| json!({"nonce": nonce, "username": unique("contractreg"), "password": "pw", "mac": mac});
    // The wrong MAC is refused (403) and uses the nonce up, so the same request again is a
    // reused nonce (400).
    for status in [403, 400] {
        let (op, path) = ("register_with_shared_secret", "/_synapse/admin/v1/register");
        raw_error(op, None, "POST", path, Some(body("00".repeat(20))), status, "M_UNKNOWN");
    }
}

#[test]
fn renew_account_validity() {
    let s = synapse();
    let (user, _) = s.fresh_user("contract validity");
    let set = ok(
        "renew_account_validity",
        admin()
            .renew_account_validity()
            .body(types::AccountValidityRequest {
                user_id: user.clone(),
                expiration_ts: Some(4_102_444_800_000),
                enable_renewal_emails: Some(false),
            })
            .send(),
    );
    assert_eq!(set.expiration_ts, 4_102_444_800_000);
    let reply = raw(
        "renew_account_validity",
        "POST",
        "/_synapse/admin/v1/account_validity/validity",
        Some(json!({"user_id": user, "expiration_ts": 4_102_444_800_001i64})),
    );
    assert_eq!(reply, json!({"expiration_ts": 4_102_444_800_001i64}));
    admin_error(
        "renew_account_validity",
        "POST",
        "/_synapse/admin/v1/account_validity/validity",
        Some(json!({})),
        400,
        "M_UNKNOWN",
    );
}

#[test]
fn get_and_set_experimental_features() {
    let s = synapse();
    let (user, _) = s.fresh_user("contract features");
    let got =
        ok("get_experimental_features", admin().get_experimental_features().user_id(&user).send());
    let mut names: Vec<&String> = got.features.keys().collect();
    names.sort();
    assert_eq!(names, ["msc3575", "msc3881", "msc4222"]);
    assert!(got.features.values().all(|on| !on));
    let set = ok(
        "set_experimental_features",
        admin()
            .set_experimental_features()
            .user_id(&user)
            .body(types::ExperimentalFeatures {
                features: [("msc3881".to_string(), true)].into(),
                extra: Default::default(),
            })
            .send(),
    );
    assert!(set.is_empty(), "{set:?}");
    let path = format!("/_synapse/admin/v1/experimental_features/{}", enc(&user));
    let reply = raw("get_experimental_features", "GET", &path, None);
    assert_eq!(reply["features"]["msc3881"], json!(true), "{reply}");
    raw("set_experimental_features", "PUT", &path, Some(json!({"features": {"msc3881": false}})));
    for features in [json!({}), json!({"msc0000": true})] {
        let body = Some(json!({ "features": features }));
        admin_error("set_experimental_features", "PUT", &path, body, 400, "M_UNKNOWN");
    }
}

/// Shared-secret registration needs no token, so its failures are a wrong MAC and a wrong
/// mount point (the nonce has no other way to fail).
#[test]
fn shared_secret_registration_fails_on_a_wrong_mac_or_mount() {
    let nonce = ok("get_registration_nonce", client_as(None).get_registration_nonce().send()).nonce;
    let message = fails(
        "register_with_shared_secret",
        client_as(None)
            .register_with_shared_secret()
            .body(types::SharedSecretRegistration {
                nonce,
                username: unique("contractwrongmac"),
                password: "pw".into(),
                mac: "00".repeat(20),
                admin: None,
                user_type: None,
                displayname: None,
                inhibit_login: None,
            })
            .send(),
        403,
        "M_UNKNOWN",
    );
    assert_eq!(message, "HMAC incorrect");
    let wrong_mount = wrongly_mounted(|c| c.admin_path = "/_synapse/admin/v0".into());
    fails(
        "get_registration_nonce",
        wrong_mount.get_registration_nonce().send(),
        404,
        "M_UNRECOGNIZED",
    );
}
