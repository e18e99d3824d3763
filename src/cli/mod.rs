//! The command line: global options, command tree, and dispatch.

mod config_cmd;
mod context;
mod docs;
mod numbers;
mod prompt;
mod user;

use clap::{ArgAction, Parser, Subcommand};
use context::Ctx;
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

/// Options accepted before the command (as in Python synadm) and after it. Exceptions, kept
/// for synadm compatibility: in `user modify`, `-v` is the avatar (use `--verbose`); in
/// `config`, `-o` is the format to store.
#[derive(Debug, clap::Args)]
pub struct GlobalArgs {
    /// Log each request on stderr (-v), with status and timing (-vv).
    #[arg(short, long, action = ArgAction::Count, global = true)]
    pub verbose: u8,

    /// Non-interactive mode: never prompt, answer confirmations with yes. Use with caution!
    #[arg(long = "batch", visible_aliases = ["no-confirm", "yes", "non-interactive", "scripting"],
          global = true)]
    pub batch: bool,

    /// Output format (overrides `format` from the config).
    #[arg(
        short,
        long = "output",
        value_enum,
        value_name = "FORMAT",
        ignore_case = true,
        global = true
    )]
    pub output: Option<Format>,

    /// Configuration file.
    #[arg(
        short = 'c',
        long = "config-file",
        env = "SYNADM_CONFIG",
        value_name = "FILE",
        global = true
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
    /// Print a shell completion script (no config needed).
    Completions(docs::CompletionsArgs),
    /// Print the manual page in roff format (no config needed).
    Man,
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> Result<(), Error> {
    let path = cli
        .global
        .config_file
        .clone()
        .unwrap_or_else(synadm::config::default_path);
    match cli.command {
        Command::Completions(args) => docs::completions(&args),
        Command::Man => docs::man(),
        Command::Config(args) => config_cmd::run(&path, cli.global.batch, args),
        Command::Version => {
            let ctx = Ctx::new(&cli.global, &path)?;
            let version = call(ctx.client.get_server_version().send()).await?;
            ctx.print(&version, &View::PLAIN)
        }
        Command::User(cmd) => user::run(&Ctx::new(&cli.global, &path)?, cmd).await,
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
