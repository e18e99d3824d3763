//! `user modify`: create and change accounts, read back from the server.

use crate::common::enc;
use crate::support::{
    Cli, fresh, login, server, unique_localpart, user_state, wait_until_reactivation_works, whoami,
};
use serde_json::{Value, json};

fn addresses(user: &Value) -> Vec<String> {
    let mut list: Vec<String> = user["threepids"]
        .as_array()
        .expect("threepids")
        .iter()
        .map(|t| format!("{}:{}", t["medium"].as_str().unwrap(), t["address"].as_str().unwrap()))
        .collect();
    list.sort();
    list
}

#[test]
fn user_modify_creates_a_missing_user_without_asking() {
    let local = unique_localpart("created");
    let user_id = server().user_id(&local);
    let cli = Cli::admin();
    // No --batch and no stdin: creating asks nothing.
    let run = cli
        .run(&[
            "user",
            "modify",
            &local,
            "-P",
            "first-secret",
            "-n",
            "Newly Made",
            "-t",
            "email",
            "made@example.org",
        ])
        .ok();
    let out = run.json();
    assert_eq!(out["name"], user_id.as_str());
    assert_eq!(out["displayname"], "Newly Made");
    run.stderr_has("does not exist and will be created");
    run.stderr_has(&format!("User {user_id} created."));
    assert!(!run.stderr.contains("first-secret"), "the password is never shown: {run:#?}");

    let state = user_state(&user_id);
    assert_eq!(state["displayname"], "Newly Made");
    assert_eq!(state["admin"], false);
    assert_eq!(addresses(&state), ["email:made@example.org"]);
    assert!(login(&local, "first-secret", None).is_ok(), "the password works");
}

#[test]
fn user_modify_creates_users_whose_localpart_needs_escaping() {
    let local = unique_localpart("sl/ash");
    let user_id = server().user_id(&local);
    let out = Cli::admin().json(&["--batch", "user", "modify", &user_id, "-P", "pw-slash"]);
    assert_eq!(out["name"], user_id.as_str());
    server().admin_ok("GET", &format!("/_synapse/admin/v2/users/{}", enc(&user_id)), None);
    assert_eq!(Cli::admin().json(&["user", "details", &local])["name"], user_id.as_str());
}

#[test]
fn user_modify_changes_display_name_admin_and_avatar() {
    let user = fresh("modnames");
    let cli = Cli::admin();
    let out = cli.json(&[
        "--batch",
        "user",
        "modify",
        &user.localpart,
        "-n",
        "Renamed Ü",
        "-a",
        "-v",
        "mxc://test.local/avatar1",
    ]);
    assert_eq!(out["displayname"], "Renamed Ü");
    let state = user_state(&user.user_id);
    assert_eq!(state["displayname"], "Renamed Ü");
    assert_eq!(state["admin"], true);
    assert_eq!(state["avatar_url"], "mxc://test.local/avatar1");

    cli.json(&["--batch", "user", "modify", &user.user_id, "--no-admin"]);
    let state = user_state(&user.user_id);
    assert_eq!(state["admin"], false);
    assert_eq!(state["displayname"], "Renamed Ü", "untouched fields stay");
}

#[test]
fn user_modify_locks_and_unlocks_logins() {
    let user = fresh("modlock");
    let cli = Cli::admin();
    cli.json(&["--batch", "user", "modify", &user.localpart, "--lock"]);
    assert_eq!(user_state(&user.user_id)["locked"], true);
    assert_eq!(login(&user.localpart, &user.password, None), Err(401), "M_USER_LOCKED");

    cli.json(&["--batch", "user", "modify", &user.localpart, "-L"]);
    assert_eq!(user_state(&user.user_id)["locked"], false);
    assert!(login(&user.localpart, &user.password, None).is_ok());
}

#[test]
fn user_modify_sets_replaces_and_clears_threepids() {
    let user = fresh("mod3pid");
    let a = format!("{}-a@example.org", user.localpart);
    let b = format!("{}-b@example.org", user.localpart);
    let cli = Cli::admin();
    cli.json(&["--batch", "user", "modify", &user.localpart, "-t", "email", &a, "-t", "email", &b]);
    let mut expected = vec![format!("email:{a}"), format!("email:{b}")];
    expected.sort();
    assert_eq!(addresses(&user_state(&user.user_id)), expected);
    assert_eq!(cli.json(&["user", "3pid", &b])["user_id"], user.user_id.as_str());

    cli.json(&["--batch", "user", "modify", &user.localpart, "--threepid", "email", &a]);
    assert_eq!(addresses(&user_state(&user.user_id)), [format!("email:{a}")]);

    cli.json(&["--batch", "user", "modify", &user.localpart, "--clear-threepids"]);
    assert!(addresses(&user_state(&user.user_id)).is_empty());
    cli.run(&["user", "3pid", &a]).fails(1, "M_NOT_FOUND");

    // synadm's spelling of "remove all": -t '' ''
    cli.json(&["--batch", "user", "modify", &user.localpart, "-t", "email", &b]);
    cli.json(&["--batch", "user", "modify", &user.localpart, "-t", "", ""]);
    assert!(addresses(&user_state(&user.user_id)).is_empty());
}

