//! Failure paths against the real server: each exits with its documented code, prints one
//! `error:` line on stderr and nothing on stdout, and never shows the token.

use crate::common::words;
use crate::support::{Cli, closed_port, fresh, run_in, server};

/// Commands that name a user, with that user's slot as `{}`.
const USER_COMMANDS: &[&str] = &[
    "user details {}",
    "user modify {} -n x",
    "user deactivate {}",
    "user password {} -p pw",
    "user login {}",
    "user media {}",
    "user membership {}",
    "user membership --ids {}",
    "user whois {}",
    "user prune-devices {}",
    "user redact {}",
    "user shadow-ban {}",
    "user suspend {}",
];

fn with_user<'a>(template: &'a str, user: &'a str) -> Vec<&'a str> {
    let mut args = vec!["--batch"];
    args.extend(words(template).into_iter().map(|a| if a == "{}" { user } else { a }));
    args
}

#[test]
fn unknown_users_are_matrix_not_found_errors() {
    let cli = Cli::admin();
    for template in [
        "user details {}",
        "user media {}",
        "user login {}",
        "user password {} -p pw",
        "user prune-devices {}",
        "user prune-devices -l {}",
        "user suspend {}",
        "user deactivate {}",
        "user deactivate -e {}",
        "user shadow-ban {}",
    ] {
        let run = cli.run(&with_user(template, "ghost-of-e2e"));
        assert_eq!(run.code, 1, "{template:?}: {run:#?}");
        let run = run.fails(1, "(HTTP 404)\n");
        assert!(run.stderr.starts_with("error: M_"), "{template:?}: {run:#?}");
        assert_eq!(run.stderr.lines().count(), 1, "one line: {run:#?}");
    }
    cli.run(&["user", "details", "@ghost-of-e2e:test.local"])
        .fails(1, "error: M_NOT_FOUND: User not found (HTTP 404)");
    cli.run(&["-o", "human", "user", "details", "ghost-of-e2e"])
        .fails(1, "error: M_NOT_FOUND: User not found (HTTP 404)");
}

#[test]
fn a_non_admin_token_is_forbidden() {
    let user = fresh("notadmin");
    let cli = Cli::with_token(&user.token);
    for args in [
        &["user", "list"][..],
        &["user", "list", "--all"],
        &["user", "search", "alice"],
        &["user", "details", "alice"],
        &["--batch", "user", "modify", "alice", "-n", "Hijacked"],
        &["--batch", "user", "deactivate", "alice"],
        &["--batch", "user", "deactivate-regex", "@alice"],
        &["--batch", "user", "password", "alice", "-p", "x"],
        &["--batch", "user", "login", "alice"],
        &["user", "media", "alice"],
        &["user", "membership", "alice"],
        &["user", "3pid", "alice@example.org"],
        &["user", "auth-provider", "-p", "oidc", "x"],
        &["--batch", "user", "prune-devices", "alice"],
        &["--batch", "user", "redact", "alice"],
        &["user", "redact-status", "x"],
        &["user", "shadow-ban", "alice"],
        &["--batch", "user", "suspend", "alice"],
        &["-o", "human", "user", "list"],
    ] {
        let run = cli.run(args);
        assert_eq!(run.code, 1, "{args:?}: {run:#?}");
        let run = run.fails(1, "M_FORBIDDEN");
        assert!(run.stderr.contains("(HTTP 403)"), "{args:?}: {run:#?}");
    }
    // whois is the exception: users may ask about themselves, not others.
    cli.run(&["user", "whois", "alice"]).fails(1, "(HTTP 403)");
    assert_eq!(cli.json(&["user", "whois", &user.localpart])["user_id"], user.user_id.as_str());
    // Nothing changed on the server.
    let alice = crate::support::user_state("@alice:test.local");
    assert_eq!(alice["displayname"], "Alice Liddell");
    assert_eq!(alice["deactivated"], false);
}

#[test]
fn a_bad_token_is_an_unknown_token_error() {
    let cli = Cli::with_token("syt_not_a_real_token_e2e");
    for args in [
        &["user", "list"][..],
        &["user", "details", "alice"],
        &["-o", "human", "user", "media", "alice"],
        &["-o", "human", "user", "membership", "alice"],
        &["--batch", "user", "deactivate-regex", "@x"],
    ] {
        let run = cli.run(args);
        assert_eq!(run.code, 1, "{args:?}: {run:#?}");
        run.fails(1, "error: M_UNKNOWN_TOKEN: Invalid access token passed. (HTTP 401)");
    }
    // With auto-retrieval the token problem is reported as such, not as a naming problem.
    let auto = Cli::edited(|m| {
        m.insert("token".into(), "syt_not_a_real_token_e2e".into());
        m.insert("homeserver".into(), "auto-retrieval".into());
    });
    auto.run(&["user", "details", "alice"]).fails(1, "M_UNKNOWN_TOKEN");
}

