//! `synadm server …`: the server as a whole: scheduled tasks, background database updates,
//! statistics.

mod overview;
mod stats;
mod tasks;
mod updates;

use crate::cli::kit::prelude::*;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum ServerCommand {
    /// How the server is doing, on one screen: users, rooms, media, reports, federation,
    /// background updates, failed tasks.
    Overview(overview::OverviewArgs),
    /// List the server's scheduled tasks (room deletions, redactions, …).
    Tasks(tasks::TasksArgs),
    /// Background database updates: what runs, pause, resume, start a job.
    #[command(subcommand)]
    Updates(updates::UpdatesCommand),
    /// Local media per user: how many items and how many bytes.
    MediaStats(stats::MediaStatsArgs),
    /// The ten rooms taking the most database space (PostgreSQL only).
    RoomSizes(stats::RoomSizesArgs),
}

impl Run for ServerCommand {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        match self {
            ServerCommand::Overview(a) => a.run(ctx).await,
            ServerCommand::Tasks(a) => a.run(ctx).await,
            ServerCommand::Updates(a) => a.run(ctx).await,
            ServerCommand::MediaStats(a) => a.run(ctx).await,
            ServerCommand::RoomSizes(a) => a.run(ctx).await,
        }
    }
}
