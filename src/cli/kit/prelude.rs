//! What a command module needs, in one import: `use crate::cli::prelude::*;`.

pub use super::args::{Paging, SinceArgs, TimeArgs, WaitArgs, flag_pair, one_of};
pub use super::context::{Ctx, Run};
pub use super::paging::{print_all, print_paged};
pub use super::views;
pub use synadm::Error;
pub use synadm::api::{Reply, call, call_reply, types};
pub use synadm::output::View;
