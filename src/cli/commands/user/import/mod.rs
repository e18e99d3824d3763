//! `user import FILE.csv`: create (or update) many users from a CSV file with the columns of
//! the widely used web admin's export, which is also what `user list -o csv` writes. The
//! whole file is checked before anything is sent (`file.rs`); existing users are skipped,
//! updated, or stop the import; running the same file twice changes nothing the second time.

mod file;

use crate::cli::kit::bulk::{self, BulkArgs, Rows};
use crate::cli::kit::id_list::Spool;
use crate::cli::kit::prelude::*;
use crate::cli::kit::stderr;
use file::{Checked, Row, check_file, columns, csv_line};
use futures::{StreamExt, TryStreamExt};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use synadm::api::UserUpsert;
use synadm::output::sanitize;

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
    /// admins and guests; change nothing.
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
        let have: HashSet<(&str, &str)> =
            user.threepids.iter().map(|t| (t.medium.as_str(), t.address.as_str())).collect();
        let want: HashSet<(&str, &str)> =
            wanted.iter().map(|(m, a)| (m.as_str(), a.as_str())).collect();
        if have != want {
            body.threepids = Some(threepid_inputs(wanted));
            changed.push("threepids");
        }
    }
    (body, changed)
}

/// How many listed users may stand in for one read of a user. On a fresh Synapse 1.163 with
/// 10,000 users, listing them all (10 pages of 1,000) took 0.21 s and 1,000 reads 0.92 s: a
/// read costs about as much as 40 listed users. 10 stays on the safe side, as offset paging
/// costs more per user on bigger servers.
const LISTED_PER_READ: u64 = 10;

/// Which users exist. When the server has at most `LISTED_PER_READ` users for each row of the
/// file, their IDs are listed once, and a row whose user is not among them is created without
/// reading it first: an onboarding onto a small server then sends one request a user, not two.
/// Otherwise (a few rows for a big server) each row's user is read.
struct Existing(Option<HashSet<String>>);

impl Existing {
    async fn load(ctx: &Ctx, rows: u64) -> Result<Existing, Error> {
        // Deactivated and locked users too: their IDs are taken all the same.
        let list = || ctx.client.list_users().deactivated(true).locked(true).guests(true);
        let total = call(list().limit(1).send()).await?.total;
        if u64::try_from(total).unwrap_or(u64::MAX) > rows.saturating_mul(LISTED_PER_READ) {
            return Ok(Existing(None));
        }
        let fetch = |at| call(list().from(at).limit(1000).send());
        let ids = synadm::api::pages(0, fetch)
            .map_ok(|users| {
                futures::stream::iter(users.into_iter().map(|u| Ok::<_, Error>(u.name)))
            })
            .try_flatten()
            .try_collect()
            .await?;
        Ok(Existing(Some(ids)))
    }

    /// The user as the server has it, or `None`; read only if the list (if any) has it.
    async fn user(&self, ctx: &Ctx, user_id: &str) -> Result<Option<types::AdminUser>, Error> {
        if self.0.as_ref().is_some_and(|ids| !ids.contains(user_id)) {
            return Ok(None);
        }
        match call(ctx.client.get_user().user_id(user_id).send()).await {
            Ok(user) => Ok(Some(user)),
            Err(Error::Matrix { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
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
    Ok(bytes.iter().map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()])).collect())
}

/// The `--generate-passwords` file: new, mode 0600, a CSV line per user created.
struct PasswordFile {
    path: PathBuf,
    /// The writer, and how many passwords it has written.
    out: std::sync::Mutex<(csv::Writer<std::fs::File>, u64)>,
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
        out.write_record(["id", "password"]).map_err(|e| Error::Io(e.to_string()))?;
        Ok(PasswordFile { path: path.to_owned(), out: std::sync::Mutex::new((out, 0)) })
    }

    /// Records a user's password, on disk at once.
    fn add(&self, user_id: &str, password: &str) -> Result<(), Error> {
        let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
        let (writer, written) = &mut *out;
        writer
            .write_record([user_id, password])
            .and_then(|()| writer.flush().map_err(csv::Error::from))
            .map_err(|e| Error::Io(format!("cannot write {}: {e}", self.path.display())))?;
        *written += 1;
        Ok(())
    }

