//! Operations tagged `history` (purging old room events), on rooms the tests create and on the
//! seeded History room (which no other contract test uses).

use crate::support::*;
use serde_json::{Value, json};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use synadm::api::types;

fn now_ms() -> i64 {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970");
    i64::try_from(now.as_millis()).expect("milliseconds fit in i64")
}

/// Whether `event_id` is still in the database (the admin API sees outliers too).
fn stored(event_id: &str) -> bool {
    let (status, reply) = synapse().admin_request(
        "GET",
        &format!("/_synapse/admin/v1/fetch_event/{}", enc(event_id)),
        None,
    );
    match status {
        200 => true,
        404 => false,
        _ => panic!("fetching {event_id}: HTTP {status} {reply}"),
    }
}

/// Whether `token`'s user (a member of `room`) can still see `event_id`.
fn visible(token: &str, room: &str, event_id: &str) -> bool {
    let (status, reply) = synapse().request_as(
        token,
        "GET",
        &format!("/_matrix/client/v3/rooms/{}/event/{}", enc(room), enc(event_id)),
        None,
    );
    match status {
        200 => true,
        404 => false,
        _ => panic!("fetching {event_id} as a member: HTTP {status} {reply}"),
    }
}

/// Polls the purge `purge_id` until it is no longer active, checking every reply against the
/// spec.
fn wait_for_purge(purge_id: &str) -> types::PurgeStatus {
    poll("the purge finishes", Duration::from_secs(60), || {
        let status = ok(
            "get_purge_history_status",
            admin().get_purge_history_status().purge_id(purge_id).send(),
        );
        (status.status != types::PurgeStatusStatus::Active).then_some(status)
    })
}

fn purge_path(room: &str) -> String {
    format!("/_synapse/admin/v1/purge_history/{}", enc(room))
}

#[test]
fn purge_history() {
    let s = synapse();
    let (_, token) = s.fresh_user("contract purge");
    let room = create_room(&token, json!({ "name": "contract purge" }));
    let events: Vec<String> =
        (0..4).map(|i| send_text(&token, &room, &format!("purge me {i}"))).collect();
    // Up to an event: the events before it go, the event itself stays.
    let started = ok(
        "purge_history",
        admin()
            .purge_history()
            .room_id(&room)
            .body(types::PurgeHistoryRequest {
                purge_up_to_event_id: Some(events[2].clone()),
                delete_local_events: Some(true),
                purge_up_to_ts: None,
            })
            .send(),
    );
    assert!(!started.purge_id.is_empty());
    assert_eq!(wait_for_purge(&started.purge_id).status, types::PurgeStatusStatus::Complete);
    let kept: Vec<bool> = events.iter().map(|e| stored(e)).collect();
    assert_eq!(kept, [false, false, true, true]);
    assert!(visible(&token, &room, &events[2]));

    // Without delete_local_events, the events of local users stay in the database, but as
    // outliers: members no longer see them.
    let other = create_room(&token, json!({ "name": "contract purge local" }));
    let first = send_text(&token, &other, "local 1");
    send_text(&token, &other, "local 2");
    let reply = raw(
        "purge_history",
        "POST",
        &purge_path(&other),
        Some(json!({ "purge_up_to_ts": now_ms() + 60_000 })),
    );
    let id = reply["purge_id"].as_str().expect("purge_id");
    assert_eq!(wait_for_purge(id).status, types::PurgeStatusStatus::Complete);
    assert!(stored(&first));
    assert!(!visible(&token, &other, &first));

    let message = fails(
        "purge_history",
        admin().purge_history().room_id(&room).body(types::PurgeHistoryRequest::default()).send(),
        400,
        "M_BAD_JSON",
    );
    assert_eq!(message, "must specify purge_up_to_event_id or purge_up_to_ts");
    let reply = admin_error(
        "purge_history",
        "POST",
        &purge_path(&room),
        Some(json!({ "purge_up_to_ts": 0 })),
        404,
        "M_NOT_FOUND",
    );
    assert_eq!(reply["error"], "there is no event to be purged");
    let reply = admin_error(
        "purge_history",
        "POST",
        &purge_path(&other),
        Some(json!({ "purge_up_to_event_id": events[3] })),
        400,
        "M_UNKNOWN",
    );
    assert_eq!(reply["error"], "Event is for wrong room.");
}

