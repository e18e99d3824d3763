//! `synadm room …`: the room commands of Python synadm 0.49.2, with their flags.

mod delete;
mod purge_empty;

use super::prelude::*;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum RoomCommand {
    /// Delete and possibly purge a room (asks first; shows the room).
    Delete(delete::DeleteArgs),
    /// Get the status of room deletions, by room ID or by delete ID.
    DeleteStatus(delete::DeleteStatusArgs),
    /// Delete every room that no local user is joined to (asks once for all).
    PurgeEmpty(purge_empty::PurgeEmptyArgs),
}

impl Run for RoomCommand {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        match self {
            RoomCommand::Delete(a) => a.run(ctx).await,
            RoomCommand::DeleteStatus(a) => a.run(ctx).await,
            RoomCommand::PurgeEmpty(a) => a.run(ctx).await,
        }
    }
}
