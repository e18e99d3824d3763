//! A room's events, read as an admin (no membership needed): `room messages` (paged either
//! way, `--all` streamed), `room context`, `room event-at` (the event nearest a time),
//! `room event` (one event by ID), `room hierarchy` (a space's rooms) and `room extremities`
//! (show, or delete the extra ones: the fix for a room that became slow).

use crate::cli::kit::numbers::{Checked, url_text};
use crate::cli::kit::prelude::*;
use serde_json::{Value, json};
use synadm::ids::{parse_event_id, parse_room_id};
use synadm::time;

#[derive(Debug, clap::Args)]
pub struct MessagesArgs {
    /// The room ID.
    #[arg(value_parser = Checked(parse_room_id))]
    room_id: String,
    /// Newest first (the default is oldest first).
    #[arg(short, long)]
    backward: bool,
    /// Start here: the `end` token of an earlier page.
    #[arg(short, long, value_name = "TOKEN", value_parser = Checked(url_text), conflicts_with = "since")]
    from: Option<String>,
    /// Start at the event nearest this point in time (after it; before it with --backward):
    /// YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS, 'YYYY-MM-DD HH:MM:SS' (local time) or RFC 3339.
    #[arg(short, long, value_name = "DATETIME", value_parser = time::parse_datetime_ms)]
    since: Option<i64>,
    /// Events per request [default: 100, or 1000 with --all].
    #[arg(short, long, value_parser = crate::cli::kit::numbers::positive, allow_negative_numbers = true)]
    limit: Option<i64>,
    /// Follow the pages to the end and stream every event as one list.
    #[arg(long)]
    all: bool,
    /// Only events of this type (e.g. m.room.message); repeatable.
    #[arg(short = 't', long = "type", value_name = "TYPE")]
    types: Vec<String>,
    /// Only events from this sender (full user ID); repeatable.
    #[arg(long = "sender", value_name = "USER_ID")]
    senders: Vec<String>,
    #[command(flatten)]
    time: TimeArgs,
}

#[derive(Debug, clap::Args)]
pub struct ContextArgs {
    /// The room ID.
    #[arg(value_parser = Checked(parse_room_id))]
    room_id: String,
    /// The event ID (in single quotes: it starts with `$`).
    #[arg(value_parser = Checked(parse_event_id))]
    event_id: String,
    /// Events before and after it, in all [default: 10].
    #[arg(short, long, value_parser = crate::cli::kit::numbers::positive, allow_negative_numbers = true)]
    limit: Option<i64>,
    #[command(flatten)]
    time: TimeArgs,
}

#[derive(Debug, clap::Args)]
pub struct EventAtArgs {
    /// The room ID.
    #[arg(value_parser = Checked(parse_room_id))]
    room_id: String,
    /// The point in time: YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS, 'YYYY-MM-DD HH:MM:SS' (local
    /// time), RFC 3339, or milliseconds since the epoch.
    #[arg(value_parser = date_or_ms)]
    at: i64,
    /// The nearest event before that time (the default is the nearest after it).
    #[arg(short, long)]
    before: bool,
    #[command(flatten)]
    time: TimeArgs,
}

#[derive(Debug, clap::Args)]
pub struct EventArgs {
    /// The event ID (in single quotes: it starts with `$`).
    #[arg(value_parser = Checked(parse_event_id))]
    event_id: String,
}

#[derive(Debug, clap::Args)]
pub struct HierarchyArgs {
    /// The space's room ID.
    #[arg(value_parser = Checked(parse_room_id))]
    room_id: String,
    /// How deep to go (the default: all the way).
    #[arg(short = 'd', long, value_parser = crate::cli::kit::numbers::non_negative, allow_negative_numbers = true)]
    max_depth: Option<i64>,
}

#[derive(Debug, clap::Args)]
pub struct ExtremitiesArgs {
    /// The room ID or alias.
    #[arg(value_parser = synadm::ids::parse_room_id_or_alias)]
    room: synadm::ids::RoomArg,
    /// Delete the extra forward extremities (asks first).
    #[arg(short, long)]
    delete: bool,
}

