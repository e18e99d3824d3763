//! `media quarantine`, `media unquarantine` and `media protect`.

use super::{listed_local, listed_mxc, media_from_stdin, media_or_list, media_rows};
use crate::cli::kit::bulk::BulkArgs;
use crate::cli::kit::id_list::{self, ListRun, Target};
use crate::cli::kit::numbers::Checked;
use crate::cli::kit::prelude::*;
use clap::ArgGroup;
use synadm::ids::parse_room_id;
use synadm::mxc::{Mxc, parse_server_name};

#[derive(Debug, clap::Args)]
#[command(group(ArgGroup::new("what").required(true)
    .args(["media_id", "room_id", "user_id", "mxc_uri"])))]
pub struct QuarantineArgs {
    /// Quarantine the media with this media ID (on this server, or on --server-name); - reads
    /// media IDs or MXC URIs from stdin, one a line.
    #[arg(short = 'i', long, value_parser = Checked(media_or_list))]
    media_id: Option<Target>,
    /// Quarantine all media referenced in this room (room ID, '!abcdefg:example.org').
    #[arg(short = 'r', long, value_parser = parse_room_id)]
    room_id: Option<String>,
    /// Quarantine all media this user uploaded (full ID or localpart).
    #[arg(short = 'u', long)]
    user_id: Option<String>,
    /// Quarantine the media with this MXC URI (mxc://server/media-id).
    #[arg(short = 'U', long, value_name = "MXC_URI", value_parser = crate::cli::kit::numbers::Checked(Mxc::parse))]
    mxc_uri: Option<Mxc>,
    /// The server the --media-id belongs to (remote media); default: this server.
    // clap lets `requires` pass when the required argument conflicts with a given one.
    #[arg(short = 's', long, requires = "media_id", value_parser = parse_server_name,
          conflicts_with_all = ["room_id", "user_id", "mxc_uri"])]
    server_name: Option<String>,
    #[command(flatten, next_help_heading = "With a list of media (-i -)")]
    bulk: BulkArgs,
}

#[derive(Debug, clap::Args)]
#[command(group(ArgGroup::new("what").required(true).args(["media_id", "mxc_uri"])))]
pub struct UnquarantineArgs {
    /// Remove the media with this media ID from quarantine (on this server, or on
    /// --server-name); - reads media IDs or MXC URIs from stdin, one a line.
    #[arg(short = 'i', long, value_parser = Checked(media_or_list))]
    media_id: Option<Target>,
    /// Remove the media with this MXC URI (mxc://server/media-id) from quarantine.
    #[arg(short = 'U', long, value_name = "MXC_URI", value_parser = crate::cli::kit::numbers::Checked(Mxc::parse))]
    mxc_uri: Option<Mxc>,
    /// The server the --media-id belongs to (remote media); default: this server.
    #[arg(short = 's', long, requires = "media_id", value_parser = parse_server_name,
          conflicts_with = "mxc_uri")]
    server_name: Option<String>,
    #[command(flatten, next_help_heading = "With a list of media (-i -)")]
    bulk: BulkArgs,
}

#[derive(Debug, clap::Args)]
pub struct ProtectArgs {
    /// The media ID of the local media, or - to read media IDs (or MXC URIs of this
    /// server's media) from stdin, one a line.
    #[arg(value_parser = Checked(media_or_list))]
    media_id: Target,
    /// Lift the protection instead (Python synadm has no way to).
    #[arg(short, long)]
    unprotect: bool,
    #[command(flatten, next_help_heading = "With a list of media (-)")]
    bulk: BulkArgs,
}

/// The one media item that `-i [-s]` or `-U` names; without `-s` it is on this server.
async fn target(
    ctx: &Ctx,
    media_id: Option<String>,
    server_name: Option<String>,
    mxc: Option<Mxc>,
) -> Result<Mxc, Error> {
    if let Some(mxc) = mxc {
        return Ok(mxc);
    }
    let media_id = media_id.ok_or_else(|| Error::Usage("give --media-id or --mxc-uri".into()))?;
    let server_name = match server_name {
        Some(s) => s,
        None => ctx.server_name().await?.to_string(),
    };
    Ok(Mxc { server_name, media_id })
}

