//! `media delete` (local media, by ID, by last access and size, or all of one user's) and
//! `media purge` (cached remote media, by last access).

use super::{listed_local, media_from_stdin, media_or_list, media_rows};
use crate::cli::kit::bulk::BulkArgs;
use crate::cli::kit::id_list::{self, ListRun, Target};
use crate::cli::kit::numbers::Checked;
use crate::cli::kit::prelude::*;
use futures::TryStreamExt;
use serde_json::Value;
use synadm::output::human_size;
use synadm::time;

/// The last-access cut-off of `delete` and `purge`: exactly one of the three is given
/// (for `delete`, `--media-id` joins this group instead).
#[derive(Debug, clap::Args)]
#[group(id = "cutoff", required = true, multiple = false)]
pub struct Cutoff {
    /// Media last accessed more than this many days ago.
    #[arg(short = 'd', long, value_name = "DAYS",
          value_parser = crate::cli::kit::numbers::non_negative, allow_negative_numbers = true)]
    before_days: Option<i64>,
    /// Media last accessed before this time: YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS,
    /// 'YYYY-MM-DD HH:MM:SS' (local time) or RFC 3339.
    #[arg(short = 'b', long, value_name = "DATETIME", value_parser = time::parse_datetime_ms)]
    before: Option<i64>,
    /// Media last accessed before this Unix time in milliseconds.
    #[arg(short = 't', long, value_name = "MS",
          value_parser = crate::cli::kit::numbers::non_negative, allow_negative_numbers = true)]
    before_ts: Option<i64>,
}

impl Cutoff {
    /// The cut-off in ms, if one was given.
    fn ms(&self) -> Result<Option<i64>, Error> {
        Ok(match (self.before_days, self.before, self.before_ts) {
            (Some(days), ..) => Some(time::days_from_now_ms(-days)?),
            (_, Some(ms), _) | (.., Some(ms)) => Some(ms),
            _ => None,
        })
    }

    /// The cut-off, which the group makes required.
    fn required_ms(&self) -> Result<i64, Error> {
        self.ms()?.ok_or_else(|| Error::Usage("give --before-days, --before or --before-ts".into()))
    }
}

/// A point in time for a question: local date and time.
fn when(ms: i64) -> String {
    time::humanize(ms).unwrap_or_else(|| format!("{ms} ms"))
}

#[derive(Debug, clap::Args)]
pub struct DeleteArgs {
    /// Delete this one local media item (its media ID); - reads media IDs (or MXC URIs of
    /// this server's media) from stdin, one a line.
    #[arg(short = 'i', long, group = "cutoff", value_parser = Checked(media_or_list))]
    media_id: Option<Target>,
    /// Delete every local media item this user uploaded (full ID or localpart); shows the
    /// count and total size first.
    #[arg(short = 'u', long = "user-id", value_name = "USER", group = "cutoff",
          conflicts_with_all = ["size", "delete_profiles"])]
    user: Option<String>,
    #[command(flatten)]
    cutoff: Cutoff,
    /// Only media larger than this many KiB (1 KiB = 1024 bytes).
    #[arg(long = "size", visible_alias = "kib", value_name = "KIB", conflicts_with = "media_id",
          value_parser = crate::cli::kit::numbers::non_negative, allow_negative_numbers = true)]
    size: Option<i64>,
    /// Also delete media still used as a user's or room's avatar (kept by default).
    #[arg(long, visible_alias = "all", conflicts_with = "media_id")]
    delete_profiles: bool,
    #[command(flatten, next_help_heading = "With a list of media (-i -)")]
    bulk: BulkArgs,
}

#[derive(Debug, clap::Args)]
pub struct PurgeArgs {
    #[command(flatten)]
    cutoff: Cutoff,
}

/// What `media delete` deleted: the media IDs, one per line in human output.
const DELETED: View = View::new(&[])
    .reshape(|reply| reply["deleted_media"].clone())
    .summary(|reply| Some(format!("Deleted {} media.", reply["total"])));

