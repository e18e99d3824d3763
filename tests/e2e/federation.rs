//! `federation …` against a failing destination.

use crate::support::{Cli, server};
use serde_json::{Value, json};

const UNREACHABLE: &str = "unreachable.invalid";

/// Gives the server a failing destination: the row its federation sender writes after
/// failed transactions (first failure a minute ago, last try now, next in 10 minutes). The
/// test server does not federate (its whitelist is empty), so the row is written directly;
/// everything the commands do with it goes through the admin API.
fn failing_destination() {
    let now = chrono::Utc::now().timestamp_millis();
    server().sql(&format!(
        "INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts) \
         VALUES ('{UNREACHABLE}', {now}, 600000, {})",
        now - 60_000
    ));
}

#[test]
fn a_failing_destination_is_listed_shown_and_reset() {
    let cli = Cli::admin();
    failing_destination();
    let page = cli.json(&["federation", "list", "-n", UNREACHABLE]);
    assert_eq!(page["total"], 1, "{page}");
    let listed = page["destinations"][0].clone();
    assert_eq!(
        (&listed["destination"], &listed["retry_interval"]),
        (&json!(UNREACHABLE), &json!(600000))
    );
    let shown = cli.json(&["federation", "show", UNREACHABLE]);
    assert_eq!(shown, listed);
    let human = cli.format("human", &["federation", "show", UNREACHABLE]).ok();
    let failure = human
        .lines()
        .into_iter()
        .find(|l| l.starts_with("failure_ts"))
        .unwrap_or_default()
        .to_string();
    assert!(failure.contains(&chrono::Local::now().format("%Y-%m-%d").to_string()), "{human:#?}");
    // Sorted by failure time, newest first, it leads (only failing ones have one).
    let by_failure = cli.json(&["federation", "list", "-s", "failure_ts", "-r", "-l", "1"]);
    assert_eq!(by_failure["destinations"][0]["destination"], UNREACHABLE, "{by_failure}");
    let rooms = cli.json(&["federation", "rooms", UNREACHABLE]);
    assert_eq!(rooms["total"], 0, "no room has a member there: {rooms}");

    cli.run_with_input(&["federation", "reset", UNREACHABLE], "")
        .fails(6, "Forget the failures of unreachable.invalid");
    cli.run(&["--batch", "federation", "reset", UNREACHABLE])
        .ok()
        .stderr_has("the retry timing is reset");
    let after: Value = cli.json(&["federation", "show", UNREACHABLE]);
    assert_eq!(after["failure_ts"], Value::Null, "{after}");
    // Not failing any more: Synapse has nothing to reset.
    cli.run(&["--batch", "federation", "reset", UNREACHABLE]).fails(1, "does not need to be reset");
    cli.run(&["federation", "show", "never.seen.example"]).fails(1, "M_NOT_FOUND");
    cli.run(&["federation", "show", "a/b"]).fails(2, "server name");
}
