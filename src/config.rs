//! The synadm.yaml config file, drop-in compatible with Python synadm 0.49.2: same path,
//! same keys, same meaning. Unknown keys are kept when the file is rewritten.

use crate::Error;
use crate::error::plain_serde_message;
use crate::output::Format;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const DEFAULT_BASE_URL: &str = "http://localhost:8008";
/// The API mounts the spec's paths assume (one definition, in the client glue).
pub use crate::api::{DEFAULT_ADMIN_PATH, DEFAULT_MATRIX_PATH};
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;
pub const AUTO_RETRIEVAL: &str = "auto-retrieval";
/// Used when the file has no `format` (Python synadm crashed with KeyError instead).
pub const DEFAULT_FORMAT: Format = Format::Yaml;

/// The file as written by `synadm config`; every key optional so partial files load.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ConfigFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub homeserver: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matrix_path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_discovery: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssl_verify: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Keys this version does not know; written back unchanged.
    #[serde(flatten)]
    pub other: BTreeMap<String, serde_yaml::Value>,
}

/// A config with every value resolved (defaults applied) and validated.
#[derive(Clone)]
pub struct Settings {
    pub token: String,
    pub base_url: String,
    pub unix_socket: Option<PathBuf>,
    pub admin_path: String,
    pub matrix_path: String,
    pub timeout: u64,
    pub format: Format,
    /// A fixed server name, or `None` for auto-retrieval.
    pub homeserver: Option<String>,
    pub ssl_verify: bool,
    /// The `user` key: the admin's user name or ID, as the person typed it (unchecked).
    pub user: Option<String>,
}

impl std::fmt::Debug for Settings {
    // Hand-written so that the token never reaches a log or panic message.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("token", &"<redacted>")
            .field("base_url", &self.base_url)
            .field("format", &self.format)
            .field("homeserver", &self.homeserver)
            .finish_non_exhaustive()
    }
}

