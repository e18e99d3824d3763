//! One value as the text a person reads: control characters escaped, times as dates, sizes
//! in binary units, database booleans as true/false. Shared by the tables and blocks of the
//! human format and by typed rows.

use super::View;
use serde_json::Value;

/// `s` with every control character replaced by a visible escape (`\n`, `\e`, `\x7f`, …).
pub fn sanitize(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{1b}' => out.push_str("\\e"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// One value as a single line of text.
pub(super) fn cell(key: &str, value: &Value, view: &View) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => sanitize(s),
        Value::Number(n) if view.is_time(key) => {
            n.as_i64().and_then(crate::time::humanize).unwrap_or_else(|| n.to_string())
        }
        Value::Number(n) if view.is_size(key) => {
            n.as_u64().map(human_size).unwrap_or_else(|| n.to_string())
        }
        Value::Number(n) if view.is_bool(key) => match n.as_i64() {
            Some(0) => "false".into(),
            Some(1) => "true".into(),
            _ => n.to_string(),
        },
        Value::Array(items) => {
            items.iter().map(|v| cell(key, v, view)).collect::<Vec<_>>().join(", ")
        }
        // A nested object on one line: `key=value` pairs, times readable.
        Value::Object(map) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!("{}={}", sanitize(k), cell(k, v, view)))
            .collect::<Vec<_>>()
            .join(" "),
        other => other.to_string(),
    }
}

/// A size in bytes for people: `512 B`, `1.2 KiB`, `3.0 MiB` (binary units, one decimal).
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    // Move up while the rounded value would show as 1024.0 or more (u64::MAX is 16 EiB).
    while value >= 1023.95 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_shown_in_binary_units() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1024), "1.0 KiB");
        assert_eq!(human_size(1234), "1.2 KiB");
        assert_eq!(human_size(1024 * 1024 - 1), "1.0 MiB");
        assert_eq!(human_size(5 * 1024 * 1024 * 1024), "5.0 GiB");
        assert_eq!(human_size(u64::MAX), "16.0 EiB");
    }
}
