//! `user import FILE.csv`: create (or update) many users from a CSV file with the columns of
//! the widely used web admin's export, which is also what `user list -o csv` writes. The
//! whole file is checked before anything is sent; existing users are skipped, updated, or
//! stop the import; running the same file twice changes nothing the second time.

use crate::cli::kit::bulk::{self, BulkArgs, Rows};
use crate::cli::kit::id_list::Spool;
use crate::cli::kit::prelude::*;
use crate::cli::kit::{stderr, views};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use synadm::api::UserUpsert;
use synadm::ids::UserArg;
use synadm::output::sanitize;

/// The columns `user import` reads: those `user list -o csv` writes.
fn columns() -> impl Iterator<Item = &'static str> {
    views::USER_CSV.iter().map(|(column, _)| *column)
}

/// Bad rows reported one by one before the rest are only counted.
const BAD_ROWS_SHOWN: usize = 50;

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The CSV file (- for stdin). A header row names the columns: id (localpart or full ID)
    /// and displayname are required; password, admin, is_guest (or guest), deactivated,
    /// avatar_url, user_type, threepids (email:a@example.org;msisdn:123) and locked are
    /// optional. Booleans are true or false; an empty cell keeps the default.
    file: String,
    /// What to do with users that exist already: skip them, update them to the file's values
    /// (passwords are never changed), or stop before changing anything.
    #[arg(long, value_enum, default_value_t = OnExisting::Skip)]
    on_existing: OnExisting,
    /// Check the file and show what would be created, updated or skipped, with the number of
    /// admins and guests; change nothing (each user is read to tell).
    #[arg(short = 'n', long)]
    dry_run: bool,
    /// Give each new user without a password a random one, written with its user ID to FILE
    /// (a new file, readable by you only); never printed.
    #[arg(long, value_name = "FILE")]
    generate_passwords: Option<PathBuf>,
    #[command(flatten)]
    bulk: BulkArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OnExisting {
    Skip,
    Update,
    Stop,
}

/// One checked row: the user and the fields the file sets.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// The row's number in the file (the header is row 1).
    pub number: u64,
    /// The row as it was given, for a `--failed-to` file.
    pub fields: Vec<String>,
    pub user_id: String,
    pub displayname: Option<String>,
    pub password: Option<String>,
    pub admin: Option<bool>,
    pub guest: Option<bool>,
    pub deactivated: Option<bool>,
    pub avatar_url: Option<String>,
    pub user_type: Option<String>,
    pub threepids: Option<Vec<(String, String)>>,
    pub locked: Option<bool>,
}

/// Where each known column is in the file.
#[derive(Debug, Default)]
pub struct Header {
    columns: Vec<(usize, &'static str)>,
    /// The header as given (for a `--failed-to` file).
    pub line: Vec<String>,
    /// Columns this command does not know (reported, then ignored).
    pub unknown: Vec<String>,
}

/// Reads the header row: the known columns and where they are.
pub fn header(names: &csv::StringRecord) -> Result<Header, String> {
    let mut header = Header {
        line: names.iter().map(str::to_owned).collect(),
        ..Header::default()
    };
    for (i, name) in names.iter().enumerate() {
        let name = name
            .trim_start_matches('\u{feff}')
            .trim()
            .to_ascii_lowercase();
        let known = match name.as_str() {
            "guest" => Some("is_guest"),
            other => columns().find(|c| *c == other),
        };
        match known {
            Some(column) if header.columns.iter().any(|(_, c)| *c == column) => {
                return Err(format!("the column {column} is given twice"));
            }
            Some(column) => header.columns.push((i, column)),
            None => header.unknown.push(name),
        }
    }
    for required in ["id", "displayname"] {
        if !header.columns.iter().any(|(_, c)| *c == required) {
            return Err(format!(
                "the header has no {required} column (columns: {})",
                columns().collect::<Vec<_>>().join(", ")
            ));
        }
    }
    Ok(header)
}

fn boolean(column: &str, text: &str) -> Result<Option<bool>, String> {
    match text.to_ascii_lowercase().as_str() {
        "" => Ok(None),
        "true" => Ok(Some(true)),
        "false" => Ok(Some(false)),
        _ => Err(format!("{column}: {} is not true or false", quoted(text))),
    }
}

fn quoted(text: &str) -> String {
    format!("\"{}\"", sanitize(text))
}

/// `email:a@example.org;msisdn:123` as (medium, address) pairs.
fn threepids(text: &str) -> Result<Vec<(String, String)>, String> {
    text.split(';')
        .map(str::trim)
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once(':') {
            Some((medium, address)) if !medium.trim().is_empty() && !address.trim().is_empty() => {
                Ok((medium.trim().to_string(), address.trim().to_string()))
            }
            _ => Err(format!(
                "threepids: {} is not medium:address (e.g. email:a@example.org)",
                quoted(pair)
            )),
        })
        .collect()
}

