//! `synadm user …`: every user command of Python synadm 0.49.2, with its flags.

mod account;
mod deactivate;
mod device;
mod devices;
mod import;
mod list;
mod lookup;
mod moderation;
mod modify;
mod register;
mod session;

use crate::cli::kit::prelude::*;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// List users, search for users.
    List(list::ListArgs),
    /// Search users by name or ID part (case-insensitive); includes deactivated users and guests.
    Search(list::SearchArgs),
    /// View details of a user account.
    Details(lookup::DetailsArgs),
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
    Whois(lookup::WhoisArgs),
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
    /// Show whether a user is a server admin, or grant or revoke it.
    Admin(account::AdminArgs),
    /// List every room a user has a membership in, with its state (join, invite, leave, ban, knock).
    Memberships(account::MembershipsArgs),
    /// List a user's pushers (where their notifications go).
    Pushers(account::PushersArgs),
    /// Show, set or remove a user's message rate-limit override.
    Ratelimit(account::RateLimitArgs),
    /// Show a user's account data, global and per room.
    AccountData(account::AccountDataArgs),
    /// Let a user who lost their keys replace their master cross-signing key without
    /// authenticating, for 10 minutes.
    AllowCrossSigningReset(account::CrossSigningArgs),
    /// Renew a user's account validity, or set when the account expires.
    Renew(account::RenewArgs),
    /// Show a user's experimental features, or switch some on or off.
    Features(account::FeaturesArgs),
    /// Count the invites a user sent since a point in time (spam accounts invite a lot).
    InviteCount(account::CountArgs),
    /// Count the rooms a user joined since a point in time, left ones included.
    JoinedRoomCount(account::CountArgs),
    /// Check whether a localpart is free to register.
    Available(account::AvailableArgs),
    /// Create a user with the server's registration shared secret, no access token needed
    /// (the way to make the first admin of a new server).
    Register(register::RegisterArgs),
    /// Create or update users from a CSV file (the columns `user list -o csv` writes).
    Import(import::ImportArgs),
    /// List, show, create, rename or delete a user's devices.
    #[command(subcommand)]
    Device(device::DeviceCommand),
}

impl UserCommand {
    /// Whether the command runs without an access token (shared-secret registration).
    pub fn tokenless(&self) -> bool {
        matches!(self, UserCommand::Register(_))
    }
}

impl Run for UserCommand {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        match self {
            UserCommand::List(a) => a.run(ctx).await,
            UserCommand::Search(a) => a.run(ctx).await,
            UserCommand::Details(a) => a.run(ctx).await,
            UserCommand::Modify(a) => a.run(ctx).await,
            UserCommand::Deactivate(a) => a.run(ctx).await,
            UserCommand::DeactivateRegex(a) => a.run(ctx).await,
            UserCommand::Password(a) => a.run(ctx).await,
            UserCommand::Login(a) => a.run(ctx).await,
            UserCommand::Media(a) => a.run(ctx).await,
            UserCommand::Membership(a) => a.run(ctx).await,
            UserCommand::Whois(a) => a.run(ctx).await,
            UserCommand::Threepid(a) => a.run(ctx).await,
            UserCommand::AuthProvider(a) => a.run(ctx).await,
            UserCommand::PruneDevices(a) => a.run(ctx).await,
            UserCommand::Redact(a) => a.run(ctx).await,
            UserCommand::RedactStatus(a) => a.run(ctx).await,
            UserCommand::ShadowBan(a) => a.run(ctx).await,
            UserCommand::Suspend(a) => a.run(ctx).await,
            UserCommand::Admin(a) => a.run(ctx).await,
            UserCommand::Memberships(a) => a.run(ctx).await,
            UserCommand::Pushers(a) => a.run(ctx).await,
            UserCommand::Ratelimit(a) => a.run(ctx).await,
            UserCommand::AccountData(a) => a.run(ctx).await,
            UserCommand::AllowCrossSigningReset(a) => a.run(ctx).await,
            UserCommand::Renew(a) => a.run(ctx).await,
            UserCommand::Features(a) => a.run(ctx).await,
            UserCommand::InviteCount(a) => a.invites(ctx).await,
            UserCommand::JoinedRoomCount(a) => a.joins(ctx).await,
            UserCommand::Available(a) => a.run(ctx).await,
            UserCommand::Device(a) => a.run(ctx).await,
            UserCommand::Register(a) => a.run(ctx).await,
            UserCommand::Import(a) => a.run(ctx).await,
        }
    }
}
