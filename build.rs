//! Generates the typed Synapse client from `openapi/synapse.yaml` with progenitor
//! (builder interface) into `$OUT_DIR/codegen.rs`, after checking the spec rules so that
//! a spec mistake fails the build with a message naming the operation.

use std::path::Path;
use std::process::exit;

#[path = "openapi/lint.rs"]
mod lint;

const SPEC: &str = "openapi/synapse.yaml";

fn fail(msg: &str) -> ! {
    eprintln!("error: {SPEC}: {msg}");
    exit(1);
}

fn main() {
    println!("cargo:rerun-if-changed={SPEC}");
    println!("cargo:rerun-if-changed=openapi/lint.rs");

    let text = std::fs::read_to_string(SPEC).unwrap_or_else(|e| fail(&e.to_string()));
    let raw: serde_json::Value =
        serde_yaml::from_str(&text).unwrap_or_else(|e| fail(&format!("not valid YAML: {e}")));
    let problems = lint::lint(&raw);
    if !problems.is_empty() {
        fail(&format!("breaks the spec rules:\n  {}", problems.join("\n  ")));
    }
    let since = since_table(&raw);
    let spec: openapiv3::OpenAPI = serde_json::from_value(raw)
        .unwrap_or_else(|e| fail(&format!("not a valid OpenAPI 3.0 document: {e}")));

    let mut settings = progenitor::GenerationSettings::new();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged)
        .with_inner_type(quote::quote!(crate::api::Hooks))
        .with_map_type("::std::collections::BTreeMap")
        .with_derive("PartialEq")
        // PUT /v2/users needs "absent", `null` and `[]` to mean different things.
        .with_replacement("UserUpsert", "crate::api::UserUpsert", std::iter::empty())
        // PUT /v1/registration_tokens/{token}: absent = unchanged, `null` = unlimited/never.
        .with_replacement(
            "RegistrationTokenUpdate",
            "crate::api::RegistrationTokenUpdate",
            std::iter::empty(),
        );

    // progenitor panics (rather than returning Err) on some unsupported input; keep the
    // panic message but drop the backtrace noise.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("error: progenitor panicked while generating from {SPEC}: {info}");
    }));
    let tokens = std::panic::catch_unwind(move || {
        progenitor::Generator::new(&settings).generate_tokens(&spec)
    })
    .unwrap_or_else(|_| fail("the generator panicked (see the message above)"))
    .unwrap_or_else(|e| fail(&format!("progenitor rejected it: {e}")));

    let file: syn::File = syn::parse2(tokens)
        .unwrap_or_else(|e| fail(&format!("generated code does not parse: {e}")));
    let code = prettyplease::unparse(&file);
    let out = std::env::var("OUT_DIR").unwrap_or_else(|e| fail(&e.to_string()));
    std::fs::write(Path::new(&out).join("codegen.rs"), code)
        .unwrap_or_else(|e| fail(&format!("cannot write the generated client: {e}")));
    std::fs::write(Path::new(&out).join("since.rs"), since)
        .unwrap_or_else(|e| fail(&format!("cannot write the release table: {e}")));
}

/// The first Synapse release of each operation (`x-synapse-since`, checked by the lint) and
/// the oldest release checked, as Rust for `src/api/releases.rs`.
fn since_table(spec: &serde_json::Value) -> String {
    let oldest = spec
        .pointer("/info/x-synapse-oldest-checked")
        .and_then(serde_json::Value::as_str)
        .filter(|v| lint::release(v).is_some())
        .unwrap_or_else(|| fail("info.x-synapse-oldest-checked must name a Synapse release"));
    let mut rows: Vec<(String, String)> = lint::operations(spec)
        .iter()
        .map(|op| (op.id().to_string(), op.since().unwrap_or_default().to_string()))
        .collect();
    rows.sort();
    let rows: String =
        rows.iter().map(|(id, since)| format!("    ({id:?}, {since:?}),\n")).collect();
    format!(
        "/// The oldest Synapse release `scripts/spec-drift` checked.\n\
         pub(crate) const OLDEST_CHECKED: &str = {oldest:?};\n\
         /// (operationId, first release serving it), sorted by operationId.\n\
         pub(crate) static SINCE: &[(&str, &str)] = &[\n{rows}];\n"
    )
}
