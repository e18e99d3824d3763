//! Who may call what, for every operation at once: the spec is the table. Each operation that
//! needs a token refuses a request without one (401 `M_MISSING_TOKEN`), and each admin
//! operation refuses a user who is not an admin (403 `M_FORBIDDEN`), before it looks at what
//! the request names. An operation added to the spec is checked here without a new test.
//!
//! The refusals through the generated client (which must decode each operation's 403 as a
//! Matrix error) are one table too, for the operations whose own tests have no other failure
//! to show.

use crate::common::enc;
use crate::support::*;
use serde_json::json;
use synadm::api::{Client, types};

/// A value for each path parameter the spec uses: well-formed, naming nothing that exists
/// (the refusal comes first). A new parameter name fails here until it has one.
fn placeholder(parameter: &str) -> &'static str {
    match parameter {
        "user_id" => "@contract-nobody:test.local",
        "room_id" | "room_id_or_alias" => "!nowhere:test.local",
        "room_alias" => "#nowhere:test.local",
        "event_id" => "$nothing",
        "server_name" => "test.local",
        "destination" => "elsewhere.test",
        "device_id" => "NODEVICE",
        "report_id" => "1",
        "medium" => "email",
        "address" => "nobody@test.invalid",
        "provider" => "nothing",
        "txn_id" => "contract-access",
        "media_id" | "token" | "external_id" | "delete_id" | "purge_id" | "redact_id" => "nothing",
        other => panic!("tests/contract/access.rs has no placeholder for `{{{other}}}`"),
    }
}

/// `template` with each `{parameter}` replaced by its percent-encoded placeholder.
fn instance(template: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').map(|i| open + i).expect("closed `{`");
        out.push_str(&rest[..open]);
        out.push_str(&enc(placeholder(&rest[open + 1..close])));
        rest = &rest[close + 1..];
    }
    out + rest
}

/// A body for the methods that carry one: the refusal comes before the body is read.
fn body_for(method: &str) -> Option<serde_json::Value> {
    matches!(method, "post" | "put").then(|| json!({}))
}

#[test]
fn every_operation_that_needs_a_token_refuses_a_request_without_one() {
    let spec = spec();
    let mut checked = 0;
    for (op, method, template) in spec.operations() {
        if spec.needs_token(op) {
            let body = body_for(method);
            needs_token(op, &method.to_uppercase(), &instance(template), body);
            checked += 1;
        }
    }
    // All but the six that take none: version, nonce, registration, login, server keys and
    // resolving an alias.
    assert_eq!(checked, spec.operations().len() - 6);
}

#[test]
fn every_admin_operation_refuses_a_user_who_is_not_an_admin() {
    let spec = spec();
    let bob = synapse().seed_str("/users/bob/token");
    let admin = |template: &str| template.starts_with("/_synapse/admin/");
    let mut checked = 0;
    for (op, method, template) in spec.operations() {
        if admin(template) && spec.needs_token(op) {
            let body = body_for(method);
            forbidden(op, bob, &method.to_uppercase(), &instance(template), body);
            checked += 1;
        }
    }
    // Every admin operation but the three without a token (version, nonce, registration).
    let admin_operations = spec.operations().iter().filter(|o| admin(o.2)).count();
    assert_eq!(checked, admin_operations - 3);
}

fn bob() -> Client {
    client_as(Some(synapse().seed_str("/users/bob/token")))
}

const USER: &str = "@contract-nobody:test.local";
const ROOM: &str = "!nowhere:test.local";
const MEDIA: &str = "nothing";

