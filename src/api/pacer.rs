//! Pacing shared by every request of one client. When Synapse rate-limits (HTTP 429), new
//! requests wait as long as it asked, and fewer may be in flight at once; the number grows
//! back, one at a time, as requests succeed. Clones of a [`Client`](super::Client) share one
//! pacer, so a pool of workers slows down together instead of each retrying on its own.
//!
//! The client's hooks do the waiting before each request and report each 429 and success;
//! [`crate::bulk`] takes a [`Slot`] per item, so the number in flight follows the pacer.

use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::Instant;

/// Items in flight at once unless a command asks for another number: Synapse does each admin
/// action in one worker, so a few suffice, and more would crowd out the server's other users.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// The longest wait a 429 may ask for before the request gives up instead (and a bulk run
/// stops), unless [`Pacer::set_max_wait`] sets another: a server that wants more is better
/// asked again later than waited on.
pub const MAX_WAIT: Duration = Duration::from_secs(300);

/// The shared pacing state of one client (see the module documentation).
pub struct Pacer {
    state: Mutex<State>,
    changed: Notify,
}

#[derive(Debug)]
struct State {
    /// No request starts before this instant.
    paused_until: Option<Instant>,
    /// How many slots may be held now; between 1 and `max`.
    limit: usize,
    /// The concurrency asked for.
    max: usize,
    held: usize,
    /// Successes since the limit last changed.
    streak: usize,
    /// The longest wait a 429 asked for beyond `max_wait`, if any did.
    refused_wait: Option<Duration>,
    /// The longest wait accepted.
    max_wait: Duration,
}

impl Default for Pacer {
    fn default() -> Pacer {
        Pacer::new(DEFAULT_CONCURRENCY)
    }
}

impl std::fmt::Debug for Pacer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Pacer").field(&*self.lock()).finish()
    }
}

/// Permission to have one item in flight; handed back when dropped.
#[must_use = "the slot is handed back when dropped"]
pub struct Slot<'a>(&'a Pacer);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.lock().held -= 1;
        self.0.changed.notify_waiters();
    }
}

