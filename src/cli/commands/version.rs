//! `synadm version`: the Synapse server's version.

use crate::cli::kit::prelude::*;

#[derive(Debug, clap::Args)]
pub struct VersionArgs {}

impl Run for VersionArgs {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        let version = call(ctx.client.get_server_version().send()).await?;
        ctx.print(&version, &View::PLAIN)
    }
}
