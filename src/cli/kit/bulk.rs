//! The bulk engine: one action for many items (users to deactivate, rooms to delete,
//! notices to send) with bounded concurrency that slows down when the server rate-limits,
//! and one result list at the end.

use super::context::Ctx;
use futures::StreamExt;
use serde_json::Value;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use synadm::Error;
use synadm::output::View;
use tokio::sync::Semaphore;

/// Items in flight at once by default: Synapse does each admin action in one worker, so a
/// few suffice, and more would crowd out the server's other users.
pub const PARALLEL: usize = 4;
/// Tries per item when the server answers 429 (after the client's own Retry-After waits).
const RATE_LIMIT_TRIES: u32 = 4;
const RATE_LIMIT_PAUSE: Duration = Duration::from_secs(1);

/// Runs `action` for every item, at most `parallel` at once, keeping the input order in
/// the results. A 429 answer takes one slot away for the rest of the run (down to one)
/// and the item is tried again after a pause.
pub async fn run_all<I, T, F, Fut>(
    items: Vec<I>,
    parallel: usize,
    action: F,
) -> Vec<(I, Result<T, Error>)>
where
    I: Clone,
    F: Fn(I) -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let parallel = parallel.max(1);
    let slots = Arc::new(Semaphore::new(parallel));
    let open = AtomicUsize::new(parallel);
    let action = &action;
    let (slots, open) = (&slots, &open);
    futures::stream::iter(items.into_iter().map(|item| async move {
        let mut tries = 0;
        loop {
            tries += 1;
            let Ok(permit) = slots.acquire().await else {
                return (item, Err(Error::Io("the bulk run was stopped".into())));
            };
            let result = action(item.clone()).await;
            let limited = matches!(result, Err(Error::Matrix { status: 429, .. }));
            if limited && open.load(Ordering::SeqCst) > 1 {
                open.fetch_sub(1, Ordering::SeqCst);
                permit.forget();
            } else {
                drop(permit);
            }
            if limited && tries < RATE_LIMIT_TRIES {
                tokio::time::sleep(RATE_LIMIT_PAUSE * tries).await;
                continue;
            }
            return (item, result);
        }
    }))
    .buffered(parallel)
    .collect()
    .await
}

/// Prints one result list (a row per item from `ok_row` or `failed_row`, which gets the
/// error's one-line text) and fails with the first error if any item failed, after saying
/// how many.
pub fn report<T>(
    ctx: &Ctx,
    results: Vec<(String, Result<T, Error>)>,
    ok_row: impl Fn(&str, &T) -> Value,
    failed_row: impl Fn(&str, &str) -> Value,
    view: &View,
) -> Result<(), Error> {
    let total = results.len();
    let mut first_error = None;
    let mut failed = 0;
    let mut rows = Vec::with_capacity(total);
    for (item, result) in results {
        match result {
            Ok(value) => rows.push(ok_row(&item, &value)),
            Err(e) => {
                failed += 1;
                rows.push(failed_row(&item, &e.to_string()));
                first_error.get_or_insert(e);
            }
        }
    }
    ctx.print(&rows, view)?;
    outcome(ctx, failed, total, first_error)
}

