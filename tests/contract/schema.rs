//! A checker of JSON replies against the schemas of `openapi/synapse.yaml`.
//!
//! The generated client accepts anything *compatible* with the spec (unknown fields land in
//! `extra`, an optional field's `null` becomes `None`). The contract tests want more: the spec
//! must be *complete and exact*. This walker reports, per operation:
//! - a field the server returned that the schema does not declare;
//! - a `required` field the server left out;
//! - a `null` where the schema is not `nullable`;
//! - a scalar of the wrong JSON type (boolean vs integer vs string), with `oneOf`/`anyOf`
//!   alternatives (the `DbBool` boolean-or-integer) and `allOf` wrappers understood.
//!
//! Objects: keys are checked against `properties`; a schema with typed `additionalProperties`
//! (a map, e.g. `Whois.devices`) checks every value against it instead. A *named* component
//! without `properties` and with untyped `additionalProperties` (`Empty`) declares no field at
//! all, so anything in it is reported; an inline free-form object (`LoginResult.well_known`) is
//! opaque and accepted as is.

use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::fmt::Write as _;

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

/// The parsed spec.
pub struct Spec {
    doc: Value,
}

/// One problem found in a reply, with the JSON path where it was found.
fn problem(out: &mut Vec<String>, path: &str, schema: Option<&str>, text: &str) {
    let mut line = format!("`{path}`: {text}");
    if let Some(name) = schema {
        let _ = write!(line, " (in {name})");
    }
    out.push(line);
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text
    }
}

impl Spec {
    /// Loads `openapi/synapse.yaml` of this crate.
    pub fn load() -> Spec {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/synapse.yaml");
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        Spec::from_yaml(&text)
    }

    pub fn from_yaml(text: &str) -> Spec {
        let doc: Value = serde_yaml::from_str(text).unwrap_or_else(|e| panic!("spec YAML: {e}"));
        Spec { doc }
    }

    /// `(operationId, method, path template)` of every operation, in file order.
    pub fn operations(&self) -> Vec<(&str, &str, &str)> {
        let mut out = Vec::new();
        let Some(paths) = self.doc.get("paths").and_then(Value::as_object) else {
            return out;
        };
        for (path, item) in paths {
            for method in METHODS {
                if let Some(id) = item
                    .get(method)
                    .and_then(|op| op.get("operationId"))
                    .and_then(Value::as_str)
                {
                    out.push((id, method, path.as_str()));
                }
            }
        }
        out
    }

    pub fn operation_ids(&self) -> BTreeSet<String> {
        self.operations()
            .into_iter()
            .map(|(id, _, _)| id.to_string())
            .collect()
    }

    fn operation(&self, op: &str) -> (&str, &str, &Value) {
        let (_, method, path) = self
            .operations()
            .into_iter()
            .find(|(id, _, _)| *id == op)
            .unwrap_or_else(|| panic!("the spec has no operation {op:?}"));
        let value = &self.doc["paths"][path][method];
        (method, path, value)
    }

    /// Panics unless `method path` (a concrete, percent-encoded request target, query allowed)
    /// is an instance of operation `op`, so a raw request really exercises that operation.
    pub fn assert_targets(&self, op: &str, method: &str, target: &str) {
        let (spec_method, template, _) = self.operation(op);
        let path = target.split('?').next().unwrap_or_default();
        let want: Vec<&str> = template.split('/').collect();
        let got: Vec<&str> = path.split('/').collect();
        let same_shape = want.len() == got.len()
            && want.iter().zip(&got).all(|(w, g)| {
                if w.starts_with('{') && w.ends_with('}') {
                    !g.is_empty()
                } else {
                    w == g
                }
            });
        assert!(
            spec_method.eq_ignore_ascii_case(method) && same_shape,
            "{op}: the raw request {method} {target} is not an instance of \
             {} {template}",
            spec_method.to_uppercase()
        );
    }

    /// The schema of the reply of `op` with HTTP `status`: the exact code, else `2XX` (the
    /// operation's one success schema), `4XX` or `5XX`.
    pub fn response_schema(&self, op: &str, status: u16) -> &Value {
        let (_, _, operation) = self.operation(op);
        let responses = operation["responses"]
            .as_object()
            .unwrap_or_else(|| panic!("{op}: no responses in the spec"));
        let exact = status.to_string();
        let class = format!("{}XX", status / 100);
        let response = responses
            .get(&exact)
            .or_else(|| responses.get(&class))
            .or_else(|| {
                (200..300).contains(&status).then(|| {
                    responses
                        .iter()
                        .find(|(code, _)| code.starts_with('2'))
                        .map(|(_, r)| r)
                })?
            })
            .unwrap_or_else(|| panic!("{op}: the spec declares no response for HTTP {status}"));
        let (response, _) = self.resolve(response);
        response
            .pointer("/content/application~1json/schema")
            .unwrap_or_else(|| panic!("{op}: the HTTP {status} response has no JSON schema"))
    }

    /// Every way `value` (the reply of `op` with HTTP `status`) departs from the spec.
    pub fn problems(&self, op: &str, status: u16, value: &Value) -> Vec<String> {
        let mut out = Vec::new();
        self.walk(self.response_schema(op, status), value, "$", None, &mut out);
        out
    }

