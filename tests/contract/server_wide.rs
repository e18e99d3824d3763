//! Operations tagged `server`: scheduled tasks, background updates, statistics.

use crate::support::*;
use serde_json::json;
use synadm::api::types;

#[test]
fn list_scheduled_tasks() {
    let s = synapse();
    let (_, token) = s.fresh_user("contract tasks");
    let room = create_room(&token, json!({"name": "contract task"}));
    s.admin_ok("DELETE", &format!("/_synapse/admin/v2/rooms/{}", enc(&room)), Some(&json!({})));
    let task = poll("the deletion task", std::time::Duration::from_secs(30), || {
        let page = ok(
            "list_scheduled_tasks",
            admin()
                .list_scheduled_tasks()
                .resource_id(&room)
                .action_name(vec!["shutdown_and_purge_room".to_string()])
                .send(),
        );
        page.scheduled_tasks.into_iter().find(|t| t.status == types::TaskStatus::Complete)
    });
    assert_eq!(task.resource_id.as_deref(), Some(room.as_str()));
    assert!(task.error.is_none() && task.timestamp_ms > 1_700_000_000_000, "{task:?}");
    let none = ok(
        "list_scheduled_tasks",
        admin()
            .list_scheduled_tasks()
            .resource_id(&room)
            .status(vec![types::TaskStatus::Failed, types::TaskStatus::Cancelled])
            .max_timestamp(1)
            .send(),
    );
    assert!(none.scheduled_tasks.is_empty());
    raw(
        "list_scheduled_tasks",
        "GET",
        &format!(
            "/_synapse/admin/v1/scheduled_tasks?resource_id={}&job_status=complete",
            enc(&room)
        ),
        None,
    );
}

#[test]
fn background_updates() {
    let enabled =
        ok("get_background_updates_enabled", admin().get_background_updates_enabled().send());
    assert_eq!(enabled.enabled, Some(true));
    let status =
        ok("get_background_updates_status", admin().get_background_updates_status().send());
    assert!(status.enabled);
    let body =
        |on| types::BackgroundUpdatesEnabled { enabled: Some(on), extra: Default::default() };
    let off = ok(
        "set_background_updates_enabled",
        admin().set_background_updates_enabled().body(body(false)).send(),
    );
    assert_eq!(off.enabled, Some(false));
    // `{}` means true.
    assert_eq!(
        raw(
            "set_background_updates_enabled",
            "POST",
            "/_synapse/admin/v1/background_updates/enabled",
            Some(json!({}))
        ),
        json!({"enabled": true})
    );
    raw(
        "get_background_updates_status",
        "GET",
        "/_synapse/admin/v1/background_updates/status",
        None,
    );
    raw(
        "get_background_updates_enabled",
        "GET",
        "/_synapse/admin/v1/background_updates/enabled",
        None,
    );
    let start = |job| types::StartJobRequest { job_name: job, old_key: None, before_ts: None };
    // (Each contract run has a server of its own: the job is not queued yet.)
    ok(
        "start_background_job",
        admin()
            .start_background_job()
            .body(start(types::BackgroundJob::RegenerateDirectory))
            .send(),
    );
    admin_error(
        "start_background_job",
        "POST",
        "/_synapse/admin/v1/background_updates/start_job",
        Some(json!({"job_name": "no_such_job"})),
        400,
        "M_UNKNOWN",
    );
}

#[test]
fn statistics() {
    let s = synapse();
    let (user, token) = s.fresh_user("contract stats");
    upload(&token, "contract-stats.json");
    let page = ok(
        "list_user_media_statistics",
        admin()
            .list_user_media_statistics()
            .search_term(localpart(&user))
            .order_by(types::MediaStatsOrderBy::MediaLength)
            .dir(types::Direction::B)
            .send(),
    );
    assert_eq!(page.total, 1);
    assert_eq!((page.users[0].user_id.as_str(), page.users[0].media_count), (user.as_str(), 1));
    raw(
        "list_user_media_statistics",
        "GET",
        "/_synapse/admin/v1/statistics/users/media?limit=2&from_ts=0",
        None,
    );
    let message = fails(
        "list_user_media_statistics",
        admin().list_user_media_statistics().from_ts(10).until_ts(5).send(),
        400,
        "M_INVALID_PARAM",
    );
    assert!(!message.is_empty());
    if s.db == "postgres" {
        // The estimate reads PostgreSQL's most common room per table and fails (500) where a
        // table has none: event_edges.room_id is no longer written. A busy room, and that
        // column filled as on an older database, then analysed.
        let (_, a) = s.fresh_user("contract busy");
        let (b, b_token) = s.fresh_user("contract busy");
        let room = create_room(&a, json!({"name": "contract busy", "invite": [b]}));
        join_room(&b_token, &room);
        for i in 0..30 {
            send_text(&a, &room, &format!("busy {i}"));
        }
        s.sql(
            "UPDATE event_edges SET room_id = \
             (SELECT room_id FROM events WHERE events.event_id = event_edges.event_id)",
        );
        s.sql("ANALYZE");
        let rooms = ok("list_largest_rooms", admin().list_largest_rooms().send());
        assert!(!rooms.rooms.is_empty());
        raw("list_largest_rooms", "GET", "/_synapse/admin/v1/statistics/database/rooms", None);
    } else {
        let message =
            fails("list_largest_rooms", admin().list_largest_rooms().send(), 400, "M_UNKNOWN");
        assert_eq!(message, "Endpoint requires using PostgreSQL");
    }
}
