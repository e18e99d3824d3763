//! `synadm regtok …`: registration tokens, every command of Python synadm 0.49.2 with its
//! flags.

use crate::cli::kit::prelude::*;
use clap::Subcommand;
use serde_json::{Value, json};
use synadm::api::RegistrationTokenUpdate;
use synadm::time;

#[derive(Debug, Subcommand)]
pub enum RegtokCommand {
    /// List registration tokens.
    List(ListArgs),
    /// View details of the given token.
    Details(DetailsArgs),
    /// Create a new registration token.
    New(NewArgs),
    /// Update a registration token (allowed uses, expiry).
    Update(UpdateArgs),
    /// Delete a registration token.
    Delete(DeleteArgs),
}

impl Run for RegtokCommand {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        match self {
            RegtokCommand::List(a) => a.run(ctx).await,
            RegtokCommand::Details(a) => a.run(ctx).await,
            RegtokCommand::New(a) => a.run(ctx).await,
            RegtokCommand::Update(a) => a.run(ctx).await,
            RegtokCommand::Delete(a) => a.run(ctx).await,
        }
    }
}

/// Checks a registration token as Synapse does when creating one: 1 to 64 characters of
/// `A-Z a-z 0-9 . _ ~ -`.
fn parse_token(input: &str) -> Result<String, String> {
    if input.is_empty() || input.len() > 64 {
        return Err(format!(
            "{input:?} is not a registration token: it must have 1 to 64 characters"
        ));
    }
    if !input.chars().all(|c| c.is_ascii_alphanumeric() || ".-_~".contains(c)) {
        return Err(format!(
            "{input:?} is not a registration token: only letters, digits and . _ ~ - are allowed"
        ));
    }
    Ok(input.to_string())
}

/// A token to create, read, change or delete. Synapse routes `…/registration_tokens/new`
/// to token creation, so a token named `new` could be created but never addressed (405).
fn parse_addressable_token(input: &str) -> Result<String, String> {
    let token = parse_token(input)?;
    if token == "new" {
        return Err(
            "a token named \"new\" cannot be read, changed or deleted through Synapse's admin API"
                .into(),
        );
    }
    Ok(token)
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// List only valid tokens (uses left and not expired).
    #[arg(short = 'v', long, overrides_with = "invalid")]
    valid: bool,
    /// List only invalid tokens (used up or expired).
    #[arg(short = 'V', long, overrides_with = "valid")]
    invalid: bool,
    #[command(flatten)]
    time: TimeArgs,
    /// Here `-v` is --valid (as in synadm), so a global -v/--verbose given after the
    /// command can only be `--verbose`; the shared id makes it count as that option.
    #[arg(id = "verbose", long = "verbose", action = clap::ArgAction::Count, hide = true)]
    _verbose: u8,
}

#[derive(Debug, clap::Args)]
pub struct DetailsArgs {
    /// The registration token.
    #[arg(value_parser = parse_addressable_token)]
    token: String,
    #[command(flatten)]
    time: TimeArgs,
}

#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The token to create (1-64 of A-Z a-z 0-9 . _ ~ -, not "new"); default: a random one
    /// made by the server.
    #[arg(short = 'n', long, value_parser = parse_addressable_token)]
    token: Option<String>,
    /// The length of the random token when no --token is given.
    #[arg(short, long, default_value_t = 16, value_parser = clap::value_parser!(u64).range(1..=64))]
    length: u64,
    /// How many registrations the token allows [default: unlimited].
    #[arg(short, long, value_parser = crate::cli::kit::numbers::non_negative, allow_negative_numbers = true)]
    uses_allowed: Option<i64>,
    /// The token expires at this Unix time in milliseconds [default: never].
    #[arg(short = 't', long, value_name = "MS", group = "expiry")]
    expiry_ts: Option<i64>,
    /// The token expires at this time: YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS, 'YYYY-MM-DD
    /// HH:MM:SS' (local time) or RFC 3339 [default: never].
    #[arg(short = 'e', long, value_name = "DATETIME", group = "expiry",
          value_parser = time::parse_datetime_ms)]
    expire_at: Option<i64>,
    #[command(flatten)]
    time: TimeArgs,
}

