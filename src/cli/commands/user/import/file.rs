//! The CSV file of `user import`: its header, each row checked into a [`Row`], the whole
//! file read before anything is sent (every bad row named), the good rows spooled.

use crate::cli::kit::id_list::{BadLines, Spool};
use crate::cli::kit::prelude::*;
use crate::cli::kit::{stderr, views};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::io::Read;
use synadm::ids::UserArg;
use synadm::output::sanitize;

/// The columns `user import` reads: those `user list -o csv` writes.
pub(super) fn columns() -> impl Iterator<Item = &'static str> {
    views::USER_CSV.iter().map(|(column, _)| *column)
}

/// Bad rows reported one by one before the rest are only counted.
const BAD_ROWS_SHOWN: u64 = 50;

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
    let mut header =
        Header { line: names.iter().map(str::to_owned).collect(), ..Header::default() };
    for (i, name) in names.iter().enumerate() {
        let name = name.trim_start_matches('\u{feff}').trim().to_ascii_lowercase();
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
    let mut row =
        Row { number, fields: record.iter().map(str::to_owned).collect(), ..Row::default() };
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
    if problems.is_empty() { Ok(row) } else { Err(problems) }
}

/// The checked rows of a file, spooled, with what the dry run and the question report.
pub(super) struct Checked {
    pub(super) rows: Spool,
    pub(super) count: u64,
    pub(super) admins: u64,
    pub(super) guests: u64,
    pub(super) without_password: u64,
    pub(super) header: Header,
}

/// Reads and checks the whole file; every bad row is named on stderr (its number, column and
/// why) and nothing is sent if there is one.
pub(super) fn check_file(input: impl Read, server: &str) -> Result<Checked, Error> {
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
    let (mut bad, mut seen) = (BadLines::new(BAD_ROWS_SHOWN), HashSet::new());
    for (i, record) in reader.records().enumerate() {
        // Row 1 is the header; a record spanning lines keeps the number of its first.
        let number =
            record.as_ref().ok().and_then(|r| r.position()).map_or(i as u64 + 2, |p| p.line());
        let mut fail = |why: String| bad.add(&format!("row {number}"), number, &why);
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
    if let Some((bad, first)) = bad.finish() {
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

/// A CSV line of the given fields (quoted where needed), without its line end.
pub(super) fn csv_line(fields: &[String]) -> String {
    let line = synadm::output::csv_record(fields, b',');
    line.trim_end_matches('\n').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;

    fn record(fields: &[&str]) -> csv::StringRecord {
        csv::StringRecord::from(fields.to_vec())
    }

    fn full_header() -> Header {
        header(&record(&columns().collect::<Vec<_>>())).unwrap()
    }

    #[test]
    fn the_header_needs_id_and_displayname_and_knows_guest_as_is_guest() {
        let h = header(&record(&["\u{feff}ID", "DisplayName", "guest", "shoe_size"])).unwrap();
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

    /// Empty cells keep the defaults: none of them becomes an empty value (an empty threepids
    /// list would clear a user's threepids on update).
    #[test]
    fn empty_cells_are_left_out() {
        let row = row(
            &full_header(),
            &record(&["alice", "", "", "", "", "", "", "", "", ""]),
            2,
            "example.org",
        )
        .unwrap();
        assert_eq!(
            row,
            Row {
                number: 2,
                user_id: "@alice:example.org".into(),
                fields: ["alice", "", "", "", "", "", "", "", "", ""].map(String::from).to_vec(),
                ..Row::default()
            }
        );
    }

    #[test]
    fn a_threepid_needs_both_medium_and_address() {
        for bad in ["email:", ":a@example.org", " : ", "email"] {
            assert!(threepids(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            threepids(" email : a@example.org ;; msisdn:123 ").unwrap(),
            [
                ("email".to_string(), "a@example.org".to_string()),
                ("msisdn".to_string(), "123".to_string())
            ]
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
        assert_eq!(row.password.as_deref(), Some(" secret "), "passwords are not trimmed");
        assert_eq!((row.admin, row.guest, row.deactivated), (Some(true), Some(false), None));
        assert_eq!(row.avatar_url.as_deref(), Some("mxc://example.org/abc"));
        assert_eq!(row.user_type.as_deref(), Some("bot"));
        assert_eq!(
            row.threepids,
            Some(vec![("email".into(), "a@example.org".into()), ("msisdn".into(), "123".into())])
        );
        assert_eq!(row.locked, Some(false));
        assert_eq!(row.number, 2);
    }

    #[test]
    fn every_problem_of_a_row_is_named() {
        let problems = row(
            &full_header(),
            &record(&["al ice", "", "", "yes", "", "true", "http://x", "", "email", "true"]),
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
        assert_eq!(problems[4], "deactivated and locked: Synapse refuses both at once");
    }

    /// A password of up to 512 bytes is taken (Synapse's limit); deactivated or locked alone
    /// is fine, both at once are refused.
    #[test]
    fn boundaries_of_a_row() {
        let h =
            header(&record(&["id", "displayname", "password", "deactivated", "locked"])).unwrap();
        let check = |fields: &[&str]| row(&h, &record(fields), 2, "example.org");
        let (longest, longer) = ("p".repeat(512), "p".repeat(513));
        assert!(check(&["a", "A", &longest, "", ""]).is_ok());
        assert_eq!(
            check(&["a", "A", &longer, "", ""]).unwrap_err(),
            ["password: longer than Synapse's 512 characters"]
        );
        assert!(check(&["a", "A", "", "true", "false"]).is_ok());
        assert!(check(&["a", "A", "", "false", "true"]).is_ok());
        assert!(check(&["a", "A", "", "true", "true"]).is_err());
    }

    /// A row the CSV reader refuses (here: not UTF-8) is named by its number.
    #[test]
    fn a_row_that_is_not_csv_is_named_by_its_number() {
        let text = b"id,displayname\nalice,Alice\nbob,B\xffob\n";
        let e = check_file(&text[..], "example.org").err().unwrap();
        assert_eq!(
            e.to_string(),
            "1 row of the file is bad (the first is row 3); nothing was sent"
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
                    bob,\"Bob\nSecond line\",false,true,pw\n\
                    carol,Carol,true,,pw\n";
        let checked = check_file(text.as_bytes(), "example.org").unwrap();
        assert_eq!(
            (checked.count, checked.admins, checked.guests, checked.without_password),
            (3, 2, 1, 1)
        );
        let rows: Vec<Row> =
            tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(
                checked.rows.lines().unwrap().map(|l| serde_json::from_str(&l).unwrap()).collect(),
            );
        assert_eq!(rows[0].displayname.as_deref(), Some("Alice, \"the first\""));
        assert_eq!(rows[1].displayname.as_deref(), Some("Bob\nSecond line"));
        assert_eq!(rows[1].number, 4, "the row's first line");
        assert_eq!(csv_line(&rows[0].fields), "alice,\"Alice, \"\"the first\"\"\",true,,");
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