/// Checks one data row; `server` completes localparts. Every problem of the row is named.
pub fn row(
    header: &Header,
    record: &csv::StringRecord,
    number: u64,
    server: &str,
) -> Result<Row, Vec<String>> {
    let mut problems = Vec::new();
    let mut row = Row {
        number,
        fields: record.iter().map(str::to_owned).collect(),
        ..Row::default()
    };
    for &(i, column) in &header.columns {
        let text = record.get(i).unwrap_or("").trim();
        let checked: Result<(), String> = (|| {
            match column {
                "id" => {
                    let user = UserArg::parse(text).map_err(|e| format!("id: {e}"))?;
                    row.user_id = user.complete(server).map_err(|e| format!("id: {e}"))?;
                }
                "displayname" => row.displayname = (!text.is_empty()).then(|| text.to_string()),
                "password" => {
                    if text.len() > 512 {
                        return Err("password: longer than Synapse's 512 characters".into());
                    }
                    // Not trimmed: spaces may be part of a password.
                    let raw = record.get(i).unwrap_or("");
                    row.password = (!raw.is_empty()).then(|| raw.to_string());
                }
                "admin" => row.admin = boolean(column, text)?,
                "is_guest" => row.guest = boolean(column, text)?,
                "deactivated" => row.deactivated = boolean(column, text)?,
                "locked" => row.locked = boolean(column, text)?,
                "avatar_url" if !text.is_empty() => {
                    synadm::mxc::Mxc::parse(text).map_err(|e| format!("avatar_url: {e}"))?;
                    row.avatar_url = Some(text.to_string());
                }
                "user_type" if !text.is_empty() => row.user_type = Some(text.to_string()),
                "threepids" if !text.is_empty() => row.threepids = Some(threepids(text)?),
                _ => {}
            }
            Ok(())
        })();
        if let Err(problem) = checked {
            problems.push(problem);
        }
    }
    if row.deactivated == Some(true) && row.locked == Some(true) {
        problems.push("deactivated and locked: Synapse refuses both at once".into());
    }
    if problems.is_empty() {
        Ok(row)
    } else {
        Err(problems)
    }
}

/// The checked rows of a file, spooled, with what the dry run and the question report.
struct Checked {
    rows: Spool,
    count: u64,
    admins: u64,
    guests: u64,
    without_password: u64,
    header: Header,
}

/// Reads and checks the whole file; every bad row is named on stderr (its number, column and
/// why) and nothing is sent if there is one.
fn check_file(input: impl Read, server: &str) -> Result<Checked, Error> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let names = reader
        .headers()
        .map_err(|e| Error::Usage(format!("cannot read the CSV header: {e}")))?
        .clone();
    let header = header(&names).map_err(Error::Usage)?;
    let mut checked = Checked {
        rows: Spool::new()?,
        count: 0,
        admins: 0,
        guests: 0,
        without_password: 0,
        header,
    };
    let (mut bad, mut first_bad, mut seen) = (0u64, None, HashSet::new());
    for (i, record) in reader.records().enumerate() {
        // Row 1 is the header; a record spanning lines keeps the number of its first.
        let number = record
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map_or(i as u64 + 2, |p| p.line());
        let mut fail = |why: String| {
            bad += 1;
            first_bad.get_or_insert(number);
            if bad <= BAD_ROWS_SHOWN as u64 {
                stderr::line(&format!("row {number}: {}", sanitize(&why)));
            }
        };
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                fail(format!("not CSV: {e}"));
                continue;
            }
        };
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        match row(&checked.header, &record, number, server) {
            Ok(row) if !seen.insert(row.user_id.clone()) => {
                fail(format!("id: {} is in the file twice", row.user_id));
            }
            Ok(row) => {
                checked.count += 1;
                checked.admins += u64::from(row.admin == Some(true));
                checked.guests += u64::from(row.guest == Some(true));
                checked.without_password += u64::from(row.password.is_none());
                let line = serde_json::to_string(&row).map_err(|e| Error::Io(e.to_string()))?;
                checked.rows.push(&line)?;
            }
            Err(problems) => fail(problems.join("; ")),
        }
    }
    if let Some(first) = first_bad {
        if bad > BAD_ROWS_SHOWN as u64 {
            stderr::line(&format!("… and {} more", bad - BAD_ROWS_SHOWN as u64));
        }
        return Err(Error::Usage(format!(
            "{} of the file {} bad (the first is row {first}); nothing was sent",
            stderr::counted(bad as i64, "row", "rows"),
            if bad == 1 { "is" } else { "are" }
        )));
    }
    if checked.count == 0 {
        return Err(Error::Usage("the file holds no users".into()));
    }
    Ok(checked)
}

