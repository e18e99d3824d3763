//! One module per command group. A command imports the kit and the library, never a
//! sibling group.

pub mod config;
pub mod docs;
pub mod federation;
pub mod group;
pub mod history;
pub mod matrix;
pub mod media;
pub mod notice;
pub mod raw;
pub mod regtok;
pub mod report;
pub mod room;
pub mod server;
pub mod user;
pub mod version;