    /// Panics, listing every problem, unless `value` conforms exactly to the spec.
    pub fn assert_conforms(&self, op: &str, status: u16, value: &Value, what: &str) {
        let problems = self.problems(op, status, value);
        assert!(
            problems.is_empty(),
            "{op}: {what} (HTTP {status}) does not match openapi/synapse.yaml:\n  {}\n\
             reply: {value}",
            problems
                .iter()
                .map(|p| format!("{op}: {p}"))
                .collect::<Vec<_>>()
                .join("\n  ")
        );
    }

    /// Follows `$ref`s; returns the schema and the name of the last component referenced.
    fn resolve<'a>(&'a self, mut schema: &'a Value) -> (&'a Value, Option<&'a str>) {
        let mut name = None;
        for _ in 0..32 {
            let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
                return (schema, name);
            };
            let pointer = reference
                .strip_prefix('#')
                .unwrap_or_else(|| panic!("only local $refs are supported: {reference}"));
            schema = self
                .doc
                .pointer(pointer)
                .unwrap_or_else(|| panic!("dangling $ref {reference}"));
            name = reference.rsplit('/').next();
        }
        panic!("$ref cycle");
    }

    fn walk(
        &self,
        schema: &Value,
        value: &Value,
        path: &str,
        context: Option<&str>,
        out: &mut Vec<String>,
    ) {
        // `own`: the component this schema is (if reached through a `$ref`); `name`: the
        // nearest enclosing component, for messages.
        let (schema, own) = self.resolve(schema);
        let name = own.or(context);
        if value.is_null() {
            if schema.get("nullable") != Some(&Value::Bool(true)) {
                problem(
                    out,
                    path,
                    name,
                    "null, but the spec does not mark it nullable",
                );
            }
            return;
        }

        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            let with_properties = parts
                .iter()
                .filter(|p| self.resolve(p).0.get("properties").is_some())
                .count();
            assert!(
                with_properties <= 1,
                "schema walker: allOf merging several object schemas is not supported ({path})"
            );
            for part in parts {
                self.walk(part, value, path, name, out);
            }
        }
        for (keyword, exactly_one) in [("oneOf", true), ("anyOf", false)] {
            let Some(alternatives) = schema.get(keyword).and_then(Value::as_array) else {
                continue;
            };
            let matching = alternatives
                .iter()
                .filter(|alt| {
                    let mut scratch = Vec::new();
                    self.walk(alt, value, path, name, &mut scratch);
                    scratch.is_empty()
                })
                .count();
            if matching == 0 || (exactly_one && matching > 1) {
                problem(
                    out,
                    path,
                    name,
                    &format!(
                        "{} {} matches {matching} of the {keyword} alternatives",
                        type_name(value),
                        short(value)
                    ),
                );
            }
        }

        let declared_type = schema.get("type").and_then(Value::as_str);
        if let Some(expected) = declared_type {
            let actual = type_name(value);
            let fits = actual == expected || (expected == "number" && actual == "integer");
            if !fits {
                problem(
                    out,
                    path,
                    name,
                    &format!("expected {expected}, got {actual} {}", short(value)),
                );
                return;
            }
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
            && !allowed.contains(value)
        {
            problem(
                out,
                path,
                name,
                &format!("{} is not one of the enum values", short(value)),
            );
        }
        match value {
            Value::Object(map) => self.walk_object(schema, map, path, name, own.is_some(), out),
            Value::Array(items) => {
                if let Some(item_schema) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.walk(item_schema, item, &format!("{path}[{i}]"), name, out);
                    }
                }
            }
            _ => {}
        }
    }

    fn walk_object(
        &self,
        schema: &Value,
        map: &Map<String, Value>,
        path: &str,
        name: Option<&str>,
        is_component: bool,
        out: &mut Vec<String>,
    ) {
        let properties = schema.get("properties").and_then(Value::as_object);
        let additional = schema.get("additionalProperties");
        // `additionalProperties: {}` / `true` / absent: untyped; anything else is a map's
        // value schema.
        let typed_additional = additional.filter(|a| a.as_object().is_some_and(|o| !o.is_empty()));
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            for field in required.iter().filter_map(Value::as_str) {
                if !map.contains_key(field) {
                    problem(
                        out,
                        &format!("{path}.{field}"),
                        name,
                        "required, but the server did not send it",
                    );
                }
            }
        }
        // Objects only described by allOf/oneOf parts were checked there.
        if properties.is_none()
            && typed_additional.is_none()
            && schema.get("type").is_none()
            && (schema.get("allOf").is_some() || schema.get("oneOf").is_some())
        {
            return;
        }
        for (key, item) in map {
            let item_path = if properties.is_some() {
                format!("{path}.{key}")
            } else {
                format!("{path}[{key:?}]")
            };
            if let Some(property) = properties.and_then(|p| p.get(key)) {
                self.walk(property, item, &item_path, name, out);
            } else if let Some(value_schema) = typed_additional {
                self.walk(value_schema, item, &item_path, name, out);
            } else if properties.is_some() || is_component {
                problem(
                    out,
                    &item_path,
                    name,
                    &format!("returned but not declared (value {})", short(item)),
                );
            }
            // else: an inline free-form object; its content is opaque by declaration.
        }
    }
}
