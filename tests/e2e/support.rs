//! Running the real `synadm` binary against the shared real Synapse, and reading the
//! server's state back with the admin API.

pub use crate::common::run::Run;
use crate::common::run::synadm;
use crate::common::{Synapse, enc, sql_text, synapse};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub use crate::common::{DAY_MS, now_ms};

/// The shared, seeded Synapse of this test binary.
pub fn server() -> &'static Synapse {
    synapse()
}

/// One home directory with one synadm.yaml: the admin's config, or an edited copy of it.
pub struct Cli {
    home: tempfile::TempDir,
    config: PathBuf,
    token: String,
}

impl Cli {
    /// The harness's admin config (format json, homeserver test.local), copied into a fresh
    /// home directory.
    pub fn admin() -> Cli {
        Cli::edited(|_| {})
    }

    /// A copy of the admin config with `edit` applied.
    pub fn edited(edit: impl FnOnce(&mut serde_yaml::Mapping)) -> Cli {
        let text = std::fs::read_to_string(server().config_file()).expect("harness config");
        let mut map: serde_yaml::Mapping = serde_yaml::from_str(&text).expect("config is YAML");
        edit(&mut map);
        let token =
            map.get("token").and_then(serde_yaml::Value::as_str).unwrap_or_default().to_string();
        let home = tempfile::tempdir().expect("temp dir");
        let config = home.path().join("synadm.yaml");
        std::fs::write(&config, serde_yaml::to_string(&map).expect("YAML")).expect("write config");
        Cli { home, config, token }
    }

    /// The admin config with one key replaced.
    pub fn with(key: &str, value: &str) -> Cli {
        Cli::edited(|m| {
            m.insert(key.into(), value.into());
        })
    }

    /// The admin config, but authenticating with `token`.
    pub fn with_token(token: &str) -> Cli {
        Cli::with("token", token)
    }

    pub fn home(&self) -> &Path {
        self.home.path()
    }

    pub fn config(&self) -> &Path {
        &self.config
    }

    /// Runs `synadm -c CONFIG ARGS` with no stdin.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_input(args, "")
    }

    /// Runs `synadm -c CONFIG ARGS`, feeding `input` on stdin.
    pub fn run_with_input(&self, args: &[&str], input: &str) -> Run {
        let config = self.config.to_string_lossy().into_owned();
        let mut all = vec!["-c", config.as_str()];
        all.extend_from_slice(args);
        run_in(self.home.path(), &all, input, &self.token)
    }

    /// `synadm -o json ARGS`, which must succeed; stdout as one JSON document.
    #[track_caller]
    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["-o", "json"];
        all.extend_from_slice(args);
        self.run(&all).ok().json()
    }

    /// `synadm -o FORMAT ARGS`, which must succeed.
    #[track_caller]
    pub fn format(&self, format: &str, args: &[&str]) -> Run {
        let mut all = vec!["-o", format];
        all.extend_from_slice(args);
        self.run(&all).ok()
    }
}

/// Runs the binary with `home` as HOME and a clean environment (no SYNADM_* variables).
pub fn run_in(home: &Path, args: &[&str], input: &str, secret: &str) -> Run {
    run_with_env(home, args, input, secret, &[])
}

/// Like [`run_in`], with extra environment variables.
pub fn run_with_env(
    home: &Path,
    args: &[&str],
    input: &str,
    secret: &str,
    vars: &[(&str, &str)],
) -> Run {
    synadm(home, args, input, vars, &[secret, &server().admin_token])
}

/// A user created for one test, logged in once.
#[derive(Debug, Clone)]
pub struct Fresh {
    pub user_id: String,
    pub localpart: String,
    pub token: String,
    pub password: String,
}

/// A new user (`<prefix>-<n>-<pid>`) with password `password-<localpart>` and one device.
pub fn fresh(prefix: &str) -> Fresh {
    let (user_id, token) = server().fresh_user(prefix);
    let localpart = user_id
        .strip_prefix('@')
        .and_then(|s| s.split(':').next())
        .expect("fresh user ID")
        .to_string();
    Fresh { password: format!("password-{localpart}"), user_id, localpart, token }
}

/// The admin API's view of a user (`GET /_synapse/admin/v2/users/…`).
#[track_caller]
pub fn user_state(user_id: &str) -> Value {
    server().admin_ok("GET", &format!("/_synapse/admin/v2/users/{}", enc(user_id)), None)
}

