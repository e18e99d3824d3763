//! Lists of IDs for commands that act on one ID or, given `-`, on every ID read from stdin
//! (`synadm room block - < rooms.txt`): one ID a line, `#` comments and blank lines skipped.
//! The whole list is checked before anything is sent, every bad line reported with its
//! number. An ID listed again is done once. The checked IDs are spooled to an unlinked
//! temporary file and read back as the run goes, so a list of any length streams without
//! sitting in memory.

use super::bulk::{self, BulkArgs, Rows};
use super::context::Ctx;
use super::{prompt, stderr};
use futures::Stream;
use std::collections::HashSet;
use std::fs::File;
use std::future::Future;
use std::hash::{BuildHasher, RandomState};
use std::io::{BufRead, BufReader, Seek, Write};
use synadm::Error;
use synadm::ids::UserArg;
use synadm::output::sanitize;

/// The argument that stands for "the IDs on stdin".
pub const STDIN: &str = "-";

/// Bad lines reported one by one before the rest are only counted.
const BAD_LINES_SHOWN: u64 = 20;
/// IDs named in the confirmation question.
const PREVIEW: usize = 5;

/// The bad lines of an input checked whole: the first `shown` named on stderr, the rest
/// counted.
pub struct BadLines {
    shown: u64,
    count: u64,
    first: Option<u64>,
}

impl BadLines {
    pub fn new(shown: u64) -> BadLines {
        BadLines { shown, count: 0, first: None }
    }

    /// One more: `place` names it ("line 3"), `number` is its number.
    pub fn add(&mut self, place: &str, number: u64, why: &str) {
        self.count += 1;
        self.first.get_or_insert(number);
        if self.count <= self.shown {
            stderr::line(&format!("{place}: {}", sanitize(why)));
        }
    }

    /// `None` when every line was good; else how many were bad, and the first's number.
    pub fn finish(self) -> Option<(u64, u64)> {
        let first = self.first?;
        if self.count > self.shown {
            stderr::line(&format!("… and {} more", self.count - self.shown));
        }
        Some((self.count, first))
    }
}

/// What a per-ID command was given: one ID, or `-` for a list on stdin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    One(String),
    Stdin,
}

impl Target {
    /// `-` or the text as given (for IDs checked later, such as localparts).
    pub fn of(input: &str) -> Target {
        if input == STDIN { Target::Stdin } else { Target::One(input.to_string()) }
    }

    /// `-`, or an ID that `check` accepts: the value parser of a per-ID argument.
    pub fn checked(
        input: &str,
        check: fn(&str) -> Result<String, String>,
    ) -> Result<Target, String> {
        match Target::of(input) {
            Target::One(id) => check(&id).map(Target::One),
            stdin => Ok(stdin),
        }
    }
}

/// A room ID, or `-`.
pub fn room_or_list(input: &str) -> Result<Target, String> {
    Target::checked(input, synadm::ids::parse_room_id)
}

/// Lines kept in an unlinked temporary file between checking input and using it, so that
/// input of any length streams instead of sitting in memory.
pub struct Spool(std::io::BufWriter<File>);

impl Spool {
    pub fn new() -> Result<Spool, Error> {
        Ok(Spool(std::io::BufWriter::new(spool_file()?)))
    }

    /// Adds one line (without its newline; it must hold none).
    pub fn push(&mut self, line: &str) -> Result<(), Error> {
        writeln!(self.0, "{line}").map_err(spool_error)
    }

    /// The lines pushed, read back as they are needed.
    pub fn lines(self) -> Result<impl Stream<Item = String>, Error> {
        let mut file = self.0.into_inner().map_err(|e| spool_error(e.into_error()))?;
        file.rewind().map_err(spool_error)?;
        let lines = BufReader::new(file).lines().map_while(Result::ok);
        Ok(futures::stream::iter(lines))
    }
}

/// A checked list of IDs, each once.
pub struct IdList {
    spool: Spool,
    count: u64,
    /// Lines that named an ID listed before.
    repeated: u64,
    first: Vec<String>,
}

