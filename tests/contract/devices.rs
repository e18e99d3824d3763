//! Operations tagged `devices`.

use crate::support::*;
use serde_json::json;
use synadm::api::types;

fn devices_path(user_id: &str, suffix: &str) -> String {
    format!("/_synapse/admin/v2/users/{}/{suffix}", enc(user_id))
}

/// Logs `user_id` (password `password-<localpart>`, as `fresh_user` sets) in on a new device
/// through the generated `login` operation; returns the device ID.
fn new_device(user_id: &str, device_id: &str) -> String {
    let reply = ok(
        "login",
        client_as(None)
            .login()
            .body(types::LoginRequest {
                type_: "m.login.password".into(),
                identifier: Some(types::LoginIdentifier {
                    type_: "m.id.user".into(),
                    user: Some(localpart(user_id).into()),
                }),
                password: Some(format!("password-{}", localpart(user_id))),
                device_id: Some(device_id.into()),
                initial_device_display_name: Some(format!("contract {device_id}")),
            })
            .send(),
    );
    assert_eq!(reply.device_id, device_id);
    reply.device_id
}

#[test]
fn list_user_devices() {
    let s = synapse();
    // alice has a device that was used (last_seen_* set) and one that never was (null).
    let alice = s.user_id("alice");
    let list = ok("list_user_devices", admin().list_user_devices().user_id(&alice).send());
    let mut ids: Vec<&str> = list.devices.iter().map(|d| d.device_id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(ids, ["ALICELAPTOP", "ALICEPHONE"]);
    assert_eq!(list.total, 2);
    raw("list_user_devices", "GET", &devices_path(&alice, "devices"), None);
    // dave has no device at all.
    let dave = raw("list_user_devices", "GET", &devices_path(&s.user_id("dave"), "devices"), None);
    assert_eq!(dave, json!({ "devices": [], "total": 0 }));
    // A user with a dehydrated device (MSC3814, enabled on the test server): then every
    // device of theirs carries `dehydrated`, true for that one only.
    let (user, token) = s.fresh_user("contract dehydrated");
    s.ok_as(
        &token,
        "PUT",
        "/_matrix/client/unstable/org.matrix.msc3814.v1/dehydrated_device",
        Some(&json!({
            "device_id": "CONTRACTDEHYDRATED",
            "device_data": { "algorithm": "m.dehydration.v1.olm", "account": "opaque" },
            "initial_device_display_name": null,
            "device_keys": {
                "user_id": user,
                "device_id": "CONTRACTDEHYDRATED",
                "algorithms": ["m.olm.v1.curve25519-aes-sha2"],
                "keys": { "curve25519:CONTRACTDEHYDRATED": "key" },
                "signatures": {},
            },
        })),
    );
    let list = ok("list_user_devices", admin().list_user_devices().user_id(&user).send());
    let mut flags: Vec<(&str, Option<bool>)> =
        list.devices.iter().map(|d| (d.device_id.as_str(), d.dehydrated)).collect();
    flags.sort_unstable_by_key(|(id, _)| *id != "CONTRACTDEHYDRATED");
    assert!(
        matches!(flags[..], [("CONTRACTDEHYDRATED", Some(true)), (_, Some(false))]),
        "{list:?}"
    );

    let nobody = unknown_user();
    fails_not_found("list_user_devices", admin().list_user_devices().user_id(&nobody).send());
    admin_error(
        "list_user_devices",
        "GET",
        &devices_path(&nobody, "devices"),
        None,
        404,
        "M_NOT_FOUND",
    );
}

#[test]
fn delete_user_devices() {
    let s = synapse();
    let (user, _) = s.fresh_user("contract devices");
    let first = new_device(&user, "CONTRACTONE");
    let second = new_device(&user, "CONTRACTTWO");

    let reply = ok(
        "delete_user_devices",
        admin()
            .delete_user_devices()
            .user_id(&user)
            .body(types::DeleteDevicesRequest { devices: vec![first.clone()] })
            .send(),
    );
    assert!(reply.is_empty(), "{reply:?}");
    let reply = raw(
        "delete_user_devices",
        "POST",
        &devices_path(&user, "delete_devices"),
        Some(json!({ "devices": [second, "NO-SUCH-DEVICE"] })),
    );
    assert_eq!(reply, json!({}));
    let left = ok("list_user_devices", admin().list_user_devices().user_id(&user).send());
    assert!(left.devices.iter().all(|d| d.device_id != first && d.device_id != second), "{left:?}");

    admin_error(
        "delete_user_devices",
        "POST",
        &devices_path(&unknown_user(), "delete_devices"),
        Some(json!({ "devices": [] })),
        404,
        "M_NOT_FOUND",
    );
}

#[test]
fn create_get_rename_and_delete_one_device() {
    let s = synapse();
    let (user, _) = s.fresh_user("contract one device");
    // Free text in the path: encoded, and given back as it was.
    let id = "contract dev/1?#";
    let created = ok(
        "create_user_device",
        admin()
            .create_user_device()
            .user_id(&user)
            .body(types::CreateDeviceRequest { device_id: id.into() })
            .send(),
    );
    assert!(created.is_empty(), "{created:?}");
    // Again: still 201, nothing changes.
    let again = raw(
        "create_user_device",
        "POST",
        &devices_path(&user, "devices"),
        Some(json!({"device_id": id})),
    );
    assert_eq!(again, json!({}));
    let device =
        ok("get_user_device", admin().get_user_device().user_id(&user).device_id(id).send());
    assert_eq!((device.device_id.as_str(), device.user_id.as_str()), (id, user.as_str()));
    assert_eq!((device.display_name, device.last_seen_ts, device.last_seen_ip), (None, None, None));
    let path = devices_path(&user, &format!("devices/{}", enc(id)));
    let raw_device = raw("get_user_device", "GET", &path, None);
    assert_eq!(raw_device["last_seen_user_agent"], json!(null), "{raw_device}");

    let renamed = ok(
        "rename_user_device",
        admin()
            .rename_user_device()
            .user_id(&user)
            .device_id(id)
            .body(types::RenameDeviceRequest { display_name: Some("Contract".into()) })
            .send(),
    );
    assert!(renamed.is_empty(), "{renamed:?}");
    // null leaves the name as it is.
    let kept = raw("rename_user_device", "PUT", &path, Some(json!({"display_name": null})));
    assert_eq!(kept, json!({}));
    assert_eq!(raw("get_user_device", "GET", &path, None)["display_name"], json!("Contract"));
    admin_error(
        "rename_user_device",
        "PUT",
        &devices_path(&user, "devices/NO_SUCH_DEVICE"),
        Some(json!({"display_name": "x"})),
        404,
        "M_NOT_FOUND",
    );

    let deleted =
        ok("delete_user_device", admin().delete_user_device().user_id(&user).device_id(id).send());
    assert!(deleted.is_empty(), "{deleted:?}");
    fails_not_found(
        "get_user_device",
        admin().get_user_device().user_id(&user).device_id(id).send(),
    );
    // Deleting a device that is not there is still 200.
    assert_eq!(raw("delete_user_device", "DELETE", &path, None), json!({}));
    admin_error(
        "create_user_device",
        "POST",
        &devices_path(&user, "devices"),
        Some(json!({})),
        400,
        "M_UNKNOWN",
    );
    fails_not_found(
        "get_user_device",
        admin().get_user_device().user_id(unused_user_id("nobody")).device_id("X").send(),
    );
}
