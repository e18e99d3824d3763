//! The command kit: what every command uses. The kit never imports a command; a need that
//! two command groups share moves down here.

pub mod args;
pub mod bulk;
pub mod context;
pub mod global;
pub mod id_list;
pub mod jobs;
pub mod numbers;
pub mod paging;
pub mod prelude;
pub mod progress;
pub mod prompt;
pub mod raw_request;
pub mod stderr;
pub mod user_queries;
pub mod views;
