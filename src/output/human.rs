//! The `human` format: key/value blocks for objects, aligned tables for lists.
//!
//! Server data is user-chosen (display names, room names, topics), so every string is made
//! safe for a terminal first: control characters (C0, DEL, C1 — ESC, CR, LF, TAB among them)
//! are shown as escapes and can neither inject terminal sequences nor break a row. Widths
//! are display widths, so CJK and emoji stay aligned.

use super::View;
use super::cell::{cell, sanitize};
use super::row::Row;
use serde_json::Value;
use unicode_width::UnicodeWidthStr;

/// Narrowest a column is squeezed to when fitting the terminal.
const MIN_COLUMN: usize = 6;

/// The terminal a table is fitted to: its width, and where to say which columns did not fit.
#[derive(Debug, Clone, Copy)]
pub struct Fit {
    pub width: usize,
    pub note: Option<fn(&str)>,
}

fn width(s: &str) -> usize {
    // Most cells are ASCII: one column a byte (control characters are escaped by then).
    if s.is_ascii() { s.len() } else { UnicodeWidthStr::width(s) }
}

/// `s` cut to at most `max` display columns, ending in `…` when cut.
fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// Renders one document; `fit` is the terminal when stdout is one.
pub fn document(value: &Value, view: &View, fit: Option<Fit>) -> String {
    match value {
        Value::Object(map) => block(map, view),
        Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_object) => {
            let rows: Vec<Row> = items.iter().map(|i| Row::of_value(i, view)).collect();
            Table::new(&rows, view, fit).rows(&rows)
        }
        Value::Array(items) => items.iter().map(|v| cell("", v, view) + "\n").collect(),
        other => cell("", other, view) + "\n",
    }
}

/// A key/value block; a list of objects under a key (threepids, devices) continues on
/// indented lines, one item per line.
fn block(map: &serde_json::Map<String, Value>, view: &View) -> String {
    let key_width = map.keys().map(|k| width(k)).max().unwrap_or(0);
    let preferred = view.columns.iter().filter_map(|c| map.get_key_value(*c));
    let rest = map.iter().filter(|(k, _)| !view.columns.contains(&k.as_str()));
    let mut out = String::new();
    for (k, v) in preferred.chain(rest) {
        let label = sanitize(k);
        let pad = " ".repeat(key_width.saturating_sub(width(&label)));
        let lines: Vec<String> = match v {
            Value::Array(items) if items.iter().any(Value::is_object) => {
                items.iter().map(|item| cell(k, item, view)).collect()
            }
            other => vec![cell(k, other, view)],
        };
        let indent = " ".repeat(key_width + 2);
        let mut first = true;
        for line in lines.iter().chain(lines.is_empty().then(String::new).iter()) {
            let text =
                if first { format!("{label}{pad}  {line}") } else { format!("{indent}{line}") };
            first = false;
            out.push_str(text.trim_end());
            out.push('\n');
        }
    }
    out
}

/// A table whose columns and widths come from the first page it sees; later pages are cut
/// to those widths so that every row stays aligned.
pub struct Table {
    columns: Vec<String>,
    widths: Vec<usize>,
    header_done: bool,
    /// Where each column's key stood in the last row read: list items share their key order,
    /// so a cell is found with one comparison.
    hints: Vec<usize>,
}