#[derive(Debug, clap::Args)]
pub struct UpdateArgs {
    /// The registration token.
    #[arg(value_parser = parse_addressable_token)]
    token: String,
    /// How many registrations the token allows in all; -1: unlimited [default: unchanged].
    #[arg(short, long, allow_negative_numbers = true,
          value_parser = crate::cli::kit::numbers::non_negative_or_minus_one)]
    uses_allowed: Option<i64>,
    /// The token expires at this Unix time in milliseconds; -1: never [default: unchanged].
    #[arg(short = 't', long, value_name = "MS", group = "expiry", allow_negative_numbers = true,
          value_parser = crate::cli::kit::numbers::non_negative_or_minus_one)]
    expiry_ts: Option<i64>,
    /// The token expires at this time: YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS, 'YYYY-MM-DD
    /// HH:MM:SS' (local time) or RFC 3339 [default: unchanged].
    #[arg(short = 'e', long, value_name = "DATETIME", group = "expiry",
          value_parser = time::parse_datetime_ms)]
    expire_at: Option<i64>,
    #[command(flatten)]
    time: TimeArgs,
}

#[derive(Debug, clap::Args)]
pub struct DeleteArgs {
    /// The registration token.
    #[arg(value_parser = parse_addressable_token)]
    token: String,
}

/// An expiry given on the command line must lie in the future (Synapse refuses others).
fn future(ms: i64) -> Result<i64, Error> {
    if ms <= time::now_ms() {
        return Err(Error::Usage(format!(
            "the expiry time {} lies in the past",
            time::humanize(ms).unwrap_or_else(|| ms.to_string())
        )));
    }
    Ok(ms)
}

/// One token with what a person wants to know first: is it valid, how many uses are left.
fn annotated(token: &Value, now: i64) -> Value {
    let int = |k: &str| token[k].as_i64();
    let used = int("pending").unwrap_or(0) + int("completed").unwrap_or(0);
    let remaining = int("uses_allowed").map(|allowed| (allowed - used).max(0));
    let unexpired = int("expiry_time").is_none_or(|t| t > now);
    let valid = unexpired && remaining.is_none_or(|r| r > 0);
    let mut row = json!({
        "token": token["token"],
        "valid": valid,
        "remaining_uses": remaining.map_or(json!("unlimited"), |r| json!(r)),
        "uses_allowed": token.get("uses_allowed").filter(|v| !v.is_null())
            .cloned().unwrap_or(json!("unlimited")),
        "pending": token["pending"],
        "completed": token["completed"],
        "expiry_time": token.get("expiry_time").filter(|v| !v.is_null())
            .cloned().unwrap_or(json!("never")),
    });
    // Fields a newer Synapse adds follow.
    if let (Some(out), Some(fields)) = (row.as_object_mut(), token.as_object()) {
        for (k, v) in fields {
            out.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    row
}

const TOKEN_COLUMNS: &[&str] =
    &["token", "valid", "remaining_uses", "uses_allowed", "pending", "completed", "expiry_time"];

/// One token (details, new, update) as a key/value block.
const TOKEN: View = View::new(TOKEN_COLUMNS)
    .times(&["expiry_time"])
    .reshape(|token| annotated(token, time::now_ms()));

/// The token list as a table, with a count on stderr.
const TOKENS: View = View::new(TOKEN_COLUMNS)
    .times(&["expiry_time"])
    .reshape(|reply| {
        let now = time::now_ms();
        let rows = reply["registration_tokens"].as_array().into_iter().flatten();
        Value::Array(rows.map(|t| annotated(t, now)).collect())
    })
    .summary(|reply| {
        let n = reply["registration_tokens"].as_array().map_or(0, Vec::len);
        Some(match n {
            0 => "No registration tokens.".to_string(),
            1 => "1 registration token.".to_string(),
            n => format!("{n} registration tokens."),
        })
    });

impl Run for ListArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let mut b = ctx.client.list_registration_tokens();
        if let Some(valid) = flag_pair(self.valid, self.invalid) {
            b = b.valid(valid);
        }
        let tokens = call(b.send()).await?;
        // As synadm: dates in every format unless --timestamp (list and details only).
        ctx.print(&tokens, &TOKENS.dates_everywhere().raw_times(self.time.raw()))
    }
}