/// The IDs a list has named so far, as 128-bit fingerprints (two keyed hashes): 16 bytes an
/// ID, where the IDs could take hundreds (measured, release build: a million IDs raise the
/// peak memory from 8 to 60 MB, the set's spare room and growth included, and the time to
/// read them from 0.2 to 0.5 s). The keys are random, so no one can make two IDs share a
/// fingerprint on purpose; by chance, two of a million IDs do with a probability of about
/// 10⁻²⁷.
struct Seen {
    keys: (RandomState, RandomState),
    fingerprints: HashSet<(u64, u64)>,
}

impl Seen {
    fn new() -> Seen {
        Seen { keys: (RandomState::new(), RandomState::new()), fingerprints: HashSet::new() }
    }

    /// Whether `id` is new (and from now on known).
    fn first_time(&mut self, id: &str) -> bool {
        self.fingerprints.insert((self.keys.0.hash_one(id), self.keys.1.hash_one(id)))
    }
}

impl IdList {
    /// Reads and checks the IDs on stdin; `what` names one ("room ID") in messages.
    pub fn from_stdin(
        what: &str,
        check: impl Fn(&str) -> Result<String, String>,
    ) -> Result<IdList, Error> {
        IdList::read(std::io::stdin().lock(), what, check)
    }

    /// Reads and checks the IDs of `input`, one a line.
    pub fn read(
        input: impl BufRead,
        what: &str,
        check: impl Fn(&str) -> Result<String, String>,
    ) -> Result<IdList, Error> {
        let mut spool = Spool::new()?;
        let (mut count, mut first, mut bad) = (0u64, Vec::new(), BadLines::new(BAD_LINES_SHOWN));
        let (mut seen, mut repeated) = (Seen::new(), 0u64);
        for (number, line) in input.lines().enumerate() {
            let number = number + 1;
            let line = line.map_err(|e| match e.kind() {
                std::io::ErrorKind::InvalidData => {
                    Error::Usage(format!("line {number} of the list is not UTF-8 text"))
                }
                _ => Error::Io(format!("cannot read the ID list: {e}")),
            })?;
            let text = line.trim();
            if text.is_empty() || text.starts_with('#') {
                continue;
            }
            match check(text) {
                Ok(id) if !seen.first_time(&id) => repeated += 1,
                Ok(id) => {
                    count += 1;
                    if first.len() < PREVIEW {
                        first.push(id.clone());
                    }
                    spool.push(&id)?;
                }
                Err(why) => bad.add(&format!("line {number}"), number as u64, &why),
            }
        }
        if let Some((bad, line)) = bad.finish() {
            return Err(Error::Usage(format!(
                "{} of the list {} not a {what} (the first on line {line}); nothing was sent",
                stderr::counted(bad as i64, "line", "lines"),
                if bad == 1 { "is" } else { "are" },
            )));
        }
        if count == 0 {
            return Err(Error::Usage(format!(
                "the list on stdin holds no {what}: one a line was expected"
            )));
        }
        Ok(IdList { spool, count, repeated, first })
    }

    /// How many IDs the list holds, each counted once.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// How many lines named an ID listed before (and were left out).
    pub fn repeated(&self) -> u64 {
        self.repeated
    }

    /// "3 rooms: !a:x, !b:x, !c:x" (the first few, then "…").
    pub fn preview(&self, one: &str, many: &str) -> String {
        let names: Vec<String> = self.first.iter().map(|id| sanitize(id)).collect();
        let more = if self.count > self.first.len() as u64 { ", …" } else { "" };
        format!("{}: {}{more}", stderr::counted(self.count as i64, one, many), names.join(", "))
    }

    /// The IDs, read back from the spool as they are needed.
    pub fn ids(self) -> Result<impl Stream<Item = String>, Error> {
        self.spool.lines()
    }
}

