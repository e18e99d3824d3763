//! `server tasks`: the scheduler's tasks, filtered as the server allows.

use crate::cli::kit::numbers::{Checked, url_text};
use crate::cli::kit::prelude::*;
use synadm::time;

#[derive(Debug, clap::Args)]
pub struct TasksArgs {
    /// Only tasks of this action (e.g. shutdown_and_purge_room, redact_all_events); repeatable.
    #[arg(short, long, value_name = "ACTION", value_parser = Checked(url_text))]
    action: Vec<String>,
    /// Only tasks on this resource (e.g. a room ID).
    #[arg(short, long, value_name = "ID", value_parser = Checked(url_text))]
    resource: Option<String>,
    /// Only tasks in this state: scheduled, active, complete, failed or cancelled; repeatable.
    #[arg(short, long, value_parser = one_of::<types::TaskStatus>(
        "a task state (scheduled, active, complete, failed, cancelled)"))]
    status: Vec<types::TaskStatus>,
    /// Only tasks scheduled at or before this time: YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS,
    /// 'YYYY-MM-DD HH:MM:SS' (local time) or RFC 3339.
    #[arg(short, long, value_name = "DATETIME", value_parser = time::parse_datetime_ms)]
    before: Option<i64>,
    #[command(flatten)]
    time: TimeArgs,
}

/// A task a row, its time as a date.
const TASK: View = View::new(&["timestamp_ms", "status", "action", "resource_id", "error", "id"])
    .times(&["timestamp_ms"])
    .reshape(|v| v["scheduled_tasks"].clone())
    .summary(|v| {
        Some(format!("Scheduled tasks: {}", v["scheduled_tasks"].as_array().map_or(0, Vec::len)))
    });

impl Run for TasksArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let mut b = ctx.client.list_scheduled_tasks();
        if !self.action.is_empty() {
            b = b.action_name(self.action);
        }
        if let Some(r) = self.resource {
            b = b.resource_id(r);
        }
        if !self.status.is_empty() {
            b = b.status(self.status);
        }
        if let Some(ms) = self.before {
            b = b.max_timestamp(ms);
        }
        let reply = call_reply(b.send()).await?;
        ctx.print_reply(&reply, &TASK.raw_times(self.time.raw()))
    }
}
