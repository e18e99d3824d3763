//! Argument groups that several commands share: paging, time display, waiting for jobs,
//! `--x/--no-x` pairs, and the output format.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use synadm::output::Format;

/// `-o FORMAT`: a format's name or synadm's one-letter alias (the library knows the
/// formats; clap lists them in `--help` and completions).
pub fn format_parser() -> impl TypedValueParser<Value = Format> {
    let values = Format::ALL.map(|(_, name, alias)| PossibleValue::new(name).alias(alias));
    PossibleValuesParser::new(values).try_map(|s| s.parse::<Format>())
}

/// `--x` / `--no-x` pairs: `None` when neither was given (the parameter is then omitted).
pub fn flag_pair(yes: bool, no: bool) -> Option<bool> {
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
    /// Whether human output shows times raw.
    pub fn raw(&self) -> bool {
        self.timestamp
    }
}

/// Paging options of the offset-paginated lists.
#[derive(Debug, clap::Args)]
pub struct Paging {
    /// Offset of the first item; the `next_token` of the previous page.
    #[arg(short, long, default_value_t = 0, value_parser = super::numbers::non_negative, allow_negative_numbers = true)]
    pub from: i64,
    /// Items per request [default: 100, or 1000 with --all].
    #[arg(short, long, value_parser = super::numbers::positive, allow_negative_numbers = true)]
    pub limit: Option<i64>,
    /// Follow next_token to the end and stream every item (one request per --limit items).
    #[arg(long)]
    pub all: bool,
}

impl Paging {
    /// Synapse re-counts and re-scans the table for every page, so whole-list runs use
    /// bigger pages: 20 000 users take 2.6 s in pages of 1000, ~20 s in pages of 100.
    pub fn limit(&self) -> i64 {
        self.limit.unwrap_or(if self.all { 1000 } else { 100 })
    }
}

/// `--wait` for commands that start a background job on the server.
#[derive(Debug, clap::Args)]
pub struct WaitArgs {
    /// Wait until the job has finished (polling its status), instead of printing its ID
    /// at once; exits non-zero if the job fails.
    #[arg(long)]
    pub wait: bool,
}
