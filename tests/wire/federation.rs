//! `federation …`: the queries, string next_tokens followed by --all, and times for people.

use crate::common::words;
use crate::support::Env;
use httpmock::Method::{GET, POST};
use serde_json::json;

const DESTS: &str = "/_synapse/admin/v1/federation/destinations";

fn dest(name: &str, failing: bool) -> serde_json::Value {
    json!({"destination": name, "retry_last_ts": if failing { 1700000000000i64 } else { 0 },
        "retry_interval": if failing { 600000 } else { 0 },
        "failure_ts": if failing { json!(1699999999000i64) } else { json!(null) },
        "last_successful_stream_ordering": null})
}

#[test]
fn list_sends_the_filter_and_order_and_all_follows_string_tokens() {
    let env = Env::new();
    let first = env.reply_to_query(
        GET,
        DESTS,
        &[
            ("from", "0"),
            ("limit", "1000"),
            ("destination", "example"),
            ("order_by", "failure_ts"),
            ("dir", "b"),
        ],
        200,
        json!({"destinations": [dest("a.example", true)], "total": 2, "next_token": "1"}),
    );
    let second = env.reply_to_query(
        GET,
        DESTS,
        &[
            ("from", "1"),
            ("limit", "1000"),
            ("destination", "example"),
            ("order_by", "failure_ts"),
            ("dir", "b"),
        ],
        200,
        json!({"destinations": [dest("b.example", false)], "total": 2}),
    );
    let out = env.run(&words("federation list --all -n example -s failure_ts -r")).ok().json();
    assert_eq!(out, json!([dest("a.example", true), dest("b.example", false)]));
    // A zero retry time is "none", not 1970; failure times are dates.
    let human = env.run(&words("-o human federation list --all -n example -s failure_ts -r")).ok();
    let lines = human.lines();
    assert!(lines[2].starts_with("a.example    2023-11-1"), "{human:#?}");
    assert_eq!(lines[3], "b.example");
    first.assert_calls(2);
    second.assert_calls(2);
    env.run(&["federation", "list", "-s", "size"]).fails(2, "not a destination sort order");
}

#[test]
fn rooms_and_reset_address_the_destination() {
    let env = Env::new();
    let rooms = env.reply_to_query(
        GET,
        &format!("{DESTS}/a.example/rooms"),
        &[("from", "0"), ("limit", "100"), ("dir", "b")],
        200,
        json!({"rooms": [{"room_id": "!r:x", "stream_ordering": 7}], "total": 1}),
    );
    let human = env.run(&["-o", "human", "federation", "rooms", "a.example", "-r"]).ok();
    assert_eq!(human.stdout, "room_id  stream_ordering\n-------  ---------------\n!r:x     7\n");
    human.stderr_has("Rooms shared with a.example: 1");
    let reset = env.reply(POST, &format!("{DESTS}/a.example/reset_connection"), 200, json!({}));
    env.run_with_input(&["federation", "reset", "a.example"], "n\n")
        .fails(6, "Forget the failures of a.example");
    reset.assert_calls(0);
    env.run(&["--batch", "federation", "reset", "a.example"]).ok();
    reset.assert_calls(1);
    rooms.assert_calls(1);
}

#[test]
fn show_prints_one_destination_with_dates_and_blank_zero_times() {
    let env = Env::new();
    let failing = env.reply(GET, &format!("{DESTS}/a.example"), 200, dest("a.example", true));
    let healthy = env.reply(GET, &format!("{DESTS}/b.example"), 200, dest("b.example", false));
    let out = env.run(&["federation", "show", "a.example"]).ok().json();
    assert_eq!(out, dest("a.example", true));
    let human = |args: &[&str]| {
        env.run(&[&["-o", "human", "federation", "show"][..], args].concat()).ok().stdout
    };
    assert_eq!(
        human(&["a.example"]),
        "destination                      a.example\n\
         failure_ts                       2023-11-14 22:13:19\n\
         retry_last_ts                    2023-11-14 22:13:20\n\
         retry_interval                   600000\n\
         last_successful_stream_ordering\n"
    );
    // Zero retry times mean "none": blank, not 1970 or 0.
    assert_eq!(
        human(&["b.example"]),
        "destination                      b.example\n\
         failure_ts\n\
         retry_last_ts\n\
         retry_interval\n\
         last_successful_stream_ordering\n"
    );
    assert!(
        human(&["a.example", "--ts"]).contains("retry_last_ts                    1700000000000\n")
    );
    let any = env.any_request();
    for bad in ["", "a/b.example"] {
        env.run(&["federation", "show", bad]).fails(2, "a destination is a server name");
    }
    any.assert_calls(0);
    failing.assert_calls(3);
    healthy.assert_calls(1);
}
