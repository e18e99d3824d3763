//! `room delete` and `room delete-status`.

use super::deletion::{Api, Deleted, PurgeFlags, RESULTS, TASK, TASKS, delete_room};
use crate::cli::kit::bulk::{BulkArgs, Rows};
use crate::cli::kit::id_list::{self, IdList, ListRun, Target, room_or_list};
use crate::cli::kit::numbers::Checked;
use crate::cli::kit::prelude::*;
use serde_json::{Value, json};
use synadm::output::sanitize;

#[derive(Debug, clap::Args)]
pub struct DeleteArgs {
    /// The room ID (!…), or - to read room IDs from stdin, one a line.
    #[arg(value_parser = Checked(room_or_list))]
    room_id: Target,
    /// Create a new room with this local user (full ID or localpart) as creator and admin,
    /// and move the members there. Without it, members are only removed.
    #[arg(short = 'u', long, value_name = "USER_ID")]
    new_room_user_id: Option<String>,
    /// Name of that new room (Synapse's default: "Content Violation Notification").
    #[arg(short = 'n', long)]
    room_name: Option<String>,
    /// First message in that new room, sent by its creator; say why the old room was shut
    /// down (Synapse has a default text).
    #[arg(short = 'm', long)]
    message: Option<String>,
    /// Also block the room: nobody on this server can join it again.
    #[arg(short = 'b', long)]
    block: bool,
    #[command(flatten)]
    purge: PurgeFlags,
    /// Use the synchronous v1 API: the command returns when the room is deleted (can take
    /// minutes) and prints what the shutdown did.
    #[arg(long, conflicts_with = "wait")]
    v1: bool,
    #[command(flatten)]
    wait: WaitArgs,
    #[command(flatten, next_help_heading = "With a list of rooms (-)")]
    bulk: BulkArgs,
}

#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("query").required(true).multiple(false))]
pub struct DeleteStatusArgs {
    /// The room whose deletion tasks to show (a task still scheduled is not listed by room).
    #[arg(short = 'r', long, group = "query", value_parser = synadm::ids::parse_room_id)]
    room_id: Option<String>,
    /// The delete_id printed by `room delete`.
    #[arg(short = 'd', long, group = "query")]
    delete_id: Option<String>,
}

/// The room and its members, for the person about to delete it.
fn describe(room: &types::RoomDetails, members: &types::RoomMembers) -> String {
    let mut text = format!("Room {}", sanitize(&room.room_id));
    if let Some(name) = &room.name {
        text.push_str(&format!(" \"{}\"", sanitize(name)));
    }
    if let Some(alias) = &room.canonical_alias {
        text.push_str(&format!(" ({})", sanitize(alias)));
    }
    text.push_str(&format!(", room version {}", sanitize(&room.version)));
    if let Some(creator) = &room.creator {
        text.push_str(&format!(", created by {}", sanitize(creator)));
    }
    let local = room.joined_local_members.map_or(String::new(), |n| format!(" ({n} local)"));
    text.push_str(&format!(":\n{} joined members{local}", members.total));
    const SHOWN: usize = 20;
    if !members.members.is_empty() {
        let shown: Vec<String> = members.members.iter().take(SHOWN).map(|m| sanitize(m)).collect();
        text.push_str(&format!(": {}", shown.join(", ")));
        if members.members.len() > SHOWN {
            text.push_str(&format!(", … ({} more)", members.members.len() - SHOWN));
        }
    }
    text
}

