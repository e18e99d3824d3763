//! `media quarantine-changes`: the log of media put into and taken out of quarantine, in the
//! order it happened (Synapse 1.152 or later).

use crate::cli::kit::prelude::*;

#[derive(Debug, clap::Args)]
pub struct ChangesArgs {
    /// Start at this stream position (the next_batch of an earlier page); 0 is the start.
    #[arg(short, long, default_value_t = 0, value_parser = crate::cli::kit::numbers::non_negative,
          allow_negative_numbers = true)]
    from: i64,
    /// Follow next_batch to the newest change and stream every change as one list.
    #[arg(long)]
    all: bool,
}

/// One change a row: the media (as an MXC URI's parts) and which way it went (SQLite says
/// 1/0, shown as true/false).
const CHANGE: View = View::new(&["origin", "media_id", "quarantined"]).bools(&["quarantined"]);

/// One page: `changes` as a table, the next position on stderr.
const PAGE: View =
    View::new(CHANGE.columns).bools(CHANGE.bools).reshape(|v| v["changes"].clone()).summary(|v| {
        Some(format!(
            "{} change(s); the next page starts at --from {}.",
            v["changes"].as_array().map_or(0, Vec::len),
            v["next_batch"]
        ))
    });

impl Run for ChangesArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let fetch = |at: i64| call(ctx.client.list_quarantine_changes().from(at).send());
        if !self.all {
            let ask = ctx.client.list_quarantine_changes().from(self.from);
            let page = call_reply(ask.send()).await?;
            return ctx.print_reply(&page, &PAGE);
        }
        print_all(ctx, CHANGE, self.from, fetch).await
    }
}
