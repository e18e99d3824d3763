//! Every `user` command (and `version`): the exact request on the wire and the output.

use crate::common::words;
use crate::support::{AUTH, DAY_MS, Env, WhenExt, admin_user, list_entry, now_ms};
use httpmock::Method::{DELETE, GET, POST, PUT};
use httpmock::Mock;
use serde_json::{Value, json};

const DETAILS: &str = "/_synapse/admin/v2/users/@alice:example.org";

#[test]
fn version_prints_the_server_version() {
    let env = Env::new();
    let m = env.server_version("1.163.2");
    assert_eq!(env.run(&["version"]).ok().json(), json!({"server_version": "1.163.2"}));
    assert_eq!(env.run(&["-o", "human", "version"]).ok().stdout, "server_version  1.163.2\n");
    assert_eq!(env.run(&["-o", "yaml", "version"]).ok().stdout, "server_version: 1.163.2\n");
    assert_eq!(
        env.run(&["-o", "minified", "version"]).ok().stdout,
        "{\"server_version\":\"1.163.2\"}\n"
    );
    assert_eq!(env.run(&["-o", "p", "version"]).ok().stdout, "{'server_version': '1.163.2'}\n");
    m.assert_calls(5);
}

#[test]
fn every_request_carries_token_user_agent_and_accept() {
    let env = Env::new();
    // Not `env.mock`, which adds the token itself: this test states every header.
    let m = env.server.mock(|when, then| {
        when.method(GET)
            .path("/_synapse/admin/v1/server_version")
            .header("authorization", AUTH)
            .header("accept", "application/json")
            .header("user-agent", concat!("synadm/", env!("CARGO_PKG_VERSION")));
        then.status(200).json_body(json!({"server_version": "1"}));
    });
    env.run(&["version"]).ok();
    m.assert();
}

#[test]
fn user_list_sends_the_defaults_and_renders_json_and_human() {
    let env = Env::new();
    let reply = json!({"users": [list_entry("@alice:example.org")], "total": 1});
    let m = env.mock(|when, then| {
        when.method(GET)
            .path("/_synapse/admin/v2/users")
            .query_param("from", "0")
            .query_param("limit", "100")
            .query_param_missing("guests")
            .query_param_missing("deactivated")
            .query_param_missing("locked")
            .query_param_missing("name");
        then.status(200).json_body(reply.clone());
    });
    assert_eq!(env.run(&["user", "list"]).ok().json(), reply);
    let human = env.run(&["-o", "h", "user", "list"]).ok();
    let lines: Vec<&str> = human.stdout.lines().collect();
    assert!(lines[0].starts_with("name") && lines[0].contains("displayname"), "{human:#?}");
    assert!(lines[2].starts_with("@alice:example.org  Someone"), "{human:#?}");
    assert!(lines[2].contains("2023-11-14"), "creation_ts readable: {human:#?}");
    assert!(human.stderr.contains("Total users (excluding deactivated): 1"));
    m.assert_calls(2);
}

#[test]
fn user_list_filters_map_to_query_parameters() {
    let env = Env::new();
    let m = env.mock(|when, then| {
        when.method(GET)
            .path("/_synapse/admin/v2/users")
            .query_param("from", "5")
            .query_param("limit", "7")
            .query_param("guests", "false")
            .query_param("deactivated", "true")
            .query_param("admins", "false")
            .query_param("order_by", "creation_ts")
            .query_param("dir", "b")
            .query_param("locked", "true")
            .query_param("user_id", "ali")
            .query_param_count("not_user_type", ".*", 2)
            .query_param("not_user_type", "bot")
            .query_param("not_user_type", "");
        then.status(200).json_body(json!({"users": [], "total": 0}));
    });
    env.run(&[
        "user",
        "list",
        "-f",
        "5",
        "-l",
        "7",
        "-G",
        "-d",
        "-A",
        "--sort-by",
        "creation_ts",
        "--reverse",
        "-L",
        "-i",
        "ali",
        "--exclude-user-type",
        "bot",
        "--exclude-user-type",
        "",
    ])
    .ok();
    m.assert();
}

#[test]
fn user_list_name_and_user_id_are_mutually_exclusive() {
    let env = Env::new();
    let run = env.run(&["user", "list", "-n", "a", "-i", "b"]);
    assert_eq!(run.code, 2);
    run.stderr_has("cannot be used with");
}

