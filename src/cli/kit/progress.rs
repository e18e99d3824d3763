//! Progress on stderr while a command works: a bar for a bulk run, a line for each server job
//! being waited on (several at once when a bulk run waits on several). Shown only when stderr
//! is a terminal; elsewhere (a pipe, a log file, CI) nothing is drawn. Messages written while
//! progress shows go above it, so the two never overwrite each other.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Every progress line of the process, drawn together on stderr.
fn lines() -> &'static MultiProgress {
    static LINES: OnceLock<MultiProgress> = OnceLock::new();
    LINES.get_or_init(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()))
}

/// How many progress lines are on the screen.
static SHOWING: AtomicUsize = AtomicUsize::new(0);

/// Whether progress is drawn at all.
fn shown() -> bool {
    std::io::stderr().is_terminal()
}

/// A bar counting the items of a bulk run (`total` of them, when known), or `None` when
/// stderr is no terminal. It is removed when dropped.
pub fn bar(total: Option<u64>) -> Option<Line> {
    if !shown() {
        return None;
    }
    let style = match total {
        Some(_) => {
            ProgressStyle::with_template("{bar:30} {pos}/{len} {msg} ({per_sec}, {eta} left)")
        }
        None => ProgressStyle::with_template("{spinner} {pos} {msg} ({per_sec})"),
    }
    .expect("a valid progress template");
    let bar = ProgressBar::new(total.unwrap_or(0)).with_style(style);
    Some(Line::add(bar))
}

/// A line for a job being waited on, its message set with [`Line::say`]; `None` when stderr
/// is no terminal.
pub fn job_line() -> Option<Line> {
    if !shown() {
        return None;
    }
    let style = ProgressStyle::with_template("{spinner} {msg}").expect("a valid template");
    let line = Line::add(ProgressBar::new_spinner().with_style(style));
    line.0.enable_steady_tick(Duration::from_millis(200));
    Some(line)
}

/// One progress line; removed from the screen when dropped.
pub struct Line(ProgressBar);

impl Line {
    fn add(bar: ProgressBar) -> Line {
        SHOWING.fetch_add(1, Ordering::SeqCst);
        Line(lines().add(bar))
    }

    /// One more item done.
    pub fn inc(&self) {
        self.0.inc(1);
    }

    /// Sets the text after the bar or spinner.
    pub fn say(&self, message: String) {
        self.0.set_message(message);
    }
}

impl Drop for Line {
    fn drop(&mut self) {
        self.0.finish_and_clear();
        lines().remove(&self.0);
        SHOWING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Writes `text` (whole lines) above the progress lines, when any are shown: returns false,
/// writing nothing, when none are (the caller writes it itself).
pub fn print_above(text: &str) -> bool {
    // A hidden target (no terminal after all) drops what it is given: write it directly.
    if SHOWING.load(Ordering::SeqCst) == 0 || lines().is_hidden() {
        return false;
    }
    let text = text.strip_suffix('\n').unwrap_or(text);
    lines().println(text).is_ok()
}