/// One media item described for a confirmation question (server data made safe for a
/// terminal).
fn describe(info: &types::MediaInfo) -> String {
    let mut parts = vec![info.media_type.clone()];
    if let Some(len) = info.media_length.and_then(|n| u64::try_from(n).ok()) {
        parts.push(human_size(len));
    }
    if let Some(name) = &info.upload_name {
        parts.push(format!("\"{name}\""));
    }
    if let Some(user) = &info.user_id {
        parts.push(format!("uploaded by {user} on {}", when(info.created_ts)));
    }
    if let Some(ts) = info.last_access_ts {
        parts.push(format!("last accessed {}", when(ts)));
    }
    synadm::output::sanitize(&parts.join(", "))
}

impl DeleteArgs {
    /// `-i -`: every local media item listed on stdin.
    async fn delete_listed(self, ctx: &Ctx) -> Result<(), Error> {
        let list = media_from_stdin(ctx, None).await?;
        let here = ctx.server_name().await?.to_string();
        let how = ListRun {
            question: "Delete these local media? This cannot be undone.",
            one: "media item",
            many: "media items",
        };
        let here = here.as_str();
        let action = |line: String| async move {
            let mxc = listed_local(&line, here, "deleted (remote media: media purge)")?;
            let delete = ctx.client.delete_media().server_name(&mxc.server_name);
            call(delete.media_id(&mxc.media_id).send()).await
        };
        id_list::run(ctx, &self.bulk, list, how, media_rows(), action).await
    }

    async fn delete_one(self, ctx: &Ctx, media_id: String) -> Result<(), Error> {
        let server = ctx.server_name().await?.to_string();
        let uri = format!("mxc://{server}/{media_id}");
        if !ctx.batch {
            // Show what is about to go; this also catches an unknown ID before asking.
            let info =
                call(ctx.client.get_media_info().server_name(&server).media_id(&media_id).send())
                    .await;
            match info {
                Ok(info) => ctx.note(&format!("{uri}: {}", describe(&info.media_info))),
                // Servers before 1.140 cannot describe one item; ask all the same.
                Err(Error::Unsupported { server, .. }) => ctx.note(&format!(
                    "{uri}: (Synapse {} cannot describe media before deleting it)",
                    synadm::output::sanitize(&server)
                )),
                Err(e) => return Err(e),
            }
            ctx.confirm(&format!("Delete the local media {uri}? This cannot be undone."))?;
        }
        let reply =
            call(ctx.client.delete_media().server_name(server).media_id(media_id).send()).await?;
        ctx.print(&reply, &DELETED)
    }

    async fn delete_old(self, ctx: &Ctx) -> Result<(), Error> {
        let before_ts = self.cutoff.required_ms()?;
        let size_gt = match self.size {
            Some(kib) => Some(
                kib.checked_mul(1024)
                    .ok_or_else(|| Error::Usage(format!("--size {kib} KiB is out of range")))?,
            ),
            None => None,
        };
        let mut what = format!("every local media item last accessed before {}", when(before_ts));
        if let Some(kib) = self.size {
            what.push_str(&format!(" and larger than {kib} KiB"));
        }
        what.push_str(if self.delete_profiles {
            ", avatars of users and rooms included"
        } else {
            " that is no user's or room's avatar"
        });
        ctx.confirm(&format!(
            "Delete {what}? Quarantined and protected media are kept. This cannot be undone."
        ))?;
        let mut b = ctx.client.delete_media_by_date_size().before_ts(before_ts);
        if let Some(size_gt) = size_gt {
            b = b.size_gt(size_gt);
        }
        if self.delete_profiles {
            b = b.keep_profiles(false);
        }
        let reply = call(b.send()).await?;
        ctx.print(&reply, &DELETED)
    }
}

/// Media deleted per request when deleting a user's media.
const USER_MEDIA_BATCH: i64 = 500;

