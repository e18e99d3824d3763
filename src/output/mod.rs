//! Rendering data in synadm's five formats, onto a writer the caller gives. This module
//! never touches the process's streams itself: a reader that went away (`synadm … | head`)
//! comes back as [`Error::OutputClosed`], any other write failure as [`Error::Io`].

mod cell;
mod csv;
mod human;
mod pprint;
mod row;
mod view;

pub use cell::{human_size, sanitize};
pub use csv::record as csv_record;
pub use view::View;

use crate::Error;
use row::Row;
use serde_json::Value;
use std::io::{self, Write};

/// An output format (`-o`), with synadm's one-letter aliases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Json,
    Minified,
    Human,
    Pprint,
    Csv,
    Tsv,
    Jsonl,
}

impl Format {
    /// Every format with its name and synadm's one-letter alias, in synadm's order.
    pub const ALL: [(Format, &'static str, &'static str); 8] = [
        (Format::Yaml, "yaml", "y"),
        (Format::Json, "json", "j"),
        (Format::Minified, "minified", "m"),
        (Format::Human, "human", "h"),
        (Format::Pprint, "pprint", "p"),
        (Format::Csv, "csv", "c"),
        (Format::Tsv, "tsv", "t"),
        (Format::Jsonl, "jsonl", "l"),
    ];

    /// The delimiter of a table format (csv, tsv).
    fn delimiter(self) -> Option<u8> {
        match self {
            Format::Csv => Some(b','),
            Format::Tsv => Some(b'\t'),
            _ => None,
        }
    }

    /// The name, as the config file and `-o` write it.
    pub fn name(self) -> &'static str {
        Format::ALL.iter().find(|(f, ..)| *f == self).map_or("yaml", |(_, name, _)| name)
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A name or alias, in any case (`JSON`, `j`).
impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Format::ALL
            .iter()
            .find(|(_, name, alias)| s.eq_ignore_ascii_case(name) || s.eq_ignore_ascii_case(alias))
            .map(|(format, ..)| *format)
            .ok_or_else(|| {
                format!(
                    "unknown output format {s:?}; use yaml, json, minified, human, pprint, csv, \
                     tsv or jsonl"
                )
            })
    }
}

/// Where and how documents are written: the format, and for `human` the terminal width
/// (`None` when stdout is not a terminal: nothing is cut).
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub format: Format,
    pub width: Option<usize>,
    /// Where a human table says which columns did not fit `width` (the CLI: stderr).
    pub note: Option<fn(&str)>,
}

impl Style {
    fn fit(&self) -> Option<human::Fit> {
        let (width, note) = (self.width?, self.note);
        Some(human::Fit { width, note })
    }
}

/// Writes `text`, telling a closed reader apart from other failures.
pub(crate) fn write_text(out: &mut impl Write, text: &str) -> Result<(), Error> {
    out.write_all(text.as_bytes()).and_then(|_| out.flush()).map_err(write_error)
}

fn json_pretty(value: &Value) -> String {
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    // Serialising a Value into memory cannot fail, and serde_json writes UTF-8.
    let _ = serde::Serialize::serialize(value, &mut ser);
    String::from_utf8_lossy(&buf).into_owned()
}

fn yaml(value: &Value) -> String {
    serde_yaml::to_string(value).unwrap_or_else(|e| format!("# cannot render as YAML: {e}\n"))
}

/// One document as text.
pub fn render(style: Style, value: &Value, view: &View) -> String {
    // Human output dates its times itself, after the view's reshape has seen them raw.
    let dated = (style.format != Format::Human).then(|| view.dated(value)).flatten();
    let value = dated.as_ref().unwrap_or(value);
    match style.format {
        Format::Json => json_pretty(value) + "\n",
        Format::Minified => value.to_string() + "\n",
        // A list as a line per item; anything else as one line.
        Format::Jsonl => match value {
            Value::Array(items) => items.iter().map(|i| i.to_string() + "\n").collect(),
            other => other.to_string() + "\n",
        },
        Format::Yaml => yaml(value),
        Format::Pprint => pprint::render(value) + "\n",
        Format::Csv | Format::Tsv => {
            csv::document(value, view, style.format.delimiter().unwrap_or(b','))
        }
        Format::Human => {
            let shaped = view.reshape.map(|f| f(value));
            human::document(shaped.as_ref().unwrap_or(value), view, style.fit())
        }
    }
}

