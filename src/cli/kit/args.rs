//! Argument groups that several commands share: paging, time display, waiting for jobs,
//! `--x/--no-x` pairs, and the output format.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use synadm::output::Format;

/// `FORMAT`: a format's name or synadm's one-letter alias (the library knows the formats;
/// clap lists them in `--help` and completions).
fn format_parser() -> impl TypedValueParser<Value = Format> {
    PossibleValuesParser::new(format_values()).try_map(|s| s.parse::<Format>())
}

fn format_values() -> [PossibleValue; Format::ALL.len()] {
    Format::ALL.map(|(_, name, alias)| PossibleValue::new(name).alias(alias))
}

/// The global `-o`: a format, or an empty value for the config's format, as synadm takes
/// it (a script's `-o "$FMT"` with `FMT` unset).
#[derive(Debug, Clone, Copy)]
pub struct OutputArg(pub Option<Format>);

/// Parses [`OutputArg`]; `--help` and completions list the formats.
#[derive(Debug, Clone, Copy)]
pub struct OutputParser;

impl TypedValueParser for OutputParser {
    type Value = OutputArg;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<OutputArg, clap::Error> {
        if value.is_empty() {
            return Ok(OutputArg(None));
        }
        format_parser().parse_ref(cmd, arg, value).map(|f| OutputArg(Some(f)))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(format_values().into_iter()))
    }
}

/// A value parser for one of a spec enum's values (sort orders, states, job names); anything
/// else is "VALUE is not {what}".
pub fn one_of<T: std::str::FromStr>(
    what: &'static str,
) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync + 'static {
    move |s| s.parse().map_err(|_| format!("{s:?} is not {what}"))
}

/// `--x` / `--no-x` pairs: `None` when neither was given (the parameter is then omitted).
pub fn flag_pair(yes: bool, no: bool) -> Option<bool> {
    match (yes, no) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    }
}

/// `--datetime/--dt` vs `--timestamp/--ts`. Human output always follows them; JSON and YAML
/// only where the command's view dates its times everywhere (as synadm did).
#[derive(Debug, clap::Args)]
pub struct TimeArgs {
    /// Show timestamps as local date and time (the default).
    #[arg(long, visible_alias = "dt", overrides_with = "timestamp")]
    datetime: bool,
    /// Show timestamps as milliseconds since the epoch.
    #[arg(long, visible_alias = "ts", overrides_with = "datetime")]
    timestamp: bool,
}

impl TimeArgs {
    /// Whether times are shown raw.
    pub fn raw(&self) -> bool {
        self.timestamp
    }
}

/// The start of a counting window (`user invite-count`, `user joined-room-count`): days back
/// from now (default 1), a date, or milliseconds.
#[derive(Debug, clap::Args)]
#[group(multiple = false)]
pub struct SinceArgs {
    /// Count from this many days ago [default: 1].
    #[arg(short = 'd', long, value_name = "DAYS",
          value_parser = super::numbers::non_negative, allow_negative_numbers = true)]
    since_days: Option<i64>,
    /// Count from this point in time: YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS,
    /// 'YYYY-MM-DD HH:MM:SS' (local time) or RFC 3339.
    #[arg(short = 's', long, value_name = "DATETIME", value_parser = synadm::time::parse_datetime_ms)]
    since: Option<i64>,
    /// Count from this Unix time in milliseconds.
    #[arg(long, value_name = "MS",
          value_parser = super::numbers::non_negative, allow_negative_numbers = true)]
    since_ts: Option<i64>,
}

impl SinceArgs {
    /// The window's start in ms since the epoch.
    pub fn ms(&self) -> Result<i64, synadm::Error> {
        match (self.since_days, self.since.or(self.since_ts)) {
            (_, Some(ms)) => Ok(ms),
            (days, None) => synadm::time::days_from_now_ms(-days.unwrap_or(1)),
        }
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
