//! Running the real `synadm` binary in a test: a clean environment, a given HOME, stdin
//! input, and a result that checks no secret ever reached the output.

use serde_json::Value;
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The longest one run may take. Far above any real run (the slowest wire test's run takes
/// about 5 s), so that a run that never ends (a retry loop gone wrong) fails its test quickly
/// instead of stalling the suite; `scripts/mutants` sets its own timeout above this.
const RUN_LIMIT: Duration = Duration::from_secs(60);

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// Tokens that must never show up in stdout or stderr.
    pub secrets: Vec<String>,
}

/// Runs `synadm ARGS` with `home` as HOME, only PATH, TZ=UTC and `vars` in the environment,
/// and `input` on stdin.
pub fn synadm(
    home: &Path,
    args: &[&str],
    input: &str,
    vars: &[(&str, &str)],
    secrets: &[&str],
) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_synadm"));
    command
        .args(args)
        .env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TZ", "UTC")
        .envs(vars.iter().copied())
        .current_dir(home)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // In a session of its own, synadm has no controlling terminal, whether the tests run in
    // one or not: a question it would ask on /dev/tty fails as it does in CI, and never
    // waits for someone at the developer's keyboard.
    // SAFETY: setsid is async-signal-safe and touches no memory of the parent.
    unsafe {
        command.pre_exec(|| {
            if libc::setsid() == -1 { Err(std::io::Error::last_os_error()) } else { Ok(()) }
        })
    };
    let mut child = command.spawn().expect("run synadm");
    let mut stdin = child.stdin.take().expect("stdin");
    // The binary may exit before reading everything; a broken pipe here is fine.
    let _ = stdin.write_all(input.as_bytes());
    drop(stdin);
    let read_all = |mut stream: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = stream.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = read_all(Box::new(child.stdout.take().expect("stdout")));
    let stderr = read_all(Box::new(child.stderr.take().expect("stderr")));
    let deadline = Instant::now() + RUN_LIMIT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for synadm") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("synadm {args:?} still ran after {RUN_LIMIT:?}; killed it");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
        secrets: secrets.iter().map(|s| s.to_string()).collect(),
    }
}

impl Run {
    #[track_caller]
    fn no_leak(&self) {
        for secret in self.secrets.iter().filter(|s| !s.is_empty()) {
            assert!(
                !self.stdout.contains(secret.as_str()) && !self.stderr.contains(secret.as_str()),
                "an access token leaked into the output: {self:#?}"
            );
        }
    }

    /// Exit code 0 and no token in the output.
    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(self.code, 0, "expected success: {self:#?}");
        self.no_leak();
        self
    }

    /// Asserts that stderr contains `text` (the whole run is shown if not).
    #[track_caller]
    pub fn stderr_has(&self, text: &str) -> &Run {
        assert!(self.stderr.contains(text), "stderr lacks {text:?}: {self:#?}");
        self
    }

    /// Asserts that stdout contains `text` (the whole run is shown if not).
    #[track_caller]
    pub fn stdout_has(&self, text: &str) -> &Run {
        assert!(self.stdout.contains(text), "stdout lacks {text:?}: {self:#?}");
        self
    }

    /// Exit code `code`, `stderr_has` on stderr, nothing on stdout, no token anywhere.
    #[track_caller]
    pub fn fails(self, code: i32, stderr_has: &str) -> Run {
        assert_eq!(self.code, code, "unexpected exit code: {self:#?}");
        assert!(self.stderr.contains(stderr_has), "stderr lacks {stderr_has:?}: {self:#?}");
        assert!(self.stdout.is_empty(), "nothing may reach stdout on failure: {self:#?}");
        self.no_leak();
        self
    }

    /// stdout as exactly one JSON document in the form `-o json` prints: indented by four
    /// spaces, keys in the server's order, one newline at the end.
    #[track_caller]
    pub fn json(&self) -> Value {
        let value = self.any_json();
        assert_eq!(
            self.stdout,
            pretty_json(&value),
            "not the indented JSON of `-o json`: {self:#?}"
        );
        value
    }

    /// stdout as exactly one JSON document on one line, as `-o minified` prints it.
    #[track_caller]
    pub fn minified(&self) -> Value {
        let value = self.any_json();
        assert_eq!(
            self.stdout,
            format!("{value}\n"),
            "not the one-line JSON of `-o minified`: {self:#?}"
        );
        value
    }

    /// stdout as one JSON document, whatever its layout.
    #[track_caller]
    fn any_json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {self:#?}"))
    }

    /// stdout as one YAML document in block style (as `-o yaml` prints it), converted to
    /// JSON values. JSON is YAML too, so JSON text is refused here: a command that printed
    /// JSON where YAML was asked for fails the test. (An empty list or map is `[]` / `{}`
    /// in both; compare such output as text.)
    #[track_caller]
    pub fn yaml(&self) -> Value {
        let text = self.stdout.trim_start();
        assert!(
            !text.starts_with('{')
                && !text.starts_with('[')
                && serde_json::from_str::<Value>(&self.stdout).is_err(),
            "stdout is JSON, not YAML: {self:#?}"
        );
        let value: Value = serde_yaml::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one YAML document ({e}): {self:#?}"));
        assert_eq!(
            self.stdout,
            serde_yaml::to_string(&value).unwrap_or_default(),
            "not the block-style YAML of `-o yaml`: {self:#?}"
        );
        value
    }

    /// The non-empty lines of stdout.
    pub fn lines(&self) -> Vec<&str> {
        self.stdout.lines().filter(|l| !l.trim().is_empty()).collect()
    }
}

/// `value` as `-o json` prints it: four-space indents and a final newline.
pub fn pretty_json(value: &Value) -> String {
    let mut buf = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut buf, formatter);
    serde::Serialize::serialize(value, &mut serializer).expect("JSON");
    String::from_utf8(buf).expect("UTF-8") + "\n"
}
