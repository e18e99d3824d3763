//! The room and event operations of `room messages|context|event-at|event|hierarchy|
//! extremities`.

use crate::support::*;
use serde_json::json;
use synadm::api::types;

/// A room with three messages by a fresh user: (room, event IDs).
fn room_with_messages() -> (String, Vec<String>) {
    let (_, token) = synapse().fresh_user("contract events");
    let room = create_room(&token, json!({"name": "contract events"}));
    let ids = (0..3).map(|i| send_text(&token, &room, &format!("e{i}"))).collect();
    (room, ids)
}

#[test]
fn list_room_messages() {
    let (room, ids) = room_with_messages();
    let page = ok(
        "list_room_messages",
        admin()
            .list_room_messages()
            .room_id(&room)
            .dir(types::Direction::B)
            .limit(2)
            .filter(r#"{"types": ["m.room.message"]}"#)
            .send(),
    );
    let got: Vec<&str> = page.chunk.iter().map(|e| e.event_id.as_str()).collect();
    assert_eq!(got, [ids[2].as_str(), ids[1].as_str()]);
    let end = page.end.expect("more");
    let rest = raw(
        "list_room_messages",
        "GET",
        &format!(
            "/_synapse/admin/v1/rooms/{}/messages?dir=b&from={}&filter={}",
            enc(&room),
            enc(&end),
            enc(r#"{"types":["m.room.message"]}"#)
        ),
        None,
    );
    assert_eq!(rest["chunk"][0]["event_id"], ids[0].as_str(), "{rest}");
    let message = fails(
        "list_room_messages",
        admin().list_room_messages().room_id(&room).from("not-a-token").send(),
        400,
        "M_UNKNOWN",
    );
    assert!(!message.is_empty());
}

#[test]
fn room_timestamp_to_event_and_get_event_context() {
    let (room, ids) = room_with_messages();
    let event = ok("fetch_event", admin().fetch_event().event_id(&ids[1]).send());
    let ts = event.event["origin_server_ts"].as_i64().expect("ts");
    let found = ok(
        "room_timestamp_to_event",
        admin().room_timestamp_to_event().room_id(&room).ts(ts).dir(types::Direction::B).send(),
    );
    assert_eq!(found.origin_server_ts, ts);
    raw(
        "room_timestamp_to_event",
        "GET",
        &format!("/_synapse/admin/v1/rooms/{}/timestamp_to_event?ts={ts}", enc(&room)),
        None,
    );
    fails_not_found(
        "room_timestamp_to_event",
        admin().room_timestamp_to_event().room_id(&room).ts(1).dir(types::Direction::B).send(),
    );
    let context = ok(
        "get_event_context",
        admin().get_event_context().room_id(&room).event_id(&ids[1]).limit(2).send(),
    );
    assert_eq!(context.event.event_id, ids[1]);
    assert_eq!(context.events_after[0].event_id, ids[2]);
    assert!(!context.state.is_empty());
    raw(
        "get_event_context",
        "GET",
        &format!("/_synapse/admin/v1/rooms/{}/context/{}", enc(&room), enc(&ids[0])),
        None,
    );
    fails_not_found(
        "get_event_context",
        admin().get_event_context().room_id(&room).event_id("$missing").send(),
    );
}

#[test]
fn fetch_event() {
    let (room, ids) = room_with_messages();
    let got = raw(
        "fetch_event",
        "GET",
        &format!("/_synapse/admin/v1/fetch_event/{}", enc(&ids[0])),
        None,
    );
    assert_eq!(got["event"]["room_id"], room.as_str(), "{got}");
    assert_eq!(got["event"]["content"]["body"], "e0");
    fails_not_found("fetch_event", admin().fetch_event().event_id("$missing").send());
}

#[test]
fn get_room_hierarchy() {
    let s = synapse();
    let (_, token) = s.fresh_user("contract space");
    let space = create_room(
        &token,
        json!({"name": "contract space", "creation_content": {"type": "m.space"}}),
    );
    // A child with every optional field of a hierarchy entry: topic, alias, avatar,
    // encryption, and a join rule restricted to the space's members.
    let child = create_room(
        &token,
        json!({
            "name": "contract child", "topic": "the child",
            "room_alias_name": unique("contract-child"),
            "initial_state": [
                {"type": "m.room.encryption", "state_key": "", "content": {"algorithm": "m.megolm.v1.aes-sha2"}},
                {"type": "m.room.avatar", "state_key": "", "content": {"url": "mxc://test.local/avatar"}},
                {"type": "m.room.join_rules", "state_key": "", "content": {
                    "join_rule": "restricted",
                    "allow": [{"type": "m.room_membership", "room_id": space}],
                }},
            ],
        }),
    );
    let (status, reply) =
        put_state(&token, &space, "m.space.child", &child, json!({"via": ["test.local"]}));
    assert_eq!(status, 200, "{reply}");
    let tree = ok("get_room_hierarchy", admin().get_room_hierarchy().room_id(&space).send());
    let ids: Vec<&str> = tree.rooms.iter().map(|r| r.room_id.as_str()).collect();
    assert_eq!(ids, [space.as_str(), child.as_str()]);
    assert_eq!(tree.rooms[0].children_state.len(), 1);
    let page = raw(
        "get_room_hierarchy",
        "GET",
        &format!("/_synapse/admin/v1/rooms/{}/hierarchy?limit=1", enc(&space)),
        None,
    );
    let next = page["next_batch"].as_str().expect("a second page").to_string();
    raw(
        "get_room_hierarchy",
        "GET",
        &format!("/_synapse/admin/v1/rooms/{}/hierarchy?from={next}", enc(&space)),
        None,
    );
    fails(
        "get_room_hierarchy",
        admin().get_room_hierarchy().room_id(&space).from("not-a-token").send(),
        400,
        "M_INVALID_PARAM",
    );
}

#[test]
fn forward_extremities() {
    let (room, ids) = room_with_messages();
    let got = ok(
        "get_forward_extremities",
        admin().get_forward_extremities().room_id_or_alias(&room).send(),
    );
    assert_eq!(got.count, 1);
    assert_eq!(got.results[0].event_id, ids[2]);
    assert!(got.results[0].received_ts.is_some() && got.results[0].state_group.is_some());
    raw(
        "get_forward_extremities",
        "GET",
        &format!("/_synapse/admin/v1/rooms/{}/forward_extremities", enc(&room)),
        None,
    );
    let deleted = ok(
        "delete_forward_extremities",
        admin().delete_forward_extremities().room_id_or_alias(&room).send(),
    );
    assert_eq!(deleted.deleted, 0);
    raw(
        "delete_forward_extremities",
        "DELETE",
        &format!("/_synapse/admin/v1/rooms/{}/forward_extremities", enc(&room)),
        None,
    );
    fails_not_found(
        "get_forward_extremities",
        admin().get_forward_extremities().room_id_or_alias("#no-such-alias:test.local").send(),
    );
    fails_not_found(
        "delete_forward_extremities",
        admin().delete_forward_extremities().room_id_or_alias("#no-such-alias:test.local").send(),
    );
}