/// `value` without its `last_seen_ts` fields (at any depth): Synapse updates them in the
/// background (client IPs are written in batches), so two reads may differ there.
pub fn without_last_seen(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| k.as_str() != "last_seen_ts")
                .map(|(k, v)| (k.clone(), without_last_seen(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_last_seen).collect()),
        other => other.clone(),
    }
}

/// The IDs of a user's devices, sorted.
#[track_caller]
pub fn device_ids(user_id: &str) -> Vec<String> {
    let body = server().admin_ok(
        "GET",
        &format!("/_synapse/admin/v2/users/{}/devices", enc(user_id)),
        None,
    );
    let mut ids: Vec<String> = body["devices"]
        .as_array()
        .expect("devices")
        .iter()
        .map(|d| d["device_id"].as_str().expect("device_id").to_string())
        .collect();
    ids.sort();
    ids
}

/// Records in the server's database that `device_id` of `user_id` was last seen at `ms`
/// (from 127.0.0.1, user agent `synadm-tests`), as if it had been used then. The device's
/// token must stay unused afterwards: a request would record "now" again.
#[track_caller]
pub fn set_last_seen(user_id: &str, device_id: &str, ms: i64) {
    let rows = server().sql(&format!(
        "UPDATE devices SET last_seen = {ms}, ip = '127.0.0.1', user_agent = 'synadm-tests' \
         WHERE user_id = {} AND device_id = {} RETURNING device_id",
        sql_text(user_id),
        sql_text(device_id)
    ));
    assert_eq!(rows, [[Some(device_id.to_string())]], "{user_id}'s device {device_id}");
}

/// When the server's database says `device_id` of `user_id` was last seen (ms), if ever.
/// Synapse keeps fresh sightings in memory and writes them every 5 s; while it writes, its
/// API reports the device as never seen.
#[track_caller]
pub fn stored_last_seen(user_id: &str, device_id: &str) -> Option<i64> {
    let rows = server().sql(&format!(
        "SELECT last_seen FROM devices WHERE user_id = {} AND device_id = {}",
        sql_text(user_id),
        sql_text(device_id)
    ));
    assert_eq!(rows.len(), 1, "{user_id}'s device {device_id}: {rows:?}");
    rows[0][0].as_deref().map(|ms| ms.parse().expect("last_seen"))
}

/// When the access token `token` expires (ms since the epoch; `None`: never), as the
/// server's database has it.
#[track_caller]
pub fn token_valid_until(token: &str) -> Option<i64> {
    let rows = server().sql(&format!(
        "SELECT valid_until_ms FROM access_tokens WHERE token = {}",
        sql_text(token)
    ));
    assert_eq!(rows.len(), 1, "one access token row: {rows:?}");
    rows[0][0].as_deref().map(|ms| ms.parse().expect("valid_until_ms"))
}

/// A password login through the client API; the access token, or the status and error.
pub fn login(localpart: &str, password: &str, device_id: Option<&str>) -> Result<String, u16> {
    let mut body = json!({
        "type": "m.login.password",
        "identifier": {"type": "m.id.user", "user": localpart},
        "password": password,
    });
    if let Some(d) = device_id {
        body["device_id"] = json!(d);
    }
    let (status, reply) = server().request(None, "POST", "/_matrix/client/v3/login", Some(&body));
    match reply["access_token"].as_str() {
        Some(token) if status == 200 => Ok(token.to_string()),
        _ => Err(status),
    }
}

/// `GET /_matrix/client/v3/account/whoami` with `token`: the status and the user ID.
pub fn whoami(token: &str) -> (u16, Option<String>) {
    let (status, body) =
        server().request_as(token, "GET", "/_matrix/client/v3/account/whoami", None);
    (status, body["user_id"].as_str().map(str::to_owned))
}

/// Retries `probe` (quickly at first, then every 200 ms) until it gives a value, or fails
/// the test after `limit`.
#[track_caller]
pub fn eventually<T>(what: &str, limit: Duration, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + limit;
    let mut pause = Duration::from_millis(20);
    loop {
        if let Some(v) = probe() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out after {limit:?} waiting for {what}");
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(200));
    }
}

static TXN: AtomicUsize = AtomicUsize::new(0);

