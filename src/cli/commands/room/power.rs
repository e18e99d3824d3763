//! Power in rooms: `room make-admin` and `room power-levels`.
//!
//! Since room version 12 (MSC4289, the default in Synapse 1.163) the room's creators — the
//! sender of `m.room.create` and its `content.additional_creators` — hold unlimited power
//! implicitly and may not appear in `m.room.power_levels`' `users`. Both commands read the
//! create event to know who they are.

use super::list::{RoomQuery, room_order, search_term};
use super::lookup::room_id_of;
use crate::cli::kit::bulk;
use crate::cli::kit::prelude::*;
use serde_json::{Map, Value, json};
use std::cell::Cell;
use synadm::api::Page;
use synadm::ids::{RoomArg, parse_room_id, parse_room_id_or_alias};
use synadm::output::sanitize;

/// Rooms whose power levels are read at once by `power-levels`.
const POWER_LOOKUPS: usize = 8;

#[derive(Debug, clap::Args)]
pub struct MakeAdminArgs {
    /// The room ID or alias (#name:example.org).
    #[arg(value_parser = parse_room_id_or_alias)]
    room_id_or_alias: RoomArg,
    /// The user to make room admin (full ID or localpart) [default: you, the caller].
    #[arg(short, long)]
    user_id: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct PowerLevelsArgs {
    /// Only this room (room ID).
    #[arg(short = 'i', long, value_parser = parse_room_id, conflicts_with = "name")]
    room_id: Option<String>,
    /// Show every field of the room list, not only room_id, name, canonical_alias and the
    /// power levels.
    #[arg(short, long)]
    all_details: bool,
    /// Offset of the first room; the `next_batch` of the previous page.
    #[arg(short, long, default_value_t = 0, value_parser = crate::cli::kit::numbers::non_negative, allow_negative_numbers = true)]
    from: i64,
    /// Rooms per request (each room costs one or two more requests).
    #[arg(short, long, default_value_t = 10, value_parser = crate::cli::kit::numbers::positive, allow_negative_numbers = true)]
    limit: i64,
    /// Follow next_batch to the end and stream every room (one page of --limit rooms at a
    /// time).
    #[arg(long)]
    all: bool,
    /// Only rooms whose name or canonical alias contains this text (case-insensitive).
    #[arg(short, long, value_parser = search_term)]
    name: Option<String>,
    /// Sort the rooms by this field (default: name).
    #[arg(short, long, value_parser = room_order())]
    sort: Option<types::RoomOrderBy>,
    /// Reverse the sort order.
    #[arg(short, long)]
    reverse: bool,
}

/// Whether the room version gives the room's creators unlimited power (MSC4289): version
/// 12 and later, and its unstable predecessor.
pub fn creators_have_power(room_version: &str) -> bool {
    room_version == "org.matrix.hydra.11" || room_version.parse::<u32>().is_ok_and(|v| v >= 12)
}

/// What a room's create event says about power.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Creation {
    pub room_version: String,
    /// The sender and the additional creators.
    pub creators: Vec<String>,
}

impl Creation {
    fn from_event(event: &types::ClientEvent) -> Creation {
        let room_version = event
            .content
            .get("room_version")
            .and_then(Value::as_str)
            .unwrap_or("1")
            .to_string();
        let mut creators = vec![event.sender.clone()];
        let additional = event.content.get("additional_creators");
        for c in additional.and_then(Value::as_array).into_iter().flatten() {
            if let Some(c) = c.as_str()
                && !creators.iter().any(|k| k == c)
            {
                creators.push(c.to_string());
            }
        }
        Creation {
            room_version,
            creators,
        }
    }

    /// The users with unlimited power as creators: none before room version 12.
    pub fn powerful_creators(&self) -> &[String] {
        if creators_have_power(&self.room_version) {
            &self.creators
        } else {
            &[]
        }
    }
}

/// The current state event of `event_type` (state key "") of a room, if it has one.
async fn state_event(
    ctx: &Ctx,
    room_id: &str,
    event_type: &str,
) -> Result<Option<types::ClientEvent>, Error> {
    let state = call(
        ctx.client
            .get_room_state()
            .room_id(room_id)
            .type_(event_type)
            .send(),
    )
    .await?;
    Ok(state
        .state
        .into_iter()
        .find(|e| e.type_ == event_type && e.state_key.as_deref() == Some("")))
}

/// The room's create event, read as the server currently knows the room; `None` when the
/// server has no state for it (it left the room).
async fn creation(ctx: &Ctx, room_id: &str) -> Result<Option<Creation>, Error> {
    Ok(state_event(ctx, room_id, "m.room.create")
        .await?
        .map(|e| Creation::from_event(&e)))
}