#[test]
fn user_list_all_follows_next_token_and_prints_one_document() {
    let env = Env::new();
    let first = env.mock(|when, then| {
        when.method(GET)
            .path("/_synapse/admin/v2/users")
            .query_param("from", "0")
            .query_param("limit", "2");
        then.status(200).json_body(json!({
            "users": [list_entry("@a:example.org"), list_entry("@b:example.org")],
            "total": 3, "next_token": "2"
        }));
    });
    let second = env.mock(|when, then| {
        when.method(GET)
            .path("/_synapse/admin/v2/users")
            .query_param("from", "2")
            .query_param("limit", "2");
        then.status(200).json_body(json!({"users": [list_entry("@c:example.org")], "total": 3}));
    });
    let out = env.run(&["user", "list", "--all", "-l", "2"]).ok().json();
    let names: Vec<&str> =
        out.as_array().unwrap().iter().map(|u| u["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["@a:example.org", "@b:example.org", "@c:example.org"]);
    // Every format holds the same three users, each in its own form.
    let run = |format| env.run(&["-o", format, "user", "list", "--all", "-l", "2"]).ok();
    assert_eq!(run("yaml").yaml(), out);
    assert_eq!(run("minified").minified(), out);
    for format in ["human", "pprint"] {
        let text = run(format).stdout;
        for name in names.iter() {
            assert!(text.contains(name), "{format}: {text}");
        }
    }
    first.assert_calls(5);
    second.assert_calls(5);
}

#[test]
fn user_list_all_with_no_users_prints_an_empty_list() {
    let env = Env::new();
    // --all asks for pages of 1000 users unless -l says otherwise.
    let m = env.reply_to_query(
        GET,
        "/_synapse/admin/v2/users",
        &[("from", "0"), ("limit", "1000")],
        200,
        json!({"users": [], "total": 0}),
    );
    assert_eq!(env.run(&["user", "list", "--all"]).ok().json(), json!([]));
    m.assert_calls(1);
}

#[test]
fn user_search_is_one_case_insensitive_request() {
    let env = Env::new();
    let m = env.mock(|when, then| {
        when.method(GET)
            .path("/_synapse/admin/v2/users")
            .query_param("name", "ALI")
            .query_param("guests", "true")
            .query_param("deactivated", "true");
        then.status(200)
            .json_body(json!({"users": [list_entry("@alice:example.org")], "total": 1}));
    });
    let out = env.run(&["user", "search", "ALI"]).ok().json();
    assert_eq!(out["total"], 1);
    m.assert_calls(1);
}

#[test]
fn user_details_completes_a_localpart_and_keeps_unknown_fields() {
    let env = Env::new();
    let m = env.mock(|when, then| {
        when.method(GET).path("/_synapse/admin/v2/users/@alice:example.org");
        then.status(200).json_body(admin_user("@alice:example.org"));
    });
    let out = env.run(&["user", "details", "alice"]).ok().json();
    assert_eq!(out, admin_user("@alice:example.org"));
    let human = env.run(&["-o", "human", "user", "details", "@alice:example.org"]).ok().stdout;
    assert!(human.starts_with("name "), "{human}");
    assert!(human.contains("displayname                 Alice Ä\n"), "{human}");
    assert!(human.contains("brand_new_field             kept\n"), "{human}");
    assert!(human.contains("creation_ts                 2023-11-14 22:13:20\n"), "{human}");
    m.assert_calls(2);
}

#[test]
fn localpart_completion_asks_whoami_once_when_no_homeserver_is_set() {
    let env = Env::with_config("homeserver: auto-retrieval\n");
    let whoami = env.mock(|when, then| {
        when.method(GET).path("/_matrix/client/v3/account/whoami");
        then.status(200)
            .json_body(json!({"user_id": "@admin:discovered.example", "is_guest": false}));
    });
    let user = env.reply(
        GET,
        "/_synapse/admin/v2/users/@bob:discovered.example",
        200,
        admin_user("@bob:discovered.example"),
    );
    env.run(&["user", "details", "bob"]).ok();
    whoami.assert_calls(1);
    user.assert_calls(1);
}

#[test]
fn failed_discovery_stops_before_sending_a_wrong_user_id() {
    let env = Env::with_config("homeserver: auto-retrieval\n");
    let user = env.mock(|when, then| {
        when.path_includes("/v2/users/");
        then.status(200).json_body(admin_user("@bob:wrong"));
    });
    let unrecognized = json!({"errcode": "M_UNRECOGNIZED", "error": "Unrecognized request"});
    let asked = |path: &str| {
        env.mock(|when, then| {
            when.path(path);
            then.status(404).json_body(unrecognized.clone());
        })
    };
    let whoami = asked("/_matrix/client/v3/account/whoami");
    let keys = asked("/_matrix/key/v2/server");
    // (Each unrecognized request also asks the server's release, to explain the error.)
    let version = asked("/_synapse/admin/v1/server_version");
    env.run(&["user", "details", "bob"]).fails(3, "set `homeserver` in the config");
    whoami.assert_calls(1);
    keys.assert_calls(1);
    version.assert_calls(2);
    user.assert_calls(0);
}

#[test]
fn malformed_user_ids_fail_before_any_request() {
    let env = Env::new();
    let any = env.any_request();
    for bad in ["al ice", "@:example.org", "@bob:bad host", "bob#1"] {
        env.run(&["user", "details", bad]).fails(2, "is not a Matrix user ID");
    }
    any.assert_calls(0);
}

#[test]
fn user_modify_existing_user_sends_only_the_changes() {
    let env = Env::new();
    let get = env.reply(
        GET,
        "/_synapse/admin/v2/users/@alice:example.org",
        200,
        admin_user("@alice:example.org"),
    );
    let put = env.mock(|when, then| {
        when.method(PUT)
            .path("/_synapse/admin/v2/users/@alice:example.org")
            .no_query()
            .header("content-type", "application/json")
            .json_body(json!({
                "password": "s3cret", "logout_devices": false, "displayname": "New Name",
                "threepids": [{"medium": "email", "address": "a@example.org"}, {"medium": "msisdn", "address": "123"}],
                "admin": true, "locked": false, "user_type": null
            }));
        then.status(200).json_body(admin_user("@alice:example.org"));
    });
    let run = env.run(&[
        "--batch",
        "user",
        "modify",
        "alice",
        "-P",
        "s3cret",
        "--no-logout",
        "-n",
        "New Name",
        "-t",
        "email",
        "a@example.org",
        "-t",
        "msisdn",
        "123",
        "-a",
        "-L",
        "--user-type",
        "regular",
    ]);
    let run = run.ok();
    assert_eq!(run.json()["name"], "@alice:example.org");
    assert!(!run.stderr.contains("s3cret"), "password shown: {run:#?}");
    get.assert();
    put.assert();
}

#[test]
fn user_modify_existing_user_asks_first_and_stops_on_no() {
    let env = Env::new();
    env.reply(
        GET,
        "/_synapse/admin/v2/users/@alice:example.org",
        200,
        admin_user("@alice:example.org"),
    );
    let put = env.reply_to_body(
        PUT,
        "/_synapse/admin/v2/users/@alice:example.org",
        json!({"displayname": "X"}),
        200,
        admin_user("@alice:example.org"),
    );
    env.run_with_input(&["user", "modify", "alice", "-n", "X"], "n\n").fails(6, "aborted");
    env.run(&["user", "modify", "alice", "-n", "X"]).fails(6, "--batch");
    put.assert_calls(0);
    env.run_with_input(&["user", "modify", "alice", "-n", "X"], "y\n").ok();
    put.assert_calls(1);
}

/// Deactivating alice (`erase` as given) succeeds.
fn deactivation(env: &Env, erase: bool) -> Mock<'_> {
    env.reply_to_body(
        POST,
        "/_synapse/admin/v1/deactivate/@alice:example.org",
        json!({ "erase": erase }),
        200,
        json!({"id_server_unbind_result": "success"}),
    )
}

/// `user_id` does not exist (yet).
fn user_not_found(env: &Env, user_id: &str) {
    env.reply_error(
        GET,
        &format!("/_synapse/admin/v2/users/{user_id}"),
        404,
        "M_NOT_FOUND",
        "User not found",
    );
}

/// Both ways of clearing the third-party IDs, `--clear-threepids` and synadm's `-t '' ''`,
/// send an empty list; a missing user is created without asking, and said so.
#[test]
fn user_modify_clears_threepids_and_creates_a_missing_user_without_asking() {
    let env = Env::new();
    user_not_found(&env, "@new:example.org");
    let cleared = env.reply_to_body(
        PUT,
        "/_synapse/admin/v2/users/@new:example.org",
        json!({"threepids": []}),
        201,
        admin_user("@new:example.org"),
    );
    for clear in [&["--clear-threepids"][..], &["-t", "", ""]] {
        let run = env.run(&[&["user", "modify", "new"][..], clear].concat()).ok();
        run.stderr_has("will be created");
        assert!(!run.stderr.contains("warning"), "{run:#?}");
    }
    cleared.assert_calls(2);
}

#[test]
fn user_modify_threepid_pairs_like_synadm() {
    let env = Env::new();
    user_not_found(&env, "@new:example.org");
    let mut any = env.any_request_with(PUT);
    // Half a pair is refused before any request, whichever half is missing.
    for pair in [["email", ""], ["", "a@example.org"]] {
        env.run(&["user", "modify", "new", "-t", pair[0], pair[1]])
            .fails(2, "--threepid needs both MEDIUM and ADDRESS");
    }
    any.assert_calls(0);
    any.delete();
    // A medium other than email or msisdn is sent, with a warning.
    let odd = env.reply_to_body(
        PUT,
        "/_synapse/admin/v2/users/@new:example.org",
        json!({"threepids": [{"medium": "fax", "address": "123"}]}),
        201,
        admin_user("@new:example.org"),
    );
    let run = env.run(&["user", "modify", "new", "-t", "fax", "123"]).ok();
    run.stderr_has("warning: medium \"fax\" is neither email nor msisdn");
    odd.assert();
}

#[test]
fn user_modify_password_prompt_is_refused_in_batch_mode() {
    let env = Env::new();
    let any = env.any_request();
    env.run(&["--batch", "user", "modify", "@a:example.org", "-p"]).fails(2, "-P/--password");
    env.run(&["user", "modify", "@a:example.org"]).fails(2, "required");
    any.assert_calls(0);
}

#[test]
fn user_deactivate_in_batch_mode_posts_erase() {
    let env = Env::new();
    let details = env.reply(GET, DETAILS, 200, admin_user("@alice:example.org"));
    let m = deactivation(&env, true);
    let out = env.run(&["--batch", "user", "deactivate", "alice", "-e"]).ok();
    assert_eq!(out.json(), json!({"id_server_unbind_result": "success"}));
    assert!(!out.stderr.contains("already"), "{out:#?}");
    m.assert();
    details.assert();
}

#[test]
fn user_deactivate_of_a_deactivated_user_says_so_and_deactivates_again() {
    let env = Env::new();
    let mut gone = admin_user("@alice:example.org");
    gone["deactivated"] = json!(true);
    env.reply(GET, DETAILS, 200, gone);
    let post = deactivation(&env, false);
    let out = env.run(&["--batch", "user", "deactivate", "alice"]).ok();
    out.stderr_has("@alice:example.org is deactivated already; deactivating it again.\n");
    assert_eq!(out.json(), json!({"id_server_unbind_result": "success"}));
    post.assert();
}

#[test]
fn user_deactivate_shows_the_display_name_without_control_characters() {
    let env = Env::new();
    let mut user = admin_user("@alice:example.org");
    user["displayname"] = json!("Mallory\u{1b}[2J");
    env.reply(GET, DETAILS, 200, user);
    env.reply(
        GET,
        "/_synapse/admin/v1/users/@alice:example.org/joined_rooms",
        200,
        json!({"joined_rooms": [], "total": 0}),
    );
    let run = env.run_with_input(&["user", "deactivate", "alice"], "n\n");
    let run = run.fails(6, "aborted");
    run.stderr_has("(Mallory\\e[2J) is an account in 0 rooms.");
    assert!(!run.stderr.contains('\u{1b}'), "{run:#?}");
}

#[test]
fn user_deactivate_interactive_shows_the_user_then_asks() {
    let env = Env::new();
    let details = env.reply(
        GET,
        "/_synapse/admin/v2/users/@alice:example.org",
        200,
        admin_user("@alice:example.org"),
    );
    env.reply(
        GET,
        "/_synapse/admin/v1/users/@alice:example.org/joined_rooms",
        200,
        json!({"joined_rooms": ["!r:example.org"], "total": 1}),
    );
    let post = deactivation(&env, false);
    env.run_with_input(&["user", "deactivate", "alice"], "no\n").fails(6, "aborted");
    post.assert_calls(0);
    let run = env.run_with_input(&["-o", "human", "user", "deactivate", "alice"], "y\n").ok();
    run.stderr_has("Alice Ä").stderr_has(" account in 1 room. ");
    run.stderr_has("\nDeactivate @alice:example.org? [y/N] ");
    assert_eq!(run.stdout, "id_server_unbind_result  success\n");
    post.assert_calls(1);
    details.assert_calls(2);
    // With -e the question says that the user's data goes too.
    let run = env.run_with_input(&["user", "deactivate", "-e", "alice"], "no\n");
    run.stderr_has("\nDeactivate and GDPR-erase @alice:example.org? [y/N] ");
}

#[test]
fn user_deactivate_regex_matches_the_start_of_ids() {
    let env = Env::new();
    // Pages of 500 users unless -p says otherwise.
    let list = env.reply_to_query(
        GET,
        "/_synapse/admin/v2/users",
        &[("from", "0"), ("limit", "500"), ("guests", "true")],
        200,
        json!({"users": [
            list_entry("@spam1:example.org"), list_entry("@alice:example.org"),
            list_entry("@spam2:example.org"), list_entry("@notspam:example.org"),
            list_entry("@eggs:spam.example.org")
        ], "total": 5}),
    );
    let post = env.mock(|when, then| {
        when.method(POST)
            .path_matches(r"^/_synapse/admin/v1/deactivate/@spam[12]:example\.org$")
            .no_query()
            .json_body(json!({"erase": false}));
        then.status(200).json_body(json!({"id_server_unbind_result": "success"}));
    });
    let dry = env.run(&["user", "deactivate-regex", "@spam", "--dry-run"]).ok().json();
    assert_eq!(dry, json!(["@spam1:example.org", "@spam2:example.org"]));
    post.assert_calls(0);
    let done = env.run(&["--batch", "user", "deactivate-regex", "@spam"]).ok().json();
    assert_eq!(done.as_array().unwrap().len(), 2);
    assert_eq!(done[0]["deactivated"], true);
    post.assert_calls(2);
    // Every ID contains "spam", none starts with it (IDs start with '@'): nobody goes.
    let none = env.run(&["--batch", "user", "deactivate-regex", "spam"]).ok();
    assert_eq!(none.json(), json!([]));
    assert!(none.stderr.contains("0 active user(s) match; nobody to deactivate."), "{none:#?}");
    // "." stands for the '@': @spam1 and @spam2 match at the start; @notspam only further in.
    let dotted = env.run(&["user", "deactivate-regex", ".spam", "--dry-run"]).ok();
    assert_eq!(dotted.json(), json!(["@spam1:example.org", "@spam2:example.org"]));
    post.assert_calls(2);
    // Without --batch it asks, naming the action and how many.
    let asked = env.run_with_input(&["user", "deactivate-regex", "@spam"], "n\n");
    asked.fails(6, "aborted").stderr_has("\nDeactivate these 2 users? [y/N] ");
    let asked = env.run_with_input(&words("user deactivate-regex @spam1 -e"), "n\n");
    asked.fails(6, "aborted").stderr_has("\nDeactivate and GDPR-erase this user? [y/N] ");
    post.assert_calls(2);
    list.assert_calls(6);
    env.run(&["user", "deactivate-regex", "("]).fails(2, "invalid regular expression");
}

#[test]
fn user_password_sends_new_password_and_no_logout() {
    let env = Env::new();
    let m = env.reply_to_body(
        POST,
        "/_synapse/admin/v1/reset_password/@alice:example.org",
        json!({"new_password": "pw", "logout_devices": false}),
        200,
        json!({}),
    );
    assert_eq!(env.run(&["user", "password", "alice", "-p", "pw", "-n"]).ok().json(), json!({}));
    m.assert();
    env.run(&["--batch", "user", "password", "alice"]).fails(2, "-p/--password");
    env.run(&["user", "password", "alice", "-p", "", "-n"])
        .fails(2, "the password must not be empty");
}

#[test]
fn user_password_prompt_asks_twice_and_sends_only_a_confirmed_password() {
    let env = Env::new();
    let m = env.reply_to_body(
        POST,
        "/_synapse/admin/v1/reset_password/@alice:example.org",
        json!({"new_password": "typed pw"}),
        200,
        json!({}),
    );
    env.run_with_input(&["user", "password", "alice"], "typed pw\nother\n")
        .fails(2, "the two passwords differ");
    env.run_with_input(&["user", "password", "alice"], "\n\n")
        .fails(2, "the password must not be empty");
    m.assert_calls(0);
    let run = env.run_with_input(&["user", "password", "alice"], "typed pw\ntyped pw\n").ok();
    run.stderr_has("New password: ").stderr_has("Repeat the new password: ");
    assert!(!run.stderr.contains("typed pw"), "{run:#?}");
    m.assert();
}

#[test]
fn user_login_defaults_to_one_day_and_supports_never() {
    let env = Env::new();
    let (day, sent) = env.recording(
        POST,
        "/_synapse/admin/v1/users/@alice:example.org/login",
        200,
        json!({"access_token": "syt_alice"}),
    );
    let never = env.reply_to_body(
        POST,
        "/_synapse/admin/v1/users/@bob:example.org/login",
        json!({}),
        200,
        json!({"access_token": "syt_bob"}),
    );
    let at = env.reply_to_body(
        POST,
        "/_synapse/admin/v1/users/@carol:example.org/login",
        json!({"valid_until_ms": 1893456000000_i64}),
        200,
        json!({"access_token": "syt_carol"}),
    );
    let before = now_ms();
    let run = env.run(&["user", "login", "alice"]).ok();
    let after = now_ms();
    assert_eq!(run.json(), json!({"access_token": "syt_alice"}));
    assert!(run.stderr.contains("privacy"));
    // The default expiry is one day from now, and the person is told when (TZ=UTC here).
    let request = sent.one();
    assert!(request.query.is_empty(), "{request:?}");
    let until = request.body["valid_until_ms"].as_i64().unwrap_or_default();
    assert_eq!(request.body, json!({"valid_until_ms": until}), "only the expiry");
    assert!(
        (before + DAY_MS..=after + DAY_MS).contains(&until),
        "now + 1 day is in {}..={}, not {until}",
        before + DAY_MS,
        after + DAY_MS
    );
    let told = chrono::DateTime::from_timestamp_millis(until)
        .unwrap()
        .format("The token for @alice:example.org expires at %Y-%m-%d %H:%M:%S.")
        .to_string();
    assert!(run.stderr.contains(&told), "{told:?}: {run:#?}");
    let run = env.run(&["--batch", "user", "login", "bob", "--expire-never"]).ok();
    run.stderr_has("never expires");
    env.run(&words("--batch user login carol --expire 2030-01-01")).ok();
    env.run(&words("--batch user login carol --expire 2030-01-01T00:00:00Z")).ok();
    env.run(&words("--batch user login carol --expire-ts 1893456000000")).ok();
    day.assert_calls(1);
    never.assert();
    at.assert_calls(3);
    env.run(&["user", "login", "carol", "--expire", "tomorrow"]).fails(2, "is not a date");
    env.run(&["user", "login", "carol", "-d", "1", "--expire-never"])
        .fails(2, "cannot be used with");
}

#[test]
fn user_login_expire_days_counts_whole_days_from_now() {
    for (flag, days) in [("-d", 2_i64), ("--expire-days", 30), ("-d", 1)] {
        let env = Env::new();
        let (m, sent) = env.recording(
            POST,
            "/_synapse/admin/v1/users/@alice:example.org/login",
            200,
            json!({"access_token": "syt_alice"}),
        );
        let before = now_ms();
        env.run(&["--batch", "user", "login", "alice", flag, &days.to_string()]).ok();
        let after = now_ms();
        m.assert_calls(1);
        let until = sent.one().body["valid_until_ms"].as_i64().unwrap_or_default();
        let (low, high) = (before + days * DAY_MS, after + days * DAY_MS);
        assert!((low..=high).contains(&until), "{flag} {days}: {until} not in {low}..={high}");
    }
}

#[test]
fn user_media_pages_sorts_and_humanizes() {
    let env = Env::new();
    let media = json!({"media_id": "abc", "media_type": "image/png", "media_length": 67,
        "upload_name": "a.png", "created_ts": 1700000000000_i64, "last_access_ts": null,
        "url_cache": null, "quarantined_by": null, "safe_from_quarantine": 0,
        "user_id": "@alice:example.org", "authenticated": 1, "sha256": null});
    // From the start, 100 per page unless -f and -l say otherwise.
    let m = env.reply_to_query(
        GET,
        "/_synapse/admin/v1/users/@alice:example.org/media",
        &[("from", "0"), ("limit", "100"), ("order_by", "media_length"), ("dir", "b")],
        200,
        json!({"media": [media.clone()], "total": 3, "next_token": 1}),
    );
    let out = env.run(&["user", "media", "alice", "-s", "media_length", "-r"]).ok().json();
    let mut dated = media.clone();
    dated["created_ts"] = json!("2023-11-14 22:13:20");
    assert_eq!(out["media"][0], dated, "times as dates (as synadm), SQLite 0/1 booleans unchanged");
    let human = env.run(&words("-o h user media alice -s media_length -r")).ok();
    human.stdout_has("2023-11-14 22:13:20");
    human.stderr_has("--from 1");
    let raw = env.run(&words("-o h user media alice -s media_length -r --ts")).ok();
    raw.stdout_has("1700000000000");
    m.assert_calls(3);
}

#[test]
fn user_media_all_follows_integer_next_token() {
    let env = Env::new();
    let item = |id: &str| {
        json!({"media_id": id, "media_type": "text/plain", "media_length": 1,
        "upload_name": null, "created_ts": 1, "last_access_ts": null, "url_cache": null,
        "quarantined_by": null, "safe_from_quarantine": false, "user_id": null,
        "authenticated": true, "sha256": null})
    };
    env.mock(|when, then| {
        when.method(GET)
            .path("/_synapse/admin/v1/users/@alice:example.org/media")
            .query_param("from", "0");
        then.status(200).json_body(json!({"media": [item("a")], "total": 2, "next_token": 1}));
    });
    env.mock(|when, then| {
        when.method(GET)
            .path("/_synapse/admin/v1/users/@alice:example.org/media")
            .query_param("from", "1");
        then.status(200).json_body(json!({"media": [item("b")], "total": 2}));
    });
    let out = env.run(&["user", "media", "alice", "--all", "-l", "1"]).ok().json();
    assert_eq!(out.as_array().unwrap().len(), 2);
}

#[test]
fn user_membership_with_ids_and_with_aliases() {
    let env = Env::new();
    let rooms = env.reply(
        GET,
        "/_synapse/admin/v1/users/@alice:example.org/joined_rooms",
        200,
        json!({"joined_rooms": ["!pub:example.org", "!HrU8private"], "total": 2}),
    );
    let aliases = env.reply(
        GET,
        "/_matrix/client/v3/rooms/!pub:example.org/aliases",
        200,
        json!({"aliases": ["#general:example.org"]}),
    );
    env.reply_error(
        GET,
        "/_matrix/client/v3/rooms/!HrU8private/aliases",
        403,
        "M_FORBIDDEN",
        "not in room",
    );
    let ids = env.run(&["user", "membership", "alice", "--ids"]).ok().json();
    assert_eq!(ids["total"], 2);
    aliases.assert_calls(0);
    // synadm's shape: aliases where the room has any, else the room ID.
    let out = env.run(&["user", "membership", "alice"]).ok().json();
    assert_eq!(out, json!({"joined_rooms": ["#general:example.org", "!HrU8private"], "total": 2}));
    let detailed = env.run(&["user", "membership", "alice", "--detailed"]).ok().json();
    assert_eq!(
        detailed["joined_rooms"],
        json!([
            {"room_id": "!pub:example.org", "aliases": ["#general:example.org"]},
            {"room_id": "!HrU8private", "aliases": []}
        ])
    );
    let human = env.run(&["-o", "h", "user", "membership", "alice"]).ok();
    assert_eq!(human.stdout, "#general:example.org\n!HrU8private\n");
    human.stderr_has("User is member of 2 rooms.");
    let human = env.run(&["-o", "h", "user", "membership", "alice", "--detailed"]).ok();
    human.stdout_has("!pub:example.org  #general:example.org");
    rooms.assert_calls(5);
}

#[test]
fn user_membership_of_one_room_says_one_room() {
    let env = Env::new();
    let path = "/_synapse/admin/v1/users/@alice:example.org/joined_rooms";
    env.reply(GET, path, 200, json!({"joined_rooms": ["!HrU8private"], "total": 1}));
    let human = env.run(&words("-o human user membership alice --ids")).ok();
    assert_eq!(human.stdout, "!HrU8private\n");
    human.stderr_has("User is member of 1 room.\n");
}

#[test]
fn user_whois_json_is_raw_and_human_is_a_connection_table() {
    let env = Env::new();
    let reply = json!({"user_id": "@alice:example.org", "devices": {"": {"sessions": [{"connections": [
        {"ip": "10.1.2.3", "last_seen": 1700000000000_i64, "user_agent": "Element"}]}]}}});
    let m = env.reply(GET, "/_synapse/admin/v1/whois/@alice:example.org", 200, reply.clone());
    assert_eq!(env.run(&["user", "whois", "alice"]).ok().json(), reply);
    let human = env.run(&["-o", "human", "user", "whois", "alice"]).ok().stdout;
    assert!(
        human.contains("10.1.2.3") && human.contains("2023-11-14") && human.contains("Element"),
        "{human}"
    );
    m.assert_calls(2);
}

#[test]
fn user_3pid_and_auth_provider_encode_path_segments() {
    let env = Env::new();
    let threepid = env.reply(
        GET,
        "/_synapse/admin/v1/threepid/email/users/a+b@example.org",
        200,
        json!({"user_id": "@a:example.org"}),
    );
    let sso = env.reply(
        GET,
        "/_synapse/admin/v1/auth_providers/oidc/users/sub%2F1%23x%3Fy%20z",
        200,
        json!({"user_id": "@b:example.org"}),
    );
    assert_eq!(
        env.run(&["user", "3pid", "a+b@example.org"]).ok().json()["user_id"],
        "@a:example.org"
    );
    assert_eq!(
        env.run(&["user", "auth-provider", "-p", "oidc", "sub/1#x?y z"]).ok().json()["user_id"],
        "@b:example.org"
    );
    threepid.assert();
    sso.assert();
    env.run(&["user", "auth-provider", "x"]).fails(2, "--provider");
}

/// A device of alice as the device list shows it, last seen `days_ago` (None: never).
fn device_seen(id: &str, days_ago: Option<i64>) -> Value {
    json!({"device_id": id, "user_id": "@alice:example.org", "display_name": null,
           "last_seen_ip": null, "last_seen_ts": days_ago.map(|d| now_ms() - d * DAY_MS),
           "last_seen_user_agent": null})
}

/// alice's devices: never seen, and seen 100, 89, 10 and 1 day(s) ago.
fn alices_devices(env: &Env) -> Mock<'_> {
    env.reply(
        GET,
        "/_synapse/admin/v2/users/@alice:example.org/devices",
        200,
        json!({"devices": [
            device_seen("D10", Some(10)), device_seen("NEVER", None), device_seen("D1", Some(1)),
            device_seen("D100", Some(100)), device_seen("D89", Some(89)),
        ], "total": 5}),
    )
}