/// Quarantines (or with `release`, releases) every media item listed on stdin; their media
/// IDs are on `server` (this server when `None`) unless given as MXC URIs.
async fn each_listed(
    ctx: &Ctx,
    bulk: &BulkArgs,
    server: Option<String>,
    release: bool,
) -> Result<(), Error> {
    let list = media_from_stdin(ctx, server).await?;
    let how = ListRun {
        question: if release {
            "Remove these media from quarantine?"
        } else {
            "Quarantine these media?"
        },
        one: "media item",
        many: "media items",
    };
    let action = |line: String| async move {
        let mxc = listed_mxc(&line)?;
        if release {
            let request = ctx.client.unquarantine_media().server_name(&mxc.server_name);
            call(request.media_id(&mxc.media_id).send()).await
        } else {
            let request = ctx.client.quarantine_media().server_name(&mxc.server_name);
            call(request.media_id(&mxc.media_id).send()).await
        }
    };
    id_list::run(ctx, bulk, list, how, media_rows(), action).await
}

/// How many media were quarantined.
const QUARANTINED: View = View::new(&["num_quarantined"]);

impl Run for QuarantineArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        if let Some(room_id) = a.room_id {
            let reply =
                call(ctx.client.quarantine_room_media().room_id(room_id.clone()).send()).await?;
            ctx.note(&format!("Quarantined {} media of room {room_id}.", reply.num_quarantined));
            return ctx.print(&reply, &QUARANTINED);
        }
        if let Some(user) = a.user_id {
            let user_id = ctx.user_id(&user).await?;
            let reply =
                call(ctx.client.quarantine_user_media().user_id(user_id.clone()).send()).await?;
            ctx.note(&format!(
                "Quarantined {} media uploaded by {user_id}.",
                reply.num_quarantined
            ));
            return ctx.print(&reply, &QUARANTINED);
        }
        let media_id = match a.media_id {
            Some(Target::Stdin) => return each_listed(ctx, &a.bulk, a.server_name, false).await,
            Some(Target::One(id)) => Some(id),
            None => None,
        };
        let mxc = target(ctx, media_id, a.server_name, a.mxc_uri).await?;
        let reply = call(
            ctx.client
                .quarantine_media()
                .server_name(&mxc.server_name)
                .media_id(&mxc.media_id)
                .send(),
        )
        .await?;
        ctx.note(&format!("Quarantined {mxc}."));
        ctx.print(&reply, &View::PLAIN)
    }
}

impl Run for UnquarantineArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        let media_id = match a.media_id {
            Some(Target::Stdin) => return each_listed(ctx, &a.bulk, a.server_name, true).await,
            Some(Target::One(id)) => Some(id),
            None => None,
        };
        let mxc = target(ctx, media_id, a.server_name, a.mxc_uri).await?;
        let reply = call(
            ctx.client
                .unquarantine_media()
                .server_name(&mxc.server_name)
                .media_id(&mxc.media_id)
                .send(),
        )
        .await?;
        ctx.note(&format!("Removed {mxc} from quarantine."));
        ctx.print(&reply, &View::PLAIN)
    }
}

/// Protects one local media item, or lifts its protection.
async fn protect(ctx: &Ctx, media_id: &str, unprotect: bool) -> Result<types::Empty, Error> {
    if unprotect {
        call(ctx.client.unprotect_media().media_id(media_id).send()).await
    } else {
        call(ctx.client.protect_media().media_id(media_id).send()).await
    }
}

impl Run for ProtectArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        let media_id = match a.media_id {
            Target::One(id) => id,
            Target::Stdin => {
                let list = media_from_stdin(ctx, None).await?;
                let here = ctx.server_name().await?.to_string();
                let how = ListRun {
                    question: if a.unprotect {
                        "Lift the protection of these media?"
                    } else {
                        "Protect these media from quarantine?"
                    },
                    one: "media item",
                    many: "media items",
                };
                let here = here.as_str();
                let action = |line: String| async move {
                    let mxc = listed_local(&line, here, "protected")?;
                    protect(ctx, &mxc.media_id, a.unprotect).await
                };
                return id_list::run(ctx, &a.bulk, list, how, media_rows(), action).await;
            }
        };
        let reply = protect(ctx, &media_id, a.unprotect).await?;
        ctx.note(&format!(
            "Local media {} is {} protected from quarantine.",
            media_id,
            if a.unprotect { "no longer" } else { "now" }
        ));
        ctx.print(&reply, &View::PLAIN)
    }
}
