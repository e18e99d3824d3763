//! Per-request behaviour of the generated client: API path prefixes, request logging,
//! 429 retries paced with the client's other requests, and remembering the reply's status
//! for error messages.

use super::Client;
use super::pacer::{Pacer, requested_wait};
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use std::cell::RefCell;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Retries after `429 M_LIMIT_EXCEEDED` before giving up.
const MAX_RETRIES: u32 = 3;
/// The wait after a 429 that says neither `Retry-After` nor `retry_after_ms`.
const UNSTATED_WAIT: Duration = Duration::from_secs(1);

/// The spec's default prefixes; configs may mount the APIs elsewhere.
pub const DEFAULT_ADMIN_PATH: &str = "/_synapse/admin";
pub const DEFAULT_MATRIX_PATH: &str = "/_matrix";

/// State the generated client carries into every request.
#[derive(Debug, Clone, Default)]
pub struct Hooks {
    /// 0 quiet, 1 log each request, 2 also log status and duration.
    pub verbose: u8,
    /// Where the admin API is mounted when not at `/_synapse/admin`.
    pub admin_path: Option<String>,
    /// Where the Matrix APIs are mounted when not at `/_matrix`.
    pub matrix_path: Option<String>,
    /// Path part of the base URL (e.g. `/synapse` for `https://host/synapse`).
    pub base_path: String,
    /// Where messages for the person go (the CLI: stderr); `None` drops them.
    pub log: Option<LogFn>,
    /// A secret (the access token) that no error message may quote, should a reply echo it.
    pub secret: Option<Arc<str>>,
    /// Pacing shared by this client's clones: waits after a 429, and the slots of bulk runs.
    pub pacer: Arc<Pacer>,
}

/// Receives one message line; the library itself never prints.
pub type LogFn = fn(&str);

/// What `api::call` needs to know of the last reply that progenitor does not keep.
#[derive(Default)]
pub(super) struct LastReply {
    /// Its HTTP status, so that an undecodable reply can still be reported with it.
    pub status: Option<u16>,
    /// The operation it answered.
    pub operation: &'static str,
    /// The client, when the server answered 404 or 405 (an endpoint it may not know):
    /// `call` then asks the server's version to explain the error.
    pub unrecognized_by: Option<Client>,
    /// The client's secret, kept out of error messages.
    pub secret: Option<Arc<str>>,
    /// The body of a successful reply, as the server sent it.
    pub body: Option<bytes::Bytes>,
    /// The wait a 429 asked for that was longer than the client waits, and how long that is.
    pub refused_wait: Option<(Duration, Duration)>,
}

tokio::task_local! {
    /// The last reply within one `api::call`.
    pub(super) static LAST_REPLY: RefCell<LastReply>;
}

impl Hooks {
    fn log(&self, message: &str) {
        if let Some(log) = self.log {
            log(message);
        }
    }

    /// Moves a spec path (`/_synapse/admin/...`, `/_matrix/...`) to the configured mount.
    fn rewrite_path(&self, path: &str) -> Option<String> {
        let rest = path.strip_prefix(&self.base_path)?;
        for (default, custom) in
            [(DEFAULT_ADMIN_PATH, &self.admin_path), (DEFAULT_MATRIX_PATH, &self.matrix_path)]
        {
            if let (Some(custom), Some(tail)) = (custom, rest.strip_prefix(default)) {
                return Some(format!("{}{}{}", self.base_path, custom, tail));
            }
        }
        None
    }
}

/// Reads a reply's body in one buffer of its announced length, keeps it for `api::call`, and
/// hands on a response that serves the same bytes.
async fn keep_body(mut response: reqwest::Response) -> reqwest::Result<reqwest::Response> {
    // A bound on what an announced length may reserve up front; longer bodies just grow.
    const MAX_RESERVE: u64 = 64 << 20;
    let reserve = response.content_length().unwrap_or(0).min(MAX_RESERVE);
    let mut body = bytes::BytesMut::with_capacity(usize::try_from(reserve).unwrap_or(0));
    while let Some(chunk) = response.chunk().await? {
        body.extend_from_slice(&chunk);
    }
    let body = body.freeze();
    let _ = LAST_REPLY.try_with(|last| last.borrow_mut().body = Some(body.clone()));
    let mut kept = http::Response::new(body);
    *kept.status_mut() = response.status();
    *kept.version_mut() = response.version();
    *kept.headers_mut() = std::mem::take(response.headers_mut());
    Ok(reqwest::Response::from(kept))
}

