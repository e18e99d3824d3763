//! Operations tagged `rooms`, and the room facts the `room` commands build on (room version 12
//! creators, MSC4289).
//!
//! Destructive tests (delete, block, make-admin, join) work on rooms they create themselves.

use crate::support::*;
use serde_json::{Value, json};
use std::time::Duration;
use synadm::api::{builder, types};

fn rooms_path(room: &str, suffix: &str) -> String {
    format!("/_synapse/admin/v1/rooms/{}{suffix}", enc(room))
}

/// Names of a page's rooms, in order.
fn names(page: &types::RoomList) -> Vec<Option<&str>> {
    page.rooms.iter().map(|r| r.name.as_deref()).collect()
}

/// The rooms whose name or alias holds `term`, asked for with `refine`'s order, paging and
/// filters.
fn rooms_matching(
    term: &str,
    refine: impl FnOnce(builder::ListRooms<'_>) -> builder::ListRooms<'_>,
) -> types::RoomList {
    let client = admin();
    ok("list_rooms", refine(client.list_rooms().search_term(term)).send())
}

/// Waits until Synapse's room statistics (the source of the list and of most detail fields,
/// updated in the background) show `room` as `settled` says, and returns its details.
fn settled_details(room: &str, settled: impl Fn(&Value) -> bool) -> Value {
    poll("the room statistics catch up", Duration::from_secs(30), || {
        let reply = synapse().admin_ok("GET", &rooms_path(room, ""), None);
        settled(&reply).then_some(reply)
    })
}

/// The one entry of `room_id` in a raw room list.
fn raw_entry<'a>(page: &'a Value, room_id: &str) -> &'a Value {
    page["rooms"]
        .as_array()
        .expect("rooms")
        .iter()
        .find(|r| r["room_id"] == room_id)
        .unwrap_or_else(|| panic!("{room_id} not listed: {page}"))
}

