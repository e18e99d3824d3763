//! `user device …`: one user's devices, one at a time: list, show, create, rename, delete.
//! (`user prune-devices` deletes many by age.)

use crate::cli::kit::numbers::Checked;
use crate::cli::kit::prelude::*;

#[derive(Debug, clap::Subcommand)]
pub enum DeviceCommand {
    /// List a user's devices, with when and from where each was last seen.
    List(UserArg),
    /// Show one device.
    Show(DeviceArgs),
    /// Create a device with the given ID (for bridges and migrations; no access token
    /// comes with it). An existing device is left as it is.
    Create(DeviceArgs),
    /// Set a device's display name (Synapse has no way to remove one).
    Rename(RenameArgs),
    /// Delete one device; its access tokens stop working.
    Delete(DeviceArgs),
}

#[derive(Debug, clap::Args)]
pub struct UserArg {
    /// The user (full ID or localpart).
    user_id: String,
    #[command(flatten)]
    time: TimeArgs,
}

#[derive(Debug, clap::Args)]
pub struct DeviceArgs {
    /// The user (full ID or localpart).
    user_id: String,
    /// The device ID (free text chosen by the client, e.g. ABCDEFGHIJ).
    #[arg(value_parser = Checked(device_id))]
    device_id: String,
    #[command(flatten)]
    time: TimeArgs,
}

#[derive(Debug, clap::Args)]
pub struct RenameArgs {
    #[command(flatten)]
    device: DeviceArgs,
    /// The new display name.
    #[arg(value_parser = Checked(crate::cli::kit::numbers::url_text))]
    name: String,
}

/// A device ID as it goes into a URL: not empty, not absurdly long.
fn device_id(input: &str) -> Result<String, String> {
    if input.is_empty() {
        return Err("the device ID is empty".into());
    }
    crate::cli::kit::numbers::url_text(input)
}

/// `{devices, total}`: human output is the device table, the count on stderr.
const DEVICE_LIST: View = View::new(views::DEVICE.columns)
    .times(views::DEVICE.times)
    .reshape(|v| v["devices"].clone())
    .summary(|v| Some(format!("Devices: {}", v["total"])));

impl Run for DeviceCommand {
    async fn run(self, ctx: &Ctx) -> Result<(), Error> {
        match self {
            DeviceCommand::List(a) => {
                let user_id = ctx.user_id(&a.user_id).await?;
                let list = ctx.client.list_user_devices().user_id(user_id);
                let reply = call_reply(list.send()).await?;
                ctx.print_reply(&reply, &DEVICE_LIST.raw_times(a.time.raw()))
            }
            DeviceCommand::Show(a) => {
                let user_id = ctx.user_id(&a.user_id).await?;
                a.show(ctx, &user_id).await
            }
            DeviceCommand::Create(a) => {
                let user_id = ctx.user_id(&a.user_id).await?;
                let body = types::CreateDeviceRequest { device_id: a.device_id.clone() };
                let create = ctx.client.create_user_device().user_id(&user_id);
                call(create.body(body).send()).await?;
                a.show(ctx, &user_id).await
            }
            DeviceCommand::Rename(r) => {
                let a = r.device;
                let user_id = ctx.user_id(&a.user_id).await?;
                let body = types::RenameDeviceRequest { display_name: Some(r.name) };
                let rename = ctx.client.rename_user_device().user_id(&user_id);
                call(rename.device_id(&a.device_id).body(body).send()).await?;
                a.show(ctx, &user_id).await
            }
            DeviceCommand::Delete(a) => {
                let user_id = ctx.user_id(&a.user_id).await?;
                // Synapse answers 200 for a device that does not exist: look first, so
                // that a mistyped ID is an error, and the question can name the device.
                let get = ctx.client.get_user_device().user_id(&user_id);
                let device = call(get.device_id(&a.device_id).send()).await?;
                let name = device
                    .display_name
                    .as_deref()
                    .map(|n| format!(" ({})", synadm::output::sanitize(n)))
                    .unwrap_or_default();
                ctx.confirm(&format!(
                    "Delete device {}{name} of {user_id}? Its access tokens stop working.",
                    synadm::output::sanitize(&a.device_id)
                ))?;
                let delete = ctx.client.delete_user_device().user_id(&user_id);
                let reply = call_reply(delete.device_id(&a.device_id).send()).await?;
                ctx.print_reply(&reply, &View::PLAIN)
            }
        }
    }
}

impl DeviceArgs {
    /// Prints the device as the server has it now.
    async fn show(&self, ctx: &Ctx, user_id: &str) -> Result<(), Error> {
        let get = ctx.client.get_user_device().user_id(user_id);
        let device = call_reply(get.device_id(&self.device_id).send()).await?;
        ctx.print_reply(&device, &views::DEVICE.raw_times(self.time.raw()))
    }
}
