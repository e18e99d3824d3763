//! How one command's data looks in the `human` format, declared as data: which columns come
//! first, which fields are points in time, and an optional reshaping of the document. The
//! machine formats (json, yaml, …) print the data exactly, except where a view asks for
//! dates in every format (the commands where Python synadm printed them so).

use serde_json::Value;

/// The human layout of one command's output.
#[derive(Debug, Clone, Copy)]
pub struct View {
    /// Table columns (or key/value keys) to show first, in this order; other fields follow.
    pub columns: &'static [&'static str],
    /// Fields, at any depth, whose integer values are points in time (seconds or ms).
    pub times: &'static [&'static str],
    /// Show those times as raw numbers instead of local date and time (`--ts`).
    pub raw_times: bool,
    /// Show those times as local date and time in every format, not only `human` (unless
    /// `raw_times`): what synadm's `--datetime` did for its four commands that have it.
    pub dates_everywhere: bool,
    /// Fields, at any depth, whose integer values are sizes in bytes (shown as `1.2 KiB`).
    pub sizes: &'static [&'static str],
    /// Fields, at any depth, that are booleans a database may send as 0/1 (SQLite): shown
    /// as `true`/`false` either way.
    pub bools: &'static [&'static str],
    /// Reshapes the document before it is rendered as human output, e.g. a page object into
    /// its items, or nested sessions into one connection table.
    pub reshape: Option<fn(&Value) -> Value>,
    /// A summary line for the person (stderr, human format only), e.g. a total.
    pub summary: Option<fn(&Value) -> Option<String>>,
    /// The exact columns of CSV and TSV output, as (header, field; empty for a column left
    /// empty); none: the columns above, then the other fields.
    pub csv: &'static [(&'static str, &'static str)],
}

impl View {
    /// No preferred columns, no time fields.
    pub const PLAIN: View = View::new(&[]);

    pub const fn new(columns: &'static [&'static str]) -> View {
        View {
            columns,
            times: &[],
            raw_times: false,
            dates_everywhere: false,
            sizes: &[],
            bools: &[],
            reshape: None,
            summary: None,
            csv: &[],
        }
    }

    pub const fn csv(self, csv: &'static [(&'static str, &'static str)]) -> View {
        View { csv, ..self }
    }

    pub const fn times(self, times: &'static [&'static str]) -> View {
        View { times, ..self }
    }

    pub const fn sizes(self, sizes: &'static [&'static str]) -> View {
        View { sizes, ..self }
    }

    pub const fn bools(self, bools: &'static [&'static str]) -> View {
        View { bools, ..self }
    }

    pub const fn reshape(self, f: fn(&Value) -> Value) -> View {
        View { reshape: Some(f), ..self }
    }

    pub const fn summary(self, f: fn(&Value) -> Option<String>) -> View {
        View { summary: Some(f), ..self }
    }

    /// The same view, showing times raw when `raw` is set (`--timestamp/--ts`).
    pub const fn raw_times(self, raw: bool) -> View {
        View { raw_times: raw, ..self }
    }

    /// The same view, with its times as dates in every format.
    pub const fn dates_everywhere(self) -> View {
        View { dates_everywhere: true, ..self }
    }

    /// `value` with its time fields, at any depth, as local date and time strings
    /// (`2024-05-01 12:00:00`), when this view shows dates in every format; `None` when it
    /// leaves the data as it is.
    pub fn dated(&self, value: &Value) -> Option<Value> {
        fn walk(view: &View, value: &mut Value) {
            match value {
                Value::Object(map) => {
                    for (key, v) in map.iter_mut() {
                        match v.as_i64().filter(|_| view.is_time(key)) {
                            Some(ts) => {
                                if let Some(date) = crate::time::humanize(ts) {
                                    *v = Value::String(date);
                                }
                            }
                            None => walk(view, v),
                        }
                    }
                }
                Value::Array(items) => items.iter_mut().for_each(|v| walk(view, v)),
                _ => {}
            }
        }
        if !self.dates_everywhere || self.raw_times || self.times.is_empty() {
            return None;
        }
        let mut value = value.clone();
        walk(self, &mut value);
        Some(value)
    }

    /// Whether `key` holds a time that should be shown as a date.
    pub fn is_time(&self, key: &str) -> bool {
        !self.raw_times && self.times.contains(&key)
    }

    /// Whether `key` holds a size in bytes.
    pub fn is_size(&self, key: &str) -> bool {
        self.sizes.contains(&key)
    }

    /// Whether `key` holds a boolean that may come as 0/1.
    pub fn is_bool(&self, key: &str) -> bool {
        self.bools.contains(&key)
    }
}