#[test]
fn list_rooms() {
    let s = synapse();
    let (_, token) = s.fresh_user("contract room list");
    let tag = unique("contractlist");
    let (alpha_name, beta_name) = (format!("{tag} alpha"), format!("{tag} beta"));
    // alpha: public and in the directory; beta: private, encrypted, not federated.
    let alpha = create_room(
        &token,
        json!({ "name": alpha_name, "preset": "public_chat", "visibility": "public" }),
    );
    let beta = create_room(
        &token,
        json!({
            "name": beta_name,
            "preset": "private_chat",
            "creation_content": { "m.federate": false },
            "initial_state": [{
                "type": "m.room.encryption", "state_key": "",
                "content": { "algorithm": "m.megolm.v1.aes-sha2" },
            }],
        }),
    );
    // An empty room: its creator left, so the server dropped its current state (no name).
    let empty = create_room(&token, json!({ "name": format!("{tag} gamma") }));
    leave_room(&token, &empty);
    settled_details(&alpha, |r| r["joined_members"] == 1);
    settled_details(&beta, |r| r["encryption"].is_string());
    settled_details(&empty, |r| r["joined_members"] == 0);

    // Two per page: next_batch, then prev_batch, both integers.
    let first = rooms_matching(&tag, |b| b.order_by(types::RoomOrderBy::Name).limit(1));
    assert_eq!(first.total_rooms, 2, "{first:?}");
    assert_eq!((first.offset, first.next_batch, first.prev_batch), (0, Some(1), None));
    assert_eq!(names(&first), [Some(alpha_name.as_str())]);
    let second = rooms_matching(&tag, |b| b.order_by(types::RoomOrderBy::Name).from(1).limit(1));
    assert_eq!((second.offset, second.next_batch, second.prev_batch), (1, None, Some(0)));
    assert_eq!(names(&second), [Some(beta_name.as_str())]);

    // The booleans are JSON booleans on SQLite too; encryption is the algorithm.
    let page = raw(
        "list_rooms",
        "GET",
        &format!("/_synapse/admin/v1/rooms?search_term={}", enc(&tag)),
        None,
    );
    let a = raw_entry(&page, &alpha);
    assert_eq!(
        (&a["public"], &a["federatable"], &a["encryption"]),
        (&json!(true), &json!(true), &Value::Null)
    );
    assert_eq!((&a["join_rules"], &a["joined_members"]), (&json!("public"), &json!(1)));
    let b = raw_entry(&page, &beta);
    assert_eq!(
        (&b["public"], &b["federatable"], &b["encryption"]),
        (&json!(false), &json!(false), &json!("m.megolm.v1.aes-sha2"))
    );
    assert_eq!((&b["version"], &b["room_type"]), (&json!("12"), &Value::Null));

    // Filters: the directory, and empty rooms (found by exact room ID, as it has no name).
    let listed = |page: &types::RoomList, room: &str| page.rooms.iter().any(|r| r.room_id == room);
    let public = ok("list_rooms", admin().list_rooms().public_rooms(true).limit(1000).send());
    assert!(listed(&public, &alpha) && !listed(&public, &beta), "{public:?}");
    assert!(public.rooms.iter().all(|r| r.public), "{public:?}");
    let private = ok("list_rooms", admin().list_rooms().public_rooms(false).limit(1000).send());
    assert!(!listed(&private, &alpha) && listed(&private, &beta), "{private:?}");
    // Synapse 1.163.2 ORs the search term's name and alias matches with the other filters
    // (`name LIKE … OR alias LIKE … OR room_id = … AND is_public …`): a name match ignores
    // public_rooms and empty_rooms.
    let both = rooms_matching(&tag, |b| b.public_rooms(true));
    assert_eq!(both.total_rooms, 2, "{both:?}");
    let non_empty_as_empty = rooms_matching(&tag, |b| b.empty_rooms(true));
    assert_eq!(non_empty_as_empty.total_rooms, 2, "{non_empty_as_empty:?}");
    let reversed = rooms_matching(&tag, |b| b.dir(types::Direction::B));
    assert_eq!(names(&reversed), [Some(beta_name.as_str()), Some(alpha_name.as_str())]);
    let only_empty = rooms_matching(&empty, |b| b.empty_rooms(true));
    assert_eq!(only_empty.rooms.len(), 1, "{only_empty:?}");
    let gone = &only_empty.rooms[0];
    assert_eq!((gone.name.as_deref(), gone.joined_members), (None, 0));
    let raw_empty = raw(
        "list_rooms",
        "GET",
        &format!("/_synapse/admin/v1/rooms?search_term={}&empty_rooms=false", enc(&empty)),
        None,
    );
    assert_eq!(raw_empty["total_rooms"], 0, "{raw_empty}");

    // Every sort order Synapse accepts, including the two deprecated ones.
    use types::RoomOrderBy as By;
    let orders = [
        By::Name,
        By::CanonicalAlias,
        By::JoinedMembers,
        By::JoinedLocalMembers,
        By::Version,
        By::Creator,
        By::Encryption,
        By::Federatable,
        By::Public,
        By::JoinRules,
        By::GuestAccess,
        By::HistoryVisibility,
        By::StateEvents,
        By::Alphabetical,
        By::Size,
    ];
    for order in orders {
        let page = rooms_matching(&tag, |b| b.order_by(order));
        assert_eq!(page.total_rooms, 2, "{order}: {page:?}");
    }
    // public ascending: false before true.
    let by_public = rooms_matching(&tag, |b| b.order_by(types::RoomOrderBy::Public));
    assert_eq!(names(&by_public), [Some(beta_name.as_str()), Some(alpha_name.as_str())]);

    // The whole list, seed rooms included (Abandoned has null state fields).
    let all = raw("list_rooms", "GET", "/_synapse/admin/v1/rooms", None);
    for key in ["general", "project_x", "abandoned", "v12", "v10", "history"] {
        raw_entry(&all, s.seed_str(&format!("/rooms/{key}")));
    }
    assert_eq!(raw_entry(&all, s.seed_str("/rooms/v10"))["version"], "10");
    ok("list_rooms", admin().list_rooms().limit(1000).send());

    let message =
        fails("list_rooms", admin().list_rooms().search_term("").send(), 400, "M_INVALID_PARAM");
    assert!(message.contains("search_term cannot be an empty string"), "{message}");
}

#[test]
fn get_room() {
    let s = synapse();
    let general = s.seed_str("/rooms/general");
    let room = ok("get_room", admin().get_room().room_id(general).send());
    assert_eq!(room.room_id, general);
    assert_eq!(room.name.as_deref(), Some("General"));
    assert_eq!(room.topic.as_deref(), Some("Company-wide chatter"));
    assert_eq!(room.canonical_alias.as_deref(), Some("#general:test.local"));
    assert_eq!((room.joined_members, room.joined_local_members), (Some(3), Some(3)));
    assert_eq!(room.creator.as_deref(), Some("@alice:test.local"));
    assert_eq!(room.version, "12");
    assert!(room.public && room.federatable && !room.forgotten && !room.tombstoned);
    assert!(room.joined_local_devices >= 4, "{room:?}");
    let reply = raw("get_room", "GET", &rooms_path(general, ""), None);
    assert_eq!(
        (&reply["public"], &reply["federatable"], &reply["encryption"]),
        (&json!(true), &json!(true), &Value::Null)
    );
    for key in ["v10", "abandoned"] {
        raw("get_room", "GET", &rooms_path(s.seed_str(&format!("/rooms/{key}")), ""), None);
    }
    assert_eq!(
        ok("get_room", admin().get_room().room_id(s.seed_str("/rooms/v10")).send()).version,
        "10"
    );

    // A tombstoned, encrypted room, and a room every local member left and forgot.
    let (_, token) = s.fresh_user("contract room details");
    let old = create_room(
        &token,
        json!({
            "name": "contract tombstoned",
            "initial_state": [{
                "type": "m.room.encryption", "state_key": "",
                "content": { "algorithm": "m.megolm.v1.aes-sha2" },
            }],
        }),
    );
    let (status, reply) = put_state(
        &token,
        &old,
        "m.room.tombstone",
        "",
        json!({ "body": "moved", "replacement_room": "!successor:test.local" }),
    );
    assert_eq!(status, 200, "{reply}");
    settled_details(&old, |r| r["encryption"].is_string());
    let tombstoned = ok("get_room", admin().get_room().room_id(&old).send());
    assert!(tombstoned.tombstoned);
    assert_eq!(tombstoned.replacement_room.as_deref(), Some("!successor:test.local"));
    assert_eq!(tombstoned.encryption.as_deref(), Some("m.megolm.v1.aes-sha2"));
    raw("get_room", "GET", &rooms_path(&old, ""), None);
    leave_room(&token, &old);
    s.ok_as(
        &token,
        "POST",
        &format!("/_matrix/client/v3/rooms/{}/forget", enc(&old)),
        Some(&json!({})),
    );
    let forgotten = raw("get_room", "GET", &rooms_path(&old, ""), None);
    assert_eq!(forgotten["forgotten"], json!(true), "{forgotten}");
    // (The member counts come from statistics Synapse updates in the background.)

    let message =
        fails_not_found("get_room", admin().get_room().room_id("!no-such-room:test.local").send());
    assert_eq!(message, "Room not found");
}

