//! One list item as a table row: its top-level fields in its own order, each already the one
//! line of text its cell shows. A row is made from a JSON tree, or straight from a typed item
//! with no tree in between, which is what keeps the human table of a long list close to the
//! cost of its JSON (a tree per item cost more than the rest of the table).

use super::View;
use super::cell::cell;
use serde::Serialize;
use serde::ser::{self, Impossible, SerializeMap, SerializeStruct, Serializer};
use serde_json::Value;
use std::rc::Rc;

/// One item's fields as (key, cell text), in the item's order.
#[derive(Debug, Default)]
pub struct Row<'a> {
    fields: Vec<(Key<'a>, String)>,
}

/// A field's name: borrowed from a tree, or shared by every typed row of a list.
#[derive(Debug)]
enum Key<'a> {
    Borrowed(&'a str),
    Shared(Rc<str>),
}

impl std::ops::Deref for Key<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            Key::Borrowed(k) => k,
            Key::Shared(k) => k,
        }
    }
}

/// The field names typed rows have used so far: the items of a list share them, so each name
/// is allocated once per list, not once per row.
#[derive(Debug, Default)]
pub struct Keys {
    known: Vec<Rc<str>>,
    /// Where the next name is looked for first (the one after the last found).
    next: usize,
}

impl Keys {
    fn get(&mut self, name: &str) -> Rc<str> {
        let at = match self.known.get(self.next) {
            Some(k) if &**k == name => self.next,
            _ => match self.known.iter().position(|k| &**k == name) {
                Some(at) => at,
                None => {
                    self.known.push(Rc::from(name));
                    self.known.len() - 1
                }
            },
        };
        self.next = at + 1;
        Rc::clone(&self.known[at])
    }
}

impl<'a> Row<'a> {
    /// The row of a JSON item; anything but an object is a row with no fields.
    pub fn of_value(item: &'a Value, view: &View) -> Row<'a> {
        let fields = match item {
            Value::Object(map) => {
                map.iter().map(|(k, v)| (Key::Borrowed(k), cell(k, v, view))).collect()
            }
            _ => Vec::new(),
        };
        Row { fields }
    }

    /// The keys, in the item's order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|(k, _)| &**k)
    }

    /// Whether this row has the same keys in the same order as `other` (list items mostly do).
    pub fn same_keys(&self, other: &Row) -> bool {
        self.fields.len() == other.fields.len() && self.keys().eq(other.keys())
    }

    /// The cell of `key` ("" when the item has no such field). `hint` is where the previous
    /// row held it and is updated, so that rows sharing their key order cost one comparison
    /// a cell instead of a search.
    pub fn cell(&self, key: &str, hint: &mut usize) -> &str {
        if let Some((k, text)) = self.fields.get(*hint)
            && &**k == key
        {
            return text;
        }
        match self.fields.iter().position(|(k, _)| &**k == key) {
            Some(at) => {
                *hint = at;
                &self.fields[at].1
            }
            None => "",
        }
    }
}

impl Row<'static> {
    /// The row of a typed item (a struct, or a map such as a struct with flattened extra
    /// fields), with no JSON tree for the item: each field's value is formatted as
    /// [`Row::of_value`] would format it; `keys` holds the names rows share. `None` when the
    /// item is neither; the caller then makes a tree.
    pub fn of_typed<T: Serialize>(item: &T, view: &View, keys: &mut Keys) -> Option<Row<'static>> {
        keys.next = 0;
        item.serialize(Fields { view, keys }).ok().map(|fields| Row { fields })
    }
}

/// Collects a struct's (or map's) top-level fields as cells; anything else is
/// [`NotAStruct`].
struct Fields<'v> {
    view: &'v View,
    keys: &'v mut Keys,
}

/// What [`Fields`] answers for an item that is not a struct.
#[derive(Debug)]
struct NotAStruct;

impl std::fmt::Display for NotAStruct {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a struct")
    }
}

impl std::error::Error for NotAStruct {}

impl ser::Error for NotAStruct {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        NotAStruct
    }
}

/// `fn serialize_x(self, _: A, …) -> Err(NotAStruct)` for each kind of value that is not a
/// struct.
macro_rules! not_a_struct {
    ($($name:ident($($arg:ty),*);)*) => {
        $(fn $name(self, $(_: $arg),*) -> Result<Self::Ok, NotAStruct> {
            Err(NotAStruct)
        })*
    };
}