fn device_ids(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a device list: {list}"))
        .iter()
        .map(|d| d["device_id"].as_str().unwrap())
        .collect()
}

#[test]
fn user_prune_devices_deletes_old_devices_of_the_completed_id() {
    let env = Env::new();
    alices_devices(&env);
    let delete = env.reply_to_body(
        POST,
        "/_synapse/admin/v2/users/@alice:example.org/delete_devices",
        json!({"devices": ["NEVER", "D100"]}),
        200,
        json!({}),
    );
    // Default: not seen for 90 days (or never), oldest first.
    let listed = env.run(&["user", "prune-devices", "alice", "--list-only"]).ok().json();
    assert_eq!(device_ids(&listed), ["NEVER", "D100"]);
    delete.assert_calls(0);
    env.run(&["user", "prune-devices", "alice"]).fails(6, "aborted");
    delete.assert_calls(0);
    let run = env.run(&["--batch", "user", "prune-devices", "alice"]).ok();
    assert_eq!(device_ids(&run.json()), ["NEVER", "D100"]);
    run.stderr_has("@alice:example.org has 2 device(s) marked for deletion and 3 to be kept.");
    delete.assert_calls(1);
}

#[test]
fn user_prune_devices_min_days_moves_the_cut_off_and_one_device_survives() {
    let env = Env::new();
    alices_devices(&env);
    let (delete, sent) = env.recording(
        POST,
        "/_synapse/admin/v2/users/@alice:example.org/delete_devices",
        200,
        json!({}),
    );
    for (args, doomed) in [
        // Seen 10 days ago: kept by default, old enough for -d 5; seen a day ago: kept.
        (&[][..], &["NEVER", "D100"][..]),
        (&["-d", "5"], &["NEVER", "D100", "D89", "D10"]),
        (&["--min-days", "89"], &["NEVER", "D100", "D89"]),
        // -d 0: every device qualifies, but the most recently seen one survives…
        (&["-d", "0"], &["NEVER", "D100", "D89", "D10"]),
        // …unless -s 0 says otherwise; -s 3 keeps three.
        (&["-d", "0", "-s", "0"], &["NEVER", "D100", "D89", "D10", "D1"]),
        (&["-d", "0", "--min-surviving", "3"], &["NEVER", "D100"]),
    ] {
        let all = [&["--batch", "user", "prune-devices", "alice"][..], args].concat();
        let listed = env.run(&[&all[..], &["-l"]].concat()).ok().json();
        assert_eq!(device_ids(&listed), doomed, "--list-only {args:?}");
        let calls = delete.calls();
        env.run(&all).ok();
        assert_eq!(delete.calls(), calls + 1, "{args:?}");
        let request = sent.all().pop().unwrap();
        assert_eq!(request.body, json!({"devices": doomed}), "{args:?}");
        assert!(request.query.is_empty(), "{request:?}");
    }
}