/// The end of a bulk run: success, or after saying how many failed, the first error.
pub fn outcome(
    ctx: &Ctx,
    failed: usize,
    total: usize,
    first_error: Option<Error>,
) -> Result<(), Error> {
    match first_error {
        None => Ok(()),
        Some(e) => {
            ctx.note(&format!(
                "{failed} of {total} failed; the first error follows."
            ));
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
            .block_on(f)
    }

    /// Runs `f` on a paused clock (sleeps end at once, in order) and returns its output with
    /// the time that passed on that clock. A run that never ends fails after an hour of it.
    fn on_paused_clock<F: Future>(f: F) -> (F::Output, Duration) {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap()
            .block_on(async {
                let start = tokio::time::Instant::now();
                let out = tokio::time::timeout(Duration::from_secs(3600), f)
                    .await
                    .expect("the bulk run never ended (a lost slot?)");
                (out, start.elapsed())
            })
    }

    fn limited() -> Error {
        Error::Matrix {
            status: 429,
            errcode: "M_LIMIT_EXCEEDED".into(),
            message: "slow down".into(),
        }
    }

    /// An action that takes 10 ms and records how many were running at each start.
    struct Recorder {
        running: AtomicUsize,
        starts: Mutex<Vec<(u32, usize)>>,
    }

    impl Recorder {
        fn new() -> Recorder {
            Recorder {
                running: AtomicUsize::new(0),
                starts: Mutex::new(Vec::new()),
            }
        }

        /// Item `i`'s `n`-th try, with how many tries (including this one) were running.
        async fn call(&self, i: u32, result: Result<u32, Error>) -> Result<u32, Error> {
            let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
            self.starts.lock().unwrap().push((i, now));
            tokio::time::sleep(Duration::from_millis(10)).await;
            self.running.fetch_sub(1, Ordering::SeqCst);
            result
        }

        fn tries_of(&self, i: u32) -> usize {
            self.starts
                .lock()
                .unwrap()
                .iter()
                .filter(|(x, _)| *x == i)
                .count()
        }
    }

    #[test]
    fn successes_keep_every_slot() {
        let rec = Recorder::new();
        let (results, elapsed) =
            on_paused_clock(run_all((0..8).collect(), 2, |i| rec.call(i, Ok(i))));
        assert!(results.iter().all(|(i, r)| r.as_ref().ok() == Some(i)));
        // Eight 10 ms calls two at a time: four rounds, and two running at every start
        // but the first.
        assert_eq!(elapsed, Duration::from_millis(40));
        let starts = rec.starts.lock().unwrap().clone();
        assert_eq!(
            starts.iter().filter(|(_, n)| *n == 2).count(),
            4,
            "{starts:?}"
        );
    }

    #[test]
    fn an_item_limited_every_time_is_tried_four_times_with_growing_pauses() {
        let rec = Recorder::new();
        let (results, elapsed) =
            on_paused_clock(run_all(vec![1], 1, |i| rec.call(i, Err(limited()))));
        assert!(matches!(
            results[0].1,
            Err(Error::Matrix { status: 429, .. })
        ));
        assert_eq!(rec.tries_of(1), 4);
        // Four 10 ms tries with pauses of 1 s, 2 s and 3 s between them.
        assert_eq!(elapsed, Duration::from_millis(6040));
    }

    #[test]
    fn a_rate_limit_takes_a_slot_away_for_the_rest_of_the_run_but_never_the_last() {
        let rec = Recorder::new();
        let first = AtomicUsize::new(0);
        let (results, _) = on_paused_clock(run_all((0..6).collect(), 2, |i| {
            // Item 0's first two tries are rate-limited: the first takes a slot away, the
            // second may not take the last one.
            let result = if i == 0 && first.fetch_add(1, Ordering::SeqCst) < 2 {
                Err(limited())
            } else {
                Ok(i)
            };
            rec.call(i, result)
        }));
        assert!(
            results.iter().all(|(i, r)| r.as_ref().ok() == Some(i)),
            "{results:?}"
        );
        assert_eq!(rec.tries_of(0), 3);
        let starts = rec.starts.lock().unwrap().clone();
        // Two at once until the 429 comes back; one at a time after it.
        assert_eq!(starts[..2], [(0, 1), (1, 2)], "{starts:?}");
        assert!(starts[2..].iter().all(|(_, n)| *n == 1), "{starts:?}");
    }

    #[test]
    fn results_keep_the_input_order_and_concurrency_is_bounded() {
        let running = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        let results = block_on(run_all((0..20).collect(), 3, |i: u32| {
            let (running, peak) = (&running, &peak);
            async move {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(2)).await;
                running.fetch_sub(1, Ordering::SeqCst);
                if i == 7 {
                    Err(Error::Usage("seven".into()))
                } else {
                    Ok(i * 10)
                }
            }
        }));
        let items: Vec<u32> = results.iter().map(|(i, _)| *i).collect();
        assert_eq!(items, (0..20).collect::<Vec<_>>());
        assert_eq!(results[3].1.as_ref().unwrap(), &30);
        assert!(matches!(results[7].1, Err(Error::Usage(_))));
        assert_eq!(peak.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn rate_limited_items_are_retried_with_fewer_slots() {
        let calls = Mutex::new(Vec::new());
        let results = block_on(run_all(vec!["a", "b"], 2, |item: &str| {
            let calls = &calls;
            async move {
                let n = {
                    let mut c = calls.lock().unwrap();
                    c.push(item);
                    c.iter().filter(|x| **x == item).count()
                };
                if item == "a" && n == 1 {
                    Err(Error::Matrix {
                        status: 429,
                        errcode: "M_LIMIT_EXCEEDED".into(),
                        message: "slow down".into(),
                    })
                } else {
                    Ok(n)
                }
            }
        }));
        assert_eq!(
            results[0].1.as_ref().unwrap(),
            &2,
            "a succeeded on its second try"
        );
        assert_eq!(results[1].1.as_ref().unwrap(), &1);
    }
}
