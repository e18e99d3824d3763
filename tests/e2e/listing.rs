//! `user list` and `user search` against the real user table. Other tests add users at the
//! same time, so assertions are about the seed users and users this test created.

use crate::common::enc;
use crate::common::words;
use crate::support::{Cli, Fresh, fresh, names, server, without_last_seen};
use serde_json::{Value, json};

const SEED_ACTIVE: [&str; 5] = [
    "@admin:test.local",
    "@alice:test.local",
    "@bob:test.local",
    "@carol:test.local",
    "@dave:test.local",
];

/// `n` fresh users whose localparts and display names contain `tag` (and nothing else does).
fn tagged(tag: &str, n: usize) -> Vec<Fresh> {
    let mut users: Vec<Fresh> = (0..n).map(|_| fresh(tag)).collect();
    users.sort_by(|a, b| a.user_id.cmp(&b.user_id));
    users
}

fn ids(users: &[Fresh]) -> Vec<String> {
    users.iter().map(|u| u.user_id.clone()).collect()
}

fn admin_put(user_id: &str, body: Value) {
    server().admin_ok("PUT", &format!("/_synapse/admin/v2/users/{}", enc(user_id)), Some(&body));
}

#[test]
fn user_list_shows_active_users_and_hides_deactivated_ones() {
    let out = Cli::admin().json(&["user", "list"]);
    let listed = names(&out);
    for user in SEED_ACTIVE {
        assert!(listed.contains(&user.to_string()), "{user} missing: {out}");
    }
    assert!(!listed.contains(&"@eve:test.local".to_string()), "{out}");
    assert!(out["total"].as_u64().unwrap() >= 5, "{out}");
    assert!(out["users"].as_array().unwrap().iter().all(|u| u["deactivated"] == false), "{out}");
}

