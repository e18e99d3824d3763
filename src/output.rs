//! Rendering data on stdout in synadm's five formats. Everything here writes data only;
//! messages go to stderr elsewhere. A closed stdout (`synadm … | head`) ends the process
//! quietly with status 0 instead of failing.

use crate::Error;
use serde_json::Value;
use std::io::{self, Write};

/// An output format (`-o`), with synadm's one-letter aliases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    #[value(alias = "y")]
    Yaml,
    #[value(alias = "j")]
    Json,
    #[value(alias = "m")]
    Minified,
    #[value(alias = "h")]
    Human,
    #[value(alias = "p")]
    Pprint,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        <Format as clap::ValueEnum>::from_str(s, true).map_err(|_| {
            format!("unknown output format {s:?}; use yaml, json, minified, human or pprint")
        })
    }
}

/// How the human format should lay out one command's data.
#[derive(Debug, Clone, Copy, Default)]
pub struct View {
    /// Table columns to show first, in this order; other fields follow.
    pub columns: &'static [&'static str],
    /// Show timestamps as local date and time (human format only).
    pub humanize_times: bool,
}

impl View {
    pub const PLAIN: View = View {
        columns: &[],
        humanize_times: true,
    };
}

/// Keys whose integer values are points in time.
fn is_time_key(key: &str) -> bool {
    key.ends_with("_ts")
        || matches!(
            key,
            "expiry_time" | "last_seen" | "validated_at" | "added_at" | "valid_until_ms"
        )
}

/// Writes to stdout; a broken pipe means the reader is gone, so stop quietly.
fn emit(text: &str) -> Result<(), Error> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => Err(Error::Io(format!("cannot write output: {e}"))),
    }
}

fn json_pretty(value: &Value) -> String {
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    serde::Serialize::serialize(value, &mut ser).expect("JSON values always serialize");
    String::from_utf8(buf).expect("serde_json writes UTF-8")
}

fn yaml(value: &Value) -> String {
    serde_yaml::to_string(value).expect("JSON values always serialize as YAML")
}

/// Prints one document.
pub fn print(format: Format, value: &Value, view: &View) -> Result<(), Error> {
    let text = match format {
        Format::Json => json_pretty(value) + "\n",
        Format::Minified => value.to_string() + "\n",
        Format::Yaml => yaml(value),
        Format::Pprint => pprint::render(value) + "\n",
        Format::Human => human::document(value, view),
    };
    emit(&text)
}

/// Prints a list page by page, as one document, holding only the current page.
pub struct ListWriter {
    format: Format,
    view: View,
    count: usize,
    table: Option<human::Table>,
}

impl ListWriter {
    pub fn new(format: Format, view: View) -> Self {
        ListWriter {
            format,
            view,
            count: 0,
            table: None,
        }
    }

    pub fn page(&mut self, items: &[Value]) -> Result<(), Error> {
        let mut text = String::new();
        for item in items {
            let first = self.count == 0;
            self.count += 1;
            match self.format {
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
                Format::Yaml => text.push_str(&yaml(&Value::Array(vec![item.clone()]))),
                Format::Pprint => {
                    text.push_str(if first { "[" } else { ",\n " });
                    text.push_str(&pprint::render_at(item, 1));
                }
                Format::Human => {}
            }
        }
        if self.format == Format::Human && !items.is_empty() {
            let table = self
                .table
                .get_or_insert_with(|| human::Table::new(items, &self.view));
            text = table.rows(items, &self.view);
        }
        emit(&text)
    }

    pub fn finish(self) -> Result<(), Error> {
        let text = match (self.format, self.count) {
            (Format::Json, 0) => "[]\n",
            (Format::Json, _) => "\n]\n",
            (Format::Minified, 0) => "[]\n",
            (Format::Minified, _) => "]\n",
            (Format::Yaml, 0) => "[]\n",
            (Format::Pprint, 0) => "[]\n",
            (Format::Pprint, _) => "]\n",
            _ => "",
        };
        emit(text)
    }
}

