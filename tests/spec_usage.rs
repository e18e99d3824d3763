//! Every operation of `openapi/synapse.yaml` is called by some command: a spec operation no
//! command uses is dead weight (or a command that lost its call). Operations that only the
//! tests use are listed explicitly below.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// Operations the CLI does not call, with the reason.
const TEST_ONLY: &[(&str, &str)] = &[
    (
        "get_background_updates_enabled",
        "`server updates status` reports the same flag together with what runs",
    ),
    (
        "send_server_notice",
        "the plain POST stays for library users; `notice send` uses send_server_notice_txn, so that \
     a run can be repeated without sending anyone a notice twice",
    ),
];

fn operation_ids() -> BTreeSet<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/synapse.yaml");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let spec: Value = serde_yaml::from_str(&text).expect("spec is YAML");
    let mut ids = BTreeSet::new();
    for item in spec["paths"].as_object().expect("paths").values() {
        for op in item.as_object().expect("path item").values() {
            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                ids.insert(id.to_string());
            }
        }
    }
    ids
}

/// The text of every Rust file under `dir`.
fn sources(dir: &Path, out: &mut String) {
    for entry in std::fs::read_dir(dir).expect("read src").flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push_str(&std::fs::read_to_string(&path).expect("read source"));
        }
    }
}

#[test]
fn every_spec_operation_is_called_by_a_command() {
    let mut src = String::new();
    sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut src);
    let test_only: BTreeSet<&str> = TEST_ONLY.iter().map(|(id, _)| *id).collect();
    // The generated builder method is named after the operationId: `client.get_room()`.
    let unused: Vec<String> = operation_ids()
        .into_iter()
        .filter(|id| !test_only.contains(id.as_str()))
        .filter(|id| !src.contains(&format!(".{id}()")))
        .collect();
    assert!(
        unused.is_empty(),
        "spec operations no command calls (call them, drop them, or list them in TEST_ONLY \
         with a reason): {unused:?}"
    );
}

#[test]
fn test_only_operations_exist_and_really_are_unused() {
    let ids = operation_ids();
    let mut src = String::new();
    sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut src);
    for (id, why) in TEST_ONLY {
        assert!(ids.contains(*id), "TEST_ONLY names {id}, which the spec lacks");
        assert!(!why.is_empty(), "{id}: say why it is test-only");
        assert!(
            !src.contains(&format!(".{id}()")),
            "{id} is called by a command; remove it from TEST_ONLY"
        );
    }
}
