//! Building the generated client: base URL, bearer token, timeouts, TLS, user agent.

use super::{Client, Hooks, LogFn};
use crate::Error;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use std::path::PathBuf;
use std::time::Duration;

/// How to reach Synapse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// TCP; the base URL carries scheme, host, port and an optional path.
    Http,
    /// A Unix domain socket at this path (Synapse's `path:` listeners).
    Unix(PathBuf),
}

/// Everything needed to talk to one Synapse.
#[derive(Clone)]
pub struct Connection {
    pub transport: Transport,
    /// e.g. `https://matrix.example.org:8448/`; ignored for Unix sockets.
    pub base_url: String,
    /// Access token sent as `Authorization: Bearer`; `None` for unauthenticated calls.
    pub token: Option<String>,
    /// Whole-request timeout. Room deletion and purges can legitimately take minutes.
    pub timeout: Duration,
    pub verify_tls: bool,
    pub admin_path: String,
    pub matrix_path: String,
    pub verbose: u8,
}

impl std::fmt::Debug for Connection {
    // Hand-written so that the token can never end up in a log or panic message.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("transport", &self.transport)
            .field("base_url", &self.base_url)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("timeout", &self.timeout)
            .field("verify_tls", &self.verify_tls)
            .finish_non_exhaustive()
    }
}

/// Checks and normalises a base URL: http(s) only, no trailing slash (Synapse does not
/// route `//_synapse/...`), no query or fragment.
pub(crate) fn normalize_base_url(raw: &str) -> Result<reqwest::Url, Error> {
    let trimmed = raw.trim();
    let url = reqwest::Url::parse(trimmed).map_err(|e| {
        Error::Config(format!(
            "base_url {trimmed:?} is not a URL ({e}); expected e.g. https://matrix.example.org"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::Config(format!(
            "base_url {trimmed:?} must start with http:// or https://"
        )));
    }
    if url.host_str().is_none() {
        return Err(Error::Config(format!("base_url {trimmed:?} has no host")));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!(
            "base_url {trimmed:?} must not have a query or fragment"
        )));
    }
    let mut url = url;
    let path = url.path().trim_end_matches('/').to_string();
    url.set_path(&path);
    Ok(url)
}

/// A Unix socket that is not there would only give "No such file or directory" from deep
/// inside the HTTP stack, without the path; say which path it is.
fn check_socket(socket: &std::path::Path) -> Result<(), Error> {
    match std::fs::metadata(socket) {
        Ok(meta) => {
            #[cfg(unix)]
            if !std::os::unix::fs::FileTypeExt::is_socket(&meta.file_type()) {
                return Err(Error::Config(format!(
                    "{} is not a Unix socket (protocol: unix takes the socket's path as base_url)",
                    socket.display()
                )));
            }
            let _ = meta;
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::Network(format!(
            "cannot connect: the Unix socket {} does not exist (is Synapse running?)",
            socket.display()
        ))),
        Err(e) => Err(Error::Network(format!(
            "cannot connect to the Unix socket {}: {e}",
            socket.display()
        ))),
    }
}

fn normalize_mount(path: &str, default: &str) -> Option<String> {
    let p = format!("/{}", path.trim().trim_matches('/'));
    (p != default && p != "/").then_some(p)
}

impl Connection {
    /// Builds the generated client for this connection; its messages (`-v` request logs,
    /// rate-limit waits) are dropped.
    pub fn client(&self) -> Result<Client, Error> {
        self.client_with_log(None)
    }

