//! Contract tests: every operation of `openapi/synapse.yaml` against a real Synapse.
//!
//! For each operation there is one test, named after its operationId, that
//! - calls it through the generated client and decodes the reply with the generated types;
//! - checks the reply against the spec with the schema walker (`schema.rs`): every field the
//!   server sent is declared, every `required` one is there, `null` only where `nullable`,
//!   scalar types exact. Both the raw JSON of a request sent outside the client and the typed
//!   reply serialised back (so nothing hides in the flattened `extra` maps) are checked;
//! - makes one call fail and checks it decodes as a Matrix error with the right status and
//!   errcode (and that the raw error body matches `MatrixError`).
//!
//! Destructive operations work on `fresh_user` users and on rooms the tests create, so the tests
//! stay independent of each other and of the seed data (the seeded History room is purged, by
//! `history.rs` only). Run against PostgreSQL with `SYNADM_TEST_DB=postgres`.

#[path = "../common/mod.rs"]
mod common;
mod schema;
mod support;

mod devices;
mod history;
mod matrix;
mod media;
mod notices;
mod regtok;
mod rooms;
mod server;
mod users;

use schema::Spec;
use serde_json::json;

/// The operations that have a contract test above. Must equal the spec's operationIds: an
/// operation added to the spec without a test fails `every_operation_has_a_contract_test`.
const COVERED: &[&str] = &[
    // server
    "get_server_version",
    // users
    "list_users",
    "get_user",
    "put_user",
    "deactivate_user",
    "suspend_user",
    "reset_password",
    "whois_user",
    "list_user_joined_rooms",
    "login_as_user",
    "shadow_ban_user",
    "unshadow_ban_user",
    "get_user_by_external_id",
    "get_user_by_threepid",
    "redact_user_events",
    "get_redact_status",
    // media
    "list_user_media",
    "get_media_info",
    "delete_media",
    "delete_media_by_date_size",
    "purge_media_cache",
    "list_room_media",
    "quarantine_room_media",
    "quarantine_user_media",
    "quarantine_media",
    "unquarantine_media",
    "protect_media",
    "unprotect_media",
    // registration_tokens
    "list_registration_tokens",
    "get_registration_token",
    "create_registration_token",
    "update_registration_token",
    "delete_registration_token",
    // devices
    "list_user_devices",
    "delete_user_devices",
    // rooms
    "list_rooms",
    "get_room",
    "delete_room_v1",
    "delete_room_v2",
    "get_delete_status_by_room",
    "get_delete_status",
    "list_room_members",
    "get_room_state",
    "get_room_block_status",
    "block_room",
    "make_room_admin",
    "join_user_to_room",
    // history
    "purge_history",
    "get_purge_history_status",
    // notices
    "send_server_notice",
    // matrix
    "whoami",
    "login",
    "list_room_aliases",
    "resolve_room_alias",
    "get_server_keys",
];

#[test]
fn every_operation_has_a_contract_test() {
    let in_spec = support::spec().operation_ids();
    let covered: std::collections::BTreeSet<String> =
        COVERED.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        COVERED.len(),
        covered.len(),
        "COVERED lists an operation twice"
    );
    let untested: Vec<&String> = in_spec.difference(&covered).collect();
    let stale: Vec<&String> = covered.difference(&in_spec).collect();
    assert!(
        untested.is_empty() && stale.is_empty(),
        "operations in openapi/synapse.yaml without a contract test: {untested:?}; \
         COVERED entries the spec no longer has: {stale:?}"
    );
}

/// The walker itself, on a small spec: it must catch each kind of mismatch it promises to.
mod walker {
    use super::*;

