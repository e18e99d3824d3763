//! The one error type of the tool. Every failure becomes one of these variants; the
//! binary prints it as one line on stderr and exits with the variant's code.

/// A failure of a synadm command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input found before any request was sent (malformed ID, date, JSON, flags).
    #[error("{0}")]
    Usage(String),

    /// The configuration file is missing, unreadable or invalid.
    #[error("config: {0}")]
    Config(String),

    /// Synapse answered with a Matrix error.
    #[error("{errcode}: {message} (HTTP {status})")]
    Matrix { status: u16, errcode: String, message: String },

    /// The server does not know the endpoint, and its release is older than the one that
    /// introduced it (a Matrix error, explained).
    #[error("{}", unsupported_message(.errcode, .operation, .needs, *.oldest_checked, .server, *.status))]
    Unsupported {
        status: u16,
        errcode: String,
        /// The spec's operationId.
        operation: String,
        /// The first release serving it (`x-synapse-since`).
        needs: String,
        /// `needs` is the oldest release checked: it may be older still.
        oldest_checked: bool,
        /// The server's version as it reports it.
        server: String,
    },

    /// The server could not be reached, TLS failed, or it did not answer in time.
    #[error("network: {0}")]
    Network(String),

    /// Something answered, but not with a Matrix reply (e.g. a proxy's HTML error page).
    #[error("{}", non_matrix_message(*.status, .snippet))]
    NonMatrix { status: Option<u16>, snippet: String },

    /// The confirmation prompt was declined (or could not be answered).
    #[error("aborted: {0}")]
    Aborted(String),

    /// Local input/output failed (reading a file, writing the config, a full disk).
    #[error("{0}")]
    Io(String),

    /// A background job on the server (room deletion, purge, redaction) ended in failure.
    #[error("the {what} {id} failed: {error}")]
    JobFailed { what: String, id: String, error: String },

    /// The reader of our output went away (`synadm … | head`): stop quietly.
    #[error("the output was closed")]
    OutputClosed,
}

impl Error {
    /// The documented exit code of this error (see README, "Exit codes").
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Matrix { .. } | Error::Unsupported { .. } => 1,
            Error::Usage(_) => 2,
            Error::Config(_) => 3,
            Error::Network(_) => 4,
            Error::NonMatrix { .. } => 5,
            Error::Aborted(_) => 6,
            Error::Io(_) => 7,
            Error::JobFailed { .. } => 8,
            // Not a failure of the command: whoever read the output has what they wanted.
            Error::OutputClosed => 0,
        }
    }
}

fn unsupported_message(
    errcode: &str,
    operation: &str,
    needs: &str,
    oldest_checked: bool,
    server: &str,
    status: u16,
) -> String {
    let needs = if oldest_checked {
        format!("Synapse {needs} or later (the oldest release this tool is checked against)")
    } else {
        format!("Synapse ≥ {needs}")
    };
    format!(
        "{errcode}: this server does not know {operation}: it needs {needs}; \
         this server runs {server} (HTTP {status})"
    )
}

fn non_matrix_message(status: Option<u16>, snippet: &str) -> String {
    let status = status.map_or(String::new(), |s| format!(" (HTTP {s})"));
    if snippet.is_empty() {
        format!("the server's reply is not a Matrix reply{status}: empty body")
    } else {
        format!("the server's reply is not a Matrix reply{status}: {snippet}")
    }
}

/// The first bytes of a reply body as one printable line, for error messages. A proxy that
/// echoes the request would echo the token: `secret` (the configured token) and whatever
/// follows `Bearer ` are shown as `<redacted>`.
pub(crate) fn snippet(bytes: &[u8], secret: Option<&str>) -> String {
    const MAX: usize = 120;
    let secret = secret.filter(|s| !s.is_empty());
    // Read on past the cut by the secret's length, so that a secret the cut would split
    // is still found whole.
    let read = MAX * 4 + secret.map_or(0, str::len);
    let mut text = String::from_utf8_lossy(&bytes[..bytes.len().min(read)]).into_owned();
    if let Some(secret) = secret {
        text = text.replace(secret, "<redacted>");
    }
    let text = redact_bearer(&text);
    let mut line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > MAX {
        line = line.chars().take(MAX).collect::<String>() + "…";
    }
    line
}