/// Writes a JSON document straight from its bytes in `format`, with no tree in between: the
/// keys stay in the server's order, and a big list costs no more than its bytes. Only the
/// formats that need nothing but the document itself can (json, minified, yaml); for the
/// others this returns `Ok(false)` and writes nothing. `body` must be valid JSON (a reply
/// that decoded, or one checked without building it).
pub fn print_body(out: &mut impl Write, format: Format, body: &[u8]) -> Result<bool, Error> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let text = match format {
        Format::Json => {
            let mut out = io::BufWriter::with_capacity(1 << 16, out);
            let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
            let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
            serde_transcode::transcode(&mut de, &mut ser).map_err(json_write_error)?;
            out.write_all(b"\n").map_err(write_error)?;
            out.flush().map_err(write_error)?;
            return Ok(true);
        }
        Format::Minified => {
            let mut out = io::BufWriter::with_capacity(1 << 16, out);
            let mut ser = serde_json::Serializer::new(&mut out);
            serde_transcode::transcode(&mut de, &mut ser).map_err(json_write_error)?;
            out.write_all(b"\n").map_err(write_error)?;
            out.flush().map_err(write_error)?;
            return Ok(true);
        }
        Format::Yaml => {
            let mut text = Vec::with_capacity(body.len() * 2);
            let mut ser = serde_yaml::Serializer::new(&mut text);
            serde_transcode::transcode(&mut de, &mut ser)
                .map_err(|e| Error::Io(format!("cannot render as YAML: {e}")))?;
            text
        }
        Format::Human | Format::Pprint | Format::Csv | Format::Tsv | Format::Jsonl => {
            return Ok(false);
        }
    };
    write_text(out, &String::from_utf8_lossy(&text))?;
    Ok(true)
}

fn write_error(e: io::Error) -> Error {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Error::OutputClosed
    } else {
        Error::Io(format!("cannot write the output: {e}"))
    }
}

/// A failure of serialising onto the writer: the writer's own error, or (never for a body
/// that decoded) the document's.
fn json_write_error(e: serde_json::Error) -> Error {
    if e.is_io() {
        write_error(io::Error::from(e))
    } else {
        Error::Io(format!("cannot render the reply: {e}"))
    }
}

/// Writes one document.
pub fn print(out: &mut impl Write, style: Style, value: &Value, view: &View) -> Result<(), Error> {
    write_text(out, &render(style, value, view))
}

/// Writes a list page by page, as one document, holding only the current page.
pub struct ListWriter<W: Write> {
    out: W,
    style: Style,
    view: View,
    count: usize,
    table: Option<human::Table>,
    /// The field names of the typed rows written so far.
    keys: row::Keys,
    /// CSV and TSV: the table, laid out from the first page.
    csv: Option<csv::Table>,
}

impl<W: Write> ListWriter<W> {
    pub fn new(out: W, style: Style, view: View) -> Self {
        ListWriter {
            out,
            style,
            view,
            count: 0,
            table: None,
            keys: row::Keys::default(),
            csv: None,
        }
    }

    pub fn page(&mut self, items: &[Value]) -> Result<(), Error> {
        if let Some(delimiter) = self.style.format.delimiter() {
            return self.csv_page(items, delimiter);
        }
        // (No copy unless the view dates its times: the first `None` ends the collect.
        // Human output dates them itself.)
        let dated: Option<Vec<Value>> = match self.style.format {
            Format::Human => None,
            _ => items.iter().map(|i| self.view.dated(i)).collect(),
        };
        let items = dated.as_deref().unwrap_or(items);
        let mut text = String::new();
        for item in items {
            let first = self.count == 0;
            self.count += 1;
            match self.style.format {
                Format::Json => {
                    text.push_str(if first { "[\n" } else { ",\n" });
                    let body = json_pretty(item);
                    let indented: Vec<String> = body.lines().map(|l| format!("    {l}")).collect();
                    text.push_str(&indented.join("\n"));
                }
                Format::Minified => {
                    text.push(if first { '[' } else { ',' });
                    text.push_str(&item.to_string());
                }
                Format::Jsonl => {
                    text.push_str(&item.to_string());
                    text.push('\n');
                }
                Format::Yaml => text.push_str(&yaml(&Value::Array(vec![item.clone()]))),
                Format::Pprint => {
                    text.push_str(if first { "[" } else { ",\n " });
                    text.push_str(&pprint::render_at(item, 1));
                }
                // (Tables: below, and in `csv_page`.)
                Format::Human | Format::Csv | Format::Tsv => {}
            }
        }
        if self.style.format == Format::Human && !items.is_empty() {
            // The view's reshape sees each page as a list, as it sees the one page of a
            // list printed without streaming.
            let shaped = self.view.reshape.map(|f| f(&Value::Array(items.to_vec())));
            let items = match &shaped {
                Some(Value::Array(rows)) => rows.as_slice(),
                _ => items,
            };
            let rows: Vec<Row> = items.iter().map(|i| Row::of_value(i, &self.view)).collect();
            text = self.table_rows(&rows);
        }
        write_text(&mut self.out, &text)
    }

