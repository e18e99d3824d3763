//! `synadm config`: create or change the config file, interactively or from flags.

use crate::cli::kit::args::{OutputArg, OutputParser};
use crate::cli::kit::{numbers, prompt, stderr};
use clap::ArgAction;
use std::path::Path;
use synadm::Error;
use synadm::config::{self, ConfigFile};

#[derive(Debug, clap::Args)]
pub struct ConfigArgs {
    /// Admin user allowed to access the Synapse admin APIs.
    #[arg(short, long)]
    user: Option<String>,
    /// The admin user's access token (or set SYNADM_TOKEN at run time instead).
    #[arg(short, long)]
    token: Option<String>,
    /// The base URL Synapse is running on, e.g. https://localhost:8008 (or, with
    /// --protocol unix, the path of its Unix socket).
    #[arg(short, long)]
    base_url: Option<String>,
    /// How to reach Synapse: http(s) over TCP, or a Unix socket.
    #[arg(long, value_parser = ["http", "unix"])]
    protocol: Option<String>,
    /// Where Synapse serves its admin APIs.
    #[arg(short = 'p', long)]
    admin_path: Option<String>,
    /// Where Synapse serves the Matrix APIs.
    #[arg(short, long)]
    matrix_path: Option<String>,
    /// Seconds to wait for a reply (default 30).
    #[arg(short = 'w', long, value_parser = numbers::positive_u64,
          allow_negative_numbers = true)]
    timeout: Option<u64>,
    /// Default output format (empty: unchanged).
    #[arg(short, long = "output", value_parser = OutputParser, ignore_case = true)]
    output: Option<OutputArg>,
    /// Accepted for compatibility; the server name is only ever asked from the
    /// configured server itself.
    #[arg(short = 'd', long, value_parser = ["well-known", "dns"])]
    server_discovery: Option<String>,
    /// The homeserver name (the part after the colon in user IDs), or "auto-retrieval"
    /// to ask the server.
    #[arg(short = 'n', long)]
    homeserver: Option<String>,
    /// Verify TLS certificates.
    #[arg(short = 'i', long, action = ArgAction::SetTrue, overrides_with = "no_ssl_verify")]
    ssl_verify: bool,
    /// Do not verify TLS certificates (self-signed setups).
    #[arg(long, action = ArgAction::SetTrue, overrides_with = "ssl_verify")]
    no_ssl_verify: bool,
}

/// Asks one question with a default shown in brackets; an empty answer keeps it.
fn ask(question: &str, current: &str) -> Result<String, Error> {
    let answer = prompt::ask(&format!("{question} [{current}]: "))?
        .ok_or_else(|| Error::Aborted("no answer (stdin closed); use --batch with flags".into()))?;
    let answer = answer.trim();
    Ok(if answer.is_empty() { current.to_string() } else { answer.to_string() })
}

fn parse_bool(s: &str) -> Result<bool, Error> {
    match s.to_lowercase().as_str() {
        "y" | "yes" | "true" | "1" => Ok(true),
        "n" | "no" | "false" | "0" => Ok(false),
        _ => Err(Error::Usage(format!("{s:?} is not yes or no"))),
    }
}

