//! One room deletion, as `room delete` and `room purge-empty` both do it: the purge flags,
//! the v1 or v2 API (the v2 task waited for or not), and the human views of what the
//! server reports.

use crate::cli::kit::jobs::{Job, job_state, wait};
use crate::cli::kit::prelude::*;
use serde_json::{Map, Value, json};

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
    pub fn view(&self) -> &'static View {
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
        Api::V1 => call(ctx.client.delete_room_v1().room_id(room_id).body(body).send())
            .await
            .map(Deleted::Shutdown),
        Api::V2 { wait } => {
            let started =
                call(ctx.client.delete_room_v2().room_id(room_id).body(body).send()).await?;
            if wait {
                wait_for_deletion(ctx, &started.delete_id).await.map(Deleted::Finished)
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
pub const TASK: View = View::new(TASK_COLUMNS).reshape(flatten_task);
/// The tasks of a room (`delete-status -r`), one row each.
pub const TASKS: View = View::new(TASK_COLUMNS).reshape(flatten_tasks);
/// What a v1 deletion did.
const SHUTDOWN: View =
    View::new(&["kicked_users", "failed_to_kick_users", "local_aliases", "new_room_id"])
        .reshape(flatten_task);

/// Result rows of several deletions (`purge-empty`): a room ID plus the server's reply, or
/// an error.
pub const RESULTS: View =
    View::new(&["room_id", "status", "delete_id", "kicked_users", "failed_to_kick_users", "error"])
        .reshape(flatten_tasks);

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
            flatten_tasks(&json!({"results": [task, scheduled]})).as_array().map(Vec::len),
            Some(2)
        );
    }
    #[test]
    fn the_purge_flags_make_synadms_body() {
        let both_off = PurgeFlags { no_purge: false, force_purge: false };
        assert_eq!(
            serde_json::to_value(both_off.body(false)).unwrap(),
            json!({"block": false, "purge": true})
        );
        let keep = PurgeFlags { no_purge: true, force_purge: false };
        assert_eq!(
            serde_json::to_value(keep.body(true)).unwrap(),
            json!({"block": true, "purge": false})
        );
        let force = PurgeFlags { no_purge: false, force_purge: true };
        assert_eq!(
            serde_json::to_value(force.body(false)).unwrap(),
            json!({"block": false, "purge": true, "force_purge": true})
        );
    }
}
