//! `synadm raw ENDPOINT`: a request to any admin API endpoint, given by hand.

use crate::cli::kit::prelude::*;
use crate::cli::kit::raw_request::{RawBody, send_and_print};
use synadm::api::raw::Api;

#[derive(Debug, clap::Args)]
pub struct RawArgs {
    /// The admin API endpoint below the admin path, e.g. v1/server_version or
    /// v2/users/%40alice%3Aexample.org (percent-encode IDs yourself).
    #[arg(value_parser = crate::cli::kit::numbers::Checked(crate::cli::kit::numbers::endpoint))]
    endpoint: String,
    #[command(flatten)]
    body: RawBody,
}

impl Run for RawArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        send_and_print(ctx, Api::Admin, &self.endpoint, &self.body, None).await
    }
}
