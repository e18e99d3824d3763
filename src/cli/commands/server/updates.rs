//! `server updates …`: background database updates (schema changes Synapse applies while it
//! runs): what runs now, pausing and resuming them, and queueing one of the jobs Synapse
//! offers.

use crate::cli::kit::prelude::*;
use clap::Subcommand;
use serde_json::{Value, json};

#[derive(Debug, Subcommand)]
pub enum UpdatesCommand {
    /// What runs now (per database), how far it got and how fast.
    Status,
    /// Resume background updates.
    Enable,
    /// Pause background updates (until Synapse restarts or `enable`).
    Disable,
    /// Queue a job: populate_stats_process_rooms (recount room statistics),
    /// regenerate_directory (rebuild the user directory) or event_resign.
    Start(StartArgs),
}

#[derive(Debug, clap::Args)]
pub struct StartArgs {
    /// The job's name.
    #[arg(value_parser = one_of::<types::BackgroundJob>(
        "a job Synapse can start: populate_stats_process_rooms, regenerate_directory or \
         event_resign"))]
    job: types::BackgroundJob,
}

/// The status in human output: one row per database with its running update.
const STATUS: View = View::new(&[
    "database",
    "name",
    "total_item_count",
    "total_duration_ms",
    "average_items_per_ms",
])
.reshape(|v| {
    let rows = v["current_updates"].as_object().into_iter().flatten();
    Value::Array(
        rows.map(|(db, update)| {
            let mut row = json!({ "database": db });
            if let (Some(row), Some(update)) = (row.as_object_mut(), update.as_object()) {
                row.extend(update.clone());
            }
            row
        })
        .collect(),
    )
})
.summary(|v| {
    let running = v["current_updates"].as_object().map_or(0, |m| m.len());
    Some(format!(
        "Background updates are {}; {running} running.",
        if v["enabled"] == true { "enabled" } else { "paused" }
    ))
});

impl Run for UpdatesCommand {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        match self {
            UpdatesCommand::Status => {
                let status = call_reply(ctx.client.get_background_updates_status().send()).await?;
                ctx.print_reply(&status, &STATUS)
            }
            UpdatesCommand::Enable | UpdatesCommand::Disable => {
                let enabled = matches!(self, UpdatesCommand::Enable);
                let body = types::BackgroundUpdatesEnabled {
                    enabled: Some(enabled),
                    extra: Default::default(),
                };
                let set = ctx.client.set_background_updates_enabled().body(body);
                let reply = call_reply(set.send()).await?;
                ctx.print_reply(&reply, &View::PLAIN)
            }
            UpdatesCommand::Start(a) => {
                let body =
                    types::StartJobRequest { job_name: a.job, old_key: None, before_ts: None };
                let reply = call_reply(ctx.client.start_background_job().body(body).send()).await?;
                ctx.note(&format!("Job {} queued.", a.job));
                ctx.print_reply(&reply, &View::PLAIN)
            }
        }
    }
}