/// A new temporary file that is gone from the directory at once (it lives while open).
fn spool_file() -> Result<File, Error> {
    let dir = std::env::temp_dir();
    for attempt in 0..100u32 {
        let path = dir.join(format!(
            "synadm-ids-{}-{}-{attempt}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos())
        ));
        match std::fs::OpenOptions::new().read(true).write(true).create_new(true).open(&path) {
            Ok(file) => {
                let _ = std::fs::remove_file(&path);
                return Ok(file);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(spool_error(e)),
        }
    }
    Err(Error::Io(format!("cannot create a temporary file in {}", dir.display())))
}

fn spool_error(e: std::io::Error) -> Error {
    Error::Io(format!("cannot spool the ID list: {e}"))
}

/// Reads and checks the user IDs on stdin; localparts are completed with the server name.
pub async fn users_from_stdin(ctx: &Ctx) -> Result<IdList, Error> {
    // Asked first (the check cannot wait); only a localpart in the list needs it.
    let server = ctx.server_name().await.ok().map(str::to_owned);
    IdList::from_stdin("user ID", |input| {
        let user = UserArg::parse(input).map_err(|e| e.to_string())?;
        match (&user, &server) {
            (UserArg::Full(id), _) => Ok(id.clone()),
            (UserArg::Localpart(_), Some(server)) => {
                user.complete(server).map_err(|e| e.to_string())
            }
            (UserArg::Localpart(local), None) => Err(format!(
                "{local} is a localpart, and the server name to complete it is unknown; \
                 give full user IDs"
            )),
        }
    })
}

/// What a per-ID command does with a list.
pub struct ListRun<'a> {
    /// The question asked once, before the count and the first IDs ("Block these rooms?").
    pub question: &'a str,
    /// One ID and several, for messages ("room", "rooms").
    pub one: &'a str,
    pub many: &'a str,
}