    /// Says where the passwords are, if any was generated.
    fn report(&self, ctx: &Ctx) {
        let written = self.out.lock().unwrap_or_else(|e| e.into_inner()).1;
        if written > 0 {
            ctx.note(&format!(
                "{} in {} (readable by you only).",
                stderr::counted(written as i64, "generated password is", "generated passwords are"),
                self.path.display()
            ));
        }
    }
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
        let Checked { rows: spool, count, admins, header, .. } = checked;
        let known = Existing::load(ctx, count).await?;
        let known = &known;
        let source = if a.dry_run || on_existing == OnExisting::Stop {
            let rows: Vec<Row> = spool
                .lines()?
                .filter_map(|line| async move { serde_json::from_str(&line).ok() })
                .collect()
                .await;
            let plan = plan(ctx, &a.bulk, known, rows.clone(), on_existing).await?;
            if a.dry_run || plan.existing > 0 {
                return plan.report(ctx, a.dry_run);
            }
            // --on-existing stop, and nobody exists: go on with the rows read.
            Source::Read(rows)
        } else {
            Source::Spooled(spool)
        };
        ctx.confirm(&format!(
            "Import {}{}?",
            stderr::counted(count as i64, "user", "users"),
            if admins > 0 { format!(", {admins} of them admins") } else { String::new() }
        ))?;
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
        // Rows read to plan were all found missing (else `stop` ended the import there): not
        // read again.
        let all_new = matches!(source, Source::Read(_));
        let action = |row: Row| async move {
            let user = if all_new { None } else { known.user(ctx, &row.user_id).await? };
            match user {
                Some(user) => match on_existing {
                    OnExisting::Update => {
                        let (body, changed) = update_body(&row, &user);
                        if changed.is_empty() {
                            return Ok(Done { outcome: "skipped", changed });
                        }
                        let put = ctx.client.put_user().user_id(&row.user_id).body(body);
                        call(put.send()).await?;
                        Ok(Done { outcome: "updated", changed })
                    }
                    _ => Ok(Done { outcome: "skipped", changed: Vec::new() }),
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
                    let reply = call_reply(put.body(create_body(&row, password)).send()).await?;
                    if reply.status != 201 {
                        // Somebody made the user after it was found missing: the PUT that
                        // was to create it changed it instead. The errcode is the one Matrix
                        // has for a user ID that is taken; the server answered a plain 200.
                        return Err(Error::Matrix {
                            status: reply.status,
                            errcode: "M_USER_IN_USE".into(),
                            message: "created by someone else during the import; the file's \
                                      values were written over it"
                                .into(),
                        });
                    }
                    let created = reply.value;
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
                    Ok(Done { outcome: "created", changed: Vec::new() })
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
        let result = bulk::run(ctx, &a.bulk, Some(count), items, action, &rows).await;
        // Also when some rows failed: the users created have their passwords there.
        if let Some(file) = passwords {
            file.report(ctx);
        }
        result.map(|_| ())
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
                "{} already (--on-existing stop); nothing was changed",
                stderr::counted(self.existing as i64, "user exists", "users exist")
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
    known: &Existing,
    rows: Vec<Row>,
    on_existing: OnExisting,
) -> Result<Plan, Error> {
    synadm::api::pacer_of(&ctx.client).set_concurrency(usize::from(args.concurrency));
    let found = bulk::in_order(ctx, rows, |row: Row| async move {
        let user = known.user(ctx, &row.user_id).await?;
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
    use serde_json::json;

    #[test]
    fn an_update_changes_only_what_differs_and_never_the_password() {
        let user: types::AdminUser = serde_json::from_value(json!({
            "name": "@alice:example.org", "displayname": "Alice",
            "avatar_url": "mxc://example.org/face", "admin": false, "deactivated": false,
            "erased": false, "locked": false, "suspended": false, "shadow_banned": false,
            "is_guest": false, "user_type": "bot", "creation_ts": 1, "last_seen_ts": null,
            "appservice_id": null, "consent_server_notice_sent": null, "consent_version": null,
            "consent_ts": null,
            "threepids": [{"medium": "email", "address": "a@example.org", "added_at": 1,
                           "validated_at": 1}],
            "external_ids": []
        }))
        .unwrap();
        // Every column given, all as the user has them (the password aside): nothing to do.
        let same = Row {
            displayname: Some("Alice".into()),
            password: Some("new".into()),
            avatar_url: Some("mxc://example.org/face".into()),
            admin: Some(false),
            deactivated: Some(false),
            locked: Some(false),
            user_type: Some("bot".into()),
            threepids: Some(vec![("email".into(), "a@example.org".into())]),
            ..Row::default()
        };
        let (body, changed) = update_body(&same, &user);
        assert!(changed.is_empty(), "{changed:?}");
        assert_eq!(body, UserUpsert::default());
        // Empty cells keep what the user has.
        let (body, changed) = update_body(&Row::default(), &user);
        assert!(changed.is_empty(), "{changed:?}");
        assert_eq!(body, UserUpsert::default());
        let other = Row {
            displayname: Some("Alice B".into()),
            avatar_url: Some("mxc://example.org/new".into()),
            admin: Some(true),
            deactivated: Some(true),
            locked: Some(true),
            user_type: Some("support".into()),
            threepids: Some(vec![("msisdn".into(), "123".into())]),
            ..Row::default()
        };
        let (body, changed) = update_body(&other, &user);
        assert_eq!(
            changed,
            [
                "displayname",
                "avatar_url",
                "admin",
                "deactivated",
                "locked",
                "user_type",
                "threepids"
            ]
        );
        let expected = UserUpsert {
            displayname: Some("Alice B".into()),
            avatar_url: Some("mxc://example.org/new".into()),
            admin: Some(true),
            deactivated: Some(true),
            locked: Some(true),
            user_type: Some(Some("support".into())),
            threepids: Some(vec![types::ThreepidInput {
                medium: "msisdn".into(),
                address: "123".into(),
            }]),
            ..UserUpsert::default()
        };
        assert_eq!(body, expected, "never the password");
    }

    #[test]
    fn generated_passwords_are_24_letters_and_digits_and_differ() {
        let (a, b) = (random_password().unwrap(), random_password().unwrap());
        assert_eq!(a.len(), 24);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
        // Drawn from the whole alphabet (24 draws from 56 letters give about 20 different
        // ones; fewer than 10 comes about 4 times in 10^10), never from the look-alikes.
        let letters: HashSet<char> = a.chars().collect();
        assert!(letters.len() >= 10, "{a}");
        assert!(!a.contains(['0', '1', 'O', 'I', 'l']), "{a}");
    }
}
