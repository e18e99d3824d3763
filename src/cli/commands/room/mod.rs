//! `synadm room …`: the room commands of Python synadm 0.49.2, with its flags.

mod creators;
mod delete;
mod deletion;
mod events;
mod list;
mod lookup;
mod make_admin;
mod moderation;
mod power_levels;
mod purge_empty;
mod query;

use crate::cli::kit::prelude::*;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum RoomCommand {
    /// List and search for rooms.
    List(list::ListArgs),
    /// Search rooms by name, alias or ID (`room list -n SEARCH_TERM`).
    Search(list::SearchArgs),
    /// Get room details.
    Details(lookup::DetailsArgs),
    /// Get a list of all state events in a room.
    State(lookup::StateArgs),
    /// List current room members.
    Members(lookup::MembersArgs),
    /// Look up the room ID of an alias, or (-r) the aliases of a room.
    Resolve(lookup::ResolveArgs),
    /// Block or unblock a room.
    Block(moderation::BlockArgs),
    /// Get if a room is blocked, and who blocked it.
    BlockStatus(lookup::BlockStatusArgs),
    /// Join a local user to a room (inviting them first unless the room is public).
    Join(moderation::JoinArgs),
    /// Grant a user room admin permission (invites them unless the room is public).
    MakeAdmin(make_admin::MakeAdminArgs),
    /// List the users' power levels in rooms (and the creators of version-12 rooms).
    PowerLevels(power_levels::PowerLevelsArgs),
    /// Delete and possibly purge a room (asks first; shows the room).
    Delete(delete::DeleteArgs),
    /// Get the status of room deletions, by room ID or by delete ID.
    DeleteStatus(delete::DeleteStatusArgs),
    /// Delete every room that no local user is joined to (asks once for all).
    PurgeEmpty(purge_empty::PurgeEmptyArgs),
    /// A room's events, oldest or newest first, without being a member.
    Messages(events::MessagesArgs),
    /// An event with the events around it and the room's state at it.
    Context(events::ContextArgs),
    /// The event nearest a point in time.
    EventAt(events::EventAtArgs),
    /// One event by ID, as the server stores it (Synapse 1.140 or later).
    Event(events::EventArgs),
    /// A space's rooms, as a tree (Synapse 1.142 or later).
    Hierarchy(events::HierarchyArgs),
    /// A room's forward extremities; -d deletes the extra ones (the fix for a slow room).
    Extremities(events::ExtremitiesArgs),
}

impl Run for RoomCommand {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        match self {
            RoomCommand::List(a) => a.run(ctx).await,
            RoomCommand::Search(a) => a.run(ctx).await,
            RoomCommand::Details(a) => a.run(ctx).await,
            RoomCommand::State(a) => a.run(ctx).await,
            RoomCommand::Members(a) => a.run(ctx).await,
            RoomCommand::Resolve(a) => a.run(ctx).await,
            RoomCommand::Block(a) => a.run(ctx).await,
            RoomCommand::BlockStatus(a) => a.run(ctx).await,
            RoomCommand::Join(a) => a.run(ctx).await,
            RoomCommand::MakeAdmin(a) => a.run(ctx).await,
            RoomCommand::PowerLevels(a) => a.run(ctx).await,
            RoomCommand::Delete(a) => a.run(ctx).await,
            RoomCommand::DeleteStatus(a) => a.run(ctx).await,
            RoomCommand::PurgeEmpty(a) => a.run(ctx).await,
            RoomCommand::Messages(a) => a.run(ctx).await,
            RoomCommand::Context(a) => a.run(ctx).await,
            RoomCommand::EventAt(a) => a.run(ctx).await,
            RoomCommand::Event(a) => a.run(ctx).await,
            RoomCommand::Hierarchy(a) => a.run(ctx).await,
            RoomCommand::Extremities(a) => a.run(ctx).await,
        }
    }
}
