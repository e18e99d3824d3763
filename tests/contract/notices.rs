//! Operations tagged `notices` (server notices; the harness enables them).

use crate::support::*;
use serde_json::json;
use synadm::api::types;

fn notice(user_id: &str, text: &str) -> types::ServerNoticeRequest {
    types::ServerNoticeRequest {
        user_id: user_id.to_string(),
        content: types::ServerNoticeContent {
            msgtype: "m.text".into(),
            body: text.into(),
            format: Some("org.matrix.custom.html".into()),
            formatted_body: Some(format!("<b>{text}</b>")),
            extra: Default::default(),
        },
        type_: None,
        state_key: None,
    }
}

#[test]
fn send_server_notice() {
    let s = synapse();
    let (user, _) = s.fresh_user("contract notice");
    let sent = ok(
        "send_server_notice",
        admin().send_server_notice().body(notice(&user, "contract notice one")).send(),
    );
    assert!(sent.event_id.starts_with('$'), "{sent:?}");
    // The second notice goes into the same (now existing) room; the type may be given.
    let again = raw(
        "send_server_notice",
        "POST",
        "/_synapse/admin/v1/send_server_notice",
        Some(json!({
            "user_id": user,
            "type": "m.room.message",
            "content": { "msgtype": "m.text", "body": "contract notice two" },
        })),
    );
    assert_ne!(again["event_id"], sent.event_id.as_str());

    // A local user that does not exist.
    let nobody = unknown_user();
    fails_not_found(
        "send_server_notice",
        admin().send_server_notice().body(notice(&nobody, "to nobody")).send(),
    );
    // Only local users get server notices.
    fails(
        "send_server_notice",
        admin().send_server_notice().body(notice(REMOTE_USER, "to elsewhere")).send(),
        400,
        "M_UNKNOWN",
    );
    admin_error(
        "send_server_notice",
        "POST",
        "/_synapse/admin/v1/send_server_notice",
        Some(json!({ "user_id": user })),
        400,
        "M_MISSING_PARAM",
    );
    // Not for ordinary users.
    let (_, token) = s.fresh_user("contract notice sender");
    fails_forbidden(
        "send_server_notice",
        client_as(Some(&token)).send_server_notice().body(notice(&user, "not an admin")).send(),
    );
}

#[test]
fn send_server_notice_txn() {
    let s = synapse();
    let (user, _) = s.fresh_user("contract notice txn");
    let txn = unique("contract-txn");
    let first = ok(
        "send_server_notice_txn",
        admin().send_server_notice_txn().txn_id(&txn).body(notice(&user, "contract txn")).send(),
    );
    // The same transaction again (even with another body): the first event, nothing new.
    let target = format!("/_synapse/admin/v1/send_server_notice/{txn}");
    let again = raw(
        "send_server_notice_txn",
        "PUT",
        &target,
        Some(json!({"user_id": user, "content": {"msgtype": "m.text", "body": "other"}})),
    );
    assert_eq!(again, json!({"event_id": first.event_id}));
    let other = ok(
        "send_server_notice_txn",
        admin()
            .send_server_notice_txn()
            .txn_id(format!("{txn}-2"))
            .body(notice(&user, "contract txn"))
            .send(),
    );
    assert_ne!(other.event_id, first.event_id);
    fails_not_found(
        "send_server_notice_txn",
        admin()
            .send_server_notice_txn()
            .txn_id(format!("{txn}-3"))
            .body(notice(&unused_user_id("nobody"), "x"))
            .send(),
    );
    admin_error(
        "send_server_notice_txn",
        "PUT",
        &format!("{target}-4"),
        Some(json!({"user_id": user})),
        400,
        "M_MISSING_PARAM",
    );
}