/// The `human` format: key/value blocks for objects, aligned tables for lists.
mod human {
    use super::{View, is_time_key};
    use serde_json::Value;

    fn cell(key: &str, value: &Value, view: &View) -> String {
        match value {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            Value::Number(n) if view.humanize_times && is_time_key(key) => n
                .as_i64()
                .and_then(crate::time::humanize)
                .unwrap_or_else(|| n.to_string()),
            Value::Array(items) if items.iter().all(|v| !v.is_object() && !v.is_array()) => items
                .iter()
                .map(|v| cell(key, v, view))
                .collect::<Vec<_>>()
                .join(", "),
            other => other.to_string(),
        }
    }

    fn width(s: &str) -> usize {
        s.chars().count()
    }

    pub fn document(value: &Value, view: &View) -> String {
        match value {
            Value::Object(map) => {
                let key_width = map.keys().map(|k| width(k)).max().unwrap_or(0);
                let mut out = String::new();
                let preferred = view.columns.iter().filter_map(|c| map.get_key_value(*c));
                let rest = map
                    .iter()
                    .filter(|(k, _)| !view.columns.contains(&k.as_str()));
                for (k, v) in preferred.chain(rest) {
                    let pad = key_width - width(k);
                    let line = format!("{k}{}  {}", " ".repeat(pad), cell(k, v, view));
                    out.push_str(line.trim_end());
                    out.push('\n');
                }
                out
            }
            Value::Array(items) if items.iter().all(Value::is_object) && !items.is_empty() => {
                let mut table = Table::new(items, view);
                table.rows(items, view)
            }
            Value::Array(items) => items.iter().map(|v| cell("", v, view) + "\n").collect(),
            other => cell("", other, view) + "\n",
        }
    }

    /// A table whose header and widths come from the first page it sees.
    pub struct Table {
        columns: Vec<String>,
        widths: Vec<usize>,
        header_done: bool,
    }

    impl Table {
        pub fn new(first_page: &[Value], view: &View) -> Table {
            let mut columns: Vec<String> = Vec::new();
            let present = |c: &str| first_page.iter().any(|i| i.get(c).is_some());
            for c in view.columns.iter().filter(|c| present(c)) {
                columns.push(c.to_string());
            }
            for item in first_page {
                if let Value::Object(map) = item {
                    for k in map.keys() {
                        if !columns.contains(k) {
                            columns.push(k.clone());
                        }
                    }
                }
            }
            let widths = columns.iter().map(|c| width(c)).collect();
            Table {
                columns,
                widths,
                header_done: false,
            }
        }

        pub fn rows(&mut self, items: &[Value], view: &View) -> String {
            let cells: Vec<Vec<String>> = items
                .iter()
                .map(|item| {
                    self.columns
                        .iter()
                        .map(|c| item.get(c).map(|v| cell(c, v, view)).unwrap_or_default())
                        .collect()
                })
                .collect();
            if !self.header_done {
                for row in &cells {
                    for (w, c) in self.widths.iter_mut().zip(row) {
                        *w = (*w).max(width(c));
                    }
                }
            }
            let mut out = String::new();
            if !self.header_done {
                self.header_done = true;
                let header: Vec<String> = self.columns.clone();
                out.push_str(&self.line(&header));
                let rule: Vec<String> = self.widths.iter().map(|w| "-".repeat(*w)).collect();
                out.push_str(&self.line(&rule));
            }
            for row in &cells {
                out.push_str(&self.line(row));
            }
            out
        }

        fn line(&self, cells: &[String]) -> String {
            let parts: Vec<String> = cells
                .iter()
                .zip(&self.widths)
                .map(|(c, w)| format!("{c}{}", " ".repeat(w.saturating_sub(width(c)))))
                .collect();
            parts.join("  ").trim_end().to_string() + "\n"
        }
    }
}

/// The `pprint` format: Python literal syntax like synadm's `pprint.pformat` (sorted
/// keys, `None`/`True`/`False`, single quotes), wrapped at 80 columns.
mod pprint {
    use serde_json::Value;

