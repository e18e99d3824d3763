//! What the room list is asked for: the filter flags that `room list`, `room search` and
//! `room power-levels` share, and the request they make of every page.

use crate::cli::kit::numbers::{Checked, url_text};
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
fn room_order() -> impl TypedValueParser<Value = types::RoomOrderBy> {
    PossibleValuesParser::new(ROOM_ORDERS).try_map(|s| s.parse::<types::RoomOrderBy>())
}

/// A non-empty search term (Synapse answers an empty one with 400) of bounded length.
pub fn search_term(s: &str) -> Result<String, String> {
    if s.is_empty() { Err("the search term must not be empty".to_string()) } else { url_text(s) }
}

/// `-s/--sort` and `-r/--reverse`.
#[derive(Debug, clap::Args)]
pub struct RoomOrder {
    /// Sort the rooms by this field (default: name).
    #[arg(short, long, value_parser = room_order())]
    sort: Option<types::RoomOrderBy>,
    /// Reverse the sort order.
    #[arg(short, long)]
    reverse: bool,
}

/// `-n/--name` and the sort order.
#[derive(Debug, clap::Args)]
pub struct RoomFilter {
    /// Only rooms whose name or canonical alias contains this text (case-insensitive),
    /// or whose room ID is exactly this.
    #[arg(short, long, value_parser = Checked(search_term))]
    pub name: Option<String>,
    #[command(flatten)]
    pub order: RoomOrder,
}

impl RoomOrder {
    /// A query for every room matching `search_term`, in this order.
    pub fn query(self, search_term: Option<String>) -> RoomQuery {
        RoomQuery { search_term, order_by: self.sort, reverse: self.reverse, ..Default::default() }
    }
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