/// The seeded History room around its `cutoff_ts`: a purge up to that time deletes every
/// message received before it and keeps every message after it.
#[test]
fn purge_history_up_to_the_seeded_cut_off() {
    let s = synapse();
    let history = &s.seed["history"];
    let room = s.seed_str("/history/room");
    assert_eq!(room, s.seed_str("/rooms/history"));
    let cutoff = history["cutoff_ts"].as_i64().expect("cutoff_ts");
    let last_before = history["last_before_ts"].as_i64().expect("last_before_ts");
    let first_after = history["first_after_ts"].as_i64().expect("first_after_ts");
    assert!(last_before < cutoff && cutoff < first_after, "{history}");
    let ids = |key: &str| -> Vec<String> {
        history[key]
            .as_array()
            .unwrap_or_else(|| panic!("history/{key}: {history}"))
            .iter()
            .map(|v| v.as_str().expect("event ID").to_string())
            .collect()
    };
    let (before, after) = (ids("before"), ids("after"));
    assert_eq!((before.len(), after.len()), (4, 4));

    let alice = s.seed_str("/users/alice/token");
    let started = ok(
        "purge_history",
        admin()
            .purge_history()
            .room_id(room)
            .body(types::PurgeHistoryRequest {
                purge_up_to_ts: Some(cutoff),
                delete_local_events: Some(true),
                purge_up_to_event_id: None,
            })
            .send(),
    );
    assert_eq!(wait_for_purge(&started.purge_id).status, types::PurgeStatusStatus::Complete);
    let kept = |events: &[String]| -> Vec<bool> { events.iter().map(|e| stored(e)).collect() };
    assert_eq!(kept(&before), [false; 4]);
    assert_eq!(kept(&after), [true; 4]);
    assert!(after.iter().all(|e| visible(alice, room, e)));
}

#[test]
fn get_purge_history_status() {
    let s = synapse();
    let (_, token) = s.fresh_user("contract purge status");
    let room = create_room(&token, json!({ "name": "contract purge status" }));
    send_text(&token, &room, "old");
    let cut = send_text(&token, &room, "cut-off");
    let (code, reply) = s.admin_request(
        "POST",
        &purge_path(&room),
        Some(&json!({ "purge_up_to_event_id": cut, "delete_local_events": true })),
    );
    assert_eq!(code, 200, "{reply}");
    let id = reply["purge_id"].as_str().expect("purge_id").to_string();
    let done = wait_for_purge(&id);
    assert_eq!(done.status, types::PurgeStatusStatus::Complete);
    assert_eq!(done.error, None);
    assert_eq!(
        raw(
            "get_purge_history_status",
            "GET",
            &format!("/_synapse/admin/v1/purge_history_status/{}", enc(&id)),
            None
        ),
        json!({ "status": "complete" })
    );

    let message = fails_not_found(
        "get_purge_history_status",
        admin().get_purge_history_status().purge_id("no-such-purge").send(),
    );
    assert_eq!(message, "purge id 'no-such-purge' not found");
    // A room deletion's task ID is not a purge ID.
    let doomed = create_room(&token, json!({ "name": "contract purge status doomed" }));
    let (code, reply) = s.admin_request(
        "DELETE",
        &format!("/_synapse/admin/v2/rooms/{}", enc(&doomed)),
        Some(&json!({})),
    );
    assert_eq!(code, 200, "{reply}");
    let delete_id = reply["delete_id"].as_str().expect("delete_id");
    admin_error(
        "get_purge_history_status",
        "GET",
        &format!("/_synapse/admin/v1/purge_history_status/{}", enc(delete_id)),
        None,
        404,
        "M_NOT_FOUND",
    );
    let reply: Value = forbidden(
        "get_purge_history_status",
        &token,
        "GET",
        &format!("/_synapse/admin/v1/purge_history_status/{}", enc(&id)),
        None,
    );
    assert_eq!(reply["error"], "You are not a server admin");
}
