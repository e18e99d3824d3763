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

/// A declared property of an object schema: the JSON pointer of the object schema in the spec
/// (e.g. `/components/schemas/AdminUser`) and the property's name. The pointer, not a
/// component name, so that inline object schemas are told apart too.
pub type Declared = (String, String);

/// What one walk over a reply found.
#[derive(Default)]
struct Findings {
    problems: Vec<String>,
    /// The declared properties the reply had (also optional ones, also inside `oneOf`
    /// alternatives that matched).
    seen: BTreeSet<Declared>,
}

impl Findings {
    /// One problem, with the JSON path where it was found.
    fn problem(&mut self, path: &str, schema: Option<&str>, text: &str) {
        let mut line = format!("`{path}`: {text}");
        if let Some(name) = schema {
            let _ = write!(line, " (in {name})");
        }
        self.problems.push(line);
    }
}

/// `~` and `/` escaped for one JSON pointer segment (RFC 6901).
fn pointer_segment(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// `AdminUser.approved` for a property of a component schema, else the schema's pointer and
/// the property (inline schemas have no name).
pub fn describe((at, property): &Declared) -> String {
    match at.strip_prefix("/components/schemas/") {
        Some(name) if !name.contains('/') => format!("{name}.{property}"),
        _ => format!("#{at} .{property}"),
    }
}

/// `template` (`/a/{id}/b`) matches the request path `path` segment by segment, a `{…}`
/// segment matching any non-empty segment. Returns the number of literal segments (a more
/// specific template wins when several match), or `None`.
fn template_matches(template: &str, path: &str) -> Option<usize> {
    let want: Vec<&str> = template.split('/').collect();
    let got: Vec<&str> = path.split('/').collect();
    if want.len() != got.len() {
        return None;
    }
    let mut literal = 0;
    for (w, g) in want.iter().zip(&got) {
        if w.starts_with('{') && w.ends_with('}') {
            if g.is_empty() {
                return None;
            }
        } else if w == g {
            literal += 1;
        } else {
            return None;
        }
    }
    Some(literal)
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
                if let Some(id) =
                    item.get(method).and_then(|op| op.get("operationId")).and_then(Value::as_str)
                {
                    out.push((id, method, path.as_str()));
                }
            }
        }
        out
    }

    /// Whether operation `op` needs an access token: the spec's global `security`, unless the
    /// operation declares its own (`security: []` for those that take none).
    pub fn needs_token(&self, op: &str) -> bool {
        let (_, _, operation) = self.operation(op);
        let security = operation.get("security").or_else(|| self.doc.get("security"));
        security.and_then(Value::as_array).is_some_and(|schemes| !schemes.is_empty())
    }

    pub fn operation_ids(&self) -> BTreeSet<String> {
        self.operations().into_iter().map(|(id, _, _)| id.to_string()).collect()
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

    /// The operation that the request `method target` (a concrete, percent-encoded request
    /// target, query allowed) is an instance of: the one whose path template matches with the
    /// most literal segments (`/registration_tokens/new` before `/registration_tokens/{token}`).
    pub fn operation_for(&self, method: &str, target: &str) -> Option<&str> {
        let path = target.split('?').next().unwrap_or_default();
        self.operations()
            .into_iter()
            .filter(|(_, m, _)| m.eq_ignore_ascii_case(method))
            .filter_map(|(id, _, template)| Some((template_matches(template, path)?, id)))
            .max_by_key(|(literal, _)| *literal)
            .map(|(_, id)| id)
    }

    /// Panics unless `method target` is an instance of operation `op`, so a raw request really
    /// exercises that operation.
    pub fn assert_targets(&self, op: &str, method: &str, target: &str) {
        let (spec_method, template, _) = self.operation(op);
        assert!(
            self.operation_for(method, target) == Some(op),
            "{op}: the raw request {method} {target} is not an instance of {} {template}",
            spec_method.to_uppercase()
        );
    }

    /// The JSON pointer of the schema of the reply of `op` with HTTP `status`: the exact code,
    /// else `2XX` (the operation's one success schema), `4XX` or `5XX`.
    fn response_schema(&self, op: &str, status: u16) -> String {
        let (method, template, operation) = self.operation(op);
        let responses = operation["responses"]
            .as_object()
            .unwrap_or_else(|| panic!("{op}: no responses in the spec"));
        let exact = status.to_string();
        let class = format!("{}XX", status / 100);
        let code = [exact, class]
            .into_iter()
            .find(|code| responses.contains_key(code))
            .or_else(|| {
                (200..300)
                    .contains(&status)
                    .then(|| responses.keys().find(|code| code.starts_with('2')).cloned())?
            })
            .unwrap_or_else(|| panic!("{op}: the spec declares no response for HTTP {status}"));
        self.content_schema(method, template, &code)
            .unwrap_or_else(|| panic!("{op}: the HTTP {status} response has no JSON schema"))
    }

    /// The JSON pointer of the JSON schema of the response `code` of `method template`.
    fn content_schema(&self, method: &str, template: &str, code: &str) -> Option<String> {
        let response = format!("/paths/{}/{method}/responses/{code}", pointer_segment(template));
        let (response, _) = self.resolve(&response);
        let schema = format!("{response}/content/application~1json/schema");
        self.doc.pointer(&schema).is_some().then_some(schema)
    }

    /// Every way `value` (the reply of `op` with HTTP `status`) departs from the spec.
    pub fn problems(&self, op: &str, status: u16, value: &Value) -> Vec<String> {
        self.examine(op, status, value).problems
    }

    fn examine(&self, op: &str, status: u16, value: &Value) -> Findings {
        let mut found = Findings::default();
        self.walk(&self.response_schema(op, status), value, "$", None, &mut found);
        found
    }

    /// Panics, listing every problem, unless `value` conforms exactly to the spec. Returns the
    /// declared properties `value` had, for the report of properties no reply ever carried.
    pub fn assert_conforms(
        &self,
        op: &str,
        status: u16,
        value: &Value,
        what: &str,
    ) -> BTreeSet<Declared> {
        let found = self.examine(op, status, value);
        assert!(
            found.problems.is_empty(),
            "{op}: {what} (HTTP {status}) does not match openapi/synapse.yaml:\n  {}\n\
             reply: {value}",
            found.problems.iter().map(|p| format!("{op}: {p}")).collect::<Vec<_>>().join("\n  ")
        );
        found.seen
    }

    /// Every optional property (declared, not `required`) of every object schema that a reply
    /// of some operation can contain, success and error replies alike.
    pub fn optional_properties(&self) -> BTreeSet<Declared> {
        let mut out = BTreeSet::new();
        let mut visited = BTreeSet::new();
        for (_, method, template) in self.operations() {
            let responses = &self.doc["paths"][template][method]["responses"];
            for code in responses.as_object().into_iter().flat_map(|r| r.keys()) {
                if let Some(schema) = self.content_schema(method, template, code) {
                    self.collect_optional(&schema, &mut visited, &mut out);
                }
            }
        }
        out
    }

    fn collect_optional(
        &self,
        at: &str,
        visited: &mut BTreeSet<String>,
        out: &mut BTreeSet<Declared>,
    ) {
        let (at, _) = self.resolve(at);
        if !visited.insert(at.clone()) {
            return;
        }
        let schema = &self.doc.pointer(&at).expect("resolved pointers exist");
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for name in properties.keys() {
                if !required.contains(&name.as_str()) {
                    out.insert((at.clone(), name.clone()));
                }
                let child = format!("{at}/properties/{}", pointer_segment(name));
                self.collect_optional(&child, visited, out);
            }
        }
        for keyword in ["items", "additionalProperties"] {
            if schema.get(keyword).is_some_and(Value::is_object) {
                self.collect_optional(&format!("{at}/{keyword}"), visited, out);
            }
        }
        for keyword in ["allOf", "oneOf", "anyOf"] {
            let count = schema.get(keyword).and_then(Value::as_array).map_or(0, Vec::len);
            for i in 0..count {
                self.collect_optional(&format!("{at}/{keyword}/{i}"), visited, out);
            }
        }
    }

    /// Follows the `$ref`s starting at the schema at JSON pointer `at`; returns the pointer of
    /// the schema finally reached and the name of the last component referenced.
    fn resolve<'a>(&'a self, at: &str) -> (String, Option<&'a str>) {
        let mut at = at.to_string();
        let mut name = None;
        for _ in 0..32 {
            let schema = self.doc.pointer(&at).unwrap_or_else(|| panic!("dangling $ref #{at}"));
            let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
                return (at, name);
            };
            at = reference
                .strip_prefix('#')
                .unwrap_or_else(|| panic!("only local $refs are supported: {reference}"))
                .to_string();
            name = reference.rsplit('/').next();
        }
        panic!("$ref cycle");
    }

    /// Checks `value` (at JSON path `path` of the reply) against the schema at JSON pointer
    /// `at` of the spec.
    fn walk(&self, at: &str, value: &Value, path: &str, context: Option<&str>, out: &mut Findings) {
        // `own`: the component this schema is (if reached through a `$ref`); `name`: the
        // nearest enclosing component, for messages.
        let (at, own) = self.resolve(at);
        let schema = self.doc.pointer(&at).expect("resolved pointers exist");
        let name = own.or(context);
        if value.is_null() {
            if schema.get("nullable") != Some(&Value::Bool(true)) {
                out.problem(path, name, "null, but the spec does not mark it nullable");
            }
            return;
        }

        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            let with_properties = (0..parts.len())
                .filter(|i| {
                    let (part, _) = self.resolve(&format!("{at}/allOf/{i}"));
                    self.doc.pointer(&part).and_then(|p| p.get("properties")).is_some()
                })
                .count();
            assert!(
                with_properties <= 1,
                "schema walker: allOf merging several object schemas is not supported ({path})"
            );
            for i in 0..parts.len() {
                self.walk(&format!("{at}/allOf/{i}"), value, path, name, out);
            }
        }
        for (keyword, exactly_one) in [("oneOf", true), ("anyOf", false)] {
            let Some(alternatives) = schema.get(keyword).and_then(Value::as_array) else {
                continue;
            };
            let mut matching = 0;
            for i in 0..alternatives.len() {
                let mut scratch = Findings::default();
                self.walk(&format!("{at}/{keyword}/{i}"), value, path, name, &mut scratch);
                if scratch.problems.is_empty() {
                    matching += 1;
                    out.seen.append(&mut scratch.seen);
                }
            }
            if matching == 0 || (exactly_one && matching > 1) {
                out.problem(
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
                out.problem(
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
            out.problem(path, name, &format!("{} is not one of the enum values", short(value)));
        }
        match value {
            Value::Object(map) => self.walk_object(&at, map, path, name, own.is_some(), out),
            Value::Array(items) if schema.get("items").is_some() => {
                let item_at = format!("{at}/items");
                for (i, item) in items.iter().enumerate() {
                    self.walk(&item_at, item, &format!("{path}[{i}]"), name, out);
                }
            }
            _ => {}
        }
    }

    fn walk_object(
        &self,
        at: &str,
        map: &Map<String, Value>,
        path: &str,
        name: Option<&str>,
        is_component: bool,
        out: &mut Findings,
    ) {
        let schema = self.doc.pointer(at).expect("resolved pointers exist");
        let properties = schema.get("properties").and_then(Value::as_object);
        let additional = schema.get("additionalProperties");
        // `additionalProperties: {}` / `true` / absent: untyped; anything else is a map's
        // value schema.
        let typed_additional =
            additional.is_some_and(|a| a.as_object().is_some_and(|o| !o.is_empty()));
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            for field in required.iter().filter_map(Value::as_str) {
                if !map.contains_key(field) {
                    out.problem(
                        &format!("{path}.{field}"),
                        name,
                        "required, but the server did not send it",
                    );
                }
            }
        }
        // Objects only described by allOf/oneOf parts were checked there.
        if properties.is_none()
            && !typed_additional
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
            if properties.is_some_and(|p| p.contains_key(key)) {
                out.seen.insert((at.to_string(), key.clone()));
                let property_at = format!("{at}/properties/{}", pointer_segment(key));
                self.walk(&property_at, item, &item_path, name, out);
            } else if typed_additional {
                let value_at = format!("{at}/additionalProperties");
                self.walk(&value_at, item, &item_path, name, out);
            } else if properties.is_some() || is_component {
                out.problem(
                    &item_path,
                    name,
                    &format!("returned but not declared (value {})", short(item)),
                );
            }
            // else: an inline free-form object; its content is opaque by declaration.
        }
    }
}