/// What became of one row.
#[derive(Debug, Clone, PartialEq, Serialize)]
struct Done {
    outcome: &'static str,
    /// The fields an update changed (or would change).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    changed: Vec<&'static str>,
}

/// The body that creates the user of `row`.
fn create_body(row: &Row, password: Option<String>) -> UserUpsert {
    UserUpsert {
        password,
        displayname: row.displayname.clone(),
        avatar_url: row.avatar_url.clone(),
        threepids: row.threepids.as_ref().map(|t| threepid_inputs(t)),
        admin: row.admin,
        deactivated: row.deactivated,
        locked: row.locked,
        user_type: row.user_type.clone().map(Some),
        logout_devices: None,
    }
}

fn threepid_inputs(pairs: &[(String, String)]) -> Vec<types::ThreepidInput> {
    pairs
        .iter()
        .map(|(medium, address)| types::ThreepidInput {
            medium: medium.clone(),
            address: address.clone(),
        })
        .collect()
}

/// The body that brings `user` to `row`'s values (never its password), and the fields it
/// changes; empty when nothing differs.
fn update_body(row: &Row, user: &types::AdminUser) -> (UserUpsert, Vec<&'static str>) {
    let mut body = UserUpsert::default();
    let mut changed = Vec::new();
    if row.displayname.is_some() && row.displayname != user.displayname {
        body.displayname = row.displayname.clone();
        changed.push("displayname");
    }
    if row.avatar_url.is_some() && row.avatar_url != user.avatar_url {
        body.avatar_url = row.avatar_url.clone();
        changed.push("avatar_url");
    }
    if let Some(admin) = row.admin.filter(|a| *a != user.admin) {
        body.admin = Some(admin);
        changed.push("admin");
    }
    if let Some(deactivated) = row.deactivated.filter(|d| *d != user.deactivated) {
        body.deactivated = Some(deactivated);
        changed.push("deactivated");
    }
    if let Some(locked) = row.locked.filter(|l| *l != user.locked) {
        body.locked = Some(locked);
        changed.push("locked");
    }
    if row.user_type.is_some() && row.user_type != user.user_type {
        body.user_type = Some(row.user_type.clone());
        changed.push("user_type");
    }
    if let Some(wanted) = &row.threepids {
        let have: HashSet<(&str, &str)> = user
            .threepids
            .iter()
            .map(|t| (t.medium.as_str(), t.address.as_str()))
            .collect();
        let want: HashSet<(&str, &str)> = wanted
            .iter()
            .map(|(m, a)| (m.as_str(), a.as_str()))
            .collect();
        if have != want {
            body.threepids = Some(threepid_inputs(wanted));
            changed.push("threepids");
        }
    }
    (body, changed)
}

