//! The command line: global options, command tree, and dispatch.

pub mod args;
mod config_cmd;
pub mod context;
pub mod jobs;
mod media;
pub mod paging;
mod prelude;
mod prompt;
mod regtok;
pub mod stderr;
mod user;
pub mod views;

use clap::{ArgAction, Parser, Subcommand};
use context::{Ctx, Run};
use std::path::PathBuf;
use synadm::Error;
use synadm::api::call;
use synadm::output::{Format, View};

/// The Matrix-Synapse admin CLI.
///
/// Configuration is read from ~/.config/synadm.yaml (the same file Python synadm uses);
/// run `synadm config` to create it.
#[derive(Debug, Parser)]
#[command(name = "synadm", version, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options that come before the command, as in Python synadm.
#[derive(Debug, clap::Args)]
pub struct GlobalArgs {
    /// Log each request on stderr (-v), with status and timing (-vv).
    #[arg(short, long, action = ArgAction::Count)]
    pub verbose: u8,

    /// Non-interactive mode: never prompt, answer confirmations with yes. Use with caution!
    #[arg(long = "batch", visible_aliases = ["no-confirm", "yes", "non-interactive", "scripting"])]
    pub batch: bool,

    /// Output format (overrides `format` from the config).
    #[arg(short, long = "output", value_enum, value_name = "FORMAT")]
    pub output: Option<Format>,

    /// Configuration file.
    #[arg(
        short = 'c',
        long = "config-file",
        env = "SYNADM_CONFIG",
        value_name = "FILE"
    )]
    pub config_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Modify synadm's configuration.
    Config(config_cmd::ConfigArgs),
    /// Get the Synapse server version.
    Version,
    /// List, add, modify, deactivate/erase users, reset passwords.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Manage local and remote media.
    #[command(subcommand)]
    Media(media::MediaCommand),
    /// Manage registration tokens.
    #[command(subcommand)]
    Regtok(regtok::RegtokCommand),
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> Result<(), Error> {
    let path = cli
        .global
        .config_file
        .clone()
        .unwrap_or_else(synadm::config::default_path);
    match cli.command {
        Command::Config(args) => config_cmd::run(&path, cli.global.batch, args),
        Command::Version => {
            let ctx = Ctx::new(&cli.global, &path)?;
            let version = call(ctx.client.get_server_version().send()).await?;
            ctx.print(&version, &View::PLAIN)
        }
        Command::User(cmd) => cmd.run(&Ctx::new(&cli.global, &path)?).await,
        Command::Media(cmd) => cmd.run(&Ctx::new(&cli.global, &path)?).await,
        Command::Regtok(cmd) => cmd.run(&Ctx::new(&cli.global, &path)?).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_tree_is_consistent() {
        Cli::command().debug_assert();
    }
}
