//! `synadm version`, `synadm config`, and how the config steers every command.

use crate::support::{Cli, run_in, run_with_env, server, without_last_seen};
use serde_json::json;

fn server_version() -> String {
    let body = server().admin_ok("GET", "/_synapse/admin/v1/server_version", None);
    body["server_version"].as_str().expect("version").to_string()
}

#[test]
fn version_prints_the_servers_version_in_every_format() {
    let cli = Cli::admin();
    let v = server_version();
    assert_eq!(v, "1.163.2", "the harness pins Synapse");
    assert_eq!(cli.json(&["version"]), json!({"server_version": v}));
    assert_eq!(
        cli.format("json", &["version"]).stdout,
        format!("{{\n    \"server_version\": \"{v}\"\n}}\n")
    );
    assert_eq!(
        cli.format("minified", &["version"]).stdout,
        format!("{{\"server_version\":\"{v}\"}}\n")
    );
    assert_eq!(cli.format("yaml", &["version"]).stdout, format!("server_version: {v}\n"));
    assert_eq!(cli.format("pprint", &["version"]).stdout, format!("{{'server_version': '{v}'}}\n"));
    assert_eq!(cli.format("human", &["version"]).stdout, format!("server_version  {v}\n"));
    // One-letter aliases and the config's default format (json).
    assert_eq!(cli.format("m", &["version"]).stdout, format!("{{\"server_version\":\"{v}\"}}\n"));
    assert_eq!(cli.run(&["version"]).ok().json(), json!({"server_version": v}));
}

#[test]
fn version_works_with_a_non_admin_token() {
    let user = crate::support::fresh("version");
    let cli = Cli::with_token(&user.token);
    assert_eq!(cli.json(&["version"])["server_version"], server_version());
}

#[test]
fn format_from_the_config_applies_when_no_output_option_is_given() {
    let cli = Cli::with("format", "yaml");
    let run = cli.run(&["user", "details", "alice"]).ok();
    assert_eq!(run.yaml()["name"], "@alice:test.local");
    // -o still overrides the config.
    assert_eq!(
        cli.run(&["-o", "minified", "version"]).ok().stdout,
        format!("{{\"server_version\":\"{}\"}}\n", server_version())
    );
}

#[test]
fn batch_config_writes_a_private_config_that_works() {
    let s = server();
    let home = tempfile::tempdir().unwrap();
    let run = run_in(
        home.path(),
        &[
            "--batch",
            "config",
            "-u",
            &s.admin_user,
            "-t",
            &s.admin_token,
            "-b",
            &s.base_url,
            "-o",
            "minified",
            "-n",
            &s.server_name,
        ],
        "",
        &s.admin_token,
    )
    .ok();
    assert!(run.stdout.is_empty(), "config prints no data: {run:#?}");
    let path = home.path().join(".config").join("synadm.yaml");
    run.stderr_has(&path.display().to_string());

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the config holds a token");
    }
    let written: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(written["base_url"].as_str(), Some(s.base_url.as_str()));
    assert_eq!(written["token"].as_str(), Some(s.admin_token.as_str()));
    assert_eq!(written["format"].as_str(), Some("minified"));
    assert_eq!(written["homeserver"].as_str(), Some("test.local"));

    // The default config location (~/.config/synadm.yaml) is used without -c.
    let run = run_in(home.path(), &["user", "details", "alice"], "", &s.admin_token).ok();
    assert_eq!(run.minified()["name"], "@alice:test.local");
}

#[test]
fn batch_config_changes_one_key_of_an_existing_file() {
    let cli = Cli::admin();
    let read = || -> serde_yaml::Mapping {
        let text = std::fs::read_to_string(cli.config()).expect("config");
        serde_yaml::from_str(&text).expect("config is a YAML mapping")
    };
    let before = read();
    assert_eq!(before.get("format"), Some(&"json".into()), "{before:?}");
    let run = cli.run(&["--batch", "config", "-o", "yaml"]).ok();
    assert!(run.stdout.is_empty(), "{run:#?}");
    let after = read();
    // (Written with sorted keys, as synadm writes it.)
    let keys = |m: &serde_yaml::Mapping| {
        let mut keys: Vec<String> =
            m.keys().filter_map(|k| k.as_str().map(str::to_owned)).collect();
        keys.sort();
        keys
    };
    assert_eq!(keys(&after), keys(&before), "no key added or lost");
    let changed: Vec<&serde_yaml::Value> =
        before.keys().filter(|k| before.get(*k) != after.get(*k)).collect();
    assert_eq!(changed, [&serde_yaml::Value::from("format")], "{after:?}");
    assert_eq!(after.get("format"), Some(&"yaml".into()));

    // The commands follow the new default format.
    let run = cli.run(&["user", "details", "bob"]).ok();
    assert_eq!(run.yaml()["displayname"], "Bob Builder");
    run.stdout_has("\ndisplayname: Bob Builder\n");
}

