//! `user register`: the nonce, then the signed body, both without an Authorization header.

use crate::support::Env;
use httpmock::Method::{GET, POST};
use serde_json::json;

#[test]
fn register_signs_the_servers_nonce_and_sends_no_token() {
    let env = Env::new();
    let nonce = env.server.mock(|when, then| {
        when.method(GET).path("/_synapse/admin/v1/register").header_missing("authorization");
        then.status(200).json_body(json!({"nonce": "abcd"}));
    });
    // The MAC of this body is the known vector (see api::shared_secret's tests).
    let register = env.server.mock(|when, then| {
        when.method(POST)
            .path("/_synapse/admin/v1/register")
            .header_missing("authorization")
            .json_body(json!({
                "nonce": "abcd", "username": "alice", "password": "pw",
                "mac": "f668c373fd5a47b376c021f2e46fb887a81ff287", "admin": true,
            }));
        then.status(200).json_body(json!({
            "user_id": "@alice:example.org", "home_server": "example.org",
            "access_token": "syt_new", "device_id": "D",
        }));
    });
    let run = env.run_with_env(
        &["user", "register", "alice", "-a", "-p", "pw"],
        &[("SYNADM_SHARED_SECRET", " s3cret\n")],
    );
    let run = run.ok();
    assert_eq!(run.json()["access_token"], "syt_new");
    run.stderr_has("Registered admin @alice:example.org.");
    nonce.assert_calls(1);
    register.assert_calls(1);
}

#[test]
fn register_asks_for_the_secret_hidden_and_refuses_bad_input_before_any_request() {
    let env = Env::new();
    let any = env.any_request();
    // No secret in --batch mode; an empty one at the prompt; half a flag.
    env.run(&["--batch", "user", "register", "bob", "-p", "pw"]).fails(2, "SYNADM_SHARED_SECRET");
    env.run_with_input(&["user", "register", "bob", "-p", "pw"], "\n")
        .fails(2, "the shared secret must not be empty");
    env.run(&["user", "register", "", "-p", "pw"]).fails(2, "empty");
    env.run(&["user", "register", &"b".repeat(256), "-p", "pw"]).fails(2, "256 bytes; at most 255");
    any.assert_calls(0);
}