pub fn run(path: &Path, batch: bool, args: ConfigArgs) -> Result<(), Error> {
    let mut file = ConfigFile::load(path)?;
    let set = |target: &mut Option<String>, value: Option<String>| {
        if value.is_some() {
            *target = value;
        }
    };
    set(&mut file.user, args.user);
    set(&mut file.token, args.token);
    set(&mut file.base_url, args.base_url);
    set(&mut file.protocol, args.protocol);
    set(&mut file.admin_path, args.admin_path);
    set(&mut file.matrix_path, args.matrix_path);
    set(&mut file.format, args.output.and_then(|o| o.0).map(|f| f.to_string()));
    set(&mut file.server_discovery, args.server_discovery);
    set(&mut file.homeserver, args.homeserver);
    if args.timeout.is_some() {
        file.timeout = args.timeout;
    }
    if args.ssl_verify || args.no_ssl_verify {
        file.ssl_verify = Some(args.ssl_verify);
    }

    // Fill in synadm's defaults so the written file is complete and self-explaining.
    let or =
        |v: &Option<String>, d: &str| v.clone().filter(|s| !s.is_empty()).unwrap_or(d.to_string());
    file.user = Some(or(&file.user, ""));
    file.protocol = Some(or(&file.protocol, "http"));
    file.base_url = Some(or(&file.base_url, config::DEFAULT_BASE_URL));
    file.admin_path = Some(or(&file.admin_path, config::DEFAULT_ADMIN_PATH));
    file.matrix_path = Some(or(&file.matrix_path, config::DEFAULT_MATRIX_PATH));
    file.format = Some(or(&file.format, &config::DEFAULT_FORMAT.to_string()));
    file.homeserver = Some(or(&file.homeserver, config::AUTO_RETRIEVAL));
    file.server_discovery = Some(or(&file.server_discovery, "well-known"));
    file.timeout = Some(file.timeout.unwrap_or(config::DEFAULT_TIMEOUT_SECS));
    file.ssl_verify = Some(file.ssl_verify.unwrap_or(true));

    if !batch {
        stderr::line(&format!(
            "Configuring synadm ({}); press Enter to keep a value.",
            path.display()
        ));
        file.user = Some(ask("Synapse admin user name", &or(&file.user, ""))?);
        let state = if or(&file.token, "").is_empty() { "NOT SET" } else { "REDACTED" };
        let token = prompt::secret(&format!("Synapse admin user token [{state}]: "))?;
        if !token.trim().is_empty() {
            file.token = Some(token.trim().to_string());
        }
        file.protocol = Some(ask("Synapse protocol (http, unix)", &or(&file.protocol, "http"))?);
        file.base_url = Some(ask("Synapse base URL (or path to socket)", &or(&file.base_url, ""))?);
        file.admin_path = Some(ask("Synapse Admin API path", &or(&file.admin_path, ""))?);
        file.matrix_path = Some(ask("Matrix API path", &or(&file.matrix_path, ""))?);
        file.format = Some(ask(
            "Default output format (yaml, json, minified, human, pprint)",
            &or(&file.format, ""),
        )?);
        let timeout = ask("Default http timeout", &file.timeout.unwrap_or_default().to_string())?;
        file.timeout = Some(
            timeout
                .parse()
                .map_err(|_| Error::Usage(format!("{timeout:?} is not a number of seconds")))?,
        );
        file.homeserver = Some(ask(
            "Homeserver name (\"auto-retrieval\" or the domain part in your MXID)",
            &or(&file.homeserver, ""),
        )?);
        let verify =
            ask("Verify certificate", if file.ssl_verify == Some(false) { "no" } else { "yes" })?;
        file.ssl_verify = Some(parse_bool(&verify)?);
        file.server_discovery =
            Some(ask("Server discovery mode (well-known, dns)", &or(&file.server_discovery, ""))?);
    }

    // Refuse to write a config that would not work; nothing is half-written.
    file.resolve(path, None, None)?;
    file.save(path)?;
    stderr::line(&format!("Saved the configuration to {} (readable by you only).", path.display()));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yes_and_no_in_the_words_synadm_took() {
        for yes in ["y", "yes", "true", "1", "Y", "YES", "True"] {
            assert!(parse_bool(yes).unwrap(), "{yes}");
        }
        for no in ["n", "no", "false", "0", "N", "No", "FALSE"] {
            assert!(!parse_bool(no).unwrap(), "{no}");
        }
        for neither in ["", "yep", "2", "on"] {
            let err = parse_bool(neither).unwrap_err().to_string();
            assert!(err.contains("is not yes or no"), "{err}");
        }
    }
}
