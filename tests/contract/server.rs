//! Operations tagged `server`.

use crate::support::*;

#[test]
fn get_server_version() {
    let version = ok("get_server_version", client_as(None).get_server_version().send());
    assert_eq!(version.server_version, crate::common::synapse_version());
    raw_as("get_server_version", None, "GET", "/_synapse/admin/v1/server_version", None);

    // The only way this call fails is a wrong mount point (e.g. a misconfigured admin_path):
    // Synapse's admin resource answers unknown paths with a Matrix error.
    let wrong_mount = wrongly_mounted(|c| c.admin_path = "/_synapse/admin/v0".into());
    fails("get_server_version", wrong_mount.get_server_version().send(), 404, "M_UNRECOGNIZED");
    raw_error(
        "get_server_version",
        None,
        "GET",
        "/_synapse/admin/v0/v1/server_version",
        None,
        404,
        "M_UNRECOGNIZED",
    );
}