/// `Bearer <anything>` (an echoed Authorization header) with the credential redacted.
fn redact_bearer(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.to_ascii_lowercase().find("bearer ") {
        let start = at + "bearer ".len();
        out.push_str(&rest[..start]);
        let credential = rest[start..]
            .find(|c: char| c.is_whitespace() || "\"',;".contains(c))
            .unwrap_or(rest.len() - start);
        if credential > 0 {
            out.push_str("<redacted>");
        }
        rest = &rest[start + credential..];
    }
    out.push_str(rest);
    out
}

/// An input as quoted in an error message: Rust-escaped, and cut short so that a runaway
/// argument (a pasted file, a 100 000-character ID) does not become a huge message.
pub fn quoted(input: &str) -> String {
    const MAX_CHARS: usize = 60;
    if input.chars().count() <= MAX_CHARS {
        format!("{input:?}")
    } else {
        let head: String = input.chars().take(MAX_CHARS).collect();
        format!("{head:?}… ({} bytes)", input.len())
    }
}

/// A serde error message (from serde_json or serde_yaml) with Rust type names replaced by
/// words: "expected struct ServerVersion" means nothing to someone running the tool.
pub(crate) fn plain_serde_message(message: &str) -> String {
    const TYPES: &[(&str, &str)] = &[
        ("u8", "a whole number from 0 to 255"),
        ("u16", "a whole number from 0 to 65535"),
        ("u32", "a whole number of at least 0"),
        ("u64", "a whole number of at least 0"),
        ("usize", "a whole number of at least 0"),
        ("i8", "a whole number"),
        ("i16", "a whole number"),
        ("i32", "a whole number"),
        ("i64", "a whole number"),
        ("f32", "a number"),
        ("f64", "a number"),
        ("a sequence", "a list"),
        ("a map", "a mapping of keys to values"),
    ];
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find("expected ") {
        let (before, after) = rest.split_at(at + "expected ".len());
        out.push_str(before);
        rest = after;
        if let Some(tail) = rest.strip_prefix("struct ").or_else(|| rest.strip_prefix("enum ")) {
            // `struct Name` / `enum Name`: say what it looks like instead of its Rust name.
            let end = tail.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(tail.len());
            out.push_str(if rest.starts_with("struct ") {
                "an object with named fields"
            } else {
                "one of the known values"
            });
            rest = &tail[end..];
            continue;
        }
        for (rust, words) in TYPES {
            if let Some(tail) = rest.strip_prefix(rust)
                && !tail.starts_with(|c: char| c.is_alphanumeric() || c == '_')
            {
                out.push_str(words);
                rest = tail;
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_inputs_are_quoted_briefly() {
        assert_eq!(quoted("al ice"), "\"al ice\"");
        let long = "a".repeat(100_000);
        let q = quoted(&long);
        assert!(q.len() < 100, "{q}");
        assert!(q.ends_with("… (100000 bytes)"), "{q}");
    }

    /// `plain_serde_message(message)`, failing the test if it does not return within a
    /// second (a broken scan loops forever: the test should fail, not hang).
    fn plain(message: &'static str) -> String {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || tx.send(plain_serde_message(message)));
        rx.recv_timeout(std::time::Duration::from_secs(1))
            .expect("plain_serde_message did not return")
    }

    #[test]
    fn serde_messages_lose_their_rust_type_names() {
        assert_eq!(
            plain("invalid type: sequence, expected struct ServerVersion at line 1"),
            "invalid type: sequence, expected an object with named fields at line 1"
        );
        assert_eq!(
            plain("timeout: invalid value: integer `-1`, expected u64"),
            "timeout: invalid value: integer `-1`, expected a whole number of at least 0"
        );
        assert_eq!(
            plain("invalid type: string \"x\", expected a map"),
            "invalid type: string \"x\", expected a mapping of keys to values"
        );
        assert_eq!(plain("expected a string, expected u64s"), "expected a string, expected u64s");
    }

    #[test]
    fn each_kind_of_failure_has_its_documented_exit_code() {
        let codes = [
            (Error::Matrix { status: 404, errcode: "M_NOT_FOUND".into(), message: "x".into() }, 1),
            (Error::Usage("x".into()), 2),
            (Error::Config("x".into()), 3),
            (Error::Network("x".into()), 4),
            (Error::NonMatrix { status: None, snippet: "x".into() }, 5),
            (Error::Aborted("x".into()), 6),
            (Error::Io("x".into()), 7),
            (Error::JobFailed { what: "purge".into(), id: "p".into(), error: "x".into() }, 8),
            (Error::OutputClosed, 0),
        ];
        for (error, code) in codes {
            assert_eq!(error.exit_code(), code, "{error:?}");
        }
    }

    #[test]
    fn a_non_matrix_reply_is_described_with_its_status_and_start() {
        let with = |status, snippet: &str| {
            Error::NonMatrix { status, snippet: snippet.into() }.to_string()
        };
        assert_eq!(
            with(Some(502), "<html>Bad gateway</html>"),
            "the server's reply is not a Matrix reply (HTTP 502): <html>Bad gateway</html>"
        );
        assert_eq!(with(None, ""), "the server's reply is not a Matrix reply: empty body");
    }

    #[test]
    fn a_snippet_is_one_line_of_at_most_120_characters() {
        assert_eq!(
            snippet(b"<html>\r\n  <body>\tdown</body>\n</html>\n", None),
            "<html> <body> down</body> </html>"
        );
        // Exactly at the limit: kept whole; one more: cut, with the mark.
        let at_limit = "é".repeat(120);
        assert_eq!(snippet(at_limit.as_bytes(), None), at_limit);
        let over = "é".repeat(121);
        assert_eq!(snippet(over.as_bytes(), None), "é".repeat(120) + "…");
        assert_eq!(snippet(b"", None), "");
    }

    #[test]
    fn a_snippet_reads_far_enough_to_fill_its_line_after_whitespace() {
        // Up to 480 bytes are read, so a run of blank space does not hide what follows it.
        let body = format!("start{}end {}", " ".repeat(300), "x".repeat(1000));
        assert_eq!(snippet(body.as_bytes(), None), format!("start end {}", "x".repeat(110) + "…"));
        let past = format!("start{}end", " ".repeat(480));
        assert_eq!(snippet(past.as_bytes(), None), "start");
    }

    #[test]
    fn serde_enum_names_become_words_too() {
        assert_eq!(
            plain("unknown variant `x`, expected enum Membership"),
            "unknown variant `x`, expected one of the known values"
        );
    }

    #[test]
    fn an_echoed_token_is_redacted_from_the_snippet() {
        let echo =
            b"<html>GET /x HTTP/1.1\r\nAuthorization: Bearer syt_other\r\nX: syt_secret</html>";
        assert_eq!(
            snippet(echo, Some("syt_secret")),
            "<html>GET /x HTTP/1.1 Authorization: Bearer <redacted> X: <redacted></html>"
        );
        // Any case, quoted JSON, and a header value without a credential.
        assert_eq!(
            snippet(br#"{"h": "bearer abc.def", "k": "Bearer "}"#, None),
            r#"{"h": "bearer <redacted>", "k": "Bearer "}"#
        );
        // A secret that the 480-byte read would cut is still found whole.
        let mut cut = " ".repeat(475).into_bytes();
        cut.extend_from_slice(b"syt_secret tail");
        assert_eq!(snippet(&cut, Some("syt_secret")), "<redacted> tail");
        // No secret configured: nothing else changes.
        assert_eq!(snippet(b"syt_secret", Some("")), "syt_secret");
        // A credential that ends the text, and two of them.
        assert_eq!(
            snippet(b"a: Bearer x1 b: BEARER y2", None),
            "a: Bearer <redacted> b: BEARER <redacted>"
        );
    }

    #[test]
    fn an_endpoint_an_older_server_lacks_is_explained_and_exits_1() {
        let e = Error::Unsupported {
            status: 404,
            errcode: "M_UNRECOGNIZED".into(),
            operation: "suspend_user".into(),
            needs: "1.110".into(),
            oldest_checked: false,
            server: "1.100.0".into(),
        };
        assert_eq!(
            e.to_string(),
            "M_UNRECOGNIZED: this server does not know suspend_user: it needs Synapse ≥ 1.110; \
             this server runs 1.100.0 (HTTP 404)"
        );
        assert_eq!(e.exit_code(), 1);
        let floor = Error::Unsupported {
            status: 405,
            errcode: "M_UNRECOGNIZED".into(),
            operation: "list_users".into(),
            needs: "1.94".into(),
            oldest_checked: true,
            server: "1.71.0".into(),
        };
        assert_eq!(
            floor.to_string(),
            "M_UNRECOGNIZED: this server does not know list_users: it needs Synapse 1.94 or later \
             (the oldest release this tool is checked against); this server runs 1.71.0 (HTTP 405)"
        );
    }
}
