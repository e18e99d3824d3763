//! Bulk work on the command line, over the library's engine ([`synadm::bulk`]): the options
//! bulk commands share, each item's row printed as it finishes, a progress bar on a terminal,
//! Ctrl-C and SIGTERM ending a run cleanly, the failed and unsent items written for a re-run,
//! a summary on stderr and an exit status that says whether every item succeeded.

use super::context::Ctx;
use super::{progress, stderr};
use futures::{Stream, StreamExt};
use serde_json::Value;
use std::future::Future;
use std::io::Write;
use std::path::{Path, PathBuf};
use synadm::Error;
use synadm::api::pacer::DEFAULT_CONCURRENCY;
use synadm::api::pacer_of;
use synadm::bulk::{Outcome, Stop, StopReason};
use synadm::output::{Format, View, sanitize};

/// The options of every bulk command.
#[derive(Debug, Clone, clap::Args)]
pub struct BulkArgs {
    /// Requests in flight at once, 1 to 64 (for a while fewer when the server rate-limits).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CONCURRENCY as u8,
          value_parser = clap::value_parser!(u8).range(1..=64))]
    pub concurrency: u8,
    /// Write the items that failed or were not sent to FILE (which must not exist yet), as
    /// they were given: a re-run on FILE takes exactly them.
    #[arg(long, value_name = "FILE")]
    pub failed_to: Option<PathBuf>,
}

/// How a bulk command shows its items.
pub struct Rows<'a, I, T> {
    /// The row of an item that succeeded.
    pub done: &'a dyn Fn(&I, &T) -> Value,
    /// The row of an item that failed, with the error's text.
    pub failed: &'a dyn Fn(&I, &str) -> Value,
    /// The item as a line of a `--failed-to` file (the input's own format).
    pub line: &'a dyn Fn(&I) -> String,
    /// The first line of a `--failed-to` file (a CSV file's header), if its format has one.
    pub header: Option<&'a str>,
    /// The item as named in messages.
    pub name: &'a dyn Fn(&I) -> String,
    /// The table columns, for human output of a document format's rows.
    pub view: View,
    /// Print no rows: only failures and the summary, on stderr (`notice send --silent`).
    pub silent: bool,
}

impl<'a, T> Rows<'a, String, T> {
    /// The rows of a run over IDs: an ID is its own line and name.
    pub fn of_ids(
        view: View,
        done: &'a dyn Fn(&String, &T) -> Value,
        failed: &'a dyn Fn(&String, &str) -> Value,
    ) -> Rows<'a, String, T> {
        Rows {
            done,
            failed,
            line: &String::clone,
            header: None,
            name: &String::clone,
            view,
            silent: false,
        }
    }
}

/// The tally of a run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub done: u64,
    pub failed: u64,
    pub unsent: u64,
}

