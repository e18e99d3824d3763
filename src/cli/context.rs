//! What every command gets: the resolved settings, a client, the output format, and the
//! conveniences built on them (user ID completion, confirmations, printing).

use super::{GlobalArgs, prompt};
use serde::Serialize;
use std::path::Path;
use std::time::Duration;
use synadm::Error;
use synadm::api::{Client, Connection, Transport, call};
use synadm::config::{ConfigFile, Settings};
use synadm::ids::{UserArg, server_of};
use synadm::output::{self, Format, View};
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
    pub fn new(global: &GlobalArgs, path: &Path) -> Result<Ctx, Error> {
        let env_token = std::env::var(TOKEN_ENV).ok();
        // A missing file is fine only for the default path with the token in the environment.
        let must_exist = global.config_file.is_some() || env_token.is_none();
        let settings = ConfigFile::load_existing(path, must_exist)?.resolve(
            path,
            env_token.as_deref(),
            global.output,
        )?;
        let connection = Connection {
            transport: match &settings.unix_socket {
                Some(socket) => Transport::Unix(socket.clone()),
                None => Transport::Http,
            },
            base_url: settings.base_url.clone(),
            token: Some(settings.token.clone()),
            timeout: Duration::from_secs(settings.timeout),
            verify_tls: settings.ssl_verify,
            admin_path: settings.admin_path.clone(),
            matrix_path: settings.matrix_path.clone(),
            verbose: global.verbose,
        };
        Ok(Ctx {
            client: connection.client()?,
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
                    Err(
                        e @ Error::Matrix {
                            status: 401 | 403, ..
                        },
                    ) => return Err(e),
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
        if self.batch {
            Ok(())
        } else {
            prompt::confirm(question)
        }
    }

    /// Prints one document in the chosen format.
    pub fn print(&self, data: &impl Serialize, view: &View) -> Result<(), Error> {
        let value = serde_json::to_value(data).map_err(|e| Error::Io(e.to_string()))?;
        output::print(self.format, &value, view)
    }

    /// A message for the person (stderr), never part of the data.
    pub fn note(&self, message: &str) {
        eprintln!("{message}");
    }

    pub fn human(&self) -> bool {
        self.format == Format::Human
    }
}
