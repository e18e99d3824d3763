//! Checks of the project's spec rules, shared by `build.rs` (which refuses to generate a
//! client from a spec that breaks them) and `tests/spec_lint.rs`.
//!
//! progenitor panics with an assertion deep inside the generator on several of these
//! mistakes; checking first turns that into a message naming the operation.

use serde_json::Value;
use std::collections::BTreeSet;

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

/// One operation of the spec: its method, path and object.
pub struct Operation<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub op: &'a Value,
}

impl Operation<'_> {
    pub fn id(&self) -> &str {
        self.op.get("operationId").and_then(Value::as_str).unwrap_or("")
    }

    /// `x-synapse-since`: the first Synapse release that serves the operation.
    pub fn since(&self) -> Option<&str> {
        self.op.get("x-synapse-since").and_then(Value::as_str)
    }

    fn label(&self) -> String {
        format!("{} {} (operationId {:?})", self.method.to_uppercase(), self.path, self.id())
    }
}

/// Every operation of the spec, in file order.
pub fn operations(spec: &Value) -> Vec<Operation<'_>> {
    let mut out = Vec::new();
    if let Some(paths) = spec.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in METHODS {
                if let Some(op) = item.get(method) {
                    out.push(Operation { method, path, op });
                }
            }
        }
    }
    out
}

/// A release number (`1.72`, `1.72.1`) as its numbers; `None` if it is not one.
pub fn release(s: &str) -> Option<Vec<u32>> {
    let parts: Option<Vec<u32>> = s.split('.').map(|p| p.parse().ok()).collect();
    parts.filter(|p| (2..=3).contains(&p.len()))
}

fn is_snake_case(s: &str) -> bool {
    !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Returns every rule violation found, one message each; empty means the spec is fine.
pub fn lint(spec: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    match spec.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") => {}
        other => problems.push(format!(
            "openapi version must be 3.0.x (progenitor rejects others), found {other:?}"
        )),
    }

    let mut seen = BTreeSet::new();
    for op in operations(spec) {
        let label = op.label();
        let id = op.id();
        if id.is_empty() {
            problems.push(format!("{label}: missing operationId"));
        } else if !is_snake_case(id) {
            problems.push(format!("{label}: operationId must be snake_case"));
        } else if !seen.insert(id.to_string()) {
            problems.push(format!("{label}: duplicate operationId"));
        }
        for key in ["summary", "tags"] {
            if op.op.get(key).is_none() {
                problems.push(format!("{label}: missing {key}"));
            }
        }
        if op.since().and_then(release).is_none() {
            problems.push(format!(
                "{label}: x-synapse-since must name the first Synapse release that serves it \
                 (\"1.N\" or \"1.N.M\"; scripts/spec-drift on older releases tells)"
            ));
        }

        let responses = op.op.get("responses").and_then(Value::as_object);
        let Some(responses) = responses else {
            problems.push(format!("{label}: no responses"));
            continue;
        };
        if responses.contains_key("default") {
            problems.push(format!(
                "{label}: `default` response (progenitor counts it as a success type too); \
                 declare Matrix errors as 4XX/5XX"
            ));
        }
        let mut success_schemas = BTreeSet::new();
        for (status, response) in responses {
            let schema = response
                .pointer("/content/application~1json/schema")
                .map(Value::to_string)
                .unwrap_or_else(|| "<no JSON body>".to_string());
            if status.starts_with('2') {
                success_schemas.insert(schema);
            } else if status != "4XX" && status != "5XX" {
                problems
                    .push(format!("{label}: error response {status}; use 4XX/5XX -> MatrixError"));
            } else if response.get("$ref").and_then(Value::as_str)
                != Some("#/components/responses/Error")
            {
                problems.push(format!("{label}: {status} must reference the Error response"));
            }
        }
        if success_schemas.len() != 1 {
            problems.push(format!(
                "{label}: needs exactly one success schema, found {}",
                success_schemas.len()
            ));
        }
    }

    find_closed_objects(spec, "", &mut problems);
    problems
}

/// `additionalProperties: false` makes a newer Synapse that adds a field break decoding.
fn find_closed_objects(value: &Value, at: &str, problems: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if map.get("additionalProperties") == Some(&Value::Bool(false)) {
                problems.push(format!("{at}: additionalProperties: false is forbidden"));
            }
            for (k, v) in map {
                find_closed_objects(v, &format!("{at}/{k}"), problems);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                find_closed_objects(v, &format!("{at}/{i}"), problems);
            }
        }
        _ => {}
    }
}