/// Sends a text message as `token` into `room_id`; the event ID.
#[track_caller]
pub fn send_text(token: &str, room_id: &str, body: &str) -> String {
    let txn = format!("e2e{}-{}", std::process::id(), TXN.fetch_add(1, Ordering::SeqCst));
    let reply = server().ok_as(
        token,
        "PUT",
        &format!("/_matrix/client/v3/rooms/{}/send/m.room.message/{txn}", enc(room_id)),
        Some(&json!({"msgtype": "m.text", "body": body})),
    );
    reply["event_id"].as_str().expect("event_id").to_string()
}

/// Joins `room` (an ID or alias) as `token`; the room ID.
#[track_caller]
pub fn join(token: &str, room: &str) -> String {
    let reply = server().ok_as(
        token,
        "POST",
        &format!("/_matrix/client/v3/join/{}", enc(room)),
        Some(&json!({})),
    );
    reply["room_id"].as_str().expect("room_id").to_string()
}

/// `token`'s user invites `user_id` into `room`.
#[track_caller]
pub fn invite(token: &str, room: &str, user_id: &str) {
    let path = format!("/_matrix/client/v3/rooms/{}/invite", enc(room));
    server().ok_as(token, "POST", &path, Some(&json!({ "user_id": user_id })));
}

/// Creates a private room as `token`; the room ID.
#[track_caller]
pub fn create_room(token: &str, name: &str) -> String {
    let reply = server().ok_as(
        token,
        "POST",
        "/_matrix/client/v3/createRoom",
        Some(&json!({"name": name, "preset": "private_chat"})),
    );
    reply["room_id"].as_str().expect("room_id").to_string()
}

/// Uploads `content` (as a JSON file named `name`) as `token`; the media ID.
#[track_caller]
pub fn upload(token: &str, name: &str, content: &Value) -> String {
    let reply = server().ok_as(
        token,
        "POST",
        &format!("/_matrix/media/v3/upload?filename={}", enc(name)),
        Some(content),
    );
    let uri = reply["content_uri"].as_str().expect("content_uri");
    uri.rsplit('/').next().expect("media ID").to_string()
}

/// The media ID part of an `mxc://server/ID` URI.
pub fn media_id(mxc: &str) -> &str {
    mxc.rsplit('/').next().unwrap_or(mxc)
}

/// The `name` fields of a user list (the `users` of a page, or an `--all` array).
pub fn names(list: &Value) -> Vec<String> {
    let items = list
        .get("users")
        .unwrap_or(list)
        .as_array()
        .unwrap_or_else(|| panic!("not a user list: {list}"));
    items.iter().map(|u| u["name"].as_str().expect("name").to_string()).collect()
}

/// A local TCP port nobody listens on (bound, then released).
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

static NAMES: AtomicUsize = AtomicUsize::new(0);

/// A localpart nobody has used yet (`<prefix>-x<n>-<pid>`), for users the CLI creates.
pub fn unique_localpart(prefix: &str) -> String {
    format!("{prefix}-x{}-{}", NAMES.fetch_add(1, Ordering::SeqCst), std::process::id())
}

/// Waits (once per run) until the server can re-activate accounts.
///
/// On a fresh database Synapse answers re-activation with HTTP 500 until its background
/// update `profiles_full_user_id_key_idx` has built the unique index that the upsert in
/// `create_profile` relies on (seen on SQLite a few seconds after start). A probe user,
/// deactivated once, is re-activated until that works; a failed attempt changes nothing.
pub fn wait_until_reactivation_works() {
    static READY: OnceLock<()> = OnceLock::new();
    READY.get_or_init(|| {
        let probe = fresh("reactivationprobe");
        let path = format!("/_synapse/admin/v2/users/{}", enc(&probe.user_id));
        let (status, body) =
            server().admin_request("PUT", &path, Some(&json!({"deactivated": true})));
        assert_eq!(status, 200, "deactivating the probe: {body}");
        let reactivate = json!({"deactivated": false, "password": "probe-password"});
        eventually("Synapse to be able to re-activate users", Duration::from_secs(60), || {
            match server().admin_request("PUT", &path, Some(&reactivate)) {
                (200, _) => Some(()),
                (500, _) => None,
                (status, body) => panic!("re-activating the probe: HTTP {status}: {body}"),
            }
        });
    });
}
