//! Bulk runs against the real server: IDs from stdin for deactivate, room block and media
//! quarantine; a run with failing items and a re-run of exactly them from `--failed-to`; and
//! Ctrl-C in the middle of a run, after which every item is done or in the file, once.

use crate::common::enc;
use crate::support::{Cli, create_room, fresh, server, upload, user_state};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn blocked(room: &str) -> bool {
    let reply =
        server().admin_ok("GET", &format!("/_synapse/admin/v1/rooms/{}/block", enc(room)), None);
    reply["block"] == true
}

/// Room IDs that look real and that nobody created (blocking them is allowed).
fn unknown_rooms(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("!{prefix}{i}x{}:test.local", std::process::id())).collect()
}

fn lines(ids: &[String]) -> String {
    ids.iter().map(|id| format!("{id}\n")).collect()
}

#[test]
fn user_deactivate_takes_users_from_stdin() {
    let (a, b, bystander) = (fresh("listdeact"), fresh("listdeact"), fresh("listdeact"));
    let input = format!("# spammers\n{}\n{}\n", a.user_id, b.localpart);
    let run = Cli::admin().run_with_input(&["--batch", "user", "deactivate", "-"], &input).ok();
    let mut ids: Vec<String> = run
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            assert_eq!(row["deactivated"], true, "{row}");
            row["user_id"].as_str().unwrap().to_string()
        })
        .collect();
    ids.sort();
    let mut expected = vec![a.user_id.clone(), b.user_id.clone()];
    expected.sort();
    assert_eq!(ids, expected);
    assert_eq!(user_state(&a.user_id)["deactivated"], true);
    assert_eq!(user_state(&b.user_id)["deactivated"], true);
    assert_eq!(user_state(&bystander.user_id)["deactivated"], false);
}

#[test]
fn room_block_takes_rooms_from_stdin_and_unblocks_them_again() {
    let owner = fresh("listblock");
    let mut rooms = vec![create_room(&owner.token, "list block")];
    rooms.extend(unknown_rooms("listblock", 2));
    let cli = Cli::admin();
    cli.run_with_input(&["--batch", "room", "block", "-"], &lines(&rooms))
        .ok()
        .stderr_has("3 done.");
    assert!(rooms.iter().all(|r| blocked(r)));
    cli.run_with_input(&["--batch", "room", "block", "-u", "-"], &lines(&rooms)).ok();
    assert!(rooms.iter().all(|r| !blocked(r)));
}

#[test]
fn media_quarantine_takes_media_from_stdin() {
    let user = fresh("listmedia");
    let ids: Vec<String> =
        (0..3).map(|i| upload(&user.token, &format!("q{i}.json"), &json!({"n": i}))).collect();
    let s = server();
    // A media ID and two MXC URIs.
    let input = format!(
        "{}\nmxc://{}/{}\nmxc://{}/{}\n",
        ids[0], s.server_name, ids[1], s.server_name, ids[2]
    );
    Cli::admin()
        .run_with_input(&["--batch", "media", "quarantine", "-i", "-"], &input)
        .ok()
        .stderr_has("3 done.");
    for id in &ids {
        let info = s.media_info(id).expect("the media exists");
        assert_eq!(info["quarantined_by"], s.admin_user, "{id}: {info}");
    }
}

#[test]
fn failing_items_fail_the_run_and_a_re_run_on_the_failed_to_file_takes_exactly_them() {
    // Deactivating users of another server fails; local ones succeed.
    let local: Vec<_> = (0..3).map(|_| fresh("listfail")).collect();
    let remote = ["@a:elsewhere.example", "@b:elsewhere.example"];
    let mut input: Vec<String> = local.iter().map(|u| u.user_id.clone()).collect();
    input.insert(1, remote[0].into());
    input.push(remote[1].into());
    let cli = Cli::admin();
    let failed = cli.home().join("failed.txt");
    let failed_arg = failed.to_str().unwrap();
    let run = cli.run_with_input(
        &["--batch", "user", "deactivate", "-", "--failed-to", failed_arg],
        &lines(&input),
    );
    assert_eq!(run.code, 1, "{run:#?}");
    run.stderr_has("3 done, 2 failed.");
    run.stderr_has("Can only deactivate local users");
    let listed: BTreeSet<String> =
        std::fs::read_to_string(&failed).unwrap().lines().map(str::to_owned).collect();
    assert_eq!(listed, remote.iter().map(|r| r.to_string()).collect());
    for user in &local {
        assert_eq!(user_state(&user.user_id)["deactivated"], true);
    }
    // The re-run reads exactly the two that failed (and they fail again).
    let again = cli.run_with_input(
        &["--batch", "user", "deactivate", "-"],
        &std::fs::read_to_string(&failed).unwrap(),
    );
    assert_eq!(again.code, 1);
    again.stderr_has("2 users: ");
    again.stderr_has("0 done, 2 failed.");
}

/// Ctrl-C in the middle of a few hundred items: nothing new is sent, what is in flight
/// finishes, and every item ends up once, either done (a row on stdout) or in the
/// `--failed-to` file.
#[test]
fn an_interrupted_run_accounts_for_every_item_once() {
    let rooms = unknown_rooms("sigint", 400);
    let cli = Cli::admin();
    let failed = cli.home().join("unsent.txt");
    let config = cli.config().to_str().unwrap().to_string();
    let mut child = Command::new(env!("CARGO_BIN_EXE_synadm"))
        .args(["-c", &config, "--batch", "-o", "minified", "room", "block", "-"])
        .args(["--concurrency", "2", "--failed-to", failed.to_str().unwrap()])
        .env_clear()
        .env("HOME", cli.home())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(lines(&rooms).as_bytes()).unwrap();
    // Interrupt once the first rooms are blocked.
    let started = Instant::now();
    while !blocked(&rooms[0]) && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "{stderr}");
    assert!(stderr.contains("Stopping: nothing new is sent"), "{stderr}");
    assert!(stderr.contains("error: aborted: interrupted: "), "{stderr}");
    let done: Vec<Value> = serde_json::from_slice::<Value>(&out.stdout)
        .expect("one JSON document even when interrupted")
        .as_array()
        .unwrap()
        .clone();
    let done: Vec<String> = done
        .iter()
        .map(|row| {
            assert_eq!(row["block"], true, "{row}");
            row["room_id"].as_str().unwrap().to_string()
        })
        .collect();
    let unsent: Vec<String> =
        BufReader::new(std::fs::File::open(&failed).unwrap()).lines().map(Result::unwrap).collect();
    assert!(!done.is_empty() && !unsent.is_empty(), "{} done, {} unsent", done.len(), unsent.len());
    let mut all: Vec<String> = done.iter().chain(&unsent).cloned().collect();
    all.sort();
    let mut expected = rooms.clone();
    expected.sort();
    assert_eq!(all, expected, "every room exactly once");
    // What is listed done is blocked; what is unsent is not.
    assert!(done.iter().all(|r| blocked(r)));
    assert!(unsent.iter().all(|r| !blocked(r)));
}
