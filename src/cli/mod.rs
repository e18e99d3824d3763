//! The command line: global options, command tree, and dispatch.

pub mod args;
pub mod bulk;
mod config_cmd;
pub mod context;
mod docs;
mod group;
mod history;
pub mod jobs;
mod matrix;
mod media;
mod notice;
pub mod numbers;
pub mod paging;
mod prelude;
mod prompt;
mod raw;
mod regtok;
mod room;
pub mod stderr;
mod user;
mod users;
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
    /// Manipulate rooms and room membership.
    #[command(subcommand)]
    Room(room::RoomCommand),
    /// Print a shell completion script (no config needed).
    Completions(docs::CompletionsArgs),
    /// Print the manual page in roff format (no config needed).
    Man,
    /// Send messages (server notices) to users.
    #[command(subcommand)]
    Notice(notice::NoticeCommand),
    /// Execute Matrix API calls.
    #[command(subcommand)]
    Matrix(matrix::MatrixCommand),
    /// Issue a custom request to the Synapse admin API.
    Raw(raw::RawArgs),
    /// Manage groups (communities); removed from Synapse in 1.61, kept for compatibility.
    #[command(subcommand)]
    Group(group::GroupCommand),
    /// Purge historic events from Synapse database.
    #[command(subcommand)]
    History(history::HistoryCommand),
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
        Command::Completions(args) => docs::completions(&args),
        Command::Man => docs::man(),
        Command::Config(args) => config_cmd::run(&path, cli.global.batch, args),
        Command::Version => {
            let ctx = Ctx::new(&cli.global, &path)?;
            let version = call(ctx.client.get_server_version().send()).await?;
            ctx.print(&version, &View::PLAIN)
        }
        Command::User(cmd) => cmd.run(&Ctx::new(&cli.global, &path)?).await,
        Command::Room(cmd) => cmd.run(&Ctx::new(&cli.global, &path)?).await,
        Command::Notice(cmd) => cmd.run(&Ctx::new(&cli.global, &path)?).await,
        Command::Matrix(cmd) => cmd.run(&Ctx::new(&cli.global, &path)?).await,
        Command::Raw(args) => args.run(&Ctx::new(&cli.global, &path)?).await,
        // Sends nothing, so it needs no config.
        Command::Group(cmd) => group::run(cmd),
        Command::History(cmd) => cmd.run(&Ctx::new(&cli.global, &path)?).await,
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

    /// Every command with its arguments: names, short/long flags, aliases, defaults, value
    /// choices, whether required, global, or taking a value.
    fn tree(cmd: &clap::Command) -> serde_json::Value {
        let args: Vec<serde_json::Value> = cmd
            .get_arguments()
            .filter(|a| !matches!(a.get_id().as_str(), "help" | "version"))
            .map(|a| {
                let strs = |v: Vec<String>| serde_json::json!(v);
                serde_json::json!({
                    "id": a.get_id().as_str(),
                    "long": a.get_long(),
                    "short": a.get_short().map(String::from),
                    "aliases": strs(a.get_all_aliases().unwrap_or_default().iter().map(|s| s.to_string()).collect()),
                    "short_aliases": strs(a.get_all_short_aliases().unwrap_or_default().iter().map(|c| c.to_string()).collect()),
                    "default": strs(a.get_default_values().iter().map(|v| v.to_string_lossy().into_owned()).collect()),
                    "choices": strs(a.get_possible_values().iter().map(|v| v.get_name().to_string()).collect()),
                    "required": a.is_required_set(),
                    "global": a.is_global_set(),
                    "takes_value": a.get_action().takes_values(),
                    "positional": a.is_positional(),
                })
            })
            .collect();
        let subcommands: Vec<serde_json::Value> = cmd.get_subcommands().map(tree).collect();
        serde_json::json!({
            "name": cmd.get_name(),
            "aliases": cmd.get_all_aliases().collect::<Vec<_>>(),
            "args": args,
            "subcommands": subcommands,
        })
    }

    /// A change to any command, flag or default must come with an updated snapshot
    /// (`SYNADM_UPDATE_SNAPSHOTS=1 cargo test --bin synadm command_tree`), so that no flag
    /// changes by accident and the change shows in review.
    #[test]
    fn command_tree_matches_its_snapshot() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/snapshots/command-tree.json"
        );
        let mut text = serde_json::to_string_pretty(&tree(&Cli::command())).unwrap();
        text.push('\n');
        if std::env::var_os("SYNADM_UPDATE_SNAPSHOTS").is_some() {
            std::fs::write(path, &text).unwrap();
            return;
        }
        let stored = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            stored == text,
            "the command tree differs from {path}; if the change is intended, run \
             SYNADM_UPDATE_SNAPSHOTS=1 cargo test --bin synadm command_tree and review the diff"
        );
    }
}