#[test]
fn delete_room_v1() {
    let s = synapse();
    let (user, token) = s.fresh_user("contract delete v1");
    let alias_name = unique("contract-delete-v1");
    let room = create_room(
        &token,
        json!({ "name": "contract delete v1", "preset": "public_chat", "room_alias_name": alias_name }),
    );
    let result = ok(
        "delete_room_v1",
        admin()
            .delete_room_v1()
            .room_id(&room)
            .body(types::DeleteRoomRequest {
                block: Some(true),
                new_room_user_id: Some(user.clone()),
                room_name: Some("contract new room".into()),
                message: Some("This room was shut down.".into()),
                ..Default::default()
            })
            .send(),
    );
    assert_eq!(result.kicked_users, [user.as_str()]);
    assert!(result.failed_to_kick_users.is_empty());
    assert_eq!(result.local_aliases, [format!("#{alias_name}:{}", s.server_name)]);
    let new_room = result.new_room_id.expect("a new room");
    // Purged and blocked; the members and the alias moved to the new room.
    fails_not_found("get_room", admin().get_room().room_id(&room).send());
    let block = ok("get_room_block_status", admin().get_room_block_status().room_id(&room).send());
    assert_eq!((block.block, block.user_id.as_deref()), (true, Some(s.admin_user.as_str())));
    let moved = ok("list_room_members", admin().list_room_members().room_id(&new_room).send());
    assert!(moved.members.contains(&user), "{moved:?}");

    // `{}`: purge without replacement room; new_room_id is null.
    let other = create_room(&token, json!({ "name": "contract delete v1 raw" }));
    let reply = raw("delete_room_v1", "DELETE", &rooms_path(&other, ""), Some(json!({})));
    assert_eq!(
        reply,
        json!({ "kicked_users": [user], "failed_to_kick_users": [], "local_aliases": [], "new_room_id": null })
    );

    // (A room the server does not know is "deleted" without any check.)
    let third = create_room(&token, json!({ "name": "contract delete v1 refused" }));
    let message = fails(
        "delete_room_v1",
        admin()
            .delete_room_v1()
            .room_id(&third)
            .body(types::DeleteRoomRequest {
                new_room_user_id: Some(REMOTE_USER.into()),
                ..Default::default()
            })
            .send(),
        400,
        "M_UNKNOWN",
    );
    assert!(message.contains("User must be our own"), "{message}");
    // No body at all is not JSON to Synapse.
    admin_error("delete_room_v1", "DELETE", &rooms_path(&other, ""), None, 400, "M_NOT_JSON");
}

/// Polls the deletion task `delete_id` until it ends, checking every state against the spec.
fn wait_for_deletion(delete_id: &str) -> types::DeleteRoomTask {
    poll("the room deletion finishes", Duration::from_secs(60), || {
        let task = ok("get_delete_status", admin().get_delete_status().delete_id(delete_id).send());
        assert_eq!(task.delete_id, delete_id);
        (!matches!(
            task.status,
            types::DeleteRoomTaskStatus::Scheduled | types::DeleteRoomTaskStatus::Active
        ))
        .then_some(task)
    })
}

