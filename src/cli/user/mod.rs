//! `synadm user …`: every user command of Python synadm 0.49.2, with its flags.

mod deactivate;
mod devices;
mod list;
mod lookup;
mod moderation;
mod modify;
mod session;

use super::context::Ctx;
use clap::Subcommand;
use synadm::Error;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// List users, search for users.
    List(list::ListArgs),
    /// Search users by name or ID part (case-insensitive); includes deactivated users and guests.
    Search(list::SearchArgs),
    /// View details of a user account.
    Details(lookup::UserArgs),
    /// Create or modify a local user.
    Modify(modify::ModifyArgs),
    /// Deactivate or GDPR-erase a user.
    Deactivate(deactivate::DeactivateArgs),
    /// Deactivate or GDPR-erase every account whose ID matches a regular expression.
    DeactivateRegex(deactivate::DeactivateRegexArgs),
    /// Change a user's password.
    Password(session::PasswordArgs),
    /// Get an access token for a given user (logs in as them).
    Login(session::LoginArgs),
    /// List local media uploaded by a user.
    Media(list::MediaArgs),
    /// List all rooms a user is member of.
    Membership(lookup::MembershipArgs),
    /// View information about a user's sessions and connections.
    Whois(lookup::UserArgs),
    /// Find a user by their third-party ID (email address, phone number).
    #[command(name = "3pid")]
    Threepid(lookup::ThreepidArgs),
    /// Find a user by their ID at an SSO/OIDC auth provider.
    AuthProvider(lookup::AuthProviderArgs),
    /// Delete devices (and their access tokens) that have not been seen for a while.
    PruneDevices(devices::PruneArgs),
    /// Redact the events a user sent, local or remote.
    Redact(moderation::RedactArgs),
    /// Get the status of a redaction started by `user redact`.
    RedactStatus(moderation::RedactStatusArgs),
    /// Shadow-ban or unban a user.
    ShadowBan(moderation::ShadowBanArgs),
    /// Suspend a user (they can read but not act) or lift the suspension.
    Suspend(moderation::SuspendArgs),
}

pub async fn run(ctx: &Ctx, cmd: UserCommand) -> Result<(), Error> {
    match cmd {
        UserCommand::List(a) => list::list(ctx, a).await,
        UserCommand::Search(a) => list::search(ctx, a).await,
        UserCommand::Details(a) => lookup::details(ctx, a).await,
        UserCommand::Modify(a) => modify::run(ctx, a).await,
        UserCommand::Deactivate(a) => deactivate::one(ctx, a).await,
        UserCommand::DeactivateRegex(a) => deactivate::by_regex(ctx, a).await,
        UserCommand::Password(a) => session::password(ctx, a).await,
        UserCommand::Login(a) => session::login(ctx, a).await,
        UserCommand::Media(a) => list::media(ctx, a).await,
        UserCommand::Membership(a) => lookup::membership(ctx, a).await,
        UserCommand::Whois(a) => lookup::whois(ctx, a).await,
        UserCommand::Threepid(a) => lookup::threepid(ctx, a).await,
        UserCommand::AuthProvider(a) => lookup::auth_provider(ctx, a).await,
        UserCommand::PruneDevices(a) => devices::prune(ctx, a).await,
        UserCommand::Redact(a) => moderation::redact(ctx, a).await,
        UserCommand::RedactStatus(a) => moderation::redact_status(ctx, a).await,
        UserCommand::ShadowBan(a) => moderation::shadow_ban(ctx, a).await,
        UserCommand::Suspend(a) => moderation::suspend(ctx, a).await,
    }
}

/// `--x` / `--no-x` pairs: `None` when neither was given (the parameter is then omitted).
fn tri(yes: bool, no: bool) -> Option<bool> {
    match (yes, no) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    }
}

/// `--datetime/--dt` vs `--timestamp/--ts` (human output only; machine formats keep ms).
#[derive(Debug, clap::Args)]
pub struct TimeArgs {
    /// Show timestamps as local date and time in human output (the default).
    #[arg(long, visible_alias = "dt", overrides_with = "timestamp")]
    datetime: bool,
    /// Show timestamps as milliseconds since the epoch in human output.
    #[arg(long, visible_alias = "ts", overrides_with = "datetime")]
    timestamp: bool,
}

impl TimeArgs {
    fn humanize(&self) -> bool {
        !self.timestamp
    }
}
