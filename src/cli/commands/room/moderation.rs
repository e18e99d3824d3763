//! Changing who may be in a room: `room block` and `room join`.

use crate::cli::kit::bulk::{BulkArgs, Rows};
use crate::cli::kit::id_list::{self, IdList, ListRun, Target, room_or_list};
use crate::cli::kit::numbers::Checked;
use crate::cli::kit::prelude::*;
use serde_json::json;
use synadm::ids::{RoomArg, parse_room_id, parse_room_id_or_alias};

#[derive(Debug, clap::Args)]
pub struct BlockArgs {
    /// The room ID (rooms the server does not know can be blocked too), or - to read room
    /// IDs from stdin, one a line.
    #[arg(value_parser = Checked(room_or_list))]
    room_id: Target,
    /// Block the room: local users can no longer join it (the default).
    #[arg(short, long, overrides_with = "unblock")]
    block: bool,
    /// Unblock the room.
    #[arg(short, long, overrides_with = "block")]
    unblock: bool,
    #[command(flatten, next_help_heading = "With a list of rooms (-)")]
    bulk: BulkArgs,
}

#[derive(Debug, clap::Args)]
pub struct JoinArgs {
    /// The room ID or alias (#name:example.org).
    #[arg(value_parser = parse_room_id_or_alias)]
    room_id_or_alias: RoomArg,
    /// The local user to join (full ID or localpart); invited first by the admin unless
    /// the room is public.
    user_id: String,
}

async fn block_room(ctx: &Ctx, room_id: String, block: bool) -> Result<types::RoomBlock, Error> {
    let body = types::BlockRoomRequest { block };
    call(ctx.client.block_room().room_id(room_id).body(body).send()).await
}

impl Run for BlockArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let block = flag_pair(self.block, self.unblock).unwrap_or(true);
        let room_id = match self.room_id {
            Target::One(room_id) => room_id,
            Target::Stdin => {
                let list = IdList::from_stdin("room ID", parse_room_id)?;
                let how = ListRun {
                    question: if block { "Block these rooms?" } else { "Unblock these rooms?" },
                    one: "room",
                    many: "rooms",
                };
                let rows = Rows::of_ids(
                    View::new(&["room_id", "block", "error"]),
                    &|id, reply: &types::RoomBlock| json!({"room_id": id, "block": reply.block}),
                    &|id, error| json!({"room_id": id, "error": error}),
                );
                let action = |id| block_room(ctx, id, block);
                return id_list::run(ctx, &self.bulk, list, how, rows, action).await;
            }
        };
        let reply = block_room(ctx, room_id.clone(), block).await?;
        ctx.note(&format!(
            "Room {} is {}.",
            synadm::output::sanitize(&room_id),
            if reply.block { "blocked" } else { "not blocked" }
        ));
        ctx.print(&reply, &View::PLAIN)
    }
}

impl Run for JoinArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let user_id = ctx.user_id(&self.user_id).await?;
        let reply = call(
            ctx.client
                .join_user_to_room()
                .room_id_or_alias(self.room_id_or_alias.as_str())
                .body(types::JoinRoomRequest { user_id: user_id.clone() })
                .send(),
        )
        .await?;
        ctx.note(&format!(
            "{} joined {}.",
            synadm::output::sanitize(&user_id),
            synadm::output::sanitize(&reply.room_id)
        ));
        ctx.print(&reply, &View::PLAIN)
    }
}
