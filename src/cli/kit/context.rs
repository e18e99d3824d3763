//! What every command gets: the resolved settings, a client, the output format, and the
//! conveniences built on them (user ID completion, confirmations, printing).

use super::global::GlobalArgs;
use super::{prompt, stderr};
use serde::Serialize;
use std::time::Duration;
use synadm::Error;
use synadm::api::{Client, Connection, Reply, Transport, call};
use synadm::config::{ConfigFile, Settings};
use synadm::ids::{UserArg, server_of};
use synadm::output::{self, Format, ListWriter, Style, View};
use tokio::sync::OnceCell;

/// Environment variable that overrides the config's token (keeps it out of files).
pub const TOKEN_ENV: &str = "SYNADM_TOKEN";

pub struct Ctx {
    pub client: Client,
    pub format: Format,
    pub batch: bool,
    settings: Settings,
    server_name: OnceCell<String>,
}

impl Ctx {
    pub fn new(global: &GlobalArgs) -> Result<Ctx, Error> {
        Ctx::build(global, true)
    }

    /// A context that sends no access token, for shared-secret registration: the config
    /// (its URL, format, timeout) is used when there is one, but neither it nor a token
    /// needs to exist yet.
    pub fn tokenless(global: &GlobalArgs) -> Result<Ctx, Error> {
        Ctx::build(global, false)
    }

    fn build(global: &GlobalArgs, with_token: bool) -> Result<Ctx, Error> {
        let path = &global.config_path();
        let env_token = std::env::var(TOKEN_ENV).ok();
        let settings = if with_token {
            // A missing file is fine only for the default path with the token in the
            // environment.
            let must_exist = global.config_file.is_some() || env_token.is_none();
            ConfigFile::load_existing(path, must_exist)?.resolve(
                path,
                env_token.as_deref(),
                global.output(),
            )?
        } else {
            // Without a token, a missing default config means the defaults (localhost).
            let must_exist = global.config_file.is_some();
            let file = ConfigFile::load_existing(path, must_exist)?;
            file.resolve_tokenless(path, None, global.output())?
        };
        let connection = Connection {
            transport: match &settings.unix_socket {
                Some(socket) => Transport::Unix(socket.clone()),
                None => Transport::Http,
            },
            base_url: settings.base_url.clone(),
            token: with_token.then(|| settings.token.clone()),
            timeout: Duration::from_secs(settings.timeout),
            verify_tls: settings.ssl_verify,
            admin_path: settings.admin_path.clone(),
            matrix_path: settings.matrix_path.clone(),
            verbose: global.verbose,
        };
        Ok(Ctx {
            client: connection.client_with_log(Some(stderr::line))?,
            format: settings.format,
            batch: global.batch,
            settings,
            server_name: OnceCell::new(),
        })
    }

    /// The homeserver's name: the `homeserver` setting, or else asked once from the
    /// configured server itself (whoami, then the key server). The token never goes to
    /// any other host.
    pub async fn server_name(&self) -> Result<&str, Error> {
        let name = self
            .server_name
            .get_or_try_init(|| async {
                if let Some(name) = &self.settings.homeserver {
                    return Ok(name.clone());
                }
                match call(self.client.whoami().send()).await {
                    Ok(me) => {
                        if let Some(server) = server_of(&me.user_id) {
                            return Ok(server.to_string());
                        }
                    }
                    // A bad token is the real problem; report it as such.
                    Err(e @ Error::Matrix { status: 401 | 403, .. }) => return Err(e),
                    Err(_) => {}
                }
                match call(self.client.get_server_keys().send()).await {
                    Ok(keys) => Ok(keys.server_name),
                    Err(e) => Err(Error::Config(format!(
                        "cannot find out the server name to complete a localpart ({e}); \
                         set `homeserver` in the config or give a full user ID"
                    ))),
                }
            })
            .await?;
        Ok(name)
    }

    /// A user argument as a full user ID; bad input fails before any request.
    pub async fn user_id(&self, input: &str) -> Result<String, Error> {
        match UserArg::parse(input)? {
            UserArg::Full(id) => Ok(id),
            local => local.complete(self.server_name().await?),
        }
    }