#[test]
fn delete_room_v2() {
    let s = synapse();
    let (user, token) = s.fresh_user("contract delete v2");
    let room = create_room(&token, json!({ "name": "contract delete v2" }));
    let started = ok(
        "delete_room_v2",
        admin()
            .delete_room_v2()
            .room_id(&room)
            .body(types::DeleteRoomRequest {
                block: Some(false),
                purge: Some(true),
                ..Default::default()
            })
            .send(),
    );
    let done = wait_for_deletion(&started.delete_id);
    assert_eq!(done.status, types::DeleteRoomTaskStatus::Complete);
    assert_eq!(done.room_id, room);
    let shutdown = done.shutdown_room.expect("the shutdown result");
    assert_eq!(shutdown.kicked_users, [user]);
    assert_eq!(shutdown.new_room_id, None);
    fails_not_found("get_room", admin().get_room().room_id(&room).send());

    let other = create_room(&token, json!({ "name": "contract delete v2 raw" }));
    let reply = raw(
        "delete_room_v2",
        "DELETE",
        &format!("/_synapse/admin/v2/rooms/{}", enc(&other)),
        Some(json!({ "block": true, "force_purge": true })),
    );
    let id = reply["delete_id"].as_str().expect("delete_id");
    assert_eq!(wait_for_deletion(id).status, types::DeleteRoomTaskStatus::Complete);

    let message = fails(
        "delete_room_v2",
        admin()
            .delete_room_v2()
            .room_id("not-a-room-id")
            .body(types::DeleteRoomRequest::default())
            .send(),
        400,
        "M_UNKNOWN",
    );
    assert!(message.contains("is not a legal room ID"), "{message}");
    admin_error(
        "delete_room_v2",
        "DELETE",
        &format!("/_synapse/admin/v2/rooms/{}", enc(&other)),
        Some(json!({ "block": "yes" })),
        400,
        "M_BAD_JSON",
    );
}

#[test]
fn get_delete_status() {
    let s = synapse();
    let (user, token) = s.fresh_user("contract delete status");
    let alias_name = unique("contract-delete-status");
    let room = create_room(
        &token,
        json!({ "name": "contract delete status", "room_alias_name": alias_name }),
    );
    let reply = s.admin_ok(
        "DELETE",
        &format!("/_synapse/admin/v2/rooms/{}", enc(&room)),
        Some(&json!({ "new_room_user_id": user.clone(), "room_name": "contract successor" })),
    );
    let id = reply["delete_id"].as_str().expect("delete_id").to_string();
    let done = wait_for_deletion(&id);
    assert_eq!(done.status, types::DeleteRoomTaskStatus::Complete);
    let shutdown = done.shutdown_room.expect("the shutdown result");
    assert_eq!(shutdown.kicked_users, [user]);
    assert_eq!(shutdown.local_aliases, [format!("#{alias_name}:{}", s.server_name)]);
    assert!(shutdown.new_room_id.is_some());
    let reply = raw(
        "get_delete_status",
        "GET",
        &format!("/_synapse/admin/v2/rooms/delete_status/{}", enc(&id)),
        None,
    );
    assert_eq!(reply["status"], "complete");
    // Synapse 1.163.2 sends no `error` field (the docs promise one for failed tasks).
    assert!(reply.get("error").is_none(), "{reply}");

    let message = fails_not_found(
        "get_delete_status",
        admin().get_delete_status().delete_id("no-such-task").send(),
    );
    assert_eq!(message, "delete id 'no-such-task' not found");
}

#[test]
fn get_delete_status_by_room() {
    let s = synapse();
    let (user, token) = s.fresh_user("contract delete by room");
    let room = create_room(&token, json!({ "name": "contract delete by room" }));
    let reply =
        s.admin_ok("DELETE", &format!("/_synapse/admin/v2/rooms/{}", enc(&room)), Some(&json!({})));
    let id = reply["delete_id"].as_str().expect("delete_id").to_string();
    wait_for_deletion(&id);
    let tasks =
        ok("get_delete_status_by_room", admin().get_delete_status_by_room().room_id(&room).send());
    assert_eq!(tasks.results.len(), 1, "{tasks:?}");
    let task = &tasks.results[0];
    assert_eq!(
        (task.delete_id.as_str(), task.room_id.as_str(), task.status),
        (id.as_str(), room.as_str(), types::DeleteRoomTaskStatus::Complete)
    );
    assert_eq!(task.shutdown_room.as_ref().map(|r| r.kicked_users.clone()), Some(vec![user]));
    raw(
        "get_delete_status_by_room",
        "GET",
        &format!("/_synapse/admin/v2/rooms/{}/delete_status", enc(&room)),
        None,
    );

    let general = s.seed_str("/rooms/general");
    let message = fails_not_found(
        "get_delete_status_by_room",
        admin().get_delete_status_by_room().room_id(general).send(),
    );
    assert!(message.starts_with("No delete task for room_id"), "{message}");
    admin_error(
        "get_delete_status_by_room",
        "GET",
        "/_synapse/admin/v2/rooms/not-a-room-id/delete_status",
        None,
        400,
        "M_UNKNOWN",
    );
}

