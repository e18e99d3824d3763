//! The spec rules of `openapi/lint.rs` (also enforced by build.rs): the real spec passes, and
//! each rule catches the mistake it exists for, naming the operation.

#[path = "../openapi/lint.rs"]
mod lint;

use serde_json::{Value, json};

fn real_spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/synapse.yaml");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{path}: not valid YAML: {e}"))
}

fn error_responses() -> Value {
    json!({
        "4XX": { "$ref": "#/components/responses/Error" },
        "5XX": { "$ref": "#/components/responses/Error" },
    })
}

fn json_response(schema: &str) -> Value {
    json!({
        "description": "ok",
        "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } },
    })
}

/// A well-formed operation with one success schema.
fn operation(id: &str, schema: &str) -> Value {
    let mut responses = error_responses();
    responses["200"] = json_response(schema);
    json!({
        "operationId": id, "summary": "s", "tags": ["t"], "x-synapse-since": "1.94",
        "responses": responses
    })
}

/// A minimal spec that passes every rule; the tests below break one thing at a time.
fn good_spec() -> Value {
    json!({
        "openapi": "3.0.3",
        "info": { "title": "t", "version": "1" },
        "paths": {
            "/things": { "get": operation("list_things", "Thing") },
            "/things/{id}": {
                "get": operation("get_thing", "Thing"),
                "put": operation("put_thing", "Thing"),
            },
        },
        "components": {
            "responses": {
                "Error": {
                    "description": "error",
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/MatrixError" } } },
                },
            },
            "schemas": {
                "Thing": { "type": "object", "additionalProperties": {} },
                "Other": { "type": "object", "additionalProperties": {} },
                "MatrixError": {
                    "type": "object",
                    "required": ["errcode"],
                    "properties": { "errcode": { "type": "string" } },
                },
            },
        },
    })
}

/// Lint problems that mention `needle`, with all problems in the panic message otherwise.
fn reported(spec: &Value, needle: &str) -> Vec<String> {
    let problems = lint::lint(spec);
    let hits: Vec<String> = problems.iter().filter(|p| p.contains(needle)).cloned().collect();
    assert!(!hits.is_empty(), "expected a problem mentioning {needle:?}, got {problems:#?}");
    hits
}

#[test]
fn the_real_spec_follows_every_rule() {
    let spec = real_spec();
    let problems = lint::lint(&spec);
    assert!(
        problems.is_empty(),
        "openapi/synapse.yaml breaks the spec rules:\n  {}",
        problems.join("\n  ")
    );
    assert!(lint::operations(&spec).len() >= 23, "the spec lost operations");
}

#[test]
fn the_minimal_spec_used_below_is_clean() {
    assert_eq!(lint::lint(&good_spec()), Vec::<String>::new());
}

#[test]
fn lint_reports_duplicate_operation_ids() {
    let mut spec = good_spec();
    spec["paths"]["/things/{id}"]["put"]["operationId"] = json!("get_thing");
    let hits = reported(&spec, "duplicate operationId");
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert!(hits[0].contains(r#"PUT /things/{id} (operationId "get_thing")"#), "{hits:?}");
}

#[test]
fn lint_reports_default_beside_a_success_response() {
    let mut spec = good_spec();
    spec["paths"]["/things"]["get"]["responses"]["default"] = json_response("MatrixError");
    let hits = reported(&spec, "`default` response");
    assert!(hits[0].contains(r#"GET /things (operationId "list_things")"#), "{hits:?}");
}

#[test]
fn lint_reports_two_success_schemas() {
    let mut spec = good_spec();
    spec["paths"]["/things/{id}"]["put"]["responses"]["201"] = json_response("Other");
    let hits = reported(&spec, "needs exactly one success schema, found 2");
    assert!(hits[0].contains(r#"PUT /things/{id} (operationId "put_thing")"#), "{hits:?}");
    // 200 and 201 with the same schema are fine.
    spec["paths"]["/things/{id}"]["put"]["responses"]["201"] = json_response("Thing");
    assert_eq!(lint::lint(&spec), Vec::<String>::new());
}

#[test]
fn lint_reports_additional_properties_false_where_it_is() {
    let mut spec = good_spec();
    spec["components"]["schemas"]["Other"]["additionalProperties"] = json!(false);
    let hits = reported(&spec, "additionalProperties: false is forbidden");
    assert!(hits[0].contains("/components/schemas/Other"), "{hits:?}");

    let mut spec = good_spec();
    spec["paths"]["/things"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] =
        json!({ "type": "object", "additionalProperties": false });
    let hits = reported(&spec, "additionalProperties: false is forbidden");
    assert!(hits[0].contains("/things/get/responses/200"), "{hits:?}");
}

#[test]
fn lint_reports_openapi_3_1() {
    let mut spec = good_spec();
    spec["openapi"] = json!("3.1.0");
    let hits = reported(&spec, "openapi version must be 3.0.x");
    assert!(hits[0].contains("3.1.0"), "{hits:?}");
}

#[test]
fn lint_reports_other_operation_mistakes_by_operation() {
    let mut spec = good_spec();
    let op = &mut spec["paths"]["/things/{id}"]["get"];
    op["operationId"] = json!("getThing");
    op.as_object_mut().expect("operation").remove("summary");
    op["responses"]["404"] = json_response("MatrixError");
    let problems = lint::lint(&spec);
    for needle in ["operationId must be snake_case", "missing summary", "error response 404"] {
        assert!(
            problems
                .iter()
                .any(|p| p.contains(needle) && p.contains(r#"(operationId "getThing")"#)),
            "{needle}: {problems:#?}"
        );
    }

    let mut spec = good_spec();
    spec["paths"]["/things"]["get"]["responses"]["4XX"] = json_response("Other");
    let hits = reported(&spec, "4XX must reference the Error response");
    assert!(hits[0].contains("list_things"), "{hits:?}");
}

#[test]
fn lint_reports_an_operation_without_the_release_that_introduced_it() {
    for bad in [None, Some(json!("")), Some(json!("1")), Some(json!("1.x")), Some(json!(1.94))] {
        let mut spec = good_spec();
        let op = spec["paths"]["/things"]["get"].as_object_mut().expect("operation");
        match bad {
            Some(v) => op.insert("x-synapse-since".into(), v),
            None => op.remove("x-synapse-since"),
        };
        let hits = reported(&spec, "x-synapse-since must name the first Synapse release");
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert!(hits[0].contains("list_things"), "{hits:?}");
    }
    let mut spec = good_spec();
    spec["paths"]["/things"]["get"]["x-synapse-since"] = json!("1.140.2");
    assert_eq!(lint::lint(&spec), Vec::<String>::new());
}
