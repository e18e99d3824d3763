//! A user's account settings and activity that synadm had no command for: the admin flag,
//! memberships with their state, pushers, the rate-limit override, account data, the
//! cross-signing reset window, account validity, experimental features, invite and join
//! counts over a window, and whether a name is free.

use crate::cli::kit::prelude::*;
use serde_json::{Value, json};

#[derive(Debug, clap::Args)]
pub struct AdminArgs {
    /// The user (full ID or localpart).
    user_id: String,
    /// Make the user a server admin.
    #[arg(long, conflicts_with = "revoke")]
    grant: bool,
    /// Take the server admin flag away (an admin cannot take their own).
    #[arg(long)]
    revoke: bool,
}

#[derive(Debug, clap::Args)]
pub struct MembershipsArgs {
    /// The user (full ID or localpart); remote users work too, for rooms this server is in.
    user_id: String,
    /// Only rooms where the membership is this one.
    #[arg(short, long, value_parser = ["join", "invite", "leave", "ban", "knock"])]
    membership: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct PushersArgs {
    /// The user (full ID or localpart).
    user_id: String,
}

#[derive(Debug, clap::Args)]
pub struct RateLimitArgs {
    /// The user (full ID or localpart).
    user_id: String,
    /// Set the override: this many messages a second (0 with a burst count of 0: no limit).
    #[arg(short, long, value_name = "N", requires = "burst_count",
          conflicts_with_all = ["unlimited", "delete"],
          value_parser = crate::cli::kit::numbers::non_negative, allow_negative_numbers = true)]
    messages_per_second: Option<i64>,
    /// Set the override: this many messages in a burst (given with --messages-per-second).
    #[arg(short, long, value_name = "N", requires = "messages_per_second",
          value_parser = crate::cli::kit::numbers::non_negative, allow_negative_numbers = true)]
    burst_count: Option<i64>,
    /// Set the override to no limit at all (messages per second and burst count 0).
    #[arg(long, conflicts_with = "delete")]
    unlimited: bool,
    /// Remove the override: the server's limits apply again.
    #[arg(short, long)]
    delete: bool,
}

#[derive(Debug, clap::Args)]
pub struct AccountDataArgs {
    /// The user (full ID or localpart).
    user_id: String,
    /// Only the account data of this room (room ID); without it, global and every room's.
    #[arg(short, long, value_name = "ROOM_ID",
          value_parser = crate::cli::kit::numbers::Checked(synadm::ids::parse_room_id))]
    room: Option<String>,
    /// Only this event type (e.g. m.direct, m.ignored_user_list).
    #[arg(short = 't', long = "type", value_name = "TYPE")]
    event_type: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct CrossSigningArgs {
    /// The user (full ID or localpart).
    user_id: String,
}

#[derive(Debug, clap::Args)]
pub struct RenewArgs {
    /// The user (full ID or localpart).
    user_id: String,
    /// Expire the account in this many days [default: the server's configured period].
    #[arg(short = 'd', long, value_name = "DAYS", group = "expiry",
          value_parser = crate::cli::kit::numbers::non_negative, allow_negative_numbers = true)]
    expire_days: Option<i64>,
    /// Expire the account at this time: YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS,
    /// 'YYYY-MM-DD HH:MM:SS' (local time) or RFC 3339.
    #[arg(long, value_name = "DATETIME", group = "expiry", value_parser = synadm::time::parse_datetime_ms)]
    expire: Option<i64>,
    /// Expire the account at this Unix time in milliseconds.
    #[arg(long, value_name = "MS", group = "expiry",
          value_parser = crate::cli::kit::numbers::non_negative, allow_negative_numbers = true)]
    expire_ts: Option<i64>,
    /// Do not send the user renewal emails before this expiry.
    #[arg(long)]
    no_renewal_emails: bool,
}

#[derive(Debug, clap::Args)]
pub struct FeaturesArgs {
    /// The user (full ID or localpart).
    user_id: String,
    /// Switch this feature on (e.g. msc3575); repeatable.
    #[arg(short, long, value_name = "FEATURE")]
    enable: Vec<String>,
    /// Switch this feature off; repeatable.
    #[arg(short, long, value_name = "FEATURE")]
    disable: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct CountArgs {
    /// The user (full ID or localpart).
    user_id: String,
    #[command(flatten)]
    since: SinceArgs,
}

#[derive(Debug, clap::Args)]
pub struct AvailableArgs {
    /// The localpart to check, e.g. alice (not a full user ID).
    #[arg(value_parser = crate::cli::kit::numbers::Checked(crate::cli::kit::numbers::localpart))]
    localpart: String,
}

impl Run for AdminArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let user_id = ctx.user_id(&self.user_id).await?;
        let Some(admin) = flag_pair(self.grant, self.revoke) else {
            let status = call_reply(ctx.client.get_user_admin().user_id(user_id).send()).await?;
            return ctx.print_reply(&status, &View::PLAIN);
        };
        ctx.confirm(&if admin {
            format!("Make {user_id} a server admin (full control of this server)?")
        } else {
            format!("Take the server admin flag away from {user_id}?")
        })?;
        let body = types::AdminStatus { admin, extra: Default::default() };
        call(ctx.client.set_user_admin().user_id(user_id.clone()).body(body).send()).await?;
        // What the server holds now, read back (the reply to the change is `{}`).
        let status = call_reply(ctx.client.get_user_admin().user_id(user_id).send()).await?;
        ctx.print_reply(&status, &View::PLAIN)
    }
}

