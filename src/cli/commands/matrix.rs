//! `synadm matrix …`: Matrix client-server API calls (not the admin API).

use crate::cli::kit::prelude::*;
use crate::cli::kit::prompt;
use crate::cli::kit::raw_request::{RawBody, send_and_print};
use clap::Subcommand;
use synadm::api::raw::Api;

/// Environment variable holding the token for `matrix raw` (synadm's name).
pub const MTOKEN_ENV: &str = "MTOKEN";

/// The device name synadm gives the sessions it logs in.
const DEVICE_NAME: &str = "synadm matrix login command";

#[derive(Debug, Subcommand)]
pub enum MatrixCommand {
    /// Log in to Matrix with user ID and password and print the new access token.
    Login(LoginArgs),
    /// Send a custom request to the Matrix API (below the matrix path).
    Raw(MatrixRawArgs),
}

impl Run for MatrixCommand {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        match self {
            MatrixCommand::Login(a) => a.run(ctx).await,
            MatrixCommand::Raw(a) => a.run(ctx).await,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct LoginArgs {
    /// The user (full ID or localpart).
    user_id: String,
    /// The user's password; asked for (hidden) when missing.
    #[arg(short, long)]
    password: Option<String>,
}

impl Run for LoginArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        let user_id = ctx.user_id(&a.user_id).await?;
        let password = match a.password {
            Some(p) => p,
            None if ctx.batch => {
                return Err(Error::Usage(
                    "no password given; use -p/--password in --batch mode".into(),
                ));
            }
            None => prompt::secret("Password: ")?,
        };
        if password.is_empty() {
            return Err(Error::Usage("the password must not be empty".into()));
        }
        let body = types::LoginRequest {
            type_: "m.login.password".into(),
            identifier: Some(types::LoginIdentifier {
                type_: "m.id.user".into(),
                user: Some(user_id),
            }),
            password: Some(password),
            device_id: None,
            initial_device_display_name: Some(DEVICE_NAME.into()),
        };
        let session = call(ctx.client.login().body(body).send()).await?;
        ctx.print(&session, &View::PLAIN)
    }
}

#[derive(Debug, clap::Args)]
pub struct MatrixRawArgs {
    /// The Matrix API endpoint below the matrix path, e.g. client/versions or
    /// client/v3/rooms/%21abc%3Aexample.org/state (percent-encode IDs yourself).
    #[arg(value_parser = crate::cli::kit::numbers::Checked(crate::cli::kit::numbers::endpoint))]
    endpoint: String,
    #[command(flatten)]
    body: RawBody,
    /// Authenticate with this access token instead of the configured admin token. Without
    /// --token (and --prompt), $MTOKEN is used if set; prefer it (or --prompt) so that the
    /// token does not show up in the process list or shell history.
    #[arg(short, long, conflicts_with = "prompt")]
    token: Option<String>,
    /// Ask for the access token (hidden input); overrides $MTOKEN.
    #[arg(short, long)]
    prompt: bool,
}

impl Run for MatrixRawArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let a = self;
        let token = if a.prompt {
            if ctx.batch {
                return Err(Error::Usage(
                    "--prompt cannot ask in --batch mode; use --token or $MTOKEN".into(),
                ));
            }
            Some(prompt::secret("Matrix token: ")?)
        } else {
            // Read here rather than by clap, so that --prompt can override it.
            // An empty $MTOKEN counts as unset.
            a.token.or_else(|| std::env::var(MTOKEN_ENV).ok().filter(|t| !t.is_empty()))
        };
        if token.as_deref().is_some_and(|t| t.trim().is_empty()) {
            return Err(Error::Usage("the Matrix token is empty".into()));
        }
        send_and_print(ctx, Api::Matrix, &a.endpoint, &a.body, token.as_deref().map(str::trim))
            .await
    }
}