    fn spec() -> Spec {
        Spec::from_yaml(
            r##"
openapi: 3.0.3
info: { title: t, version: "1" }
paths:
  /thing:
    get:
      operationId: get_thing
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Thing" }
        "4XX":
          description: error
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Empty" }
components:
  schemas:
    Empty:
      type: object
      additionalProperties: {}
    DbBool:
      oneOf:
        - { type: boolean }
        - { type: integer }
    Part:
      type: object
      required: [id]
      properties:
        id: { type: string }
      additionalProperties: {}
    Thing:
      type: object
      required: [name, count, maybe]
      properties:
        name: { type: string }
        count: { type: integer, format: int64 }
        maybe: { type: string, nullable: true }
        flag: { $ref: "#/components/schemas/DbBool" }
        wrapped:
          nullable: true
          allOf:
            - $ref: "#/components/schemas/DbBool"
        parts:
          type: array
          items: { $ref: "#/components/schemas/Part" }
        by_key:
          type: object
          additionalProperties: { $ref: "#/components/schemas/Part" }
        free: { type: object, additionalProperties: {} }
      additionalProperties: {}
"##,
        )
    }

    fn problems(value: serde_json::Value) -> Vec<String> {
        spec().problems("get_thing", 200, &value)
    }

    #[test]
    fn walker_accepts_a_conforming_reply() {
        let found = problems(json!({
            "name": "x", "count": 1, "maybe": null, "flag": 0, "wrapped": null,
            "parts": [{ "id": "a" }], "by_key": { "k": { "id": "b" } },
            "free": { "anything": [1, { "goes": null }] },
        }));
        assert!(found.is_empty(), "{found:?}");
        assert!(
            problems(json!({ "name": "x", "count": 1, "maybe": "y", "flag": true, "wrapped": 1 }))
                .is_empty()
        );
    }

    #[test]
    fn walker_reports_undeclared_fields_at_any_depth() {
        let found = problems(json!({
            "name": "x", "count": 1, "maybe": null, "surprise": 1,
            "parts": [{ "id": "a", "deep": true }], "by_key": { "k": { "id": "b", "z": 0 } },
        }));
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(
            found[0].contains("`$.surprise`: returned but not declared"),
            "{found:?}"
        );
        assert!(found[1].contains("`$.parts[0].deep`"), "{found:?}");
        assert!(found[1].contains("(in Part)"), "{found:?}");
        assert!(found[2].contains(r#"`$.by_key["k"].z`"#), "{found:?}");
    }

    #[test]
    fn walker_reports_missing_required_fields_and_stray_nulls() {
        let found = problems(json!({ "name": null, "maybe": null, "parts": [{}] }));
        assert!(
            found.iter().any(|p| p.contains("`$.count`: required")),
            "{found:?}"
        );
        assert!(
            found.iter().any(|p| p.contains("`$.name`: null")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|p| p.contains("`$.parts[0].id`: required")),
            "{found:?}"
        );
        assert_eq!(found.len(), 3, "{found:?}");
    }

    #[test]
    fn walker_reports_wrong_scalar_types() {
        let found = problems(json!({
            "name": 1, "count": "1", "maybe": false, "flag": "yes", "wrapped": "no",
        }));
        assert_eq!(found.len(), 5, "{found:?}");
        assert!(
            found[0].contains("`$.name`: expected string, got integer"),
            "{found:?}"
        );
        assert!(
            found[1].contains("`$.count`: expected integer, got string"),
            "{found:?}"
        );
        assert!(
            found[3].contains("`$.flag`: string \"yes\" matches 0 of the oneOf"),
            "{found:?}"
        );
    }

    #[test]
    fn walker_treats_a_named_object_without_properties_as_empty() {
        assert!(spec().problems("get_thing", 404, &json!({})).is_empty());
        let found = spec().problems("get_thing", 404, &json!({ "errcode": "M_X" }));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("`$[\"errcode\"]`: returned but not declared"),
            "{found:?}"
        );
    }

    #[test]
    fn walker_knows_which_requests_belong_to_an_operation() {
        let s = spec();
        s.assert_targets("get_thing", "GET", "/thing?x=1");
        let wrong = std::panic::catch_unwind(|| s.assert_targets("get_thing", "POST", "/thing"));
        assert!(wrong.is_err());
    }
}
