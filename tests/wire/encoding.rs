//! The exact request line on the wire, captured with a raw socket (httpmock normalises
//! some characters before matching, so it cannot pin these down).

use crate::support::{Env, TOKEN};
use std::io::{BufReader, Write};
use std::net::TcpListener;

/// Serves one request with `reply`, returning its request line and headers.
fn capture(args: &[&str], reply: &str) -> (String, Vec<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let env = Env::new();
    std::fs::write(
        env.config_path(),
        format!("base_url: {base}/\ntoken: {TOKEN}\nformat: json\nhomeserver: example.org\n"),
    )
    .unwrap();
    let body = reply.to_string();
    listener.set_nonblocking(true).unwrap();
    let server = std::thread::spawn(move || {
        let stream = crate::support::accept(|| listener.accept().map(|(s, _)| s));
        stream.set_nonblocking(false).unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let lines = crate::support::read_head(&mut reader);
        let mut stream = stream;
        write!(stream, "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len()).unwrap();
        lines
    });
    let run = env.run(args);
    assert_eq!(run.code, 0, "{run:#?}");
    let mut lines = server.join().unwrap();
    let first = lines.remove(0);
    (first, lines)
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
        headers
            .iter()
            .any(|h| h.eq_ignore_ascii_case(&format!("authorization: Bearer {TOKEN}")))
    );
}

#[test]
fn base_url_trailing_slash_does_not_double_the_slash() {
    let (line, _) = capture(
        &["user", "details", "@alice:example.org"],
        &crate::support::admin_user("@alice:example.org").to_string(),
    );
    assert_eq!(
        line,
        "GET /_synapse/admin/v2/users/@alice:example.org HTTP/1.1"
    );
}

#[test]
fn dollar_ids_keep_their_sigil_in_the_path() {
    let (line, _) = capture(
        &["user", "redact-status", "$event:example.org"],
        r#"{"status": "active"}"#,
    );
    assert_eq!(
        line,
        "GET /_synapse/admin/v1/user/redact_status/$event:example.org HTTP/1.1"
    );
}

#[test]
fn unix_socket_transport_serves_every_request_of_a_command() {
    use std::os::unix::net::UnixListener;
    let env = Env::new();
    let socket = env.home.path().join("synapse.sock");
    let listener = UnixListener::bind(&socket).unwrap();
    let config = format!(
        "protocol: unix\nbase_url: {}\ntoken: {TOKEN}\nformat: json\nhomeserver: auto-retrieval\n",
        socket.display()
    );
    std::fs::write(env.config_path(), config).unwrap();
    listener.set_nonblocking(true).unwrap();
    let server = std::thread::spawn(move || {
        let mut seen = Vec::new();
        for _ in 0..2 {
            let stream = crate::support::accept(|| listener.accept().map(|(s, _)| s));
            stream.set_nonblocking(false).unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let head = crate::support::read_head(&mut reader);
            let body = if head[0].contains("whoami") {
                r#"{"user_id": "@admin:sock.example", "is_guest": false}"#.to_string()
            } else {
                crate::support::admin_user("@bob:sock.example").to_string()
            };
            let mut stream = stream;
            write!(stream, "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len()).unwrap();
            seen.push(head);
        }
        seen
    });
    let run = env.run(&["user", "details", "bob"]);
    assert_eq!(run.code, 0, "{run:#?}");
    let seen = server.join().unwrap();
    assert_eq!(seen[0][0], "GET /_matrix/client/v3/account/whoami HTTP/1.1");
    assert_eq!(
        seen[1][0],
        "GET /_synapse/admin/v2/users/@bob:sock.example HTTP/1.1"
    );
    assert!(
        seen[1]
            .iter()
            .any(|h| h.eq_ignore_ascii_case("x-forwarded-proto: https"))
    );
}
