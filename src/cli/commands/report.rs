//! `synadm report …`: what users reported (events, and users since Synapse 1.152): list to
//! triage, show one with the reported event, delete one.

use crate::cli::kit::numbers::{Checked, url_text};
use crate::cli::kit::prelude::*;
use clap::{Subcommand, ValueEnum};
use serde_json::{Value, json};
use synadm::api::Reply;

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// List reports, newest first: event reports and user reports, or one kind.
    List(ListArgs),
    /// Show one report (an event report with the reported event).
    Show(ReportArgs),
    /// Delete one report (the reported event or user is left as it is).
    Delete(ReportArgs),
}

impl Run for ReportCommand {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        match self {
            ReportCommand::List(a) => a.run(ctx).await,
            ReportCommand::Show(a) => a.show(ctx).await,
            ReportCommand::Delete(a) => a.delete(ctx).await,
        }
    }
}

/// Which reports.
#[derive(Debug, Clone, Copy, PartialEq, ValueEnum)]
pub enum Kind {
    /// Reports of events (messages and other events in rooms).
    Event,
    /// Reports of users (Synapse 1.152 or later).
    User,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only this kind of report [default: both, one page of each].
    #[arg(short, long)]
    kind: Option<Kind>,
    #[command(flatten)]
    paging: Paging,
    /// Oldest first.
    #[arg(long)]
    oldest_first: bool,
    /// Only reports filed by users whose ID contains this text.
    #[arg(short = 'u', long, value_name = "TEXT", value_parser = Checked(url_text))]
    reporter: Option<String>,
    /// Only event reports in rooms whose ID contains this text.
    #[arg(short, long, value_name = "TEXT", value_parser = Checked(url_text))]
    room_id: Option<String>,
    /// Only event reports of events this user sent.
    #[arg(short, long, value_name = "USER_ID", value_parser = Checked(url_text))]
    sender: Option<String>,
    /// Only user reports of this user.
    #[arg(short, long, value_name = "USER_ID", value_parser = Checked(url_text))]
    target: Option<String>,
    #[command(flatten)]
    time: TimeArgs,
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// The report's ID (the `id` in `report list`).
    #[arg(value_parser = crate::cli::kit::numbers::non_negative, allow_negative_numbers = true)]
    report_id: i64,
    /// Which kind of report the ID belongs to (event and user reports are numbered apart).
    #[arg(short, long, default_value = "event")]
    kind: Kind,
    #[command(flatten)]
    time: TimeArgs,
}

/// An event report a row: enough to triage from (when, where, who sent what, who reported
/// it and why).
const EVENT_REPORT: View = View::new(&[
    "id",
    "received_ts",
    "name",
    "sender",
    "reason",
    "score",
    "user_id",
    "room_id",
    "event_id",
])
.times(&["received_ts", "origin_server_ts"]);

/// A user report a row.
const USER_REPORT: View = View::new(&["id", "received_ts", "target_user_id", "reason", "user_id"])
    .times(&["received_ts"]);

/// A reply as a tree: from the server's bytes when kept (its key order), else its type.
fn tree<T: serde::Serialize>(reply: &Reply<T>) -> Result<Value, Error> {
    let parsed = match &reply.body {
        Some(body) => serde_json::from_slice(body),
        None => serde_json::to_value(&reply.value),
    };
    parsed.map_err(|e| Error::Io(format!("cannot read the reply again: {e}")))
}

impl ListArgs {
    fn direction(&self) -> types::Direction {
        if self.oldest_first { types::Direction::F } else { types::Direction::B }
    }

    async fn event_page(
        &self,
        ctx: &Ctx,
        from: i64,
    ) -> Result<Reply<types::EventReportList>, Error> {
        let mut b = ctx.client.list_event_reports().from(from);
        b = b.limit(self.paging.limit()).dir(self.direction());
        if let Some(u) = &self.reporter {
            b = b.user_id(u);
        }
        if let Some(r) = &self.room_id {
            b = b.room_id(r);
        }
        if let Some(s) = &self.sender {
            b = b.event_sender_user_id(s);
        }
        call_reply(b.send()).await
    }

