//! `room make-admin`: give a user the power of the room's most powerful local user.

use super::creators::creation;
use super::lookup::room_id_of;
use crate::cli::kit::prelude::*;
use serde_json::json;
use synadm::ids::{RoomArg, parse_room_id_or_alias};
use synadm::output::sanitize;

#[derive(Debug, clap::Args)]
pub struct MakeAdminArgs {
    /// The room ID or alias (#name:example.org).
    #[arg(value_parser = parse_room_id_or_alias)]
    room_id_or_alias: RoomArg,
    /// The user to make room admin (full ID or localpart) [default: you, the caller].
    #[arg(short, long)]
    user_id: Option<String>,
}

/// Explains the server's refusals of make_room_admin, which name no user or cause.
fn explain_make_admin_error(e: &Error, target: &str) -> Option<String> {
    let Error::Matrix { status: 400, message, .. } = e else {
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
                (id.clone(), types::MakeRoomAdminRequest { user_id: Some(id) })
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
        let reply =
            call(ctx.client.make_room_admin().room_id_or_alias(room_id.clone()).body(body).send())
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
