//! Moderation: `user redact`, `redact-status`, `shadow-ban`, `suspend`.

use crate::cli::kit::bulk::{BulkArgs, Rows};
use crate::cli::kit::id_list::{self, ListRun, Target};
use crate::cli::kit::jobs::{Job, job_state, wait};
use crate::cli::kit::prelude::*;

#[derive(Debug, clap::Args)]
pub struct RedactArgs {
    /// The user (full ID or localpart); remote users work too.
    user_id: String,
    /// Only redact in this room (room ID); repeatable. Default: every room.
    #[arg(short, long = "room", value_name = "ROOM_ID", value_parser = crate::cli::kit::numbers::Checked(synadm::ids::parse_room_id))]
    rooms: Vec<String>,
    /// Reason shown in the redaction events.
    #[arg(long)]
    reason: Option<String>,
    /// Redact at most this many events per room (Synapse's default: 1000).
    #[arg(short, long, value_parser = crate::cli::kit::numbers::positive_nonzero,
          allow_negative_numbers = true)]
    limit: Option<std::num::NonZeroU64>,
    #[command(flatten)]
    wait: WaitArgs,
}

#[derive(Debug, clap::Args)]
pub struct RedactStatusArgs {
    /// The redact_id printed by `user redact`.
    redact_id: String,
}

#[derive(Debug, clap::Args)]
pub struct ShadowBanArgs {
    /// The user (full ID or localpart), or - to read users from stdin, one a line.
    user_id: String,
    /// Lift the shadow-ban instead.
    #[arg(short, long)]
    unban: bool,
    #[command(flatten, next_help_heading = "With a list of users (-)")]
    bulk: BulkArgs,
}

#[derive(Debug, clap::Args)]
pub struct SuspendArgs {
    /// The user (full ID or localpart), or - to read users from stdin, one a line.
    user_id: String,
    /// Lift the suspension instead.
    #[arg(short = 'U', long)]
    unsuspend: bool,
    #[command(flatten, next_help_heading = "With a list of users (-)")]
    bulk: BulkArgs,
}

impl Run for RedactArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        let user_id = ctx.user_id(&a.user_id).await?;
        let scope = if a.rooms.is_empty() {
            "every room".to_string()
        } else {
            format!("{} room(s)", a.rooms.len())
        };
        ctx.confirm(&format!("Redact the events {user_id} sent in {scope}?"))?;
        let body = types::RedactRequest { rooms: a.rooms, reason: a.reason, limit: a.limit };
        let started =
            call(ctx.client.redact_user_events().user_id(user_id).body(body).send()).await?;
        if !a.wait.wait {
            ctx.note(&format!(
                "Redaction started; follow it with `synadm user redact-status {}`.",
                started.redact_id
            ));
            return ctx.print(&started, &View::PLAIN);
        }
        let job = Job {
            what: "redaction",
            id: started.redact_id.clone(),
            status_command: format!("synadm user redact-status {}", started.redact_id),
        };
        let poll = || call(ctx.client.get_redact_status().redact_id(&job.id).send());
        let status =
            wait(&job, poll, |s: &types::RedactStatus| job_state(&s.status, s.error.as_deref()))
                .await?;
        // The final status, with the ID the job had (as printed without --wait).
        let mut out = serde_json::json!({"redact_id": job.id});
        if let (Some(out), serde_json::Value::Object(fields)) =
            (out.as_object_mut(), serde_json::to_value(&status).unwrap_or_default())
        {
            out.extend(fields);
        }
        ctx.print(&out, &REDACT_STATUS)
    }
}

const REDACT_STATUS: View = View::new(&["status"]);

impl Run for RedactStatusArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        let status = call(ctx.client.get_redact_status().redact_id(a.redact_id).send()).await?;
        ctx.print(&status, &REDACT_STATUS)
    }
}

async fn shadow_ban(ctx: &Ctx, user_id: String, unban: bool) -> Result<types::Empty, Error> {
    if unban {
        call(ctx.client.unshadow_ban_user().user_id(user_id).send()).await
    } else {
        call(ctx.client.shadow_ban_user().user_id(user_id).send()).await
    }
}

async fn suspend(
    ctx: &Ctx,
    user_id: String,
    unsuspend: bool,
) -> Result<types::SuspendResult, Error> {
    let body = types::SuspendRequest { suspend: !unsuspend };
    call(ctx.client.suspend_user().user_id(user_id).body(body).send()).await
}

/// The rows of a run over users: the ID, and the error of a failed one.
fn user_rows<'a, T>() -> Rows<'a, String, T> {
    Rows::of_ids(
        View::new(&["user_id", "error"]),
        &|id, _| serde_json::json!({ "user_id": id }),
        &|id, error| serde_json::json!({ "user_id": id, "error": error }),
    )
}

impl Run for ShadowBanArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        if Target::of(&a.user_id) == Target::Stdin {
            let list = id_list::users_from_stdin(ctx).await?;
            let how = ListRun {
                question: if a.unban {
                    "Lift the shadow-ban of these users?"
                } else {
                    "Shadow-ban these users?"
                },
                one: "user",
                many: "users",
            };
            let action = |id| shadow_ban(ctx, id, a.unban);
            return id_list::run(ctx, &a.bulk, list, how, user_rows(), action).await;
        }
        let user_id = ctx.user_id(&a.user_id).await?;
        let reply = shadow_ban(ctx, user_id.clone(), a.unban).await?;
        ctx.note(&format!(
            "{user_id} is {}shadow-banned.",
            if a.unban { "no longer " } else { "now " }
        ));
        ctx.print(&reply, &View::PLAIN)
    }
}

impl Run for SuspendArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        let verb = if a.unsuspend { "unsuspend" } else { "suspend" };
        if Target::of(&a.user_id) == Target::Stdin {
            let list = id_list::users_from_stdin(ctx).await?;
            let question = format!("Are you sure you want to {verb} these users?");
            let how = ListRun { question: &question, one: "user", many: "users" };
            let action = |id| suspend(ctx, id, a.unsuspend);
            return id_list::run(ctx, &a.bulk, list, how, user_rows(), action).await;
        }
        let user_id = ctx.user_id(&a.user_id).await?;
        ctx.confirm(&format!("Are you sure you want to {verb} {user_id}?"))?;
        let reply = suspend(ctx, user_id, a.unsuspend).await?;
        ctx.print(&reply, &View::PLAIN)
    }
}
