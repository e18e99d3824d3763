//! `synadm group …`: communities ("groups") were removed from Synapse in 1.61 (2022). The
//! command stays so that scripts calling it get a clear answer instead of "no such command";
//! it sends nothing and needs no config.

use clap::Subcommand;
use synadm::Error;

#[derive(Debug, Subcommand)]
pub enum GroupCommand {
    /// Delete a local group (community). Groups no longer exist in Synapse (removed in 1.61);
    /// this always fails without sending a request.
    Delete(DeleteArgs),
}

#[derive(Debug, clap::Args)]
pub struct DeleteArgs {
    /// The group ID, e.g. +group:example.org.
    group_id: String,
}

/// What every group command answers.
pub fn run(cmd: GroupCommand) -> Result<(), Error> {
    match cmd {
        GroupCommand::Delete(a) => Err(Error::Usage(format!(
            "cannot delete {}: communities (groups) no longer exist in Synapse; they were \
             removed in Synapse 1.61 (2022), so there is nothing to delete and no request \
             was sent",
            a.group_id
        ))),
    }
}