/// Explains the server's refusals of make_room_admin, which name no user or cause.
fn explain_make_admin_error(e: &Error, target: &str) -> Option<String> {
    let Error::Matrix {
        status: 400,
        message,
        ..
    } = e
    else {
        return None;
    };
    if message.starts_with("No local admin user in room") {
        Some(
            "Synapse grants power through a local user who is joined to the room and can \
             change its power levels (in room version 12 and later: a joined local creator, \
             or a local user listed in the power levels); there is none."
                .to_string(),
        )
    } else if message.starts_with("Server not in room") {
        Some("No local user is in the room any more, so this server cannot change it.".into())
    } else if message.to_lowercase().contains("creator") {
        Some(format!(
            "{} is a creator of the room and holds unlimited power there already; creators \
             may not be listed in the power levels.",
            sanitize(target)
        ))
    } else {
        None
    }
}

impl Run for MakeAdminArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        let (target, body) = match &a.user_id {
            Some(user) => {
                let id = ctx.user_id(user).await?;
                (
                    id.clone(),
                    types::MakeRoomAdminRequest { user_id: Some(id) },
                )
            }
            // As synadm: `{}`, the server grants the caller; the caller's ID is needed for
            // the creator check only.
            None => (
                call(ctx.client.whoami().send()).await?.user_id,
                types::MakeRoomAdminRequest { user_id: None },
            ),
        };
        let room_id = room_id_of(ctx, &a.room_id_or_alias).await?;
        if let Some(created) = creation(ctx, &room_id).await?
            && created.powerful_creators().contains(&target)
        {
            // Synapse would answer 400 M_UNKNOWN: a creator may not be put into the power
            // levels, and needs not be.
            ctx.note(&format!(
                "{} is a creator of room {} (room version {}) and so already has unlimited \
                 power there; nothing to change.",
                sanitize(&target),
                sanitize(&room_id),
                sanitize(&created.room_version)
            ));
            return ctx.print(&json!({}), &View::PLAIN);
        }
        let reply = call(
            ctx.client
                .make_room_admin()
                .room_id_or_alias(room_id.clone())
                .body(body)
                .send(),
        )
        .await;
        let reply = match reply {
            Ok(reply) => reply,
            Err(e) => {
                if let Some(why) = explain_make_admin_error(&e, &target) {
                    ctx.note(&why);
                }
                return Err(e);
            }
        };
        ctx.note(&format!(
            "{} now has the power level of the room's most powerful local user in {}.",
            sanitize(&target),
            sanitize(&room_id)
        ));
        ctx.print(&reply, &View::PLAIN)
    }
}

/// Room list fields that `power-levels` leaves out unless `--all-details` is given (as
/// synadm does).
const DETAIL_FIELDS: [&str; 11] = [
    "creator",
    "encryption",
    "federatable",
    "guest_access",
    "history_visibility",
    "join_rules",
    "joined_local_members",
    "joined_members",
    "public",
    "state_events",
    "version",
];

/// One page of the room list, each room with `power_levels` (the `users` of its
/// m.room.power_levels, as synadm shows them) and `creators` (who holds unlimited power as a
/// creator: room version 12 and later), plus synadm's `rooms_w_power_levels_curr_batch`.
#[derive(serde::Serialize)]
#[serde(transparent)]
struct PowerLevelsPage(Value);

impl Page for PowerLevelsPage {
    type Item = Value;
    fn total(&self) -> i64 {
        self.0["total_rooms"].as_i64().unwrap_or(0)
    }
    fn split(mut self) -> Result<(Vec<Value>, Option<i64>), Error> {
        let rooms = match self.0.get_mut("rooms").map(Value::take) {
            Some(Value::Array(rooms)) => rooms,
            _ => Vec::new(),
        };
        Ok((rooms, self.0["next_batch"].as_i64()))
    }
}

/// A room's power levels and powerful creators. A room that vanished since it was listed
/// (purged meanwhile) has neither.
async fn power_of(
    ctx: &Ctx,
    room: &types::RoomListEntry,
) -> Result<(Option<Map<String, Value>>, Vec<String>), Error> {
    let levels = async {
        let event = state_event(ctx, &room.room_id, "m.room.power_levels").await?;
        Ok::<_, Error>(event.map(|e| match e.content.get("users") {
            Some(Value::Object(users)) => users.clone(),
            _ => Map::new(),
        }))
    };
    let creators = async {
        if !creators_have_power(&room.version) {
            return Ok(Vec::new());
        }
        Ok(creation(ctx, &room.room_id)
            .await?
            .map(|c| c.powerful_creators().to_vec())
            .unwrap_or_default())
    };
    match futures::try_join!(levels, creators) {
        Err(Error::Matrix { status: 404, .. }) => Ok((None, Vec::new())),
        other => other,
    }
}

