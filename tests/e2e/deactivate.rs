//! `user deactivate` and `user deactivate-regex`, on fresh users only.

use crate::common::words;
use crate::support::{Cli, Fresh, fresh, names, user_state, whoami};
use serde_json::json;

#[test]
fn user_deactivate_in_batch_mode_deactivates_without_erasing() {
    let user = fresh("deact");
    let run = Cli::admin().run(&["--batch", "user", "deactivate", &user.localpart]).ok();
    assert_eq!(run.json(), json!({"id_server_unbind_result": "success"}));
    run.stderr_has(&format!("User {} deactivated.", user.user_id));
    let state = user_state(&user.user_id);
    assert_eq!(state["deactivated"], true);
    assert_eq!(state["erased"], false);
    assert_eq!(whoami(&user.token).0, 401, "tokens are gone");
}

#[test]
fn user_deactivate_gdpr_erase_marks_the_user_erased() {
    let user = fresh("deacterase");
    let human =
        Cli::admin().format("human", &["--batch", "user", "deactivate", "-e", &user.user_id]);
    assert_eq!(human.stdout, "id_server_unbind_result  success\n");
    human.stderr_has("deactivated and GDPR-erased");
    let state = user_state(&user.user_id);
    assert_eq!(state["deactivated"], true);
    assert_eq!(state["erased"], true);
    assert_eq!(state["displayname"], serde_json::Value::Null, "erasure removes the profile");
}

#[test]
fn user_deactivate_asks_first_and_stops_on_no() {
    let user = fresh("deactask");
    let cli = Cli::admin();
    let no = cli.run_with_input(&["user", "deactivate", &user.localpart], "n\n");
    let no = no.fails(6, "aborted");
    no.stderr_has(&user.user_id).stderr_has("[y/N]");
    assert!(no.stderr.contains("(deactask)"), "shows the display name: {no:#?}");
    assert_eq!(user_state(&user.user_id)["deactivated"], false);
    assert_eq!(whoami(&user.token).0, 200);

    let yes =
        cli.run_with_input(&["user", "deactivate", "--gdpr-erase", &user.localpart], "yes\n").ok();
    assert_eq!(yes.json()["id_server_unbind_result"], "success");
    assert_eq!(user_state(&user.user_id)["erased"], true);
}

#[test]
fn user_deactivate_of_an_unknown_user_fails_before_the_prompt() {
    let cli = Cli::admin();
    cli.run_with_input(&["user", "deactivate", "no-such-user-deact"], "y\n")
        .fails(1, "error: M_NOT_FOUND: User not found (HTTP 404)");
    cli.run(&["--batch", "user", "deactivate", "no-such-user-deact"]).fails(1, "(HTTP 404)");
}

/// Users `@<tag>-<n>-<pid>` plus one bystander whose name only starts like them.
fn regex_victims(tag: &str, n: usize) -> (Vec<Fresh>, Fresh) {
    let victims = (0..n).map(|_| fresh(tag)).collect();
    let bystander = fresh(&format!("{tag}keep"));
    (victims, bystander)
}

fn sorted_ids(users: &[Fresh]) -> Vec<String> {
    let mut ids: Vec<String> = users.iter().map(|u| u.user_id.clone()).collect();
    ids.sort();
    ids
}

#[test]
fn user_deactivate_regex_dry_run_lists_matches_and_changes_nothing() {
    // "0…" sorts before every other user, so that the scan below, two users per request,
    // reads these four first: users that other tests create or deactivate meanwhile sort
    // after them and cannot shift their offsets (a shift repeated or skipped a victim).
    let (victims, bystander) = regex_victims("0dryregex", 3);
    let pattern = format!("@0dryregex-[0-9]+-{}:", std::process::id());
    let cli = Cli::admin();
    let run = cli.run(&["-o", "json", "user", "deactivate-regex", "--dry-run", &pattern]).ok();
    let mut listed: Vec<String> = serde_json::from_value(run.json()).unwrap();
    listed.sort();
    assert_eq!(listed, sorted_ids(&victims));
    assert!(run.stderr.contains("3 active user(s) match; dry run"), "{run:#?}");

    let human = cli.format("human", &["user", "deactivate-regex", "-n", "-p", "2", &pattern]);
    let mut lines = human.lines();
    lines.sort();
    assert_eq!(lines, sorted_ids(&victims), "one ID per line");

    for user in victims.iter().chain([&bystander]) {
        assert_eq!(user_state(&user.user_id)["deactivated"], false, "{}", user.user_id);
    }
}

