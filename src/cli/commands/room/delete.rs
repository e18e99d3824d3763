//! `room delete` and `room delete-status`, plus what `room purge-empty` shares with them:
//! the purge flags, one deletion (v1, v2, or v2 waited for), and the human views of tasks.

use crate::cli::kit::jobs::{Job, job_state, wait};
use crate::cli::kit::prelude::*;
use serde_json::{Map, Value, json};
use synadm::output::sanitize;

#[derive(Debug, clap::Args)]
pub struct DeleteArgs {
    /// The room ID (!…).
    #[arg(value_parser = synadm::ids::parse_room_id)]
    room_id: String,
    /// Create a new room with this local user (full ID or localpart) as creator and admin,
    /// and move the members there. Without it, members are only removed.
    #[arg(short = 'u', long, value_name = "USER_ID")]
    new_room_user_id: Option<String>,
    /// Name of that new room (Synapse's default: "Content Violation Notification").
    #[arg(short = 'n', long)]
    room_name: Option<String>,
    /// First message in that new room, sent by its creator; say why the old room was shut
    /// down (Synapse has a default text).
    #[arg(short = 'm', long)]
    message: Option<String>,
    /// Also block the room: nobody on this server can join it again.
    #[arg(short = 'b', long)]
    block: bool,
    #[command(flatten)]
    purge: PurgeFlags,
    /// Use the synchronous v1 API: the command returns when the room is deleted (can take
    /// minutes) and prints what the shutdown did.
    #[arg(long, conflicts_with = "wait")]
    v1: bool,
    #[command(flatten)]
    wait: WaitArgs,
}

/// `--no-purge` / `--force-purge`, which contradict each other.
#[derive(Debug, clap::Args)]
pub struct PurgeFlags {
    /// Keep the room's data in the database (its members are removed all the same).
    #[arg(long)]
    pub no_purge: bool,
    /// Purge even if local users are still in the room. Only if a regular purge fails: it
    /// can leave those users' clients confused.
    #[arg(long, conflicts_with = "no_purge")]
    pub force_purge: bool,
}

impl PurgeFlags {
    /// The request body: `block` and `purge` always (as synadm sent them), `force_purge`
    /// only when asked for.
    pub fn body(&self, block: bool) -> types::DeleteRoomRequest {
        types::DeleteRoomRequest {
            block: Some(block),
            purge: Some(!self.no_purge),
            force_purge: self.force_purge.then_some(true),
            ..Default::default()
        }
    }
}

#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("query").required(true).multiple(false))]
pub struct DeleteStatusArgs {
    /// The room whose deletion tasks to show (a task still scheduled is not listed by room).
    #[arg(short = 'r', long, group = "query", value_parser = synadm::ids::parse_room_id)]
    room_id: Option<String>,
    /// The delete_id printed by `room delete`.
    #[arg(short = 'd', long, group = "query")]
    delete_id: Option<String>,
}

/// Which deletion API, and whether to wait for the background task.
#[derive(Debug, Clone, Copy)]
pub enum Api {
    V1,
    V2 { wait: bool },
}

impl Api {
    pub fn new(v1: bool, wait: bool) -> Api {
        if v1 { Api::V1 } else { Api::V2 { wait } }
    }
}

/// What one deletion returned, as the server described it.
pub enum Deleted {
    /// v1: the shutdown is done.
    Shutdown(types::ShutdownRoomResult),
    /// v2: the task has started.
    Started(types::DeleteRoomStarted),
    /// v2 waited for: the task as it ended.
    Finished(types::DeleteRoomTask),
}

impl Deleted {
    /// The server's reply as JSON.
    pub fn to_value(&self) -> Value {
        match self {
            Deleted::Shutdown(r) => serde_json::to_value(r),
            Deleted::Started(r) => serde_json::to_value(r),
            Deleted::Finished(r) => serde_json::to_value(r),
        }
        .unwrap_or_default()
    }

    /// How to show it in human output.
    fn view(&self) -> &'static View {
        match self {
            Deleted::Shutdown(_) => &SHUTDOWN,
            Deleted::Started(_) => &View::PLAIN,
            Deleted::Finished(_) => &TASK,
        }
    }
}

/// Deletes one room with `body`.
pub async fn delete_room(
    ctx: &Ctx,
    room_id: &str,
    body: types::DeleteRoomRequest,
    api: Api,
) -> Result<Deleted, Error> {
    match api {
        Api::V1 => call(
            ctx.client
                .delete_room_v1()
                .room_id(room_id)
                .body(body)
                .send(),
        )
        .await
        .map(Deleted::Shutdown),
        Api::V2 { wait } => {
            let started = call(
                ctx.client
                    .delete_room_v2()
                    .room_id(room_id)
                    .body(body)
                    .send(),
            )
            .await?;
            if wait {
                wait_for_deletion(ctx, &started.delete_id)
                    .await
                    .map(Deleted::Finished)
            } else {
                Ok(Deleted::Started(started))
            }
        }
    }
}

