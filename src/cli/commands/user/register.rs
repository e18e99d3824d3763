//! `user register`: shared-secret registration, the way to create the first admin of a new
//! server. It needs no access token; it proves itself with an HMAC keyed with the server's
//! `registration_shared_secret`, which comes from a file, the environment or a prompt, never
//! from the command line (where `ps` and shell history would show it).

use crate::cli::kit::prelude::*;
use crate::cli::kit::prompt;
use std::path::{Path, PathBuf};
use synadm::api::registration_mac;

/// Where the shared secret can come from when no file is given.
pub const SECRET_ENV: &str = "SYNADM_SHARED_SECRET";

#[derive(Debug, clap::Args)]
pub struct RegisterArgs {
    /// The new user's localpart, e.g. admin (lowercased by the server; at most 255 bytes).
    #[arg(value_parser = crate::cli::kit::numbers::Checked(crate::cli::kit::numbers::localpart))]
    localpart: String,
    /// Make the new user a server admin.
    #[arg(short, long)]
    admin: bool,
    /// The user's type, e.g. bot or support.
    #[arg(long, value_name = "TYPE")]
    user_type: Option<String>,
    /// The user's display name.
    #[arg(short = 'n', long)]
    display_name: Option<String>,
    /// The password; asked for (hidden, twice) when missing.
    #[arg(short, long)]
    password: Option<String>,
    /// Read the shared secret from this file: Synapse's homeserver.yaml (its
    /// registration_shared_secret, or the file its registration_shared_secret_path names),
    /// or a file holding only the secret. Without it: $SYNADM_SHARED_SECRET, else a prompt.
    #[arg(short = 's', long, value_name = "FILE")]
    shared_secret_file: Option<PathBuf>,
    /// Only create the user; do not log them in (no access token is made).
    #[arg(long)]
    no_login: bool,
}

/// The secret from `path`: a Synapse config's `registration_shared_secret` (or the file its
/// `registration_shared_secret_path` names), else the file's whole text. Surrounding blank
/// space is dropped, as Synapse drops it.
fn secret_from_file(path: &Path) -> Result<String, Error> {
    let text = read_private(path)?;
    let config: Option<serde_yaml::Mapping> = serde_yaml::from_str(&text).ok();
    let secret = match config {
        Some(config) => {
            let key = |k: &str| config.get(k).and_then(|v| v.as_str()).map(str::to_string);
            match (key("registration_shared_secret"), key("registration_shared_secret_path")) {
                (Some(secret), _) => secret,
                (None, Some(other)) => read_private(Path::new(&other))?,
                // A mapping without either key is a Synapse config without the feature.
                (None, None) if config.len() > 1 => {
                    return Err(Error::Config(format!(
                        "{} sets neither registration_shared_secret nor \
                         registration_shared_secret_path: shared-secret registration is off",
                        path.display()
                    )));
                }
                (None, None) => text,
            }
        }
        None => text,
    };
    let secret = secret.trim().to_string();
    if secret.is_empty() {
        return Err(Error::Config(format!("{}: the shared secret is empty", path.display())));
    }
    Ok(secret)
}

/// Reads a file that holds a secret, warning when other users of the machine can read it.
fn read_private(path: &Path) -> Result<String, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Config(format!("cannot read {}: {e}", path.display())))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path)
            && meta.permissions().mode() & 0o004 != 0
        {
            crate::cli::kit::stderr::line(&format!(
                "warning: {} is readable by every user of this machine; it holds the secret \
                 that creates admins (chmod o-r)",
                path.display()
            ));
        }
    }
    Ok(text)
}

impl RegisterArgs {
    /// The shared secret: the file, else the environment, else a prompt.
    fn secret(&self, ctx: &Ctx) -> Result<String, Error> {
        if let Some(path) = &self.shared_secret_file {
            return secret_from_file(path);
        }
        if let Some(secret) = std::env::var(SECRET_ENV).ok().filter(|s| !s.trim().is_empty()) {
            return Ok(secret.trim().to_string());
        }
        if ctx.batch {
            return Err(Error::Usage(format!(
                "no shared secret: give --shared-secret-file or set {SECRET_ENV} in --batch mode"
            )));
        }
        let secret = prompt::secret("Shared secret (registration_shared_secret): ")?;
        match secret.trim() {
            "" => Err(Error::Usage("the shared secret must not be empty".into())),
            s => Ok(s.to_string()),
        }
    }
}

impl Run for RegisterArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        // Everything local first: nothing is asked of the server before the secret and the
        // password are in hand.
        let secret = self.secret(ctx)?;
        let password = prompt::password(self.password.clone(), ctx.batch)?;
        let nonce = call(ctx.client.get_registration_nonce().send()).await?.nonce;
        let mac = registration_mac(
            secret.as_bytes(),
            &nonce,
            &self.localpart,
            &password,
            self.admin,
            self.user_type.as_deref(),
        );
        let body = types::SharedSecretRegistration {
            nonce,
            username: self.localpart,
            password,
            mac,
            admin: Some(self.admin),
            user_type: self.user_type,
            displayname: self.display_name,
            inhibit_login: self.no_login.then_some(true),
        };
        let reply = call_reply(ctx.client.register_with_shared_secret().body(body).send()).await?;
        let what = if self.admin { "admin" } else { "user" };
        ctx.note(&format!("Registered {what} {}.", reply.value.user_id));
        ctx.print_reply(&reply, &View::new(&["user_id", "access_token", "device_id"]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn the_secret_comes_from_homeserver_yaml_its_path_or_a_plain_file() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let inline = file(d, "a.yaml", "server_name: x\nregistration_shared_secret: ' s3 '\n");
        assert_eq!(secret_from_file(&inline).unwrap(), "s3");
        let kept = file(d, "secret", "from-path\n");
        let by_path = file(
            d,
            "b.yaml",
            &format!("server_name: x\nregistration_shared_secret_path: {}\n", kept.display()),
        );
        assert_eq!(secret_from_file(&by_path).unwrap(), "from-path");
        assert_eq!(
            secret_from_file(&file(d, "plain", "  plain-secret\n")).unwrap(),
            "plain-secret"
        );
        // A one-key mapping is a secret that happens to look like YAML, not a config.
        assert_eq!(secret_from_file(&file(d, "odd", "a: b\n")).unwrap(), "a: b");
    }

    #[test]
    fn a_config_without_the_feature_or_an_empty_secret_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let off = file(d, "off.yaml", "server_name: x\nreport_stats: false\n");
        let err = secret_from_file(&off).unwrap_err().to_string();
        assert!(err.contains("shared-secret registration is off"), "{err}");
        let err = secret_from_file(&file(d, "empty", " \n")).unwrap_err().to_string();
        assert!(err.contains("the shared secret is empty"), "{err}");
        let err = secret_from_file(&d.join("missing")).unwrap_err().to_string();
        assert!(err.contains("cannot read"), "{err}");
    }
}
