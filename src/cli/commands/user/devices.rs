//! `user prune-devices`: delete devices not seen for a while, keeping the freshest ones.

use crate::cli::kit::prelude::*;
use synadm::time;

#[derive(Debug, clap::Args)]
pub struct PruneArgs {
    /// The user (full ID or localpart).
    user_id: String,
    /// Dry run: only show what would be deleted.
    #[arg(short, long)]
    list_only: bool,
    /// Only devices last seen at least this many days ago (never-seen devices always count).
    #[arg(short = 'd', long, default_value_t = 90, value_parser = crate::cli::kit::numbers::non_negative, allow_negative_numbers = true)]
    min_days: i64,
    /// Always keep at least this many devices (the most recently seen).
    #[arg(short = 's', long, default_value_t = 1, value_parser = crate::cli::kit::numbers::non_negative_u64,
          allow_negative_numbers = true)]
    min_surviving: u64,
    /// Only consider the device with this ID.
    #[arg(short = 'i', long)]
    device_id: Option<String>,
    #[command(flatten)]
    time: TimeArgs,
}

/// The devices to delete: the least recently seen first, only those idle for
/// `min_days` (or never seen), stopping when `min_surviving` devices would remain.
fn select(
    mut devices: Vec<types::Device>,
    cutoff_ms: i64,
    min_surviving: u64,
    device_id: Option<&str>,
) -> Vec<types::Device> {
    let total = devices.len() as u64;
    let deletable = total.saturating_sub(min_surviving) as usize;
    devices.sort_by_key(|d| d.last_seen_ts.unwrap_or(i64::MIN));
    devices
        .into_iter()
        .filter(|d| device_id.is_none_or(|id| d.device_id == id))
        .filter(|d| d.last_seen_ts.is_none_or(|ts| ts < cutoff_ms))
        .take(deletable)
        .collect()
}

impl Run for PruneArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        // Checked before any request: a day count too far out is a usage error, not a
        // half-done prune.
        let cutoff = time::days_from_now_ms(-a.min_days)?;
        let user_id = ctx.user_id(&a.user_id).await?;
        let list = call(ctx.client.list_user_devices().user_id(user_id.clone()).send()).await?;
        let total = list.devices.len();
        let doomed = select(list.devices, cutoff, a.min_surviving, a.device_id.as_deref());
        // As synadm: dates in every format unless --timestamp.
        let view = views::DEVICE.dates_everywhere().raw_times(a.time.raw());
        ctx.note(&format!(
            "{user_id} has {} device(s) marked for deletion and {} to be kept.",
            doomed.len(),
            total - doomed.len()
        ));
        if a.list_only || doomed.is_empty() {
            return ctx.print(&doomed, &view);
        }
        ctx.confirm(&format!("Delete these {} device(s) and log them out?", doomed.len()))?;
        let ids = doomed.iter().map(|d| d.device_id.clone()).collect();
        let body = types::DeleteDevicesRequest { devices: ids };
        call(ctx.client.delete_user_devices().user_id(user_id).body(body).send()).await?;
        ctx.print(&doomed, &view)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(id: &str, seen: Option<i64>) -> types::Device {
        serde_json::from_value(serde_json::json!({
            "device_id": id, "user_id": "@a:x", "last_seen_ts": seen,
            "display_name": null, "last_seen_ip": null, "last_seen_user_agent": null
        }))
        .unwrap()
    }

    fn ids(devices: &[types::Device]) -> Vec<&str> {
        devices.iter().map(|d| d.device_id.as_str()).collect()
    }

    #[test]
    fn oldest_first_and_never_seen_always_qualify() {
        let devices = vec![
            device("new", Some(900)),
            device("old", Some(100)),
            device("never", None),
            device("mid", Some(400)),
        ];
        assert_eq!(ids(&select(devices, 500, 1, None)), ["never", "old", "mid"]);
    }

    #[test]
    fn a_device_seen_exactly_at_the_cutoff_is_kept() {
        let devices = vec![device("at", Some(500)), device("before", Some(499))];
        assert_eq!(ids(&select(devices, 500, 0, None)), ["before"]);
    }

    #[test]
    fn min_surviving_keeps_the_freshest() {
        let devices = vec![device("a", Some(1)), device("b", Some(2)), device("c", Some(3))];
        assert_eq!(ids(&select(devices.clone(), 500, 2, None)), ["a"]);
        assert!(select(devices, 500, 3, None).is_empty());
    }

    #[test]
    fn device_filter_and_recent_devices() {
        let devices = vec![device("a", Some(1)), device("b", Some(2)), device("c", Some(999))];
        assert_eq!(ids(&select(devices.clone(), 500, 0, Some("b"))), ["b"]);
        assert!(select(devices, 500, 0, Some("c")).is_empty());
    }
}
