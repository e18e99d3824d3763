//! `synadm history …`: purge a room's old events, and follow the purge.

use crate::cli::kit::jobs::{Job, job_state, wait};
use crate::cli::kit::prelude::*;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// Purge room events before a point in time or before an event ID.
    Purge(PurgeArgs),
    /// View the status of a history purge.
    PurgeStatus(PurgeStatusArgs),
}

impl Run for HistoryCommand {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        match self {
            HistoryCommand::Purge(a) => a.run(ctx).await,
            HistoryCommand::PurgeStatus(a) => a.run(ctx).await,
        }
    }
}

#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("cutoff").required(true).multiple(false))]
pub struct PurgeArgs {
    /// The room ID (!…).
    #[arg(value_parser = synadm::ids::parse_room_id)]
    room_id: String,
    /// Purge all history before this event (which itself stays). Event IDs contain `$`,
    /// which the shell expands: put them in single quotes ('$abc…').
    #[arg(short = 'i', long, group = "cutoff", value_name = "EVENT_ID",
          value_parser = parse_event_id)]
    before_event_id: Option<String>,
    /// Purge all history older than this many days (0: up to now).
    #[arg(short = 'd', long, group = "cutoff", value_name = "DAYS",
          value_parser = crate::cli::kit::numbers::non_negative, allow_negative_numbers = true)]
    before_days: Option<i64>,
    /// Purge all history before this point in time: YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS,
    /// 'YYYY-MM-DD HH:MM:SS' (local time) or RFC 3339.
    #[arg(long, group = "cutoff", value_name = "DATE", value_parser = parse_date)]
    before: Option<i64>,
    /// Purge all history before this point in time, in milliseconds since the epoch.
    #[arg(long, group = "cutoff", value_name = "MS",
          value_parser = crate::cli::kit::numbers::non_negative, allow_negative_numbers = true)]
    before_ts: Option<i64>,
    /// Also delete the events of local users from the database. Without it they leave the
    /// room's history all the same but stay in the database; with it they are gone for good.
    #[arg(long)]
    delete_local: bool,
    #[command(flatten)]
    wait: WaitArgs,
}

#[derive(Debug, clap::Args)]
pub struct PurgeStatusArgs {
    /// The purge_id printed by `history purge`.
    purge_id: String,
}

/// An event ID, with a hint about the shell, which empties an unquoted `$id`.
fn parse_event_id(input: &str) -> Result<String, String> {
    synadm::ids::parse_event_id(input).map_err(|e| {
        format!("{e} (event IDs start with '$'; put them in single quotes so that the shell leaves the '$' alone)")
    })
}

fn parse_date(input: &str) -> Result<i64, String> {
    synadm::time::parse_datetime_ms(input).map_err(|e| e.to_string())
}

/// The cut-off: an event, or a point in time in ms.
enum Cutoff {
    Event(String),
    Time(i64),
}

impl PurgeArgs {
    fn cutoff(&self) -> Result<Cutoff, Error> {
        Ok(match (&self.before_event_id, self.before_days, self.before, self.before_ts) {
            (Some(event), ..) => Cutoff::Event(event.clone()),
            (_, Some(days), ..) => Cutoff::Time(synadm::time::days_from_now_ms(-days)?),
            (_, _, Some(ms), _) | (_, _, _, Some(ms)) => Cutoff::Time(ms),
            _ => {
                return Err(Error::Usage(
                    "give one cut-off (-i, -d, --before or --before-ts)".into(),
                ));
            }
        })
    }
}

const PURGE_STATUS: View = View::new(&["purge_id", "status", "error"]);

impl Run for PurgeArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        let cutoff = a.cutoff()?;
        let before = match &cutoff {
            Cutoff::Event(event) => format!("event {event}"),
            Cutoff::Time(ms) => match synadm::time::humanize(*ms) {
                Some(when) => format!("{when} ({ms} ms)"),
                None => format!("{ms} ms"),
            },
        };
        let whose = if a.delete_local {
            "deletes them from the database, local users' events included"
        } else {
            "deletes remote users' events; local users' events stay in the database, hidden \
             (--delete-local deletes them too)"
        };
        ctx.note(&format!(
            "Purging the history of {} before {before} removes those events from the room's \
             history and {whose}. State events stay.",
            a.room_id
        ));
        if a.delete_local {
            ctx.note(
                "Warning: --delete-local deletes the messages of this server's own users, which \
                 may be the only copies there are; they cannot be recovered.",
            );
        }
        ctx.confirm("Are you sure you want to purge room history?")?;
        let body = match cutoff {
            Cutoff::Event(event) => types::PurgeHistoryRequest {
                purge_up_to_event_id: Some(event),
                ..Default::default()
            },
            Cutoff::Time(ms) => {
                types::PurgeHistoryRequest { purge_up_to_ts: Some(ms), ..Default::default() }
            }
        };
        let body = types::PurgeHistoryRequest {
            delete_local_events: a.delete_local.then_some(true),
            ..body
        };
        let started =
            call(ctx.client.purge_history().room_id(&a.room_id).body(body).send()).await?;
        if !a.wait.wait {
            ctx.note(&format!(
                "History purge started; follow it with `synadm history purge-status {}` \
                 (or use --wait).",
                started.purge_id
            ));
            return ctx.print(&started, &View::PLAIN);
        }
        let job = Job {
            what: "history purge",
            id: started.purge_id.clone(),
            status_command: format!("synadm history purge-status {}", started.purge_id),
        };
        let poll = || call(ctx.client.get_purge_history_status().purge_id(&job.id).send());
        let status = wait(&job, poll, |s: &types::PurgeStatus| {
            job_state(&s.status.to_string(), s.error.as_deref())
        })
        .await?;
        // The final status, with the ID the purge had (as printed without --wait).
        let mut out = serde_json::json!({"purge_id": job.id});
        if let (Some(out), serde_json::Value::Object(fields)) =
            (out.as_object_mut(), serde_json::to_value(&status).unwrap_or_default())
        {
            out.extend(fields);
        }
        ctx.print(&out, &PURGE_STATUS)
    }
}

impl Run for PurgeStatusArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let status =
            call(ctx.client.get_purge_history_status().purge_id(self.purge_id).send()).await?;
        ctx.print(&status, &PURGE_STATUS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_ids_must_start_with_a_dollar() {
        assert_eq!(parse_event_id("$abc:x").unwrap(), "$abc:x");
        assert_eq!(parse_event_id("$AbC-12_3").unwrap(), "$AbC-12_3");
        for bad in ["", "$", "abc", "!room:x", "$a b"] {
            assert!(parse_event_id(bad).is_err(), "{bad:?}");
        }
    }
}