    const WIDTH: usize = 80;

    pub fn render(value: &Value) -> String {
        render_at(value, 0)
    }

    fn py_str(s: &str) -> String {
        let quote = if s.contains('\'') && !s.contains('"') {
            '"'
        } else {
            '\''
        };
        let mut out = String::from(quote);
        for c in s.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if c == quote => {
                    out.push('\\');
                    out.push(c);
                }
                c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
                c => out.push(c),
            }
        }
        out.push(quote);
        out
    }

    fn sorted(map: &serde_json::Map<String, Value>) -> Vec<(&String, &Value)> {
        let mut entries: Vec<_> = map.iter().collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        entries
    }

    fn flat(value: &Value) -> String {
        match value {
            Value::Null => "None".into(),
            Value::Bool(true) => "True".into(),
            Value::Bool(false) => "False".into(),
            Value::Number(n) => n.to_string(),
            Value::String(s) => py_str(s),
            Value::Array(items) => {
                format!(
                    "[{}]",
                    items.iter().map(flat).collect::<Vec<_>>().join(", ")
                )
            }
            Value::Object(map) => format!(
                "{{{}}}",
                sorted(map)
                    .into_iter()
                    .map(|(k, v)| format!("{}: {}", py_str(k), flat(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    /// Renders `value` as if it started at column `indent`.
    pub fn render_at(value: &Value, indent: usize) -> String {
        let one_line = flat(value);
        if indent + one_line.chars().count() <= WIDTH {
            return one_line;
        }
        match value {
            Value::Array(items) if !items.is_empty() => {
                let inner: Vec<String> = items.iter().map(|v| render_at(v, indent + 1)).collect();
                format!(
                    "[{}]",
                    inner.join(&format!(",\n{}", " ".repeat(indent + 1)))
                )
            }
            Value::Object(map) if !map.is_empty() => {
                let inner: Vec<String> = sorted(map)
                    .into_iter()
                    .map(|(k, v)| {
                        let key = format!("{}: ", py_str(k));
                        let at = indent + 1 + key.chars().count();
                        format!("{key}{}", render_at(v, at))
                    })
                    .collect();
                format!(
                    "{{{}}}",
                    inner.join(&format!(",\n{}", " ".repeat(indent + 1)))
                )
            }
            _ => one_line,
        }
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

    #[test]
    fn human_object_is_an_aligned_key_value_block() {
        let text = human::document(
            &json!({"name": "@a:x", "admin": true, "displayname": null}),
            &View::PLAIN,
        );
        assert_eq!(text, "name         @a:x\nadmin        true\ndisplayname\n");
    }

    #[test]
    fn human_times_are_readable_only_when_asked() {
        let v = json!({"last_seen_ts": 1_700_000_000_000_i64});
        assert!(human::document(&v, &View::PLAIN).contains("2023-11-"));
        let raw = View {
            columns: &[],
            humanize_times: false,
        };
        assert!(human::document(&v, &raw).contains("1700000000000"));
    }

    #[test]
    fn human_table_puts_preferred_columns_first() {
        let rows = [
            json!({"b": 1, "name": "@x:y"}),
            json!({"b": 22, "name": "@longer:y"}),
        ];
        let view = View {
            columns: &["name"],
            humanize_times: true,
        };
        let mut table = human::Table::new(&rows, &view);
        assert_eq!(
            table.rows(&rows, &view),
            "name       b\n---------  --\n@x:y       1\n@longer:y  22\n"
        );
    }

    #[test]
    fn pprint_uses_python_literals_and_sorted_keys() {
        assert_eq!(
            pprint::render(&json!({"b": null, "a": [true, false], "c": "it's"})),
            "{'a': [True, False], 'b': None, 'c': \"it's\"}"
        );
    }

    #[test]
    fn pprint_wraps_long_values() {
        let long = json!({"key": "x".repeat(70), "other": 1});
        assert_eq!(
            pprint::render(&long),
            format!("{{'key': '{}',\n 'other': 1}}", "x".repeat(70))
        );
    }
}
