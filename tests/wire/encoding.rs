//! The exact request line on the wire, captured with a raw socket (httpmock normalises
//! some characters before matching, so it cannot pin these down).

use crate::support::{Env, TOKEN};

/// Serves one request with `reply`, returning its request line and headers.
fn capture(args: &[&str], reply: &str) -> (String, Vec<String>) {
    let (base, server) = crate::capture::tcp(vec![crate::capture::ok(reply)]);
    let env = Env::new();
    env.write_config(&format!(
        "base_url: {base}/\ntoken: {TOKEN}\nformat: json\nhomeserver: example.org\n"
    ));
    let run = env.run(args);
    assert_eq!(run.code, 0, "{run:#?}");
    let seen = server.join().unwrap().remove(0);
    (seen.line, seen.headers)
}

#[test]
fn matrix_id_sigils_go_out_as_synapse_accepts_them() {
    let (line, headers) = capture(
        &["user", "auth-provider", "-p", "oidc", "sub/1#x?y z$!@:+ä"],
        r#"{"user_id": "@a:example.org"}"#,
    );
    // `/ # ? space %` and non-ASCII are escaped; `$ ! @ : +` stay raw (Synapse unquotes).
    assert_eq!(
        line,
        "GET /_synapse/admin/v1/auth_providers/oidc/users/sub%2F1%23x%3Fy%20z$!@:+%C3%A4 HTTP/1.1"
    );
    assert!(
        headers.iter().any(|h| h.eq_ignore_ascii_case(&format!("authorization: Bearer {TOKEN}")))
    );
}

#[test]
fn base_url_trailing_slash_does_not_double_the_slash() {
    let (line, _) = capture(
        &["user", "details", "@alice:example.org"],
        &crate::support::admin_user("@alice:example.org").to_string(),
    );
    assert_eq!(line, "GET /_synapse/admin/v2/users/@alice:example.org HTTP/1.1");
}

#[test]
fn dollar_ids_keep_their_sigil_in_the_path() {
    let (line, _) =
        capture(&["user", "redact-status", "$event:example.org"], r#"{"status": "active"}"#);
    assert_eq!(line, "GET /_synapse/admin/v1/user/redact_status/$event:example.org HTTP/1.1");
}

#[test]
fn unix_socket_transport_serves_every_request_of_a_command() {
    use crate::capture::ok;
    let env = Env::new();
    let socket = env.home.path().join("synapse.sock");
    let server = crate::capture::unix(
        &socket,
        vec![
            ok(r#"{"user_id": "@admin:sock.example", "is_guest": false}"#),
            ok(crate::support::admin_user("@bob:sock.example").to_string()),
        ],
    );
    let config = format!(
        "protocol: unix\nbase_url: {}\ntoken: {TOKEN}\nformat: json\nhomeserver: auto-retrieval\n",
        socket.display()
    );
    env.write_config(&config);
    let run = env.run(&["user", "details", "bob"]);
    assert_eq!(run.code, 0, "{run:#?}");
    let seen = server.join().unwrap();
    assert_eq!(seen[0].line, "GET /_matrix/client/v3/account/whoami HTTP/1.1");
    assert_eq!(seen[1].line, "GET /_synapse/admin/v2/users/@bob:sock.example HTTP/1.1");
    assert_eq!(seen[1].header("x-forwarded-proto"), Some("https"));
}
