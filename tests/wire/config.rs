//! The config file: synadm 0.49.2 compatibility, `synadm config`, permissions, secrets.

use crate::support::{Env, TOKEN};
use httpmock::Method::GET;
use serde_json::json;
use std::os::unix::fs::PermissionsExt;

/// A config exactly as Python synadm 0.49.2's configurator writes it.
const PYTHON_CONFIG: &str = "admin_path: /_synapse/admin\nbase_url: BASE\nformat: yaml\n\
homeserver: auto-retrieval\nmatrix_path: /_matrix\nprotocol: http\nserver_discovery: well-known\n\
ssl_verify: true\ntimeout: 30\ntoken: syt_wire_test_secret_token\nuser: admin\n";

#[test]
fn a_python_synadm_config_works_unchanged() {
    let env = Env::new();
    env.write_config(&PYTHON_CONFIG.replace("BASE", &env.server.base_url()));
    env.server_version("1.163.2");
    assert_eq!(env.run(&["version"]).ok().stdout, "server_version: 1.163.2\n");
}

#[test]
fn a_config_without_format_uses_the_default() {
    let env = Env::new();
    env.write_config(&format!("base_url: {}\ntoken: {TOKEN}\n", env.server.base_url()));
    env.server_version("1");
    assert_eq!(env.run(&["version"]).ok().stdout, "server_version: '1'\n");
}

#[test]
fn config_problems_exit_3_before_any_request() {
    let env = Env::new();
    let any = env.any_request();
    env.write_config("token: ''\n");
    env.run(&["version"]).fails(3, "run `synadm config`");
    env.write_config("token: t\nbase_url: localhost:8008\n");
    env.run(&["version"]).fails(3, "base_url");
    env.write_config("token: [unclosed\n");
    env.run(&["version"]).fails(3, "not a valid synadm config");
    env.write_config("token: \"syt_a\\nb\"\n");
    env.run(&["version"]).fails(3, "the access token may only contain");
    std::fs::remove_file(env.config_path()).unwrap();
    env.run(&["version"]).fails(3, "synadm.yaml does not exist; create it with `synadm config`");
    any.assert_calls(0);
}

#[test]
fn an_explicit_config_file_that_does_not_exist_is_named_not_blamed_on_the_token() {
    let env = Env::new();
    let any = env.any_request();
    for args in [&["-c", "missing.yaml", "version"][..], &["version", "-c", "missing.yaml"]] {
        let run =
            env.run(args).fails(3, "error: config: the config file missing.yaml does not exist");
        assert!(!run.stderr.contains("token"), "{run:#?}");
    }
    any.assert_calls(0);
}

#[test]
fn config_yaml_errors_say_what_was_expected_without_rust_type_names() {
    let env = Env::new();
    for (text, expected) in [
        ("just a string\n", "it must consist of `key: value` lines"),
        ("- a\n- list\n", "it must consist of `key: value` lines"),
        ("token: t\ntimeout: -1\n", "expected a whole number of at least 0"),
        ("token: t\nssl_verify: [1]\n", "invalid type: sequence, expected a boolean"),
    ] {
        env.write_config(text);
        let run = env.run(&["version"]).fails(3, "is not a valid synadm config");
        assert!(run.stderr.contains(expected), "{text:?}: {run:#?}");
        for rust in ["struct", "ConfigFile", "u64"] {
            assert!(!run.stderr.contains(rust), "{text:?}: {run:#?}");
        }
    }
}