#[test]
fn user_redact_sends_rooms_reason_limit_and_asks_first() {
    let env = Env::new();
    let m = env.reply_to_body(
        POST,
        "/_synapse/admin/v1/user/@alice:example.org/redact",
        json!({"rooms": ["!a:example.org", "!b"], "reason": "spam", "limit": 5}),
        200,
        json!({"redact_id": "r1"}),
    );
    let all = env.reply_to_body(
        POST,
        "/_synapse/admin/v1/user/@bob:example.org/redact",
        json!({"rooms": []}),
        200,
        json!({"redact_id": "r2"}),
    );
    env.run(&["user", "redact", "alice", "-r", "!a:example.org"]).fails(6, "aborted");
    let out =
        env.run(&words("--batch user redact alice -r !a:example.org -r !b --reason spam -l 5"));
    assert_eq!(out.ok().json(), json!({"redact_id": "r1"}));
    env.run_with_input(&["user", "redact", "bob"], "y\n").ok();
    m.assert();
    all.assert();
    env.run(&words("--batch user redact alice -r #alias:example.org")).fails(2, "is not a room ID");
}

#[test]
fn user_redact_status_prints_the_task() {
    let env = Env::new();
    let reply = json!({"status": "complete", "failed_redactions": {"$e": "boom"}});
    env.reply(GET, "/_synapse/admin/v1/user/redact_status/r1", 200, reply.clone());
    assert_eq!(env.run(&["user", "redact-status", "r1"]).ok().json(), reply);
    assert!(
        env.run(&["-o", "human", "user", "redact-status", "r1"])
            .ok()
            .stdout
            .starts_with("status             complete\n")
    );
}

