//! Who holds power in a room as its creator. Since room version 12 (MSC4289, the default
//! in Synapse 1.163) the room's creators — the sender of `m.room.create` and its
//! `content.additional_creators` — hold unlimited power implicitly and may not appear in
//! `m.room.power_levels`' `users`. `make-admin` and `power-levels` both read the create
//! event to know who they are.

use crate::cli::kit::prelude::*;
use serde_json::Value;

/// Whether the room version gives the room's creators unlimited power (MSC4289): version
/// 12 and later, and its unstable predecessor.
pub fn creators_have_power(room_version: &str) -> bool {
    room_version == "org.matrix.hydra.11" || room_version.parse::<u32>().is_ok_and(|v| v >= 12)
}

/// What a room's create event says about power.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Creation {
    pub room_version: String,
    /// The sender and the additional creators.
    pub creators: Vec<String>,
}

impl Creation {
    fn from_event(event: &types::ClientEvent) -> Creation {
        let room_version =
            event.content.get("room_version").and_then(Value::as_str).unwrap_or("1").to_string();
        let mut creators = vec![event.sender.clone()];
        let additional = event.content.get("additional_creators");
        for c in additional.and_then(Value::as_array).into_iter().flatten() {
            if let Some(c) = c.as_str()
                && !creators.iter().any(|k| k == c)
            {
                creators.push(c.to_string());
            }
        }
        Creation { room_version, creators }
    }

    /// The users with unlimited power as creators: none before room version 12.
    pub fn powerful_creators(&self) -> &[String] {
        if creators_have_power(&self.room_version) { &self.creators } else { &[] }
    }
}

/// The current state event of `event_type` (state key "") of a room, if it has one.
pub async fn state_event(
    ctx: &Ctx,
    room_id: &str,
    event_type: &str,
) -> Result<Option<types::ClientEvent>, Error> {
    let state = call(ctx.client.get_room_state().room_id(room_id).type_(event_type).send()).await?;
    Ok(state
        .state
        .into_iter()
        .find(|e| e.type_ == event_type && e.state_key.as_deref() == Some("")))
}

/// The room's create event, read as the server currently knows the room; `None` when the
/// server has no state for it (it left the room).
pub async fn creation(ctx: &Ctx, room_id: &str) -> Result<Option<Creation>, Error> {
    Ok(state_event(ctx, room_id, "m.room.create").await?.map(|e| Creation::from_event(&e)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn creator_power_starts_with_room_version_12() {
        for v in ["12", "13", "org.matrix.hydra.11"] {
            assert!(creators_have_power(v), "{v}");
        }
        for v in ["1", "10", "11", "org.matrix.msc2176", ""] {
            assert!(!creators_have_power(v), "{v}");
        }
    }

    fn create_event(content: Value) -> types::ClientEvent {
        serde_json::from_value(json!({
            "event_id": "$c", "type": "m.room.create", "sender": "@c:x", "origin_server_ts": 1,
            "room_id": "!r", "state_key": "", "content": content, "unsigned": {},
            "user_id": "@c:x"
        }))
        .unwrap()
    }

    #[test]
    fn creators_are_the_sender_and_the_additional_creators_in_v12_only() {
        let v12 = Creation::from_event(&create_event(
            json!({"room_version": "12", "additional_creators": ["@d:x", "@c:x", 5]}),
        ));
        assert_eq!(v12.creators, ["@c:x", "@d:x"]);
        assert_eq!(v12.powerful_creators(), ["@c:x", "@d:x"]);
        let v10 = Creation::from_event(&create_event(json!({"room_version": "10"})));
        assert!(v10.powerful_creators().is_empty());
        let v1 = Creation::from_event(&create_event(json!({"creator": "@c:x"})));
        assert_eq!(v1.room_version, "1");
        assert!(v1.powerful_creators().is_empty());
    }
}