/// The user of `row` as the server has it, or `None`.
async fn existing(ctx: &Ctx, user_id: &str) -> Result<Option<types::AdminUser>, Error> {
    match call(ctx.client.get_user().user_id(user_id).send()).await {
        Ok(user) => Ok(Some(user)),
        Err(Error::Matrix { status: 404, .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// A random password of 24 letters and digits (about 142 bits).
fn random_password() -> Result<String, Error> {
    use ring::rand::SecureRandom;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut bytes = [0u8; 24];
    ring::rand::SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| Error::Io("no randomness for a password".into()))?;
    // 256 is not a multiple of the alphabet's 56 letters; the bias is under 1 %, fine here.
    Ok(bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect())
}

/// The `--generate-passwords` file: new, mode 0600, a CSV line per user created.
struct PasswordFile {
    path: PathBuf,
    out: std::sync::Mutex<csv::Writer<std::fs::File>>,
}

impl PasswordFile {
    fn create(path: &Path) -> Result<PasswordFile, Error> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options
            .open(path)
            .map_err(|e| Error::Io(format!("cannot create {}: {e}", path.display())))?;
        let mut out = csv::Writer::from_writer(file);
        out.write_record(["id", "password"])
            .map_err(|e| Error::Io(e.to_string()))?;
        Ok(PasswordFile {
            path: path.to_owned(),
            out: std::sync::Mutex::new(out),
        })
    }

    /// Records a user's password, on disk at once.
    fn add(&self, user_id: &str, password: &str) -> Result<(), Error> {
        let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
        out.write_record([user_id, password])
            .and_then(|()| out.flush().map_err(csv::Error::from))
            .map_err(|e| Error::Io(format!("cannot write {}: {e}", self.path.display())))
    }
}

/// A CSV line of the given fields (quoted where needed), without its line end.
fn csv_line(fields: &[String]) -> String {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let _ = out.write_record(fields);
    let bytes = out.into_inner().unwrap_or_default();
    String::from_utf8_lossy(&bytes)
        .trim_end_matches('\n')
        .to_string()
}

impl ImportArgs {
    /// Reads the file (or stdin) and checks all of it.
    fn check(&self, server: &str) -> Result<Checked, Error> {
        let checked = if self.file == "-" {
            check_file(std::io::stdin().lock(), server)?
        } else {
            let file = std::fs::File::open(&self.file)
                .map_err(|e| Error::Io(format!("cannot read {}: {e}", self.file)))?;
            check_file(std::io::BufReader::new(file), server)?
        };
        if !checked.header.unknown.is_empty() {
            stderr::line(&format!(
                "Ignoring the columns {} (not among {}).",
                sanitize(&checked.header.unknown.join(", ")),
                columns().collect::<Vec<_>>().join(", ")
            ));
        }
        Ok(checked)
    }
}

impl Run for ImportArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        let server = ctx.server_name().await?.to_string();
        let checked = a.check(&server)?;
        ctx.note(&format!(
            "{} in the file: {} admin(s), {} guest(s), {} without a password{}.",
            stderr::counted(checked.count as i64, "user", "users"),
            checked.admins,
            checked.guests,
            checked.without_password,
            if a.generate_passwords.is_some() {
                " (new ones get a generated password)"
            } else {
                ""
            }
        ));
        let passwords = match &a.generate_passwords {
            Some(path) if !a.dry_run => Some(PasswordFile::create(path)?),
            _ => None,
        };
        let on_existing = a.on_existing;
        let Checked {
            rows: spool,
            count,
            admins,
            header,
            ..
        } = checked;
        let source = if a.dry_run || on_existing == OnExisting::Stop {
            let rows: Vec<Row> = spool
                .lines()?
                .filter_map(|line| async move { serde_json::from_str(&line).ok() })
                .collect()
                .await;
            let plan = plan(ctx, &a.bulk, rows.clone(), on_existing).await?;
            if a.dry_run || plan.existing > 0 {
                return plan.report(ctx, a.dry_run);
            }
            // --on-existing stop, and nobody exists: go on with the rows read.
            Source::Read(rows)
        } else {
            Source::Spooled(spool)
        };
        if !ctx.batch {
            ctx.confirm(&format!(
                "Import {}{}?",
                stderr::counted(count as i64, "user", "users"),
                if admins > 0 {
                    format!(", {admins} of them admins")
                } else {
                    String::new()
                }
            ))?;
        }
        let header_line = csv_line(&header.line);
        let rows = Rows {
            done: &|row: &Row, done: &Done| {
                let mut value = json!({"user_id": row.user_id, "outcome": done.outcome});
                if !done.changed.is_empty() {
                    value["changed"] = json!(done.changed);
                }
                value
            },
            failed: &|row: &Row, error: &str| json!({"user_id": row.user_id, "outcome": "failed", "error": error}),
            line: &|row: &Row| csv_line(&row.fields),
            header: Some(&header_line),
            name: &|row: &Row| format!("row {} ({})", row.number, row.user_id),
            view: View::new(&["user_id", "outcome", "changed", "error"]),
            silent: false,
        };
        let passwords = passwords.as_ref();
        let action = |row: Row| async move {
            match existing(ctx, &row.user_id).await? {
                Some(user) => match on_existing {
                    OnExisting::Update => {
                        let (body, changed) = update_body(&row, &user);
                        if changed.is_empty() {
                            return Ok(Done {
                                outcome: "skipped",
                                changed,
                            });
                        }
                        let put = ctx.client.put_user().user_id(&row.user_id).body(body);
                        call(put.send()).await?;
                        Ok(Done {
                            outcome: "updated",
                            changed,
                        })
                    }
                    _ => Ok(Done {
                        outcome: "skipped",
                        changed: Vec::new(),
                    }),
                },
                None => {
                    if row.guest == Some(true) {
                        return Err(Error::Usage(
                            "Synapse's admin API cannot create guest accounts".into(),
                        ));
                    }
                    let generated = match (&row.password, passwords) {
                        (None, Some(_)) => Some(random_password()?),
                        _ => None,
                    };
                    let password = row.password.clone().or_else(|| generated.clone());
                    let put = ctx.client.put_user().user_id(&row.user_id);
                    let created = call(put.body(create_body(&row, password)).send()).await?;
                    // Synapse ignores some fields on creation (`locked`, as of 1.163): set
                    // what it left out in a second request.
                    let (rest, _) = update_body(&row, &created);
                    if rest != UserUpsert::default() {
                        let put = ctx.client.put_user().user_id(&row.user_id);
                        call(put.body(rest).send()).await?;
                    }
                    if let (Some(generated), Some(file)) = (generated, passwords) {
                        file.add(&row.user_id, &generated)?;
                    }
                    Ok(Done {
                        outcome: "created",
                        changed: Vec::new(),
                    })
                }
            }
        };
        let items = match source {
            Source::Read(rows) => futures::stream::iter(rows).left_stream(),
            Source::Spooled(spool) => spool
                .lines()?
                .filter_map(|line| async move { serde_json::from_str::<Row>(&line).ok() })
                .right_stream(),
        };
        let tally = bulk::run(ctx, &a.bulk, Some(count), items, action, &rows).await?;
        if let (Some(path), true) = (&a.generate_passwords, tally.done > 0) {
            ctx.note(&format!(
                "Generated passwords are in {} (readable by you only).",
                path.display()
            ));
        }
        Ok(())
    }
}