impl Pacer {
    /// A pacer allowing `concurrency` slots (at least one).
    pub fn new(concurrency: usize) -> Pacer {
        let max = concurrency.max(1);
        Pacer {
            state: Mutex::new(State {
                paused_until: None,
                limit: max,
                max,
                held: 0,
                streak: 0,
                refused_wait: None,
                max_wait: MAX_WAIT,
            }),
            changed: Notify::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state stays consistent whatever panicked while holding it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Asks for `concurrency` slots from now on (at least one).
    pub fn set_concurrency(&self, concurrency: usize) {
        let mut state = self.lock();
        state.max = concurrency.max(1);
        state.limit = state.max;
        drop(state);
        self.changed.notify_waiters();
    }

    /// Accepts waits up to `max_wait` from now on (instead of [`MAX_WAIT`]).
    pub fn set_max_wait(&self, max_wait: Duration) {
        self.lock().max_wait = max_wait;
    }

    /// The longest wait a 429 may ask for and still be waited.
    pub fn max_wait(&self) -> Duration {
        self.lock().max_wait
    }

    /// The concurrency asked for.
    pub fn max_concurrency(&self) -> usize {
        self.lock().max
    }

    /// The slots allowed now: fewer than asked for after rate limits.
    pub fn concurrency(&self) -> usize {
        self.lock().limit
    }

    /// The wait a 429 asked for that was longer than the pacer waits, if one did: requests
    /// that met it gave up.
    pub fn refused_wait(&self) -> Option<Duration> {
        self.lock().refused_wait
    }

    /// Waits until no pause is in force.
    pub async fn resumed(&self) {
        self.wait_for(|_| true).await;
    }

    /// Waits until no pause is in force and a slot is free, and takes it.
    pub async fn slot(&self) -> Slot<'_> {
        self.wait_for(|state| {
            let free = state.held < state.limit;
            if free {
                state.held += 1;
            }
            free
        })
        .await;
        Slot(self)
    }

    /// Waits until the pause is over and `take` (called under the lock) agrees.
    async fn wait_for(&self, mut take: impl FnMut(&mut State) -> bool) {
        loop {
            let changed = self.changed.notified();
            let mut changed = std::pin::pin!(changed);
            // Registered before the state is read, so no wake-up is missed in between.
            changed.as_mut().enable();
            let pause = {
                let mut state = self.lock();
                match state.paused_until {
                    Some(until) if until > Instant::now() => Some(until),
                    _ => {
                        state.paused_until = None;
                        if take(&mut state) {
                            return;
                        }
                        None
                    }
                }
            };
            match pause {
                Some(until) => {
                    tokio::select! {
                        _ = tokio::time::sleep_until(until) => {}
                        _ = changed => {}
                    }
                }
                None => changed.await,
            }
        }
    }

    /// The server answered 429 asking to wait `wait`: nothing starts before then, and half
    /// as many slots are allowed (at least one). Returns false, changing nothing but the
    /// record, when `wait` is longer than the pacer waits ([`MAX_WAIT`] by default).
    pub fn rate_limited(&self, wait: Duration) -> bool {
        let mut state = self.lock();
        if wait > state.max_wait {
            state.refused_wait = state.refused_wait.max(Some(wait));
            return false;
        }
        let until = Instant::now() + wait;
        state.paused_until = state.paused_until.max(Some(until));
        state.limit = (state.limit / 2).max(1);
        state.streak = 0;
        drop(state);
        self.changed.notify_waiters();
        true
    }

    /// A request succeeded: after as many successes in a row as slots are allowed, one more
    /// is allowed, up to the concurrency asked for.
    pub fn succeeded(&self) {
        let mut state = self.lock();
        if state.limit >= state.max {
            return;
        }
        state.streak += 1;
        if state.streak >= state.limit {
            state.limit += 1;
            state.streak = 0;
            drop(state);
            self.changed.notify_waiters();
        }
    }
}

/// How long a 429 reply asks to wait: its `Retry-After` header (seconds, or an HTTP date),
/// else the Matrix error's `retry_after_ms`; `None` when it says neither.
pub fn requested_wait(retry_after: Option<&str>, body: &[u8]) -> Option<Duration> {
    if let Some(value) = retry_after.map(str::trim) {
        if let Ok(seconds) = value.parse::<u64>() {
            return Some(Duration::from_secs(seconds));
        }
        if let Ok(date) = httpdate::parse_http_date(value) {
            let now = std::time::SystemTime::now();
            return Some(date.duration_since(now).unwrap_or_default());
        }
    }
    let body: serde_json::Value = serde_json::from_slice(body).ok()?;
    body.get("retry_after_ms")?.as_u64().map(Duration::from_millis)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn paused<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn the_wait_comes_from_the_header_in_seconds_or_as_a_date_else_from_the_body() {
        let body = br#"{"errcode":"M_LIMIT_EXCEEDED","retry_after_ms":1500}"#;
        assert_eq!(requested_wait(Some(" 7 "), body), Some(Duration::from_secs(7)));
        let in_a_minute = std::time::SystemTime::now() + Duration::from_secs(61);
        let date = httpdate::fmt_http_date(in_a_minute);
        let wait = requested_wait(Some(&date), body).unwrap();
        assert!((Duration::from_secs(59)..=Duration::from_secs(61)).contains(&wait), "{wait:?}");
        // A date in the past means "now".
        let past = httpdate::fmt_http_date(std::time::UNIX_EPOCH);
        assert_eq!(requested_wait(Some(&past), body), Some(Duration::ZERO));
        // A header that is neither: the body's milliseconds.
        assert_eq!(requested_wait(Some("soon"), body), Some(Duration::from_millis(1500)));
        assert_eq!(requested_wait(None, body), Some(Duration::from_millis(1500)));
        assert_eq!(requested_wait(None, br#"{"errcode":"M_LIMIT_EXCEEDED"}"#), None);
        assert_eq!(requested_wait(None, b"<html>"), None);
    }

    #[test]
    fn slots_are_bounded_and_come_back_when_dropped() {
        paused(async {
            let pacer = Pacer::new(2);
            let a = pacer.slot().await;
            let _b = pacer.slot().await;
            let third = tokio::time::timeout(Duration::from_secs(1), pacer.slot()).await;
            assert!(third.is_err(), "a third slot while two are held");
            drop(a);
            let _c = tokio::time::timeout(Duration::from_secs(1), pacer.slot())
                .await
                .expect("a slot once one is dropped");
        });
    }

    #[test]
    fn a_rate_limit_pauses_everyone_for_the_wait_and_halves_the_slots() {
        paused(async {
            let pacer = Pacer::new(8);
            let start = Instant::now();
            assert!(pacer.rate_limited(Duration::from_secs(3)));
            assert_eq!(pacer.concurrency(), 4);
            // A shorter wait asked later does not shorten the pause.
            assert!(pacer.rate_limited(Duration::from_secs(1)));
            assert_eq!(pacer.concurrency(), 2);
            pacer.resumed().await;
            assert_eq!(start.elapsed(), Duration::from_secs(3));
            let _one = pacer.slot().await;
            let _two = pacer.slot().await;
            let third = tokio::time::timeout(Duration::from_secs(1), pacer.slot()).await;
            assert!(third.is_err(), "only two slots after two 429s");
            // Never fewer than one.
            for _ in 0..5 {
                pacer.rate_limited(Duration::ZERO);
            }
            assert_eq!(pacer.concurrency(), 1);
        });
    }

    #[test]
    fn successes_grow_the_slots_back_one_at_a_time_up_to_the_asked_number() {
        let pacer = Pacer::new(4);
        pacer.rate_limited(Duration::ZERO);
        pacer.rate_limited(Duration::ZERO);
        assert_eq!(pacer.concurrency(), 1);
        pacer.succeeded();
        assert_eq!(pacer.concurrency(), 2, "one success at one slot");
        pacer.succeeded();
        assert_eq!(pacer.concurrency(), 2);
        pacer.succeeded();
        assert_eq!(pacer.concurrency(), 3, "two successes at two slots");
        for _ in 0..10 {
            pacer.succeeded();
        }
        assert_eq!(pacer.concurrency(), 4);
        assert_eq!(pacer.max_concurrency(), 4);
    }

    #[test]
    fn a_wait_beyond_the_bound_is_refused_and_remembered_without_pausing() {
        paused(async {
            let pacer = Pacer::new(4);
            assert_eq!(pacer.refused_wait(), None);
            let long = MAX_WAIT + Duration::from_secs(1);
            assert!(!pacer.rate_limited(long));
            assert!(pacer.rate_limited(MAX_WAIT), "the bound itself is waited");
            assert_eq!(pacer.refused_wait(), Some(long));
            assert_eq!(pacer.concurrency(), 2, "only the accepted 429 halved the slots");
        });
    }

    #[test]
    fn waiters_wake_when_a_slot_is_handed_back_from_another_task() {
        paused(async {
            let pacer = Arc::new(Pacer::new(1));
            let held = pacer.slot().await;
            let waiter = {
                let pacer = pacer.clone();
                tokio::spawn(async move {
                    let _slot = pacer.slot().await;
                    Instant::now()
                })
            };
            tokio::time::sleep(Duration::from_secs(2)).await;
            let handed_back = Instant::now();
            drop(held);
            assert_eq!(waiter.await.unwrap(), handed_back);
        });
    }

    #[test]
    fn debug_output_shows_the_state() {
        let text = format!("{:?}", Pacer::new(3));
        assert!(text.starts_with("Pacer(State {"), "{text}");
        assert!(text.contains("limit: 3, max: 3, held: 0"), "{text}");
    }

    #[test]
    fn set_concurrency_takes_effect_at_once() {
        let pacer = Pacer::new(4);
        pacer.set_concurrency(0);
        assert_eq!((pacer.max_concurrency(), pacer.concurrency()), (1, 1));
        pacer.set_concurrency(16);
        assert_eq!((pacer.max_concurrency(), pacer.concurrency()), (16, 16));
    }
}