    /// CSV and TSV rows of `items` (reshaped as for human tables), after the header when
    /// they are the first.
    fn csv_page(&mut self, items: &[Value], delimiter: u8) -> Result<(), Error> {
        let dated: Option<Vec<Value>> = items.iter().map(|i| self.view.dated(i)).collect();
        let items = dated.as_deref().unwrap_or(items);
        let shaped = self.view.reshape.map(|f| f(&Value::Array(items.to_vec())));
        let rows: Vec<&Value> = match &shaped {
            Some(Value::Array(rows)) => rows.iter().collect(),
            _ => items.iter().collect(),
        };
        let mut text = String::new();
        if self.csv.is_none() {
            let table = csv::Table::new(csv::columns(&self.view, rows.first().copied()), delimiter);
            text.push_str(&table.header());
            self.csv = Some(table);
        }
        if let Some(table) = &self.csv {
            text.push_str(&table.rows(&rows));
        }
        self.count += rows.len();
        write_text(&mut self.out, &text)
    }

    /// The table's text for `rows`, the table laid out from the first page it is given.
    fn table_rows(&mut self, rows: &[Row]) -> String {
        let (view, fit) = (&self.view, self.style.fit());
        self.table.get_or_insert_with(|| human::Table::new(rows, view, fit)).rows(rows)
    }

    /// Writes a page of items straight from their types, with no tree in between, when the
    /// format allows it (json and minified with a view that leaves the data as it is, and
    /// human tables of items that are structs, with a view that does not reshape them):
    /// the same text as [`ListWriter::page`] would write for their trees. Returns `Ok(false)`,
    /// having written nothing, when the items need [`ListWriter::page`].
    pub fn page_typed<T: serde::Serialize>(&mut self, items: &[T]) -> Result<bool, Error> {
        if self.style.format.delimiter().is_some() {
            return Ok(false);
        }
        let dates = self.view.dates_everywhere && !self.view.raw_times;
        if self.style.format == Format::Human && self.view.reshape.is_none() {
            let rows: Option<Vec<Row>> =
                items.iter().map(|i| Row::of_typed(i, &self.view, &mut self.keys)).collect();
            let Some(rows) = rows else {
                return Ok(false);
            };
            if !rows.is_empty() {
                let text = self.table_rows(&rows);
                write_text(&mut self.out, &text)?;
            }
            return Ok(true);
        }
        let (open, next) = match self.style.format {
            Format::Json if !dates => ("[\n", ",\n"),
            Format::Minified if !dates => ("[", ","),
            _ => return Ok(false),
        };
        if items.is_empty() {
            return Ok(true);
        }
        // The page as one array, without its brackets: `[\n    {…},\n    {…}\n]` in JSON
        // is exactly the items as `page` indents them.
        let mut text = Vec::with_capacity(512 * items.len());
        text.extend_from_slice(if self.count == 0 { open } else { next }.as_bytes());
        let start = text.len();
        let written = if self.style.format == Format::Json {
            let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
            serde::Serialize::serialize(
                items,
                &mut serde_json::Serializer::with_formatter(&mut text, fmt),
            )
        } else {
            serde_json::to_writer(&mut text, items)
        };
        written.map_err(|e| Error::Io(format!("cannot render the list: {e}")))?;
        let (lead, trail) = if self.style.format == Format::Json { (2, 2) } else { (1, 1) };
        text.drain(start..start + lead);
        text.truncate(text.len() - trail);
        self.count += items.len();
        write_text(&mut self.out, &String::from_utf8_lossy(&text))?;
        Ok(true)
    }

