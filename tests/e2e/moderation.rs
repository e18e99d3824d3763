//! Moderation: `user redact` + `redact-status`, `shadow-ban`, `suspend`, on fresh users.

use crate::common::enc;
use crate::support::{Cli, create_room, eventually, fresh, join, send_text, server, user_state};
use serde_json::{Value, json};
use std::time::Duration;

/// An event as the user (a member of the room) sees it.
fn event(token: &str, room_id: &str, event_id: &str) -> Value {
    server().ok_as(
        token,
        "GET",
        &format!("/_matrix/client/v3/rooms/{}/event/{}", enc(room_id), enc(event_id)),
        None,
    )
}

fn is_redacted(ev: &Value) -> bool {
    ev["content"] == json!({}) && ev["unsigned"].get("redacted_because").is_some()
}

/// Polls `user redact-status ID` until the task is complete; returns the last reply.
fn wait_for_redaction(cli: &Cli, redact_id: &str) -> Value {
    eventually("the redaction to complete", Duration::from_secs(30), || {
        let out = cli.json(&["user", "redact-status", redact_id]);
        match out["status"].as_str() {
            Some("complete") => Some(out),
            Some("scheduled" | "active") => None,
            _ => panic!("redaction did not complete: {out}"),
        }
    })
}

fn start_redaction(cli: &Cli, args: &[&str]) -> String {
    let mut all = vec!["--batch", "user", "redact"];
    all.extend_from_slice(args);
    let run = cli.run(&all).ok();
    let id = run.json()["redact_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no redact_id: {run:#?}"))
        .to_string();
    run.stderr_has(&format!("synadm user redact-status {id}"));
    id
}

#[test]
fn user_redact_in_one_room_leaves_other_rooms_alone_then_redacts_everywhere() {
    let user = fresh("redactor");
    let general = join(&user.token, "#general:test.local");
    let own = create_room(&user.token, "redact me");
    let in_own = [send_text(&user.token, &own, "spam 1"), send_text(&user.token, &own, "spam 2")];
    let in_general = send_text(&user.token, &general, "spam in general");
    let cli = Cli::admin();

    let id = start_redaction(&cli, &[&user.localpart, "-r", &own, "--reason", "cleanup"]);
    wait_for_redaction(&cli, &id);
    for ev in &in_own {
        let seen = event(&user.token, &own, ev);
        assert!(is_redacted(&seen), "{seen}");
        assert_eq!(seen["unsigned"]["redacted_because"]["content"]["reason"], "cleanup");
    }
    let untouched = event(&user.token, &general, &in_general);
    assert_eq!(untouched["content"]["body"], "spam in general", "other rooms stay");

    // Without --room: every room the user is in.
    let id = start_redaction(&cli, &[&user.user_id]);
    wait_for_redaction(&cli, &id);
    assert!(is_redacted(&event(&user.token, &general, &in_general)));
}

#[test]
fn user_redact_asks_first_without_batch() {
    let user = fresh("redactask");
    let own = create_room(&user.token, "keep me");
    let ev = send_text(&user.token, &own, "innocent");
    let cli = Cli::admin();
    let no = cli.run_with_input(&["user", "redact", &user.localpart], "n\n");
    let no = no.fails(6, "aborted");
    no.stderr_has("every room");
    assert_eq!(event(&user.token, &own, &ev)["content"]["body"], "innocent");

    let yes = cli
        .run_with_input(&["-o", "human", "user", "redact", &user.localpart, "-l", "5"], "y\n")
        .ok();
    let id = yes
        .stdout
        .trim_end()
        .strip_prefix("redact_id  ")
        .unwrap_or_else(|| panic!("human output: {yes:#?}"))
        .to_string();
    wait_for_redaction(&cli, &id);
    assert!(is_redacted(&event(&user.token, &own, &ev)));
}

