//! Operations tagged `reports`: event reports and user reports filed through the client API.

use crate::support::*;
use serde_json::json;

/// A fresh spammer, a fresh reporter in the spammer's room, one reported event and one
/// reported user: (spammer, reporter, room, event).
fn reported() -> (String, String, String, String) {
    let s = synapse();
    let (spammer, spammer_token) = s.fresh_user("contract spammer");
    let (reporter, reporter_token) = s.fresh_user("contract reporter");
    let room =
        create_room(&spammer_token, json!({"name": "contract reports", "preset": "public_chat"}));
    join_room(&reporter_token, &room);
    let event = send_text(&spammer_token, &room, "contract spam");
    s.ok_as(
        &reporter_token,
        "POST",
        &format!("/_matrix/client/v3/rooms/{}/report/{}", enc(&room), enc(&event)),
        Some(&json!({"reason": "contract spam", "score": -50})),
    );
    // Two of each kind, so that a page of one has a next_token.
    for reason in ["contract spammer", "contract spammer again"] {
        s.ok_as(
            &reporter_token,
            "POST",
            &format!("/_matrix/client/v3/users/{}/report", enc(&spammer)),
            Some(&json!({ "reason": reason })),
        );
    }
    let second = send_text(&spammer_token, &room, "contract spam again");
    s.ok_as(
        &reporter_token,
        "POST",
        &format!("/_matrix/client/v3/rooms/{}/report/{}", enc(&room), enc(&second)),
        Some(&json!({"reason": "contract spam again"})),
    );
    (spammer, reporter, room, event)
}

#[test]
fn event_reports() {
    let (spammer, reporter, room, event) = reported();
    let page = ok(
        "list_event_reports",
        admin()
            .list_event_reports()
            .user_id(&reporter)
            .dir(synadm::api::types::Direction::F)
            .limit(1)
            .send(),
    );
    assert_eq!((page.total, page.next_token), (2, Some(1)));
    let report = &page.event_reports[0];
    assert_eq!(
        (report.event_id.as_str(), report.room_id.as_str(), report.sender.as_str()),
        (event.as_str(), room.as_str(), spammer.as_str())
    );
    assert_eq!((report.score, report.reason.as_deref()), (Some(-50), Some("contract spam")));
    assert_eq!(report.name.as_deref(), Some("contract reports"));
    assert_eq!(report.canonical_alias, None);
    raw(
        "list_event_reports",
        "GET",
        &format!("/_synapse/admin/v1/event_reports?dir=f&limit=1&room_id={}", enc(&room)),
        None,
    );
    let detail = ok("get_event_report", admin().get_event_report().report_id(report.id).send());
    assert_eq!(detail.event_json["content"]["body"], "contract spam");
    raw(
        "get_event_report",
        "GET",
        &format!("/_synapse/admin/v1/event_reports/{}", report.id),
        None,
    );
    let deleted =
        ok("delete_event_report", admin().delete_event_report().report_id(report.id).send());
    assert!(deleted.is_empty(), "{deleted:?}");
    fails_not_found("get_event_report", admin().get_event_report().report_id(report.id).send());
    fails_not_found(
        "delete_event_report",
        admin().delete_event_report().report_id(report.id).send(),
    );
    admin_error(
        "get_event_report",
        "GET",
        "/_synapse/admin/v1/event_reports/abc",
        None,
        400,
        "M_INVALID_PARAM",
    );
}

#[test]
fn user_reports() {
    let (spammer, reporter, _, _) = reported();
    let page = ok(
        "list_user_reports",
        admin()
            .list_user_reports()
            .target_user_id(&spammer)
            .dir(synadm::api::types::Direction::F)
            .limit(1)
            .send(),
    );
    assert_eq!((page.total, page.next_token), (2, Some(1)));
    let report = &page.user_reports[0];
    assert_eq!(
        (report.user_id.as_str(), report.reason.as_deref()),
        (reporter.as_str(), Some("contract spammer"))
    );
    raw(
        "list_user_reports",
        "GET",
        &format!("/_synapse/admin/v1/user_reports?dir=b&user_id={}", enc(&reporter)),
        None,
    );
    let one = ok("get_user_report", admin().get_user_report().report_id(report.id).send());
    assert_eq!(one.target_user_id, spammer);
    raw("get_user_report", "GET", &format!("/_synapse/admin/v1/user_reports/{}", report.id), None);
    ok("delete_user_report", admin().delete_user_report().report_id(report.id).send());
    fails_not_found("get_user_report", admin().get_user_report().report_id(report.id).send());
    fails_not_found("delete_user_report", admin().delete_user_report().report_id(report.id).send());
    raw_as(
        "list_user_reports",
        Some(&synapse().admin_token),
        "GET",
        "/_synapse/admin/v1/user_reports",
        None,
    );
}
