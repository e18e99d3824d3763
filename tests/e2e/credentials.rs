//! `user password` and `user login`: credentials that must work (and stop working) on the
//! real server.

use crate::support::{Cli, DAY_MS, eventually, fresh, login, now_ms, token_valid_until, whoami};
use std::time::Duration;

fn token_of(out: &serde_json::Value) -> String {
    out["access_token"].as_str().unwrap_or_else(|| panic!("no access_token: {out}")).to_string()
}

#[test]
fn user_password_sets_a_new_password_and_logs_the_user_out() {
    let user = fresh("pwreset");
    let run = Cli::admin()
        .run(&["--batch", "user", "password", &user.localpart, "-p", "reset-pw-1"])
        .ok();
    assert_eq!(run.json(), serde_json::json!({}));
    run.stderr_has(&format!("Password of {} changed.", user.user_id));
    assert!(!run.stderr.contains("reset-pw-1"), "{run:#?}");

    assert_eq!(whoami(&user.token).0, 401, "logged out of every device");
    assert_eq!(login(&user.localpart, &user.password, None), Err(403), "old password");
    let token = login(&user.localpart, "reset-pw-1", None).expect("new password works");
    assert_eq!(whoami(&token), (200, Some(user.user_id.clone())));
}

#[test]
fn user_password_no_logout_keeps_the_sessions() {
    let user = fresh("pwkeep");
    let human = Cli::admin().format(
        "human",
        &["--batch", "user", "password", "--no-logout", &user.user_id, "--password", "kept-pw"],
    );
    assert!(human.stdout.trim().is_empty(), "nothing to show: {human:#?}");
    assert_eq!(whoami(&user.token).0, 200, "still logged in");
    assert!(login(&user.localpart, "kept-pw", None).is_ok());
}

#[test]
fn user_password_asks_twice_on_stdin_when_not_given() {
    let user = fresh("pwprompt");
    let cli = Cli::admin();
    let run = cli
        .run_with_input(&["user", "password", &user.localpart, "-n"], "prompted-pw\nprompted-pw\n")
        .ok();
    run.stderr_has("New password");
    assert!(!run.stderr.contains("prompted-pw"), "{run:#?}");
    assert!(login(&user.localpart, "prompted-pw", None).is_ok());

    cli.run_with_input(&["user", "password", &user.localpart], "a-pw\nanother-pw\n")
        .fails(2, "differ");
    cli.run(&["--batch", "user", "password", &user.localpart]).fails(2, "--batch");
    cli.run(&["--batch", "user", "password", &user.localpart, "-p", ""])
        .fails(2, "must not be empty");
    assert!(login(&user.localpart, "prompted-pw", None).is_ok(), "unchanged");
}

#[test]
fn user_login_token_acts_as_the_user_until_it_expires() {
    let user = fresh("loginexp");
    let expiry = (now_ms() + 3000).to_string();
    let out =
        Cli::admin().json(&["--batch", "user", "login", &user.localpart, "--expire-ts", &expiry]);
    let token = token_of(&out);
    assert_ne!(token, user.token);
    assert_eq!(whoami(&token), (200, Some(user.user_id.clone())));
    eventually("the login token to expire", Duration::from_secs(20), || {
        (whoami(&token).0 == 401).then_some(())
    });
    assert_eq!(whoami(&user.token).0, 200, "the user's own session is untouched");
}

#[test]
fn user_login_tokens_with_other_expiries_work() {
    let user = fresh("loginok");
    let cli = Cli::admin();
    for args in [
        vec![],
        vec!["--expire-never"],
        vec!["-d", "2"],
        vec!["--expire-days", "30"],
        vec!["--expire", "2099-01-01"],
        vec!["--expire", "2099-01-01 12:30:00"],
        vec!["--expire", "2099-01-01T12:30:00Z"],
    ] {
        let mut all = vec!["--batch", "user", "login", &user.localpart];
        all.extend(args.iter().copied());
        let token = token_of(&cli.json(&all));
        assert_eq!(whoami(&token), (200, Some(user.user_id.clone())), "{args:?}");
    }
}

#[test]
fn user_login_tokens_expire_a_day_from_now_unless_told_otherwise() {
    let user = fresh("loginwhen");
    let cli = Cli::admin();
    for (args, days) in [
        (&[][..], Some(1_i64)),
        (&["-d", "2"], Some(2)),
        (&["--expire-days", "30"], Some(30)),
        (&["--expire-never"], None),
    ] {
        let before = now_ms();
        let all = [&["--batch", "user", "login", &user.localpart][..], args].concat();
        let token = token_of(&cli.json(&all));
        let after = now_ms();
        let until = token_valid_until(&token);
        match days {
            Some(days) => {
                let (low, high) = (before + days * DAY_MS, after + days * DAY_MS);
                assert!(
                    until.is_some_and(|t| (low..=high).contains(&t)),
                    "{args:?}: the token expires at {until:?}, not in {low}..={high}"
                );
            }
            None => assert_eq!(until, None, "{args:?}"),
        }
        assert_eq!(whoami(&token).0, 200, "{args:?}");
    }
    assert_eq!(token_valid_until(&user.token), None, "the user's own token is untouched");
}

#[test]
fn user_login_refuses_expiries_in_the_past_and_conflicting_options() {
    let user = fresh("loginbad");
    let cli = Cli::admin();
    for args in [["--expire-ts", "1"], ["--expire", "2000-01-01"], ["-d", "0"]] {
        let mut all = vec!["--batch", "user", "login", &user.localpart];
        all.extend(args);
        cli.run(&all).fails(2, "in the past");
    }
    cli.run(&["--batch", "user", "login", &user.localpart, "-d", "1", "--expire-never"])
        .fails(2, "cannot be used with");
    cli.run(&["--batch", "user", "login", &user.localpart, "--expire", "tomorrow"])
        .fails(2, "is not a date");
}

#[test]
fn user_login_warns_about_privacy_on_stderr_unless_batch() {
    let user = fresh("loginnote");
    let cli = Cli::admin();
    let interactive = cli.format("human", &["user", "login", &user.localpart]);
    interactive.stderr_has("privacy");
    let line = interactive.stdout.trim_end();
    let token = line
        .strip_prefix("access_token  ")
        .unwrap_or_else(|| panic!("human output: {interactive:#?}"));
    assert_eq!(whoami(token).0, 200);

    let batch = cli.format("yaml", &["--batch", "user", "login", &user.localpart]);
    assert!(!batch.stderr.contains("privacy"), "{batch:#?}");
    batch.stderr_has("expires at");
    assert_eq!(whoami(&token_of(&batch.yaml())).0, 200);
}
