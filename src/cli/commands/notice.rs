//! `synadm notice send`: server notices to one local user or to every local user whose ID
//! matches a regular expression.

use crate::cli::kit::bulk;
use crate::cli::kit::prelude::*;
use crate::cli::kit::user_queries;
use clap::Subcommand;
use serde_json::json;
use synadm::output::sanitize;

#[derive(Debug, Subcommand)]
pub enum NoticeCommand {
    /// Send server notices to users on the local homeserver.
    Send(SendArgs),
}

impl Run for NoticeCommand {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        match self {
            NoticeCommand::Send(a) => a.run(ctx).await,
        }
    }
}

/// Send server notices to users on the local homeserver.
///
/// Each recipient gets the notice in their server-notices room. Prints one list: the
/// recipient, whether it was sent, and its event ID or the error; exits non-zero if any
/// send failed.
///
/// Every notice goes with a transaction ID made from the run's ID and the recipient. The
/// run ID is printed on stderr: running the command again with `--txn-id RUN_ID` (the same
/// admin token, within 30 minutes, the server not restarted) sends nothing to those who
/// already got it, so a partly failed run can simply be repeated.
#[derive(Debug, clap::Args)]
pub struct SendArgs {
    /// Localpart or full Matrix ID of the recipient. With --regex, a regular expression
    /// matched against the start of every local user ID (e.g. '@team-.*:example.org').
    to: String,
    /// Plain-text content of the notice (with --from-file: the file holding it).
    plain: String,
    /// Formatted (HTML) content of the notice (with --from-file: the file holding it). If
    /// omitted, PLAIN is used.
    formatted: Option<String>,
    /// Interpret PLAIN and FORMATTED as file paths and read the content from those files.
    #[arg(short = 'f', long)]
    from_file: bool,
    /// With --regex: how many users are fetched per request while looking for recipients.
    #[arg(short = 'p', long, visible_alias = "paginate", value_name = "SIZE",
          default_value_t = 100, value_parser = crate::cli::kit::numbers::positive, allow_negative_numbers = true)]
    batch_size: i64,
    /// Interpret TO as a regular expression (guests included, deactivated users not).
    #[arg(short = 'r', long)]
    regex: bool,
    /// How many of the recipients the confirmation prompt lists. Does not change who gets
    /// the notice; ignored with --batch.
    #[arg(short = 'l', long, value_name = "LENGTH", default_value_t = 10)]
    preview_length: usize,
    /// Print nothing on stdout: no result list. Failed sends are still reported on stderr
    /// and make the command exit non-zero.
    #[arg(short = 's', long)]
    silent: bool,
    /// Repeat an earlier run: its run ID (printed on stderr), so that no one gets the notice
    /// twice. Default: a new run ID.
    #[arg(long, value_name = "RUN_ID", value_parser = crate::cli::kit::numbers::Checked(run_id))]
    txn_id: Option<String>,
    #[command(flatten)]
    bulk: bulk::BulkArgs,
}

/// A run ID: 1-64 characters of `A-Za-z0-9._~-` (it becomes part of a URL path).
fn run_id(input: &str) -> Result<String, String> {
    let ok = (1..=64).contains(&input.len())
        && input.chars().all(|c| c.is_ascii_alphanumeric() || "._~-".contains(c));
    if ok {
        Ok(input.to_string())
    } else {
        Err("a run ID is 1-64 characters of A-Z, a-z, 0-9, '.', '_', '~' and '-'".into())
    }
}

/// A new run ID: the time and the process, in hex (unique enough for one admin's runs).
fn new_run_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{nanos:x}-{:x}", std::process::id())
}

/// The transaction ID of `user_id`'s notice in run `run`: the run, and a digest of the
/// recipient (a user ID has characters a path would have to encode, and may be long).
fn txn_id(run: &str, user_id: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, user_id.as_bytes());
    let hex: String = digest.as_ref()[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("synadm.{run}.{hex}")
}

/// Row of the result list.
const RESULT: View = View::new(&["user_id", "sent", "event_id", "error"]);

/// Plain and formatted body: the arguments themselves, or the files they name.
fn bodies(a: &SendArgs) -> Result<(String, String), Error> {
    let read = |what: &str, path: &str| {
        std::fs::read_to_string(path)
            .map_err(|e| Error::Usage(format!("cannot read the {what} body from {path}: {e}")))
    };
    let (plain, formatted) = if a.from_file {
        (
            read("plain", &a.plain)?,
            a.formatted.as_deref().map(|f| read("formatted", f)).transpose()?,
        )
    } else {
        (a.plain.clone(), a.formatted.clone())
    };
    if plain.trim().is_empty() {
        return Err(Error::Usage("the notice's plain-text body is empty".into()));
    }
    if formatted.as_deref().is_some_and(|f| f.trim().is_empty()) {
        return Err(Error::Usage("the notice's formatted body is empty".into()));
    }
    let formatted = formatted.unwrap_or_else(|| plain.clone());
    Ok((plain, formatted))
}

