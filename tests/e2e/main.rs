//! End-to-end tests: the real `synadm` binary against one real, seeded Synapse per run
//! (SQLite by default, PostgreSQL with `SYNADM_TEST_DB=postgres`). Each test runs the
//! binary with its own home directory and config, and reads destructive effects back from
//! the server with the admin API. Tests run in parallel against the one server, so anything
//! destructive happens to fresh users, never to the seed data.

#[path = "../common/mod.rs"]
mod common;

mod account;
mod bulk;
mod config;
mod credentials;
mod deactivate;
mod devices;
mod errors;
mod federation;
mod history;
mod import;
mod library;
mod listing;
mod lookup;
mod media;
mod moderation;
mod modify;
mod notice;
mod raw;
mod register;
mod regtok;
mod report;
mod room;
mod room_delete;
mod room_events;
mod server;
mod support;
