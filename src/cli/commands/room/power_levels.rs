//! `room power-levels`: the users' power levels in rooms, and the creators of version-12
//! rooms.

use super::creators::{creation, creators_have_power, state_event};
use super::query::{RoomFilter, RoomQuery};
use crate::cli::kit::bulk;
use crate::cli::kit::prelude::*;
use serde_json::{Map, Value, json};
use std::cell::Cell;
use synadm::api::Page;
use synadm::ids::parse_room_id;

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
    #[command(flatten)]
    filter: RoomFilter,
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
    let reads = bulk::in_order(ctx, page.rooms.iter().collect(), |room| async move {
        let (levels, creators) = power_of(ctx, room).await?;
        let mut value = serde_json::to_value(room).map_err(|e| Error::Io(e.to_string()))?;
        if let Value::Object(fields) = &mut value {
            if !all_details {
                for f in DETAIL_FIELDS {
                    fields.remove(f);
                }
            }
            let found = levels.is_some();
            fields.insert("power_levels".into(), Value::Object(levels.unwrap_or_default()));
            fields.insert("creators".into(), json!(creators));
            return Ok::<_, Error>((value, found));
        }
        Ok((value, false))
    })
    .await;
    let enriched: Vec<(Value, bool)> =
        reads.into_iter().map(|(_, read)| read).collect::<Result<_, _>>()?;
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
    let mut users: Vec<(&String, &Value)> =
        room["power_levels"].as_object().map(|m| m.iter().collect()).unwrap_or_default();
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
        let query = a.filter.order.query(a.room_id.or(a.filter.name));
        let paging = Paging { from: a.from, limit: Some(a.limit), all: a.all };
        let (limit, all_details) = (a.limit, a.all_details);
        let with_levels = Cell::new(0);
        let fetch = |at| {
            let (query, with_levels) = (&query, &with_levels);
            async move {
                let (page, n) = power_levels_page(ctx, query, at, limit, all_details).await?;
                with_levels.set(n);
                Ok(Reply { value: page, status: 200, body: None })
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
