//! `user prune-devices`: what is listed, what is deleted, what survives.

use crate::common::words;
use crate::support::{
    Cli, DAY_MS, Fresh, device_ids, eventually, fresh, login, now_ms, set_last_seen,
    stored_last_seen, whoami,
};
use serde_json::Value;
use std::time::Duration;

/// A fresh user with four devices: the one `fresh` logged in with and OLD1, OLD2 (never
/// used, so never seen), and USED (seen just now). Returns the user and USED's token.
fn user_with_devices(prefix: &str) -> (Fresh, String) {
    let user = fresh(prefix);
    for device in ["OLD1", "OLD2"] {
        login(&user.localpart, &user.password, Some(device)).expect("login");
    }
    let used = login(&user.localpart, &user.password, Some("USED")).expect("login");
    assert_eq!(whoami(&used).0, 200, "makes Synapse record USED as seen");
    // Synapse's device list misses the sighting while it moves it from memory to the
    // database; once stored, every read has it.
    eventually("USED's sighting to be stored", Duration::from_secs(30), || {
        stored_last_seen(&user.user_id, "USED")
    });
    assert_eq!(device_ids(&user.user_id).len(), 4);
    (user, used)
}

/// Runs `synadm --batch user prune-devices OPTIONS USER`; the JSON it prints.
fn prune(cli: &Cli, options: &str, user: &str) -> Value {
    let line = [&["--batch", "user", "prune-devices"][..], &words(options), &[user]].concat();
    cli.json(&line)
}

