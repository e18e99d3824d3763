//! Waiting for a background job on the server (room deletion, history purge, redaction):
//! poll its status until it ends, with a progress line on stderr when that is a terminal.

use super::{progress, stderr};
use std::future::Future;
use std::time::{Duration, Instant};
use synadm::Error;

/// First pause between polls; it grows to `MAX_PAUSE`, since long jobs need few polls.
const FIRST_PAUSE: Duration = Duration::from_millis(200);
const MAX_PAUSE: Duration = Duration::from_secs(5);
/// Polls in a row that may fail (network, 5xx, a non-Matrix reply) before giving up.
const MAX_FAILED_POLLS: u32 = 3;

/// What one status reply says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobState {
    /// Still queued or running; the text is the server's status word.
    Running(String),
    Complete,
    /// Ended without success; the server's error or status.
    Failed(String),
}

/// The state of a Synapse scheduled task from its status word (`scheduled`, `active`,
/// `complete`, `failed`, `cancelled`) and its error, if any.
pub fn job_state(status: &str, error: Option<&str>) -> JobState {
    match status {
        "complete" => JobState::Complete,
        "failed" | "cancelled" => {
            JobState::Failed(error.map_or_else(|| status.to_string(), str::to_string))
        }
        other => JobState::Running(other.to_string()),
    }
}

/// A job the server is running: what it is, its ID, and how to look at it later.
pub struct Job {
    /// e.g. "room deletion"
    pub what: &'static str,
    pub id: String,
    /// The command that shows the job's status, for messages.
    pub status_command: String,
}

/// Polls `poll` until `state` of its reply says the job ended. Returns the last reply
/// when the job completed; an error when it failed or the server stopped answering.
pub async fn wait<T, F, Fut>(job: &Job, poll: F, state: impl Fn(&T) -> JobState) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    wait_paced(job, FIRST_PAUSE, poll, state).await
}

async fn wait_paced<T, F, Fut>(
    job: &Job,
    first_pause: Duration,
    mut poll: F,
    state: impl Fn(&T) -> JobState,
) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let started = Instant::now();
    let progress = Progress::new(job);
    let mut pause = first_pause;
    let mut failed_polls = 0;
    loop {
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(MAX_PAUSE);
        let reply = match poll().await {
            Ok(reply) => {
                failed_polls = 0;
                reply
            }
            Err(e) if transient(&e) && failed_polls + 1 < MAX_FAILED_POLLS => {
                failed_polls += 1;
                progress.show(job, "no answer, retrying", started);
                continue;
            }
            Err(e) => {
                stderr::line(&format!(
                    "The server stopped answering while waiting for {} {}; it may still be \
                     running: check with `{}`.",
                    job.what, job.id, job.status_command
                ));
                return Err(e);
            }
        };
        match state(&reply) {
            JobState::Running(status) => progress.show(job, &status, started),
            JobState::Complete => {
                stderr::line(&format!(
                    "The {} {} is complete ({:.1} s).",
                    job.what,
                    job.id,
                    started.elapsed().as_secs_f64()
                ));
                return Ok(reply);
            }
            JobState::Failed(error) => {
                return Err(Error::JobFailed {
                    what: job.what.to_string(),
                    id: job.id.clone(),
                    error,
                });
            }
        }
    }
}

/// Failures a later poll may not see again.
fn transient(e: &Error) -> bool {
    match e {
        Error::Network(_) | Error::NonMatrix { .. } => true,
        Error::Matrix { status, .. } => *status >= 500 || *status == 429,
        _ => false,
    }
}

/// One updating line on a terminal; nothing otherwise (logs stay clean).
/// The job's progress line (one per job: a bulk run may wait on several at once), shown while
/// stderr is a terminal and removed when the wait ends.
struct Progress(Option<progress::Line>);

impl Progress {
    fn new(job: &Job) -> Progress {
        let line = progress::job_line();
        if let Some(line) = &line {
            line.say(format!("{} {}: waiting", job.what, job.id));
        }
        Progress(line)
    }