    async fn user_page(&self, ctx: &Ctx, from: i64) -> Result<Reply<types::UserReportList>, Error> {
        let mut b = ctx.client.list_user_reports().from(from);
        b = b.limit(self.paging.limit()).dir(self.direction());
        if let Some(u) = &self.reporter {
            b = b.user_id(u);
        }
        if let Some(t) = &self.target {
            b = b.target_user_id(t);
        }
        call_reply(b.send()).await
    }

    /// Both kinds, one page each, as one document `{event_reports: page, user_reports:
    /// page}`; a server too old for user reports gets `null` there and a note.
    async fn both(&self, ctx: &Ctx) -> Result<(), Error> {
        if self.paging.all {
            return Err(Error::Usage(
                "--all streams one kind: add --kind event or --kind user".into(),
            ));
        }
        let (events, users) = futures::join!(
            self.event_page(ctx, self.paging.from),
            self.user_page(ctx, self.paging.from)
        );
        let events = events?;
        let users = match users {
            Ok(page) => Some(page),
            Err(Error::Unsupported { server, .. }) => {
                ctx.note(&format!(
                    "User reports: not available (Synapse {} has none before 1.152).",
                    synadm::output::sanitize(&server)
                ));
                None
            }
            Err(e) => return Err(e),
        };
        if ctx.format() != synadm::output::Format::Human {
            let doc = json!({
                "event_reports": tree(&events)?,
                "user_reports": users.as_ref().map(tree).transpose()?,
            });
            return ctx.print_value(&doc, &View::PLAIN);
        }
        let raw = self.time.raw();
        ctx.note(&format!("Event reports: {}", events.value.total));
        ctx.print(&events.value.event_reports, &EVENT_REPORT.raw_times(raw))?;
        if let Some(users) = users {
            ctx.note(&format!("User reports: {}", users.value.total));
            ctx.print(&users.value.user_reports, &USER_REPORT.raw_times(raw))?;
        }
        Ok(())
    }
}

impl Run for ListArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let raw = self.time.raw();
        match self.kind {
            None => self.both(ctx).await,
            Some(Kind::Event) => {
                let fetch = |at| self.event_page(ctx, at);
                let summary = |total| format!("Event reports: {total}");
                print_paged(ctx, &self.paging, EVENT_REPORT.raw_times(raw), summary, fetch).await
            }
            Some(Kind::User) => {
                let fetch = |at| self.user_page(ctx, at);
                let summary = |total| format!("User reports: {total}");
                print_paged(ctx, &self.paging, USER_REPORT.raw_times(raw), summary, fetch).await
            }
        }
    }
}

impl ReportArgs {
    async fn show(self, ctx: &Ctx) -> Result<(), Error> {
        let raw = self.time.raw();
        match self.kind {
            Kind::Event => {
                let get = ctx.client.get_event_report().report_id(self.report_id);
                ctx.print_reply(&call_reply(get.send()).await?, &EVENT_REPORT.raw_times(raw))
            }
            Kind::User => {
                let get = ctx.client.get_user_report().report_id(self.report_id);
                ctx.print_reply(&call_reply(get.send()).await?, &USER_REPORT.raw_times(raw))
            }
        }
    }

    async fn delete(self, ctx: &Ctx) -> Result<(), Error> {
        let id = self.report_id;
        // Read first: the question says what goes, and an unknown ID fails before asking.
        let what = match self.kind {
            Kind::Event => {
                let r = call(ctx.client.get_event_report().report_id(id).send()).await?;
                format!(
                    "event report {id} by {} of {}'s event in {}",
                    r.user_id,
                    r.sender,
                    r.name.as_deref().unwrap_or(&r.room_id)
                )
            }
            Kind::User => {
                let r = call(ctx.client.get_user_report().report_id(id).send()).await?;
                format!("user report {id} by {} of {}", r.user_id, r.target_user_id)
            }
        };
        ctx.confirm(&format!(
            "Delete {}? The report is gone; what it reported stays.",
            synadm::output::sanitize(&what)
        ))?;
        let reply = match self.kind {
            Kind::Event => {
                call_reply(ctx.client.delete_event_report().report_id(id).send()).await?
            }
            Kind::User => call_reply(ctx.client.delete_user_report().report_id(id).send()).await?,
        };
        ctx.print_reply(&reply, &View::PLAIN)
    }
}
