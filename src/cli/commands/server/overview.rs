//! `server overview`: how the server is doing, on one screen. Each section is a few requests
//! (totals of the list endpoints, never a walk through every user); the sections run through
//! the bulk engine, four at a time; a section the server refuses is marked unavailable with
//! the reason, the others still show, and the exit code says whether all were available.

use crate::cli::kit::bulk;
use crate::cli::kit::prelude::*;
use crate::cli::kit::stderr::counted;
use serde_json::{Value, json};
use synadm::output::human_size;

#[derive(Debug, clap::Args)]
pub struct OverviewArgs {}

/// The sections, in the order they are shown.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Section {
    Version,
    Users,
    Rooms,
    Media,
    Reports,
    Federation,
    BackgroundUpdates,
    ScheduledTasks,
}

impl Section {
    const ALL: [Section; 8] = [
        Section::Version,
        Section::Users,
        Section::Rooms,
        Section::Media,
        Section::Reports,
        Section::Federation,
        Section::BackgroundUpdates,
        Section::ScheduledTasks,
    ];

    fn key(self) -> &'static str {
        match self {
            Section::Version => "version",
            Section::Users => "users",
            Section::Rooms => "rooms",
            Section::Media => "media",
            Section::Reports => "reports",
            Section::Federation => "federation",
            Section::BackgroundUpdates => "background_updates",
            Section::ScheduledTasks => "scheduled_tasks",
        }
    }
}

/// How many of the largest / newest / failing things each section names.
const TOP: i64 = 5;
/// Failed tasks count as recent for this long.
const RECENT_MS: i64 = 7 * 24 * 3600 * 1000;
/// Uploaders summed for the media total at the most (pages of 1000); past it the total is a
/// lower bound.
const MEDIA_PAGES: usize = 10;
/// Shadow-banned users counted at the most (they are listed first when sorted so).
const SHADOW_BANNED_PAGES: usize = 10;

fn tree<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or_default()
}