#[test]
fn interactive_config_reads_the_answers_from_stdin() {
    let s = server();
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("synadm.yaml");
    let path_str = path.to_string_lossy().into_owned();
    // user, token, protocol, base URL, admin path, matrix path, format, timeout,
    // homeserver, verify TLS, discovery; empty answers keep the default.
    let answers = format!(
        "{}\n{}\n\n{}\n\n\nhuman\n10\n{}\nno\n\n",
        s.admin_user, s.admin_token, s.base_url, s.server_name
    );
    let run = run_in(home.path(), &["-c", &path_str, "config"], &answers, &s.admin_token).ok();
    assert!(run.stdout.is_empty(), "prompts go to stderr: {run:#?}");
    run.stderr_has("Synapse admin user name");
    assert!(!run.stderr.contains(&s.admin_token), "the token prompt never echoes the token");
    let written: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(written["timeout"].as_u64(), Some(10));
    assert_eq!(written["ssl_verify"].as_bool(), Some(false));
    assert_eq!(written["format"].as_str(), Some("human"));

    let run = run_in(home.path(), &["-c", &path_str, "version"], "", &s.admin_token).ok();
    assert_eq!(run.stdout, format!("server_version  {}\n", server_version()));
}

#[test]
fn auto_retrieval_completes_localparts_from_the_server() {
    let cli = Cli::with("homeserver", "auto-retrieval");
    assert_eq!(cli.json(&["user", "details", "carol"])["name"], "@carol:test.local");
    // Full IDs need no server name at all.
    assert_eq!(cli.json(&["user", "details", "@dave:test.local"])["displayname"], "Dave Lister");
}

#[test]
fn verbose_logs_each_request_on_stderr_without_the_token() {
    let cli = Cli::admin();
    let run = cli.run(&["-vv", "user", "details", "alice"]).ok();
    assert_eq!(run.json()["name"], "@alice:test.local");
    run.stderr_has("GET ").stderr_has("/_synapse/admin/v2/users/");
    assert!(run.stderr.contains("200"), "-vv shows the status: {run:#?}");
}

#[test]
fn token_and_config_path_can_come_from_the_environment() {
    let s = server();
    // SYNADM_TOKEN wins over a stale token in the file.
    let stale = Cli::with_token("syt_stale_token_in_the_file");
    let config = stale.config().to_string_lossy().into_owned();
    let run = run_with_env(
        stale.home(),
        &["-c", &config, "user", "details", "alice"],
        "",
        &s.admin_token,
        &[("SYNADM_TOKEN", &s.admin_token)],
    )
    .ok();
    assert_eq!(run.json()["name"], "@alice:test.local");
    stale.run(&["user", "details", "alice"]).fails(1, "M_UNKNOWN_TOKEN");

    // SYNADM_CONFIG names the config file when -c is not given.
    let admin = Cli::admin();
    let home = tempfile::tempdir().unwrap();
    let path = admin.config().to_string_lossy().into_owned();
    let run = run_with_env(
        home.path(),
        &["user", "details", "bob"],
        "",
        &s.admin_token,
        &[("SYNADM_CONFIG", &path)],
    )
    .ok();
    assert_eq!(run.json()["name"], "@bob:test.local");
}

#[test]
fn global_options_work_after_the_command() {
    let cli = Cli::admin(); // its config says format: json
    let yaml = cli.run(&["user", "details", "alice", "-o", "YAML", "--verbose"]).ok();
    assert_eq!(yaml.yaml()["name"], "@alice:test.local");
    assert!(!yaml.stdout.trim_start().starts_with('{'), "YAML, not the config's JSON: {yaml:#?}");
    yaml.stderr_has("GET ");
    let before = cli.run(&["-o", "yaml", "user", "details", "alice"]).ok();
    // (Synapse may record a login's last-seen time between the two reads.)
    assert_eq!(without_last_seen(&before.yaml()), without_last_seen(&yaml.yaml()));
}