impl Run for DeleteArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        let new_room_user_id = match &a.new_room_user_id {
            Some(user) => Some(ctx.user_id(user).await?),
            None => None,
        };
        let body = types::DeleteRoomRequest {
            new_room_user_id: new_room_user_id.clone(),
            room_name: a.room_name.clone(),
            message: a.message.clone(),
            ..a.purge.body(a.block)
        };
        let api = Api::new(a.v1, a.wait.wait);
        let room_id = match a.room_id {
            Target::One(room_id) => room_id,
            Target::Stdin => {
                let list = IdList::from_stdin("room ID", synadm::ids::parse_room_id)?;
                let how = ListRun {
                    question: "Delete these rooms? This cannot be undone.",
                    one: "room",
                    many: "rooms",
                };
                let rows = Rows::of_ids(
                    RESULTS,
                    &|id, deleted: &Deleted| {
                        let mut row = json!({"room_id": id});
                        if let (Some(row), Value::Object(reply)) =
                            (row.as_object_mut(), deleted.to_value())
                        {
                            row.extend(reply);
                        }
                        row
                    },
                    &|id, error| json!({"room_id": id, "error": error}),
                );
                let action = |id: String| {
                    let body = body.clone();
                    async move { delete_room(ctx, &id, body, api).await }
                };
                return id_list::run(ctx, &a.bulk, list, how, rows, action).await;
            }
        };
        // The room first: an unknown room stops here (404), before anything is deleted.
        let room = call(ctx.client.get_room().room_id(&room_id).send()).await?;
        if !ctx.batch {
            let members = call(ctx.client.list_room_members().room_id(&room_id).send()).await?;
            ctx.note(&describe(&room, &members));
            let mut effects = vec!["every local member is removed".to_string()];
            if let Some(user) = &new_room_user_id {
                effects[0] = format!("every local member is moved to a new room created by {user}");
            }
            if a.block {
                effects.push("the room is blocked".into());
            }
            effects.push(if a.purge.no_purge {
                "its data stays in the database (--no-purge)".into()
            } else {
                "its data is purged from the database".into()
            });
            ctx.note(&format!("Deleting it: {}. This cannot be undone.", effects.join("; ")));
            ctx.confirm(&format!("Delete room {room_id}?"))?;
        }
        let deleted = delete_room(ctx, &room_id, body, api).await?;
        match &deleted {
            Deleted::Started(started) => ctx.note(&format!(
                "Deletion of {} started; follow it with `synadm room delete-status -d {}` \
                 (or use --wait).",
                room_id, started.delete_id
            )),
            Deleted::Shutdown(_) => ctx.note(&format!("Room {room_id} deleted.")),
            Deleted::Finished(_) => {}
        }
        ctx.print(&deleted.to_value(), deleted.view())
    }
}

impl Run for DeleteStatusArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        match (a.room_id, a.delete_id) {
            (_, Some(delete_id)) => {
                let task = call(ctx.client.get_delete_status().delete_id(delete_id).send()).await?;
                ctx.print(&task, &TASK)
            }
            (Some(room_id), None) => {
                let reply =
                    call(ctx.client.get_delete_status_by_room().room_id(&room_id).send()).await;
                if let Err(Error::Matrix { status: 404, .. }) = &reply {
                    ctx.note(
                        "A deletion that is still scheduled is not listed by room ID; \
                         ask for it with -d DELETE_ID.",
                    );
                }
                ctx.print(&reply?, &TASKS)
            }
            (None, None) => Err(Error::Usage("give --room-id or --delete-id".to_string())),
        }
    }
}

#[cfg(test)]
#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_confirmation_names_twenty_members_and_counts_the_rest() {
        let room: types::RoomDetails = serde_json::from_value(json!({
            "room_id": "!r:x", "name": "Doomed", "canonical_alias": "#d:x",
            "joined_members": 21, "joined_local_members": 21, "version": "10",
            "creator": "@c:x", "encryption": null, "federatable": true, "public": false,
            "join_rules": "invite", "guest_access": null, "history_visibility": "shared",
            "state_events": 30, "room_type": null, "avatar": null, "topic": null,
            "joined_local_devices": 21, "forgotten": false, "tombstoned": false,
            "replacement_room": null
        }))
        .unwrap();
        let members = |n: usize| -> types::RoomMembers {
            let ids: Vec<String> = (1..=n).map(|i| format!("@u{i}:x")).collect();
            serde_json::from_value(json!({"members": ids, "total": n})).unwrap()
        };
        let twenty = describe(&room, &members(20));
        assert!(
            twenty.starts_with(
                "Room !r:x \"Doomed\" (#d:x), room version 10, created by @c:x:\n\
                 20 joined members (21 local): @u1:x, "
            ),
            "{twenty}"
        );
        assert!(twenty.ends_with(", @u20:x"), "{twenty}");
        let more = describe(&room, &members(21));
        assert!(more.ends_with(", @u20:x, … (1 more)"), "{more}");
        assert!(!more.contains("@u21:x"), "{more}");
    }
}
