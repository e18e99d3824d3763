//! `synadm media …`: every media command of Python synadm 0.49.2, with its flags, plus
//! `protect -u` to lift a protection.

mod delete;
mod list;
mod quarantine;
mod quarantine_log;

use crate::cli::kit::prelude::*;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum MediaCommand {
    /// List local media by room or user.
    List(list::ListArgs),
    /// Delete local media by ID, by last access (and size), or all of one user's.
    Delete(delete::DeleteArgs),
    /// Purge old cached remote media (local media is never touched).
    Purge(delete::PurgeArgs),
    /// Quarantine media in rooms, by users, or by media ID or MXC URI.
    Quarantine(quarantine::QuarantineArgs),
    /// Remove media from quarantine.
    Unquarantine(quarantine::UnquarantineArgs),
    /// The log of media put into and taken out of quarantine (Synapse 1.152 or later).
    QuarantineChanges(quarantine_log::ChangesArgs),
    /// Protect local media from being quarantined (-u: lift the protection).
    Protect(quarantine::ProtectArgs),
}

impl Run for MediaCommand {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        match self {
            MediaCommand::List(a) => a.run(ctx).await,
            MediaCommand::Delete(a) => a.run(ctx).await,
            MediaCommand::Purge(a) => a.run(ctx).await,
            MediaCommand::Quarantine(a) => a.run(ctx).await,
            MediaCommand::Unquarantine(a) => a.run(ctx).await,
            MediaCommand::QuarantineChanges(a) => a.run(ctx).await,
            MediaCommand::Protect(a) => a.run(ctx).await,
        }
    }
}
