//! Contract tests: every operation of `openapi/synapse.yaml` against a real Synapse.
//!
//! For each operation there is one test, named after its operationId, that
//! - calls it through the generated client and decodes the reply with the generated types;
//! - checks the reply against the spec with the schema walker (`schema.rs`): every field the
//!   server sent is declared, every `required` one is there, `null` only where `nullable`,
//!   scalar types exact. The raw JSON of every reply is checked (the generated client's
//!   requests go through a recording proxy, `record.rs`; requests sent outside the client are
//!   read directly), and so is the typed reply serialised back (so nothing hides in the
//!   flattened `extra` maps);
//! - makes one call fail and checks it decodes as a Matrix error with the right status and
//!   errcode (and that the raw error body matches `MatrixError`).
//!
//! Coverage is what the tests really call: after a full run, an operation without a
//! successful and a failing call through the generated client fails the run, and the optional
//! properties no reply carried are listed in `target/contract-unseen.txt` (see `record.rs`).
//!
//! Destructive operations work on `fresh_user` users and on rooms the tests create, so the tests
//! stay independent of each other and of the seed data (the seeded History room is purged, by
//! `history.rs` only). Run against PostgreSQL with `SYNADM_TEST_DB=postgres`.

#[path = "../common/mod.rs"]
mod common;
mod record;
mod schema;
mod support;

mod access;
mod account;
mod devices;
mod federation;
mod history;
mod matrix;
mod media;
mod notices;
mod regtok;
mod reports;
mod room_events;
mod rooms;
mod server;
mod server_wide;
mod users;

use schema::Spec;
use serde_json::json;

/// The walker itself, on a small spec: it must catch each kind of mismatch it promises to.
mod walker {
    use super::*;