/// Reads a 429 reply's body, and hands back the wait it asks for with a response that serves
/// the same bytes (for the error it becomes).
async fn read_rate_limit(
    mut response: reqwest::Response,
) -> reqwest::Result<(Duration, reqwest::Response)> {
    let header = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let mut body = bytes::BytesMut::new();
    while let Some(chunk) = response.chunk().await? {
        body.extend_from_slice(&chunk);
    }
    let wait = requested_wait(header.as_deref(), &body).unwrap_or(UNSTATED_WAIT);
    let mut kept = http::Response::new(body.freeze());
    *kept.status_mut() = response.status();
    *kept.version_mut() = response.version();
    *kept.headers_mut() = std::mem::take(response.headers_mut());
    Ok((wait, reqwest::Response::from(kept)))
}

/// A wait as people read it: `3 s`, `1.5 s`.
fn seconds(wait: Duration) -> String {
    if wait.subsec_millis() == 0 {
        format!("{} s", wait.as_secs())
    } else {
        format!("{:.1} s", wait.as_secs_f64())
    }
}

impl ClientHooks<Hooks> for Client {
    async fn exec(
        &self,
        mut request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let hooks = self.inner();
        if let Some(path) = hooks.rewrite_path(request.url().path()) {
            request.url_mut().set_path(&path);
        }
        let mut attempt = 0;
        loop {
            hooks.pacer.resumed().await;
            // Bodies here are always buffered JSON, so cloning succeeds.
            let retry = request.try_clone();
            if hooks.verbose >= 1 {
                hooks.log(&format!("synadm: {} {}", request.method(), request.url()));
            }
            let started = Instant::now();
            let result = self.client().execute(request).await;
            if let Ok(response) = &result {
                if hooks.verbose >= 2 {
                    hooks.log(&format!(
                        "synadm: ← {} in {} ms",
                        response.status(),
                        started.elapsed().as_millis()
                    ));
                }
                let status = response.status().as_u16();
                let _ = LAST_REPLY.try_with(|last| {
                    *last.borrow_mut() = LastReply {
                        status: Some(status),
                        operation: info.operation_id,
                        unrecognized_by: matches!(status, 404 | 405).then(|| self.clone()),
                        secret: hooks.secret.clone(),
                        body: None,
                        refused_wait: None,
                    }
                });
                if response.status().is_success() {
                    hooks.pacer.succeeded();
                }
            }
            let result = match result {
                Ok(response) if response.status() == reqwest::StatusCode::TOO_MANY_REQUESTS => {
                    let (wait, response) = read_rate_limit(response).await?;
                    // The pause holds for every request of this client, retried or not.
                    let waited = hooks.pacer.rate_limited(wait);
                    if waited
                        && attempt < MAX_RETRIES
                        && let Some(next) = retry
                    {
                        hooks.log(&format!(
                            "synadm: rate-limited by the server; retrying in {}",
                            seconds(wait)
                        ));
                        attempt += 1;
                        request = next;
                        continue;
                    }
                    if !waited {
                        let _ = LAST_REPLY.try_with(|last| {
                            last.borrow_mut().refused_wait = Some((wait, hooks.pacer.max_wait()))
                        });
                    }
                    Ok(response)
                }
                other => other,
            };
            return match result {
                // Inside `api::call`, a success's body is read here, once, and kept: the
                // caller can then print the server's bytes as they came.
                Ok(response)
                    if response.status().is_success() && LAST_REPLY.try_with(|_| ()).is_ok() =>
                {
                    keep_body(response).await
                }
                other => other,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hooks(admin: Option<&str>, matrix: Option<&str>, base: &str) -> Hooks {
        Hooks {
            verbose: 0,
            admin_path: admin.map(str::to_string),
            matrix_path: matrix.map(str::to_string),
            base_path: base.to_string(),
            log: None,
            secret: None,
            pacer: Arc::default(),
        }
    }

    #[test]
    fn default_mounts_leave_paths_alone() {
        let h = hooks(None, None, "");
        assert_eq!(h.rewrite_path(&format!("{DEFAULT_ADMIN_PATH}/v2/users")), None);
    }

    #[test]
    fn custom_admin_mount_replaces_the_prefix_only() {
        let h = hooks(Some("/admin-api"), None, "");
        assert_eq!(
            h.rewrite_path(&format!("{DEFAULT_ADMIN_PATH}/v2/users")).as_deref(),
            Some("/admin-api/v2/users")
        );
        assert_eq!(h.rewrite_path(&format!("{DEFAULT_MATRIX_PATH}/client/v3/login")), None);
    }

    #[test]
    fn custom_matrix_mount_below_a_base_path() {
        let h = hooks(None, Some("/m"), "/synapse");
        assert_eq!(
            h.rewrite_path("/synapse/_matrix/key/v2/server").as_deref(),
            Some("/synapse/m/key/v2/server")
        );
    }

    #[test]
    fn waits_read_as_whole_or_tenths_of_seconds() {
        assert_eq!(seconds(Duration::from_secs(3)), "3 s");
        assert_eq!(seconds(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(seconds(Duration::from_millis(20)), "0.0 s");
    }
}
