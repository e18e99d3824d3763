//! `raw`, `matrix raw`, `matrix login` and `group delete` against the real server.

use crate::common::enc;
use crate::support::*;

#[test]
fn raw_get_returns_what_the_server_says() {
    let (status, version) =
        server().admin_request("GET", "/_synapse/admin/v1/server_version", None);
    assert_eq!(status, 200);
    assert_eq!(Cli::admin().json(&["raw", "v1/server_version"]), version);
    let page = Cli::admin().json(&["raw", "v2/users?from=0&limit=2&deactivated=true"]);
    assert_eq!(page["users"].as_array().expect("users").len(), 2, "{page}");
    assert_eq!(page["next_token"], "2");
}

#[test]
fn raw_post_with_a_body_takes_effect() {
    let user = fresh("rawpost");
    Cli::admin().json(&[
        "raw",
        "-m",
        "post",
        &format!("v1/reset_password/{}", enc(&user.user_id)),
        "-d",
        r#"{"new_password": "raw-new-password", "logout_devices": false}"#,
    ]);
    assert!(login(&user.localpart, "raw-new-password", None).is_ok());
    assert_eq!(login(&user.localpart, &user.password, None), Err(403));
    // PUT, with the body from stdin.
    Cli::admin()
        .run_with_input(
            &["raw", "-m", "put", &format!("v2/users/{}", enc(&user.user_id)), "-f", "-"],
            r#"{"displayname": "Set by raw"}"#,
        )
        .ok();
    assert_eq!(user_state(&user.user_id)["displayname"], "Set by raw");
}

#[test]
fn raw_unknown_endpoint_is_a_matrix_error() {
    Cli::admin()
        .run(&["raw", "v1/no_such_endpoint"])
        .fails(1, "M_UNRECOGNIZED: Unrecognized request (HTTP 404)");
    Cli::admin().run(&["matrix", "raw", "client/v3/no_such_endpoint"]).fails(1, "(HTTP 404)");
}

#[test]
fn matrix_raw_post_and_get_round_trip() {
    let admin = &server().admin_user;
    let filter = Cli::admin().json(&[
        "matrix",
        "raw",
        "-m",
        "post",
        &format!("client/v3/user/{}/filter", enc(admin)),
        "-d",
        r#"{"room": {"timeline": {"limit": 7}}}"#,
    ]);
    let id = filter["filter_id"].as_str().expect("filter_id");
    let back = Cli::admin().json(&[
        "matrix",
        "raw",
        &format!("client/v3/user/{}/filter/{id}", enc(admin)),
    ]);
    assert_eq!(back["room"]["timeline"]["limit"], 7, "{back}");
}

#[test]
fn matrix_raw_with_another_users_token_acts_as_that_user() {
    let dora = fresh("rawtoken");
    let cli = Cli::admin();
    let me = cli.json(&["matrix", "raw", "client/v3/account/whoami", "-t", &dora.token]);
    assert_eq!(me["user_id"], dora.user_id);
    let run = run_with_env(
        cli.home(),
        &[
            "-o",
            "json",
            "-c",
            cli.config().to_str().unwrap(),
            "matrix",
            "raw",
            "client/v3/account/whoami",
        ],
        "",
        &dora.token,
        &[("MTOKEN", &dora.token)],
    )
    .ok();
    assert_eq!(run.json()["user_id"], dora.user_id);
    // Without an override, the admin's token.
    let admin = cli.json(&["matrix", "raw", "client/v3/account/whoami"]);
    assert_eq!(admin["user_id"], server().admin_user);
}

#[test]
fn matrix_login_returns_a_working_token() {
    let erin = fresh("matrixlogin");
    let session = Cli::admin().json(&["matrix", "login", &erin.localpart, "-p", &erin.password]);
    assert_eq!(session["user_id"], erin.user_id);
    let token = session["access_token"].as_str().expect("access_token");
    assert_eq!(whoami(token), (200, Some(erin.user_id.clone())));
    let devices = server().admin_ok(
        "GET",
        &format!("/_synapse/admin/v2/users/{}/devices", enc(&erin.user_id)),
        None,
    );
    let device = devices["devices"]
        .as_array()
        .expect("devices")
        .iter()
        .find(|d| d["device_id"] == session["device_id"])
        .unwrap_or_else(|| panic!("the new device is not listed: {devices}"));
    assert_eq!(device["display_name"], "synadm matrix login command");

    Cli::admin()
        .run(&["matrix", "login", &erin.user_id, "-p", "not-the-password"])
        .fails(1, "M_FORBIDDEN");
}

#[test]
fn group_delete_fails_with_a_usage_error() {
    Cli::admin()
        .run(&["group", "delete", "+community:test.local"])
        .fails(2, "removed in Synapse 1.61");
}
