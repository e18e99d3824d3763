//! The command line: the command tree and dispatch, nothing else. Commands live in
//! [`commands`], what they share in [`kit`].

pub mod commands;
pub mod kit;

use clap::{CommandFactory, Parser, Subcommand};
use commands::{
    config, docs, federation, group, history, matrix, media, notice, raw, regtok, report, room,
    server, user, version,
};
use kit::context::{Ctx, Run};
use kit::global::GlobalArgs;
use synadm::Error;

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

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Modify synadm's configuration.
    Config(config::ConfigArgs),
    /// Get the Synapse server version.
    Version(version::VersionArgs),
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
    /// Triage what users reported: events and users.
    #[command(subcommand)]
    Report(report::ReportCommand),
    /// The servers this one talks to: failing ones, shared rooms, resetting one.
    #[command(subcommand)]
    Federation(federation::FederationCommand),
    /// The server as a whole: scheduled tasks, background updates, statistics.
    #[command(subcommand)]
    Server(server::ServerCommand),
}

/// Runs the parsed command line. The commands that need no config (documentation, the
/// config itself, the removed groups) run without one; every other command gets the one
/// context built from the config.
pub async fn run(cli: Cli) -> Result<(), Error> {
    let Cli { global, command } = cli;
    match command {
        Command::Completions(args) => docs::completions(&args, Cli::command()),
        Command::Man => docs::man(Cli::command()),
        Command::Config(args) => config::run(&global.config_path(), global.batch, args),
        Command::Group(cmd) => group::run(cmd),
        Command::Version(args) => online(&global, args).await,
        Command::User(cmd) if cmd.tokenless() => cmd.run(&Ctx::tokenless(&global)?).await,
        Command::User(cmd) => online(&global, cmd).await,
        Command::Room(cmd) => online(&global, cmd).await,
        Command::Notice(cmd) => online(&global, cmd).await,
        Command::Matrix(cmd) => online(&global, cmd).await,
        Command::Raw(args) => online(&global, args).await,
        Command::History(cmd) => online(&global, cmd).await,
        Command::Media(cmd) => online(&global, cmd).await,
        Command::Regtok(cmd) => online(&global, cmd).await,
        Command::Report(cmd) => online(&global, cmd).await,
        Command::Federation(cmd) => online(&global, cmd).await,
        Command::Server(cmd) => online(&global, cmd).await,
    }
}

/// Runs a command that talks to the server, with the context built from the config.
async fn online(global: &GlobalArgs, command: impl Run) -> Result<(), Error> {
    command.run(&Ctx::new(global)?).await
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/command-tree.json");
        let mut text = serde_json::to_string_pretty(&tree(&Cli::command())).unwrap();
        text.push('\n');
        matches_snapshot(path, &text, "the command tree", "command_tree");
    }

    /// Compares `text` with the snapshot at `path`, or rewrites the snapshot when
    /// `SYNADM_UPDATE_SNAPSHOTS` is set; `what` and `test` name them in the failure.
    fn matches_snapshot(path: &str, text: &str, what: &str, test: &str) {
        if std::env::var_os("SYNADM_UPDATE_SNAPSHOTS").is_some() {
            std::fs::write(path, text).unwrap();
            return;
        }
        let stored = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            stored == text,
            "{what} differs from {path}; if the change is intended, run \
             SYNADM_UPDATE_SNAPSHOTS=1 cargo test --bin synadm {test} and review the diff"
        );
    }

    /// Every command's `--help` text, one after the other, at a fixed width of 100 columns.
    fn help_texts(cmd: &mut clap::Command, path: &str, out: &mut String) {
        let path = if path.is_empty() {
            cmd.get_name().to_string()
        } else {
            format!("{path} {}", cmd.get_name())
        };
        out.push_str(&format!("==== {path} --help\n"));
        out.push_str(&cmd.render_long_help().to_string());
        out.push('\n');
        // clap's own `help` subcommands say the same everywhere.
        for sub in cmd.get_subcommands_mut().filter(|s| s.get_name() != "help") {
            help_texts(sub, &path, out);
        }
    }

    /// A wording change in any `--help` shows up in review, as a diff of this snapshot
    /// (`SYNADM_UPDATE_SNAPSHOTS=1 cargo test --bin synadm help_texts`).
    #[test]
    fn help_texts_match_their_snapshot() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/help.txt");
        let mut cmd = Cli::command().term_width(100);
        cmd.build();
        let mut text = String::new();
        help_texts(&mut cmd, "", &mut text);
        matches_snapshot(path, &text, "the --help text", "help_texts");
    }
}
