//! `room purge-empty`: delete every room that no local user is joined to.

use super::deletion::{Api, Deleted, PurgeFlags, RESULTS, delete_room};
use crate::cli::kit::bulk;
use crate::cli::kit::prelude::*;
use futures::TryStreamExt;
use serde_json::{Value, json};
use std::collections::HashSet;
use synadm::api::pages;
use synadm::output::sanitize;

#[derive(Debug, clap::Args)]
pub struct PurgeEmptyArgs {
    #[command(flatten)]
    purge: PurgeFlags,
    /// Use the synchronous v1 API: each deletion returns when the room is gone.
    #[arg(long, conflicts_with = "wait")]
    v1: bool,
    /// Only list the empty rooms; delete nothing.
    #[arg(long)]
    dry_run: bool,
    /// Rooms fetched per request while looking for empty rooms (not how many are deleted).
    #[arg(short = 'p', long, visible_alias = "paginate", default_value_t = 100,
          value_parser = crate::cli::kit::numbers::positive, allow_negative_numbers = true)]
    batch_size: i64,
    #[command(flatten)]
    wait: WaitArgs,
    #[command(flatten)]
    bulk: bulk::BulkArgs,
}

/// Rooms shown in the preview before asking; `--dry-run` prints them all.
const PREVIEW: usize = 30;

/// Every room with no local user joined. The list is ordered by the number of local
/// members, fewest first, so the scan stops at the first page that has a non-empty room.
async fn empty_rooms(ctx: &Ctx, page_size: i64) -> Result<Vec<types::RoomListEntry>, Error> {
    let fetch = |at| {
        call(
            ctx.client
                .list_rooms()
                .from(at)
                .limit(page_size)
                .order_by(types::RoomOrderBy::JoinedLocalMembers)
                .dir(types::Direction::B)
                .send(),
        )
    };
    let mut stream = std::pin::pin!(pages(0, fetch));
    let mut seen = HashSet::new();
    let mut empty = Vec::new();
    while let Some(rooms) = stream.try_next().await? {
        let more = rooms.iter().all(|r| r.joined_local_members == 0);
        for room in rooms {
            // A room may reappear on the next page if the list changed meanwhile.
            if room.joined_local_members == 0 && seen.insert(room.room_id.clone()) {
                empty.push(room);
            }
        }
        if !more {
            break;
        }
    }
    Ok(empty)
}

/// One preview line: ID, name or alias, and remote members if any.
fn preview_line(room: &types::RoomListEntry) -> String {
    let mut line = format!("  {}", sanitize(&room.room_id));
    if let Some(name) = &room.name {
        line.push_str(&format!("  \"{}\"", sanitize(name)));
    }
    if let Some(alias) = &room.canonical_alias {
        line.push_str(&format!("  {}", sanitize(alias)));
    }
    if room.joined_members > 0 {
        line.push_str(&format!("  ({} remote members)", room.joined_members));
    }
    line
}

impl Run for PurgeEmptyArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        let rooms = empty_rooms(ctx, a.batch_size).await?;
        let ids: Vec<String> = rooms.iter().map(|r| r.room_id.clone()).collect();
        if rooms.is_empty() {
            ctx.note("No room is without local members; nothing to delete.");
            return ctx.print(&ids, &View::PLAIN);
        }
        let mut preview: Vec<String> = rooms.iter().take(PREVIEW).map(preview_line).collect();
        if rooms.len() > PREVIEW {
            preview
                .push(format!("  … and {} more (--dry-run lists them all)", rooms.len() - PREVIEW));
        }
        ctx.note(&format!(
            "{} room(s) have no local members:\n{}",
            rooms.len(),
            preview.join("\n")
        ));
        if a.dry_run {
            ctx.note("Dry run: no room was deleted.");
            return ctx.print(&ids, &View::PLAIN);
        }
        let (rooms_named, their, them) = match rooms.len() {
            1 => ("this room".to_string(), "its", "it"),
            n => (format!("these {n} rooms"), "their", "them"),
        };
        let purge = if a.purge.no_purge {
            format!(", keeping {their} data in the database")
        } else {
            format!(" and purge {them} from the database")
        };
        ctx.confirm(&format!("Delete {rooms_named}{purge}?"))?;

        let body = a.purge.body(false);
        let api = Api::new(a.v1, a.wait.wait);
        let rows = bulk::Rows {
            done: &|id: &String, deleted: &Deleted| {
                let mut row = json!({"room_id": id});
                if let (Some(row), Value::Object(reply)) = (row.as_object_mut(), deleted.to_value())
                {
                    row.extend(reply);
                }
                row
            },
            failed: &|id: &String, error: &str| json!({"room_id": id, "error": error}),
            line: &|id: &String| id.clone(),
            header: None,
            name: &|id: &String| id.clone(),
            view: RESULTS,
            silent: false,
        };
        let total = ids.len() as u64;
        let action = |id: String| {
            let body = body.clone();
            async move { delete_room(ctx, &id, body, api).await }
        };
        bulk::run(ctx, &a.bulk, Some(total), futures::stream::iter(ids), action, &rows).await?;
        Ok(())
    }
}