    pub fn finish(mut self) -> Result<(), Error> {
        if let (Some(delimiter), None) = (self.style.format.delimiter(), &self.csv) {
            // An empty list: the header alone, when the view names the columns.
            let table = csv::Table::new(csv::columns(&self.view, None), delimiter);
            let header = table.header();
            return write_text(&mut self.out, if header.trim().is_empty() { "" } else { &header });
        }
        let text = match (self.style.format, self.count) {
            (Format::Json, 0) => "[]\n",
            (Format::Json, _) => "\n]\n",
            (Format::Minified, 0) => "[]\n",
            (Format::Minified, _) => "]\n",
            (Format::Yaml, 0) => "[]\n",
            (Format::Pprint, 0) => "[]\n",
            (Format::Pprint, _) => "]\n",
            _ => "",
        };
        write_text(&mut self.out, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn one_letter_aliases_parse() {
        for (s, f) in [
            ("y", Format::Yaml),
            ("j", Format::Json),
            ("m", Format::Minified),
            ("h", Format::Human),
            ("p", Format::Pprint),
            ("JSON", Format::Json),
        ] {
            assert_eq!(s.parse::<Format>().unwrap(), f);
        }
        assert!("xml".parse::<Format>().is_err());
    }

    fn style(format: Format) -> Style {
        Style { format, width: None, note: None }
    }

    #[test]
    fn jsonl_is_a_line_per_item_streamed_and_one_line_for_a_document() {
        let mut buf = Vec::new();
        let mut w = ListWriter::new(&mut buf, style(Format::Jsonl), View::PLAIN);
        w.page(&[json!({"a": 1}), json!("two")]).unwrap();
        w.page(&[]).unwrap();
        w.page(&[json!([3])]).unwrap();
        w.finish().unwrap();
        assert_eq!(String::from_utf8(buf).unwrap(), "{\"a\":1}\n\"two\"\n[3]\n");
        let list = render(style(Format::Jsonl), &json!([{"a": 1}, {"b": 2}]), &View::PLAIN);
        assert_eq!(list, "{\"a\":1}\n{\"b\":2}\n");
        let doc = render(style(Format::Jsonl), &json!({"a": [1, 2]}), &View::PLAIN);
        assert_eq!(doc, "{\"a\":[1,2]}\n");
        assert_eq!("l".parse::<Format>(), Ok(Format::Jsonl));
    }

    #[test]
    fn reshape_applies_to_human_output_only() {
        let view = View::PLAIN.reshape(|v| v["items"].clone());
        let doc = json!({"items": ["a", "b"], "total": 2});
        assert_eq!(render(style(Format::Human), &doc, &view), "a\nb\n");
        assert_eq!(
            render(style(Format::Minified), &doc, &view),
            "{\"items\":[\"a\",\"b\"],\"total\":2}\n"
        );
    }

    #[test]
    fn streamed_lists_are_one_document_in_every_format() {
        let pages = [vec![json!({"a": 1})], vec![json!({"a": 2}), json!({"a": 3})]];
        for format in [Format::Json, Format::Minified, Format::Yaml] {
            let mut buf = Vec::new();
            let mut w = ListWriter::new(&mut buf, style(format), View::PLAIN);
            for p in &pages {
                w.page(p).unwrap();
            }
            w.finish().unwrap();
            let text = String::from_utf8(buf).unwrap();
            let parsed: Value = serde_yaml::from_str(&text).unwrap();
            assert_eq!(parsed, json!([{"a": 1}, {"a": 2}, {"a": 3}]), "{format:?}");
        }
    }

    #[test]
    fn streamed_human_lists_are_reshaped_page_by_page() {
        let view = View::new(&["x"]).reshape(|v| {
            Value::Array(
                v.as_array()
                    .into_iter()
                    .flatten()
                    .map(|i| json!({"x": i["a"].as_i64().unwrap_or(0) * 10}))
                    .collect(),
            )
        });
        let mut buf = Vec::new();
        let mut w = ListWriter::new(&mut buf, style(Format::Human), view);
        w.page(&[json!({"a": 1, "hidden": true})]).unwrap();
        w.page(&[json!({"a": 2, "hidden": true})]).unwrap();
        w.finish().unwrap();
        assert_eq!(String::from_utf8(buf).unwrap(), "x\n--\n10\n20\n");
    }

    struct Closed;
    impl Write for Closed {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    struct Full;
    impl Write for Full {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from_raw_os_error(28))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_gone_reader_and_a_full_disk_are_told_apart() {
        assert!(matches!(write_text(&mut Closed, "x"), Err(Error::OutputClosed)));
        assert!(matches!(write_text(&mut Full, "x"), Err(Error::Io(_))));
    }

    #[test]
    fn a_streamed_list_is_the_same_text_as_the_whole_list_rendered_at_once() {
        let items = [json!({"a": 1, "b": "x"}), json!({"a": 2, "b": "y"}), json!({"a": 3})];
        for format in [Format::Json, Format::Minified, Format::Yaml, Format::Human] {
            for pages in [&[][..], &[&items[..1], &items[1..]][..], &[&items[..0]][..]] {
                let all: Vec<Value> = pages.iter().flat_map(|p| p.to_vec()).collect();
                let mut buf = Vec::new();
                let mut w = ListWriter::new(&mut buf, style(format), View::PLAIN);
                for page in pages {
                    w.page(page).unwrap();
                }
                w.finish().unwrap();
                let whole = render(style(format), &Value::Array(all.clone()), &View::PLAIN);
                assert_eq!(
                    String::from_utf8(buf).unwrap(),
                    whole,
                    "{format:?}, {} items",
                    all.len()
                );
            }
        }
        // The texts an empty list is, pinned apart from `render`.
        let empty = |format| {
            let mut buf = Vec::new();
            ListWriter::new(&mut buf, style(format), View::PLAIN).finish().unwrap();
            String::from_utf8(buf).unwrap()
        };
        for format in [Format::Json, Format::Minified, Format::Yaml, Format::Pprint] {
            assert_eq!(empty(format), "[]\n", "{format:?}");
        }
        assert_eq!(empty(Format::Human), "");
        // pprint streams one item per line, as Python's pprint does once a list is wider
        // than its 80 columns (which whole lists of users or rooms always are).
        let mut buf = Vec::new();
        let mut w = ListWriter::new(&mut buf, style(Format::Pprint), View::PLAIN);
        w.page(&items[..1]).unwrap();
        w.page(&items[1..]).unwrap();
        w.finish().unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "[{'a': 1, 'b': 'x'},\n {'a': 2, 'b': 'y'},\n {'a': 3}]\n"
        );
    }

    #[test]
    fn print_writes_the_rendered_document() {
        let mut buf = Vec::new();
        print(&mut buf, style(Format::Minified), &json!({"a": [1, 2]}), &View::PLAIN).unwrap();
        assert_eq!(String::from_utf8(buf).unwrap(), "{\"a\":[1,2]}\n");
    }

    #[test]
    fn formats_parse_by_name_or_alias_in_any_case_and_print_their_name() {
        for (format, name, alias) in Format::ALL {
            assert_eq!(name.parse::<Format>(), Ok(format));
            assert_eq!(name.to_uppercase().parse::<Format>(), Ok(format));
            assert_eq!(alias.parse::<Format>(), Ok(format));
            assert_eq!(alias.to_uppercase().parse::<Format>(), Ok(format));
            assert_eq!(format.to_string(), name);
        }
        assert!("xml".parse::<Format>().unwrap_err().contains("unknown output format"));
        assert!("".parse::<Format>().is_err());
    }

    #[test]
    fn a_view_can_date_its_times_in_every_format_unless_raw() {
        let view = View::new(&[]).times(&["ts"]).dates_everywhere();
        let data = serde_json::json!({"items": [{"ts": 1_700_000_000_000_i64, "n": 5},
                                               {"ts": null, "other": 1_700_000_000_000_i64}]});
        let date = crate::time::humanize(1_700_000_000_000).unwrap();
        assert_eq!(
            view.dated(&data),
            Some(serde_json::json!({"items": [{"ts": date, "n": 5},
                                              {"ts": null, "other": 1_700_000_000_000_i64}]}))
        );
        assert_eq!(view.raw_times(true).dated(&data), None);
        assert_eq!(View::new(&[]).times(&["ts"]).dated(&data), None);
        // JSON carries the date; human output still sees the raw value (its own dates).
        let json =
            render(Style { format: Format::Minified, width: None, note: None }, &data, &view);
        assert!(json.contains(&format!("\"ts\":\"{date}\"")), "{json}");
        let mut buf = Vec::new();
        let style = Style { format: Format::Minified, width: None, note: None };
        let mut out = ListWriter::new(&mut buf, style, view);
        out.page(&[serde_json::json!({"ts": 1_700_000_000_000_i64})]).unwrap();
        out.finish().unwrap();
        assert_eq!(String::from_utf8(buf).unwrap(), format!("[{{\"ts\":\"{date}\"}}]\n"));
    }

    #[test]
    fn typed_pages_write_what_their_trees_would() {
        #[derive(serde::Serialize)]
        struct Item {
            name: String,
            n: f64,
            tags: Vec<u8>,
        }
        let item =
            |i: u8| Item { name: format!("u{i}\n\"x\""), n: f64::from(i) + 0.5, tags: vec![i, 2] };
        let pages: [Vec<Item>; 3] = [vec![item(1), item(2)], vec![], vec![item(3)]];
        for format in [Format::Json, Format::Minified] {
            let style = Style { format, width: None, note: None };
            let (mut typed, mut trees) = (Vec::new(), Vec::new());
            let mut a = ListWriter::new(&mut typed, style, View::PLAIN);
            let mut b = ListWriter::new(&mut trees, style, View::PLAIN);
            for page in &pages {
                assert!(a.page_typed(page).unwrap());
                let values: Vec<Value> =
                    page.iter().map(|i| serde_json::to_value(i).unwrap()).collect();
                b.page(&values).unwrap();
            }
            a.finish().unwrap();
            b.finish().unwrap();
            assert_eq!(String::from_utf8(typed).unwrap(), String::from_utf8(trees).unwrap());
        }
        // The formats and views that need the tree say so and write nothing.
        let mut out = Vec::new();
        let yaml = Style { format: Format::Yaml, width: None, note: None };
        assert!(!ListWriter::new(&mut out, yaml, View::PLAIN).page_typed(&pages[0]).unwrap());
        let json = Style { format: Format::Json, width: None, note: None };
        let dated = View::new(&[]).times(&["n"]).dates_everywhere();
        assert!(!ListWriter::new(&mut out, json, dated).page_typed(&pages[0]).unwrap());
        let minified = Style { format: Format::Minified, width: None, note: None };
        assert!(!ListWriter::new(&mut out, minified, dated).page_typed(&pages[0]).unwrap());
        assert!(
            ListWriter::new(&mut out, json, dated.raw_times(true)).page_typed(&pages[0]).unwrap()
        );
        assert!(out.starts_with(b"[\n    {\n        \"name\""));
    }

    #[test]
    fn a_body_prints_as_it_came_in_the_formats_that_need_no_tree() {
        let body = br#"{"z":1,"a":[true,null,"x\u00e9"],"m":{"k":2.5}}"#;
        let printed = |format| {
            let mut out = Vec::new();
            let done = print_body(&mut out, format, body).unwrap();
            (done, String::from_utf8(out).unwrap())
        };
        assert_eq!(
            printed(Format::Minified),
            (true, "{\"z\":1,\"a\":[true,null,\"xé\"],\"m\":{\"k\":2.5}}\n".to_string())
        );
        assert_eq!(
            printed(Format::Json),
            (
                true,
                "{\n    \"z\": 1,\n    \"a\": [\n        true,\n        null,\n        \"xé\"\n    ],\n    \
                 \"m\": {\n        \"k\": 2.5\n    }\n}\n"
                    .to_string()
            )
        );
        assert_eq!(
            printed(Format::Yaml),
            (true, "z: 1\na:\n- true\n- null\n- xé\nm:\n  k: 2.5\n".to_string())
        );
        // The same text as from the tree (but in the server's key order).
        let tree: Value = serde_json::from_slice(body).unwrap();
        let style = |format| Style { format, width: None, note: None };
        assert_eq!(printed(Format::Json).1, render(style(Format::Json), &tree, &View::PLAIN));
        assert_eq!(printed(Format::Human), (false, String::new()));
        assert_eq!(printed(Format::Pprint), (false, String::new()));
    }

    #[test]
    fn a_closed_reader_while_printing_a_body_is_output_closed() {
        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> io::Result<()> {
                Err(io::ErrorKind::BrokenPipe.into())
            }
        }
        for format in [Format::Json, Format::Minified, Format::Yaml] {
            let e = print_body(&mut Closed, format, b"[1]").unwrap_err();
            assert!(matches!(e, Error::OutputClosed), "{format}: {e:?}");
        }
    }
}
