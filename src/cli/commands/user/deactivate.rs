//! `user deactivate` and `user deactivate-regex`.

use crate::cli::kit::bulk;
use crate::cli::kit::id_list::{self, ListRun, Target};
use crate::cli::kit::prelude::*;
use crate::cli::kit::stderr::counted;
use crate::cli::kit::user_queries;
use serde_json::json;
use synadm::ids::UserArg;
use synadm::output::sanitize;

#[derive(Debug, clap::Args)]
pub struct DeactivateArgs {
    /// The user (full ID or localpart), or - to read users from stdin, one a line.
    user_id: String,
    /// Also GDPR-erase: their messages stay visible to those who saw them, but are hidden
    /// from users joining later.
    #[arg(short = 'e', long)]
    gdpr_erase: bool,
    #[command(flatten, next_help_heading = "With a list of users (-)")]
    bulk: bulk::BulkArgs,
}

#[derive(Debug, clap::Args)]
pub struct DeactivateRegexArgs {
    /// Regular expression matched against the start of each full user ID
    /// (like Python's re.match), e.g. '@spam[0-9]+:'.
    regex: String,
    /// Also GDPR-erase the matched users.
    #[arg(short = 'e', long)]
    gdpr_erase: bool,
    /// List the matching users but deactivate nobody.
    #[arg(short = 'n', long)]
    dry_run: bool,
    /// Also deactivate the admin running this command if their ID matches (left out
    /// otherwise).
    #[arg(long)]
    include_self: bool,
    /// Users fetched per request while scanning.
    #[arg(short = 'p', long, visible_alias = "paginate", default_value_t = 500,
          value_parser = crate::cli::kit::numbers::positive, allow_negative_numbers = true)]
    batch_size: i64,
    #[command(flatten)]
    bulk: bulk::BulkArgs,
}

async fn deactivate(
    ctx: &Ctx,
    user_id: &str,
    erase: bool,
) -> Result<types::DeactivateResult, Error> {
    let body = types::DeactivateRequest { erase: Some(erase) };
    call(ctx.client.deactivate_user().user_id(user_id).body(body).send()).await
}

/// The question's verb.
fn action(erase: bool) -> &'static str {
    if erase { "Deactivate and GDPR-erase" } else { "Deactivate" }
}

/// The rows of a run that deactivates users.
fn deactivated_rows<'a>() -> bulk::Rows<'a, String, types::DeactivateResult> {
    bulk::Rows::of_ids(
        View::new(&["user_id", "deactivated"]),
        &|id, res: &types::DeactivateResult| {
            json!({"user_id": id, "deactivated": true,
                   "id_server_unbind_result": res.id_server_unbind_result})
        },
        &|id, error| json!({"user_id": id, "deactivated": false, "error": error}),
    )
}

impl Run for DeactivateArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        if Target::of(&a.user_id) == Target::Stdin {
            let list = id_list::users_from_stdin(ctx).await?;
            let how = ListRun {
                question: if a.gdpr_erase {
                    "Deactivate and GDPR-erase these users? It cannot be undone."
                } else {
                    "Deactivate these users? It cannot be undone."
                },
                one: "user",
                many: "users",
            };
            let erase = a.gdpr_erase;
            let action = |id: String| async move { deactivate(ctx, &id, erase).await };
            return id_list::run(ctx, &a.bulk, list, how, deactivated_rows(), action).await;
        }
        let user_id = ctx.user_id(&a.user_id).await?;
        // Who is about to go; this also catches unknown users before anything is asked.
        let user = call(ctx.client.get_user().user_id(user_id.clone()).send()).await?;
        if user.deactivated {
            // Synapse does it again without a word (it removes what may have come back).
            ctx.note(&format!("{user_id} is deactivated already; deactivating it again."));
        }
        if !ctx.batch {
            let rooms =
                call(ctx.client.list_user_joined_rooms().user_id(user_id.clone()).send()).await?;
            ctx.note(&format!(
                "{user_id} ({}) is an {}account in {}. Deactivation removes their access \
             tokens and password, makes them leave every room and removes their 3PIDs; it \
             cannot be undone.",
                sanitize(user.displayname.as_deref().unwrap_or("no display name")),
                if user.admin { "admin " } else { "" },
                counted(rooms.total, "room", "rooms")
            ));
            ctx.confirm(&format!("{} {user_id}?", action(a.gdpr_erase)))?;
        }
        let result = deactivate(ctx, &user_id, a.gdpr_erase).await?;
        let erased = if a.gdpr_erase { " and GDPR-erased" } else { "" };
        ctx.note(&format!("User {user_id} deactivated{erased}."));
        ctx.print(&result, &View::PLAIN)
    }
}

/// The account running this command: whoami's answer, or else the config's `user` with the
/// server name. Keeping it out needs to know it, so not knowing stops the command.
async fn running_admin(ctx: &Ctx) -> Result<String, Error> {
    let why = match call(ctx.client.whoami().send()).await {
        Ok(me) => return Ok(me.user_id),
        // A bad token is the real problem; report it as such.
        Err(e @ Error::Matrix { status: 401 | 403, .. }) => return Err(e),
        Err(e) => e,
    };
    match ctx.configured_user().map(UserArg::parse) {
        Some(Ok(user)) => user.complete(ctx.server_name().await?),
        _ => Err(Error::Config(format!(
            "cannot tell which account runs this command (whoami: {why}), so it cannot be \
             kept out; set `user` in the config, or pass --include-self"
        ))),
    }
}

impl Run for DeactivateRegexArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        let pattern = user_queries::id_pattern(&a.regex)?;
        let me = if a.include_self { None } else { Some(running_admin(ctx).await?) };

        let mut matches = user_queries::matching(ctx, &pattern, a.batch_size).await?;
        if let Some(me) = &me
            && matches.contains(me)
        {
            matches.retain(|id| id != me);
            ctx.note(&format!(
                "Leaving out {me}, the admin running this command; pass --include-self to \
                 deactivate it too."
            ));
        }

        if a.dry_run || matches.is_empty() {
            let outcome =
                if a.dry_run { "dry run, nobody was deactivated" } else { "nobody to deactivate" };
            ctx.note(&format!("{} active user(s) match; {outcome}.", matches.len()));
            return ctx.print(&matches, &View::PLAIN);
        }
        let preview: Vec<&str> = matches.iter().take(10).map(String::as_str).collect();
        ctx.note(&format!(
            "{} user(s) match: {}{}",
            matches.len(),
            preview.join(", "),
            if matches.len() > preview.len() { ", …" } else { "" }
        ));
        let users_named = match matches.len() {
            1 => "this user".to_string(),
            n => format!("these {n} users"),
        };
        ctx.confirm(&format!("{} {users_named}?", action(a.gdpr_erase)))?;

        let total = matches.len() as u64;
        let erase = a.gdpr_erase;
        let users = futures::stream::iter(matches);
        let action = |id: String| async move { deactivate(ctx, &id, erase).await };
        bulk::run(ctx, &a.bulk, Some(total), users, action, &deactivated_rows()).await?;
        Ok(())
    }
}