#[test]
fn user_modify_switches_user_type_between_bot_and_regular() {
    let user = fresh("modtype");
    let cli = Cli::admin();
    let out = cli.json(&["--batch", "user", "modify", &user.localpart, "--user-type", "bot"]);
    assert_eq!(out["user_type"], "bot");
    assert_eq!(user_state(&user.user_id)["user_type"], "bot");
    cli.json(&["--batch", "user", "modify", &user.localpart, "--user-type", "regular"]);
    assert_eq!(user_state(&user.user_id)["user_type"], Value::Null);
}

#[test]
fn user_modify_password_logs_out_everywhere_unless_no_logout() {
    let cli = Cli::admin();

    let kept = fresh("modpwkeep");
    cli.json(&["--batch", "user", "modify", &kept.localpart, "-P", "kept-new-pw", "--no-logout"]);
    assert_eq!(whoami(&kept.token).0, 200, "--no-logout keeps the sessions");
    assert_eq!(login(&kept.localpart, &kept.password, None), Err(403), "old password");
    assert!(login(&kept.localpart, "kept-new-pw", None).is_ok());

    let dropped = fresh("modpwdrop");
    cli.json(&["--batch", "user", "modify", &dropped.localpart, "-P", "dropped-new-pw"]);
    assert_eq!(whoami(&dropped.token).0, 401, "the old session is gone");
    assert!(login(&dropped.localpart, "dropped-new-pw", None).is_ok());

    cli.run(&["--batch", "user", "modify", &dropped.localpart, "--no-logout", "-n", "x"])
        .fails(2, "--no-logout");
}

#[test]
fn user_modify_deactivates_and_reactivates() {
    let user = fresh("modactive");
    let cli = Cli::admin();
    cli.json(&["--batch", "user", "modify", &user.localpart, "--deactivate"]);
    assert_eq!(user_state(&user.user_id)["deactivated"], true);
    assert_eq!(whoami(&user.token).0, 401);

    wait_until_reactivation_works();
    cli.json(&["--batch", "user", "modify", &user.localpart, "--activate", "-P", "back-again"]);
    assert_eq!(user_state(&user.user_id)["deactivated"], false);
    assert!(login(&user.localpart, "back-again", None).is_ok());

    cli.run(&["--batch", "user", "modify", &user.localpart, "--deactivate", "-P", "x"])
        .fails(2, "cannot be used with");
}

#[test]
fn user_modify_asks_before_changing_an_existing_user() {
    let user = fresh("modask");
    let cli = Cli::admin();

    let no = cli.run_with_input(&["user", "modify", &user.localpart, "-n", "Declined"], "n\n");
    let no = no.fails(6, "aborted");
    no.stderr_has("[y/N]");
    let closed = cli.run(&["user", "modify", &user.localpart, "-n", "Declined"]);
    closed.fails(6, "pass --batch");
    assert_eq!(user_state(&user.user_id)["displayname"], "modask", "nothing changed");

    let yes =
        cli.run_with_input(&["user", "modify", &user.localpart, "-n", "Accepted"], "y\n").ok();
    assert_eq!(yes.json()["displayname"], "Accepted");
    yes.stderr_has(&format!("Changes to {}", user.user_id));
    assert_eq!(user_state(&user.user_id)["displayname"], "Accepted");
}

#[test]
fn user_modify_password_prompt_asks_twice_on_stdin() {
    let user = fresh("modprompt");
    let cli = Cli::admin();
    let run = cli
        .run_with_input(&["user", "modify", &user.localpart, "-p"], "typed-pw\ntyped-pw\ny\n")
        .ok();
    assert!(!run.stdout.contains("typed-pw") && !run.stderr.contains("typed-pw"), "{run:#?}");
    assert!(login(&user.localpart, "typed-pw", None).is_ok());

    cli.run_with_input(&["user", "modify", &user.localpart, "-p"], "one\ntwo\n").fails(2, "differ");
    assert!(login(&user.localpart, "typed-pw", None).is_ok(), "unchanged");
    cli.run(&["--batch", "user", "modify", &user.localpart, "-p"]).fails(2, "--batch");
}

#[test]
fn user_modify_renders_the_new_state_in_human_yaml_and_pprint() {
    let user = fresh("modhuman");
    let cli = Cli::admin();
    let human =
        cli.format("human", &["--batch", "user", "modify", &user.localpart, "-n", "Human View"]);
    let lines = human.lines();
    assert!(lines[0].starts_with("name ") && lines[0].ends_with(&user.user_id), "{human:#?}");
    assert!(
        lines[1].starts_with("displayname ") && lines[1].ends_with(" Human View"),
        "{human:#?}"
    );
    human.stderr_has(&format!("User {} modified.", user.user_id));

    let yaml =
        cli.format("yaml", &["--batch", "user", "modify", &user.localpart, "-n", "Yaml View"]);
    assert_eq!(yaml.yaml()["displayname"], "Yaml View");
    let pprint =
        cli.format("pprint", &["--batch", "user", "modify", &user.localpart, "-n", "Py View"]);
    pprint.stdout_has("'displayname': 'Py View'");
    let minified = cli.format("minified", &["--batch", "user", "modify", &user.localpart, "-a"]);
    assert_eq!(minified.stdout.lines().count(), 1);
    assert_eq!(minified.minified()["admin"], json!(true));
}

#[test]
fn user_modify_without_any_change_is_a_usage_error() {
    let user = fresh("modnothing");
    Cli::admin().run(&["--batch", "user", "modify", &user.localpart]).fails(2, "required");
}
