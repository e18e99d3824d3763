//! Read-only lookups of one user: details, membership, whois, 3pid, auth-provider.

use super::list::USER_COLUMNS;
use crate::cli::context::Ctx;
use futures::{StreamExt, TryStreamExt};
use serde_json::json;
use synadm::Error;
use synadm::api::call;
use synadm::output::View;

/// Room alias lookups in flight at once for `membership --aliases`.
const ALIAS_LOOKUPS: usize = 8;

#[derive(Debug, clap::Args)]
pub struct UserArgs {
    /// The user (full ID like @alice:example.org, or just the localpart).
    user_id: String,
}

#[derive(Debug, clap::Args)]
pub struct MembershipArgs {
    /// The user (full ID or localpart).
    user_id: String,
    /// Also show each room's local aliases (the default).
    #[arg(long, overrides_with = "ids")]
    aliases: bool,
    /// Show room IDs only (one request instead of one per room).
    #[arg(long, overrides_with = "aliases")]
    ids: bool,
}

#[derive(Debug, clap::Args)]
pub struct ThreepidArgs {
    /// The address, e.g. alice@example.org.
    address: String,
    /// What kind of third-party ID: email or msisdn.
    #[arg(short, long, default_value = "email")]
    medium: String,
}

#[derive(Debug, clap::Args)]
pub struct AuthProviderArgs {
    /// The user's ID at the provider (e.g. an OIDC `sub`).
    external_user_id: String,
    /// The provider ID as configured in Synapse, e.g. oidc-google.
    #[arg(short, long, required = true)]
    provider: String,
}

pub async fn details(ctx: &Ctx, a: UserArgs) -> Result<(), Error> {
    let user_id = ctx.user_id(&a.user_id).await?;
    let user = call(ctx.client.get_user().user_id(user_id).send()).await?;
    ctx.print(
        &user,
        &View {
            columns: USER_COLUMNS,
            humanize_times: true,
        },
    )
}

pub async fn membership(ctx: &Ctx, a: MembershipArgs) -> Result<(), Error> {
    let user_id = ctx.user_id(&a.user_id).await?;
    let rooms = call(
        ctx.client
            .list_user_joined_rooms()
            .user_id(user_id.clone())
            .send(),
    )
    .await?;
    if ctx.human() {
        ctx.note(&format!("{user_id} is member of {} rooms.", rooms.total));
    }
    if a.ids {
        if ctx.human() {
            // One room ID per line, like the aliases table (the count is on stderr).
            return ctx.print(&rooms.joined_rooms, &View::PLAIN);
        }
        return ctx.print(&rooms, &View::PLAIN);
    }
    // The admin may not see a room's aliases (403 when not in the room); then the room
    // is still listed, with no aliases.
    let lookups = futures::stream::iter(rooms.joined_rooms.iter().map(|room| async move {
        match call(ctx.client.list_room_aliases().room_id(room.clone()).send()).await {
            Ok(found) => Ok(json!({"room_id": room, "aliases": found.aliases})),
            Err(Error::Matrix {
                status: 403 | 404, ..
            }) => Ok(json!({"room_id": room, "aliases": []})),
            Err(e) => Err(e),
        }
    }))
    .buffered(ALIAS_LOOKUPS);
    let joined: Vec<serde_json::Value> = lookups.try_collect().await?;
    let out = json!({"joined_rooms": joined, "total": rooms.total});
    if ctx.human() {
        let view = View {
            columns: &["room_id", "aliases"],
            humanize_times: true,
        };
        return synadm::output::print(ctx.format, &out["joined_rooms"], &view);
    }
    ctx.print(&out, &View::PLAIN)
}

pub async fn whois(ctx: &Ctx, a: UserArgs) -> Result<(), Error> {
    let user_id = ctx.user_id(&a.user_id).await?;
    let whois = call(ctx.client.whois_user().user_id(user_id).send()).await?;
    if !ctx.human() {
        return ctx.print(&whois, &View::PLAIN);
    }
    // Flatten devices → sessions → connections into one table.
    let rows: Vec<serde_json::Value> = whois
        .devices
        .iter()
        .flat_map(|(device, d)| d.sessions.iter().map(move |s| (device, s)))
        .flat_map(|(device, s)| {
            s.connections.iter().map(move |c| {
                json!({"device": device, "ip": c.ip, "last_seen": c.last_seen, "user_agent": c.user_agent})
            })
        })
        .collect();
    ctx.note(&format!("{}: {} connection(s)", whois.user_id, rows.len()));
    ctx.print(
        &rows,
        &View {
            columns: &["ip", "last_seen", "user_agent"],
            humanize_times: true,
        },
    )
}

pub async fn threepid(ctx: &Ctx, a: ThreepidArgs) -> Result<(), Error> {
    let found = call(
        ctx.client
            .get_user_by_threepid()
            .medium(a.medium)
            .address(a.address)
            .send(),
    )
    .await?;
    ctx.print(&found, &View::PLAIN)
}

pub async fn auth_provider(ctx: &Ctx, a: AuthProviderArgs) -> Result<(), Error> {
    let found = call(
        ctx.client
            .get_user_by_external_id()
            .provider(a.provider)
            .external_id(a.external_user_id)
            .send(),
    )
    .await?;
    ctx.print(&found, &View::PLAIN)
}