#[test]
fn user_shadow_ban_posts_and_unban_deletes() {
    let env = Env::new();
    let ban =
        env.reply(POST, "/_synapse/admin/v1/users/@alice:example.org/shadow_ban", 200, json!({}));
    let unban =
        env.reply(DELETE, "/_synapse/admin/v1/users/@alice:example.org/shadow_ban", 200, json!({}));
    assert_eq!(env.run(&["user", "shadow-ban", "alice"]).ok().json(), json!({}));
    assert_eq!(env.run(&["-o", "human", "user", "shadow-ban", "alice", "-u"]).ok().stdout, "");
    ban.assert();
    unban.assert();
}

#[test]
fn user_suspend_and_capital_u_unsuspends() {
    let env = Env::new();
    let suspend = env.reply_to_body(
        PUT,
        "/_synapse/admin/v1/suspend/@alice:example.org",
        json!({"suspend": true}),
        200,
        json!({"user_@alice:example.org_suspended": true}),
    );
    let unsuspend = env.reply_to_body(
        PUT,
        "/_synapse/admin/v1/suspend/@alice:example.org",
        json!({"suspend": false}),
        200,
        json!({"user_@alice:example.org_suspended": false}),
    );
    let out = env.run(&["--batch", "user", "suspend", "alice"]).ok().json();
    assert_eq!(out, json!({"user_@alice:example.org_suspended": true}));
    env.run(&["--batch", "user", "suspend", "alice", "-U"]).ok();
    env.run_with_input(&["user", "suspend", "alice", "--unsuspend"], "y\n").ok();
    suspend.assert_calls(1);
    unsuspend.assert_calls(2);
}
