//! CSV and TSV: a list as a table for spreadsheets and scripts, a header row and then a row
//! per item, streamed page by page. The rows are what the human table shows (the view's
//! reshape applies), but every cell is the raw value: numbers as numbers, `true`/`false`,
//! empty for null, nested values as compact JSON, but for a list of third-party IDs, which
//! reads `medium:address;…` as `user import` takes it. A view may name the columns exactly
//! ([`View::csv`]); `user list` does, so that its file is what `user import` reads.

use super::view::View;
use serde_json::Value;

/// The columns of a table: (header, field of the item; empty for a column left empty).
pub(crate) type Columns = Vec<(String, String)>;

/// The columns for `view` whose first row is `first`: the view's CSV columns, else its
/// preferred columns followed by the first row's other fields.
pub(crate) fn columns(view: &View, first: Option<&Value>) -> Columns {
    if !view.csv.is_empty() {
        return view
            .csv
            .iter()
            .map(|(header, key)| (header.to_string(), key.to_string()))
            .collect();
    }
    let mut names: Vec<String> = view.columns.iter().map(|c| c.to_string()).collect();
    if let Some(Value::Object(fields)) = first {
        for key in fields.keys() {
            if !names.contains(key) {
                names.push(key.clone());
            }
        }
    }
    if names.is_empty() && first.is_some() {
        names.push("value".into());
    }
    names.into_iter().map(|n| (n.clone(), n)).collect()
}

/// One cell's text.
fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Array(items)) if !items.is_empty() && items.iter().all(is_threepid) => items
            .iter()
            .map(|t| format!("{}:{}", text(&t["medium"]), text(&t["address"])))
            .collect::<Vec<_>>()
            .join(";"),
        Some(other) => other.to_string(),
    }
}

fn is_threepid(item: &Value) -> bool {
    item["medium"].is_string() && item["address"].is_string()
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or_default()
}

/// The items of a document as table rows: an array's items, an object as one row (or, for
/// a scalar, one cell).
pub(crate) fn rows(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    }
}

/// One record of `fields` separated by `delimiter`, quoted where needed, ending in `\n`.
pub fn record(fields: &[String], delimiter: u8) -> String {
    let mut out = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Writing into memory cannot fail.
    let _ = out.write_record(fields);
    let bytes = out.into_inner().unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Writes records with `delimiter` (`,` or tab), lines ending in `\n`.
pub(crate) struct Table {
    columns: Columns,
    delimiter: u8,
}

impl Table {
    pub(crate) fn new(columns: Columns, delimiter: u8) -> Table {
        Table { columns, delimiter }
    }

    fn record(&self, fields: impl IntoIterator<Item = String>) -> String {
        record(&fields.into_iter().collect::<Vec<_>>(), self.delimiter)
    }

    /// The header row.
    pub(crate) fn header(&self) -> String {
        self.record(self.columns.iter().map(|(h, _)| h.clone()))
    }

    /// The rows of `items`.
    pub(crate) fn rows(&self, items: &[&Value]) -> String {
        let mut text = String::new();
        for item in items {
            let line = match item {
                Value::Object(fields) => {
                    self.record(self.columns.iter().map(|(_, key)| cell(fields.get(key.as_str()))))
                }
                scalar => self.record([cell(Some(scalar))]),
            };
            text.push_str(&line);
        }
        text
    }
}

/// A whole document as a table.
pub(crate) fn document(value: &Value, view: &View, delimiter: u8) -> String {
    let shaped = view.reshape.map(|f| f(value));
    let value = shaped.as_ref().unwrap_or(value);
    let items = rows(value);
    let table = Table::new(columns(view, items.first().copied()), delimiter);
    table.header() + &table.rows(&items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_list_becomes_a_header_and_a_row_an_item_with_raw_cells() {
        let list = json!([
            {"name": "@a:x", "admin": true, "n": 3, "gone": null, "tags": ["x", "y"]},
            {"name": "@b,c:x", "admin": false, "n": 4.5, "note": "line\nbreak \"quoted\""},
        ]);
        assert_eq!(
            document(&list, &View::new(&["admin"]), b','),
            "admin,name,n,gone,tags\n\
             true,@a:x,3,,\"[\"\"x\"\",\"\"y\"\"]\"\n\
             false,\"@b,c:x\",4.5,,\n"
        );
    }

    #[test]
    fn a_view_can_name_every_column_and_leave_some_empty() {
        const VIEW: View =
            View::new(&[]).csv(&[("id", "name"), ("password", ""), ("admin", "admin")]);
        let list = json!([{"name": "@a:x", "admin": false, "extra": 1}]);
        assert_eq!(document(&list, &VIEW, b','), "id,password,admin\n@a:x,,false\n");
        assert_eq!(document(&json!([]), &VIEW, b'\t'), "id\tpassword\tadmin\n");
    }

    #[test]
    fn third_party_ids_read_as_user_import_takes_them() {
        let user = json!([{"name": "@a:x", "threepids": [
            {"medium": "email", "address": "a@x.org", "added_at": 1},
            {"medium": "msisdn", "address": "123", "added_at": 2}]}]);
        assert_eq!(
            document(&user, &View::PLAIN, b','),
            "name,threepids\n@a:x,email:a@x.org;msisdn:123\n"
        );
        // Only lists whose every item has both: anything else stays JSON.
        let half = json!([{"name": "@b:x", "threepids": [{"medium": "email"}]}]);
        assert_eq!(
            document(&half, &View::PLAIN, b','),
            "name,threepids\n@b:x,\"[{\"\"medium\"\":\"\"email\"\"}]\"\n"
        );
    }

    #[test]
    fn tabs_separate_tsv_and_one_object_is_one_row() {
        let doc = json!({"server_version": "1.163.2", "python": "3.12"});
        assert_eq!(document(&doc, &View::PLAIN, b'\t'), "server_version\tpython\n1.163.2\t3.12\n");
        assert_eq!(document(&json!(["a", "b"]), &View::PLAIN, b','), "value\na\nb\n");
    }
}