#[test]
fn config_refuses_to_save_a_token_every_command_would_reject() {
    let env = Env::new();
    let path = env.home.path().join("tokens.yaml");
    let path_s = path.to_str().unwrap();
    for bad in ["syt_a\nb", "syt_a\u{1b}[2Jb", "syt a", "syt_ä"] {
        env.run(&["--batch", "-c", path_s, "config", "-t", bad, "-b", "https://h"])
            .fails(3, "the access token may only contain printable ASCII");
        assert!(!path.exists(), "{bad:?} was saved");
    }
    // An existing, working file is left as it was.
    env.run(&["--batch", "-c", path_s, "config", "-t", "syt_ok", "-b", "https://h"]).ok();
    let before = std::fs::read_to_string(&path).unwrap();
    env.run(&["--batch", "-c", path_s, "config", "-t", "syt_a\nb", "-w", "99"])
        .fails(3, "access token");
    env.run(&["--batch", "-c", path_s, "config", "-p", "/admin api"])
        .fails(3, "admin_path must be a URL path");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
}

#[test]
fn config_writes_through_a_symlink_and_keeps_it() {
    let env = Env::new();
    let real_dir = env.home.path().join("dotfiles");
    std::fs::create_dir(&real_dir).unwrap();
    let real = real_dir.join("synadm.yaml");
    std::fs::write(&real, "token: syt_old\nbase_url: https://h\nextra: kept\n").unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o644)).unwrap();
    let link = env.home.path().join("link.yaml");
    std::os::unix::fs::symlink("dotfiles/synadm.yaml", &link).unwrap();
    let run = env.run(&["--batch", "-c", link.to_str().unwrap(), "config", "-w", "77"]);
    assert_eq!(run.code, 0, "{run:#?}");
    let meta = std::fs::symlink_metadata(&link).unwrap();
    assert!(meta.file_type().is_symlink(), "the link was replaced");
    assert_eq!(std::fs::read_link(&link).unwrap(), std::path::Path::new("dotfiles/synadm.yaml"));
    let written: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(&real).unwrap()).unwrap();
    assert_eq!(written["timeout"], 77);
    assert_eq!(written["token"], "syt_old");
    assert_eq!(written["extra"], "kept");
    let mode = std::fs::metadata(&real).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    // No temporary file is left beside either.
    let names = |dir: &std::path::Path| -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tmp"))
            .collect()
    };
    assert!(names(&real_dir).is_empty());
    assert!(names(env.home.path()).is_empty());
}

#[test]
fn help_never_needs_a_config() {
    let env = Env::new();
    std::fs::remove_file(env.config_path()).unwrap();
    for args in [
        &["--help"][..],
        &["user", "--help"],
        &["user", "list", "--help"],
        &["user", "modify", "-h"],
        &["--version"],
    ] {
        let run = env.run(args);
        assert_eq!(run.code, 0, "{args:?}: {run:#?}");
        assert!(!run.stdout.is_empty());
    }
}

