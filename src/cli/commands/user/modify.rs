//! `user modify`: create or change an account with PUT /v2/users/{user_id}.

use crate::cli::kit::prelude::*;
use crate::cli::kit::{prompt, stderr};
use clap::ArgGroup;
use synadm::api::UserUpsert;

#[derive(Debug, clap::Args)]
#[command(group(ArgGroup::new("change").multiple(true).required(true).args([
    "password_prompt", "password", "display_name", "threepid", "clear_threepids", "avatar_url",
    "admin", "no_admin", "activate", "deactivate", "user_type", "no_logout", "lock", "unlock",
])))]
pub struct ModifyArgs {
    /// The user (full ID or localpart); created if it does not exist.
    user_id: String,
    /// Set the password, asked for interactively (not with --batch).
    #[arg(short = 'p', long, conflicts_with = "password")]
    password_prompt: bool,
    /// Set the password given here (visible in shell history; prefer -p).
    #[arg(short = 'P', long)]
    password: Option<String>,
    /// Set the display name.
    #[arg(short = 'n', long)]
    display_name: Option<String>,
    /// Set a third-party ID: MEDIUM ADDRESS (e.g. `-t email alice@example.org`); repeat
    /// for several. Replaces all existing ones. `-t '' ''` removes all.
    #[arg(short = 't', long, num_args = 2, value_names = ["MEDIUM", "ADDRESS"], action = clap::ArgAction::Append)]
    threepid: Vec<String>,
    /// Remove all third-party IDs.
    #[arg(long, conflicts_with = "threepid")]
    clear_threepids: bool,
    /// Set the avatar URL (an mxc:// URI).
    #[arg(short = 'v', long, value_parser = crate::cli::kit::numbers::Checked(synadm::mxc::Mxc::parse))]
    avatar_url: Option<synadm::mxc::Mxc>,
    /// Grant server admin rights.
    #[arg(short = 'a', long, conflicts_with = "no_admin")]
    admin: bool,
    /// Revoke server admin rights.
    #[arg(short = 'u', long)]
    no_admin: bool,
    /// Re-activate a deactivated user (usually needs a password too).
    #[arg(long, conflicts_with = "deactivate")]
    activate: bool,
    /// Deactivate the user (see also `user deactivate`).
    #[arg(long, conflicts_with_all = ["password", "password_prompt"])]
    deactivate: bool,
    /// Set the user type: bot, support, or regular (no type).
    #[arg(long, value_parser = ["bot", "support", "regular"])]
    user_type: Option<String>,
    /// With a new password: keep the user's devices logged in.
    #[arg(long)]
    no_logout: bool,
    /// Lock the account (no logins).
    #[arg(short = 'l', long, conflicts_with = "unlock")]
    lock: bool,
    /// Unlock the account.
    #[arg(short = 'L', long)]
    unlock: bool,
    /// Here `-v` is the avatar (as in synadm), so the global -v/--verbose is only
    /// `--verbose`; the shared id makes it count as the global option.
    #[arg(id = "verbose", long = "verbose", action = clap::ArgAction::Count, hide = true)]
    _verbose: u8,
}

/// Builds the request body from the flags; a password from a prompt comes in `password`.
fn body(a: &ModifyArgs, password: Option<String>) -> Result<UserUpsert, Error> {
    let threepids = if a.clear_threepids {
        Some(vec![])
    } else if a.threepid.is_empty() {
        None
    } else {
        let mut list = Vec::new();
        for pair in a.threepid.chunks(2) {
            let (medium, address) = (pair[0].trim(), pair[1].trim());
            if medium.is_empty() && address.is_empty() {
                continue; // synadm's `-t '' ''` means "remove all"
            }
            if medium.is_empty() || address.is_empty() {
                return Err(Error::Usage("--threepid needs both MEDIUM and ADDRESS".into()));
            }
            if !matches!(medium, "email" | "msisdn") {
                stderr::line(&format!("warning: medium {medium:?} is neither email nor msisdn"));
            }
            list.push(types::ThreepidInput { medium: medium.into(), address: address.into() });
        }
        Some(list)
    };
    if a.no_logout && password.is_none() {
        return Err(Error::Usage("--no-logout only applies together with a new password".into()));
    }
    Ok(UserUpsert {
        logout_devices: (a.no_logout).then_some(false),
        password,
        displayname: a.display_name.clone(),
        avatar_url: a.avatar_url.as_ref().map(ToString::to_string),
        threepids,
        admin: flag_pair(a.admin, a.no_admin),
        deactivated: flag_pair(a.deactivate, a.activate),
        locked: flag_pair(a.lock, a.unlock),
        user_type: a.user_type.as_ref().map(|t| (t != "regular").then(|| t.clone())),
    })
}

impl Run for ModifyArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        let user_id = ctx.user_id(&a.user_id).await?;
        let password = if a.password_prompt {
            if ctx.batch {
                return Err(Error::Usage(
                    "--password-prompt cannot ask in --batch mode; use -P/--password".into(),
                ));
            }
            Some(prompt::new_password()?)
        } else {
            a.password.clone()
        };
        let body = body(&a, password)?;

        let exists = match call(ctx.client.get_user().user_id(user_id.clone()).send()).await {
            Ok(_) => true,
            Err(Error::Matrix { status: 404, .. }) => false,
            Err(e) => return Err(e),
        };
        // Never show the password in the summary.
        let mut shown = serde_json::to_value(&body).map_err(|e| Error::Io(e.to_string()))?;
        if let Some(p) = shown.get_mut("password") {
            *p = serde_json::Value::String("<hidden>".into());
        }
        if exists {
            ctx.note(&format!("Changes to {user_id}: {shown}"));
            ctx.confirm(&format!("Modify user {user_id}?"))?;
        } else {
            ctx.note(&format!("{user_id} does not exist and will be created: {shown}"));
        }
        let user = call(ctx.client.put_user().user_id(user_id.clone()).body(body).send()).await?;
        ctx.note(&format!("User {user_id} {}.", if exists { "modified" } else { "created" }));
        ctx.print(&user, &views::USER)
    }
}