impl Run for DetailsArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let token = call(ctx.client.get_registration_token().token(self.token).send()).await?;
        ctx.print(&token, &TOKEN.dates_everywhere().raw_times(self.time.raw()))
    }
}

impl Run for NewArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        let expiry_time = match a.expiry_ts.or(a.expire_at) {
            Some(ms) => Some(future(ms)?),
            None => None,
        };
        let length = match a.token {
            // Synapse ignores the length of a given token; don't send one.
            Some(_) => None,
            None => std::num::NonZeroU64::new(a.length),
        };
        let body = types::NewRegistrationToken {
            token: a.token,
            length,
            uses_allowed: a.uses_allowed,
            expiry_time,
        };
        let token = call(ctx.client.create_registration_token().body(body).send()).await?;
        ctx.note(&format!("Registration token {} created.", token.token));
        ctx.print(&token, &TOKEN.raw_times(a.time.raw()))
    }
}

impl Run for UpdateArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        // -1 means "unlimited" / "never", which Synapse wants as an explicit null.
        let uses_allowed = a.uses_allowed.map(|n| (n >= 0).then_some(n));
        let expiry_time = match (a.expiry_ts, a.expire_at) {
            (Some(-1), _) => Some(None),
            (Some(ms), _) | (_, Some(ms)) => Some(Some(future(ms)?)),
            (None, None) => None,
        };
        let body = RegistrationTokenUpdate { uses_allowed, expiry_time };
        let token =
            call(ctx.client.update_registration_token().token(a.token).body(body).send()).await?;
        ctx.print(&token, &TOKEN.raw_times(a.time.raw()))
    }
}

impl Run for DeleteArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        ctx.confirm(&format!(
            "Delete the registration token {}? Registrations that started with it can still \
             complete.",
            self.token
        ))?;
        let reply = call(ctx.client.delete_registration_token().token(&self.token).send()).await?;
        ctx.note(&format!("Registration token {} deleted.", self.token));
        ctx.print(&reply, &View::PLAIN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_checked_like_synapse_does() {
        assert_eq!(parse_token("abc.DEF_1~-").as_deref(), Ok("abc.DEF_1~-"));
        assert!(parse_token(&"a".repeat(64)).is_ok());
        for bad in ["", "a b", "a/b", "ä", "a?b", &"a".repeat(65)] {
            assert!(parse_token(bad).is_err(), "{bad:?}");
        }
        assert!(parse_token("new").is_ok());
        assert!(parse_addressable_token("new").is_err());
        assert!(parse_addressable_token("new1").is_ok());
    }

    #[test]
    fn validity_and_remaining_uses() {
        let now = 1_000;
        let t = |uses: Value, pending: i64, completed: i64, expiry: Value| {
            annotated(
                &json!({"token": "t", "uses_allowed": uses, "pending": pending,
                        "completed": completed, "expiry_time": expiry}),
                now,
            )
        };
        let fresh = t(json!(5), 1, 2, json!(null));
        assert_eq!(fresh["valid"], true);
        assert_eq!(fresh["remaining_uses"], 2);
        assert_eq!(fresh["expiry_time"], "never");
        let used_up = t(json!(3), 1, 2, json!(null));
        assert_eq!(
            (used_up["valid"].clone(), used_up["remaining_uses"].clone()),
            (json!(false), json!(0))
        );
        let unlimited = t(json!(null), 0, 9, json!(2_000));
        assert_eq!(unlimited["valid"], true);
        assert_eq!(unlimited["remaining_uses"], "unlimited");
        assert_eq!(unlimited["uses_allowed"], "unlimited");
        assert_eq!(unlimited["expiry_time"], 2_000);
        let expired = t(json!(null), 0, 0, json!(1_000));
        assert_eq!(expired["valid"], false);
    }

    #[test]
    fn new_fields_are_kept_after_the_known_ones() {
        let row = annotated(
            &json!({"token": "t", "uses_allowed": null, "pending": 0, "completed": 0,
                    "expiry_time": null, "brand_new": 1}),
            0,
        );
        let keys: Vec<&String> = row.as_object().unwrap().keys().collect();
        assert_eq!(keys.last().map(|k| k.as_str()), Some("brand_new"));
    }
}