/// Runs `action` for each of `items` (`total` of them, when known) and reports as they finish:
/// in the machine formats one list document of rows, streamed; in human output a line on
/// stderr for each failure. Then a summary on stderr. Fails when any item failed or was not
/// sent, with the first error.
pub async fn run<I, T, S, F, Fut>(
    ctx: &Ctx,
    args: &BulkArgs,
    total: Option<u64>,
    items: S,
    action: F,
    rows: &Rows<'_, I, T>,
) -> Result<Tally, Error>
where
    I: Clone,
    S: Stream<Item = I>,
    F: Fn(I) -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let pacer = pacer_of(&ctx.client);
    pacer.set_concurrency(usize::from(args.concurrency));
    let mut failed_to = match &args.failed_to {
        Some(path) => Some(FailedTo::create(path, rows.header)?),
        None => None,
    };
    let stop = Stop::default();
    let signals = tokio::spawn(stop_on_signals(stop.clone()));
    let bar = progress::bar(total);
    let machine = !rows.silent && ctx.format() != Format::Human;
    let mut writer = machine.then(|| ctx.list_writer(rows.view)).transpose()?;
    let mut tally = Tally::default();
    let mut first_error = None;
    let outcomes = synadm::bulk::run(items, pacer, stop.clone(), action);
    let mut outcomes = std::pin::pin!(outcomes);
    while let Some(finished) = outcomes.next().await {
        let item = &finished.item;
        match finished.outcome {
            Outcome::Done(value) => {
                tally.done += 1;
                if let Some(w) = &mut writer {
                    w.page(&[with_outcome((rows.done)(item, &value), "done")])?;
                }
            }
            Outcome::Failed(e) => {
                tally.failed += 1;
                let text = e.to_string();
                match &mut writer {
                    Some(w) => w.page(&[with_outcome((rows.failed)(item, &text), "failed")])?,
                    None => stderr::line(&format!(
                        "{}: failed: {}",
                        sanitize(&(rows.name)(item)),
                        sanitize(&text)
                    )),
                }
                if let Some(f) = &mut failed_to {
                    f.write(&(rows.line)(item))?;
                }
                first_error.get_or_insert(e);
            }
            Outcome::Unsent => {
                tally.unsent += 1;
                if let Some(f) = &mut failed_to {
                    f.write(&(rows.line)(item))?;
                }
            }
        }
        if let Some(bar) = &bar {
            bar.inc();
        }
    }
    signals.abort();
    drop(bar);
    if let Some(w) = writer {
        w.finish()?;
    }
    if let Some(f) = failed_to {
        f.finish()?;
    }
    ctx.note(&summary(&tally, args.failed_to.as_deref()));
    match (stop.reason(), first_error) {
        (Some(StopReason::Asked), _) => Err(Error::Aborted(format!(
            "interrupted: {} not sent",
            stderr::counted(tally.unsent as i64, "item", "items")
        ))),
        (Some(StopReason::RateLimited(wait)), e) => {
            ctx.note(&format!(
                "Stopped: the server asked to wait {} s after a rate limit.",
                wait.as_secs()
            ));
            Err(e.unwrap_or_else(|| Error::Aborted("stopped by a rate limit".into())))
        }
        (None, Some(e)) => {
            ctx.note("The first error follows.");
            Err(e)
        }
        (None, None) => Ok(tally),
    }
}

/// A row with its `outcome`, unless the command set a finer one (`created`, `skipped`, …).
fn with_outcome(mut row: Value, outcome: &str) -> Value {
    if let Value::Object(fields) = &mut row {
        fields.entry("outcome").or_insert_with(|| Value::String(outcome.into()));
    }
    row
}

/// "3 done, 1 failed, 2 not sent." and where the failed and unsent went.
fn summary(tally: &Tally, failed_to: Option<&Path>) -> String {
    let mut text = format!("{} done", tally.done);
    if tally.failed > 0 {
        text.push_str(&format!(", {} failed", tally.failed));
    }
    if tally.unsent > 0 {
        text.push_str(&format!(", {} not sent", tally.unsent));
    }
    text.push('.');
    if let Some(path) = failed_to
        && tally.failed + tally.unsent > 0
    {
        text.push_str(&format!(
            " They are in {}: run again with it to retry exactly them.",
            path.display()
        ));
    }
    text
}

/// The first Ctrl-C or SIGTERM stops the run (what is in flight finishes); a second one ends
/// the process at once.
async fn stop_on_signals(stop: Stop) {
    signal().await;
    stop.stop();
    stderr::line(
        "Stopping: nothing new is sent; waiting for the requests in flight (press Ctrl-C again \
         to quit at once).",
    );
    signal().await;
    std::process::exit(130);
}

