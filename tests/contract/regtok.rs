//! Operations tagged `registration_tokens`.

use crate::support::*;
use serde_json::json;
use synadm::api::{RegistrationTokenUpdate, types};

const TOKENS: &str = "/_synapse/admin/v1/registration_tokens";

/// Creates `token` with the raw admin API (test set-up, not under test).
fn create(token: &str, body: serde_json::Value) {
    let mut body = body;
    body["token"] = json!(token);
    synapse().admin_ok("POST", &format!("{TOKENS}/new"), Some(&body));
}

/// A point in time a day from now, in ms.
fn tomorrow() -> i64 {
    synadm::time::now_ms() + 86_400_000
}

#[test]
fn list_registration_tokens() {
    let expiring = unique("contract-list");
    create(&expiring, json!({ "expiry_time": tomorrow() }));
    let used_up = unique("contract-used-up");
    create(&used_up, json!({ "uses_allowed": 0 }));

    let all = ok("list_registration_tokens", admin().list_registration_tokens().send());
    let find = |list: &types::RegistrationTokens, name: &str| {
        list.registration_tokens.iter().find(|t| t.token == name).cloned()
    };
    let seed = find(&all, "seedtoken").expect("the seed token is listed");
    assert_eq!(seed.uses_allowed, Some(5));
    assert_eq!(seed.expiry_time, None);
    let mine = find(&all, &expiring).expect("the new token is listed");
    assert_eq!(mine.uses_allowed, None);
    assert!(mine.expiry_time.is_some());

    let valid =
        ok("list_registration_tokens", admin().list_registration_tokens().valid(true).send());
    assert!(find(&valid, &expiring).is_some() && find(&valid, &used_up).is_none());
    let invalid =
        ok("list_registration_tokens", admin().list_registration_tokens().valid(false).send());
    assert!(find(&invalid, &used_up).is_some() && find(&invalid, &expiring).is_none());
    raw("list_registration_tokens", "GET", TOKENS, None);
    raw("list_registration_tokens", "GET", &format!("{TOKENS}?valid=false"), None);

    raw_error(
        "list_registration_tokens",
        Some(&synapse().admin_token),
        "GET",
        &format!("{TOKENS}?valid=yes"),
        None,
        400,
        "M_INVALID_PARAM",
    );
}

#[test]
fn get_registration_token() {
    let got =
        ok("get_registration_token", admin().get_registration_token().token("seedtoken").send());
    assert_eq!(got.token, "seedtoken");
    assert_eq!(got.uses_allowed, Some(5));
    let expiring = unique("contract-get");
    let expiry = tomorrow();
    create(&expiring, json!({ "expiry_time": expiry }));
    let reply = raw("get_registration_token", "GET", &format!("{TOKENS}/{expiring}"), None);
    assert_eq!(
        reply,
        json!({ "token": expiring, "uses_allowed": null, "pending": 0, "completed": 0,
                "expiry_time": expiry })
    );

    let nothing = unique("contract-nothing");
    fails_not_found(
        "get_registration_token",
        admin().get_registration_token().token(&nothing).send(),
    );
    raw_error(
        "get_registration_token",
        Some(&synapse().admin_token),
        "GET",
        &format!("{TOKENS}/{nothing}"),
        None,
        404,
        "M_NOT_FOUND",
    );
}

#[test]
fn create_registration_token() {
    let name = unique("contract-new");
    let expiry = tomorrow();
    let created = ok(
        "create_registration_token",
        admin()
            .create_registration_token()
            .body(types::NewRegistrationToken {
                token: Some(name.clone()),
                length: None,
                uses_allowed: Some(3),
                expiry_time: Some(expiry),
            })
            .send(),
    );
    assert_eq!(
        (created.token.as_str(), created.uses_allowed, created.expiry_time),
        (name.as_str(), Some(3), Some(expiry))
    );
    assert_eq!((created.pending, created.completed), (0, 0));
    // A random token of the requested length.
    let random = ok(
        "create_registration_token",
        admin()
            .create_registration_token()
            .body(types::NewRegistrationToken {
                length: std::num::NonZeroU64::new(24),
                ..Default::default()
            })
            .send(),
    );
    assert_eq!(random.token.len(), 24);
    assert_eq!((random.uses_allowed, random.expiry_time), (None, None));
    let raw_new =
        raw("create_registration_token", "POST", &format!("{TOKENS}/new"), Some(json!({})));
    assert_eq!(raw_new["token"].as_str().map(str::len), Some(16));

    let message = fails(
        "create_registration_token",
        admin()
            .create_registration_token()
            .body(types::NewRegistrationToken { token: Some(name.clone()), ..Default::default() })
            .send(),
        400,
        "M_INVALID_PARAM",
    );
    assert!(message.contains("already exists"), "{message}");
    raw_error(
        "create_registration_token",
        Some(&synapse().admin_token),
        "POST",
        &format!("{TOKENS}/new"),
        Some(json!({ "expiry_time": 1000 })),
        400,
        "M_INVALID_PARAM",
    );
}

#[test]
fn update_registration_token() {
    let name = unique("contract-update");
    create(&name, json!({ "uses_allowed": 1 }));
    let expiry = tomorrow();
    let limited = ok(
        "update_registration_token",
        admin()
            .update_registration_token()
            .token(&name)
            .body(RegistrationTokenUpdate {
                uses_allowed: Some(Some(7)),
                expiry_time: Some(Some(expiry)),
            })
            .send(),
    );
    assert_eq!((limited.uses_allowed, limited.expiry_time), (Some(7), Some(expiry)));
    // Explicit nulls: unlimited and never expiring.
    let open = ok(
        "update_registration_token",
        admin()
            .update_registration_token()
            .token(&name)
            .body(RegistrationTokenUpdate { uses_allowed: Some(None), expiry_time: Some(None) })
            .send(),
    );
    assert_eq!((open.uses_allowed, open.expiry_time), (None, None));
    // Absent fields stay as they are.
    let unchanged = raw(
        "update_registration_token",
        "PUT",
        &format!("{TOKENS}/{name}"),
        Some(json!({ "uses_allowed": 2 })),
    );
    assert_eq!(unchanged["uses_allowed"], 2);
    assert_eq!(unchanged["expiry_time"], json!(null));

    let nothing = unique("contract-nothing");
    fails_not_found(
        "update_registration_token",
        admin()
            .update_registration_token()
            .token(&nothing)
            .body(RegistrationTokenUpdate::default())
            .send(),
    );
    raw_error(
        "update_registration_token",
        Some(&synapse().admin_token),
        "PUT",
        &format!("{TOKENS}/{name}"),
        Some(json!({ "uses_allowed": -1 })),
        400,
        "M_INVALID_PARAM",
    );
}

#[test]
fn delete_registration_token() {
    let name = unique("contract-delete");
    create(&name, json!({}));
    let reply =
        ok("delete_registration_token", admin().delete_registration_token().token(&name).send());
    assert!(reply.is_empty(), "{reply:?}");
    let (status, _) = synapse().admin_request("GET", &format!("{TOKENS}/{name}"), None);
    assert_eq!(status, 404, "the token is gone");
    let other = unique("contract-delete-raw");
    create(&other, json!({}));
    raw("delete_registration_token", "DELETE", &format!("{TOKENS}/{other}"), None);

    fails_not_found(
        "delete_registration_token",
        admin().delete_registration_token().token(&name).send(),
    );
    raw_error(
        "delete_registration_token",
        Some(&synapse().admin_token),
        "DELETE",
        &format!("{TOKENS}/{name}"),
        None,
        404,
        "M_NOT_FOUND",
    );
}
