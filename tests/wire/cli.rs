//! The command line itself: global options before or after the command, shell completions
//! and the manual page.

use crate::common::words;
use crate::support::{Env, admin_user};
use httpmock::Method::{GET, POST, PUT};
use serde_json::json;

const DETAILS: &str = "/_synapse/admin/v2/users/@alice:example.org";

#[test]
fn global_options_work_after_the_command_too() {
    let env = Env::new(); // the config says format: json
    let details = env.reply(GET, DETAILS, 200, admin_user("@alice:example.org"));
    for args in [
        &["-o", "yaml", "user", "details", "alice"][..],
        &["user", "-o", "yaml", "details", "alice"],
        &["user", "details", "alice", "-o", "yaml"],
        &["user", "details", "alice", "--output=YAML"],
        &["user", "details", "-o", "Y", "alice"],
    ] {
        let run = env.run(args).ok();
        assert_eq!(run.yaml()["name"], "@alice:example.org", "{args:?}");
        // YAML, not the config's JSON, keys in the server's order (name first).
        assert!(
            run.stdout.starts_with("name: '@alice:example.org'\ndisplayname: Alice Ä\n"),
            "{args:?}: {run:#?}"
        );
    }
    let json = env.run(&["user", "details", "alice", "-o", "JSON"]).ok();
    assert_eq!(json.json()["name"], "@alice:example.org");
    details.assert_calls(6);

    // -v after the command logs the request on stderr.
    let verbose = env.run(&["user", "details", "alice", "-v"]).ok();
    verbose.stderr_has("GET ").stderr_has("/v2/users/@alice:example.org");

    // -c after the command picks the file.
    let other = env.home.path().join("other.yaml");
    std::fs::copy(env.config_path(), &other).unwrap();
    std::fs::remove_file(env.config_path()).unwrap();
    env.run(&["user", "details", "alice", "-c", other.to_str().unwrap()]).ok();
    env.run(&["user", "details", "alice"]).fails(3, "does not exist");
}

#[test]
fn batch_and_its_aliases_work_after_the_command() {
    let env = Env::new();
    env.reply(GET, DETAILS, 200, admin_user("@alice:example.org"));
    let post = env.reply_to_body(
        POST,
        "/_synapse/admin/v1/deactivate/@alice:example.org",
        json!({"erase": false}),
        200,
        json!({"id_server_unbind_result": "success"}),
    );
    for flag in ["--batch", "--yes", "--no-confirm"] {
        env.run(&["user", "deactivate", "alice", flag]).ok();
    }
    post.assert_calls(3);
}

#[test]
fn user_modify_keeps_v_for_the_avatar_and_takes_long_verbose() {
    let env = Env::new();
    env.reply(GET, DETAILS, 200, admin_user("@alice:example.org"));
    let put = env.reply_to_body(
        PUT,
        DETAILS,
        json!({"avatar_url": "mxc://example.org/abc"}),
        200,
        admin_user("@alice:example.org"),
    );
    let run = env.run(&words("user modify alice -v mxc://example.org/abc --verbose --batch")).ok();
    assert!(run.stderr.contains("PUT "), "--verbose logs: {run:#?}");
    put.assert();
}

#[test]
fn config_keeps_its_own_o_for_the_format_to_store() {
    let env = Env::new();
    let path = env.home.path().join("c.yaml");
    env.run(&["config", "--batch", "-c", path.to_str().unwrap(), "-t", "syt_x", "-o", "HUMAN"])
        .ok();
    let written: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(written["format"], "human");
}

#[test]
fn completions_and_man_page_need_no_config() {
    let env = Env::new();
    std::fs::remove_file(env.config_path()).unwrap();
    for (shell, marker) in [
        ("bash", "complete -F _synadm"),
        ("zsh", "#compdef synadm"),
        ("fish", "complete -c synadm"),
        ("elvish", "edit:completion:arg-completer[synadm]"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let run = env.run(&["completions", shell]).ok();
        assert!(run.stdout.contains(marker), "{shell}: {run:#?}");
        assert!(run.stdout.contains("deactivate-regex"), "{shell}: {run:#?}");
        assert!(run.stderr.is_empty(), "{shell}: {run:#?}");
    }
    env.run(&["completions", "tcsh"]).fails(2, "invalid value 'tcsh'");
    let man = env.run(&["man"]).ok();
    man.stdout_has(".TH synadm 1");
    man.stdout_has("completions");
    man.stdout_has("\\-\\-config\\-file");
}
