//! Queries about users that several command groups make: the users whose ID matches a
//! regular expression (`user deactivate-regex`, `notice send -r`), and the media a user
//! uploaded (`user media`, `media list -u`).

use super::prelude::*;
use futures::TryStreamExt;
use synadm::api::pages;

/// A regular expression matched at the start of each full user ID (like Python's
/// `re.match`); an invalid one is a usage error before any request.
pub fn id_pattern(regex: &str) -> Result<regex_lite::Regex, Error> {
    regex_lite::Regex::new(&format!("^(?:{regex})"))
        .map_err(|e| Error::Usage(format!("invalid regular expression {regex:?}: {e}")))
}

/// Every local, not deactivated user (guests included) whose ID matches `pattern`, fetched
/// `batch_size` users per request. Collected before anything is done to them: changing
/// users while paging would shift the offsets.
pub async fn matching(
    ctx: &Ctx,
    pattern: &regex_lite::Regex,
    batch_size: i64,
) -> Result<Vec<String>, Error> {
    let fetch = |at| call(ctx.client.list_users().from(at).limit(batch_size).guests(true).send());
    pages(0, fetch)
        .map_ok(|users| {
            futures::stream::iter(
                users
                    .into_iter()
                    .filter(|u| pattern.is_match(&u.name))
                    .map(|u| Ok::<_, Error>(u.name)),
            )
        })
        .try_flatten()
        .try_collect()
        .await
}

/// How to show a user's media.
pub struct MediaQuery<'a> {
    /// The user as given (full ID or localpart).
    pub user: &'a str,
    pub paging: &'a Paging,
    pub sort: Option<types::MediaOrderBy>,
    pub reverse: bool,
    pub time: &'a TimeArgs,
}

/// Prints the media a user uploaded: one page, or with `--all` every page.
pub async fn print_media(ctx: &Ctx, q: MediaQuery<'_>) -> Result<(), Error> {
    let user_id = ctx.user_id(q.user).await?;
    // As synadm: dates in every format unless --timestamp.
    let view = views::MEDIA.dates_everywhere().raw_times(q.time.raw());
    let (sort, reverse, limit) = (q.sort, q.reverse, q.paging.limit());
    let fetch = |at| {
        let mut b = ctx.client.list_user_media().user_id(user_id.clone()).from(at).limit(limit);
        if let Some(s) = sort {
            b = b.order_by(s);
        }
        if reverse {
            b = b.dir(types::Direction::B);
        }
        call_reply(b.send())
    };
    let summary = |total| format!("{user_id} has uploaded {total} media.");
    print_paged(ctx, q.paging, view, summary, fetch).await
}