/// `{memberships: {room: state}}`: human output is a table of rooms and states.
const MEMBERSHIPS: View = View::new(&["room_id", "membership"])
    .reshape(|v| {
        let rows = v["memberships"].as_object().into_iter().flatten();
        Value::Array(
            rows.map(|(room, state)| json!({"room_id": room, "membership": state})).collect(),
        )
    })
    .summary(|v| {
        let n = v["memberships"].as_object().map_or(0, |m| m.len());
        Some(match n {
            1 => "1 room".to_string(),
            n => format!("{n} rooms"),
        })
    });

impl Run for MembershipsArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let user_id = ctx.user_id(&self.user_id).await?;
        let reply = call_reply(ctx.client.list_user_memberships().user_id(user_id).send()).await?;
        let Some(wanted) = self.membership else {
            return ctx.print_reply(&reply, &MEMBERSHIPS);
        };
        // Sorted by room ID: the filtered map is printed from its type, whose order is not
        // the server's.
        let rooms: std::collections::BTreeMap<&String, &String> =
            reply.value.memberships.iter().filter(|(_, state)| **state == wanted).collect();
        ctx.print_value(&json!({ "memberships": rooms }), &MEMBERSHIPS)
    }
}

/// `{pushers, total}`: human output is a table of the pushers.
const PUSHERS: View =
    View::new(&["app_display_name", "device_display_name", "kind", "enabled", "pushkey", "app_id"])
        .reshape(|v| v["pushers"].clone())
        .summary(|v| Some(format!("Pushers: {}", v["total"])));

impl Run for PushersArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let user_id = ctx.user_id(&self.user_id).await?;
        let reply = call_reply(ctx.client.list_user_pushers().user_id(user_id).send()).await?;
        ctx.print_reply(&reply, &PUSHERS)
    }
}

/// The override, with a line for the person: `{}` means none.
const RATE_LIMIT: View = View::new(&["messages_per_second", "burst_count"]).summary(|v| {
    Some(
        match (v["messages_per_second"].as_i64(), v["burst_count"].as_i64()) {
            (None, _) | (_, None) => "No override: the server's rate limits apply.",
            (Some(0), Some(0)) => "Override: no rate limit at all.",
            _ => "Override in force:",
        }
        .to_string(),
    )
});

impl Run for RateLimitArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        let user_id = ctx.user_id(&a.user_id).await?;
        let limits = match (a.messages_per_second, a.burst_count) {
            (Some(mps), Some(burst)) => Some((mps, burst)),
            _ if a.unlimited => Some((0, 0)),
            _ => None,
        };
        if let Some((mps, burst)) = limits {
            let body = types::RateLimitOverride {
                messages_per_second: Some(mps),
                burst_count: Some(burst),
                extra: Default::default(),
            };
            let set = ctx.client.set_ratelimit_override().user_id(user_id).body(body);
            let reply = call_reply(set.send()).await?;
            return ctx.print_reply(&reply, &RATE_LIMIT);
        }
        if a.delete {
            ctx.confirm(&format!(
                "Remove the rate-limit override of {user_id} (the server's limits apply again)?"
            ))?;
            let delete = ctx.client.delete_ratelimit_override().user_id(user_id);
            let reply = call_reply(delete.send()).await?;
            ctx.note("Override removed.");
            return ctx.print_reply(&reply, &View::PLAIN);
        }
        let reply = call_reply(ctx.client.get_ratelimit_override().user_id(user_id).send()).await?;
        ctx.print_reply(&reply, &RATE_LIMIT)
    }
}

impl Run for AccountDataArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let user_id = ctx.user_id(&self.user_id).await?;
        let reply = call_reply(ctx.client.get_account_data().user_id(user_id).send()).await?;
        if self.room.is_none() && self.event_type.is_none() {
            return ctx.print_reply(&reply, &View::PLAIN);
        }
        // A part of the document: one room's, and/or one type's (in the same shape).
        let data = &reply.value.account_data;
        let keep = |types: &serde_json::Map<String, Value>| -> Value {
            types
                .iter()
                .filter(|(t, _)| self.event_type.as_ref().is_none_or(|want| want == *t))
                .map(|(t, c)| (t.clone(), c.clone()))
                .collect::<serde_json::Map<_, _>>()
                .into()
        };
        let part = match &self.room {
            Some(room) => json!({
                "rooms": { room: data.rooms.get(room).map(keep).unwrap_or_else(|| json!({})) },
            }),
            None => json!({
                "global": keep(&data.global),
                "rooms": data
                    .rooms
                    .iter()
                    .map(|(room, types)| (room.clone(), keep(types)))
                    .filter(|(_, kept)| kept.as_object().is_some_and(|m| !m.is_empty()))
                    .collect::<serde_json::Map<_, _>>(),
            }),
        };
        ctx.print_value(&json!({ "account_data": part }), &View::PLAIN)
    }
}

