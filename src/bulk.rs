//! One action over many items (users to deactivate, rooms to block, media to quarantine),
//! as many at once as the client's [`Pacer`] allows, with every outcome streamed as it comes.
//!
//! The input is a stream, read as slots free up, so a million-line ID list never sits in
//! memory. Rate limits pace the whole run through the pacer (the client's hooks wait and
//! retry); a [`Stop`] ends it cleanly: nothing new is sent, what is in flight finishes, and
//! every item not sent comes out as [`Outcome::Unsent`], so that each input item ends up in
//! exactly one outcome. A server asking for a longer wait than [`MAX_WAIT`] stops the run the
//! same way.
//!
//! ```ignore
//! let users = futures::stream::iter(ids);
//! let stop = Stop::default();
//! let pacer = synadm::api::pacer_of(&client);
//! let mut outcomes = std::pin::pin!(synadm::bulk::run(users, pacer, stop, |id: String| {
//!     let client = client.clone();
//!     async move { call(client.deactivate_user().user_id(id).send()).await }
//! }));
//! while let Some(done) = outcomes.next().await { /* done.index, done.item, done.outcome */ }
//! ```
//!
//! [`MAX_WAIT`]: crate::api::pacer::MAX_WAIT

use crate::Error;
use crate::api::pacer::Pacer;
use futures::{Stream, StreamExt};
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::Notify;

/// What became of one item.
#[derive(Debug)]
pub enum Outcome<T> {
    /// The action succeeded with this value.
    Done(T),
    /// The action failed.
    Failed(Error),
    /// The run stopped before the item was sent.
    Unsent,
}

/// One item's outcome, with its place in the input (from 0).
#[derive(Debug)]
pub struct Finished<I, T> {
    pub index: usize,
    pub item: I,
    pub outcome: Outcome<T>,
}

/// Why a run stopped early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// [`Stop::stop`] was called (for the command line: Ctrl-C or SIGTERM).
    Asked,
    /// The server asked to wait this long after a 429, longer than the client waits.
    RateLimited(Duration),
}

/// Ends a run cleanly from outside (or from inside, on too long a rate limit). Clones share
/// the state.
#[derive(Debug, Clone, Default)]
pub struct Stop(Arc<StopState>);

#[derive(Debug, Default)]
struct StopState {
    stopped: AtomicBool,
    reason: std::sync::Mutex<Option<StopReason>>,
    notify: Notify,
}

impl Stop {
    /// Stops the run: nothing new is sent.
    pub fn stop(&self) {
        self.stop_for(StopReason::Asked);
    }

    fn stop_for(&self, reason: StopReason) {
        let mut first = self.0.reason.lock().unwrap_or_else(|e| e.into_inner());
        first.get_or_insert(reason);
        drop(first);
        self.0.stopped.store(true, Ordering::SeqCst);
        self.0.notify.notify_waiters();
    }

    pub fn is_stopped(&self) -> bool {
        self.0.stopped.load(Ordering::SeqCst)
    }

