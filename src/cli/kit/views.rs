//! Human views shared by several commands (a view says which columns come first and
//! which fields are times; see `synadm::output::View`).

use serde_json::{Value, json};
use synadm::output::View;

/// Time fields of user objects, at any depth (threepids carry their own).
const USER_TIMES: &[&str] =
    &["creation_ts", "last_seen_ts", "consent_ts", "validated_at", "added_at"];

/// A user as a CSV or TSV row: the columns `user import` reads (passwords left empty).
pub const USER_CSV: &[(&str, &str)] = &[
    ("id", "name"),
    ("displayname", "displayname"),
    ("password", ""),
    ("admin", "admin"),
    ("is_guest", "is_guest"),
    ("deactivated", "deactivated"),
    ("avatar_url", "avatar_url"),
    ("user_type", "user_type"),
    ("threepids", "threepids"),
    ("locked", "locked"),
];

/// A user account, in the list and alone.
pub const USER: View = View::new(&[
    "name",
    "displayname",
    "admin",
    "deactivated",
    "locked",
    "is_guest",
    "user_type",
    "shadow_banned",
    "erased",
    "creation_ts",
    "last_seen_ts",
    "avatar_url",
])
.times(USER_TIMES)
.csv(USER_CSV);

/// A local media item: ID, type, size, uploaded, last access, quarantined/protected first.
pub const MEDIA: View = View::new(&[
    "media_id",
    "media_type",
    "media_length",
    "created_ts",
    "last_access_ts",
    "quarantined_by",
    "safe_from_quarantine",
    "upload_name",
])
.times(&["created_ts", "last_access_ts"])
.sizes(&["media_length"])
.bools(&["safe_from_quarantine", "authenticated"]);

/// A device of a user.
pub const DEVICE: View = View::new(&[
    "device_id",
    "display_name",
    "last_seen_ts",
    "last_seen_ip",
    "last_seen_user_agent",
])
.times(&["last_seen_ts"]);

/// A room of the room list: its ID, name, alias, members (joined / local), version, creator,
/// encryption, federation and directory flags (reshaped from the server's fields).
pub const ROOM: View = View::new(&[
    "room_id",
    "name",
    "canonical_alias",
    "members",
    "version",
    "creator",
    "encryption",
    "federatable",
    "public",
])
.reshape(room_rows);

/// The room list's rows for a table: the fields of [`ROOM`], with the two member counts
/// as one `joined / local` column.
fn room_rows(rooms: &Value) -> Value {
    let row = |r: &Value| {
        json!({
            "room_id": r["room_id"],
            "name": r["name"],
            "canonical_alias": r["canonical_alias"],
            "members": format!(
                "{} / {}",
                count(&r["joined_members"]),
                count(&r["joined_local_members"])
            ),
            "version": r["version"],
            "creator": r["creator"],
            "encryption": r["encryption"],
            "federatable": r["federatable"],
            "public": r["public"],
        })
    };
    match rooms {
        Value::Array(items) => Value::Array(items.iter().map(row).collect()),
        one => row(one),
    }
}

fn count(v: &Value) -> String {
    match v {
        Value::Null => "?".to_string(),
        other => other.to_string(),
    }
}