#[test]
fn list_room_members() {
    let s = synapse();
    let general = s.seed_str("/rooms/general");
    let members = ok("list_room_members", admin().list_room_members().room_id(general).send());
    let mut sorted = members.members.clone();
    sorted.sort();
    assert_eq!(sorted, ["@alice:test.local", "@bob:test.local", "@carol:test.local"]);
    assert_eq!(members.total, 3);
    raw("list_room_members", "GET", &rooms_path(general, "/members"), None);
    let abandoned = s.seed_str("/rooms/abandoned");
    assert_eq!(
        raw("list_room_members", "GET", &rooms_path(abandoned, "/members"), None),
        json!({ "members": [], "total": 0 })
    );

    let message = fails_not_found(
        "list_room_members",
        admin().list_room_members().room_id("!no-such-room:test.local").send(),
    );
    assert_eq!(message, "Room not found");
}

#[test]
fn get_room_state() {
    let s = synapse();
    let v12 = s.seed_str("/rooms/v12");
    let state = ok("get_room_state", admin().get_room_state().room_id(v12).send());
    let create = state.state.iter().find(|e| e.type_ == "m.room.create").expect("m.room.create");
    assert_eq!(create.sender, "@carol:test.local");
    assert_eq!(create.user_id, create.sender);
    assert_eq!(create.state_key.as_deref(), Some(""));
    assert_eq!(create.content["room_version"], "12");
    assert_eq!(create.content["additional_creators"], json!(["@dave:test.local"]));
    raw("get_room_state", "GET", &rooms_path(v12, "/state"), None);

    // One type only: the power levels, where neither creator appears.
    let levels = ok(
        "get_room_state",
        admin().get_room_state().room_id(v12).type_("m.room.power_levels").send(),
    );
    assert_eq!(levels.state.len(), 1, "{levels:?}");
    assert_eq!(levels.state[0].content["users"], json!({ "@bob:test.local": 50 }));

    // A replaced state event carries replaces_state at the top level too.
    let (_, token) = s.fresh_user("contract room state");
    let room = create_room(&token, json!({ "name": "contract state before" }));
    let (status, reply) =
        put_state(&token, &room, "m.room.name", "", json!({ "name": "contract state after" }));
    assert_eq!(status, 200, "{reply}");
    let named = raw("get_room_state", "GET", &rooms_path(&room, "/state?type=m.room.name"), None);
    let event = &named["state"][0];
    assert_eq!(event["content"], json!({ "name": "contract state after" }));
    assert!(event["replaces_state"].is_string(), "{named}");
    // Once a client has paged over the event (which loads it with its previous content into
    // Synapse's event cache), the admin API's copy carries prev_content too.
    s.ok_as(
        &token,
        "GET",
        &format!("/_matrix/client/v3/rooms/{}/messages?dir=b", enc(&room)),
        None,
    );
    let named =
        ok("get_room_state", admin().get_room_state().room_id(&room).type_("m.room.name").send());
    assert_eq!(
        named.state[0].prev_content.get("name"),
        Some(&json!("contract state before")),
        "{named:?}"
    );
    // Nothing stops a member from sending m.room.redaction as a state event; the state then
    // shows its `redacts` at the top level as well.
    let message = send_text(&token, &room, "contract state redacted");
    let (status, reply) =
        put_state(&token, &room, "m.room.redaction", "", json!({ "redacts": message }));
    assert_eq!(status, 200, "{reply}");
    let redaction = ok(
        "get_room_state",
        admin().get_room_state().room_id(&room).type_("m.room.redaction").send(),
    );
    assert_eq!(redaction.state[0].redacts.as_deref(), Some(message.as_str()), "{redaction:?}");
    // A room the server has left has no current state.
    assert_eq!(
        raw("get_room_state", "GET", &rooms_path(s.seed_str("/rooms/abandoned"), "/state"), None),
        json!({ "state": [] })
    );

    fails_not_found(
        "get_room_state",
        admin().get_room_state().room_id("!no-such-room:test.local").send(),
    );
}

#[test]
fn get_room_block_status() {
    let s = synapse();
    // Any well-formed room ID works, known to the server or not.
    let room = format!("!{}:{}", unique("contract-block-status"), s.server_name);
    let status = ok("get_room_block_status", admin().get_room_block_status().room_id(&room).send());
    assert_eq!((status.block, status.user_id), (false, None));
    assert_eq!(
        raw("get_room_block_status", "GET", &rooms_path(&room, "/block"), None),
        json!({ "block": false })
    );
    let (code, reply) =
        s.admin_request("PUT", &rooms_path(&room, "/block"), Some(&json!({ "block": true })));
    assert_eq!(code, 200, "{reply}");
    assert_eq!(
        raw("get_room_block_status", "GET", &rooms_path(&room, "/block"), None),
        json!({ "block": true, "user_id": s.admin_user })
    );

    let message = fails(
        "get_room_block_status",
        admin().get_room_block_status().room_id("not-a-room-id").send(),
        400,
        "M_UNKNOWN",
    );
    assert_eq!(message, "not-a-room-id is not a legal room ID");
}