    /// Why the run stopped, if it did.
    pub fn reason(&self) -> Option<StopReason> {
        *self.0.reason.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Completes once the run is stopped.
    pub async fn stopped(&self) {
        loop {
            let notified = self.0.notify.notified();
            let mut notified = std::pin::pin!(notified);
            notified.as_mut().enable();
            if self.is_stopped() {
                return;
            }
            notified.await;
        }
    }
}

/// Runs `action` for each item of `items`, each once it holds one of `pacer`'s slots, and
/// yields each outcome as it finishes (not in input order: see [`Finished::index`]). After
/// `stop`, the items left come out [`Outcome::Unsent`] without waiting.
pub fn run<'a, I, T, S, F, Fut>(
    items: S,
    pacer: &'a Pacer,
    stop: Stop,
    action: F,
) -> impl Stream<Item = Finished<I, T>> + 'a
where
    I: Clone + 'a,
    T: 'a,
    S: Stream<Item = I> + 'a,
    F: Fn(I) -> Fut + 'a,
    Fut: Future<Output = Result<T, Error>> + 'a,
{
    let action = Arc::new(action);
    let width = pacer.max_concurrency();
    items
        .enumerate()
        .map(move |(index, item)| {
            let (stop, action) = (stop.clone(), action.clone());
            async move {
                let unsent = |item| Finished { index, item, outcome: Outcome::Unsent };
                if stop.is_stopped() {
                    return unsent(item);
                }
                let slot = tokio::select! {
                    biased;
                    _ = stop.stopped() => return unsent(item),
                    slot = pacer.slot() => slot,
                };
                let result = action(item.clone()).await;
                drop(slot);
                if let Some(wait) = pacer.refused_wait() {
                    stop.stop_for(StopReason::RateLimited(wait));
                }
                let outcome = match result {
                    Ok(value) => Outcome::Done(value),
                    Err(e) => Outcome::Failed(e),
                };
                Finished { index, item, outcome }
            }
        })
        .buffer_unordered(width)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use std::sync::atomic::AtomicUsize;
    use tokio::time::Instant;

    /// Runs `f` on a paused clock (sleeps end at once, in order); a run that never ends fails
    /// after an hour of that clock.
    fn on_paused_clock<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap()
            .block_on(async {
                tokio::time::timeout(Duration::from_secs(3600), f)
                    .await
                    .expect("the run never ended")
            })
    }

    /// An action taking 10 ms that records how many ran at each start.
    #[derive(Default)]
    struct Recorder {
        running: AtomicUsize,
        starts: Mutex<Vec<(u32, usize, Duration)>>,
    }

    impl Recorder {
        async fn call(
            &self,
            i: u32,
            start: Instant,
            result: Result<u32, Error>,
        ) -> Result<u32, Error> {
            let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
            self.starts.lock().unwrap().push((i, now, start.elapsed()));
            tokio::time::sleep(Duration::from_millis(10)).await;
            self.running.fetch_sub(1, Ordering::SeqCst);
            result
        }
    }

    #[test]
    fn every_item_comes_out_once_and_no_more_run_than_the_slots() {
        let rec = Recorder::default();
        let pacer = Pacer::new(3);
        let out = on_paused_clock(async {
            let start = Instant::now();
            let s = run(futures::stream::iter(0..10u32), &pacer, Stop::default(), |i| {
                rec.call(
                    i,
                    start,
                    if i == 4 { Err(Error::Usage("four".into())) } else { Ok(i * 2) },
                )
            });
            s.collect::<Vec<_>>().await
        });
        let mut indexes: Vec<usize> = out.iter().map(|f| f.index).collect();
        indexes.sort();
        assert_eq!(indexes, (0..10).collect::<Vec<_>>());
        for f in &out {
            assert_eq!(f.index as u32, f.item);
            match (&f.outcome, f.item) {
                (Outcome::Failed(Error::Usage(m)), 4) => assert_eq!(m, "four"),
                (Outcome::Done(v), i) => assert_eq!(*v, i * 2),
                other => panic!("{other:?}"),
            }
        }
        let starts = rec.starts.lock().unwrap().clone();
        assert_eq!(starts.iter().map(|s| s.1).max(), Some(3), "{starts:?}");
        // Ten 10 ms actions three at a time: four rounds.
        assert_eq!(starts.last().unwrap().2, Duration::from_millis(30));
    }

    #[test]
    fn a_rate_limit_pauses_the_pool_and_shrinks_it() {
        let rec = Recorder::default();
        let pacer = Pacer::new(4);
        let out = on_paused_clock(async {
            let start = Instant::now();
            let s = run(futures::stream::iter(0..8u32), &pacer, Stop::default(), |i| {
                // Item 1 meets a 429 asking for 2 s (as the hooks report it).
                if i == 1 {
                    pacer.rate_limited(Duration::from_secs(2));
                }
                rec.call(i, start, Ok(i))
            });
            s.collect::<Vec<_>>().await
        });
        assert_eq!(out.len(), 8);
        let starts = rec.starts.lock().unwrap().clone();
        // 0 and 1 start at once; the pause holds back everything after 1 for 2 s, and then
        // no more than two run at once (four halved).
        assert_eq!(starts[0].2, Duration::ZERO);
        assert_eq!(starts[1].2, Duration::ZERO);
        for s in &starts[2..] {
            assert!(s.2 >= Duration::from_secs(2), "{starts:?}");
            assert!(s.1 <= 2, "{starts:?}");
        }
    }

    #[test]
    fn a_stop_sends_nothing_new_lets_the_running_finish_and_returns_the_rest_unsent() {
        let pacer = Pacer::new(2);
        let stop = Stop::default();
        let started = AtomicUsize::new(0);
        let out = on_paused_clock(async {
            let s = run(futures::stream::iter(0..100u32), &pacer, stop.clone(), |i| {
                let n = started.fetch_add(1, Ordering::SeqCst);
                if n == 3 {
                    stop.stop();
                }
                async move {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    Ok::<_, Error>(i)
                }
            });
            s.collect::<Vec<_>>().await
        });
        assert_eq!(out.len(), 100, "every item comes out");
        let done = out.iter().filter(|f| matches!(f.outcome, Outcome::Done(_))).count();
        assert_eq!(done, 4, "the four started finish");
        assert_eq!(started.load(Ordering::SeqCst), 4, "nothing starts after the stop");
        assert_eq!(stop.reason(), Some(StopReason::Asked));
        let mut indexes: Vec<usize> = out.iter().map(|f| f.index).collect();
        indexes.sort();
        indexes.dedup();
        assert_eq!(indexes.len(), 100, "no item twice");
    }

    #[test]
    fn a_refused_wait_stops_the_run_and_says_so() {
        let pacer = Pacer::new(1);
        let stop = Stop::default();
        let out = on_paused_clock(async {
            let s = run(futures::stream::iter(0..5u32), &pacer, stop.clone(), |i| {
                if i == 1 {
                    pacer.rate_limited(Duration::from_secs(3600));
                }
                async move { Ok::<_, Error>(i) }
            });
            s.collect::<Vec<_>>().await
        });
        assert_eq!(stop.reason(), Some(StopReason::RateLimited(Duration::from_secs(3600))));
        let unsent = out.iter().filter(|f| matches!(f.outcome, Outcome::Unsent)).count();
        assert_eq!(unsent, 3, "{out:?}");
    }

    #[test]
    fn the_input_is_read_as_slots_free_up() {
        let pacer = Pacer::new(2);
        let pulled = AtomicUsize::new(0);
        let items = futures::stream::iter(0..1_000_000u32).inspect(|_| {
            pulled.fetch_add(1, Ordering::SeqCst);
        });
        let s = run(items, &pacer, Stop::default(), |i| async move { Ok::<_, Error>(i) });
        let first: Vec<_> = on_paused_clock(s.take(3).collect());
        assert_eq!(first.len(), 3);
        assert!(pulled.load(Ordering::SeqCst) <= 5, "{}", pulled.load(Ordering::SeqCst));
    }
}
