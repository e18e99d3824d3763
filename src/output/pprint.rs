//! The `pprint` format: Python literal syntax like synadm's `pprint.pformat` (sorted
//! keys, `None`/`True`/`False`, single quotes), wrapped at 80 columns.

use serde_json::Value;

const WIDTH: usize = 80;

pub fn render(value: &Value) -> String {
    render_at(value, 0)
}

fn py_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
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
            format!("[{}]", items.iter().map(flat).collect::<Vec<_>>().join(", "))
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

/// Renders `value` as if it started at column `indent`; `[]` and `{}` wrap to themselves.
pub fn render_at(value: &Value, indent: usize) -> String {
    let one_line = flat(value);
    if indent + one_line.chars().count() <= WIDTH {
        return one_line;
    }
    match value {
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(|v| render_at(v, indent + 1)).collect();
            format!("[{}]", inner.join(&format!(",\n{}", " ".repeat(indent + 1))))
        }
        Value::Object(map) => {
            let inner: Vec<String> = sorted(map)
                .into_iter()
                .map(|(k, v)| {
                    let key = format!("{}: ", py_str(k));
                    let at = indent + 1 + key.chars().count();
                    format!("{key}{}", render_at(v, at))
                })
                .collect();
            format!("{{{}}}", inner.join(&format!(",\n{}", " ".repeat(indent + 1))))
        }
        _ => one_line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn python_literals_and_sorted_keys() {
        assert_eq!(
            render(&json!({"b": null, "a": [true, false], "c": "it's"})),
            "{'a': [True, False], 'b': None, 'c': \"it's\"}"
        );
    }

    #[test]
    fn long_values_wrap() {
        let long = json!({"key": "x".repeat(70), "other": 1});
        assert_eq!(render(&long), format!("{{'key': '{}',\n 'other': 1}}", "x".repeat(70)));
    }

    #[test]
    fn nested_wrapping_and_escapes_match_python() {
        // Expected texts from Python 3's pprint.pformat on the same values.
        let users = json!({
            "users": [
                {"name": format!("@{}:example.org", "a".repeat(30)), "admin": false, "deactivated": 0},
                {"name": "@b:example.org", "admin": true, "deactivated": 1}
            ],
            "total": 2,
            "next_token": null
        });
        assert_eq!(
            render(&users),
            "{'next_token': None,\n 'total': 2,\n 'users': [{'admin': False,\n            'deactivated': 0,\n            'name': '@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:example.org'},\n           {'admin': True, 'deactivated': 1, 'name': '@b:example.org'}]}"
        );
        let mixed = json!([[], {}, "it's \"x\"", "a\u{7}b\\", ["y".repeat(40), "z".repeat(40)]]);
        assert_eq!(
            render(&mixed),
            "[[],\n {},\n 'it\\'s \"x\"',\n 'a\\x07b\\\\',\n ['yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy',\n  'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz']]"
        );
        let long = json!({"rooms": [], "members": {}, "k": "v".repeat(75)});
        assert_eq!(
            render(&long),
            format!("{{'k': '{}',\n 'members': {{}},\n 'rooms': []}}", "v".repeat(75))
        );
    }
}
