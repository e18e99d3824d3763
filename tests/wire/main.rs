//! Wire-exact tests: the real `synadm` binary against httpmock. They pin the request on
//! the wire (method, path encoding, query, body, headers) and stdout, stderr, exit code.

mod account;
mod bulk;
mod capture;
mod checks;
mod cli;
#[path = "../common/mod.rs"]
mod common;
mod config;
mod device;
mod encoding;
mod errors;
mod federation;
mod history;
mod import;
mod media;
mod notice;
mod parity;
mod raw;
mod register;
mod regtok;
mod report;
mod room;
mod room_delete;
mod room_events;
mod server;
mod streams;
mod support;
mod tls;
mod user;
