//! HTTPS: a self-signed server is refused by default and accepted with `ssl_verify: false`.
//! The server is Python's ssl module with a certificate made by the openssl CLI.

use crate::support::{Env, TOKEN};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

const SERVER: &str = r#"
import http.server, ssl, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b'{"server_version": "over-tls"}'
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
httpd = http.server.HTTPServer(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
print(httpd.server_address[1], flush=True)
httpd.serve_forever()
"#;

struct TlsServer {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn tls_server() -> TlsServer {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
        ])
        .args(["-addext", "subjectAltName=IP:127.0.0.1", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(Stdio::null())
        .status()
        .expect(
            "the openssl command line tool is needed for the TLS tests (apt-get install openssl)",
        );
    assert!(made.success(), "openssl could not make a test certificate");
    let mut child = Command::new("python3")
        .args(["-c", SERVER])
        .arg(&cert)
        .arg(&key)
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 is needed for the TLS tests");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let port = line.trim().parse().expect("the TLS test server did not start");
    TlsServer { child, port, _dir: dir }
}

fn env_for(server: &TlsServer, extra: &str) -> Env {
    let env = Env::new();
    let config = format!(
        "base_url: https://127.0.0.1:{}/\ntoken: {TOKEN}\nformat: json\n{extra}",
        server.port
    );
    env.write_config(&config);
    env
}

#[test]
fn self_signed_certificates_are_refused_by_default() {
    let server = tls_server();
    let env = env_for(&server, "");
    env.run(&["version"]).fails(4, "certificate");
}

#[test]
fn ssl_verify_false_accepts_a_self_signed_certificate() {
    let server = tls_server();
    let env = env_for(&server, "ssl_verify: false\n");
    assert_eq!(env.run(&["version"]).ok().json()["server_version"], "over-tls");
}