/// Where the run takes its rows from: read already (to plan), or still in the spool.
enum Source {
    Read(Vec<Row>),
    Spooled(Spool),
}

/// What an import would do: each row's outcome from reading its user.
struct Plan {
    rows: Vec<Value>,
    created: u64,
    updated: u64,
    skipped: u64,
    existing: u64,
    admins_created: u64,
}

impl Plan {
    fn report(&self, ctx: &Ctx, dry_run: bool) -> Result<(), Error> {
        if !dry_run {
            // --on-existing stop: the users in the way, and no data (nothing was done).
            let existing: Vec<&str> = self
                .rows
                .iter()
                .filter(|r| r["outcome"] != "would be created")
                .filter_map(|r| r["user_id"].as_str())
                .take(5)
                .collect();
            ctx.note(&format!("Existing: {}", sanitize(&existing.join(", "))));
            return Err(Error::Aborted(format!(
                "{} exist already (--on-existing stop); nothing was changed",
                stderr::counted(self.existing as i64, "user", "users")
            )));
        }
        ctx.print(&self.rows, &View::new(&["user_id", "outcome", "changed"]))?;
        ctx.note(&format!(
            "{} would be created ({} of them admins), {} updated, {} skipped.",
            self.created, self.admins_created, self.updated, self.skipped
        ));
        ctx.note("Dry run: nothing was changed.");
        Ok(())
    }
}

