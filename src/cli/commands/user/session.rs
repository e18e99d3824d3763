//! Credentials: `user password` and `user login`.

use crate::cli::kit::prelude::*;
use crate::cli::kit::prompt;
use clap::ArgGroup;
use synadm::time;

#[derive(Debug, clap::Args)]
pub struct PasswordArgs {
    /// The user (full ID or localpart).
    user_id: String,
    /// Don't log the user out of their sessions on all devices.
    #[arg(short = 'n', long)]
    no_logout: bool,
    /// The new password; asked for (hidden, twice) when missing.
    #[arg(short, long)]
    password: Option<String>,
}

#[derive(Debug, clap::Args)]
#[command(group(ArgGroup::new("expiry").args(["expire_days", "expire", "expire_ts", "expire_never"])))]
pub struct LoginArgs {
    /// The user (full ID or localpart).
    user_id: String,
    /// Expire the token after this many days (default: 1 day).
    #[arg(short = 'd', long, value_parser = crate::cli::kit::numbers::non_negative, allow_negative_numbers = true)]
    expire_days: Option<i64>,
    /// Expire the token at this time: YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS,
    /// 'YYYY-MM-DD HH:MM:SS' (local time) or RFC 3339.
    #[arg(long, value_name = "DATETIME", value_parser = time::parse_datetime_ms)]
    expire: Option<i64>,
    /// Expire the token at this Unix time in milliseconds.
    #[arg(long, value_name = "MS", value_parser = crate::cli::kit::numbers::non_negative, allow_negative_numbers = true)]
    expire_ts: Option<i64>,
    /// The token never expires.
    #[arg(long)]
    expire_never: bool,
}

impl Run for PasswordArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        let user_id = ctx.user_id(&a.user_id).await?;
        let new_password = prompt::password(a.password, ctx.batch)?;
        let body = types::ResetPasswordRequest {
            new_password,
            logout_devices: a.no_logout.then_some(false),
        };
        let reply =
            call(ctx.client.reset_password().user_id(user_id.clone()).body(body).send()).await?;
        ctx.note(&format!("Password of {user_id} changed."));
        ctx.print(&reply, &View::PLAIN)
    }
}

impl Run for LoginArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        let user_id = ctx.user_id(&a.user_id).await?;
        let valid_until_ms = match (a.expire_never, a.expire_ts, a.expire, a.expire_days) {
            (true, ..) => None,
            (_, Some(ts), ..) => Some(ts),
            (_, _, Some(at), _) => Some(at),
            (_, _, _, Some(days)) => Some(time::days_from_now_ms(days)?),
            _ => Some(time::days_from_now_ms(1)?),
        };
        if let Some(ms) = valid_until_ms
            && ms <= time::now_ms()
        {
            return Err(Error::Usage("the expiry time lies in the past".into()));
        }
        if !ctx.batch {
            ctx.note(
                "Note: this token acts as the user; their privacy matters. Use it only as \
             your server's policy allows, and log it out when done.",
            );
        }
        let body = types::LoginAsUserRequest { valid_until_ms };
        let token =
            call(ctx.client.login_as_user().user_id(user_id.clone()).body(body).send()).await?;
        ctx.note(&match valid_until_ms.and_then(time::humanize) {
            Some(at) => format!("The token for {user_id} expires at {at}."),
            None => format!("The token for {user_id} never expires; log it out when done."),
        });
        ctx.print(&token, &View::PLAIN)
    }
}