#[test]
fn block_room() {
    let s = synapse();
    let (_, token) = s.fresh_user("contract block");
    let room = create_room(&token, json!({ "name": "contract block" }));
    let blocked = ok(
        "block_room",
        admin().block_room().room_id(&room).body(types::BlockRoomRequest { block: true }).send(),
    );
    assert_eq!((blocked.block, blocked.user_id), (true, None));
    // Blocked: even its own member cannot join again after leaving.
    leave_room(&token, &room);
    let (status, reply) = s.request_as(
        &token,
        "POST",
        &format!("/_matrix/client/v3/join/{}", enc(&room)),
        Some(&json!({})),
    );
    assert_eq!(status, 403, "{reply}");
    assert_eq!(
        (&reply["errcode"], &reply["error"]),
        (&json!("M_UNKNOWN"), &json!("This room has been blocked on this server"))
    );
    assert_eq!(
        raw("block_room", "PUT", &rooms_path(&room, "/block"), Some(json!({ "block": false }))),
        json!({ "block": false })
    );
    assert!(
        !ok("get_room_block_status", admin().get_room_block_status().room_id(&room).send()).block
    );

    fails(
        "block_room",
        admin()
            .block_room()
            .room_id("not-a-room-id")
            .body(types::BlockRoomRequest { block: true })
            .send(),
        400,
        "M_UNKNOWN",
    );
    for (body, errcode) in
        [(json!({}), "M_MISSING_PARAM"), (json!({ "block": "yes" }), "M_BAD_JSON")]
    {
        admin_error("block_room", "PUT", &rooms_path(&room, "/block"), Some(body), 400, errcode);
    }
}

#[test]
fn join_user_to_room() {
    let s = synapse();
    let (_, owner) = s.fresh_user("contract join owner");
    let alias_name = unique("contract-join");
    let alias = format!("#{alias_name}:{}", s.server_name);
    let room = create_room(
        &owner,
        json!({ "name": "contract join", "preset": "public_chat", "room_alias_name": alias_name }),
    );
    // By alias through the generated client: `#` must reach Synapse as %23.
    let (joiner, _) = s.fresh_user("contract joiner");
    let joined = ok(
        "join_user_to_room",
        admin()
            .join_user_to_room()
            .room_id_or_alias(&alias)
            .body(types::JoinRoomRequest { user_id: joiner.clone() })
            .send(),
    );
    assert_eq!(joined.room_id, room);
    let (second, _) = s.fresh_user("contract joiner");
    assert_eq!(
        raw(
            "join_user_to_room",
            "POST",
            &format!("/_synapse/admin/v1/join/{}", enc(&room)),
            Some(json!({ "user_id": second })),
        ),
        json!({ "room_id": room })
    );
    let members = ok("list_room_members", admin().list_room_members().room_id(&room).send());
    assert!(members.members.contains(&joiner) && members.members.contains(&second), "{members:?}");

    // A private room the admin is not in: Synapse cannot invite (make-admin first).
    let private = create_room(&owner, json!({ "name": "contract join private" }));
    let (third, _) = s.fresh_user("contract joiner");
    let message = fails(
        "join_user_to_room",
        admin()
            .join_user_to_room()
            .room_id_or_alias(&private)
            .body(types::JoinRoomRequest { user_id: third })
            .send(),
        403,
        "M_FORBIDDEN",
    );
    assert_eq!(message, format!("{} not in room {private}.", s.admin_user));
    let path = format!("/_synapse/admin/v1/join/{}", enc(&room));
    for (user, status, errcode) in
        [(unknown_user(), 404, "M_NOT_FOUND"), (REMOTE_USER.to_string(), 400, "M_UNKNOWN")]
    {
        let body = Some(json!({ "user_id": user }));
        admin_error("join_user_to_room", "POST", &path, body, status, errcode);
    }
}

#[test]
fn make_room_admin() {
    let s = synapse();
    let (_, creator) = s.fresh_user("contract make admin");
    let alias_name = unique("contract-make-admin");
    let room = create_room(
        &creator,
        json!({ "name": "contract make admin", "preset": "private_chat", "room_alias_name": alias_name }),
    );
    // The calling admin by default (body `{}`), addressed by alias.
    let alias = format!("#{alias_name}:{}", s.server_name);
    let reply = ok("make_room_admin", admin().make_room_admin().room_id_or_alias(&alias).send());
    assert!(reply.is_empty(), "{reply:?}");
    assert_eq!(power_levels(&room)["users"], json!({ s.admin_user.clone(): 100 }));
    // ...invited, as the room is private.
    let state =
        ok("get_room_state", admin().get_room_state().room_id(&room).type_("m.room.member").send());
    assert!(
        state.state.iter().any(|e| {
            e.state_key.as_deref() == Some(s.admin_user.as_str())
                && e.content["membership"] == "invite"
        }),
        "{state:?}"
    );
    let (other, _) = s.fresh_user("contract make admin target");
    assert_eq!(
        raw(
            "make_room_admin",
            "POST",
            &rooms_path(&room, "/make_room_admin"),
            Some(json!({ "user_id": other })),
        ),
        json!({})
    );
    assert_eq!(power_levels(&room)["users"][&other], 100);
    // The target is not checked: a user who does not exist gets the level too.
    let nobody = unknown_user();
    make_admin(&room, &nobody);
    assert_eq!(power_levels(&room)["users"][&nobody], 100);

    let message = fails_not_found(
        "make_room_admin",
        admin()
            .make_room_admin()
            .room_id_or_alias(format!("#no-such-alias:{}", s.server_name))
            .send(),
    );
    assert!(message.contains("not found"), "{message}");
    admin_error(
        "make_room_admin",
        "POST",
        &rooms_path(s.seed_str("/rooms/abandoned"), "/make_room_admin"),
        Some(json!({})),
        400,
        "M_UNKNOWN",
    );
}