/// The next SIGINT or SIGTERM.
async fn signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) {
            (Ok(mut int), Ok(mut term)) => {
                tokio::select! {
                    _ = int.recv() => {}
                    _ = term.recv() => {}
                }
            }
            // Without handlers the default action (ending the process) stays.
            _ => std::future::pending().await,
        }
    }
    #[cfg(not(unix))]
    {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// The `--failed-to` file: created new (never over a file that exists), a line per item.
struct FailedTo {
    path: PathBuf,
    out: std::io::BufWriter<std::fs::File>,
}

impl FailedTo {
    fn create(path: &Path, header: Option<&str>) -> Result<FailedTo, Error> {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|e| Error::Io(format!("cannot create {}: {e}", path.display())))?;
        let mut failed_to = FailedTo { path: path.to_owned(), out: std::io::BufWriter::new(file) };
        if let Some(header) = header {
            failed_to.write(header)?;
        }
        Ok(failed_to)
    }

    fn write(&mut self, line: &str) -> Result<(), Error> {
        writeln!(self.out, "{line}").map_err(|e| self.error(e))
    }

    fn finish(mut self) -> Result<(), Error> {
        self.out.flush().map_err(|e| self.error(e))
    }

    fn error(&self, e: std::io::Error) -> Error {
        Error::Io(format!("cannot write {}: {e}", self.path.display()))
    }
}

/// Runs `action` for every item, as many at once as the client's pacer allows, and returns
/// the results in input order: for work whose results are printed together (the sections of
/// an overview, the rooms of one page).
pub async fn in_order<I, T, F, Fut>(
    ctx: &Ctx,
    items: Vec<I>,
    action: F,
) -> Vec<(I, Result<T, Error>)>
where
    I: Clone,
    F: Fn(I) -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let pacer = pacer_of(&ctx.client);
    let run = synadm::bulk::run(futures::stream::iter(items), pacer, Stop::default(), action);
    let mut finished: Vec<_> = run.collect().await;
    finished.sort_by_key(|f| f.index);
    finished
        .into_iter()
        .map(|f| {
            let result = match f.outcome {
                Outcome::Done(value) => Ok(value),
                Outcome::Failed(e) => Err(e),
                Outcome::Unsent => Err(Error::Aborted("not sent".into())),
            };
            (f.item, result)
        })
        .collect()
}

/// The end of work on several things at once: success, or after saying how many failed,
/// the first error.
pub fn outcome(
    ctx: &Ctx,
    failed: usize,
    total: usize,
    first_error: Option<Error>,
) -> Result<(), Error> {
    match first_error {
        None => Ok(()),
        Some(e) => {
            ctx.note(&format!("{failed} of {total} failed; the first error follows."));
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_counts_what_happened_and_says_where_the_rest_went() {
        let t = |done, failed, unsent| Tally { done, failed, unsent };
        assert_eq!(summary(&t(5, 0, 0), None), "5 done.");
        assert_eq!(summary(&t(3, 1, 2), None), "3 done, 1 failed, 2 not sent.");
        let file = Path::new("retry.txt");
        assert_eq!(summary(&t(5, 0, 0), Some(file)), "5 done.");
        assert_eq!(
            summary(&t(4, 1, 0), Some(file)),
            "4 done, 1 failed. They are in retry.txt: run again with it to retry exactly them."
        );
        assert_eq!(
            summary(&t(0, 0, 7), Some(file)),
            "0 done, 7 not sent. They are in retry.txt: run again with it to retry exactly them."
        );
    }

    #[test]
    fn a_failed_to_file_is_never_written_over() {
        let dir = std::env::temp_dir().join(format!("synadm-failed-to-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("f.txt");
        let _ = std::fs::remove_file(&path);
        let mut f = FailedTo::create(&path, None).unwrap();
        f.write("@a:example.org").unwrap();
        f.write("@b:example.org").unwrap();
        f.finish().unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "@a:example.org\n@b:example.org\n");
        let again = FailedTo::create(&path, Some("id")).err().unwrap().to_string();
        assert!(again.starts_with("cannot create "), "{again}");
        assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 2);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