#[test]
fn batch_config_writes_a_private_file_from_flags_alone() {
    let env = Env::new();
    let path = env.home.path().join("new/synadm.yaml");
    let path_s = path.to_str().unwrap();
    let run = env.run(&[
        "--batch",
        "-c",
        path_s,
        "config",
        "-u",
        "admin",
        "-t",
        "syt_new_token",
        "-b",
        "https://matrix.example.org/",
        "-o",
        "human",
        "-n",
        "example.org",
        "--no-ssl-verify",
    ]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(!run.stderr.contains("syt_new_token"));
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let written: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(written["token"], "syt_new_token");
    assert_eq!(written["ssl_verify"], false);
    assert_eq!(written["format"], "human");
    assert_eq!(written["homeserver"], "example.org");
    assert_eq!(written["admin_path"], "/_synapse/admin");
    assert_eq!(written["timeout"], 30);

    // Changing one value keeps the others.
    env.run(&["--batch", "-c", path_s, "config", "-w", "120"]);
    let again: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(again["timeout"], 120);
    assert_eq!(again["token"], "syt_new_token");
}

#[test]
fn batch_config_refuses_an_incomplete_or_invalid_config() {
    let env = Env::new();
    let path = env.home.path().join("other.yaml");
    let path_s = path.to_str().unwrap();
    env.run(&["--batch", "-c", path_s, "config", "-b", "https://h"]).fails(3, "token");
    env.run(&["--batch", "-c", path_s, "config", "-t", "x", "-b", "nope"]).fails(3, "base_url");
    assert!(!path.exists());
}

#[test]
fn interactive_config_asks_in_synadm_order_and_keeps_defaults() {
    let env = Env::new();
    let path = env.home.path().join("asked.yaml");
    let answers = "admin\nsyt_typed\n\nhttps://m.example.org\n\n\njson\n\nexample.org\nno\n\n";
    let run = env.run_with_input(&["-c", path.to_str().unwrap(), "config"], answers);
    assert_eq!(run.code, 0, "{run:#?}");
    let written: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(written["token"], "syt_typed");
    assert_eq!(written["base_url"], "https://m.example.org");
    assert_eq!(written["format"], "json");
    assert_eq!(written["ssl_verify"], false);
    assert_eq!(written["protocol"], "http");
    assert!(run.stdout.is_empty(), "prompts go to stderr: {run:#?}");
}

#[test]
fn interactive_config_offers_the_current_certificate_check_as_the_default() {
    let env = Env::new();
    let path = env.home.path().join("verify.yaml");
    let path_s = path.to_str().unwrap();
    let ssl_verify = |answers: &str| {
        let run = env.run_with_input(&["-c", path_s, "config"], answers);
        assert_eq!(run.code, 0, "{run:#?}");
        let written: serde_yaml::Value =
            serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        (written["ssl_verify"].as_bool(), run.stderr)
    };
    // A new file: checking is the default, and an empty answer keeps it.
    let (verify, prompts) = ssl_verify("admin\nsyt_typed\n\nhttps://m.example.org\n\n\n\n\n\n\n\n");
    assert_eq!(verify, Some(true));
    assert!(prompts.contains("Verify certificate [yes]: "), "{prompts}");
    // Switched off with a capitalised word …
    assert_eq!(ssl_verify("\n\n\n\n\n\n\n\n\nNO\n\n").0, Some(false));
    // … it stays off when the next run keeps the default, which is now shown as "no".
    let (verify, prompts) = ssl_verify("\n\n\n\n\n\n\n\n\n\n\n");
    assert_eq!(verify, Some(false));
    assert!(prompts.contains("Verify certificate [no]: "), "{prompts}");
    assert_eq!(ssl_verify("\n\n\n\n\n\n\n\n\ny\n\n").0, Some(true));
}

#[test]
fn token_from_the_environment_overrides_the_file() {
    let env = Env::new();
    env.write_config(&format!("base_url: {}\nformat: json\n", env.server.base_url()));
    // Not `env.mock`, which expects the file's token.
    let m = env.server.mock(|when, then| {
        when.method(GET)
            .path("/_synapse/admin/v1/server_version")
            .header("authorization", "Bearer syt_from_env");
        then.status(200).json_body(json!({"server_version": "1"}));
    });
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_synadm"))
        .arg("version")
        .env_clear()
        .env("HOME", env.home.path())
        .env("SYNADM_TOKEN", "syt_from_env")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    m.assert();
}

#[test]
fn custom_api_mounts_and_base_path_are_honoured() {
    let env = Env::new();
    let base = format!("{}/synapse/", env.server.base_url());
    env.write_config(&format!("base_url: {base}\ntoken: {TOKEN}\nformat: json\nadmin_path: /admin-api\nmatrix_path: /m\nhomeserver: auto-retrieval\n"));
    let whoami = env.reply(
        GET,
        "/synapse/m/client/v3/account/whoami",
        200,
        json!({"user_id": "@admin:example.org", "is_guest": false}),
    );
    let user = env.reply(
        GET,
        "/synapse/admin-api/v2/users/@bob:example.org",
        200,
        crate::support::admin_user("@bob:example.org"),
    );
    env.run(&["user", "details", "bob"]).ok();
    whoami.assert();
    user.assert();
}
