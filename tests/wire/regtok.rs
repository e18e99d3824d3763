//! Every `regtok` command: the exact request on the wire (an explicit `null` where the
//! token becomes unlimited or never-expiring), the output, and usage errors.

use crate::common::words;
use crate::support::{Env, WhenExt, usage_errors};
use httpmock::Method::{DELETE, GET, POST, PUT};
use serde_json::{Value, json};

const TOKENS: &str = "/_synapse/admin/v1/registration_tokens";

fn token(name: &str, uses: Value, pending: i64, completed: i64, expiry: Value) -> Value {
    json!({"token": name, "uses_allowed": uses, "pending": pending, "completed": completed,
           "expiry_time": expiry})
}

#[test]
fn regtok_list_filters_and_shows_validity_and_remaining_uses() {
    let env = Env::new();
    let reply = json!({"registration_tokens": [
        token("open", json!(null), 0, 3, json!(null)),
        token("used", json!(2), 1, 1, json!(null)),
        token("expiring", json!(5), 0, 1, json!(32_472_144_000_000_i64)),
        token("expired", json!(null), 0, 0, json!(1_000_000_000_000_i64)),
    ]});
    let all = env.mock(|when, then| {
        when.method(GET).path(TOKENS).query_param_missing("valid");
        then.status(200).json_body(reply.clone());
    });
    let valid = env.mock(|when, then| {
        when.method(GET).path(TOKENS).query_param("valid", "true");
        then.status(200).json_body(json!({"registration_tokens": []}));
    });
    let invalid = env.mock(|when, then| {
        when.method(GET).path(TOKENS).query_param("valid", "false");
        then.status(200).json_body(json!({"registration_tokens": []}));
    });
    // Machine formats: the server's document with its times as dates, as synadm prints
    // it; with --timestamp, in ms.
    let mut dated = reply.clone();
    dated["registration_tokens"][2]["expiry_time"] = json!("2999-01-01 00:00:00");
    dated["registration_tokens"][3]["expiry_time"] = json!("2001-09-09 01:46:40");
    assert_eq!(env.run(&["regtok", "list"]).ok().json(), dated);
    assert_eq!(env.run(&["regtok", "list", "--ts"]).ok().json(), reply);
    let yaml = env.run(&["-o", "yaml", "regtok", "list"]).ok().stdout;
    assert!(yaml.contains("expiry_time: 2999-01-01 00:00:00\n"), "{yaml}");

    let human = env.run(&["-o", "human", "regtok", "list"]).ok();
    assert_eq!(
        human.stdout,
        "token     valid  remaining_uses  uses_allowed  pending  completed  expiry_time\n\
         --------  -----  --------------  ------------  -------  ---------  -------------------\n\
         open      true   unlimited       unlimited     0        3          never\n\
         used      false  0               2             1        1          never\n\
         expiring  true   4               5             0        1          2999-01-01 00:00:00\n\
         expired   false  unlimited       unlimited     0        0          2001-09-09 01:46:40\n"
    );
    human.stderr_has("4 registration tokens.");
    let raw = env.run(&["-o", "human", "regtok", "list", "--ts"]).ok();
    raw.stdout_has("32472144000000");

    let none = env.run(&["-o", "human", "regtok", "list", "-v"]).ok();
    assert_eq!(none.stdout, "");
    assert!(none.stderr.contains("No registration tokens."));
    assert_eq!(
        env.run(&["regtok", "list", "--invalid"]).ok().json(),
        json!({"registration_tokens": []})
    );
    env.run(&["regtok", "list", "--valid", "--invalid"]).ok();
    all.assert_calls(5);
    valid.assert_calls(1);
    invalid.assert_calls(2);
}

#[test]
fn regtok_details_prints_one_token() {
    let env = Env::new();
    let reply = token("abc", json!(3), 1, 0, json!(null));
    let m = env.reply(GET, &format!("{TOKENS}/abc"), 200, reply.clone());
    assert_eq!(env.run(&["regtok", "details", "abc"]).ok().json(), reply);
    assert_eq!(
        env.run(&["-o", "human", "regtok", "details", "abc"]).ok().stdout,
        "token           abc\n\
         valid           true\n\
         remaining_uses  2\n\
         uses_allowed    3\n\
         pending         1\n\
         completed       0\n\
         expiry_time     never\n"
    );
    m.assert_calls(2);
    env.reply_error(
        GET,
        &format!("{TOKENS}/nope"),
        404,
        "M_NOT_FOUND",
        "No such registration token: nope",
    );
    env.run(&["regtok", "details", "nope"])
        .fails(1, "M_NOT_FOUND: No such registration token: nope (HTTP 404)");
}