    /// The config's `user` (the admin's name or ID as typed there), if set.
    pub fn configured_user(&self) -> Option<&str> {
        self.settings.user.as_deref()
    }

    /// Asks before a destructive action, unless in batch mode.
    pub fn confirm(&self, question: &str) -> Result<(), Error> {
        if self.batch { Ok(()) } else { prompt::confirm(question) }
    }

    /// The output format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The format, and for human output on a terminal its width (tables are fitted to it).
    pub fn style(&self) -> Style {
        use std::io::IsTerminal;
        let width = (self.format == Format::Human && std::io::stdout().is_terminal())
            .then(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)))
            .flatten();
        Style { format: self.format, width, note: Some(stderr::line) }
    }

    /// Prints one document in the chosen format; in human output the view's summary line
    /// goes to stderr first.
    pub fn print(&self, data: &impl Serialize, view: &View) -> Result<(), Error> {
        let value = serde_json::to_value(data).map_err(|e| Error::Io(e.to_string()))?;
        self.print_value(&value, view)
    }

    /// [`Ctx::print`] for data that is a JSON tree already (no copy of it is made).
    pub fn print_value(&self, value: &serde_json::Value, view: &View) -> Result<(), Error> {
        if self.format == Format::Human
            && let Some(line) = view.summary.and_then(|f| f(value))
        {
            self.note(&line);
        }
        output::print(&mut stdout()?.lock(), self.style(), value, view)
    }

    /// Prints a reply unchanged: in the machine formats straight from the server's bytes (its
    /// key order, no tree in between), in the others like [`Ctx::print`].
    pub fn print_reply<T: Serialize>(&self, reply: &Reply<T>, view: &View) -> Result<(), Error> {
        // A view that dates its times changes the document: it needs the tree.
        let unchanged = !view.dates_everywhere || view.raw_times;
        match reply.body.as_deref().filter(|_| unchanged) {
            Some(body) => self.print_json(body, view),
            None => self.print(&reply.value, view),
        }
    }

    /// Prints one JSON document given as bytes (valid JSON): in the machine formats as it
    /// came, in the others like [`Ctx::print`].
    pub fn print_json(&self, body: &[u8], view: &View) -> Result<(), Error> {
        if output::print_body(&mut stdout()?.lock(), self.format, body)? {
            return Ok(());
        }
        let value: serde_json::Value =
            serde_json::from_slice(body).map_err(|e| Error::Io(e.to_string()))?;
        self.print_value(&value, view)
    }

    /// A writer that streams one list document onto stdout, page by page.
    pub fn list_writer(&self, view: View) -> Result<ListWriter<std::io::Stdout>, Error> {
        Ok(ListWriter::new(stdout()?, self.style(), view))
    }

    /// A message for the person (stderr), never part of the data.
    pub fn note(&self, message: &str) {
        stderr::line(message);
    }
}

/// stdout, unless the command was started with it closed (`>&-`). Rust's runtime then
/// points descriptor 1 at /dev/null (opened read-write, which a shell's `>/dev/null`
/// never does), so the data would vanish and the command still exit 0.
fn stdout() -> Result<std::io::Stdout, Error> {
    if started_with_stdout_closed() {
        return Err(Error::Io("cannot write the output: stdout is closed".to_string()));
    }
    Ok(std::io::stdout())
}

/// Linux: descriptor 1 is /dev/null opened O_RDWR (see `stdout`). Elsewhere: unknown, no.
fn started_with_stdout_closed() -> bool {
    const O_ACCMODE: u32 = 0o3;
    const O_RDWR: u32 = 0o2;
    let is_null = std::fs::read_link("/proc/self/fd/1")
        .is_ok_and(|target| target == std::path::Path::new("/dev/null"));
    if !is_null {
        return false;
    }
    std::fs::read_to_string("/proc/self/fdinfo/1")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("flags:"))
                .and_then(|f| u32::from_str_radix(f.trim(), 8).ok())
        })
        .is_some_and(|flags| flags & O_ACCMODE == O_RDWR)
}

/// Every command: its parsed arguments, run against the context.
pub trait Run {
    async fn run(self, ctx: &Ctx) -> Result<(), Error>;
}
