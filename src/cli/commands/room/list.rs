//! The paginated room lists: `room list` and `room search`.

use crate::cli::kit::prelude::*;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use synadm::api::builder;

/// The sort orders of the room list, as synadm offers them (Synapse's deprecated
/// `alphabetical` and `size` are left out).
const ROOM_ORDERS: [&str; 13] = [
    "name",
    "canonical_alias",
    "joined_members",
    "joined_local_members",
    "version",
    "creator",
    "encryption",
    "federatable",
    "public",
    "join_rules",
    "guest_access",
    "history_visibility",
    "state_events",
];

/// `-s/--sort`: one of [`ROOM_ORDERS`].
pub fn room_order() -> impl TypedValueParser<Value = types::RoomOrderBy> {
    PossibleValuesParser::new(ROOM_ORDERS).try_map(|s| s.parse::<types::RoomOrderBy>())
}

/// A non-empty search term (Synapse answers an empty one with 400).
pub fn search_term(s: &str) -> Result<String, String> {
    if s.is_empty() {
        Err("the search term must not be empty".to_string())
    } else {
        Ok(s.to_string())
    }
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    #[command(flatten)]
    paging: Paging,
    /// Only rooms whose name or canonical alias contains this text (case-insensitive),
    /// or whose room ID is exactly this.
    #[arg(short, long, value_parser = search_term)]
    name: Option<String>,
    /// Sort the rooms by this field (default: name).
    #[arg(short, long, value_parser = room_order())]
    sort: Option<types::RoomOrderBy>,
    /// Reverse the sort order.
    #[arg(short, long)]
    reverse: bool,
    /// Only empty rooms (no joined members).
    #[arg(short, long, overrides_with = "not_empty")]
    empty: bool,
    /// Only rooms that are not empty.
    #[arg(short = 'E', long, overrides_with = "empty")]
    not_empty: bool,
    /// Only rooms published in the room directory.
    #[arg(long, overrides_with = "not_public")]
    public: bool,
    /// Only rooms not published in the room directory.
    #[arg(long, overrides_with = "public")]
    not_public: bool,
}

#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// Text to look for in room names and canonical aliases (case-insensitive), or an
    /// exact room ID.
    #[arg(value_parser = search_term)]
    search_term: String,
    #[command(flatten)]
    paging: Paging,
    /// Sort the rooms by this field (default: name).
    #[arg(short, long, value_parser = room_order())]
    sort: Option<types::RoomOrderBy>,
    /// Reverse the sort order.
    #[arg(short, long)]
    reverse: bool,
}

/// The filters of one room list request, applied to every page.
#[derive(Debug, Default, Clone)]
pub struct RoomQuery {
    pub search_term: Option<String>,
    pub order_by: Option<types::RoomOrderBy>,
    pub reverse: bool,
    pub empty: Option<bool>,
    pub public: Option<bool>,
}

impl RoomQuery {
    pub fn request<'a>(&self, ctx: &'a Ctx, from: i64, limit: i64) -> builder::ListRooms<'a> {
        let mut b = ctx.client.list_rooms().from(from).limit(limit);
        if let Some(t) = &self.search_term {
            b = b.search_term(t.clone());
        }
        if let Some(o) = self.order_by {
            b = b.order_by(o);
        }
        if self.reverse {
            b = b.dir(types::Direction::B);
        }
        if let Some(e) = self.empty {
            b = b.empty_rooms(e);
        }
        if let Some(p) = self.public {
            b = b.public_rooms(p);
        }
        b
    }
}

async fn print_rooms(
    ctx: &Ctx,
    q: RoomQuery,
    paging: Paging,
    summary: impl Fn(i64) -> String,
) -> Result<(), Error> {
    let limit = paging.limit();
    let fetch = |at| call(q.request(ctx, at, limit).send());
    print_paged(ctx, &paging, views::ROOM, summary, fetch).await
}

impl Run for ListArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        let q = RoomQuery {
            search_term: a.name,
            order_by: a.sort,
            reverse: a.reverse,
            empty: flag_pair(a.empty, a.not_empty),
            public: flag_pair(a.public, a.not_public),
        };
        if q.search_term.is_some() && (q.empty.is_some() || q.public.is_some()) {
            ctx.note(
                "Note: Synapse (as of 1.163) ignores --empty/--not-empty and \
                 --public/--not-public for rooms that match the search term by name or alias \
                 (its query lacks parentheses); check the `joined_members` and `public` fields.",
            );
        }
        let what = match &q.search_term {
            Some(term) => format!("Rooms matching {term:?}"),
            None => "Total rooms".to_string(),
        };
        print_rooms(ctx, q, a.paging, |total| format!("{what}: {total}")).await
    }
}

impl Run for SearchArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        // Synapse matches case-insensitively, so one request does what Python synadm
        // approximated with two (lower-case and capitalised).
        let what = format!("Rooms matching {:?}", a.search_term);
        let q = RoomQuery {
            search_term: Some(a.search_term),
            order_by: a.sort,
            reverse: a.reverse,
            ..Default::default()
        };
        print_rooms(ctx, q, a.paging, |total| format!("{what}: {total}")).await
    }
}
