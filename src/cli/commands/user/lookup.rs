//! Read-only lookups of one user: details, membership, whois, 3pid, auth-provider.

use crate::cli::kit::bulk;
use crate::cli::kit::prelude::*;
use crate::cli::kit::stderr::counted;
use serde_json::{Value, json};

#[derive(Debug, clap::Args)]
pub struct DetailsArgs {
    /// The user (full ID like @alice:example.org, or just the localpart).
    user_id: String,
}

#[derive(Debug, clap::Args)]
pub struct WhoisArgs {
    /// The user (full ID like @alice:example.org, or just the localpart).
    user_id: String,
}

#[derive(Debug, clap::Args)]
pub struct MembershipArgs {
    /// The user (full ID or localpart).
    user_id: String,
    /// Show each room by its local aliases, or its ID when it has none (the default).
    #[arg(long, overrides_with = "ids")]
    aliases: bool,
    /// Show room IDs only (one request instead of one per room).
    #[arg(long, overrides_with = "aliases")]
    ids: bool,
    /// Show each room as an object with its ID and its list of aliases.
    #[arg(long, conflicts_with = "ids")]
    detailed: bool,
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

impl Run for DetailsArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let user_id = ctx.user_id(&self.user_id).await?;
        let user = call_reply(ctx.client.get_user().user_id(user_id).send()).await?;
        ctx.print_reply(&user, &views::USER)
    }
}

/// `{joined_rooms, total}`: human output lists the rooms, with the count on stderr.
const MEMBERSHIP: View =
    View::new(&["room_id", "aliases"]).reshape(|v| v["joined_rooms"].clone()).summary(|v| {
        let rooms = counted(v["total"].as_i64().unwrap_or(0), "room", "rooms");
        Some(format!("User is member of {rooms}."))
    });

impl Run for MembershipArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let user_id = ctx.user_id(&self.user_id).await?;
        let rooms =
            call(ctx.client.list_user_joined_rooms().user_id(user_id.clone()).send()).await?;
        if self.ids {
            return ctx.print(&rooms, &MEMBERSHIP);
        }
        // The admin may not see a room's aliases (403 when not in the room); then the
        // room is still listed, with no aliases.
        let lookups = bulk::in_order(ctx, rooms.joined_rooms.iter().collect(), |room| async move {
            match call(ctx.client.list_room_aliases().room_id(room.clone()).send()).await {
                Ok(found) => Ok(found.aliases),
                Err(Error::Matrix { status: 403 | 404, .. }) => Ok(Vec::new()),
                Err(e) => Err(e),
            }
        })
        .await;
        let found: Vec<(&String, Vec<String>)> = lookups
            .into_iter()
            .map(|(room, aliases)| aliases.map(|a| (room, a)))
            .collect::<Result<_, _>>()?;
        let joined: Vec<Value> = found
            .into_iter()
            .map(|(room, aliases)| {
                if self.detailed {
                    json!({"room_id": room, "aliases": aliases})
                } else if aliases.is_empty() {
                    // synadm's shape: the aliases, space-joined, or the ID without any.
                    json!(room)
                } else {
                    json!(aliases.join(" "))
                }
            })
            .collect();
        ctx.print(&json!({"joined_rooms": joined, "total": rooms.total}), &MEMBERSHIP)
    }
}

/// Human output of whois: one row per connection (device, IP, last seen, user agent).
const WHOIS: View = View::new(&["device", "ip", "last_seen", "user_agent"])
    .times(&["last_seen"])
    .reshape(connections)
    .summary(|v| {
        let n = connections(v).as_array().map_or(0, Vec::len);
        Some(format!("{}: {n} connection(s)", v["user_id"].as_str().unwrap_or("?")))
    });

/// Flattens whois's devices → sessions → connections into table rows.
fn connections(whois: &Value) -> Value {
    let mut rows = Vec::new();
    if let Some(devices) = whois["devices"].as_object() {
        for (device, d) in devices {
            for session in d["sessions"].as_array().into_iter().flatten() {
                for c in session["connections"].as_array().into_iter().flatten() {
                    rows.push(json!({
                        "device": device, "ip": c["ip"], "last_seen": c["last_seen"],
                        "user_agent": c["user_agent"],
                    }));
                }
            }
        }
    }
    Value::Array(rows)
}

impl Run for WhoisArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let user_id = ctx.user_id(&self.user_id).await?;
        let whois = call(ctx.client.whois_user().user_id(user_id).send()).await?;
        ctx.print(&whois, &WHOIS)
    }
}

impl Run for ThreepidArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let found = call(
            ctx.client.get_user_by_threepid().medium(self.medium).address(self.address).send(),
        )
        .await?;
        ctx.print(&found, &View::PLAIN)
    }
}

impl Run for AuthProviderArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let found = call(
            ctx.client
                .get_user_by_external_id()
                .provider(self.provider)
                .external_id(self.external_user_id)
                .send(),
        )
        .await?;
        ctx.print(&found, &View::PLAIN)
    }
}