    pub fn spec() -> Spec {
        Spec::from_yaml(
            r##"
openapi: 3.0.3
info: { title: t, version: "1" }
paths:
  /thing/latest:
    get:
      operationId: get_latest_thing
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Empty" }
  /thing/{id}:
    get:
      operationId: get_thing_by_id
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Part" }
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
        inline:
          type: object
          required: [a]
          properties:
            a: { type: string }
            b: { type: string }
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
        assert!(found[0].contains("`$.surprise`: returned but not declared"), "{found:?}");
        assert!(found[1].contains("`$.parts[0].deep`"), "{found:?}");
        assert!(found[1].contains("(in Part)"), "{found:?}");
        assert!(found[2].contains(r#"`$.by_key["k"].z`"#), "{found:?}");
    }

    #[test]
    fn walker_reports_missing_required_fields_and_stray_nulls() {
        let found = problems(json!({ "name": null, "maybe": null, "parts": [{}] }));
        assert!(found.iter().any(|p| p.contains("`$.count`: required")), "{found:?}");
        assert!(found.iter().any(|p| p.contains("`$.name`: null")), "{found:?}");
        assert!(found.iter().any(|p| p.contains("`$.parts[0].id`: required")), "{found:?}");
        assert_eq!(found.len(), 3, "{found:?}");
    }

    #[test]
    fn walker_reports_wrong_scalar_types() {
        let found = problems(json!({
            "name": 1, "count": "1", "maybe": false, "flag": "yes", "wrapped": "no",
        }));
        assert_eq!(found.len(), 5, "{found:?}");
        assert!(found[0].contains("`$.name`: expected string, got integer"), "{found:?}");
        assert!(found[1].contains("`$.count`: expected integer, got string"), "{found:?}");
        assert!(found[3].contains("`$.flag`: string \"yes\" matches 0 of the oneOf"), "{found:?}");
    }

    #[test]
    fn walker_treats_a_named_object_without_properties_as_empty() {
        assert!(spec().problems("get_thing", 404, &json!({})).is_empty());
        let found = spec().problems("get_thing", 404, &json!({ "errcode": "M_X" }));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("`$[\"errcode\"]`: returned but not declared"), "{found:?}");
    }

    #[test]
    fn walker_knows_which_requests_belong_to_an_operation() {
        let s = spec();
        s.assert_targets("get_thing", "GET", "/thing?x=1");
        let wrong = std::panic::catch_unwind(|| s.assert_targets("get_thing", "POST", "/thing"));
        assert!(wrong.is_err());
    }

    #[test]
    fn walker_maps_requests_to_the_most_specific_operation() {
        let s = spec();
        let op = |method, target| s.operation_for(method, target);
        assert_eq!(op("GET", "/thing?x=1"), Some("get_thing"));
        assert_eq!(op("GET", "/thing/latest"), Some("get_latest_thing"));
        assert_eq!(op("GET", "/thing/%21a%2Fb"), Some("get_thing_by_id"));
        assert_eq!(op("POST", "/thing"), None);
        assert_eq!(op("GET", "/thing/a/b"), None);
        assert_eq!(op("GET", "/thing/"), None);
    }

    #[test]
    fn walker_reports_the_declared_properties_a_reply_had() {
        let s = spec();
        let seen = s.assert_conforms(
            "get_thing",
            200,
            &json!({
                "name": "x", "count": 1, "maybe": null, "flag": true,
                "parts": [{ "id": "a" }], "inline": { "a": "y" },
            }),
            "a test reply",
        );
        let described: Vec<String> = seen.iter().map(schema::describe).collect();
        assert_eq!(
            described,
            [
                "Part.id",
                "Thing.count",
                "Thing.flag",
                "Thing.inline",
                "Thing.maybe",
                "Thing.name",
                "Thing.parts",
                "#/components/schemas/Thing/properties/inline .a",
            ]
        );
    }

    #[test]
    fn walker_lists_optional_properties_no_reply_had() {
        let s = spec();
        let optional: Vec<String> = s.optional_properties().iter().map(schema::describe).collect();
        assert_eq!(
            optional,
            [
                "Thing.by_key",
                "Thing.flag",
                "Thing.free",
                "Thing.inline",
                "Thing.parts",
                "Thing.wrapped",
                "#/components/schemas/Thing/properties/inline .b",
            ]
        );
        let seen = s.assert_conforms(
            "get_thing",
            200,
            &json!({
                "name": "x", "count": 1, "maybe": "m", "wrapped": null, "by_key": {},
                "free": {}, "inline": { "a": "y", "b": "z" },
            }),
            "a test reply",
        );
        // `wrapped` was null, which counts as seen; `by_key` was seen, so listing it is stale.
        let unseen =
            record::unseen(&s, &seen, &[("Thing.flag", "a reason"), ("Thing.by_key", "a reason")]);
        assert_eq!(unseen.unexplained, ["Thing.parts"]);
        assert_eq!(unseen.stale, ["Thing.by_key"]);
    }
}

/// The pieces of the run's record (`record.rs`) that can be checked without a server.
mod recording {
    use super::*;
    use record::{Calls, coverage_gaps, is_full_run, operation_of, read_request};
    use std::collections::{BTreeMap, BTreeSet};

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn only_an_unfiltered_run_checks_coverage() {
        for full in [
            "",
            "--nocapture",
            "--test-threads 1 -q",
            "--test-threads=2 --color always --format terse",
            "--include-ignored --show-output",
        ] {
            assert!(is_full_run(args(full)), "{full:?}");
        }
        for filtered in [
            "users",
            "--test-threads 1 walker",
            "--skip rooms",
            "--skip=rooms",
            "--exact users::get_user",
            "--ignored",
            "--list",
        ] {
            assert!(!is_full_run(args(filtered)), "{filtered:?}");
        }
    }

    #[test]
    fn coverage_needs_a_generated_success_and_failure_per_operation() {
        let ops: BTreeSet<String> = ["a", "b", "c", "d"].map(String::from).into();
        let calls = BTreeMap::from([
            ("a".to_string(), Calls { succeeded: true, failed: true, raw: false }),
            ("b".to_string(), Calls { succeeded: true, failed: false, raw: true }),
            ("c".to_string(), Calls { succeeded: false, failed: false, raw: true }),
        ]);
        assert_eq!(
            coverage_gaps(&ops, &calls),
            [
                "b: no call failing with a Matrix error through the generated client (its raw \
                 requests do not count)",
                "c: no successful call, no call failing with a Matrix error through the generated \
                 client (its raw requests do not count)",
                "d: no successful call, no call failing with a Matrix error through the generated \
                 client",
            ]
        );
    }

    #[test]
    fn requests_under_a_custom_mount_map_to_their_operation() {
        let s = walker::spec();
        let mounts = [("/api/v0".to_string(), "")];
        assert_eq!(
            operation_of(&s, "GET", "/api/v0/thing/latest", &mounts),
            Some("get_latest_thing")
        );
        assert_eq!(operation_of(&s, "GET", "/api/v0/thing?x", &mounts), Some("get_thing"));
        assert_eq!(operation_of(&s, "GET", "/thing", &mounts), Some("get_thing"));
        assert_eq!(operation_of(&s, "GET", "/api/v0x/thing", &mounts), None);
        assert_eq!(operation_of(&s, "GET", "/api/v0/thing", &[]), None);
    }

    #[test]
    fn the_proxy_reads_requests_and_reframes_replies() {
        let request = read_request(
            &mut &b"PUT /thing/%40a HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}rest"[..],
        )
        .expect("a request with a body");
        assert_eq!((request.method.as_str(), request.target.as_str()), ("PUT", "/thing/%40a"));
        assert_eq!(request.headers[1], ("content-length".into(), "2".into()));
        assert_eq!(request.body, b"{}");
        let request = read_request(&mut &b"GET /thing HTTP/1.1\r\n\r\n"[..]).expect("a GET");
        assert!(request.body.is_empty() && request.headers.is_empty());
        assert!(
            read_request(&mut &b"POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n"[..])
                .is_err()
        );

        let upstream = common::parse_response(
            b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n\
              Transfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
            false,
        )
        .expect("a chunked reply");
        let sent = record::response_bytes(&upstream);
        assert_eq!(
            String::from_utf8_lossy(&sent),
            "HTTP/1.1 404 Proxied\r\nContent-Type: application/json\r\ncontent-length: 2\r\n\
             connection: close\r\n\r\n{}"
        );
    }
}