/// Polls a deletion task (by its delete ID, which also finds tasks still scheduled) until
/// it ends.
async fn wait_for_deletion(ctx: &Ctx, delete_id: &str) -> Result<types::DeleteRoomTask, Error> {
    let job = Job {
        what: "room deletion",
        id: delete_id.to_string(),
        status_command: format!("synadm room delete-status -d {delete_id}"),
    };
    let poll = || call(ctx.client.get_delete_status().delete_id(&job.id).send());
    wait(&job, poll, |task: &types::DeleteRoomTask| {
        let status = task.status.to_string();
        // Synapse 1.163 sends no `error` for a failed task; newer ones may.
        let reason = task.extra.get("error").and_then(Value::as_str);
        let fallback = format!("{status} (Synapse gave no reason; its log may say more)");
        job_state(&status, Some(reason.unwrap_or(&fallback)))
    })
    .await
}

/// A task with its `shutdown_room` report lifted to the top level and the kicked users
/// counted (human output only).
fn flatten_task(task: &Value) -> Value {
    let Value::Object(fields) = task else {
        return task.clone();
    };
    let mut out = Map::new();
    for (key, value) in fields {
        match (key.as_str(), value) {
            ("shutdown_room", Value::Object(report)) => out.extend(report.clone()),
            ("shutdown_room", Value::Null) => {}
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    if let Some(Value::Array(users)) = out.get("kicked_users") {
        let count = users.len();
        out.insert("kicked_users".into(), json!(count));
    }
    Value::Object(out)
}

fn flatten_tasks(reply: &Value) -> Value {
    match reply.get("results").unwrap_or(reply) {
        Value::Array(tasks) => tasks.iter().map(flatten_task).collect(),
        other => flatten_task(other),
    }
}

const TASK_COLUMNS: &[&str] = &[
    "status",
    "delete_id",
    "room_id",
    "kicked_users",
    "failed_to_kick_users",
    "local_aliases",
    "new_room_id",
];

/// One deletion task (`delete-status -d`, `delete --wait`).
const TASK: View = View::new(TASK_COLUMNS).reshape(flatten_task);
/// The tasks of a room (`delete-status -r`), one row each.
const TASKS: View = View::new(TASK_COLUMNS).reshape(flatten_tasks);
/// What a v1 deletion did.
const SHUTDOWN: View = View::new(&[
    "kicked_users",
    "failed_to_kick_users",
    "local_aliases",
    "new_room_id",
])
.reshape(flatten_task);

/// Result rows of several deletions (`purge-empty`): a room ID plus the server's reply, or
/// an error.
pub const RESULTS: View = View::new(&[
    "room_id",
    "status",
    "delete_id",
    "kicked_users",
    "failed_to_kick_users",
    "error",
])
.reshape(flatten_tasks);

/// The room and its members, for the person about to delete it.
fn describe(room: &types::RoomDetails, members: &types::RoomMembers) -> String {
    let mut text = format!("Room {}", sanitize(&room.room_id));
    if let Some(name) = &room.name {
        text.push_str(&format!(" \"{}\"", sanitize(name)));
    }
    if let Some(alias) = &room.canonical_alias {
        text.push_str(&format!(" ({})", sanitize(alias)));
    }
    text.push_str(&format!(", room version {}", sanitize(&room.version)));
    if let Some(creator) = &room.creator {
        text.push_str(&format!(", created by {}", sanitize(creator)));
    }
    let local = room
        .joined_local_members
        .map_or(String::new(), |n| format!(" ({n} local)"));
    text.push_str(&format!(":\n{} joined members{local}", members.total));
    const SHOWN: usize = 20;
    if !members.members.is_empty() {
        let shown: Vec<String> = members
            .members
            .iter()
            .take(SHOWN)
            .map(|m| sanitize(m))
            .collect();
        text.push_str(&format!(": {}", shown.join(", ")));
        if members.members.len() > SHOWN {
            text.push_str(&format!(", … ({} more)", members.members.len() - SHOWN));
        }
    }
    text
}

impl Run for DeleteArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        let new_room_user_id = match &a.new_room_user_id {
            Some(user) => Some(ctx.user_id(user).await?),
            None => None,
        };
        // The room first: an unknown room stops here (404), before anything is deleted.
        let room = call(ctx.client.get_room().room_id(&a.room_id).send()).await?;
        if !ctx.batch {
            let members = call(ctx.client.list_room_members().room_id(&a.room_id).send()).await?;
            ctx.note(&describe(&room, &members));
            let mut effects = vec!["every local member is removed".to_string()];
            if let Some(user) = &new_room_user_id {
                effects[0] = format!("every local member is moved to a new room created by {user}");
            }
            if a.block {
                effects.push("the room is blocked".into());
            }
            effects.push(if a.purge.no_purge {
                "its data stays in the database (--no-purge)".into()
            } else {
                "its data is purged from the database".into()
            });
            ctx.note(&format!(
                "Deleting it: {}. This cannot be undone.",
                effects.join("; ")
            ));
            ctx.confirm(&format!("Delete room {}?", a.room_id))?;
        }
        let body = types::DeleteRoomRequest {
            new_room_user_id,
            room_name: a.room_name,
            message: a.message,
            ..a.purge.body(a.block)
        };
        let deleted = delete_room(ctx, &a.room_id, body, Api::new(a.v1, a.wait.wait)).await?;
        match &deleted {
            Deleted::Started(started) => ctx.note(&format!(
                "Deletion of {} started; follow it with `synadm room delete-status -d {}` \
                 (or use --wait).",
                a.room_id, started.delete_id
            )),
            Deleted::Shutdown(_) => ctx.note(&format!("Room {} deleted.", a.room_id)),
            Deleted::Finished(_) => {}
        }
        ctx.print(&deleted.to_value(), deleted.view())
    }
}

