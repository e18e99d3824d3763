//! `user device …`: the device ID percent-encoded in every path, each change read back.

use crate::support::Env;
use httpmock::Method::{DELETE, GET, POST, PUT};
use serde_json::json;

#[test]
fn user_device_encodes_the_device_id_and_reads_the_device_back() {
    let env = Env::new();
    let path = "/_synapse/admin/v2/users/@alice:example.org/devices/a%2Fb%20c%3F";
    let device = json!({"device_id": "a/b c?", "user_id": "@alice:example.org",
        "display_name": "Phone", "last_seen_ip": null, "last_seen_ts": 1700000000000i64,
        "last_seen_user_agent": null});
    let (get, _) = env.recording(GET, path, 200, device.clone());
    let put = env.reply_to_body(PUT, path, json!({"display_name": "Phone"}), 200, json!({}));
    let create = env.reply_to_body(
        POST,
        "/_synapse/admin/v2/users/@alice:example.org/devices",
        json!({"device_id": "a/b c?"}),
        201,
        json!({}),
    );
    let delete = env.reply(DELETE, path, 200, json!({}));
    assert_eq!(env.run(&["user", "device", "show", "alice", "a/b c?"]).ok().json(), device);
    env.run(&["user", "device", "rename", "alice", "a/b c?", "Phone"]).ok();
    env.run(&["user", "device", "create", "alice", "a/b c?"]).ok();
    let human = env.run(&["-o", "human", "user", "device", "show", "alice", "a/b c?", "--ts"]).ok();
    human.stdout_has("last_seen_ts          1700000000000");
    env.run(&["--batch", "user", "device", "delete", "alice", "a/b c?"]).ok();
    for (mock, calls) in [(&put, 1), (&create, 1), (&delete, 1), (&get, 5)] {
        mock.assert_calls(calls);
    }
    let any = env.any_request();
    env.run(&["user", "device", "show", "alice", ""]).fails(2, "empty");
    env.run(&["user", "device", "rename", "alice", "X"]).fails(2, "<NAME>");
    any.assert_calls(0);
}