/// Through the generated client: each of these operations' replies to a non-admin decodes as
/// the Matrix error 403 `M_FORBIDDEN`. These are the operations whose own tests make no other
/// call fail (a refusal is the only failure that needs no particular state).
#[test]
fn the_generated_client_decodes_a_refusal_of_a_non_admin() {
    let c = bob();
    let server = synapse().server_name.clone();
    fails_forbidden("list_users", c.list_users().send());
    fails_forbidden("list_users_v3", c.list_users_v3().send());
    fails_forbidden("get_user_admin", c.get_user_admin().user_id(USER).send());
    fails_forbidden("list_user_joined_rooms", c.list_user_joined_rooms().user_id(USER).send());
    fails_forbidden("list_user_memberships", c.list_user_memberships().user_id(USER).send());
    fails_forbidden(
        "get_sent_invite_count",
        c.get_sent_invite_count().user_id(USER).from_ts(0).send(),
    );
    fails_forbidden(
        "get_cumulative_joined_room_count",
        c.get_cumulative_joined_room_count().user_id(USER).from_ts(0).send(),
    );
    let limits = types::RateLimitOverride {
        messages_per_second: Some(1),
        burst_count: Some(1),
        extra: Default::default(),
    };
    fails_forbidden(
        "set_ratelimit_override",
        c.set_ratelimit_override().user_id(USER).body(limits).send(),
    );
    fails_forbidden("list_quarantine_changes", c.list_quarantine_changes().send());
    let validity = types::AccountValidityRequest {
        user_id: USER.into(),
        expiration_ts: None,
        enable_renewal_emails: None,
    };
    fails_forbidden("renew_account_validity", c.renew_account_validity().body(validity).send());
    let features = types::ExperimentalFeatures {
        features: [("msc3881".to_string(), true)].into(),
        extra: Default::default(),
    };
    fails_forbidden(
        "set_experimental_features",
        c.set_experimental_features().user_id(USER).body(features).send(),
    );
    let name = types::RenameDeviceRequest { display_name: Some("x".into()) };
    fails_forbidden(
        "rename_user_device",
        c.rename_user_device().user_id(USER).device_id("X").body(name).send(),
    );
    fails_forbidden(
        "delete_user_device",
        c.delete_user_device().user_id(USER).device_id("X").send(),
    );
    fails_forbidden("list_room_media", c.list_room_media().room_id(ROOM).send());
    fails_forbidden("quarantine_room_media", c.quarantine_room_media().room_id(ROOM).send());
    fails_forbidden("quarantine_user_media", c.quarantine_user_media().user_id(USER).send());
    fails_forbidden(
        "quarantine_media",
        c.quarantine_media().server_name(&server).media_id(MEDIA).send(),
    );
    fails_forbidden(
        "unquarantine_media",
        c.unquarantine_media().server_name(&server).media_id(MEDIA).send(),
    );
    fails_forbidden("protect_media", c.protect_media().media_id(MEDIA).send());
    fails_forbidden("unprotect_media", c.unprotect_media().media_id(MEDIA).send());
    fails_forbidden("delete_user_media", c.delete_user_media().user_id(USER).send());
    fails_forbidden("list_destinations", c.list_destinations().send());
    fails_forbidden("list_event_reports", c.list_event_reports().send());
    fails_forbidden("list_user_reports", c.list_user_reports().send());
    fails_forbidden("list_scheduled_tasks", c.list_scheduled_tasks().send());
    fails_forbidden("list_registration_tokens", c.list_registration_tokens().send());
    fails_forbidden("get_background_updates_enabled", c.get_background_updates_enabled().send());
    fails_forbidden("get_background_updates_status", c.get_background_updates_status().send());
    let enabled =
        types::BackgroundUpdatesEnabled { enabled: Some(true), extra: Default::default() };
    fails_forbidden(
        "set_background_updates_enabled",
        c.set_background_updates_enabled().body(enabled).send(),
    );
    let job = types::StartJobRequest {
        job_name: types::BackgroundJob::RegenerateDirectory,
        old_key: None,
        before_ts: None,
    };
    fails_forbidden("start_background_job", c.start_background_job().body(job).send());
    fails_forbidden("list_largest_rooms", c.list_largest_rooms().send());
    fails_forbidden("whois_user", c.whois_user().user_id(USER).send());
    fails_forbidden("shadow_ban_user", c.shadow_ban_user().user_id(USER).send());
    fails_forbidden(
        "get_experimental_features",
        c.get_experimental_features().user_id(USER).send(),
    );
    fails_forbidden(
        "delete_ratelimit_override",
        c.delete_ratelimit_override().user_id(USER).send(),
    );
    let device = types::CreateDeviceRequest { device_id: "X".into() };
    fails_forbidden("create_user_device", c.create_user_device().user_id(USER).body(device).send());
    let devices = types::DeleteDevicesRequest { devices: vec![] };
    fails_forbidden(
        "delete_user_devices",
        c.delete_user_devices().user_id(USER).body(devices).send(),
    );
}

/// What Synapse answers an admin instead of 400 `M_UNKNOWN` when an operation on one user
/// names a user of another server: these do not check where the user lives.
const REMOTE_USER_ANSWERS: &[(&str, u16)] = &[
    // Read from tables that hold remote users too: empty for this one.
    ("list_user_joined_rooms", 200),
    ("list_user_memberships", 200),
    ("quarantine_user_media", 200),
    ("get_sent_invite_count", 200),
    ("get_cumulative_joined_room_count", 200),
    // Redacting a remote spammer's events in the rooms here is what it is for.
    ("redact_user_events", 200),
    // Look the user up among local accounts (or their keys) and find none.
    ("allow_cross_signing_replacement", 404),
    ("reset_password", 404),
];

/// The query and body that make a request to `op` valid but for its user: Synapse checks
/// these before it looks at the user.
fn valid_but_for_the_user(op: &str, method: &str) -> (&'static str, Option<serde_json::Value>) {
    match op {
        "get_sent_invite_count" | "get_cumulative_joined_room_count" => ("?from_ts=0", None),
        "reset_password" => ("", Some(json!({"new_password": "contract-access"}))),
        "set_user_admin" => ("", Some(json!({"admin": false}))),
        "redact_user_events" => ("", Some(json!({"rooms": []}))),
        _ => ("", body_for(method)),
    }
}

/// Every admin operation on one user refuses a user of another server (400 `M_UNKNOWN`),
/// but for the few in [`REMOTE_USER_ANSWERS`].
#[test]
fn every_operation_on_one_user_refuses_a_remote_user() {
    let spec = spec();
    let mut checked = 0;
    for (op, method, template) in spec.operations() {
        if !template.starts_with("/_synapse/admin/") || !template.contains("{user_id}") {
            continue;
        }
        let (query, body) = valid_but_for_the_user(op, method);
        let target = instance(template).replace(&enc(USER), &enc(REMOTE_USER)) + query;
        let method = method.to_uppercase();
        match REMOTE_USER_ANSWERS.iter().find(|(o, _)| *o == op) {
            Some((_, 200)) => {
                raw(op, &method, &target, body);
            }
            Some((_, 404)) => {
                admin_error(op, &method, &target, body, 404, "M_NOT_FOUND");
            }
            Some(other) => panic!("no check for {other:?}"),
            None => {
                admin_error(op, &method, &target, body, 400, "M_UNKNOWN");
            }
        }
        checked += 1;
    }
    assert_eq!(checked, 33, "operations on one user");
}