impl Table {
    /// Columns: the view's preferred ones first, then any other field, leaving out columns
    /// that are empty on the whole first page; squeezed to `fit` if given, the last (least
    /// important) columns first, and left out, with a note, where even that is too wide.
    pub fn new(first_page: &[Row], view: &View, fit: Option<Fit>) -> Table {
        let mut columns: Vec<String> = view.columns.iter().map(|c| c.to_string()).collect();
        let mut seen: std::collections::HashSet<&str> = view.columns.iter().copied().collect();
        let mut previous: Option<&Row> = None;
        for row in first_page {
            if previous.is_some_and(|p| p.same_keys(row)) {
                continue;
            }
            previous = Some(row);
            for k in row.keys() {
                if seen.insert(k) {
                    columns.push(k.to_string());
                }
            }
        }
        let mut hints = vec![0; columns.len()];
        // The widest cell of each column (0: empty on the whole page).
        let mut widths = vec![0; columns.len()];
        for row in first_page {
            for ((c, w), hint) in columns.iter().zip(&mut widths).zip(&mut hints) {
                *w = (*w).max(width(row.cell(c, hint)));
            }
        }
        let mut keep = widths.iter().map(|w| *w > 0);
        columns.retain(|_| keep.next().unwrap_or(false));
        widths.retain(|w| *w > 0);
        for (w, c) in widths.iter_mut().zip(&columns) {
            *w = (*w).max(width(&sanitize(c)));
        }
        if let Some(Fit { width, note }) = fit {
            // The first column (the ID) is never cut unless it alone is too wide.
            let mut floors: Vec<usize> = widths.iter().map(|w| MIN_COLUMN.min(*w)).collect();
            if let Some(first) = floors.first_mut() {
                *first = widths[0].min(width);
            }
            let mut keep = columns.len();
            while keep > 1 && row_width(&floors[..keep]) > width {
                keep -= 1;
            }
            if let Some(note) = note
                && keep < columns.len()
            {
                let left_out: Vec<String> = columns[keep..].iter().map(|c| sanitize(c)).collect();
                let count = match left_out.len() {
                    1 => "1 column".to_string(),
                    n => format!("{n} columns"),
                };
                note(&format!(
                    "{count} left out to fit the terminal's {width} columns: {} \
                     (-o json shows everything)",
                    left_out.join(", ")
                ));
            }
            columns.truncate(keep);
            widths.truncate(keep);
            shrink(&mut widths, width);
        }
        Table { hints: vec![0; columns.len()], columns, widths, header_done: false }
    }

    /// The text of `rows` (after the header, the first time).
    pub fn rows(&mut self, rows: &[Row]) -> String {
        let mut out = String::new();
        if !self.header_done {
            self.header_done = true;
            let header: Vec<String> = self.columns.iter().map(|c| sanitize(c)).collect();
            self.line(&mut out, header.iter().map(String::as_str));
            let rule: Vec<String> = self.widths.iter().map(|w| "-".repeat(*w)).collect();
            self.line(&mut out, rule.iter().map(String::as_str));
        }
        let mut hints = std::mem::take(&mut self.hints);
        for row in rows {
            let cells = self.columns.iter().zip(&mut hints).map(|(c, hint)| row.cell(c, hint));
            self.line(&mut out, cells);
        }
        self.hints = hints;
        out
    }

    /// Appends one row: each cell cut to its column and padded, two spaces between columns,
    /// no blank space at the end.
    fn line<'c>(&self, out: &mut String, cells: impl Iterator<Item = &'c str>) {
        let start = out.len();
        for (i, (c, w)) in cells.zip(&self.widths).enumerate() {
            if i > 0 {
                out.push_str("  ");
            }
            let used = width(c);
            if used <= *w {
                out.push_str(c);
                out.extend(std::iter::repeat_n(' ', w - used));
            } else {
                let cut = truncate(c, *w);
                let pad = w.saturating_sub(width(&cut));
                out.push_str(&cut);
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        let end = out[start..].trim_end().len() + start;
        out.truncate(end);
        out.push('\n');
    }
}

/// The width of a row of columns this wide, with their two-space gaps.
fn row_width(widths: &[usize]) -> usize {
    widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1)
}