/// Reads each row's user (reads only) and tells what importing it would do.
async fn plan(
    ctx: &Ctx,
    args: &BulkArgs,
    rows: Vec<Row>,
    on_existing: OnExisting,
) -> Result<Plan, Error> {
    synadm::api::pacer_of(&ctx.client).set_concurrency(usize::from(args.concurrency));
    let found = bulk::in_order(ctx, rows, |row: Row| async move {
        let user = existing(ctx, &row.user_id).await?;
        Ok::<_, Error>((row, user))
    })
    .await;
    let mut plan = Plan {
        rows: Vec::new(),
        created: 0,
        updated: 0,
        skipped: 0,
        existing: 0,
        admins_created: 0,
    };
    for (_, result) in found {
        let (row, user) = result?;
        let (outcome, changed) = match &user {
            None => {
                plan.created += 1;
                plan.admins_created += u64::from(row.admin == Some(true));
                ("would be created", Vec::new())
            }
            Some(user) => {
                plan.existing += 1;
                let (_, changed) = update_body(&row, user);
                if on_existing == OnExisting::Update && !changed.is_empty() {
                    plan.updated += 1;
                    ("would be updated", changed)
                } else {
                    plan.skipped += 1;
                    ("would be skipped", Vec::new())
                }
            }
        };
        let mut value = json!({"user_id": row.user_id, "outcome": outcome});
        if !changed.is_empty() {
            value["changed"] = json!(changed);
        }
        plan.rows.push(value);
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(fields: &[&str]) -> csv::StringRecord {
        csv::StringRecord::from(fields.to_vec())
    }

    fn full_header() -> Header {
        header(&record(&columns().collect::<Vec<_>>())).unwrap()
    }

    #[test]
    fn the_header_needs_id_and_displayname_and_knows_guest_as_is_guest() {
        let h = header(&record(&[
            "\u{feff}ID",
            "DisplayName",
            "guest",
            "shoe_size",
        ]))
        .unwrap();
        assert_eq!(h.columns, [(0, "id"), (1, "displayname"), (2, "is_guest")]);
        assert_eq!(h.unknown, ["shoe_size"]);
        assert_eq!(
            header(&record(&["id", "password"])).unwrap_err(),
            "the header has no displayname column (columns: id, displayname, password, admin, \
             is_guest, deactivated, avatar_url, user_type, threepids, locked)"
        );
        assert_eq!(
            header(&record(&["id", "displayname", "guest", "is_guest"])).unwrap_err(),
            "the column is_guest is given twice"
        );
    }

    #[test]
    fn a_full_row_is_read_field_by_field() {
        let row = row(
            &full_header(),
            &record(&[
                "alice",
                " Alice A. ",
                " secret ",
                "TRUE",
                "false",
                "",
                "mxc://example.org/abc",
                "bot",
                "email:a@example.org; msisdn:123",
                "False",
            ]),
            2,
            "example.org",
        )
        .unwrap();
        assert_eq!(row.user_id, "@alice:example.org");
        assert_eq!(row.displayname.as_deref(), Some("Alice A."));
        assert_eq!(
            row.password.as_deref(),
            Some(" secret "),
            "passwords are not trimmed"
        );
        assert_eq!(
            (row.admin, row.guest, row.deactivated),
            (Some(true), Some(false), None)
        );
        assert_eq!(row.avatar_url.as_deref(), Some("mxc://example.org/abc"));
        assert_eq!(row.user_type.as_deref(), Some("bot"));
        assert_eq!(
            row.threepids,
            Some(vec![
                ("email".into(), "a@example.org".into()),
                ("msisdn".into(), "123".into())
            ])
        );
        assert_eq!(row.locked, Some(false));
        assert_eq!(row.number, 2);
    }

    #[test]
    fn every_problem_of_a_row_is_named() {
        let problems = row(
            &full_header(),
            &record(&[
                "al ice", "", "", "yes", "", "true", "http://x", "", "email", "true",
            ]),
            7,
            "example.org",
        )
        .unwrap_err();
        assert_eq!(problems.len(), 5, "{problems:?}");
        assert!(problems[0].starts_with("id: "), "{problems:?}");
        assert_eq!(problems[1], "admin: \"yes\" is not true or false");
        assert!(problems[2].starts_with("avatar_url: "), "{problems:?}");
        assert_eq!(
            problems[3],
            "threepids: \"email\" is not medium:address (e.g. email:a@example.org)"
        );
        assert_eq!(
            problems[4],
            "deactivated and locked: Synapse refuses both at once"
        );
    }

    #[test]
    fn a_file_with_bad_rows_is_refused_with_the_first_row_number() {
        let text = "id,displayname,admin\nalice,Alice,true\nbob,Bob,maybe\nalice,Again,\n";
        let e = check_file(text.as_bytes(), "example.org").err().unwrap();
        assert_eq!(
            e.to_string(),
            "2 rows of the file are bad (the first is row 3); nothing was sent"
        );
    }

    #[test]
    fn a_good_file_is_counted_quoting_and_embedded_newlines_included() {
        let text = "\u{feff}id,displayname,admin,is_guest,password\n\
                    alice,\"Alice, \"\"the first\"\"\",true,,\n\
                    ,,,,\n\
                    bob,\"Bob\nSecond line\",false,true,pw\n";
        let checked = check_file(text.as_bytes(), "example.org").unwrap();
        assert_eq!(
            (
                checked.count,
                checked.admins,
                checked.guests,
                checked.without_password
            ),
            (2, 1, 1, 1)
        );
        let rows: Vec<Row> = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(
                checked
                    .rows
                    .lines()
                    .unwrap()
                    .map(|l| serde_json::from_str(&l).unwrap())
                    .collect(),
            );
        assert_eq!(rows[0].displayname.as_deref(), Some("Alice, \"the first\""));
        assert_eq!(rows[1].displayname.as_deref(), Some("Bob\nSecond line"));
        assert_eq!(rows[1].number, 4, "the row's first line");
        assert_eq!(
            csv_line(&rows[0].fields),
            "alice,\"Alice, \"\"the first\"\"\",true,,"
        );
    }

    #[test]
    fn an_update_changes_only_what_differs_and_never_the_password() {
        let user: types::AdminUser = serde_json::from_value(json!({
            "name": "@alice:example.org", "displayname": "Alice", "avatar_url": null,
            "admin": false, "deactivated": false, "erased": false, "locked": false,
            "suspended": false, "shadow_banned": false, "is_guest": false, "user_type": null,
            "creation_ts": 1, "last_seen_ts": null, "appservice_id": null,
            "consent_server_notice_sent": null, "consent_version": null, "consent_ts": null,
            "threepids": [{"medium": "email", "address": "a@example.org", "added_at": 1,
                           "validated_at": 1}],
            "external_ids": []
        }))
        .unwrap();
        let same = Row {
            displayname: Some("Alice".into()),
            password: Some("new".into()),
            admin: Some(false),
            threepids: Some(vec![("email".into(), "a@example.org".into())]),
            ..Row::default()
        };
        let (body, changed) = update_body(&same, &user);
        assert!(changed.is_empty(), "{changed:?}");
        assert_eq!(body, UserUpsert::default());
        let other = Row {
            displayname: Some("Alice B".into()),
            admin: Some(true),
            locked: Some(true),
            user_type: Some("bot".into()),
            threepids: Some(vec![]),
            ..Row::default()
        };
        let (body, changed) = update_body(&other, &user);
        assert_eq!(
            changed,
            ["displayname", "admin", "locked", "user_type", "threepids"]
        );
        assert_eq!(body.threepids, Some(vec![]));
        assert_eq!(body.password, None);
    }

    #[test]
    fn generated_passwords_are_24_letters_and_digits_and_differ() {
        let (a, b) = (random_password().unwrap(), random_password().unwrap());
        assert_eq!(a.len(), 24);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            /// Whatever the bytes, reading them ends in checked rows or a usage error.
            #[test]
            fn any_input_is_read_or_refused_without_panicking(
                bytes in proptest::collection::vec(any::<u8>(), 0..300),
            ) {
                match check_file(&bytes[..], "example.org") {
                    Ok(checked) => prop_assert!(checked.count >= 1),
                    Err(e) => prop_assert!(matches!(e, Error::Usage(_)), "{e}"),
                }
            }

            /// One bad cell among good rows is refused, naming its row.
            #[test]
            fn a_bad_cell_names_its_row(good in 1usize..30, at in 0usize..30) {
                let at = at % good;
                let mut text = String::from("id,displayname,admin\n");
                for i in 0..good {
                    let admin = if i == at { "maybe" } else { "false" };
                    text.push_str(&format!("user{i},User {i},{admin}\n"));
                }
                let e = check_file(text.as_bytes(), "example.org").err().unwrap();
                prop_assert_eq!(
                    e.to_string(),
                    format!("1 row of the file is bad (the first is row {}); nothing was sent", at + 2)
                );
            }
        }
    }
}
