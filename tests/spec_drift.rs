//! `scripts/spec-drift` against the pinned Synapse: the admin routes it serves that the spec
//! lacks are exactly the gap listed here. When an operation is added to the spec, its route
//! leaves this list (the test fails until it does); when the API issues land, it is empty.
//! A route that Synapse stops serving, or one that appears, fails the test too.

use serde_json::Value;
use std::process::Command;

/// The admin routes of Synapse 1.163.2 that `openapi/synapse.yaml` does not describe yet,
/// as the drift report prints them (method, path with Synapse's parameter names): none.
const MISSING: &[&str] = &[];

/// What the spec leaves out on purpose (the allow-list in `scripts/spec-drift`).
const ALLOWED: &[&str] = &[
    "GET /_synapse/admin/v1/search_users/{target_user_id}",
    "POST /_synapse/admin/v1/media/{server_name}/delete",
    "POST /_synapse/admin/v1/purge_history/{room_id}/{event_id}",
    "POST /_synapse/admin/v1/quarantine_media/{room_id}",
];

/// Runs the drift report on the pinned Synapse (the harness installs it on first use).
fn drift(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new("python3")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/spec-drift"))
        .args(args)
        .env_remove("SYNADM_TEST_SYNAPSE_VERSION")
        .output()
        .expect("run scripts/spec-drift");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

fn routes(list: &Value) -> Vec<String> {
    let mut routes: Vec<String> = list
        .as_array()
        .expect("a list")
        .iter()
        .map(|r| format!("{} {}", r["method"].as_str().unwrap(), r["path"].as_str().unwrap()))
        .collect();
    routes.sort();
    routes
}

fn sorted(list: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

#[test]
fn the_drift_report_finds_exactly_todays_gap_in_the_pinned_synapse() {
    let (code, stdout, stderr) = drift(&["--json"]);
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}\n{stderr}"));
    assert_eq!(report["synapse_version"], include_str!("synapse/synapse-version").trim());
    assert_eq!(routes(&report["missing"]), sorted(MISSING));
    assert_eq!(routes(&report["allowed"]), sorted(ALLOWED));
    assert_eq!(routes(&report["gone"]), Vec::<String>::new());
    assert_eq!(report["routes"], 103);
    assert_eq!(report["covered"], 99);
    assert_eq!(report["spec_operations"], 99);
    // Missing routes fail the report; an empty gap will make it pass.
    assert_eq!(code, Some(if MISSING.is_empty() { 0 } else { 1 }), "{stderr}");
}

#[test]
fn the_human_report_counts_each_area() {
    let (code, stdout, _) = drift(&[]);
    // Nothing missing: the report passes.
    assert_eq!(code, Some(0));
    assert!(
        stdout.starts_with(&format!(
            "Synapse {} serves 103 admin routes; openapi/synapse.yaml has 99 admin operations.\n\
         covered 99, missing 0, left out on purpose 4, gone (in the spec, not served) 0\n",
            include_str!("synapse/synapse-version").trim()
        )),
        "{stdout}"
    );
    let row = |area: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with(area))
            .map(|l| l.split_whitespace().rev().take(4).collect::<Vec<_>>())
    };
    // covered, missing, allowed, gone (read from the right).
    assert_eq!(row("registration tokens"), Some(vec!["0", "0", "0", "5"]));
    assert_eq!(row("reports"), Some(vec!["0", "0", "0", "6"]));
    assert_eq!(row("media"), Some(vec!["0", "2", "0", "9"]));
}

#[test]
fn a_spec_with_an_operation_synapse_does_not_serve_reports_it_as_gone() {
    let spec =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/synapse.yaml"))
            .expect("read the spec");
    let extra = spec.replacen(
        "\npaths:\n",
        "\npaths:\n  /_synapse/admin/v1/no_such_route/{x}:\n    get:\n      operationId: no_such_route\n      x-synapse-since: \"1.999\"\n",
        1,
    );
    assert_ne!(extra, spec);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("spec.yaml");
    std::fs::write(&path, extra).expect("write");
    let (_, stdout, stderr) = drift(&["--json", "--spec", path.to_str().unwrap()]);
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}\n{stderr}"));
    assert_eq!(
        report["gone"],
        serde_json::json!([{"method": "GET", "path": "/_synapse/admin/v1/no_such_route/{x}",
                            "operation_id": "no_such_route", "since": "1.999"}])
    );
}

#[test]
fn a_python_without_synapse_exits_2() {
    let (code, _, stderr) = drift(&["--python", "python3"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("cannot import Synapse"), "{stderr}");
}