/// `~/.config/synadm.yaml`, synadm's default location.
pub fn default_path() -> PathBuf {
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
    home.join(".config").join("synadm.yaml")
}

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The file a write to `path` should replace: `path` itself, or the file at the end of its
/// chain of symlinks (which need not exist yet). Replacing the link itself would silently
/// turn a managed, symlinked config (dotfiles) into a private copy.
fn symlink_target(path: &Path) -> std::io::Result<PathBuf> {
    // Linux's own limit on links followed while resolving one path.
    const MAX_LINKS: usize = 40;
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::read_link(&current)?;
                current = match current.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            Ok(_) => return Ok(current),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(current),
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// A bearer token as it can go into an HTTP header: printable ASCII, no spaces or breaks.
fn check_token(token: &str) -> Result<(), Error> {
    if token.chars().all(|c| c.is_ascii_graphic()) {
        Ok(())
    } else {
        Err(Error::Config(
            "the access token may only contain printable ASCII characters, without spaces, \
             line breaks or control characters"
                .into(),
        ))
    }
}

/// No key of the file may hold control characters (a pasted line break, an escape code):
/// no working value has them.
fn check_no_control(key: &str, value: &Option<String>) -> Result<(), Error> {
    match value {
        Some(v) if v.chars().any(char::is_control) => {
            Err(Error::Config(format!("{key} contains a line break or another control character")))
        }
        _ => Ok(()),
    }
}

/// `admin_path` / `matrix_path`: a URL path without spaces, query or fragment.
fn check_mount(key: &str, value: Option<&str>) -> Result<(), Error> {
    match value {
        Some(v) if !v.chars().all(|c| c.is_ascii_graphic() && c != '?' && c != '#') => {
            Err(Error::Config(format!(
                "{key} must be a URL path such as /_synapse/admin (printable ASCII, \
                 no spaces, no ? or #), not {}",
                crate::error::quoted(v)
            )))
        }
        _ => Ok(()),
    }
}

impl ConfigFile {
    /// Reads the file; a missing file is an empty config (so `synadm config` can start).
    pub fn load(path: &Path) -> Result<ConfigFile, Error> {
        Ok(Self::read(path)?.unwrap_or_default())
    }

    /// Reads the file a command runs with. A missing file is an error naming it when
    /// `must_exist` (an explicit `-c FILE`, or no token from the environment either).
    pub fn load_existing(path: &Path, must_exist: bool) -> Result<ConfigFile, Error> {
        match Self::read(path)? {
            Some(file) => Ok(file),
            None if !must_exist => Ok(Self::default()),
            None => Err(Error::Config(format!(
                "the config file {} does not exist; create it with `synadm config` \
                 (or give another one with -c FILE)",
                path.display()
            ))),
        }
    }

    /// The file's contents, or `None` if it does not exist.
    fn read(path: &Path) -> Result<Option<ConfigFile>, Error> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text, path).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::Config(format!("cannot read {}: {e}", path.display()))),
        }
    }

    /// Parses the text of a config file; `path` only names it in messages.
    pub fn parse(text: &str, path: &Path) -> Result<ConfigFile, Error> {
        let invalid = |why: String| {
            Error::Config(format!("{} is not a valid synadm config: {why}", path.display()))
        };
        // First as plain YAML, to tell "not YAML" and "not key: value lines" apart from a
        // bad value of one key.
        let value: serde_yaml::Value =
            serde_yaml::from_str(text).map_err(|e| invalid(plain_serde_message(&e.to_string())))?;
        match value {
            serde_yaml::Value::Null => return Ok(Self::default()),
            serde_yaml::Value::Mapping(_) => {}
            _ => {
                return Err(invalid(
                    "it must consist of `key: value` lines (a YAML mapping) such as \
                     `token: syt_…` and `base_url: https://matrix.example.org`"
                        .into(),
                ));
            }
        }
        serde_yaml::from_str(text).map_err(|e| invalid(plain_serde_message(&e.to_string())))
    }

    /// Writes the file atomically with mode 0600 from the first byte on (it holds a token).
    /// A symlinked config stays a symlink: its target is replaced.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        let text = serde_yaml::to_string(self).map_err(|e| Error::Config(e.to_string()))?;
        let path = &symlink_target(path)
            .map_err(|e| Error::Io(format!("cannot follow the link {}: {e}", path.display())))?;
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::Io(format!("cannot create {}: {e}", dir.display())))?;
        let tmp = dir.join(format!(
            ".{}.tmp{}",
            path.file_name().and_then(|n| n.to_str()).unwrap_or("synadm.yaml"),
            std::process::id()
        ));
        let write = || -> std::io::Result<()> {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(&tmp)?;
            file.write_all(text.as_bytes())?;
            file.sync_all()?;
            std::fs::rename(&tmp, path)
        };
        write().map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Error::Io(format!("cannot write {}: {e}", path.display()))
        })
    }

    /// Applies defaults and checks every value. `token_override` (SYNADM_TOKEN) wins over
    /// the file's token; `format_override` (-o) over its format.
    pub fn resolve(
        &self,
        path: &Path,
        token_override: Option<&str>,
        format_override: Option<Format>,
    ) -> Result<Settings, Error> {
        self.resolve_with(path, token_override, format_override, true)
    }

    /// [`ConfigFile::resolve`] for what needs no access token (shared-secret registration,
    /// the way to make the first admin): a missing token is left empty; one that is set is
    /// still checked.
    pub fn resolve_tokenless(
        &self,
        path: &Path,
        token_override: Option<&str>,
        format_override: Option<Format>,
    ) -> Result<Settings, Error> {
        self.resolve_with(path, token_override, format_override, false)
    }

    fn resolve_with(
        &self,
        path: &Path,
        token_override: Option<&str>,
        format_override: Option<Format>,
        token_required: bool,
    ) -> Result<Settings, Error> {
        let missing = |what: &str| {
            Error::Config(format!(
                "{what} is not set in {}; run `synadm config` to set up synadm",
                path.display()
            ))
        };
        let token =
            token_override.map(str::trim).filter(|t| !t.is_empty()).or(non_empty(&self.token));
        let token = match token {
            Some(token) => {
                check_token(token)?;
                token.to_string()
            }
            None if token_required => return Err(missing("the admin access token (token)")),
            None => String::new(),
        };
        for (key, value) in [
            ("user", &self.user),
            ("base_url", &self.base_url),
            ("format", &self.format),
            ("homeserver", &self.homeserver),
            ("protocol", &self.protocol),
            ("server_discovery", &self.server_discovery),
        ] {
            check_no_control(key, value)?;
        }
        check_mount("admin_path", non_empty(&self.admin_path))?;
        check_mount("matrix_path", non_empty(&self.matrix_path))?;
        let format = match (format_override, non_empty(&self.format)) {
            (Some(f), _) => f,
            (None, Some(f)) => f.parse().map_err(|e| Error::Config(format!("format: {e}")))?,
            (None, None) => DEFAULT_FORMAT,
        };
        let base_url = non_empty(&self.base_url).unwrap_or(DEFAULT_BASE_URL).to_string();
        let unix_socket = match non_empty(&self.protocol).unwrap_or("http") {
            "http" => {
                crate::api::normalize_base_url(&base_url)?;
                None
            }
            "unix" => Some(PathBuf::from(&base_url)),
            other => {
                return Err(Error::Config(format!("protocol must be http or unix, not {other:?}")));
            }
        };
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT_SECS);
        if timeout == 0 {
            return Err(Error::Config("timeout must be at least 1 second".into()));
        }
        let homeserver =
            non_empty(&self.homeserver).filter(|h| *h != AUTO_RETRIEVAL).map(str::to_string);
        if let Some(name) = &homeserver {
            crate::ids::check_server_name(name)
                .map_err(|e| Error::Config(format!("homeserver: {e}")))?;
        }
        if let Some(mode) = non_empty(&self.server_discovery)
            && !matches!(mode, "well-known" | "dns")
        {
            return Err(Error::Config(format!(
                "server_discovery must be well-known or dns, not {mode:?}"
            )));
        }
        Ok(Settings {
            token,
            base_url,
            unix_socket,
            admin_path: non_empty(&self.admin_path).unwrap_or(DEFAULT_ADMIN_PATH).to_string(),
            matrix_path: non_empty(&self.matrix_path).unwrap_or(DEFAULT_MATRIX_PATH).to_string(),
            timeout,
            format,
            homeserver,
            ssl_verify: self.ssl_verify.unwrap_or(true),
            user: non_empty(&self.user).map(str::to_string),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PYTHON_SYNADM: &str = "admin_path: /_synapse/admin\nbase_url: http://localhost:8008\n\
        format: yaml\nhomeserver: auto-retrieval\nmatrix_path: /_matrix\nprotocol: http\n\
        server_discovery: well-known\nssl_verify: true\ntimeout: 30\ntoken: syt_abc\nuser: admin\n";

    #[test]
    fn python_synadm_config_resolves_unchanged() {
        let file: ConfigFile = serde_yaml::from_str(PYTHON_SYNADM).unwrap();
        let s = file.resolve(Path::new("x"), None, None).unwrap();
        assert_eq!(s.token, "syt_abc");
        assert_eq!(s.base_url, "http://localhost:8008");
        assert_eq!(s.format, Format::Yaml);
        assert_eq!(s.homeserver, None);
        assert_eq!(s.timeout, 30);
        assert!(s.ssl_verify);
        assert_eq!(serde_yaml::to_string(&file).unwrap(), PYTHON_SYNADM);
    }

    #[test]
    fn debug_output_shows_the_settings_but_never_the_token() {
        let file: ConfigFile = serde_yaml::from_str(PYTHON_SYNADM).unwrap();
        let s = file.resolve(Path::new("x"), None, None).unwrap();
        let text = format!("{s:?}");
        assert!(text.starts_with("Settings {"), "{text}");
        assert!(text.contains("token: \"<redacted>\""), "{text}");
        assert!(text.contains("base_url: \"http://localhost:8008\""), "{text}");
        assert!(!text.contains("syt_abc"), "{text}");
    }

    #[cfg(unix)]
    #[test]
    fn writes_go_to_the_end_of_a_symlink_chain() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("dotfiles")).unwrap();
        std::fs::write(d.join("dotfiles/synadm.yaml"), "token: t\n").unwrap();
        // relative link -> absolute link -> file
        symlink(d.join("dotfiles/synadm.yaml"), d.join("abs.yaml")).unwrap();
        symlink("abs.yaml", d.join("rel.yaml")).unwrap();
        let end = d.join("dotfiles/synadm.yaml");
        assert_eq!(symlink_target(&d.join("rel.yaml")).unwrap(), end);
        assert_eq!(symlink_target(&d.join("abs.yaml")).unwrap(), end);
        // A relative link is read from the link's own folder, not the working directory.
        symlink("synadm.yaml", d.join("dotfiles/link.yaml")).unwrap();
        assert_eq!(symlink_target(&d.join("dotfiles/link.yaml")).unwrap(), end);
        // A plain file, a missing file and a dangling link's target are written as they are.
        assert_eq!(symlink_target(&end).unwrap(), end);
        assert_eq!(symlink_target(&d.join("new.yaml")).unwrap(), d.join("new.yaml"));
        symlink("gone/synadm.yaml", d.join("dangling.yaml")).unwrap();
        assert_eq!(symlink_target(&d.join("dangling.yaml")).unwrap(), d.join("gone/synadm.yaml"));
        // A loop is an error, and so is a path through a file.
        symlink("loop-b", d.join("loop-a")).unwrap();
        symlink("loop-a", d.join("loop-b")).unwrap();
        let err = symlink_target(&d.join("loop-a")).unwrap_err();
        assert!(err.to_string().contains("too many levels"), "{err}");
        assert!(symlink_target(&end.join("below-a-file")).is_err());
    }

    #[test]
    fn missing_format_falls_back_to_the_default() {
        let file: ConfigFile = serde_yaml::from_str("token: t\nbase_url: https://h\n").unwrap();
        assert_eq!(file.resolve(Path::new("x"), None, None).unwrap().format, DEFAULT_FORMAT);
    }

    #[test]
    fn missing_token_is_a_config_error_naming_the_file() {
        let file: ConfigFile = serde_yaml::from_str("token: ''\n").unwrap();
        let err = file.resolve(Path::new("/etc/x.yaml"), None, None).unwrap_err();
        assert!(matches!(&err, Error::Config(m) if m.contains("/etc/x.yaml")), "{err}");
        assert!(file.resolve(Path::new("x"), Some("env-token"), None).is_ok());
    }

    #[test]
    fn bad_values_are_config_errors() {
        for text in [
            "token: t\nformat: xml\n",
            "token: t\nprotocol: ftp\n",
            "token: t\ntimeout: 0\n",
            "token: t\nbase_url: localhost:8008\n",
            "token: t\nhomeserver: 'bad name'\n",
        ] {
            let file: ConfigFile = serde_yaml::from_str(text).unwrap();
            assert!(
                matches!(file.resolve(Path::new("x"), None, None), Err(Error::Config(_))),
                "{text}"
            );
        }
    }

    #[test]
    fn unknown_keys_survive_a_rewrite() {
        let file: ConfigFile = serde_yaml::from_str("token: t\nfuture_key: 5\n").unwrap();
        assert!(serde_yaml::to_string(&file).unwrap().contains("future_key: 5"));
    }

    #[cfg(unix)]
    #[test]
    fn saved_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("synadm.yaml");
        let file = ConfigFile { token: Some("t".into()), ..Default::default() };
        file.save(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(ConfigFile::load(&path).unwrap(), file);
    }

    #[test]
    fn the_default_file_is_in_the_home_folders_config() {
        let home = PathBuf::from(std::env::var_os("HOME").unwrap());
        assert_eq!(default_path(), home.join(".config/synadm.yaml"));
    }

    #[test]
    fn each_bad_value_is_named_in_its_error() {
        let mount = |key: &str, value: &str| {
            format!(
                "config: {key} must be a URL path such as /_synapse/admin (printable ASCII, \
                 no spaces, no ? or #), not {value:?}"
            )
        };
        let token = "config: the access token may only contain printable ASCII characters, \
                     without spaces, line breaks or control characters";
        let cases = [
            ("token: 'syt_a b'\n", token.to_string()),
            ("token: \"syt_a\\u00e9\"\n", token.to_string()),
            (
                "token: t\nuser: \"admin\\n\"\n",
                "config: user contains a line break or another control character".into(),
            ),
            (
                "token: t\nbase_url: \"https://h\\e[31m\"\n",
                "config: base_url contains a line break or another control character".into(),
            ),
            ("token: t\nadmin_path: /admin?x\n", mount("admin_path", "/admin?x")),
            ("token: t\nadmin_path: '/admin#x'\n", mount("admin_path", "/admin#x")),
            ("token: t\nmatrix_path: /my matrix\n", mount("matrix_path", "/my matrix")),
            ("token: t\nmatrix_path: /mätrix\n", mount("matrix_path", "/mätrix")),
        ];
        for (text, message) in cases {
            let file: ConfigFile = serde_yaml::from_str(text).unwrap();
            let err = file.resolve(Path::new("x"), None, None).unwrap_err();
            assert_eq!(err.to_string(), message, "{text}");
        }
        let file: ConfigFile =
            serde_yaml::from_str("token: syt_A-b.c~\nadmin_path: /a/b_c-d.e~f%20\n").unwrap();
        let settings = file.resolve(Path::new("x"), None, None).unwrap();
        assert_eq!(settings.admin_path, "/a/b_c-d.e~f%20");
    }

    #[test]
    fn a_missing_file_is_an_error_only_where_it_must_exist() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("synadm.yaml");
        assert_eq!(ConfigFile::load_existing(&path, false).unwrap(), ConfigFile::default());
        let err = ConfigFile::load_existing(&path, true).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "config: the config file {} does not exist; create it with `synadm config` \
                 (or give another one with -c FILE)",
                path.display()
            )
        );
        std::fs::write(&path, "token: t\n").unwrap();
        let file = ConfigFile::load_existing(&path, true).unwrap();
        assert_eq!(file.token.as_deref(), Some("t"));
        // A file that is there but cannot be read is never taken for a missing one.
        let err = ConfigFile::load_existing(dir.path(), false).unwrap_err();
        assert!(
            err.to_string().starts_with(&format!("config: cannot read {}: ", dir.path().display())),
            "{err}"
        );
    }

    #[test]
    fn an_empty_file_is_an_empty_config_and_a_list_is_refused() {
        for empty in ["", "# nothing set yet\n"] {
            assert_eq!(ConfigFile::parse(empty, Path::new("x")).unwrap(), ConfigFile::default());
        }
        let err = ConfigFile::parse("- token\n- t\n", Path::new("/c.yaml")).unwrap_err();
        assert!(
            err.to_string().starts_with(
                "config: /c.yaml is not a valid synadm config: it must consist of `key: value` lines"
            ),
            "{err}"
        );
    }
}
