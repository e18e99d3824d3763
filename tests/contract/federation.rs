//! Operations tagged `federation`. The test server does not federate, so a failing
//! destination is the row its federation sender would write (inserted directly); the
//! operations read and reset it through the admin API.

use crate::support::*;
use serde_json::json;
use synadm::api::types;

/// A fresh failing destination's name.
fn failing_destination() -> String {
    let name = format!("{}.invalid", unique("contractfed"));
    let now = 1_800_000_000_000i64;
    synapse().sql(&format!(
        "INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts, \
         last_successful_stream_ordering) VALUES ('{name}', {now}, 60000, {}, NULL)",
        now - 1000
    ));
    name
}

#[test]
fn destinations() {
    let name = failing_destination();
    let page = ok(
        "list_destinations",
        admin()
            .list_destinations()
            .destination(&name)
            .order_by(types::DestinationOrderBy::FailureTs)
            .dir(types::Direction::B)
            .send(),
    );
    assert_eq!(page.total, 1);
    let d = &page.destinations[0];
    assert_eq!(
        (d.destination.as_str(), d.retry_interval, d.failure_ts, d.last_successful_stream_ordering),
        (name.as_str(), 60000, Some(1_799_999_999_000), None)
    );
    raw(
        "list_destinations",
        "GET",
        "/_synapse/admin/v1/federation/destinations?limit=1&order_by=retry_last_ts",
        None,
    );
    let one = ok("get_destination", admin().get_destination().destination(&name).send());
    assert_eq!(one.retry_last_ts, 1_800_000_000_000);
    raw(
        "get_destination",
        "GET",
        &format!("/_synapse/admin/v1/federation/destinations/{name}"),
        None,
    );
    fails_not_found(
        "get_destination",
        admin().get_destination().destination("never.seen.invalid").send(),
    );
}

#[test]
fn destination_rooms_and_reset() {
    let name = failing_destination();
    let rooms = ok(
        "list_destination_rooms",
        admin().list_destination_rooms().destination(&name).limit(10).send(),
    );
    assert_eq!((rooms.rooms.len(), rooms.total), (0, 0));
    // Two rooms shared with it (the rows the federation sender keeps), one a page.
    let (_, token) = synapse().fresh_user("contract shared rooms");
    let shared: Vec<(String, i64)> = [5, 6]
        .into_iter()
        .map(|at| (create_room(&token, json!({"name": "contract shared"})), at))
        .collect();
    for (room, at) in &shared {
        synapse().sql(&format!(
            "INSERT INTO destination_rooms (destination, room_id, stream_ordering) \
             VALUES ('{name}', '{room}', {at})"
        ));
    }
    let first = ok(
        "list_destination_rooms",
        admin().list_destination_rooms().destination(&name).limit(1).send(),
    );
    assert_eq!((first.total, first.next_token.as_deref()), (2, Some("1")));
    let listed = (first.rooms[0].room_id.clone(), first.rooms[0].stream_ordering);
    assert!(shared.contains(&listed), "{listed:?} of {shared:?}");
    raw(
        "list_destination_rooms",
        "GET",
        &format!("/_synapse/admin/v1/federation/destinations/{name}/rooms?dir=b"),
        None,
    );
    fails_not_found(
        "list_destination_rooms",
        admin().list_destination_rooms().destination("never.seen.invalid").send(),
    );
    let reset = ok(
        "reset_destination_connection",
        admin().reset_destination_connection().destination(&name).send(),
    );
    assert!(reset.is_empty(), "{reset:?}");
    let after = raw(
        "get_destination",
        "GET",
        &format!("/_synapse/admin/v1/federation/destinations/{name}"),
        None,
    );
    assert_eq!(
        (&after["failure_ts"], &after["retry_last_ts"], &after["retry_interval"]),
        (&json!(null), &json!(0), &json!(0))
    );
    let message = fails(
        "reset_destination_connection",
        admin().reset_destination_connection().destination(&name).send(),
        400,
        "M_UNKNOWN",
    );
    assert!(message.contains("does not need to be reset"), "{message}");
    admin_error(
        "reset_destination_connection",
        "POST",
        "/_synapse/admin/v1/federation/destinations/never.seen.invalid/reset_connection",
        None,
        404,
        "M_NOT_FOUND",
    );
}
