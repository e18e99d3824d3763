//! `synadm federation …`: the servers this one talks to: which are failing, what rooms are
//! shared with one, and resetting one so that it is tried again at once.

use crate::cli::kit::numbers::{Checked, url_text};
use crate::cli::kit::prelude::*;
use clap::Subcommand;
use serde_json::Value;

#[derive(Debug, Subcommand)]
pub enum FederationCommand {
    /// List the servers this one has talked to, with their retry state.
    List(ListArgs),
    /// Show one destination's retry state.
    Show(DestinationArgs),
    /// List the rooms shared with a destination.
    Rooms(RoomsArgs),
    /// Forget a destination's failures, so that the server tries it again at once.
    Reset(ResetArgs),
}

impl Run for FederationCommand {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        match self {
            FederationCommand::List(a) => a.run(ctx).await,
            FederationCommand::Show(a) => a.run(ctx).await,
            FederationCommand::Rooms(a) => a.run(ctx).await,
            FederationCommand::Reset(a) => a.run(ctx).await,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    #[command(flatten)]
    paging: Paging,
    /// Only destinations whose name contains this text.
    #[arg(short = 'n', long, value_name = "TEXT", value_parser = Checked(url_text))]
    name: Option<String>,
    /// Sort by: destination, retry_last_ts, retry_interval, failure_ts or
    /// last_successful_stream_ordering.
    #[arg(short, long, value_parser = one_of::<types::DestinationOrderBy>("a destination sort order"))]
    sort: Option<types::DestinationOrderBy>,
    /// Reverse the order.
    #[arg(short, long)]
    reverse: bool,
    #[command(flatten)]
    time: TimeArgs,
}

#[derive(Debug, clap::Args)]
pub struct DestinationArgs {
    /// The server name, e.g. matrix.example.org.
    #[arg(value_parser = Checked(destination))]
    destination: String,
    #[command(flatten)]
    time: TimeArgs,
}

#[derive(Debug, clap::Args)]
pub struct RoomsArgs {
    /// The server name.
    #[arg(value_parser = Checked(destination))]
    destination: String,
    #[command(flatten)]
    paging: Paging,
    /// Reverse the order.
    #[arg(short, long)]
    reverse: bool,
}

#[derive(Debug, clap::Args)]
pub struct ResetArgs {
    /// The server name.
    #[arg(value_parser = Checked(destination))]
    destination: String,
}

/// A destination as it goes into a path: not empty, no `/`, not absurdly long.
fn destination(input: &str) -> Result<String, String> {
    if input.is_empty() || input.contains('/') {
        return Err("a destination is a server name, e.g. matrix.example.org".into());
    }
    url_text(input)
}

/// A destination a row. Times are ms; 0 means "never", shown empty.
const DESTINATION: View = View::new(&[
    "destination",
    "failure_ts",
    "retry_last_ts",
    "retry_interval",
    "last_successful_stream_ordering",
])
.times(&["failure_ts", "retry_last_ts"])
.reshape(no_zero_times);

/// Human output: `retry_last_ts` and `retry_interval` of 0 mean "none" (not 1970).
fn no_zero_times(value: &Value) -> Value {
    let mut value = value.clone();
    let blank = |item: &mut Value| {
        for key in ["retry_last_ts", "retry_interval"] {
            if item[key] == 0 {
                item[key] = Value::Null;
            }
        }
    };
    match &mut value {
        Value::Array(items) => items.iter_mut().for_each(blank),
        Value::Object(_) => blank(&mut value),
        _ => {}
    }
    value
}

impl Run for ListArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let limit = self.paging.limit();
        let fetch = |at| {
            let mut b = ctx.client.list_destinations().from(at).limit(limit);
            if let Some(n) = &self.name {
                b = b.destination(n);
            }
            if let Some(o) = self.sort {
                b = b.order_by(o);
            }
            if self.reverse {
                b = b.dir(types::Direction::B);
            }
            call_reply(b.send())
        };
        let view = DESTINATION.raw_times(self.time.raw());
        let summary = |total| format!("Destinations: {total}");
        print_paged(ctx, &self.paging, view, summary, fetch).await
    }
}

impl Run for DestinationArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let get = ctx.client.get_destination().destination(&self.destination);
        let reply = call_reply(get.send()).await?;
        ctx.print_reply(&reply, &DESTINATION.raw_times(self.time.raw()))
    }
}

impl Run for RoomsArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let limit = self.paging.limit();
        let fetch = |at| {
            let mut b = ctx.client.list_destination_rooms().destination(&self.destination);
            b = b.from(at).limit(limit);
            if self.reverse {
                b = b.dir(types::Direction::B);
            }
            call_reply(b.send())
        };
        let summary = |total| format!("Rooms shared with {}: {total}", self.destination);
        let view = View::new(&["room_id", "stream_ordering"]);
        print_paged(ctx, &self.paging, view, summary, fetch).await
    }
}

impl Run for ResetArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        ctx.confirm(&format!(
            "Forget the failures of {} and try it again at once?",
            synadm::output::sanitize(&self.destination)
        ))?;
        let reset = ctx.client.reset_destination_connection();
        let reply = call_reply(reset.destination(&self.destination).send()).await?;
        ctx.note(&format!(
            "{}: the retry timing is reset.",
            synadm::output::sanitize(&self.destination)
        ));
        ctx.print_reply(&reply, &View::PLAIN)
    }
}