/// Sends `make_room_admin` for `target` in `room` through the generated client and returns
/// the Matrix error message it must fail with (400 M_UNKNOWN).
fn make_admin_refused(room: &str, target: &str) -> String {
    fails(
        "make_room_admin",
        admin()
            .make_room_admin()
            .room_id_or_alias(room)
            .body(types::MakeRoomAdminRequest { user_id: Some(target.into()) })
            .send(),
        400,
        "M_UNKNOWN",
    )
}

fn make_admin(room: &str, target: &str) {
    let reply = ok(
        "make_room_admin",
        admin()
            .make_room_admin()
            .room_id_or_alias(room)
            .body(types::MakeRoomAdminRequest { user_id: Some(target.into()) })
            .send(),
    );
    assert!(reply.is_empty(), "{reply:?}");
}

/// A version 12 room created by a fresh user (`creator`, whose token is `token`) with a second
/// fresh user as an additional creator.
struct V12Room {
    creator: String,
    token: String,
    co_creator: String,
    room: String,
}

fn v12_room_with_two_creators(label: &str) -> V12Room {
    let (creator, token) = synapse().fresh_user(&format!("contract v12 {label}"));
    let (co_creator, _) = synapse().fresh_user(&format!("contract v12 {label} co"));
    let content = json!({ "additional_creators": [co_creator] });
    let body = json!({ "name": format!("contract v12 {label}"), "room_version": "12", "creation_content": content });
    let room = create_room(&token, body);
    V12Room { creator, token, co_creator, room }
}

/// (a) Version 12: a creator (the sender of m.room.create, or one of its
/// `additional_creators`) already has unlimited power and must not be listed in `users`;
/// Synapse refuses with 400 M_UNKNOWN and changes nothing.
#[test]
fn make_room_admin_v12_refuses_creators() {
    let V12Room { creator, co_creator, room, .. } = v12_room_with_two_creators("creators");
    assert_eq!(
        make_admin_refused(&room, &creator),
        format!("Creator user {creator} must not appear in content.users")
    );
    assert_eq!(
        make_admin_refused(&room, &co_creator),
        "Additional creators users must not appear in content.users"
    );
    assert_eq!(power_levels(&room)["users"], json!({}));
}

/// (b) Version 12, a non-creator local user, creator local and joined: Synapse sends the
/// power levels as the creator and gives the target 100 (the creators stay out of `users`).
#[test]
fn make_room_admin_v12_gives_a_non_creator_100() {
    let s = synapse();
    let (creator, token) = s.fresh_user("contract v12 owner");
    let room =
        create_room(&token, json!({ "name": "contract v12 non-creator", "room_version": "12" }));
    let (target, _) = s.fresh_user("contract v12 target");
    make_admin(&room, &target);
    let levels = ok(
        "get_room_state",
        admin().get_room_state().room_id(&room).type_("m.room.power_levels").send(),
    );
    let event = &levels.state[0];
    assert_eq!(event.sender, creator);
    assert_eq!(event.content["users"], json!({ target.clone(): 100 }));
    // Invited (the room is private), not joined.
    let members = ok("list_room_members", admin().list_room_members().room_id(&room).send());
    assert_eq!(members.members, [creator]);
}

/// (c) Version 10: the creator is an ordinary `users` entry (100); making the creator admin
/// again is accepted, and a non-creator gets the creator's level.
#[test]
fn make_room_admin_v10_works_for_creator_and_others() {
    let s = synapse();
    let (creator, token) = s.fresh_user("contract v10 owner");
    let room = create_room(&token, json!({ "name": "contract v10", "room_version": "10" }));
    assert_eq!(power_levels(&room)["users"], json!({ creator.clone(): 100 }));
    make_admin(&room, &creator);
    let (target, _) = s.fresh_user("contract v10 target");
    make_admin(&room, &target);
    assert_eq!(power_levels(&room)["users"], json!({ creator: 100, target: 100 }));
    let details = ok("get_room", admin().get_room().room_id(&room).send());
    assert_eq!(details.version, "10");
}