type Cells = Vec<(Key<'static>, String)>;

impl<'v> Serializer for Fields<'v> {
    type Ok = Cells;
    type Error = NotAStruct;
    type SerializeSeq = Impossible<Cells, NotAStruct>;
    type SerializeTuple = Impossible<Cells, NotAStruct>;
    type SerializeTupleStruct = Impossible<Cells, NotAStruct>;
    type SerializeTupleVariant = Impossible<Cells, NotAStruct>;
    type SerializeMap = StructFields<'v>;
    type SerializeStruct = StructFields<'v>;
    type SerializeStructVariant = Impossible<Cells, NotAStruct>;

    not_a_struct! {
        serialize_bool(bool);
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_f32(f32);
        serialize_f64(f64);
        serialize_char(char);
        serialize_str(&str);
        serialize_bytes(&[u8]);
        serialize_none();
        serialize_unit();
        serialize_unit_struct(&'static str);
        serialize_unit_variant(&'static str, u32, &'static str);
    }

    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<Cells, NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Cells, NotAStruct> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Cells, NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, NotAStruct> {
        Ok(StructFields {
            view: self.view,
            keys: self.keys,
            cells: Vec::with_capacity(len.unwrap_or(16)),
            key: Vec::new(),
        })
    }

    fn serialize_struct(
        self,
        _: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, NotAStruct> {
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, NotAStruct> {
        Err(NotAStruct)
    }
}

struct StructFields<'v> {
    view: &'v View,
    keys: &'v mut Keys,
    cells: Cells,
    /// The map key being written, as JSON text (a reused buffer).
    key: Vec<u8>,
}

impl StructFields<'_> {
    fn push<T: ?Sized + Serialize>(&mut self, key: &str, value: &T) -> Result<(), NotAStruct> {
        // A field's own value is small (a string, a number, at most a short list): its tree
        // is made and dropped at once, and formatted by the same rules as a whole item's.
        let value = serde_json::to_value(value).map_err(|_| NotAStruct)?;
        let text = cell(key, &value, self.view);
        let key = self.keys.get(key);
        self.cells.push((Key::Shared(key), text));
        Ok(())
    }
}

impl SerializeStruct for StructFields<'_> {
    type Ok = Cells;
    type Error = NotAStruct;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), NotAStruct> {
        self.push(key, value)
    }

    fn end(self) -> Result<Cells, NotAStruct> {
        Ok(self.cells)
    }
}

