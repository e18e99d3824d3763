//! `user register`: shared-secret registration against the real server, without a token.

use crate::support::{Cli, login, run_with_env, server, unique_localpart, user_state};
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;

/// The test server's homeserver.yaml (it sets registration_shared_secret).
fn homeserver_yaml() -> String {
    server().data_dir.join("homeserver.yaml").to_string_lossy().into_owned()
}

fn shared_secret() -> String {
    let text = std::fs::read_to_string(homeserver_yaml()).expect("homeserver.yaml");
    let config: serde_yaml::Mapping = serde_yaml::from_str(&text).expect("YAML");
    config["registration_shared_secret"].as_str().expect("a shared secret").to_string()
}

/// Runs `synadm -c CONFIG ARGS` from `cli`'s home, with `vars`, checking that the shared
/// secret reaches neither stdout nor stderr.
fn run(cli: &Cli, args: &[&str], vars: &[(&str, &str)]) -> crate::common::run::Run {
    let config = cli.config().to_string_lossy().into_owned();
    let mut all = vec!["-c", config.as_str(), "-o", "json", "--batch"];
    all.extend_from_slice(args);
    run_with_env(cli.home(), &all, "", &shared_secret(), vars)
}

#[test]
fn register_creates_an_admin_from_homeserver_yaml_without_a_token() {
    // A config with no token at all: registration needs none (the first admin has none).
    let cli = Cli::edited(|m| {
        m.remove("token");
    });
    let name = unique_localpart("registered");
    let yaml = homeserver_yaml();
    let out = run(
        &cli,
        &["user", "register", &name, "-a", "-p", "pw-1", "-n", "First Admin", "-s", &yaml],
        &[],
    )
    .ok();
    let user_id = format!("@{name}:test.local");
    let reply: Value = out.json();
    assert_eq!(reply["user_id"], user_id.as_str(), "{reply}");
    assert!(reply["access_token"].is_string(), "{reply}");
    out.stderr_has(&format!("Registered admin {user_id}."));
    let state = user_state(&user_id);
    assert_eq!(
        (state["admin"].as_bool(), state["displayname"].as_str()),
        (Some(true), Some("First Admin"))
    );
    assert!(login(&name, "pw-1", None).is_ok(), "the new user can log in");
    // The token works as an admin's.
    let token = reply["access_token"].as_str().unwrap();
    let as_new = Cli::with_token(token);
    assert_eq!(as_new.json(&["user", "admin", &name])["admin"], true);
    // Other commands still need the token.
    cli.run(&["user", "list"]).fails(3, "token");
}

#[test]
fn register_takes_the_secret_from_a_plain_file_or_the_environment() {
    let cli = Cli::admin();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("secret");
    std::fs::write(&file, format!("  {}\n", shared_secret())).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let file = file.to_string_lossy().into_owned();
    let plain = unique_localpart("plain");
    let out =
        run(&cli, &["user", "register", &plain, "-p", "pw", "-s", &file, "--no-login"], &[]).ok();
    assert!(!out.stderr.contains("warning"), "a private file: {out:#?}");
    let reply: Value = out.json();
    assert!(reply.get("access_token").is_none(), "--no-login: {reply}");
    assert_eq!(user_state(reply["user_id"].as_str().unwrap())["admin"], false);
    // A world-readable file works, with a warning.
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    run(&cli, &["user", "register", &unique_localpart("loose"), "-p", "pw", "-s", &file], &[])
        .ok()
        .stderr_has("is readable by every user of this machine");

    let env = unique_localpart("env");
    let secret = shared_secret();
    let out = run(
        &cli,
        &["user", "register", &env, "-p", "pw", "--user-type", "bot"],
        &[("SYNADM_SHARED_SECRET", &secret)],
    )
    .ok();
    let user_id = out.json()["user_id"].as_str().unwrap().to_string();
    assert_eq!(user_state(&user_id)["user_type"], "bot");
}

#[test]
fn register_with_a_wrong_secret_or_a_taken_name_creates_nothing() {
    let cli = Cli::admin();
    let name = unique_localpart("refused");
    run(
        &cli,
        &["user", "register", &name, "-p", "pw"],
        &[("SYNADM_SHARED_SECRET", "not-the-secret")],
    )
    .fails(1, "HMAC incorrect (HTTP 403)");
    let (status, _) = server().admin_request(
        "GET",
        &format!("/_synapse/admin/v2/users/@{name}:test.local"),
        None,
    );
    assert_eq!(status, 404);
    let yaml = homeserver_yaml();
    run(&cli, &["user", "register", "alice", "-p", "pw", "-s", &yaml], &[])
        .fails(1, "M_USER_IN_USE");
    // Nothing to sign with in --batch mode: refused before any request.
    run(&cli, &["user", "register", &name, "-p", "pw"], &[]).fails(2, "SYNADM_SHARED_SECRET");
    run(&cli, &["user", "register", &name, "-s", &yaml], &[]).fails(2, "-p/--password");
    run(&cli, &["user", "register", "@x:test.local", "-p", "pw", "-s", &yaml], &[])
        .fails(2, "not a user ID");
    run(&cli, &["user", "register", &name, "-p", "pw", "-s", "/nonexistent/secret"], &[])
        .fails(3, "cannot read /nonexistent/secret");
}
