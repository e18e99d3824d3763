//! Input checked before any request: malformed or oversized IDs, contradictory flags,
//! out-of-range numbers. Each is a usage error (exit 2) with a plain message, and the mock
//! server sees nothing.

use crate::common::words;
use crate::support::{Env, list_entry, usage_errors};
use httpmock::Method::{GET, POST};
use httpmock::Mock;
use serde_json::json;

#[test]
fn a_100000_character_user_id_is_a_short_usage_error_without_a_request() {
    let env = Env::new();
    let any = env.any_request();
    let huge = format!("@{}:example.org", "a".repeat(100_000));
    for args in [
        &["user", "details", huge.as_str()][..],
        &["user", "details", &huge[1..100_000]],
        &["--batch", "user", "deactivate", &huge],
    ] {
        let run = env
            .run(args)
            .fails(2, "user ID (@localpart:server) or a localpart: too long (at most 255 bytes)");
        assert!(run.stderr.len() < 400, "{} bytes: {run:#?}", run.stderr.len());
    }
    let room = format!("!{}:example.org", "r".repeat(100_000));
    let run = env
        .run(&["user", "redact", "@a:example.org", "-r", &room])
        .fails(2, "is too long for a room ID (at most 255 bytes)");
    assert!(run.stderr.len() < 600, "{run:#?}");
    any.assert_calls(0);
}

#[test]
fn an_empty_or_missing_server_part_is_never_completed() {
    let env = Env::new();
    let any = env.any_request();
    for bad in ["@alice:", "alice:"] {
        env.run(&["user", "details", bad]).fails(2, "the server name after ':' is missing");
    }
    env.run(&["user", "details", "alice:example.org"])
        .fails(2, "did you mean \"@alice:example.org\"?");
    any.assert_calls(0);
}

#[test]
fn numbers_out_of_range_get_plain_messages() {
    let runs = usage_errors(
        &[],
        &[
            (&["user", "list", "-l", "0"], "'--limit <LIMIT>': it must be at least 1"),
            (&["user", "list", "-l", "-1"], "negative numbers are not allowed"),
            (&["user", "list", "--limit=-5"], "negative numbers are not allowed"),
            (
                &["user", "list", "-f", "-1"],
                "negative numbers are not allowed; it must be at least 0",
            ),
            (&["user", "media", "alice", "-l", "0"], "it must be at least 1"),
            (&["user", "prune-devices", "alice", "-s", "-1"], "negative numbers are not allowed"),
            (&["user", "prune-devices", "alice", "-d", "-1"], "negative numbers are not allowed"),
            (&["user", "login", "alice", "-d", "-1"], "negative numbers are not allowed"),
            (&["user", "login", "alice", "--expire-ts", "-1"], "negative numbers are not allowed"),
            (&["user", "redact", "alice", "-l", "0"], "it must be at least 1"),
            (&["user", "deactivate-regex", "x", "-p", "0"], "it must be at least 1"),
            (
                &["user", "list", "-l", "99999999999999999999"],
                "it must be at most 9223372036854775807",
            ),
            (&["config", "-w", "0"], "it must be at least 1"),
        ],
    );
    for run in runs {
        for clap_wording in ["is not in 1..", "is not in 0..", "-- -1", "-- -5", "zero"] {
            assert!(!run.stderr.contains(clap_wording), "{run:#?}");
        }
    }
}

#[test]
fn user_modify_refuses_contradictions_and_bad_values_before_any_request() {
    usage_errors(
        &["--batch", "user", "modify", "@alice:example.org"],
        &[
            (&["-a", "-u"], "'--admin' cannot be used with '--no-admin'"),
            (&["-u", "-a"], "cannot be used with"),
            (&["-l", "-L"], "'--lock' cannot be used with '--unlock'"),
            (&["--activate", "--deactivate"], "cannot be used with"),
            (&["--user-type", "admin"], "[possible values: bot, support, regular]"),
            (&["-v", "https://example.org/a.png"], "is not an MXC URI"),
            (&["-v", "mxc://example.org"], "the media ID is missing"),
        ],
    );
}

#[test]
fn prune_devices_checks_the_day_count_before_any_request() {
    let env = Env::new();
    let any = env.any_request();
    env.run(&words("--batch user prune-devices @alice:example.org -d 99999999999999"))
        .fails(2, "99999999999999 days is out of range");
    any.assert_calls(0);
}

/// A server where `@admin:example.org` (the token's owner, per whoami answering with
/// `whoami_status`) and `@adminbot:example.org` both match `@admin`. Returns the mocks of
/// their deactivations.
fn with_admin_among_matches(env: &Env, whoami_status: u16) -> (Mock<'_>, Mock<'_>) {
    env.reply(
        GET,
        "/_matrix/client/v3/account/whoami",
        whoami_status,
        json!({"user_id": "@admin:example.org", "is_guest": false}),
    );
    env.reply_to_query(
        GET,
        "/_synapse/admin/v2/users",
        &[("from", "0"), ("limit", "500"), ("guests", "true")],
        200,
        json!({"users": [
            list_entry("@admin:example.org"), list_entry("@adminbot:example.org"),
            list_entry("@alice:example.org")
        ], "total": 3}),
    );
    let deactivation = |id: &str| {
        env.reply_to_body(
            POST,
            &format!("/_synapse/admin/v1/deactivate/{id}"),
            json!({"erase": false}),
            200,
            json!({"id_server_unbind_result": "success"}),
        )
    };
    (deactivation("@admin:example.org"), deactivation("@adminbot:example.org"))
}

