//! Printing an offset-paginated list: one page as the server sent it, or with `--all`
//! every page streamed as one list document.

use super::args::Paging;
use super::context::Ctx;
use futures::{TryFutureExt, TryStreamExt};
use serde::Serialize;
use std::future::Future;
use synadm::Error;
use synadm::api::{Page, Reply, pages};
use synadm::output::{Format, View};

fn values<T: Serialize>(items: &[T]) -> Result<Vec<serde_json::Value>, Error> {
    items.iter().map(|i| serde_json::to_value(i).map_err(|e| Error::Io(e.to_string()))).collect()
}

/// Streams every page from offset `from` on as one list document (`--all`); `view`
/// describes one item.
pub async fn print_all<P, F, Fut>(ctx: &Ctx, view: View, from: i64, fetch: F) -> Result<(), Error>
where
    P: Page,
    P::Item: Serialize,
    F: FnMut(i64) -> Fut,
    Fut: Future<Output = Result<P, Error>>,
{
    let mut out = ctx.list_writer(view)?;
    let mut stream = std::pin::pin!(pages(from, fetch));
    while let Some(items) = stream.try_next().await? {
        if !out.page_typed(&items)? {
            out.page(&values(&items)?)?;
        }
    }
    out.finish()
}

/// Prints one page of a paginated list (`fetch(offset)`), or with `--all` every page as
/// one list document. `view` describes one item. Human output shows the items as a
/// table, with `summary(total)` and a hint about the next page on stderr; the machine
/// formats print the server's page object unchanged (from its bytes, when the reply has them).
pub async fn print_paged<P, F, Fut>(
    ctx: &Ctx,
    paging: &Paging,
    view: View,
    summary: impl Fn(i64) -> String,
    mut fetch: F,
) -> Result<(), Error>
where
    P: Page + Serialize,
    P::Item: Serialize,
    F: FnMut(i64) -> Fut,
    Fut: Future<Output = Result<Reply<P>, Error>>,
{
    if paging.all {
        let typed = |at| fetch(at).map_ok(|reply| reply.value);
        return print_all(ctx, view, paging.from, typed).await;
    }
    let page = fetch(paging.from).await?;
    if ctx.format() != Format::Human {
        return ctx.print_reply(&page, &view);
    }
    ctx.note(&summary(page.value.total()));
    let (items, next) = page.value.split()?;
    // One page is a list of one page: the typed rows skip a tree per item.
    let mut out = ctx.list_writer(view)?;
    if !out.page_typed(&items)? {
        out.page(&values(&items)?)?;
    }
    out.finish()?;
    if let Some(next) = next {
        ctx.note(&format!("There are more than shown; use --from {next} or --all."));
    }
    Ok(())
}