/// Shrinks column widths (last columns first, none below `MIN_COLUMN` unless already
/// narrower) until the row fits in `max`.
fn shrink(widths: &mut [usize], max: usize) {
    for i in (0..widths.len()).rev() {
        let over = row_width(widths).saturating_sub(max);
        if over == 0 {
            return;
        }
        let floor = MIN_COLUMN.min(widths[i]);
        widths[i] -= over.min(widths[i] - floor);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows_of<'a>(items: &'a [Value], view: &View) -> Vec<Row<'a>> {
        items.iter().map(|i| Row::of_value(i, view)).collect()
    }
    use serde_json::json;

    #[test]
    fn size_and_bool_fields_are_readable_only_where_the_view_says() {
        let view =
            View::new(&["media_length"]).sizes(&["media_length"]).bools(&["safe_from_quarantine"]);
        let rows = [
            json!({"media_length": 1234, "safe_from_quarantine": 1, "other": 1234}),
            json!({"media_length": null, "safe_from_quarantine": false, "other": 0}),
        ];
        let text = document(&json!(rows), &view, None);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "media_length  safe_from_quarantine  other");
        assert_eq!(lines[2], "1.2 KiB       true                  1234");
        assert_eq!(lines[3], "              false                 0");
        let block = document(&json!({"safe_from_quarantine": 0, "other": 1}), &view, None);
        assert_eq!(block, "safe_from_quarantine  false\nother                 1\n");
    }

    #[test]
    fn object_is_an_aligned_key_value_block() {
        let text = document(
            &json!({"name": "@a:x", "admin": true, "displayname": null}),
            &View::PLAIN,
            None,
        );
        assert_eq!(text, "name         @a:x\nadmin        true\ndisplayname\n");
    }

    #[test]
    fn times_are_readable_only_for_the_views_time_fields() {
        let v = json!({"last_seen_ts": 1_700_000_000_000_i64, "other_ts": 1_700_000_000_000_i64});
        let view = View::PLAIN.times(&["last_seen_ts"]);
        let text = document(&v, &view, None);
        assert!(text.contains("last_seen_ts  2023-11-"), "{text}");
        assert!(text.contains("other_ts      1700000000000"), "{text}");
        let raw = document(&v, &view.raw_times(true), None);
        assert!(raw.contains("last_seen_ts  1700000000000"), "{raw}");
    }

    #[test]
    fn table_puts_preferred_columns_first_and_drops_empty_ones() {
        let rows = [
            json!({"b": 1, "name": "@x:y", "empty": null}),
            json!({"b": 22, "name": "@longer:y", "empty": ""}),
        ];
        let view = View::new(&["name"]);
        let mut table = Table::new(&rows_of(&rows, &view), &view, None);
        assert_eq!(
            table.rows(&rows_of(&rows, &view)),
            "name       b\n---------  --\n@x:y       1\n@longer:y  22\n"
        );
    }

    #[test]
    fn control_characters_from_data_never_reach_the_terminal() {
        let evil = "Mallory\u{1b}[31m\nroot\r\t\u{7f}\u{9b}x";
        let rows = [json!({"displayname": evil, "name": "@m:x"})];
        let text = document(&json!(rows), &View::new(&["name"]), None);
        assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text:?}");
        assert_eq!(text.lines().count(), 3, "{text:?}");
        assert!(text.contains("Mallory\\e[31m\\nroot\\r\\t\\x7f\\x9bx"), "{text:?}");
        let block = document(&json!({"displayname": evil}), &View::PLAIN, None);
        assert_eq!(block, "displayname  Mallory\\e[31m\\nroot\\r\\t\\x7f\\x9bx\n");
    }

    #[test]
    fn wide_characters_align_by_display_width() {
        let rows = [json!({"name": "漢字", "n": 1}), json!({"name": "abcd", "n": 2})];
        let text = document(&json!(rows), &View::new(&["name"]), None);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[2], "漢字  1");
        assert_eq!(lines[3], "abcd  2");
    }

    #[test]
    fn tables_fit_the_width_by_cutting_the_last_columns() {
        let rows = [json!({"id": "@someone:example.org", "note": "x".repeat(60)})];
        let view = View::new(&["id", "note"]);
        let fit = Fit { width: 40, note: None };
        let mut table = Table::new(&rows_of(&rows, &view), &view, Some(fit));
        let text = table.rows(&rows_of(&rows, &view));
        for line in text.lines() {
            assert!(width(line) <= 40, "{line:?}");
        }
        assert!(text.contains("@someone:example.org  xxxx"), "{text}");
        assert!(text.lines().nth(2).unwrap().ends_with('…'), "{text}");
    }

    #[test]
    fn later_wider_values_are_cut_to_the_first_pages_widths() {
        let view = View::new(&["id", "n"]);
        let first = [json!({"id": "short", "n": 1})];
        let mut table = Table::new(&rows_of(&first, &view), &view, None);
        table.rows(&rows_of(&first, &view));
        let later = table.rows(&rows_of(&[json!({"id": "a-much-longer-id", "n": 2})], &view));
        assert_eq!(later, "a-mu…  2\n");
    }

    #[test]
    fn nested_lists_of_objects_get_one_line_each() {
        let v = json!({"name": "@a:x", "threepids": [
            {"medium": "email", "address": "a@x", "added_at": 1_700_000_000_000_i64},
            {"medium": "msisdn", "address": "123", "added_at": null}
        ]});
        let text = document(&v, &View::PLAIN.times(&["added_at"]), None);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "name       @a:x");
        assert!(
            lines[1].starts_with("threepids  medium=email address=a@x added_at=2023-11-"),
            "{text}"
        );
        assert_eq!(lines[2], "           medium=msisdn address=123");
    }

    #[test]
    fn fitting_shrinks_the_last_columns_first_and_never_below_six() {
        let fitted = |widths: &[usize], max| {
            let mut widths = widths.to_vec();
            shrink(&mut widths, max);
            widths
        };
        // 40 characters plus three gaps of two is 46: six too many, taken from the back.
        assert_eq!(fitted(&[10, 10, 10, 10], 40), [10, 10, 8, 6]);
        assert_eq!(fitted(&[10, 10, 10, 10], 46), [10, 10, 10, 10]);
        // What cannot fit stops at the floor; a column narrower than it keeps its width.
        assert_eq!(fitted(&[10, 10], 10), [6, 6]);
        assert_eq!(fitted(&[3, 20], 10), [3, 6]);
    }

    #[test]
    fn a_list_of_plain_values_in_a_block_is_one_line() {
        let text =
            document(&json!({"aliases": ["#a:x", "#b:x"], "room_id": "!r:x"}), &View::PLAIN, None);
        assert_eq!(text, "aliases  #a:x, #b:x\nroom_id  !r:x\n");
    }

    static NOTES: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

    fn note(message: &str) {
        NOTES.lock().unwrap().push(message.to_string());
    }

    #[test]
    fn columns_that_cannot_fit_at_six_are_left_out_last_first_with_a_note() {
        let rows =
            [json!({"a": "x".repeat(10), "b": "x".repeat(10), "c\u{1b}": "x".repeat(10), "d": 1})];
        let view = View::new(&["a", "b"]);
        let fit = |width| Some(Fit { width, note: Some(note) });
        // The first column whole, the next at its floor of six, and a gap: 18; a third: 26.
        let text = Table::new(&rows_of(&rows, &view), &view, fit(20)).rows(&rows_of(&rows, &view));
        assert_eq!(text, "a           b\n----------  --------\nxxxxxxxxxx  xxxxxxx…\n");
        let text = Table::new(&rows_of(&rows, &view), &view, fit(26)).rows(&rows_of(&rows, &view));
        assert_eq!(text.lines().next(), Some("a           b       c\\e"));
        // One column always stays, however narrow the terminal.
        let text = Table::new(&rows_of(&rows, &view), &view, fit(3)).rows(&rows_of(&rows, &view));
        assert_eq!(text.lines().next(), Some("a"));
        let notes = NOTES.lock().unwrap().clone();
        let expected = [
            "2 columns left out to fit the terminal's 20 columns: c\\e, d (-o json shows everything)",
            "1 column left out to fit the terminal's 26 columns: d (-o json shows everything)",
            "3 columns left out to fit the terminal's 3 columns: b, c\\e, d (-o json shows everything)",
        ];
        assert_eq!(notes, expected);
    }
}