/// Until when the key may be replaced, shown as a date in human output.
const CROSS_SIGNING: View = View::PLAIN.times(&["updatable_without_uia_before_ms"]);

impl Run for CrossSigningArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let user_id = ctx.user_id(&self.user_id).await?;
        ctx.confirm(&format!(
            "Let {user_id} replace their master cross-signing key without authenticating, \
             for the next 10 minutes? Do this only for a user who lost their keys and asked."
        ))?;
        let allow = ctx.client.allow_cross_signing_replacement().user_id(user_id);
        let reply = call_reply(allow.send()).await?;
        ctx.print_reply(&reply, &CROSS_SIGNING)
    }
}

/// When the account expires, as a date in human output.
const VALIDITY: View = View::PLAIN.times(&["expiration_ts"]);

impl Run for RenewArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        let expiration_ts = match (a.expire_days, a.expire.or(a.expire_ts)) {
            (Some(days), _) => Some(synadm::time::days_from_now_ms(days)?),
            (None, at) => at,
        };
        let user_id = ctx.user_id(&a.user_id).await?;
        let body = types::AccountValidityRequest {
            user_id,
            expiration_ts,
            enable_renewal_emails: a.no_renewal_emails.then_some(false),
        };
        let reply = call_reply(ctx.client.renew_account_validity().body(body).send()).await?;
        ctx.print_reply(&reply, &VALIDITY)
    }
}

/// `{features: {name: on}}`: human output is one line a feature.
const FEATURES: View = View::PLAIN.reshape(|v| v["features"].clone());

impl Run for FeaturesArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let user_id = ctx.user_id(&self.user_id).await?;
        let get = || call_reply(ctx.client.get_experimental_features().user_id(&user_id).send());
        let current = get().await?;
        if self.enable.is_empty() && self.disable.is_empty() {
            return ctx.print_reply(&current, &FEATURES);
        }
        // The server's own list of features is the one to check against (it grows with
        // releases); nothing changes unless every name is one of them.
        let known = &current.value.features;
        let mut wanted = std::collections::BTreeMap::new();
        for (names, on) in [(&self.enable, true), (&self.disable, false)] {
            for name in names {
                if !known.contains_key(name) {
                    let mut names: Vec<&String> = known.keys().collect();
                    names.sort();
                    return Err(Error::Usage(format!(
                        "{} is not an experimental feature of this server; it knows {}",
                        synadm::output::sanitize(name),
                        names.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(", ")
                    )));
                }
                if wanted.insert(name.clone(), on) == Some(!on) {
                    return Err(Error::Usage(format!(
                        "{} is both enabled and disabled",
                        synadm::output::sanitize(name)
                    )));
                }
            }
        }
        let body = types::ExperimentalFeatures { features: wanted, extra: Default::default() };
        let set = ctx.client.set_experimental_features().user_id(&user_id);
        call(set.body(body).send()).await?;
        ctx.print_reply(&get().await?, &FEATURES)
    }
}

/// A count over a window: the server's key, plus the window's start (`since`, ms).
fn window_view(key: &'static [&'static str]) -> View {
    View::new(key).times(&["since"])
}

/// The reply with the window's start added, so that a script's log says what was counted.
fn with_since<T: serde::Serialize>(reply: &T, since: i64) -> Value {
    let mut out = serde_json::to_value(reply).unwrap_or_default();
    if let Value::Object(map) = &mut out {
        map.insert("since".into(), json!(since));
    }
    out
}

impl CountArgs {
    /// `user invite-count`: invites the user sent in the window.
    pub async fn invites(self, ctx: &Ctx) -> Result<(), Error> {
        let (user_id, since) = (ctx.user_id(&self.user_id).await?, self.since.ms()?);
        let ask = ctx.client.get_sent_invite_count().user_id(user_id);
        let count = call(ask.from_ts(since).send()).await?;
        ctx.print_value(&with_since(&count, since), &window_view(&["invite_count"]))
    }

    /// `user joined-room-count`: rooms the user joined in the window (left ones too).
    pub async fn joins(self, ctx: &Ctx) -> Result<(), Error> {
        let (user_id, since) = (ctx.user_id(&self.user_id).await?, self.since.ms()?);
        let ask = ctx.client.get_cumulative_joined_room_count().user_id(user_id);
        let count = call(ask.from_ts(since).send()).await?;
        let view = window_view(&["cumulative_joined_room_count"]);
        ctx.print_value(&with_since(&count, since), &view)
    }
}

impl Run for AvailableArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let ask = ctx.client.check_username_available();
        let reply = call_reply(ask.username(self.localpart).send()).await?;
        ctx.print_reply(&reply, &View::PLAIN)
    }
}