/// The recipients and both bodies, shown before the one confirmation.
fn preview(recipients: &[String], length: usize, plain: &str, formatted: &str) -> String {
    let mut text = format!("Recipients ({}):\n", recipients.len());
    for id in recipients.iter().take(length) {
        text.push_str(&format!(" - {}\n", sanitize(id)));
    }
    if recipients.len() > length {
        text.push_str(&format!(" - … and {} more\n", recipients.len() - length));
    }
    text.push_str(&format!(
        "\nPlaintext message:\n---\n{plain}\n---\nFormatted message:\n---\n{formatted}\n---"
    ));
    text
}

async fn send(
    ctx: &Ctx,
    run: &str,
    user_id: &str,
    plain: &str,
    formatted: &str,
) -> Result<types::ServerNoticeSent, Error> {
    let body = types::ServerNoticeRequest {
        user_id: user_id.to_string(),
        content: types::ServerNoticeContent {
            msgtype: "m.text".into(),
            body: plain.to_string(),
            format: Some("org.matrix.custom.html".into()),
            formatted_body: Some(formatted.to_string()),
            extra: Default::default(),
        },
        type_: None,
        state_key: None,
    };
    let txn = txn_id(run, user_id);
    call(ctx.client.send_server_notice_txn().txn_id(txn).body(body).send()).await
}

impl Run for SendArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        let (plain, formatted) = bodies(&a)?;
        let recipients = if a.regex {
            user_queries::matching(ctx, &user_queries::id_pattern(&a.to)?, a.batch_size).await?
        } else {
            vec![ctx.user_id(&a.to).await?]
        };
        if recipients.is_empty() {
            ctx.note("No local user matches; no notice was sent.");
            return if a.silent {
                Ok(())
            } else {
                ctx.print(&Vec::<serde_json::Value>::new(), &RESULT)
            };
        }
        if !ctx.batch {
            ctx.note(&preview(&recipients, a.preview_length, &plain, &formatted));
            ctx.confirm("Send now?")?;
        }

        let run = a.txn_id.clone().unwrap_or_else(new_run_id);
        ctx.note(&format!(
            "Run ID {run}: to repeat this run without sending anyone the notice twice, add \
             --txn-id {run} (same admin token, within 30 minutes)."
        ));
        let (plain, formatted, run) = (plain.as_str(), formatted.as_str(), run.as_str());
        let rows = bulk::Rows {
            done: &|id: &String, sent: &types::ServerNoticeSent| json!({"user_id": id, "sent": true, "event_id": sent.event_id}),
            failed: &|id: &String, error: &str| json!({"user_id": id, "sent": false, "error": error}),
            line: &|id: &String| id.clone(),
            header: None,
            name: &|id: &String| id.clone(),
            view: RESULT,
            silent: a.silent,
        };
        let total = recipients.len() as u64;
        let action = |id: String| async move { send(ctx, run, &id, plain, formatted).await };
        let recipients = futures::stream::iter(recipients);
        bulk::run(ctx, &a.bulk, Some(total), recipients, action, &rows).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_lists_the_first_recipients_and_both_bodies() {
        let ids: Vec<String> = (1..=4).map(|i| format!("@u{i}:x")).collect();
        let text = preview(&ids, 2, "hi", "<b>hi</b>");
        assert!(text.starts_with("Recipients (4):\n - @u1:x\n - @u2:x\n - … and 2 more\n"));
        assert!(text.contains("Plaintext message:\n---\nhi\n---"));
        assert!(text.contains("Formatted message:\n---\n<b>hi</b>\n---"));
        assert!(!preview(&ids, 10, "a", "a").contains("more"));
    }

    #[test]
    fn transaction_ids_are_per_run_and_recipient_and_path_safe() {
        let a = txn_id("run1", "@alice:example.org");
        assert_eq!(a, txn_id("run1", "@alice:example.org"));
        assert_ne!(a, txn_id("run2", "@alice:example.org"));
        assert_ne!(a, txn_id("run1", "@bob:example.org"));
        // SHA-256 of the user ID, first 8 bytes.
        assert_eq!(a, "synadm.run1.86f01aef21b1acd3");
        let run = new_run_id();
        assert!(run_id(&run).is_ok());
        assert!(run.ends_with(&format!("-{:x}", std::process::id())), "{run}");
        std::thread::sleep(std::time::Duration::from_millis(2));
        assert_ne!(new_run_id(), run, "a new run, a new ID");
        assert!(run_id("a/b").is_err() && run_id("").is_err() && run_id(&"x".repeat(65)).is_err());
    }
}