    fn show(&self, job: &Job, status: &str, started: Instant) {
        if let Some(line) = &self.0 {
            line.say(format!(
                "{} {}: {} ({} s)",
                job.what,
                job.id,
                synadm::output::sanitize(status),
                started.elapsed().as_secs()
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    fn job() -> Job {
        Job { what: "test job", id: "j1".into(), status_command: "synadm test-status j1".into() }
    }

    fn run<T>(
        replies: Vec<Result<T, Error>>,
        state: impl Fn(&T) -> JobState,
    ) -> (Result<T, Error>, usize) {
        let replies = RefCell::new(replies.into_iter());
        let polls = RefCell::new(0);
        let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        let result = rt.block_on(wait_paced(
            &job(),
            Duration::from_millis(1),
            || {
                *polls.borrow_mut() += 1;
                let next = replies.borrow_mut().next().expect("polled past the end");
                async move { next }
            },
            state,
        ));
        (result, polls.into_inner())
    }

    fn word(s: &&'static str) -> JobState {
        match *s {
            "complete" => JobState::Complete,
            "failed" => JobState::Failed("boom".into()),
            other => JobState::Running(other.into()),
        }
    }

    #[test]
    fn task_status_words() {
        assert_eq!(job_state("complete", None), JobState::Complete);
        assert_eq!(job_state("active", None), JobState::Running("active".into()));
        assert_eq!(job_state("scheduled", None), JobState::Running("scheduled".into()));
        assert_eq!(job_state("failed", Some("disk")), JobState::Failed("disk".into()));
        assert_eq!(job_state("failed", None), JobState::Failed("failed".into()));
        assert_eq!(job_state("cancelled", None), JobState::Failed("cancelled".into()));
    }

    #[test]
    fn polls_until_complete_and_returns_the_last_reply() {
        let (result, polls) = run(vec![Ok("scheduled"), Ok("active"), Ok("complete")], word);
        assert_eq!(result.unwrap(), "complete");
        assert_eq!(polls, 3);
    }

    #[test]
    fn a_failed_job_is_an_error_with_the_servers_message() {
        let (result, _) = run(vec![Ok("active"), Ok("failed")], word);
        match result {
            Err(Error::JobFailed { error, id, .. }) => {
                assert_eq!(error, "boom");
                assert_eq!(id, "j1");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_few_failed_polls_are_retried_but_not_forever() {
        let net = || Err(Error::Network("down".into()));
        let (result, polls) = run(vec![net(), net(), Ok("complete")], word);
        assert_eq!(result.unwrap(), "complete");
        assert_eq!(polls, 3);
        let (result, polls) = run(vec![Ok("active"), net(), net(), net()], word);
        assert!(matches!(result, Err(Error::Network(_))), "{result:?}");
        assert_eq!(polls, 4);
    }

    #[test]
    fn polls_start_after_200_ms_and_back_off_to_one_every_5_s() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap();
        let polled_at = RefCell::new(Vec::new());
        let result = rt.block_on(async {
            let start = tokio::time::Instant::now();
            let poll = || {
                let mut at = polled_at.borrow_mut();
                at.push(start.elapsed().as_millis());
                let reply = if at.len() == 8 { "complete" } else { "active" };
                async move { Ok::<_, Error>(reply) }
            };
            tokio::time::timeout(Duration::from_secs(3600), wait(&job(), poll, word)).await
        });
        assert_eq!(result.expect("the wait ended").unwrap(), "complete");
        // Pauses of 0.2, 0.4, 0.8, 1.6 and 3.2 s, then 5 s each.
        assert_eq!(polled_at.into_inner(), [200, 600, 1400, 3000, 6200, 11200, 16200, 21200]);
    }

    #[test]
    fn network_trouble_rate_limits_and_server_errors_are_worth_another_poll() {
        let matrix =
            |status| Error::Matrix { status, errcode: "M_UNKNOWN".into(), message: String::new() };
        assert!(transient(&Error::Network("reset".into())));
        assert!(transient(&Error::NonMatrix { status: Some(502), snippet: "<html>".into() }));
        assert!(transient(&matrix(500)));
        assert!(transient(&matrix(503)));
        assert!(transient(&matrix(429)));
        assert!(!transient(&matrix(499)));
        assert!(!transient(&matrix(404)));
        assert!(!transient(&matrix(403)));
        assert!(!transient(&Error::Usage("bad".into())));
    }

    #[test]
    fn a_client_error_while_polling_stops_at_once() {
        let gone = Err(Error::Matrix {
            status: 404,
            errcode: "M_NOT_FOUND".into(),
            message: "no such job".into(),
        });
        let (result, polls) = run(vec![gone], word);
        assert!(matches!(result, Err(Error::Matrix { status: 404, .. })));
        assert_eq!(polls, 1);
    }
}
