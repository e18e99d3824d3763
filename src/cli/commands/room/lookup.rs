//! Read-only lookups of one room: details, state, members, resolve, block-status.

use crate::cli::kit::prelude::*;
use serde_json::{Value, json};
use synadm::ids::{RoomArg, parse_room_id, parse_room_id_or_alias};

#[derive(Debug, clap::Args)]
pub struct DetailsArgs {
    /// The room ID (!abc:example.org, or without server part in room version 12).
    #[arg(value_parser = parse_room_id)]
    room_id: String,
}

#[derive(Debug, clap::Args)]
pub struct StateArgs {
    /// The room ID.
    #[arg(value_parser = parse_room_id)]
    room_id: String,
}

#[derive(Debug, clap::Args)]
pub struct MembersArgs {
    /// The room ID.
    #[arg(value_parser = parse_room_id)]
    room_id: String,
}

#[derive(Debug, clap::Args)]
pub struct ResolveArgs {
    /// The room alias (#name:example.org) to look up; with --reverse, the room ID (or an
    /// alias of the room) whose aliases to list.
    #[arg(value_parser = parse_room_id_or_alias)]
    room_id_or_alias: RoomArg,
    /// List the room's local aliases instead of looking up the room ID of an alias.
    #[arg(short, long)]
    reverse: bool,
}

#[derive(Debug, clap::Args)]
pub struct BlockStatusArgs {
    /// The room ID (rooms the server does not know work too).
    #[arg(value_parser = parse_room_id)]
    room_id: String,
}

/// One room's details, the identifying fields first.
const ROOM_DETAILS: View = View::new(&[
    "room_id",
    "name",
    "canonical_alias",
    "topic",
    "avatar",
    "joined_members",
    "joined_local_members",
    "joined_local_devices",
    "version",
    "creator",
    "encryption",
    "federatable",
    "public",
    "join_rules",
    "guest_access",
    "history_visibility",
    "room_type",
    "state_events",
]);

/// The room's state as a table: type, state key, sender, time.
const ROOM_STATE: View = View::new(&["type", "state_key", "sender", "origin_server_ts"])
    .times(&["origin_server_ts"])
    .reshape(|v| {
        let rows = v["state"].as_array().into_iter().flatten().map(|e| {
            json!({
                "type": e["type"], "state_key": e["state_key"], "sender": e["sender"],
                "origin_server_ts": e["origin_server_ts"],
            })
        });
        Value::Array(rows.collect())
    })
    .summary(|v| {
        Some(format!("State events in room: {}", v["state"].as_array().map_or(0, Vec::len)))
    });

/// `{members, total}`: one user ID per line, the count on stderr.
const ROOM_MEMBERS: View = View::PLAIN
    .reshape(|v| v["members"].clone())
    .summary(|v| Some(format!("Total members in room: {}", v["total"])));

/// `{aliases}`: one alias per line.
const ROOM_ALIASES: View = View::PLAIN.reshape(|v| v["aliases"].clone()).summary(|v| {
    Some(format!("Local aliases of the room: {}", v["aliases"].as_array().map_or(0, Vec::len)))
});

impl Run for DetailsArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let room = call(ctx.client.get_room().room_id(self.room_id).send()).await?;
        ctx.print(&room, &ROOM_DETAILS)
    }
}

impl Run for StateArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let state = call(ctx.client.get_room_state().room_id(self.room_id).send()).await?;
        ctx.print(&state, &ROOM_STATE)
    }
}

impl Run for MembersArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let members = call(ctx.client.list_room_members().room_id(self.room_id).send()).await?;
        ctx.print(&members, &ROOM_MEMBERS)
    }
}

/// The room ID an alias points to (client API directory lookup).
pub async fn room_id_of_alias(ctx: &Ctx, alias: &str) -> Result<String, Error> {
    let found = call(ctx.client.resolve_room_alias().room_alias(alias).send()).await?;
    Ok(found.room_id)
}

/// The room ID of a room given by ID or alias.
pub async fn room_id_of(ctx: &Ctx, room: &RoomArg) -> Result<String, Error> {
    match room {
        RoomArg::Id(id) => Ok(id.clone()),
        RoomArg::Alias(alias) => room_id_of_alias(ctx, alias).await,
    }
}

impl Run for ResolveArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        if self.reverse {
            let room_id = room_id_of(ctx, &self.room_id_or_alias).await?;
            let aliases = call(ctx.client.list_room_aliases().room_id(room_id).send()).await?;
            return ctx.print(&aliases, &ROOM_ALIASES);
        }
        match &self.room_id_or_alias {
            RoomArg::Alias(alias) => {
                // synadm's output: the room ID alone, as a string document.
                let room_id = room_id_of_alias(ctx, alias).await?;
                ctx.print(&room_id, &View::PLAIN)
            }
            RoomArg::Id(id) => Err(Error::Usage(format!(
                "{id:?} is already a room ID; use -r/--reverse to list its aliases"
            ))),
        }
    }
}

impl Run for BlockStatusArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let status = call(ctx.client.get_room_block_status().room_id(self.room_id).send()).await?;
        ctx.print(&status, &View::new(&["block", "user_id"]))
    }
}