#[test]
fn regtok_new_sends_only_what_was_given() {
    let env = Env::new();
    let random = env.mock(|when, then| {
        when.method(POST).path(format!("{TOKENS}/new")).no_query().body(r#"{"length":16}"#);
        then.status(200).json_body(token("Rnd0123456789abc", json!(null), 0, 0, json!(null)));
    });
    let short = env.reply_to_body(
        POST,
        &format!("{TOKENS}/new"),
        json!({"length": 8, "uses_allowed": 0}),
        200,
        token("Rnd01234", json!(0), 0, 0, json!(null)),
    );
    let named = env.reply_to_body(
        POST,
        &format!("{TOKENS}/new"),
        json!({"token": "my.tok-1", "uses_allowed": 5, "expiry_time": 32_472_144_000_000_i64}),
        200,
        token("my.tok-1", json!(5), 0, 0, json!(32_472_144_000_000_i64)),
    );
    let out = env.run(&["regtok", "new"]).ok();
    assert_eq!(out.json()["token"], "Rnd0123456789abc");
    assert!(out.stderr.contains("Registration token Rnd0123456789abc created."));
    env.run(&["regtok", "new", "-l", "8", "-u", "0"]).ok();
    let made = env.run(&words("regtok new -n my.tok-1 -l 20 -u 5 -e 2999-01-01")).ok();
    assert_eq!(made.json()["expiry_time"], 32_472_144_000_000_i64);
    env.run(&words("regtok new --token my.tok-1 --uses-allowed 5 --expiry-ts 32472144000000")).ok();
    random.assert();
    short.assert();
    named.assert_calls(2);
}

#[test]
fn regtok_update_sends_null_for_unlimited_and_never() {
    let env = Env::new();
    let path = format!("{TOKENS}/abc");
    let reply = token("abc", json!(null), 0, 0, json!(null));
    let unlimited = env.mock(|when, then| {
        when.method(PUT).path(path.as_str()).no_query().body(r#"{"uses_allowed":null}"#);
        then.status(200).json_body(reply.clone());
    });
    let never = env.mock(|when, then| {
        when.method(PUT).path(path.as_str()).no_query().body(r#"{"expiry_time":null}"#);
        then.status(200).json_body(reply.clone());
    });
    let both = env.mock(|when, then| {
        when.method(PUT)
            .path(path.as_str())
            .no_query()
            .body(r#"{"uses_allowed":null,"expiry_time":null}"#);
        then.status(200).json_body(reply.clone());
    });
    let set = env.mock(|when, then| {
        when.method(PUT)
            .path(path.as_str())
            .no_query()
            .body(r#"{"uses_allowed":3,"expiry_time":32472144000000}"#);
        then.status(200).json_body(token("abc", json!(3), 0, 0, json!(32_472_144_000_000_i64)));
    });
    let nothing = env.mock(|when, then| {
        when.method(PUT).path(path.as_str()).no_query().body("{}");
        then.status(200).json_body(reply.clone());
    });
    assert_eq!(env.run(&["regtok", "update", "abc", "-u", "-1"]).ok().json(), reply);
    env.run(&["regtok", "update", "abc", "--expiry-ts", "-1"]).ok();
    env.run(&["regtok", "update", "abc", "-u=-1", "-t", "-1"]).ok();
    let human = env.run(&words("-o human regtok update abc -u 3 -e 2999-01-01")).ok();
    human.stdout_has("expiry_time     2999-01-01 00:00:00\n");
    env.run(&["regtok", "update", "abc", "-t", "32472144000000", "-u", "3"]).ok();
    env.run(&["regtok", "update", "abc"]).ok();
    unlimited.assert();
    never.assert();
    both.assert();
    set.assert_calls(2);
    nothing.assert();
}

#[test]
fn regtok_delete_asks_first() {
    let env = Env::new();
    let delete = env.reply(DELETE, &format!("{TOKENS}/abc"), 200, json!({}));
    let declined = env.run_with_input(&["regtok", "delete", "abc"], "n\n").fails(6, "aborted");
    declined.stderr_has("Delete the registration token abc?");
    delete.assert_calls(0);
    let yes = env.run_with_input(&["regtok", "delete", "abc"], "y\n").ok();
    assert_eq!(yes.json(), json!({}));
    assert!(yes.stderr.contains("Registration token abc deleted."));
    env.run(&["--batch", "regtok", "delete", "abc"]).ok();
    delete.assert_calls(2);
}

#[test]
fn regtok_usage_errors_send_nothing() {
    usage_errors(
        &["--batch", "regtok"],
        &[
            (&["new", "-n", "bad token"], "only letters, digits and . _ ~ -"),
            (&["new", "-n", &"x".repeat(65)], "1 to 64 characters"),
            (&["new", "-l", "0"], "not in 1..=64"),
            (&["new", "-l", "65"], "not in 1..=64"),
            (&["new", "-u", "-1"], "negative numbers are not allowed"),
            (&["update", "abc", "-u", "-2"], "it must be at least -1"),
            (&["new", "-t", "1000"], "lies in the past"),
            (&["new", "-e", "2001-01-01"], "lies in the past"),
            (&["new", "-e", "soon"], "is not a date"),
            (&["new", "-t", "32472144000000", "-e", "2999-01-01"], "cannot be used with"),
            (&["update", "abc", "-u", "-2"], "it must be at least -1"),
            (&["update", "abc", "-t", "-5"], "it must be at least -1"),
            (&["update", "abc", "-t", "1000"], "lies in the past"),
            (&["update", "abc", "-t", "-1", "-e", "2999-01-01"], "cannot be used with"),
            (&["update", "new", "-u", "1"], "cannot be read, changed or deleted"),
            (&["details", "new"], "cannot be read, changed or deleted"),
            (&["details", "a/b"], "only letters, digits and . _ ~ -"),
            (&["delete", ""], "1 to 64 characters"),
        ],
    );
}