fn listed(out: &Value) -> Vec<String> {
    let mut ids: Vec<String> = out
        .as_array()
        .unwrap_or_else(|| panic!("not a device list: {out}"))
        .iter()
        .map(|d| d["device_id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

#[test]
fn prune_devices_list_only_shows_candidates_and_deletes_nothing() {
    let (user, used) = user_with_devices("prunelist");
    let cli = Cli::admin();
    // Default: idle for 90 days or never seen, keeping at least one.
    let run =
        cli.run(&["-o", "json", "user", "prune-devices", "--list-only", &user.localpart]).ok();
    let candidates = listed(&run.json());
    assert_eq!(candidates.len(), 3, "{run:#?}");
    assert!(!candidates.contains(&"USED".to_string()), "{candidates:?}");
    run.stderr_has("has 3 device(s) marked for deletion and 1 to be kept");
    // -d 0 makes every device old enough; -s decides how many survive.
    let all = prune(&cli, "-l -d 0 -s 0", &user.localpart);
    assert_eq!(listed(&all).len(), 4);
    let three_stay = prune(&cli, "-l -d 0 --min-surviving 3", &user.localpart);
    let one = listed(&three_stay);
    assert_eq!(one.len(), 1);
    assert_ne!(one[0], "USED", "the most recently seen device survives longest");

    assert_eq!(device_ids(&user.user_id).len(), 4, "--list-only deletes nothing");
    assert_eq!(whoami(&user.token).0, 200);
    assert_eq!(whoami(&used).0, 200);
}

#[test]
fn prune_devices_deletes_never_seen_devices_and_keeps_recent_ones() {
    let (user, used) = user_with_devices("prunereal");
    let out = prune(&Cli::admin(), "", &user.localpart);
    assert_eq!(listed(&out).len(), 3, "{out}");
    assert_eq!(device_ids(&user.user_id), ["USED"]);
    assert_eq!(whoami(&used).0, 200, "the surviving device stays logged in");
    assert_eq!(whoami(&user.token).0, 401, "deleted devices lose their tokens");
}

#[test]
fn prune_devices_min_surviving_keeps_the_most_recent() {
    let (user, used) = user_with_devices("prunekeep");
    let out = prune(&Cli::admin(), "-d 0 -s 2", &user.user_id);
    assert_eq!(listed(&out).len(), 2, "{out}");
    let left = device_ids(&user.user_id);
    assert_eq!(left.len(), 2, "{left:?}");
    assert!(left.contains(&"USED".to_string()), "{left:?}");
    assert_eq!(whoami(&used).0, 200);
}

#[test]
fn prune_devices_device_id_limits_it_to_that_device() {
    let (user, _used) = user_with_devices("pruneone");
    let out = prune(&Cli::admin(), "-d 0 -i OLD2", &user.localpart);
    assert_eq!(listed(&out), ["OLD2"]);
    let left = device_ids(&user.user_id);
    assert_eq!(left.len(), 3);
    assert!(!left.contains(&"OLD2".to_string()), "{left:?}");
}

#[test]
fn prune_devices_asks_before_deleting() {
    let (user, _used) = user_with_devices("pruneask");
    let cli = Cli::admin();
    let no = cli.run_with_input(&["user", "prune-devices", "-d", "0", &user.localpart], "n\n");
    let no = no.fails(6, "aborted");
    no.stderr_has("Delete these 3 device(s)");
    assert_eq!(device_ids(&user.user_id).len(), 4);

    cli.run_with_input(&["user", "prune-devices", "-d", "0", &user.localpart], "y\n").ok();
    assert_eq!(device_ids(&user.user_id), ["USED"]);
}

#[test]
fn prune_devices_human_shows_a_device_table_with_readable_times() {
    let (user, _used) = user_with_devices("prunehuman");
    let cli = Cli::admin();
    let human = cli
        .format("human", &["user", "prune-devices", "-l", "-d", "0", "-s", "0", &user.localpart]);
    let lines = human.lines();
    assert!(lines[0].starts_with("device_id") && lines[0].contains("last_seen_ts"), "{human:#?}");
    assert_eq!(lines.len(), 2 + 4, "{human:#?}");
    let used_row = lines.iter().find(|l| l.starts_with("USED ")).expect("USED row");
    assert!(used_row.contains("127.0.0.1") && used_row.contains("synadm-tests"), "{human:#?}");

    let args = ["user", "prune-devices", "-l", "-d", "0", "-s", "0", &user.localpart];
    // As synadm: dates in JSON too; milliseconds with --ts.
    let dated = cli.json(&args);
    let used = |list: &Value| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|d| d["device_id"] == "USED")
            .map(|d| d["last_seen_ts"].clone())
    };
    let date = used(&dated).expect("USED");
    assert!(
        date.as_str().is_some_and(|d| used_row.contains(d)),
        "the table's date: {date} in {used_row}"
    );
    let json = cli.json(&[&args[..], &["--ts"]].concat());
    let seen = json
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["device_id"] == "USED")
        .and_then(|d| d["last_seen_ts"].as_i64())
        .expect("USED was seen")
        .to_string();
    assert!(!used_row.contains(&seen), "a date, not milliseconds: {used_row}");
    let raw = cli.format(
        "human",
        &["user", "prune-devices", "-l", "-d", "0", "-s", "0", "--ts", &user.localpart],
    );
    assert!(raw.stdout.contains(&seen), "--ts shows milliseconds: {raw:#?}");
}

#[test]
fn prune_devices_of_a_user_without_devices_does_nothing() {
    let user = fresh("prunenone");
    prune(&Cli::admin(), "-d 0 -s 0", &user.localpart);
    assert!(device_ids(&user.user_id).is_empty());
    let run = Cli::admin().run(&["--batch", "user", "prune-devices", &user.localpart]).ok();
    assert_eq!(run.json(), serde_json::json!([]));
    run.stderr_has("0 device(s) marked for deletion");
}

/// A fresh user whose login device was never used, plus devices last seen 100 days ago
/// (D100), 10 days ago (D10) and a day ago (D1), as the server's database records them.
/// Returns the user and the tokens of D100, D10 and D1, unused so far.
fn user_with_dated_devices(prefix: &str) -> (Fresh, [String; 3]) {
    let user = fresh(prefix);
    let tokens = [("D100", 100), ("D10", 10), ("D1", 1)].map(|(device, days)| {
        let token = login(&user.localpart, &user.password, Some(device)).expect("login");
        set_last_seen(&user.user_id, device, now_ms() - days * DAY_MS);
        token
    });
    (user, tokens)
}

