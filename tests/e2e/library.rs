//! The crate as a library: `examples/count_users.rs` built and run against the test Synapse.

use super::support::*;
use std::process::Command;

/// Every account, counted by the user list's own `total` (guests and deactivated included).
fn accounts_total() -> i64 {
    let page = Cli::admin().json(&["user", "list", "-g", "-d", "-l", "1"]);
    page["total"].as_i64().expect("total")
}

/// The example program, built first (`cargo test --test e2e` alone does not build examples).
fn count_users() -> Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let build = Command::new(&cargo)
        .args(["build", "--quiet", "--example", "count_users"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .expect("run cargo");
    assert!(build.success(), "cargo build --example count_users failed");
    let path = std::path::Path::new(env!("CARGO_BIN_EXE_synadm"))
        .with_file_name("examples")
        .join("count_users");
    let mut command = Command::new(path);
    command.env("SYNAPSE_URL", &server().base_url);
    command
}

#[test]
fn the_count_users_example_streams_every_page_of_the_user_list() {
    // Other tests add accounts meanwhile (none are ever removed): the count lies between
    // the totals before and after, and with 2 users a page it took several pages.
    let before = accounts_total();
    let out = count_users()
        .env("SYNAPSE_TOKEN", &server().admin_token)
        .env("PAGE_SIZE", "2")
        .output()
        .expect("run the example");
    let after = accounts_total();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let (accounts, admins) = stdout
        .trim()
        .strip_suffix(" admins")
        .and_then(|s| s.split_once(" accounts, "))
        .unwrap_or_else(|| panic!("unexpected output {stdout:?}"));
    let accounts: i64 = accounts.parse().expect("a count");
    assert!(before > 4, "the seed alone fills three pages");
    assert!((before..=after).contains(&accounts), "{before} ≤ {accounts} ≤ {after}");
    // The seed's only admin is the harness's own.
    assert!(admins.parse::<i64>().expect("a count") >= 1, "{stdout}");
}

#[test]
fn the_count_users_example_exits_with_the_library_exit_code_on_a_bad_token() {
    let out =
        count_users().env("SYNAPSE_TOKEN", "syt_not_a_token").output().expect("run the example");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("M_UNKNOWN_TOKEN"));
}