/// A users total with the filters `with` sets (one user asked for; the total is the answer).
async fn users_total(
    ctx: &Ctx,
    with: impl FnOnce(synadm::api::builder::ListUsers<'_>) -> synadm::api::builder::ListUsers<'_>,
) -> Result<i64, Error> {
    Ok(call(with(ctx.client.list_users().limit(1)).send()).await?.total)
}

async fn users(ctx: &Ctx) -> Result<Value, Error> {
    // The default list: active, unlocked users, guests included.
    let (active, with_deactivated, admins, no_guests, with_locked) = futures::try_join!(
        users_total(ctx, |b| b),
        users_total(ctx, |b| b.deactivated(true)),
        users_total(ctx, |b| b.admins(true)),
        users_total(ctx, |b| b.guests(false)),
        users_total(ctx, |b| b.locked(true)),
    )?;
    // Shadow-banned users have no filter: sorted so, they come first; count until the first
    // who is not (bounded by their number, not everyone's).
    let mut shadow_banned = 0;
    let mut from = 0;
    for _ in 0..SHADOW_BANNED_PAGES {
        let ask = ctx.client.list_users().from(from).limit(1000);
        let page =
            call(ask.order_by(types::UserOrderBy::ShadowBanned).dir(types::Direction::B).send())
                .await?;
        let banned = page.users.iter().take_while(|u| u.shadow_banned).count();
        shadow_banned += banned;
        if banned < page.users.len() || page.next_token.is_none() {
            break;
        }
        from += page.users.len() as i64;
    }
    Ok(json!({
        "total": with_deactivated,
        "active": active,
        "deactivated": with_deactivated - active,
        "admins": admins,
        "guests": active - no_guests,
        "locked": with_locked - active,
        "shadow_banned": shadow_banned,
    }))
}

async fn rooms(ctx: &Ctx) -> Result<Value, Error> {
    let by_state = ctx.client.list_rooms().limit(TOP);
    let by_state = by_state.order_by(types::RoomOrderBy::StateEvents).dir(types::Direction::B);
    let (page, sizes) =
        futures::join!(call(by_state.send()), call(ctx.client.list_largest_rooms().send()));
    let page = page?;
    let largest: Vec<Value> = page
        .rooms
        .iter()
        .map(|r| json!({"room_id": r.room_id, "name": r.name, "state_events": r.state_events}))
        .collect();
    Ok(json!({
        "total": page.total_rooms,
        "most_state_events": largest,
        // PostgreSQL only (and not on every database): the reason when not.
        "largest_in_database": match sizes {
            Ok(sizes) => tree(&sizes.rooms),
            Err(e) => json!({"unavailable": e.to_string()}),
        },
    }))
}

async fn media(ctx: &Ctx) -> Result<Value, Error> {
    let mut bytes = 0i64;
    let mut uploaders = 0i64;
    let mut top = Vec::new();
    let mut complete = false;
    let mut from = 0;
    for page_no in 0..MEDIA_PAGES {
        let ask = ctx.client.list_user_media_statistics().from(from).limit(1000);
        let ask = ask.order_by(types::MediaStatsOrderBy::MediaLength).dir(types::Direction::B);
        let page = call(ask.send()).await?;
        if page_no == 0 {
            uploaders = page.total;
            top = page.users.iter().take(TOP as usize).map(tree).collect();
        }
        bytes += page.users.iter().map(|u| u.media_length).sum::<i64>();
        match page.next_token {
            Some(next) if !page.users.is_empty() => from = next,
            _ => {
                complete = true;
                break;
            }
        }
    }
    Ok(json!({
        "local_bytes": bytes,
        "local_bytes_complete": complete,
        "uploaders": uploaders,
        "top_uploaders": top,
    }))
}

async fn reports(ctx: &Ctx) -> Result<Value, Error> {
    let events = ctx.client.list_event_reports().limit(TOP).dir(types::Direction::B);
    let users = ctx.client.list_user_reports().limit(TOP).dir(types::Direction::B);
    let (events, users) = futures::join!(call(events.send()), call(users.send()));
    let events = events?;
    Ok(json!({
        "event_reports": events.total,
        "newest_event_reports": tree(&events.event_reports),
        "user_reports": match &users {
            Ok(u) => json!(u.total),
            Err(e) => json!({"unavailable": e.to_string()}),
        },
        "newest_user_reports": users.map(|u| tree(&u.user_reports)).unwrap_or(Value::Null),
    }))
}

async fn federation(ctx: &Ctx) -> Result<Value, Error> {
    let ask = ctx.client.list_destinations().limit(100);
    let page =
        call(ask.order_by(types::DestinationOrderBy::FailureTs).dir(types::Direction::B).send())
            .await?;
    let failing: Vec<Value> = page
        .destinations
        .iter()
        .filter(|d| d.failure_ts.is_some())
        .map(|d| json!({"destination": d.destination, "failure_ts": d.failure_ts}))
        .collect();
    Ok(json!({"destinations": page.total, "failing": failing}))
}

async fn background_updates(ctx: &Ctx) -> Result<Value, Error> {
    let status = call(ctx.client.get_background_updates_status().send()).await?;
    Ok(json!({"enabled": status.enabled, "running": tree(&status.current_updates)}))
}

async fn scheduled_tasks(ctx: &Ctx) -> Result<Value, Error> {
    let ask = ctx.client.list_scheduled_tasks().status(vec![types::TaskStatus::Failed]);
    let tasks = call(ask.send()).await?.scheduled_tasks;
    let since = synadm::time::now_ms() - RECENT_MS;
    let mut recent: Vec<&types::ScheduledTask> =
        tasks.iter().filter(|t| t.timestamp_ms >= since).collect();
    recent.sort_by_key(|t| std::cmp::Reverse(t.timestamp_ms));
    let failed_recently = recent.len();
    recent.truncate(TOP as usize);
    Ok(json!({"failed_last_7_days": failed_recently, "newest_failed": tree(&recent)}))
}

async fn section(ctx: &Ctx, which: Section) -> Result<Value, Error> {
    match which {
        Section::Version => Ok(tree(&call(ctx.client.get_server_version().send()).await?)),
        Section::Users => users(ctx).await,
        Section::Rooms => rooms(ctx).await,
        Section::Media => media(ctx).await,
        Section::Reports => reports(ctx).await,
        Section::Federation => federation(ctx).await,
        Section::BackgroundUpdates => background_updates(ctx).await,
        Section::ScheduledTasks => scheduled_tasks(ctx).await,
    }
}

/// One line per section for people.
fn summary(doc: &Value) -> Value {
    let line = |key: &str, text: &dyn Fn(&Value) -> String| -> String {
        let v = &doc[key];
        match v.get("unavailable") {
            Some(why) => format!("unavailable: {}", why.as_str().unwrap_or_default()),
            None => text(v),
        }
    };
    let names = |list: &Value, key: &str| -> String {
        let names: Vec<String> = list
            .as_array()
            .into_iter()
            .flatten()
            .map(|i| i[key].as_str().unwrap_or("?").to_string())
            .collect();
        if names.is_empty() { "none".into() } else { names.join(", ") }
    };
    let size = |v: &Value| human_size(v.as_u64().unwrap_or(0));
    // "1 admin", "3 admins": a count with its noun.
    let n = |v: &Value, one: &str, many: &str| match v.as_i64() {
        Some(count) => counted(count, one, many),
        None => format!("{v} {many}"),
    };
    json!({
        "version": line("version", &|v| v["server_version"].as_str().unwrap_or("?").to_string()),
        "users": line("users", &|v| format!(
            "{} ({} active, {} deactivated), {}, {}, {} locked, {} shadow-banned",
            v["total"], v["active"], v["deactivated"], n(&v["admins"], "admin", "admins"),
            n(&v["guests"], "guest", "guests"), v["locked"], v["shadow_banned"])),
        "rooms": line("rooms", &|v| format!(
            "{}; most state events: {}", v["total"], names(&v["most_state_events"], "room_id"))),
        "media": line("media", &|v| format!(
            "{}{} by {}; top: {}", size(&v["local_bytes"]),
            if v["local_bytes_complete"] == true { "" } else { " or more" },
            n(&v["uploaders"], "user", "users"), names(&v["top_uploaders"], "user_id"))),
        "reports": line("reports", &|v| format!(
            "{}, {}", n(&v["event_reports"], "event report", "event reports"),
            match v["user_reports"].as_i64() {
                Some(count) => counted(count, "user report", "user reports"),
                None => "user reports unavailable".into(),
            })),
        "federation": line("federation", &|v| format!(
            "{}; failing: {}", n(&v["destinations"], "destination", "destinations"),
            names(&v["failing"], "destination"))),
        "background_updates": line("background_updates", &|v| format!(
            "{}; running: {}", if v["enabled"] == true { "enabled" } else { "paused" },
            v["running"].as_object().map_or(0, |m| m.len()))),
        "scheduled_tasks": line("scheduled_tasks", &|v| format!(
            "{} failed in the last 7 days", v["failed_last_7_days"])),
    })
}

impl Run for OverviewArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let results = bulk::in_order(ctx, Section::ALL.to_vec(), |s| section(ctx, s)).await;
        let mut doc = serde_json::Map::new();
        let mut first_error = None;
        let mut failed = 0;
        for (which, result) in results {
            let value = match result {
                Ok(value) => value,
                Err(e) => {
                    failed += 1;
                    let value = json!({"unavailable": e.to_string()});
                    first_error.get_or_insert(e);
                    value
                }
            };
            doc.insert(which.key().into(), value);
        }
        ctx.print_value(&Value::Object(doc), &View::PLAIN.reshape(summary))?;
        bulk::outcome(ctx, failed, Section::ALL.len(), first_error)
    }
}