#[test]
fn prune_devices_counts_the_days_back_from_now() {
    let (user, [d100, d10, d1]) = user_with_dated_devices("prunedays");
    let cli = Cli::admin();
    let never = device_ids(&user.user_id)
        .into_iter()
        .find(|d| !["D100", "D10", "D1"].contains(&d.as_str()))
        .expect("the login device of `fresh`");
    let candidates = |extra: &[&str]| {
        let args = [&["user", "prune-devices", "-l", &user.localpart][..], extra].concat();
        let out = cli.json(&args);
        // Oldest first, never seen before all: no sorting here.
        out.as_array()
            .unwrap_or_else(|| panic!("not a device list: {out}"))
            .iter()
            .map(|d| d["device_id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    // Default: 90 days. Seen 10 days and a day ago: kept.
    assert_eq!(candidates(&[]), [never.as_str(), "D100"]);
    // -d 5: the device seen 10 days ago goes too; the one seen yesterday stays.
    assert_eq!(candidates(&["-d", "5"]), [never.as_str(), "D100", "D10"]);
    assert_eq!(candidates(&["-d", "99"]), [never.as_str(), "D100"]);
    assert_eq!(candidates(&["-d", "101"]), [never.as_str()]);
    assert_eq!(device_ids(&user.user_id).len(), 4, "-l deletes nothing");

    let out = prune(&cli, "-d 5", &user.user_id);
    assert_eq!(listed(&out).len(), 3, "{out}");
    assert_eq!(device_ids(&user.user_id), ["D1"]);
    assert_eq!(whoami(&d1).0, 200, "the device seen yesterday stays logged in");
    assert_eq!(whoami(&d10).0, 401);
    assert_eq!(whoami(&d100).0, 401);
    assert_eq!(whoami(&user.token).0, 401);
}

#[test]
fn user_device_creates_shows_renames_and_deletes_one_device() {
    let cli = Cli::admin();
    let user = fresh("device-one");
    // A device ID with characters a path must encode.
    let id = "bridge/device #1?";
    let created = cli.json(&["user", "device", "create", &user.localpart, id]);
    assert_eq!(created["device_id"], id, "{created}");
    assert_eq!(created["user_id"], user.user_id.as_str());
    assert!(device_ids(&user.user_id).contains(&id.to_string()));

    let renamed = cli.json(&["user", "device", "rename", &user.user_id, id, "Bridge"]);
    assert_eq!(renamed["display_name"], "Bridge");
    let shown = cli.json(&["user", "device", "show", &user.localpart, id]);
    assert_eq!(shown["display_name"], "Bridge");
    let renamed = cli.json(&["user", "device", "rename", &user.localpart, id, "Bridge 2 \u{1b}"]);
    assert_eq!(renamed["display_name"], "Bridge 2 \u{1b}");

    let human = cli.format("human", &["user", "device", "list", &user.localpart]).ok();
    human.stderr_has("Devices: 2");
    assert!(human.stdout.contains(id), "{human:#?}");

    // Asked first, naming the device (its name made safe for the terminal); no answer keeps
    // the device.
    cli.run_with_input(&["user", "device", "delete", &user.localpart, id], "")
        .fails(6, "Delete device bridge/device #1? (Bridge 2 \\e) of");
    assert!(device_ids(&user.user_id).contains(&id.to_string()));
    cli.run(&["--batch", "user", "device", "delete", &user.localpart, id]).ok();
    assert!(!device_ids(&user.user_id).contains(&id.to_string()));
    // Gone: showing or deleting it again is Synapse's 404, not a silent success.
    cli.run(&["--batch", "user", "device", "delete", &user.localpart, id]).fails(1, "(HTTP 404)");
    cli.run(&["user", "device", "show", &user.localpart, id]).fails(1, "M_NOT_FOUND");
    cli.run(&["user", "device", "rename", &user.localpart, id]).fails(2, "NAME");
}
