//! `media list`: the media of a room (MXC URIs), or the media a user uploaded (paged).

use crate::cli::kit::prelude::*;
use crate::cli::kit::user_queries;
use clap::ArgGroup;
use serde_json::{Value, json};
use synadm::ids::parse_room_id;

#[derive(Debug, clap::Args)]
#[command(group(ArgGroup::new("by").required(true).args(["room_id", "user_id"])))]
pub struct ListArgs {
    /// List the media referenced in this room (room ID, '!abcdefg:example.org').
    #[arg(short, long, value_parser = parse_room_id)]
    room_id: Option<String>,
    /// List the media this user uploaded (full ID or localpart).
    #[arg(short, long)]
    user_id: Option<String>,
    // Paging: only with --user-id.
    #[command(flatten)]
    paging: Paging,
    /// Sort by: media_id, upload_name, created_ts, last_access_ts, media_length,
    /// media_type, quarantined_by or safe_from_quarantine (default: newest first; only
    /// with --user-id).
    #[arg(short, long, value_parser = one_of::<types::MediaOrderBy>("a media sort order"))]
    sort: Option<types::MediaOrderBy>,
    /// Reverse the sort order (only with --user-id).
    #[arg(short = 'R', long)]
    reverse: bool,
    #[command(flatten)]
    time: TimeArgs,
}

/// The MXC URIs of a room's media, as one table in human output.
const ROOM_MEDIA: View =
    View::new(&["mxc_uri", "origin"]).reshape(room_media_rows).summary(room_media_summary);

fn room_media_rows(reply: &Value) -> Value {
    let rows = ["local", "remote"].iter().flat_map(|origin| {
        reply[*origin]
            .as_array()
            .into_iter()
            .flatten()
            .map(move |uri| json!({"mxc_uri": uri, "origin": origin}))
    });
    Value::Array(rows.collect())
}

fn room_media_summary(reply: &Value) -> Option<String> {
    let count = |k: &str| reply[k].as_array().map_or(0, Vec::len);
    Some(format!("The room has {} local and {} remote media.", count("local"), count("remote")))
}

impl Run for ListArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        if let Some(room_id) = a.room_id {
            let p = &a.paging;
            if p.from != 0 || p.limit.is_some() || p.all || a.sort.is_some() || a.reverse {
                return Err(Error::Usage(
                    "--from, --limit, --all, --sort and --reverse only apply to --user-id \
                     (a room's media list is not paged)"
                        .into(),
                ));
            }
            let media = call(ctx.client.list_room_media().room_id(room_id).send()).await?;
            return ctx.print(&media, &ROOM_MEDIA);
        }
        // The group makes one of the two required.
        let user = a.user_id.unwrap_or_default();
        let query = user_queries::MediaQuery {
            user: &user,
            paging: &a.paging,
            sort: a.sort,
            reverse: a.reverse,
            time: &a.time,
        };
        user_queries::print_media(ctx, query).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_media_becomes_one_row_per_uri() {
        let reply = json!({"local": ["mxc://a/1", "mxc://a/2"], "remote": ["mxc://b/3"]});
        assert_eq!(
            room_media_rows(&reply),
            json!([
                {"mxc_uri": "mxc://a/1", "origin": "local"},
                {"mxc_uri": "mxc://a/2", "origin": "local"},
                {"mxc_uri": "mxc://b/3", "origin": "remote"},
            ])
        );
        assert_eq!(
            room_media_summary(&reply).as_deref(),
            Some("The room has 2 local and 1 remote media.")
        );
    }
}
