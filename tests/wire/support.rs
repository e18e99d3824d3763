//! Running the real `synadm` binary against an httpmock server with a throwaway config.

pub use crate::common::run::Run;
use crate::common::run::synadm;
use httpmock::{Method, Mock, MockServer};
use std::path::PathBuf;

pub const TOKEN: &str = "syt_wire_test_secret_token";
pub const AUTH: &str = "Bearer syt_wire_test_secret_token";

/// One mock Synapse plus a home directory holding a synadm.yaml that points at it.
pub struct Env {
    pub server: MockServer,
    pub home: tempfile::TempDir,
}

impl Env {
    /// A mock server and a config with `homeserver: example.org`.
    pub fn new() -> Env {
        Env::with_config("homeserver: example.org\n")
    }

    /// A mock server and a config whose extra YAML lines are `extra`.
    pub fn with_config(extra: &str) -> Env {
        let server = MockServer::start();
        let home = tempfile::tempdir().expect("temp dir");
        let config = format!(
            "base_url: {}\ntoken: {TOKEN}\nformat: json\nuser: admin\n{extra}",
            server.base_url()
        );
        std::fs::create_dir_all(home.path().join(".config")).unwrap();
        std::fs::write(home.path().join(".config/synadm.yaml"), config).unwrap();
        Env { server, home }
    }

    /// Answers `method path` (any query, headers, body) with `status` and a JSON `body`.
    pub fn reply(
        &self,
        method: Method,
        path: &str,
        status: u16,
        body: serde_json::Value,
    ) -> Mock<'_> {
        self.server.mock(|when, then| {
            when.method(method).path(path);
            then.status(status).json_body(body);
        })
    }

    pub fn config_path(&self) -> PathBuf {
        self.home.path().join(".config/synadm.yaml")
    }

    /// Runs `synadm ARGS` with this home directory and no stdin.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_input(args, "")
    }

    /// Runs `synadm ARGS`, feeding `input` on stdin.
    pub fn run_with_input(&self, args: &[&str], input: &str) -> Run {
        synadm(self.home.path(), args, input, &[], &[TOKEN])
    }
}

/// A full AdminUser reply as Synapse 1.163 sends it.
pub fn admin_user(name: &str) -> serde_json::Value {
    serde_json::json!({
        "name": name, "displayname": "Alice Ä", "avatar_url": null, "admin": false,
        "deactivated": false, "erased": false, "locked": false, "suspended": false,
        "shadow_banned": false, "is_guest": false, "user_type": null,
        "creation_ts": 1700000000, "last_seen_ts": 1700000123456_i64, "appservice_id": null,
        "consent_server_notice_sent": null, "consent_version": null, "consent_ts": null,
        "threepids": [{"medium": "email", "address": "alice@example.org", "validated_at": 1, "added_at": 1}],
        "external_ids": [], "brand_new_field": "kept"
    })
}

/// A user entry of the v2 user list.
pub fn list_entry(name: &str) -> serde_json::Value {
    serde_json::json!({
        "name": name, "user_type": null, "is_guest": false, "admin": false,
        "deactivated": false, "shadow_banned": false, "displayname": "Someone",
        "avatar_url": null, "creation_ts": 1700000000000_i64, "erased": false,
        "last_seen_ts": null, "locked": false
    })
}
