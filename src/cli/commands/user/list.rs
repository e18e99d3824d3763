//! The paginated user lists: `user list`, `user search`, `user media`.

use crate::cli::kit::numbers::{Checked, url_text};
use crate::cli::kit::prelude::*;
use crate::cli::kit::user_queries;

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    #[command(flatten)]
    paging: Paging,
    /// Include guest users (the server's default).
    #[arg(short = 'g', long, overrides_with = "no_guests")]
    guests: bool,
    /// Leave out guest users.
    #[arg(short = 'G', long, overrides_with = "guests")]
    no_guests: bool,
    /// Also show deactivated/erased users.
    #[arg(short, long)]
    deactivated: bool,
    /// Only deactivated/erased users (Synapse 1.103 or later).
    #[arg(short = 'D', long, conflicts_with = "deactivated")]
    only_deactivated: bool,
    /// Only admins.
    #[arg(short = 'a', long, overrides_with = "non_admins")]
    admins: bool,
    /// Only non-admins.
    #[arg(short = 'A', long, overrides_with = "admins")]
    non_admins: bool,
    /// Sort by: name, displayname, is_guest, admin, deactivated, user_type, avatar_url,
    /// shadow_banned, creation_ts, last_seen_ts or locked.
    #[arg(long, value_parser = one_of::<types::UserOrderBy>("a user sort order"))]
    sort_by: Option<types::UserOrderBy>,
    /// Reverse the order (last to first).
    #[arg(long)]
    reverse: bool,
    /// Leave out users of this type ("bot", "support", or "" for users without a type);
    /// repeatable.
    #[arg(long, value_name = "TYPE", value_parser = Checked(url_text))]
    exclude_user_type: Vec<String>,
    /// Include locked users.
    #[arg(short = 'L', long)]
    locked: bool,
    /// Users whose localpart or display name contains this text.
    #[arg(short, long, group = "search", value_parser = Checked(url_text))]
    name: Option<String>,
    /// Users whose ID contains this text (a substring, not completed to a full ID).
    #[arg(short = 'i', long, group = "search", value_parser = Checked(url_text))]
    user_id: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// Text to look for in localparts, display names (and, for full IDs, user IDs).
    #[arg(value_parser = Checked(url_text))]
    search_term: String,
    #[command(flatten)]
    paging: Paging,
}

#[derive(Debug, clap::Args)]
pub struct MediaArgs {
    /// The user (full ID or localpart).
    user_id: String,
    #[command(flatten)]
    paging: Paging,
    /// Sort by: media_id, upload_name, created_ts, last_access_ts, media_length,
    /// media_type, quarantined_by or safe_from_quarantine (default: newest first).
    #[arg(short, long, value_parser = one_of::<types::MediaOrderBy>("a media sort order"))]
    sort: Option<types::MediaOrderBy>,
    /// Reverse the sort order.
    #[arg(short, long)]
    reverse: bool,
    #[command(flatten)]
    time: TimeArgs,
}

/// Which accounts a list shows by their deactivation.
#[derive(Default, Clone, Copy, PartialEq)]
enum Deactivated {
    /// Active accounts only (the server's default).
    #[default]
    Excluded,
    Included,
    /// Deactivated accounts only: only `GET /v3/users` can ask for that.
    Only,
}

/// The filters of one user list request, applied to every page.
#[derive(Default)]
struct UserQuery {
    guests: Option<bool>,
    deactivated: Deactivated,
    admins: Option<bool>,
    locked: bool,
    order_by: Option<types::UserOrderBy>,
    reverse: bool,
    not_user_type: Vec<String>,
    name: Option<String>,
    user_id: Option<String>,
}

/// Sets the query's filters on a list request; `/v2/users` and `/v3/users` take the same
/// parameters, as two builder types.
macro_rules! with_filters {
    ($q:expr, $b:expr) => {{
        let (q, mut b) = ($q, $b);
        if let Some(g) = q.guests {
            b = b.guests(g);
        }
        if let Some(a) = q.admins {
            b = b.admins(a);
        }
        if q.locked {
            b = b.locked(true);
        }
        if let Some(o) = q.order_by {
            b = b.order_by(o);
        }
        if q.reverse {
            b = b.dir(types::Direction::B);
        }
        if !q.not_user_type.is_empty() {
            b = b.not_user_type(q.not_user_type.clone());
        }
        if let Some(n) = &q.name {
            b = b.name(n.clone());
        }
        if let Some(u) = &q.user_id {
            b = b.user_id(u.clone());
        }
        b
    }};
}

impl UserQuery {
    /// One page: from `/v2/users`, or `/v3/users` for deactivated accounts only.
    async fn page(
        &self,
        ctx: &Ctx,
        from: i64,
        limit: i64,
    ) -> Result<Reply<types::UserList>, Error> {
        match self.deactivated {
            Deactivated::Only => {
                let b = ctx.client.list_users_v3().from(from).limit(limit);
                call_reply(with_filters!(self, b.deactivated(true)).send()).await
            }
            Deactivated::Included => {
                let b = ctx.client.list_users().from(from).limit(limit);
                call_reply(with_filters!(self, b.deactivated(true)).send()).await
            }
            Deactivated::Excluded => {
                let b = ctx.client.list_users().from(from).limit(limit);
                call_reply(with_filters!(self, b).send()).await
            }
        }
    }
}

async fn print_users(ctx: &Ctx, q: UserQuery, paging: Paging, what: &str) -> Result<(), Error> {
    let limit = paging.limit();
    let fetch = |at| q.page(ctx, at, limit);
    print_paged(ctx, &paging, views::USER, |total| format!("{what}: {total}"), fetch).await
}

impl Run for ListArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        let q = UserQuery {
            guests: flag_pair(a.guests, a.no_guests),
            deactivated: match (a.deactivated, a.only_deactivated) {
                (_, true) => Deactivated::Only,
                (true, _) => Deactivated::Included,
                _ => Deactivated::Excluded,
            },
            admins: flag_pair(a.admins, a.non_admins),
            locked: a.locked,
            order_by: a.sort_by,
            reverse: a.reverse,
            not_user_type: a.exclude_user_type,
            name: a.name,
            user_id: a.user_id,
        };
        let what = match q.deactivated {
            Deactivated::Included => "Total users",
            Deactivated::Excluded => "Total users (excluding deactivated)",
            Deactivated::Only => "Deactivated users",
        };
        print_users(ctx, q, a.paging, what).await
    }
}

impl Run for SearchArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        // Synapse matches `name` case-insensitively against localparts and display names,
        // so one request does what Python synadm approximated with two.
        let q = UserQuery {
            guests: Some(true),
            deactivated: Deactivated::Included,
            name: Some(a.search_term.clone()),
            ..Default::default()
        };
        print_users(ctx, q, a.paging, &format!("Users matching {:?}", a.search_term)).await
    }
}

impl Run for MediaArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let query = user_queries::MediaQuery {
            user: &self.user_id,
            paging: &self.paging,
            sort: self.sort,
            reverse: self.reverse,
            time: &self.time,
        };
        user_queries::print_media(ctx, query).await
    }
}