/// Deletes all of one user's local media: counted first (how many, how big), asked, then
/// deleted oldest first in batches, never more than were counted (media uploaded meanwhile
/// is newer, and stays).
async fn delete_users_media(ctx: &Ctx, user: &str) -> Result<(), Error> {
    let user_id = ctx.user_id(user).await?;
    let fetch = |at| {
        let list = ctx.client.list_user_media().user_id(&user_id);
        call(list.from(at).limit(1000).send())
    };
    let (count, bytes) = synadm::api::pages(0, fetch)
        .try_fold((0i64, 0u64), |(n, size), page| async move {
            let more: u64 = page
                .iter()
                .filter_map(|m| m.media_length.and_then(|l| u64::try_from(l).ok()))
                .sum();
            Ok((n + page.len() as i64, size + more))
        })
        .await?;
    if count == 0 {
        ctx.note(&format!("{user_id} has no local media."));
        return ctx.print_value(&serde_json::json!({"deleted_media": [], "total": 0}), &DELETED);
    }
    ctx.confirm(&format!(
        "Delete all {count} local media items of {user_id} ({} in all)? This cannot be undone.",
        human_size(bytes)
    ))?;
    let mut deleted: Vec<String> = Vec::new();
    while (deleted.len() as i64) < count {
        let left = count - deleted.len() as i64;
        let batch = ctx
            .client
            .delete_user_media()
            .user_id(&user_id)
            .limit(left.min(USER_MEDIA_BATCH))
            .order_by(types::MediaOrderBy::CreatedTs)
            .dir(types::Direction::F);
        let reply = call(batch.send()).await?;
        if reply.deleted_media.is_empty() {
            break; // Gone meanwhile (deleted by someone else): nothing more to do.
        }
        deleted.extend(reply.deleted_media);
    }
    let total = deleted.len();
    ctx.print_value(&serde_json::json!({"deleted_media": deleted, "total": total}), &DELETED)
}

impl Run for DeleteArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        if let Some(user) = &self.user {
            return delete_users_media(ctx, user).await;
        }
        match self.media_id.clone() {
            Some(Target::One(id)) => self.delete_one(ctx, id).await,
            Some(Target::Stdin) => self.delete_listed(ctx).await,
            None => self.delete_old(ctx).await,
        }
    }
}

/// What `media purge` removed.
const PURGED: View = View::new(&["deleted"]).summary(|reply: &Value| {
    Some(format!("Purged {} cached remote media files.", reply["deleted"]))
});

impl Run for PurgeArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let before_ts = self.cutoff.required_ms()?;
        let reply = call(ctx.client.purge_media_cache().before_ts(before_ts).send()).await?;
        ctx.print(&reply, &PURGED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cutoff(days: Option<i64>, before: Option<i64>, ts: Option<i64>) -> Cutoff {
        Cutoff { before_days: days, before, before_ts: ts }
    }

    #[test]
    fn cutoff_from_days_dates_or_milliseconds() {
        assert_eq!(cutoff(None, Some(5), None).ms().unwrap(), Some(5));
        assert_eq!(cutoff(None, None, Some(7)).ms().unwrap(), Some(7));
        assert_eq!(cutoff(None, None, None).ms().unwrap(), None);
        let ten_days_ago = cutoff(Some(10), None, None).ms().unwrap().unwrap();
        let expected = time::now_ms() - 10 * 86_400_000;
        assert!((ten_days_ago - expected).abs() < 5_000, "{ten_days_ago}");
    }

    #[test]
    fn a_confirmation_describes_the_media() {
        let info: types::MediaInfo = serde_json::from_value(serde_json::json!({
            "media_origin": null, "user_id": "@alice:x", "media_id": "abc",
            "media_type": "image/png", "media_length": 2048, "upload_name": "pixel\n.png",
            "created_ts": 1_700_000_000_000_i64, "filesystem_id": null, "url_cache": null,
            "last_access_ts": null, "quarantined_by": null, "authenticated": true,
            "safe_from_quarantine": false, "sha256": null
        }))
        .unwrap();
        let text = describe(&info);
        assert!(
            text.starts_with(
                r#"image/png, 2.0 KiB, "pixel\n.png", uploaded by @alice:x on 2023-11-1"#
            ),
            "{text}"
        );
    }
}