#[test]
fn user_redact_status_renders_in_human_and_yaml() {
    let user = fresh("redactfmt");
    let own = create_room(&user.token, "formats");
    send_text(&user.token, &own, "x");
    let cli = Cli::admin();
    let id = start_redaction(&cli, &[&user.localpart]);
    wait_for_redaction(&cli, &id);
    let human = cli.format("human", &["user", "redact-status", &id]);
    let first = human.lines()[0];
    assert!(first.starts_with("status  ") && first.ends_with(" complete"), "{human:#?}");
    assert_eq!(cli.format("yaml", &["user", "redact-status", &id]).yaml()["status"], "complete");
}

#[test]
fn user_redact_status_keeps_every_field_the_server_sent() {
    let user = fresh("redactall");
    let own = create_room(&user.token, "all fields");
    send_text(&user.token, &own, "x");
    let cli = Cli::admin();
    let id = start_redaction(&cli, &[&user.localpart]);
    let out = wait_for_redaction(&cli, &id);
    let truth = server().admin_ok(
        "GET",
        &format!("/_synapse/admin/v1/user/redact_status/{}", enc(&id)),
        None,
    );
    assert_eq!(truth["failed_redactions"], json!({}), "Synapse sends it: {truth}");
    assert_eq!(out, truth);
}

#[test]
fn user_redact_status_of_an_unknown_task_is_not_found() {
    Cli::admin()
        .run(&["user", "redact-status", "NoSuchRedactTask"])
        .fails(1, "M_NOT_FOUND: redact id 'NoSuchRedactTask' not found (HTTP 404)");
}

#[test]
fn user_shadow_ban_and_unban() {
    let user = fresh("shadow");
    let cli = Cli::admin();
    let run = cli.run(&["user", "shadow-ban", &user.localpart]).ok();
    assert_eq!(run.json(), json!({}));
    run.stderr_has(&format!("{} is now shadow-banned.", user.user_id));
    assert_eq!(user_state(&user.user_id)["shadow_banned"], true);

    let human = cli.format("human", &["user", "shadow-ban", "-u", &user.user_id]);
    assert!(human.stdout.trim().is_empty(), "{human:#?}");
    human.stderr_has("is no longer shadow-banned.");
    assert_eq!(user_state(&user.user_id)["shadow_banned"], false);

    cli.json(&["user", "shadow-ban", &user.localpart]);
    cli.json(&["user", "shadow-ban", "--unban", &user.localpart]);
    assert_eq!(user_state(&user.user_id)["shadow_banned"], false);
}

#[test]
fn user_suspend_and_unsuspend() {
    let user = fresh("suspend");
    let cli = Cli::admin();
    let out = cli.json(&["--batch", "user", "suspend", &user.localpart]);
    assert_eq!(out, json!({format!("user_{}_suspended", user.user_id): true}));
    assert_eq!(user_state(&user.user_id)["suspended"], true);

    let human = cli.format("human", &["--batch", "user", "suspend", "-U", &user.localpart]);
    assert_eq!(human.stdout, format!("user_{}_suspended  false\n", user.user_id));
    assert_eq!(user_state(&user.user_id)["suspended"], false);

    cli.json(&["--batch", "user", "suspend", &user.user_id]);
    cli.json(&["--batch", "user", "suspend", "--unsuspend", &user.user_id]);
    assert_eq!(user_state(&user.user_id)["suspended"], false);
}

#[test]
fn user_suspend_asks_first_without_batch() {
    let user = fresh("suspendask");
    let cli = Cli::admin();
    let no = cli.run_with_input(&["user", "suspend", &user.localpart], "n\n");
    let no = no.fails(6, "aborted");
    no.stderr_has(&format!("Are you sure you want to suspend {}?", user.user_id));
    assert_eq!(user_state(&user.user_id)["suspended"], false);

    cli.run_with_input(&["user", "suspend", &user.localpart], "y\n").ok();
    assert_eq!(user_state(&user.user_id)["suspended"], true);
}