#[test]
fn user_list_deactivated_flag_includes_deactivated_users() {
    let out = Cli::admin().json(&["user", "list", "-d", "-n", "eve"]);
    let eve = out["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == "@eve:test.local")
        .unwrap_or_else(|| panic!("eve missing: {out}"));
    assert_eq!(eve["deactivated"], true);
    assert_eq!(eve["displayname"], "Eve Polastri");
}

/// The three ways with deactivation: active only (default), both (`-d`), deactivated only
/// (`-D`, from `/v3/users`), each with data on both sides.
#[test]
fn user_list_deactivation_is_a_three_way_filter() {
    let cli = Cli::admin();
    let tag = "threeway";
    let users = tagged(tag, 2);
    let (active, gone) = (&users[0], &users[1]);
    server().admin_ok(
        "POST",
        &format!("/_synapse/admin/v1/deactivate/{}", enc(&gone.user_id)),
        Some(&json!({})),
    );
    let listed = |flags: &[&str]| {
        let mut args = vec!["user", "list", "-n", tag];
        args.extend_from_slice(flags);
        names(&cli.json(&args))
    };
    assert_eq!(listed(&[]), [active.user_id.as_str()]);
    assert_eq!(listed(&["-d"]), ids(&users));
    assert_eq!(listed(&["-D"]), [gone.user_id.as_str()]);
    assert_eq!(listed(&["--only-deactivated", "--all"]), [gone.user_id.as_str()]);
    let human = cli.format("human", &["user", "list", "-n", tag, "-D"]).ok();
    human.stderr_has("Deactivated users: 1");
    cli.run(&["user", "list", "-d", "-D"]).fails(2, "cannot be used with");
}

#[test]
fn user_list_admin_filters_split_admins_from_the_rest() {
    let cli = Cli::admin();
    let admins = cli.json(&["user", "list", "-a"]);
    assert!(names(&admins).contains(&"@admin:test.local".to_string()), "{admins}");
    assert!(admins["users"].as_array().unwrap().iter().all(|u| u["admin"] == true), "{admins}");
    let others = cli.json(&["user", "list", "--non-admins"]);
    let listed = names(&others);
    assert!(listed.contains(&"@alice:test.local".to_string()), "{others}");
    assert!(!listed.contains(&"@admin:test.local".to_string()), "{others}");
    assert!(others["users"].as_array().unwrap().iter().all(|u| u["admin"] == false), "{others}");
}

#[test]
fn user_list_name_filter_matches_localpart_or_display_name() {
    let cli = Cli::admin();
    assert_eq!(names(&cli.json(&["user", "list", "-n", "Liddell"])), ["@alice:test.local"]);
    let by_localpart = cli.json(&["user", "list", "--name", "caro"]);
    assert!(names(&by_localpart).contains(&"@carol:test.local".to_string()), "{by_localpart}");
    for u in by_localpart["users"].as_array().unwrap() {
        let hay = format!("{} {}", u["name"], u["displayname"]).to_lowercase();
        assert!(hay.contains("caro"), "{u} does not match the filter");
    }
}

#[test]
fn user_list_user_id_filter_is_a_substring_of_the_full_id() {
    let cli = Cli::admin();
    // Not completed to @bob…:test.local: a part of the ID across the colon matches.
    assert_eq!(names(&cli.json(&["user", "list", "-i", "ob:test.lo"])), ["@bob:test.local"]);
    assert_eq!(
        names(&cli.json(&["user", "list", "--user-id", "@dave:test.local"])),
        ["@dave:test.local"]
    );
}

#[test]
fn user_list_name_and_user_id_together_are_a_usage_error() {
    Cli::admin().run(&["user", "list", "-n", "a", "-i", "b"]).fails(2, "cannot be used with");
}

#[test]
fn user_list_all_with_small_pages_returns_every_user_exactly_once() {
    let mine = tagged("pagesweep", 5);
    let cli = Cli::admin();
    // -l 2 takes three requests for five users; the result is one list.
    let out = cli.json(&["user", "list", "--all", "-l", "2", "-n", "pagesweep"]);
    let mut listed = names(&out);
    listed.sort();
    assert_eq!(listed, ids(&mine), "{out}");

    // Every format holds the same five users, each once.
    let yaml = cli.format("yaml", &["user", "list", "--all", "-l", "2", "-n", "pagesweep"]);
    assert_eq!(names(&yaml.yaml()).len(), 5, "{yaml:#?}");
    let minified = cli.format("minified", &["user", "list", "--all", "-l", "2", "-n", "pagesweep"]);
    assert_eq!(minified.stdout.lines().count(), 1, "{minified:#?}");
    assert_eq!(names(&minified.minified()).len(), 5);
    for format in ["human", "pprint"] {
        let run = cli.format(format, &["user", "list", "--all", "-l", "2", "-n", "pagesweep"]);
        for user in &mine {
            assert_eq!(run.stdout.matches(&user.user_id).count(), 1, "{format}: {run:#?}");
        }
    }
    let human = cli.format("human", &["user", "list", "--all", "-l", "2", "-n", "pagesweep"]);
    assert_eq!(human.lines().len(), 2 + 5, "header, rule, five rows: {human:#?}");

    // Without a filter every seed user is there. Deactivated users are included so that
    // nobody drops out of the list while paging; users that other tests create meanwhile
    // can shift the offsets and repeat an entry, so only presence is checked here.
    let everyone = names(&cli.json(&["user", "list", "--all", "-l", "2", "-d"]));
    for user in SEED_ACTIVE.iter().chain(&["@eve:test.local"]) {
        assert!(everyone.contains(&user.to_string()), "{user} missing");
    }
}

#[test]
fn user_list_pages_with_limit_and_from() {
    let mine = tagged("pagestep", 3);
    let cli = Cli::admin();
    let first = cli.json(&["user", "list", "-l", "2", "-n", "pagestep"]);
    assert_eq!(first["total"], 3, "{first}");
    assert_eq!(names(&first), ids(&mine)[..2], "{first}");
    let next = first["next_token"].as_str().expect("next_token on a partial page");
    let second = cli.json(&["user", "list", "-l", "2", "-f", next, "-n", "pagestep"]);
    assert_eq!(names(&second), ids(&mine)[2..], "{second}");
    assert!(second.get("next_token").is_none(), "{second}");
}

#[test]
fn user_list_sorts_and_reverses() {
    let mine = tagged("sortcheck", 3);
    let cli = Cli::admin();
    let asc = cli.json(&["user", "list", "--sort-by", "name", "-n", "sortcheck"]);
    assert_eq!(names(&asc), ids(&mine));
    let desc = cli.json(&words("user list --sort-by name --reverse -n sortcheck"));
    let mut reversed = ids(&mine);
    reversed.reverse();
    assert_eq!(names(&desc), reversed);
}

#[test]
fn user_list_excludes_user_types_and_includes_locked_users_on_request() {
    let mine = tagged("typelock", 3);
    let (bot, locked, plain) = (&mine[0], &mine[1], &mine[2]);
    admin_put(&bot.user_id, json!({"user_type": "bot"}));
    admin_put(&locked.user_id, json!({"locked": true}));
    let cli = Cli::admin();

    let default = names(&cli.json(&["user", "list", "-n", "typelock"]));
    assert!(!default.contains(&locked.user_id), "locked users are left out: {default:?}");
    let with_locked = names(&cli.json(&["user", "list", "-L", "-n", "typelock"]));
    assert!(with_locked.contains(&locked.user_id), "{with_locked:?}");

    let no_bots = names(&cli.json(&words("user list -L --exclude-user-type bot -n typelock")));
    assert!(!no_bots.contains(&bot.user_id) && no_bots.contains(&plain.user_id), "{no_bots:?}");
    let only_typed =
        names(&cli.json(&["user", "list", "-L", "--exclude-user-type", "", "-n", "typelock"]));
    assert_eq!(only_typed, [bot.user_id.as_str()]);
}

#[test]
fn user_list_human_is_a_table_with_totals_on_stderr() {
    let run = Cli::admin().format("human", &["user", "list", "-l", "2"]);
    let lines = run.lines();
    assert_eq!(lines.len(), 4, "header, rule, two rows: {run:#?}");
    for column in ["name", "displayname", "admin", "deactivated", "creation_ts"] {
        assert!(lines[0].contains(column), "{column} missing: {run:#?}");
    }
    assert!(lines[1].starts_with("----"), "{run:#?}");
    assert!(lines[2].starts_with('@') && lines[3].starts_with('@'), "{run:#?}");
    run.stderr_has("Total users (excluding deactivated): ");
    assert!(run.stderr.contains("--from 2"), "pagination hint: {run:#?}");

    let alice = Cli::admin().format("human", &["user", "list", "-n", "Liddell"]);
    assert_eq!(alice.lines().len(), 3, "{alice:#?}");
    assert!(alice.lines()[2].starts_with("@alice:test.local  Alice Liddell  false"), "{alice:#?}");
    alice.stderr_has("Total users (excluding deactivated): 1");
    assert!(!alice.stderr.contains("--from"), "one page, no hint: {alice:#?}");
}

#[test]
fn user_list_renders_in_yaml_minified_and_pprint() {
    let cli = Cli::admin();
    let args = ["user", "list", "-n", "Liddell"];
    let expected = without_last_seen(&cli.json(&args));
    assert_eq!(without_last_seen(&cli.format("yaml", &args).yaml()), expected);
    let minified = cli.format("minified", &args);
    assert_eq!(minified.stdout.lines().count(), 1);
    assert_eq!(without_last_seen(&minified.minified()), expected);
    let pprint = cli.format("pprint", &args).stdout;
    assert!(pprint.starts_with("{'total': 1,"), "{pprint}");
    assert!(pprint.contains("'name': '@alice:test.local'"), "{pprint}");
    assert!(pprint.contains("'admin': False"), "{pprint}");
    assert!(pprint.contains("'avatar_url': None"), "{pprint}");
}

#[test]
fn user_search_is_case_insensitive_and_includes_deactivated_users() {
    let cli = Cli::admin();
    assert!(
        names(&cli.json(&["user", "search", "ALICE"])).contains(&"@alice:test.local".to_string())
    );
    assert!(
        names(&cli.json(&["user", "search", "builder"])).contains(&"@bob:test.local".to_string())
    );
    let eve = cli.json(&["user", "search", "Polastri"]);
    assert_eq!(names(&eve), ["@eve:test.local"], "{eve}");
    assert_eq!(eve["users"][0]["deactivated"], true);

    let human = cli.format("human", &["user", "search", "Polastri"]);
    assert!(human.lines()[2].starts_with("@eve:test.local  Eve Polastri"), "{human:#?}");
    human.stderr_has("Users matching \"Polastri\": 1");
}

#[test]
fn user_search_all_pages_through_the_matches() {
    let mine = tagged("searchsweep", 3);
    let out = Cli::admin().json(&["user", "search", "SEARCHSWEEP", "--all", "-l", "1"]);
    let mut listed = names(&out);
    listed.sort();
    assert_eq!(listed, ids(&mine), "{out}");
}