impl Run for DeleteStatusArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        match (a.room_id, a.delete_id) {
            (_, Some(delete_id)) => {
                let task = call(ctx.client.get_delete_status().delete_id(delete_id).send()).await?;
                ctx.print(&task, &TASK)
            }
            (Some(room_id), None) => {
                let reply = call(
                    ctx.client
                        .get_delete_status_by_room()
                        .room_id(&room_id)
                        .send(),
                )
                .await;
                if let Err(Error::Matrix { status: 404, .. }) = &reply {
                    ctx.note(
                        "A deletion that is still scheduled is not listed by room ID; \
                         ask for it with -d DELETE_ID.",
                    );
                }
                ctx.print(&reply?, &TASKS)
            }
            (None, None) => Err(Error::Usage("give --room-id or --delete-id".to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_shows_its_shutdown_report_at_the_top_with_kicked_users_counted() {
        let task = json!({
            "delete_id": "d1", "room_id": "!r:x", "status": "complete",
            "shutdown_room": {"kicked_users": ["@a:x", "@b:x"], "failed_to_kick_users": [],
                              "local_aliases": ["#r:x"], "new_room_id": null}
        });
        assert_eq!(
            flatten_task(&task),
            json!({"delete_id": "d1", "room_id": "!r:x", "status": "complete",
                   "kicked_users": 2, "failed_to_kick_users": [], "local_aliases": ["#r:x"],
                   "new_room_id": null})
        );
        let scheduled = json!({"delete_id": "d1", "room_id": "!r:x", "status": "scheduled",
                               "shutdown_room": null});
        assert_eq!(
            flatten_task(&scheduled),
            json!({"delete_id": "d1", "room_id": "!r:x", "status": "scheduled"})
        );
        // A v1 result (no task around it) gets the same count.
        let v1 = json!({"kicked_users": ["@a:x"], "failed_to_kick_users": ["@b:x"],
                        "local_aliases": [], "new_room_id": "!n:x"});
        assert_eq!(flatten_task(&v1)["kicked_users"], 1);
        assert_eq!(
            flatten_tasks(&json!({"results": [task, scheduled]}))
                .as_array()
                .map(Vec::len),
            Some(2)
        );
    }

    #[test]
    fn the_confirmation_names_twenty_members_and_counts_the_rest() {
        let room: types::RoomDetails = serde_json::from_value(json!({
            "room_id": "!r:x", "name": "Doomed", "canonical_alias": "#d:x",
            "joined_members": 21, "joined_local_members": 21, "version": "10",
            "creator": "@c:x", "encryption": null, "federatable": true, "public": false,
            "join_rules": "invite", "guest_access": null, "history_visibility": "shared",
            "state_events": 30, "room_type": null, "avatar": null, "topic": null,
            "joined_local_devices": 21, "forgotten": false, "tombstoned": false,
            "replacement_room": null
        }))
        .unwrap();
        let members = |n: usize| -> types::RoomMembers {
            let ids: Vec<String> = (1..=n).map(|i| format!("@u{i}:x")).collect();
            serde_json::from_value(json!({"members": ids, "total": n})).unwrap()
        };
        let twenty = describe(&room, &members(20));
        assert!(
            twenty.starts_with(
                "Room !r:x \"Doomed\" (#d:x), room version 10, created by @c:x:\n\
                 20 joined members (21 local): @u1:x, "
            ),
            "{twenty}"
        );
        assert!(twenty.ends_with(", @u20:x"), "{twenty}");
        let more = describe(&room, &members(21));
        assert!(more.ends_with(", @u20:x, … (1 more)"), "{more}");
        assert!(!more.contains("@u21:x"), "{more}");
    }

    #[test]
    fn the_purge_flags_make_synadms_body() {
        let both_off = PurgeFlags {
            no_purge: false,
            force_purge: false,
        };
        assert_eq!(
            serde_json::to_value(both_off.body(false)).unwrap(),
            json!({"block": false, "purge": true})
        );
        let keep = PurgeFlags {
            no_purge: true,
            force_purge: false,
        };
        assert_eq!(
            serde_json::to_value(keep.body(true)).unwrap(),
            json!({"block": true, "purge": false})
        );
        let force = PurgeFlags {
            no_purge: false,
            force_purge: true,
        };
        assert_eq!(
            serde_json::to_value(force.body(false)).unwrap(),
            json!({"block": false, "purge": true, "force_purge": true})
        );
    }
}