#[test]
fn an_unreachable_server_is_a_network_error() {
    let cli = Cli::with("base_url", &format!("http://127.0.0.1:{}", closed_port()));
    for args in [
        &["version"][..],
        &["user", "list"],
        &["user", "details", "@alice:test.local"],
        &["--batch", "user", "deactivate", "alice"],
    ] {
        let run = cli.run(args);
        assert_eq!(run.code, 4, "{args:?}: {run:#?}");
        run.fails(4, "error: network: ");
    }
}

#[test]
fn a_reply_that_is_not_matrix_is_its_own_error() {
    // Synapse's static file resource answers unknown paths with an HTML 404 page.
    let cli = Cli::with("admin_path", "/_matrix/static/e2e");
    let run = cli.run(&["user", "details", "alice"]);
    assert_eq!(run.code, 5, "{run:#?}");
    run.fails(5, "not a Matrix reply (HTTP 404)");
}

#[test]
fn malformed_user_ids_are_usage_errors_before_any_request() {
    // A config pointing nowhere: a request would be exit 4, so exit 2 proves none was sent.
    let offline = Cli::with("base_url", &format!("http://127.0.0.1:{}", closed_port()));
    let online = Cli::admin();
    for bad in ["@bad user:test.local", "@alice:bad host", "al ice", "@:test.local"] {
        for template in USER_COMMANDS {
            let args = with_user(template, bad);
            for cli in [&offline, &online] {
                let run = cli.run(&args);
                assert_eq!(run.code, 2, "{args:?}: {run:#?}");
                run.fails(2, "is not a Matrix user ID");
            }
        }
    }
}

#[test]
fn overlong_and_serverless_ids_are_usage_errors_before_any_request() {
    let offline = Cli::with("base_url", &format!("http://127.0.0.1:{}", closed_port()));
    let online = Cli::admin();
    let huge = format!("@{}:test.local", "a".repeat(100_000));
    for (bad, message) in [
        (huge.as_str(), "too long (at most 255 bytes)"),
        ("@alice:", "the server name after ':' is missing"),
        ("alice:", "the server name after ':' is missing"),
        ("alice:test.local", "did you mean \"@alice:test.local\"?"),
    ] {
        for template in USER_COMMANDS {
            let args = with_user(template, bad);
            for cli in [&offline, &online] {
                let run = cli.run(&args).fails(2, message);
                assert!(run.stderr.len() < 400, "{template:?}: {run:#?}");
            }
        }
    }
}

#[test]
fn missing_and_broken_configs_are_config_errors() {
    let home = tempfile::tempdir().unwrap();
    let missing = home.path().join("nope.yaml");
    let run = run_in(home.path(), &["-c", &missing.to_string_lossy(), "user", "list"], "", "");
    assert_eq!(run.code, 3, "{run:#?}");
    let run = run
        .fails(3, &format!("error: config: the config file {} does not exist", missing.display()));
    assert!(!run.stderr.contains("token"), "{run:#?}");
    // Without -c, ~/.config/synadm.yaml is used; an empty home has none.
    run_in(home.path(), &["version"], "", "")
        .fails(3, "does not exist; create it with `synadm config`");

    Cli::with("format", "xml").run(&["version"]).fails(3, "format");
    Cli::with("base_url", "127.0.0.1:8008").run(&["version"]).fails(3, "error: config: ");
}

#[test]
fn command_line_mistakes_are_usage_errors() {
    let cli = Cli::admin();
    cli.run(&["-o", "xml", "version"]).fails(2, "invalid value 'xml'");
    cli.run(&["user", "frobnicate"]).fails(2, "unrecognized subcommand");
    cli.run(&["user", "details"]).fails(2, "USER_ID");
    cli.run(&["user", "list", "-l", "0"]).fails(2, "'--limit <LIMIT>': it must be at least 1");
    cli.run(&["user", "list", "-l", "-1"]).fails(2, "negative numbers are not allowed");
    cli.run(&["--batch", "user", "modify", "alice", "-a", "-u"]).fails(2, "cannot be used with");
    cli.run(&["--batch", "user", "modify", "alice", "--user-type", "robot"])
        .fails(2, "[possible values: bot, support, regular]");
    cli.run(&["--batch", "user", "modify", "alice", "-v", "/avatar.png"])
        .fails(2, "is not an MXC URI");
    cli.run(&words("--batch user prune-devices alice -d 99999999999999"))
        .fails(2, "days is out of range");
    cli.run(&["user", "list", "--sort-by", "shoe_size"]).fails(2, "is not a user sort order");
    assert_eq!(server().server_name, "test.local");
}