#[test]
fn deactivate_regex_never_includes_the_admin_running_it() {
    let env = Env::new();
    let (admin, bot) = with_admin_among_matches(&env, 200);
    let dry = env.run(&["user", "deactivate-regex", "@admin", "--dry-run"]).ok();
    assert_eq!(dry.json(), json!(["@adminbot:example.org"]));
    assert!(
        dry.stderr.contains(
            "Leaving out @admin:example.org, the admin running this command; pass \
             --include-self to deactivate it too."
        ),
        "{dry:#?}"
    );
    let done = env.run(&["--batch", "user", "deactivate-regex", "@admin"]).ok();
    assert_eq!(done.json()[0]["user_id"], "@adminbot:example.org");
    assert_eq!(done.json().as_array().unwrap().len(), 1);
    done.stderr_has("Leaving out @admin:example.org");
    admin.assert_calls(0);
    bot.assert_calls(1);
}

#[test]
fn deactivate_regex_knows_the_admin_from_the_config_when_whoami_fails() {
    let env = Env::new(); // config: user: admin, homeserver: example.org
    let (admin, bot) = with_admin_among_matches(&env, 500);
    env.run(&["--batch", "user", "deactivate-regex", "@admin"]).ok();
    admin.assert_calls(0);
    bot.assert_calls(1);
}

#[test]
fn deactivate_regex_include_self_is_explicit() {
    let env = Env::new();
    let (admin, bot) = with_admin_among_matches(&env, 200);
    let run = env.run(&words("--batch user deactivate-regex @admin --include-self")).ok();
    assert_eq!(run.json().as_array().unwrap().len(), 2);
    assert!(!run.stderr.contains("Leaving out"), "{run:#?}");
    admin.assert_calls(1);
    bot.assert_calls(1);
}

#[test]
fn overlong_search_terms_are_short_usage_errors_without_a_request() {
    let env = Env::new();
    let mut any = env.any_request();
    let huge = "x".repeat(100_000);
    for args in [
        &["user", "list", "-n", huge.as_str()][..],
        &["user", "list", "-i", &huge],
        &["user", "list", "--exclude-user-type", &huge],
        &["user", "search", &huge],
        &["room", "list", "-n", &huge],
        &["room", "search", &huge],
        &["room", "power-levels", "-n", &huge],
    ] {
        let run = env.run(args).fails(2, "is too long: at most 1024 bytes, this is 100000");
        assert!(run.stderr.len() < 400, "{} bytes: {run:#?}", run.stderr.len());
    }
    let endpoint = format!("v1/{}", "e".repeat(9000));
    for args in [&["raw", endpoint.as_str()][..], &["matrix", "raw", &endpoint]] {
        let run = env.run(args).fails(2, "is too long for an endpoint: at most 8192 bytes");
        assert!(run.stderr.len() < 400, "{} bytes: {run:#?}", run.stderr.len());
    }
    any.assert_calls(0);
    any.delete();
    // 1024 bytes are fine.
    let ok = env.mock(|when, then| {
        when.method(GET).path("/_synapse/admin/v2/users");
        then.status(200).json_body(json!({"users": [], "total": 0}));
    });
    env.run(&["user", "list", "-n", &"x".repeat(1024)]).ok();
    ok.assert_calls(1);
}

#[test]
fn a_network_error_quotes_a_long_url_briefly() {
    let env = Env::with_config("homeserver: example.org\n");
    let config = std::fs::read_to_string(env.config_path()).unwrap();
    let closed = config.replace(&env.server.base_url(), "http://127.0.0.1:9");
    env.write_config(&closed);
    let run = env
        .run(&["user", "list", "-n", &"x".repeat(1024)])
        .fails(4, "network: cannot connect (http://127.0.0.1:9/_synapse/admin/v2/users?");
    run.stderr_has(" bytes)");
    assert!(run.stderr.len() < 600, "{} bytes: {run:#?}", run.stderr.len());
}

#[test]
fn empty_output_format_means_the_configs() {
    // A script's `-o "$FMT"` with FMT unset, as synadm accepts it.
    let env = Env::with_config("homeserver: example.org\nformat: yaml\n");
    env.server_version("1.163.2");
    let config = std::fs::read_to_string(env.config_path()).unwrap();
    env.write_config(&config.replace("format: json\n", ""));
    let run = env.run(&["-o", "", "version"]).ok();
    assert_eq!(run.stdout, "server_version: 1.163.2\n");
    let run = env.run(&["version", "-o", "j"]).ok();
    assert_eq!(run.stdout, "{\n    \"server_version\": \"1.163.2\"\n}\n");
    env.run(&["-o", "xml", "version"]).fails(2, "invalid value 'xml'");
}
