//! A typed client for the Synapse admin API, and the library behind the `synadm` command.
//!
//! Every endpoint is described once in `openapi/synapse.yaml`; the build generates a typed
//! async client from it (progenitor's builder style: `client.operation().param(…).send()`).
//! This crate adds the thin glue around that client: connecting, one error type, paging,
//! output rendering, Matrix ID checks and the `synadm.yaml` config. It never prints and
//! never exits the process; the command line lives in the binary.
//!
//! # Connecting
//!
//! A [`api::Connection`] holds what is needed to reach one Synapse (base URL or Unix
//! socket, admin token, timeout, TLS verification, API mounts); [`api::Connection::client`]
//! turns it into an [`api::Client`]. The token travels only in the `Authorization` header
//! and is redacted from `Debug` output. [`config::ConfigFile`] reads synadm's
//! `~/.config/synadm.yaml` if you want the same settings as the command.
//!
//! ```ignore
//! use synadm::api::{Connection, Transport, call};
//! let client = Connection {
//!     transport: Transport::Http,
//!     base_url: "https://matrix.example.org".into(),
//!     token: Some(admin_token),
//!     timeout: std::time::Duration::from_secs(30),
//!     verify_tls: true,
//!     admin_path: synadm::api::DEFAULT_ADMIN_PATH.into(),
//!     matrix_path: synadm::api::DEFAULT_MATRIX_PATH.into(),
//!     verbose: 0,
//! }
//! .client()?;
//! ```
//!
//! # One call
//!
//! Each operation of the spec is a method of [`api::Client`] returning a builder; wrap its
//! `send()` in [`api::call`] to get the typed reply or an [`Error`]:
//!
//! ```ignore
//! let alice = call(client.get_user().user_id("@alice:example.org").send()).await?;
//! println!("{} admin={}", alice.name, alice.admin);
//! ```
//!
//! The request and reply types are in [`api::types`], the builders in [`api::builder`]; both
//! are generated, so `cargo doc` shows the operations of the spec you built with.
//!
//! # Every page of a list
//!
//! [`api::pages`] turns an offset-paginated list (users, rooms, a user's media) into a
//! stream of pages that follows `next_token` to the end and holds one page in memory:
//!
//! ```ignore
//! let fetch = |from| call(client.list_users().from(from).limit(500).send());
//! let mut stream = std::pin::pin!(synadm::api::pages(0, fetch));
//! while let Some(users) = stream.try_next().await? { /* … */ }
//! ```
//!
//! `examples/count_users.rs` is a whole program doing this (the tests build and run it
//! against a real Synapse).
//!
//! # Errors
//!
//! Every failure is one [`Error`]: a Matrix error (`errcode`, message, HTTP status), a
//! network failure, a reply that is not Matrix JSON, bad input found before sending, a config
//! problem, a failed background job. [`Error::exit_code`] is the code the `synadm` binary
//! exits with for it (1 Matrix error, 2 bad input, 3 config, 4 network, 5 not a Matrix
//! reply, 6 aborted, 7 local I/O, 8 a failed server job).
//!
//! # Modules
//!
//! - [`api`]: the generated client, connection, hooks (logging, 429 retries), paging,
//!   raw requests to an endpoint given by hand;
//! - [`bulk`]: one action over a stream of items, paced by the client, stoppable, with each
//!   outcome streamed;
//! - [`output`]: synadm's output formats (JSON, YAML, minified, pprint, human tables),
//!   written to a writer you give;
//! - [`ids`], [`mxc`], [`time`]: Matrix IDs, MXC URIs and dates as admins type them,
//!   checked before any request;
//! - [`config`]: synadm.yaml, read, checked and written (mode 0600);
//! - [`error`]: the error type.
//!
//! # Features
//!
//! `cli` (on by default) builds the `synadm` binary and its command-line crates (clap,
//! completions, man page, prompts). A program that only needs the client can depend on
//! `synadm` with `default-features = false`.

pub mod api;
pub mod bulk;
pub mod config;
pub mod error;
pub mod ids;
pub mod mxc;
pub mod output;
pub mod time;

pub use error::Error;