impl SerializeMap for StructFields<'_> {
    type Ok = Cells;
    type Error = NotAStruct;

    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), NotAStruct> {
        self.key.clear();
        serde_json::to_writer(&mut self.key, key).map_err(|_| NotAStruct)
    }

    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), NotAStruct> {
        let json = std::mem::take(&mut self.key);
        // A name is a JSON string; one without escapes is its text between the quotes.
        let name: std::borrow::Cow<str> =
            match json.strip_prefix(b"\"").and_then(|k| k.strip_suffix(b"\"")) {
                Some(plain) if !plain.contains(&b'\\') => {
                    std::str::from_utf8(plain).map_err(|_| NotAStruct)?.into()
                }
                _ => serde_json::from_slice::<String>(&json).map_err(|_| NotAStruct)?.into(),
            };
        let pushed = self.push(&name, value);
        self.key = json;
        pushed
    }

    fn end(self) -> Result<Cells, NotAStruct> {
        Ok(self.cells)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Serialize)]
    struct Item {
        name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        displayname: Option<String>,
        creation_ts: i64,
        size: u64,
        tags: Vec<String>,
    }

    const VIEW: View = View::new(&[]).times(&["creation_ts"]).sizes(&["size"]);

    fn typed<T: Serialize>(item: &T) -> Option<Row<'static>> {
        Row::of_typed(item, &VIEW, &mut Keys::default())
    }

    fn cells(row: &Row) -> Vec<(String, String)> {
        row.fields.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    #[test]
    fn a_typed_item_gives_the_cells_of_its_tree() {
        let items = [
            Item {
                name: "@a:x\u{1b}[31m".into(),
                displayname: Some("A".into()),
                creation_ts: 1_700_000_000_000,
                size: 2048,
                tags: vec!["t1".into(), "t2".into()],
            },
            Item { name: "@b:x".into(), displayname: None, creation_ts: 0, size: 1, tags: vec![] },
        ];
        for item in &items {
            let tree = serde_json::to_value(item).unwrap();
            let typed = typed(item).expect("a struct");
            assert_eq!(cells(&typed), cells(&Row::of_value(&tree, &VIEW)));
        }
        let first = typed(&items[0]).unwrap();
        let mut hint = 0;
        assert_eq!(first.cell("name", &mut hint), "@a:x\\e[31m");
        assert_eq!(first.cell("size", &mut hint), "2.0 KiB");
        assert_eq!(hint, 3);
        assert_eq!(first.cell("tags", &mut hint), "t1, t2");
        assert_eq!(first.cell("missing", &mut hint), "");
        assert_eq!(hint, 4, "a missing key leaves the hint");
        let second = typed(&items[1]).unwrap();
        assert!(!second.same_keys(&first), "displayname is skipped");
        assert_eq!(second.keys().collect::<Vec<_>>(), ["name", "creation_ts", "size", "tags"]);
    }

    #[test]
    fn maps_and_flattened_fields_make_rows_with_names_shared_across_rows() {
        #[derive(Serialize)]
        struct Flat {
            name: String,
            #[serde(flatten)]
            extra: serde_json::Map<String, Value>,
        }
        let extra = json!({"say \"hi\"": "x\ty", "creation_ts": 0});
        let item = Flat { name: "@a:x".into(), extra: extra.as_object().unwrap().clone() };
        let mut keys = Keys::default();
        let first = Row::of_typed(&item, &VIEW, &mut keys).expect("a map");
        let tree = serde_json::to_value(&item).unwrap();
        assert_eq!(cells(&first), cells(&Row::of_value(&tree, &VIEW)));
        assert_eq!(first.keys().nth(1), Some("say \"hi\""));
        let second = Row::of_typed(&item, &VIEW, &mut keys).expect("a map");
        assert!(second.same_keys(&first));
        let shared = |row: &Row| match &row.fields[0].0 {
            Key::Shared(k) => Rc::clone(k),
            Key::Borrowed(_) => panic!("a typed row's names are shared"),
        };
        assert!(Rc::ptr_eq(&shared(&first), &shared(&second)));
        assert_eq!(keys.known.len(), 3);
        // A plain map is an item too.
        assert_eq!(cells(&typed(&extra).unwrap()), cells(&Row::of_value(&extra, &VIEW)));
    }

    #[test]
    fn names_are_found_in_order_first_and_added_once() {
        let mut keys = Keys::default();
        let a1 = keys.get("a");
        let b1 = keys.get("b");
        // A new row: the hint starts over and follows the known order.
        keys.next = 0;
        assert!(Rc::ptr_eq(&keys.get("a"), &a1));
        assert_eq!(keys.next, 1);
        assert!(Rc::ptr_eq(&keys.get("b"), &b1));
        assert_eq!(keys.next, 2);
        // Out of order: found by search, the hint moves after it.
        keys.next = 0;
        assert!(Rc::ptr_eq(&keys.get("b"), &b1));
        assert_eq!(keys.next, 2);
        let c = keys.get("c");
        assert_eq!((&*c, keys.known.len(), keys.next), ("c", 3, 3));
    }

    #[test]
    fn rows_of_the_same_length_with_other_keys_differ() {
        let a = json!({"x": 1, "y": 2});
        let b = json!({"x": 1, "z": 2});
        assert!(!Row::of_value(&a, &VIEW).same_keys(&Row::of_value(&b, &VIEW)));
        assert!(Row::of_value(&a, &VIEW).same_keys(&Row::of_value(&a, &VIEW)));
    }

    #[test]
    fn newtypes_are_their_inner_item_and_enums_are_not_rows() {
        #[derive(Serialize)]
        struct Wrapper(Item);
        #[derive(Serialize)]
        enum Either {
            One(u8),
        }
        let item =
            Item { name: "@w:x".into(), displayname: None, creation_ts: 0, size: 0, tags: vec![] };
        let inner = cells(&typed(&item).unwrap());
        assert_eq!(cells(&typed(&Wrapper(item)).expect("a row")), inner);
        assert!(typed(&Either::One(1)).is_none());
        assert_eq!(NotAStruct.to_string(), "not a struct");
    }

    #[test]
    fn only_structs_make_typed_rows() {
        assert!(typed(&"text").is_none());
        assert!(typed(&[1, 2]).is_none());
        assert!(typed(&Some(3)).is_none());
        assert!(Row::of_value(&json!([1]), &VIEW).keys().next().is_none());
    }
}