/// (d) No joined local user with power: 400 M_UNKNOWN, whatever the room version.
#[test]
fn make_room_admin_needs_a_joined_local_user_with_power() {
    let s = synapse();
    let (target, _) = s.fresh_user("contract powerless target");

    // Version 12: the creator left; the remaining member has no power.
    let (_, creator) = s.fresh_user("contract v12 leaver");
    let (member, member_token) = s.fresh_user("contract v12 stayer");
    let v12 = create_room(
        &creator,
        json!({ "name": "contract v12 left", "room_version": "12", "preset": "public_chat" }),
    );
    join_room(&member_token, &v12);
    leave_room(&creator, &v12);
    assert_eq!(make_admin_refused(&v12, &target), "No local admin user in room");

    // Version 10: the only user with power lowered themselves to 0.
    let (_, owner) = s.fresh_user("contract v10 abdicator");
    let v10 =
        create_room(&owner, json!({ "name": "contract v10 powerless", "room_version": "10" }));
    let (status, reply) = put_state(&owner, &v10, "m.room.power_levels", "", {
        let mut levels = power_levels(&v10);
        levels["users"] = json!({});
        levels
    });
    assert_eq!(status, 200, "{reply}");
    assert_eq!(make_admin_refused(&v10, &target), "No local admin user in room");

    // Version 10: the joined local user in `users` has too little power to change them.
    let (_, owner) = s.fresh_user("contract v10 weak");
    let weak = create_room(
        &owner,
        json!({ "name": "contract v10 weak", "room_version": "10", "preset": "public_chat" }),
    );
    join_room(&member_token, &weak);
    let (status, reply) = put_state(&owner, &weak, "m.room.power_levels", "", {
        let mut levels = power_levels(&weak);
        levels["users"] = json!({ member.clone(): 50 });
        levels
    });
    assert_eq!(status, 200, "{reply}");
    assert_eq!(
        make_admin_refused(&weak, &target),
        "No local admin user in room with power to update power levels."
    );

    // Every local user left: the server is no longer in the room.
    assert_eq!(make_admin_refused(s.seed_str("/rooms/abandoned"), &target), "Server not in room");
}

/// Setting power levels by hand in a version 12 room: listing a creator is refused the same
/// way (the client API, as the room's creator).
#[test]
fn power_levels_listing_a_v12_creator_are_refused() {
    let V12Room { creator, token, co_creator, room } = v12_room_with_two_creators("levels");
    let mut levels = power_levels(&room);
    levels["users"] = json!({ creator.clone(): 100 });
    let (status, reply) = put_state(&token, &room, "m.room.power_levels", "", levels.clone());
    assert_eq!((status, &reply["errcode"]), (400, &json!("M_UNKNOWN")), "{reply}");
    assert_eq!(reply["error"], format!("Creator user {creator} must not appear in content.users"));
    levels["users"] = json!({ co_creator: 100 });
    let (status, reply) = put_state(&token, &room, "m.room.power_levels", "", levels);
    assert_eq!((status, &reply["errcode"]), (400, &json!("M_UNKNOWN")), "{reply}");
    assert_eq!(reply["error"], "Additional creators users must not appear in content.users");
}

/// Room IDs and aliases in paths: `#` is percent-encoded, `!` and `:` are sent as they are, and
/// version 12 room IDs (no server part) pass unchanged.
#[test]
fn room_ids_and_aliases_go_out_as_synapse_expects() {
    assert_request_line!(
        |c| c.make_room_admin().room_id_or_alias("#general:test.local"),
        "POST /_synapse/admin/v1/rooms/%23general:test.local/make_room_admin HTTP/1.1",
    );
    assert_request_line!(
        |c| c
            .join_user_to_room()
            .room_id_or_alias("#a/b?c:test.local")
            .body(types::JoinRoomRequest { user_id: "@u:test.local".into() }),
        "POST /_synapse/admin/v1/join/%23a%2Fb%3Fc:test.local HTTP/1.1",
    );
    assert_request_line!(
        |c| c.get_room().room_id("!O4HNx2SyjPxfFW9KFx1cEib4y8l5fCqZEzwzQusT4EE"),
        "GET /_synapse/admin/v1/rooms/!O4HNx2SyjPxfFW9KFx1cEib4y8l5fCqZEzwzQusT4EE HTTP/1.1",
    );
    assert_request_line!(
        |c| c
            .list_rooms()
            .search_term("a b&c")
            .order_by(types::RoomOrderBy::JoinedLocalMembers)
            .dir(types::Direction::B)
            .empty_rooms(false)
            .from(4)
            .limit(2),
        "GET /_synapse/admin/v1/rooms?dir=b&empty_rooms=false&from=4&limit=2\
         &order_by=joined_local_members&search_term=a+b%26c HTTP/1.1",
    );
}
