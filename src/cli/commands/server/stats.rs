//! `server media-stats` and `server room-sizes`: who stores the most media, which rooms take
//! the most database space.

use crate::cli::kit::numbers::{Checked, url_text};
use crate::cli::kit::prelude::*;
use synadm::time;

#[derive(Debug, clap::Args)]
pub struct MediaStatsArgs {
    #[command(flatten)]
    paging: Paging,
    /// Sort by: user_id, displayname, media_length or media_count [default: user_id].
    #[arg(short, long, value_parser = one_of::<types::MediaStatsOrderBy>(
        "a sort order (user_id, displayname, media_length, media_count)"))]
    sort: Option<types::MediaStatsOrderBy>,
    /// Reverse the order (e.g. with -s media_length: the biggest first).
    #[arg(short, long)]
    reverse: bool,
    /// Only media uploaded at or after this time: YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS,
    /// 'YYYY-MM-DD HH:MM:SS' (local time) or RFC 3339.
    #[arg(long, value_name = "DATETIME", value_parser = time::parse_datetime_ms)]
    since: Option<i64>,
    /// Only media uploaded before this time (same forms).
    #[arg(long, value_name = "DATETIME", value_parser = time::parse_datetime_ms)]
    until: Option<i64>,
    /// Only users whose ID or display name contains this text.
    #[arg(short = 'n', long, value_name = "TEXT", value_parser = Checked(url_text))]
    search: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct RoomSizesArgs {}

/// A user a row, sizes for people.
const MEDIA_STATS: View =
    View::new(&["user_id", "media_count", "media_length", "displayname"]).sizes(&["media_length"]);

impl Run for MediaStatsArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        if let (Some(since), Some(until)) = (a.since, a.until)
            && until <= since
        {
            return Err(Error::Usage("--until must be after --since".into()));
        }
        if a.search.as_deref() == Some("") {
            return Err(Error::Usage("the search text must not be empty".into()));
        }
        let limit = a.paging.limit();
        let fetch = |at| {
            let mut b = ctx.client.list_user_media_statistics().from(at).limit(limit);
            if let Some(o) = a.sort {
                b = b.order_by(o);
            }
            if a.reverse {
                b = b.dir(types::Direction::B);
            }
            if let Some(ms) = a.since {
                b = b.from_ts(ms);
            }
            if let Some(ms) = a.until {
                b = b.until_ts(ms);
            }
            if let Some(s) = &a.search {
                b = b.search_term(s);
            }
            call_reply(b.send())
        };
        let summary = |total| format!("Users with media: {total}");
        print_paged(ctx, &a.paging, MEDIA_STATS, summary, fetch).await
    }
}

/// The rooms a row, sizes for people.
const ROOM_SIZES: View = View::new(&["room_id", "estimated_size"])
    .sizes(&["estimated_size"])
    .reshape(|v| v["rooms"].clone());

impl Run for RoomSizesArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let reply = match call_reply(ctx.client.list_largest_rooms().send()).await {
            Err(e @ Error::Matrix { status: 500, .. }) => {
                // Synapse 1.163 reads PostgreSQL's most common room per table, and raises where
                // a table has none (event_edges.room_id, no longer written, is empty on
                // databases created by recent releases; any table before an ANALYZE).
                ctx.note(
                    "Synapse cannot estimate room sizes from this database's statistics \
                     (a known failure on databases created by recent releases).",
                );
                return Err(e);
            }
            other => other?,
        };
        ctx.print_reply(&reply, &ROOM_SIZES)
    }
}
