//! The options every command accepts, before the command (as in Python synadm) or after
//! it, and the settings resolved from them in one place.

use super::args::OutputArg;
use clap::ArgAction;
use std::path::PathBuf;
use synadm::output::Format;

/// Environment variable naming the config file (`-c` overrides it).
pub const CONFIG_ENV: &str = "SYNADM_CONFIG";

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

    /// Output format (overrides `format` from the config; empty: the config's).
    #[arg(
        short,
        long = "output",
        value_parser = super::args::OutputParser,
        value_name = "FORMAT",
        ignore_case = true,
        global = true
    )]
    output: Option<OutputArg>,

    /// Configuration file.
    #[arg(
        short = 'c',
        long = "config-file",
        env = CONFIG_ENV,
        value_name = "FILE",
        global = true
    )]
    pub config_file: Option<PathBuf>,
}

impl GlobalArgs {
    /// The format `-o` asks for; `None` (also for `-o ''`): the config's.
    pub fn output(&self) -> Option<Format> {
        self.output.and_then(|o| o.0)
    }

    /// The config file: `-c`, `SYNADM_CONFIG`, or `~/.config/synadm.yaml`.
    pub fn config_path(&self) -> PathBuf {
        self.config_file.clone().unwrap_or_else(synadm::config::default_path)
    }
}