/// A date in the usual forms, or a number of milliseconds (digits only: no date looks so).
fn date_or_ms(input: &str) -> Result<i64, String> {
    if !input.is_empty() && input.bytes().all(|b| b.is_ascii_digit()) {
        return input.parse().map_err(|_| format!("{input} ms is out of range"));
    }
    time::parse_datetime_ms(input).map_err(|e| e.to_string())
}

/// An event a line: when, who, what, its ID, and the body last (cut to the terminal by the
/// table).
const EVENT: View = View::new(&["origin_server_ts", "sender", "type", "event_id", "body"])
    .times(&["origin_server_ts"])
    .reshape(event_rows);

/// Events as table rows: the body (or the state key) lifted out of the content.
fn event_rows(value: &Value) -> Value {
    let row = |e: &Value| {
        let body = e["content"]["body"].as_str().map(str::to_string).or_else(|| {
            let key = e["state_key"].as_str()?;
            Some(if key.is_empty() { "[state]".to_string() } else { format!("[state {key}]") })
        });
        json!({
            "origin_server_ts": e["origin_server_ts"], "sender": e["sender"],
            "type": e["type"], "body": body, "event_id": e["event_id"],
        })
    };
    match value {
        Value::Array(events) => Value::Array(events.iter().map(row).collect()),
        Value::Object(page) if page.contains_key("chunk") => event_rows(&page["chunk"]),
        other => row(other),
    }
}

/// A RoomEventFilter of the given types and senders, as the query's JSON text.
fn filter(types: &[String], senders: &[String]) -> Option<String> {
    if types.is_empty() && senders.is_empty() {
        return None;
    }
    let mut f = serde_json::Map::new();
    if !types.is_empty() {
        f.insert("types".into(), json!(types));
    }
    if !senders.is_empty() {
        f.insert("senders".into(), json!(senders));
    }
    Some(Value::Object(f).to_string())
}

impl MessagesArgs {
    fn direction(&self) -> types::Direction {
        if self.backward { types::Direction::B } else { types::Direction::F }
    }

    async fn page(
        &self,
        ctx: &Ctx,
        from: Option<&str>,
    ) -> Result<Reply<types::RoomMessages>, Error> {
        let limit = self.limit.unwrap_or(if self.all { 1000 } else { 100 });
        let mut b = ctx.client.list_room_messages().room_id(&self.room_id);
        b = b.dir(self.direction()).limit(limit);
        if let Some(from) = from {
            b = b.from(from);
        }
        if let Some(f) = filter(&self.types, &self.senders) {
            b = b.filter(f);
        }
        call_reply(b.send()).await
    }

    /// Where to start: the given token, or the token just before the event nearest
    /// `--since` (from that event's context), or the timeline's end.
    async fn start(&self, ctx: &Ctx) -> Result<Option<String>, Error> {
        let Some(at) = self.since else {
            return Ok(self.from.clone());
        };
        let find = ctx.client.room_timestamp_to_event().room_id(&self.room_id);
        let found = call(find.ts(at).dir(self.direction()).send()).await?;
        let context = ctx.client.get_event_context().room_id(&self.room_id);
        let around = call(context.event_id(&found.event_id).limit(0).send()).await?;
        Ok(Some(if self.backward { around.end } else { around.start }))
    }
}

impl Run for MessagesArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let view = EVENT.raw_times(self.time.raw());
        let mut from = self.start(ctx).await?;
        if !self.all {
            let page = self.page(ctx, from.as_deref()).await?;
            if let Some(end) = &page.value.end {
                ctx.note(&format!("More: --from {end}"));
            }
            return ctx.print_reply(&page, &view);
        }
        let mut out = ctx.list_writer(view)?;
        loop {
            let page = self.page(ctx, from.as_deref()).await?.value;
            // As `print_all` writes a page: from the types where the format allows it.
            if !out.page_typed(&page.chunk)? {
                let items: Vec<Value> = page.chunk.iter().map(|e| json!(e)).collect();
                out.page(&items)?;
            }
            match page.end {
                Some(end) if !page.chunk.is_empty() && from.as_deref() != Some(end.as_str()) => {
                    from = Some(end)
                }
                _ => break,
            }
        }
        out.finish()
    }
}

