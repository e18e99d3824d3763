//! Changing who may be in a room: `room block` and `room join`.

use crate::cli::kit::prelude::*;
use synadm::ids::{RoomArg, parse_room_id, parse_room_id_or_alias};

#[derive(Debug, clap::Args)]
pub struct BlockArgs {
    /// The room ID (rooms the server does not know can be blocked too).
    #[arg(value_parser = parse_room_id)]
    room_id: String,
    /// Block the room: local users can no longer join it (the default).
    #[arg(short, long, overrides_with = "unblock")]
    block: bool,
    /// Unblock the room.
    #[arg(short, long, overrides_with = "block")]
    unblock: bool,
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

impl Run for BlockArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let block = flag_pair(self.block, self.unblock).unwrap_or(true);
        let reply = call(
            ctx.client
                .block_room()
                .room_id(self.room_id.clone())
                .body(types::BlockRoomRequest { block })
                .send(),
        )
        .await?;
        ctx.note(&format!(
            "Room {} is {}.",
            synadm::output::sanitize(&self.room_id),
            if reply.block {
                "blocked"
            } else {
                "not blocked"
            }
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
                .body(types::JoinRoomRequest {
                    user_id: user_id.clone(),
                })
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
