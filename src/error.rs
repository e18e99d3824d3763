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
    Matrix {
        status: u16,
        errcode: String,
        message: String,
    },

    /// The server could not be reached, TLS failed, or it did not answer in time.
    #[error("network: {0}")]
    Network(String),

    /// Something answered, but not with a Matrix reply (e.g. a proxy's HTML error page).
    #[error("{}", non_matrix_message(*.status, .snippet))]
    NonMatrix {
        status: Option<u16>,
        snippet: String,
    },

    /// The confirmation prompt was declined (or could not be answered).
    #[error("aborted: {0}")]
    Aborted(String),

    /// Local input/output failed (reading a file, writing the config, a full disk).
    #[error("{0}")]
    Io(String),

    /// A background job on the server (room deletion, purge, redaction) ended in failure.
    #[error("the {what} {id} failed: {error}")]
    JobFailed {
        what: String,
        id: String,
        error: String,
    },

    /// The reader of our output went away (`synadm … | head`): stop quietly.
    #[error("the output was closed")]
    OutputClosed,
}

impl Error {
    /// The documented exit code of this error (see README, "Exit codes").
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Matrix { .. } => 1,
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

fn non_matrix_message(status: Option<u16>, snippet: &str) -> String {
    let status = status.map_or(String::new(), |s| format!(" (HTTP {s})"));
    if snippet.is_empty() {
        format!("the server's reply is not a Matrix reply{status}: empty body")
    } else {
        format!("the server's reply is not a Matrix reply{status}: {snippet}")
    }
}

/// The first bytes of a reply body as one printable line, for error messages.
pub fn snippet(bytes: &[u8]) -> String {
    const MAX: usize = 120;
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(MAX * 4)]);
    let mut line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > MAX {
        line = line.chars().take(MAX).collect::<String>() + "…";
    }
    line
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e.to_string())
    }
}
