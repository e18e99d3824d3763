//! `regtok …` against the real server, every change read back with the admin API.

use crate::common::unique;
use crate::support::{Cli, server};
use serde_json::{Value, json};

/// 2999-01-01T00:00:00Z (the tests run with TZ=UTC).
const FAR_FUTURE_MS: i64 = 32_472_144_000_000;

/// The admin API's view of a token; `None` if it does not exist.
fn read_back(token: &str) -> Option<Value> {
    let (status, reply) = server().admin_request(
        "GET",
        &format!("/_synapse/admin/v1/registration_tokens/{token}"),
        None,
    );
    match status {
        200 => Some(reply),
        404 => None,
        _ => panic!("reading token {token}: HTTP {status}: {reply}"),
    }
}

fn names(list: &Value) -> Vec<String> {
    list["registration_tokens"]
        .as_array()
        .unwrap_or_else(|| panic!("not a token list: {list}"))
        .iter()
        .map(|t| t["token"].as_str().expect("token").to_string())
        .collect()
}

#[test]
fn regtok_new_details_and_list() {
    let cli = Cli::admin();
    let name = unique("e2e-new");
    let made = cli.json(&["regtok", "new", "-n", &name, "-u", "3", "-e", "2999-01-01"]);
    let stored = read_back(&name).expect("created");
    assert_eq!(
        stored,
        json!({"token": name, "uses_allowed": 3, "pending": 0, "completed": 0,
               "expiry_time": FAR_FUTURE_MS})
    );
    assert_eq!(made, stored);
    assert_eq!(cli.json(&["regtok", "details", &name, "--ts"]), stored);
    // As synadm: the expiry as a date (local time; the tests run in UTC).
    let mut dated = stored.clone();
    dated["expiry_time"] = json!("2999-01-01 00:00:00");
    assert_eq!(cli.json(&["regtok", "details", &name]), dated);

    let random = cli.json(&["regtok", "new", "-l", "20"]);
    let random_name = random["token"].as_str().expect("token").to_string();
    assert_eq!(random_name.len(), 20);
    assert_eq!(read_back(&random_name).expect("created")["uses_allowed"], Value::Null);

    let used_up = unique("e2e-used-up");
    cli.json(&["regtok", "new", "--token", &used_up, "--uses-allowed", "0"]);
    let valid = names(&cli.json(&["regtok", "list", "-v"]));
    let invalid = names(&cli.json(&["regtok", "list", "--invalid"]));
    let all = names(&cli.json(&["regtok", "list"]));
    assert!(valid.contains(&name) && !valid.contains(&used_up), "{valid:?}");
    assert!(invalid.contains(&used_up) && !invalid.contains(&name), "{invalid:?}");
    assert!(all.contains(&name) && all.contains(&used_up) && all.contains(&"seedtoken".into()));

    let human = cli.format("human", &["regtok", "list"]);
    let row = human
        .lines()
        .into_iter()
        .find(|l| l.starts_with(&format!("{used_up} ")))
        .unwrap_or_else(|| panic!("{human:#?}"))
        .to_string();
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(&cells[..3], [used_up.as_str(), "false", "0"], "{row}");
    let details = cli.format("human", &["regtok", "details", &name]);
    details.stdout_has("expiry_time     2999-01-01 00:00:00\n");
    details.stdout_has("remaining_uses  3\n");

    cli.run(&["regtok", "new", "-n", &name]).fails(1, "M_INVALID_PARAM");
}

#[test]
fn regtok_update_to_unlimited_and_never_expiring_sends_null() {
    let cli = Cli::admin();
    let name = unique("e2e-update");
    cli.json(&["regtok", "new", "-n", &name, "-u", "2", "-t", &FAR_FUTURE_MS.to_string()]);

    let open = cli.json(&["regtok", "update", &name, "-u", "-1", "-t", "-1"]);
    let stored = read_back(&name).expect("token");
    assert_eq!(stored["uses_allowed"], Value::Null, "{stored}");
    assert_eq!(stored["expiry_time"], Value::Null, "{stored}");
    assert!(
        stored.get("uses_allowed").is_some() && stored.get("expiry_time").is_some(),
        "null, not absent: {stored}"
    );
    assert_eq!(open, stored);

    // Only what is given changes.
    cli.json(&["regtok", "update", &name, "-u", "5"]);
    let stored = read_back(&name).expect("token");
    assert_eq!(
        (stored["uses_allowed"].clone(), stored["expiry_time"].clone()),
        (json!(5), Value::Null)
    );
    cli.json(&["regtok", "update", &name, "--expire-at", "2999-01-01"]);
    let stored = read_back(&name).expect("token");
    assert_eq!(
        (stored["uses_allowed"].clone(), stored["expiry_time"].clone()),
        (json!(5), json!(FAR_FUTURE_MS))
    );
    cli.json(&["regtok", "update", &name, "--expiry-ts", "-1"]);
    let stored = read_back(&name).expect("token");
    assert_eq!(
        (stored["uses_allowed"].clone(), stored["expiry_time"].clone()),
        (json!(5), Value::Null)
    );
    cli.json(&["regtok", "update", &name, "--uses-allowed=-1"]);
    assert_eq!(read_back(&name).expect("token")["uses_allowed"], Value::Null);

    cli.run(&["regtok", "update", &unique("e2e-missing"), "-u", "1"]).fails(1, "M_NOT_FOUND");
}

#[test]
fn regtok_delete_asks_and_deletes() {
    let cli = Cli::admin();
    let name = unique("e2e-delete");
    cli.json(&["regtok", "new", "-n", &name]);

    cli.run_with_input(&["regtok", "delete", &name], "n\n").fails(6, "aborted");
    assert!(read_back(&name).is_some(), "declined: still there");
    let out = cli.run_with_input(&["-o", "json", "regtok", "delete", &name], "y\n").ok();
    assert_eq!(out.json(), json!({}));
    assert!(read_back(&name).is_none(), "deleted");

    cli.run(&["--batch", "regtok", "delete", &name]).fails(1, "M_NOT_FOUND");
    assert!(read_back("seedtoken").is_some(), "other tokens stay");
}