#[test]
fn user_deactivate_regex_deactivates_exactly_the_matching_users() {
    let (victims, bystander) = regex_victims("realregex", 3);
    let pattern = format!("@realregex-[0-9]+-{}:", std::process::id());
    let run = Cli::admin()
        .run(&["--batch", "-o", "json", "user", "deactivate-regex", "-e", &pattern])
        .ok();
    let report = run.json();
    let mut reported: Vec<String> = report
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert_eq!(r["deactivated"], true, "{r}");
            r["user_id"].as_str().unwrap().to_string()
        })
        .collect();
    reported.sort();
    assert_eq!(reported, sorted_ids(&victims));
    for user in &victims {
        let state = user_state(&user.user_id);
        assert_eq!(
            (state["deactivated"].clone(), state["erased"].clone()),
            (json!(true), json!(true))
        );
    }
    assert_eq!(user_state(&bystander.user_id)["deactivated"], false, "no match, untouched");
    assert_eq!(whoami(&bystander.token).0, 200);

    // Deactivated users are no longer candidates.
    let again = Cli::admin().json(&["user", "deactivate-regex", "-n", &pattern]);
    assert_eq!(again, json!([]));
}

#[test]
fn user_deactivate_regex_matches_only_at_the_start_of_the_id() {
    let victims = [fresh("anchorspam"), fresh("anchorspam")];
    // Its ID contains every pattern below, but not at the start.
    let bystander = fresh("noanchorspam");
    let pid = std::process::id();
    let cli = Cli::admin();
    // Without the '@' nothing starts with the pattern, though every ID contains it.
    let inner = format!("anchorspam-[0-9]+-{pid}:");
    let none = cli.run(&["--batch", "user", "deactivate-regex", &inner]).ok();
    assert_eq!(none.json(), json!([]));
    // "." takes the place of the '@': the victims match at the start, the bystander
    // (@noanchorspam-…) only two characters in.
    let dotted = format!(".anchorspam-[0-9]+-{pid}:");
    let run = cli.run(&["--batch", "user", "deactivate-regex", &dotted]).ok();
    let mut done: Vec<String> = run
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["user_id"].as_str().unwrap().to_string())
        .collect();
    done.sort();
    assert_eq!(done, sorted_ids(&victims), "{run:#?}");
    for user in &victims {
        assert_eq!(user_state(&user.user_id)["deactivated"], true);
    }
    assert_eq!(user_state(&bystander.user_id)["deactivated"], false);
    assert_eq!(whoami(&bystander.token).0, 200);
}

#[test]
fn user_deactivate_regex_asks_once_for_all_matches() {
    let (victims, _bystander) = regex_victims("askregex", 2);
    let pattern = format!("@askregex-[0-9]+-{}:", std::process::id());
    let cli = Cli::admin();
    let no = cli.run_with_input(&["user", "deactivate-regex", &pattern], "n\n");
    let no = no.fails(6, "aborted");
    no.stderr_has("2 user(s) match");
    for user in &victims {
        assert_eq!(user_state(&user.user_id)["deactivated"], false);
    }
    let human =
        cli.run_with_input(&["-o", "human", "user", "deactivate-regex", &pattern], "y\n").ok();
    // Human output of a bulk run: failures (none here) and the summary, on stderr.
    assert_eq!(human.stdout, "");
    human.stderr_has("2 done.\n");
    for user in &victims {
        assert_eq!(user_state(&user.user_id)["deactivated"], true);
        assert_eq!(user_state(&user.user_id)["erased"], false);
    }
    let listed = names(&cli.json(&["user", "list", "-n", "askregex"]));
    assert!(victims.iter().all(|v| !listed.contains(&v.user_id)), "{listed:?}");
}

#[test]
fn user_deactivate_regex_with_no_match_does_nothing_and_says_so() {
    let pattern = format!("@nomatch-{}-[0-9]+:", std::process::id());
    let run = Cli::admin().run(&["--batch", "user", "deactivate-regex", &pattern]).ok();
    assert_eq!(run.json(), json!([]));
    assert!(run.stderr.contains("0 active user(s) match; nobody to deactivate."), "{run:#?}");
    // Not a dry run, so it must not claim to be one.
    assert!(!run.stderr.contains("dry run"), "{run:#?}");
}

#[test]
fn user_deactivate_regex_rejects_an_invalid_regex() {
    Cli::admin()
        .run(&["--batch", "user", "deactivate-regex", "@spam[0-9"])
        .fails(2, "invalid regular expression");
}

#[test]
fn user_deactivate_regex_leaves_out_the_admin_running_it() {
    // Dry runs only: deactivating the shared admin would break every other test.
    let cli = Cli::admin();
    let run = cli.run(&["user", "deactivate-regex", "--dry-run", "@admin:"]).ok();
    assert_eq!(run.json(), json!([]));
    assert!(
        run.stderr.contains(
            "Leaving out @admin:test.local, the admin running this command; pass \
             --include-self to deactivate it too."
        ),
        "{run:#?}"
    );
    run.stderr_has("0 active user(s) match");
    let with_self = cli.run(&words("user deactivate-regex --dry-run --include-self @admin:")).ok();
    assert_eq!(with_self.json(), json!(["@admin:test.local"]));
    assert_eq!(whoami(&crate::support::server().admin_token).0, 200);
}