/// Fetches one page of rooms and reads the power levels of its rooms, a few at a time.
async fn power_levels_page(
    ctx: &Ctx,
    query: &RoomQuery,
    from: i64,
    limit: i64,
    all_details: bool,
) -> Result<(PowerLevelsPage, i64), Error> {
    let page = call(query.request(ctx, from, limit).send()).await?;
    // Through the bulk engine: bounded, in order, and slower when the server rate-limits.
    let reads = bulk::run_all(
        page.rooms.iter().collect(),
        POWER_LOOKUPS,
        |room| async move {
            let (levels, creators) = power_of(ctx, room).await?;
            let mut value = serde_json::to_value(room).map_err(|e| Error::Io(e.to_string()))?;
            if let Value::Object(fields) = &mut value {
                if !all_details {
                    for f in DETAIL_FIELDS {
                        fields.remove(f);
                    }
                }
                let found = levels.is_some();
                fields.insert(
                    "power_levels".into(),
                    Value::Object(levels.unwrap_or_default()),
                );
                fields.insert("creators".into(), json!(creators));
                return Ok::<_, Error>((value, found));
            }
            Ok((value, false))
        },
    )
    .await;
    let enriched: Vec<(Value, bool)> = reads
        .into_iter()
        .map(|(_, read)| read)
        .collect::<Result<_, _>>()?;
    let with_levels = enriched.iter().filter(|(_, found)| *found).count() as i64;
    let mut out = serde_json::to_value(&page).map_err(|e| Error::Io(e.to_string()))?;
    out["rooms"] = Value::Array(enriched.into_iter().map(|(room, _)| room).collect());
    out["rooms_w_power_levels_curr_batch"] = json!(with_levels);
    Ok((PowerLevelsPage(out), with_levels))
}

/// Human view: a room per row, its power levels as `user level` (creators first, as
/// `user creator`), then the other users by level.
const POWER_LEVELS: View = View::new(&["room_id", "name", "canonical_alias", "power_levels"])
    .reshape(|rooms| match rooms {
        Value::Array(rooms) => Value::Array(rooms.iter().map(power_row).collect()),
        one => power_row(one),
    });

fn power_row(room: &Value) -> Value {
    let mut row = room.clone();
    let mut lines: Vec<String> = room["creators"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|c| format!("{c} creator"))
        .collect();
    let mut users: Vec<(&String, &Value)> = room["power_levels"]
        .as_object()
        .map(|m| m.iter().collect())
        .unwrap_or_default();
    users.sort_by(|a, b| {
        let level = |v: &Value| v.as_i64().unwrap_or(0);
        level(b.1).cmp(&level(a.1)).then(a.0.cmp(b.0))
    });
    lines.extend(users.into_iter().map(|(u, l)| format!("{u} {l}")));
    if let Value::Object(fields) = &mut row {
        fields.remove("creators");
        fields.insert("power_levels".into(), json!(lines));
    }
    row
}

impl Run for PowerLevelsArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        // As synadm: one room is found through the list's search, which matches room IDs
        // exactly.
        let query = RoomQuery {
            search_term: a.room_id.or(a.name),
            order_by: a.sort,
            reverse: a.reverse,
            ..Default::default()
        };
        let paging = Paging {
            from: a.from,
            limit: Some(a.limit),
            all: a.all,
        };
        let (limit, all_details) = (a.limit, a.all_details);
        let with_levels = Cell::new(0);
        let fetch = |at| {
            let (query, with_levels) = (&query, &with_levels);
            async move {
                let (page, n) = power_levels_page(ctx, query, at, limit, all_details).await?;
                with_levels.set(n);
                Ok(page)
            }
        };
        let summary = |total| {
            format!(
                "Rooms with power levels found in current batch: {}\nTotal rooms: {total}",
                with_levels.get()
            )
        };
        print_paged(ctx, &paging, POWER_LEVELS, summary, fetch).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creator_power_starts_with_room_version_12() {
        for v in ["12", "13", "org.matrix.hydra.11"] {
            assert!(creators_have_power(v), "{v}");
        }
        for v in ["1", "10", "11", "org.matrix.msc2176", ""] {
            assert!(!creators_have_power(v), "{v}");
        }
    }

    fn create_event(content: Value) -> types::ClientEvent {
        serde_json::from_value(json!({
            "event_id": "$c", "type": "m.room.create", "sender": "@c:x", "origin_server_ts": 1,
            "room_id": "!r", "state_key": "", "content": content, "unsigned": {},
            "user_id": "@c:x"
        }))
        .unwrap()
    }

    #[test]
    fn creators_are_the_sender_and_the_additional_creators_in_v12_only() {
        let v12 = Creation::from_event(&create_event(
            json!({"room_version": "12", "additional_creators": ["@d:x", "@c:x", 5]}),
        ));
        assert_eq!(v12.creators, ["@c:x", "@d:x"]);
        assert_eq!(v12.powerful_creators(), ["@c:x", "@d:x"]);
        let v10 = Creation::from_event(&create_event(json!({"room_version": "10"})));
        assert!(v10.powerful_creators().is_empty());
        let v1 = Creation::from_event(&create_event(json!({"creator": "@c:x"})));
        assert_eq!(v1.room_version, "1");
        assert!(v1.powerful_creators().is_empty());
    }

    #[test]
    fn human_power_levels_list_creators_first_then_users_by_level() {
        let row = power_row(&json!({
            "room_id": "!r", "creators": ["@c:x"],
            "power_levels": {"@a:x": 50, "@b:x": 100, "@z:x": 50}
        }));
        assert_eq!(
            row,
            json!({"room_id": "!r", "power_levels": ["@c:x creator", "@b:x 100", "@a:x 50", "@z:x 50"]})
        );
    }
}