/// Asks once for the whole list (unless in batch mode), then runs `action` for each ID
/// through the bulk engine. `rows` says how an ID's outcome is shown; a failed ID's line
/// in `--failed-to` is the ID itself.
pub async fn run<T, F, Fut>(
    ctx: &Ctx,
    args: &BulkArgs,
    list: IdList,
    how: ListRun<'_>,
    rows: Rows<'_, String, T>,
    action: F,
) -> Result<(), Error>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    ctx.note(&list.preview(how.one, how.many));
    if list.repeated() > 0 {
        let lines = stderr::counted(list.repeated() as i64, "line names", "lines name");
        ctx.note(&format!("{lines} an ID listed before; each ID is done once."));
    }
    if !ctx.batch {
        prompt::confirm_on_terminal(how.question)?;
    }
    let total = list.count();
    bulk::run(ctx, args, Some(total), list.ids()?, action, &rows).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;

    fn room(s: &str) -> Result<String, String> {
        synadm::ids::parse_room_id(s)
    }

    fn ids(list: IdList) -> Vec<String> {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(list.ids().unwrap().collect())
    }

    #[test]
    fn a_dash_stands_for_the_list_on_stdin() {
        assert_eq!(room_or_list("-"), Ok(Target::Stdin));
        assert_eq!(room_or_list("!a:x.org"), Ok(Target::One("!a:x.org".into())));
        assert!(room_or_list("#alias:x.org").is_err());
        assert_eq!(Target::of("alice"), Target::One("alice".into()));
    }

    #[test]
    fn comments_blank_lines_and_spaces_are_skipped() {
        let input = "# rooms to block\n!a:x.org\n\n   !b:x.org  \n#!c:x.org\n";
        let list = IdList::read(input.as_bytes(), "room ID", room).unwrap();
        assert_eq!(list.count(), 2);
        assert_eq!(list.preview("room", "rooms"), "2 rooms: !a:x.org, !b:x.org");
        assert_eq!(ids(list), ["!a:x.org", "!b:x.org"]);
    }

    #[test]
    fn an_id_listed_again_is_kept_once_in_its_first_place() {
        let input = "!a:x.org\n!b:x.org\n!a:x.org\n  !b:x.org\n!c:x.org\n!a:x.org\n";
        let list = IdList::read(input.as_bytes(), "room ID", room).unwrap();
        assert_eq!((list.count(), list.repeated()), (3, 3));
        assert_eq!(list.preview("room", "rooms"), "3 rooms: !a:x.org, !b:x.org, !c:x.org");
        assert_eq!(ids(list), ["!a:x.org", "!b:x.org", "!c:x.org"]);
        // Repeats are found after the check: a localpart and its full ID are one user.
        let list = IdList::read("a\n@a:x.org\nb\n".as_bytes(), "name", |s| {
            Ok(if s.starts_with('@') { s.to_string() } else { format!("@{s}:x.org") })
        })
        .unwrap();
        assert_eq!((list.count(), list.repeated()), (2, 1));
        assert_eq!(ids(list), ["@a:x.org", "@b:x.org"]);
    }

    #[test]
    fn every_bad_line_is_found_before_anything_is_used() {
        let input = "!a:x.org\nnot a room\n!b:x.org\n#!c\nalso bad\n";
        let e = IdList::read(input.as_bytes(), "room ID", room).err().unwrap();
        assert!(matches!(e, Error::Usage(_)));
        assert_eq!(
            e.to_string(),
            "2 lines of the list are not a room ID (the first on line 2); nothing was sent"
        );
    }

    #[test]
    fn an_empty_list_is_refused() {
        let e = IdList::read("# nothing\n\n".as_bytes(), "room ID", room).err().unwrap();
        assert_eq!(e.to_string(), "the list on stdin holds no room ID: one a line was expected");
    }

    #[test]
    fn the_preview_names_the_first_five() {
        let input: String = (0..7).map(|i| format!("!r{i}:x.org\n")).collect();
        let list = IdList::read(input.as_bytes(), "room ID", room).unwrap();
        assert_eq!(
            list.preview("room", "rooms"),
            "7 rooms: !r0:x.org, !r1:x.org, !r2:x.org, !r3:x.org, !r4:x.org, …"
        );
        assert_eq!(ids(list).len(), 7);
    }

    #[test]
    fn the_ids_are_given_back_as_the_check_wrote_them() {
        let list =
            IdList::read("a\nb\n".as_bytes(), "name", |s| Ok(format!("@{s}:x.org"))).unwrap();
        assert_eq!(ids(list), ["@a:x.org", "@b:x.org"]);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            /// Whatever the bytes, a list is read or refused as bad input, never a panic.
            #[test]
            fn any_input_is_read_or_refused_without_panicking(
                bytes in proptest::collection::vec(any::<u8>(), 0..300),
            ) {
                match IdList::read(&bytes[..], "room ID", room) {
                    Ok(list) => prop_assert!(list.count() >= 1),
                    Err(e) => prop_assert!(matches!(e, Error::Usage(_)), "{e}"),
                }
            }

            /// Each ID comes back once, in the order it was first listed; the rest are counted.
            #[test]
            fn each_id_comes_back_once_in_first_listed_order(picks in proptest::collection::vec(0u8..8, 1..60)) {
                let text: String = picks.iter().map(|i| format!("!r{i}:x.org\n")).collect();
                let list = IdList::read(text.as_bytes(), "room ID", room).unwrap();
                let mut unique: Vec<String> = Vec::new();
                for i in &picks {
                    let id = format!("!r{i}:x.org");
                    if !unique.contains(&id) {
                        unique.push(id);
                    }
                }
                prop_assert_eq!(list.count(), unique.len() as u64);
                prop_assert_eq!(list.repeated(), (picks.len() - unique.len()) as u64);
                prop_assert_eq!(ids(list), unique);
            }

            /// One bad line among good ones is refused, naming its line.
            #[test]
            fn a_bad_line_names_its_number(good in 1usize..40, at in 0usize..40) {
                let at = at % good;
                let text: String = (0..good)
                    .map(|i| if i == at { "no room\n".to_string() } else { format!("!r{i}:x.org\n") })
                    .collect();
                let e = IdList::read(text.as_bytes(), "room ID", room).err().unwrap();
                prop_assert_eq!(
                    e.to_string(),
                    format!("1 line of the list is not a room ID (the first on line {}); nothing was sent", at + 1)
                );
            }
        }
    }
}