impl Run for ContextArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let mut b = ctx.client.get_event_context().room_id(&self.room_id);
        b = b.event_id(&self.event_id);
        if let Some(limit) = self.limit {
            b = b.limit(limit);
        }
        let reply = call_reply(b.send()).await?;
        // Human output: the events in order, the one asked for among them.
        let view = EVENT.raw_times(self.time.raw()).reshape(|v| {
            let mut events: Vec<Value> = v["events_before"].as_array().cloned().unwrap_or_default();
            events.reverse();
            events.push(v["event"].clone());
            events.extend(v["events_after"].as_array().cloned().unwrap_or_default());
            event_rows(&Value::Array(events))
        });
        ctx.print_reply(&reply, &view)
    }
}

impl Run for EventAtArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let dir = if self.before { types::Direction::B } else { types::Direction::F };
        let find = ctx.client.room_timestamp_to_event().room_id(&self.room_id);
        let reply = call_reply(find.ts(self.at).dir(dir).send()).await?;
        let view = View::new(&["event_id", "origin_server_ts"])
            .times(&["origin_server_ts"])
            .raw_times(self.time.raw());
        ctx.print_reply(&reply, &view)
    }
}

impl Run for EventArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let reply = call_reply(ctx.client.fetch_event().event_id(&self.event_id).send()).await?;
        ctx.print_reply(&reply, &View::PLAIN.reshape(|v| v["event"].clone()))
    }
}

/// The hierarchy as a tree for people: each room under the space that lists it, indented.
fn tree(value: &Value) -> Value {
    let rooms = value["rooms"].as_array().cloned().unwrap_or_default();
    let mut depth: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut lines = Vec::new();
    for room in &rooms {
        let id = room["room_id"].as_str().unwrap_or_default().to_string();
        let level = depth.get(&id).copied().unwrap_or(0);
        for child in room["children_state"].as_array().into_iter().flatten() {
            if let Some(child) = child["state_key"].as_str() {
                depth.entry(child.to_string()).or_insert(level + 1);
            }
        }
        let name = room["name"].as_str().unwrap_or("");
        let kind = if room["room_type"] == "m.space" { " (space)" } else { "" };
        lines.push(Value::String(format!("{}{id} {name}{kind}", "  ".repeat(level))));
    }
    Value::Array(lines)
}

impl Run for HierarchyArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        // All pages, then one document: a space's tree is small (Synapse caps each page).
        let mut rooms: Vec<Value> = Vec::new();
        let mut from: Option<String> = None;
        loop {
            let mut b = ctx.client.get_room_hierarchy().room_id(&self.room_id);
            if let Some(depth) = self.max_depth {
                b = b.max_depth(depth);
            }
            if let Some(from) = &from {
                b = b.from(from);
            }
            let page = call(b.send()).await?;
            rooms.extend(page.rooms.iter().map(|r| serde_json::to_value(r).unwrap_or_default()));
            match page.next_batch {
                Some(next) if !page.rooms.is_empty() && from.as_ref() != Some(&next) => {
                    from = Some(next)
                }
                _ => break,
            }
        }
        ctx.print_value(&json!({ "rooms": rooms }), &View::PLAIN.reshape(tree))
    }
}

/// The extremities a row, their times as dates.
const EXTREMITIES: View = View::new(&["event_id", "depth", "state_group", "received_ts"])
    .times(&["received_ts"])
    .reshape(|v| v["results"].clone())
    .summary(|v| Some(format!("Forward extremities: {}", v["count"])));

impl Run for ExtremitiesArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let room = self.room.as_str();
        let get = ctx.client.get_forward_extremities().room_id_or_alias(room);
        let current = call_reply(get.send()).await?;
        if !self.delete {
            return ctx.print_reply(&current, &EXTREMITIES);
        }
        ctx.confirm(&format!(
            "Delete the extra forward extremities of {} ({} now)? Synapse keeps the ones it needs.",
            synadm::output::sanitize(room),
            current.value.count
        ))?;
        let delete = ctx.client.delete_forward_extremities().room_id_or_alias(room);
        let reply = call_reply(delete.send()).await?;
        ctx.print_reply(&reply, &View::new(&["deleted"]))
    }
}
