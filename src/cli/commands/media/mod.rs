//! `synadm media …`: every media command of Python synadm 0.49.2, with its flags, plus
//! `protect -u` to lift a protection.

mod delete;
mod list;
mod quarantine;
mod quarantine_log;

use crate::cli::kit::id_list::{IdList, Target};
use crate::cli::kit::prelude::*;
use clap::Subcommand;
use synadm::mxc::{Mxc, parse_media_id};

#[derive(Debug, Subcommand)]
pub enum MediaCommand {
    /// List local media by room or user.
    List(list::ListArgs),
    /// Delete local media by ID, by last access (and size), or all of one user's.
    Delete(delete::DeleteArgs),
    /// Purge old cached remote media (local media is never touched).
    Purge(delete::PurgeArgs),
    /// Quarantine media in rooms, by users, or by media ID or MXC URI.
    Quarantine(quarantine::QuarantineArgs),
    /// Remove media from quarantine.
    Unquarantine(quarantine::UnquarantineArgs),
    /// The log of media put into and taken out of quarantine (Synapse 1.152 or later).
    QuarantineChanges(quarantine_log::ChangesArgs),
    /// Protect local media from being quarantined (-u: lift the protection).
    Protect(quarantine::ProtectArgs),
}

impl Run for MediaCommand {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        match self {
            MediaCommand::List(a) => a.run(ctx).await,
            MediaCommand::Delete(a) => a.run(ctx).await,
            MediaCommand::Purge(a) => a.run(ctx).await,
            MediaCommand::Quarantine(a) => a.run(ctx).await,
            MediaCommand::Unquarantine(a) => a.run(ctx).await,
            MediaCommand::QuarantineChanges(a) => a.run(ctx).await,
            MediaCommand::Protect(a) => a.run(ctx).await,
        }
    }
}

/// A media ID, or `-` for a list on stdin.
fn media_or_list(input: &str) -> Result<Target, String> {
    Target::checked(input, parse_media_id)
}

/// The media listed on stdin, as MXC URIs: MXC URIs, or media IDs on `server` (this server
/// when `None`), one a line.
async fn media_from_stdin(ctx: &Ctx, server: Option<String>) -> Result<IdList, Error> {
    let server = match server {
        Some(s) => s,
        None => ctx.server_name().await?.to_string(),
    };
    IdList::from_stdin("media ID or MXC URI", |line| {
        if line.get(..6).is_some_and(|s| s.eq_ignore_ascii_case("mxc://")) {
            return Mxc::parse(line).map(|m| m.to_string());
        }
        let media_id = parse_media_id(line)?;
        Ok(Mxc { server_name: server.clone(), media_id }.to_string())
    })
}

/// An MXC URI of a list [`media_from_stdin`] checked.
fn listed_mxc(line: &str) -> Result<Mxc, Error> {
    Mxc::parse(line).map_err(Error::Usage)
}

/// A listed MXC URI that must be this server's (`here`): only local media can be `done`.
fn listed_local(line: &str, here: &str, done: &str) -> Result<Mxc, Error> {
    let mxc = listed_mxc(line)?;
    if mxc.server_name != here {
        return Err(Error::Usage(format!(
            "{mxc} is not on this server: only local media can be {done}"
        )));
    }
    Ok(mxc)
}

/// The rows of a run over media: the MXC URI, and the error of a failed one.
fn media_rows<'a, T: serde::Serialize>() -> crate::cli::kit::bulk::Rows<'a, String, T> {
    crate::cli::kit::bulk::Rows::of_ids(
        View::new(&["media", "error"]),
        &|mxc, _| serde_json::json!({ "media": mxc }),
        &|mxc, error| serde_json::json!({ "media": mxc, "error": error }),
    )
}