    /// Builds the generated client; its messages go to `log`, one line per call.
    pub fn client_with_log(&self, log: Option<LogFn>) -> Result<Client, Error> {
        // reqwest is built without a default crypto provider; installing one twice is a no-op.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut headers = HeaderMap::new();
        if let Some(token) = &self.token {
            let mut value = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
                Error::Config(
                    "the access token contains characters not allowed in HTTP headers".into(),
                )
            })?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("synadm/", env!("CARGO_PKG_VERSION")))
            .default_headers(headers)
            .connect_timeout(self.timeout.min(Duration::from_secs(30)))
            .timeout(self.timeout)
            .danger_accept_invalid_certs(!self.verify_tls);

        let base = match &self.transport {
            Transport::Http => normalize_base_url(&self.base_url)?,
            Transport::Unix(socket) => {
                check_socket(socket)?;
                builder = builder.unix_socket(socket.clone());
                // Synapse trusts these on a Unix-socket listener behind a proxy.
                let mut extra = HeaderMap::new();
                extra.insert("x-forwarded-for", HeaderValue::from_static("::1"));
                extra.insert("x-forwarded-proto", HeaderValue::from_static("https"));
                builder = builder.default_headers(extra);
                reqwest::Url::parse("http://localhost").map_err(|e| Error::Config(e.to_string()))?
            }
        };
        let http = builder
            .build()
            .map_err(|e| Error::Config(format!("cannot set up the HTTP client: {e}")))?;
        let hooks = Hooks {
            verbose: self.verbose,
            admin_path: normalize_mount(&self.admin_path, super::hooks::DEFAULT_ADMIN_PATH),
            matrix_path: normalize_mount(&self.matrix_path, super::hooks::DEFAULT_MATRIX_PATH),
            base_path: base.path().trim_end_matches('/').to_string(),
            log,
            secret: self.token.as_deref().map(Into::into),
            pacer: Default::default(),
        };
        let base = base.as_str().trim_end_matches('/').to_string();
        Ok(Client::new_with_client(&base, http, hooks))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_slash_is_dropped() {
        assert_eq!(
            normalize_base_url("https://matrix.example.org/").unwrap().as_str(),
            "https://matrix.example.org/"
        );
        let url = normalize_base_url("https://h.example/synapse/").unwrap();
        assert_eq!(url.path(), "/synapse");
    }

    #[test]
    fn bad_base_urls_are_config_errors() {
        for bad in ["matrix.example.org", "ftp://h", "https://h/?x=1", ""] {
            assert!(matches!(normalize_base_url(bad), Err(Error::Config(_))), "{bad}");
        }
    }

    #[test]
    fn mounts_equal_to_the_default_need_no_rewrite() {
        assert_eq!(normalize_mount("/_synapse/admin/", "/_synapse/admin"), None);
        assert_eq!(normalize_mount("_synapse/admin", "/_synapse/admin"), None);
        assert_eq!(normalize_mount("/admin", "/_synapse/admin").as_deref(), Some("/admin"));
    }

    #[test]
    fn a_missing_unix_socket_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("synapse.sock");
        let err = check_socket(&socket).unwrap_err();
        assert!(matches!(err, Error::Network(_)), "{err}");
        assert!(err.to_string().contains(&format!("{} does not exist", socket.display())), "{err}");
        let file = dir.path().join("plain");
        std::fs::write(&file, "").unwrap();
        assert!(matches!(check_socket(&file), Err(Error::Config(_))));
    }

    #[test]
    fn debug_output_hides_the_token() {
        let c = Connection {
            transport: Transport::Http,
            base_url: "http://h".into(),
            token: Some("syt_secret".into()),
            timeout: Duration::from_secs(1),
            verify_tls: true,
            admin_path: "/_synapse/admin".into(),
            matrix_path: "/_matrix".into(),
            verbose: 0,
        };
        assert_eq!(
            format!("{c:?}"),
            "Connection { transport: Http, base_url: \"http://h\", token: Some(\"<redacted>\"), \
             timeout: 1s, verify_tls: true, .. }"
        );
    }

    #[test]
    fn a_socket_path_that_cannot_be_looked_up_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plain");
        std::fs::write(&file, "").unwrap();
        let socket = file.join("synapse.sock");
        let err = check_socket(&socket).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "network: cannot connect to the Unix socket {}: Not a directory (os error 20)",
                socket.display()
            )
        );
    }
}
