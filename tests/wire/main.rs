//! Wire-exact tests: the real `synadm` binary against httpmock. They pin the request on
//! the wire (method, path encoding, query, body, headers) and stdout, stderr, exit code.

#[path = "../common/mod.rs"]
mod common;
mod config;
mod encoding;
mod errors;
mod media;
mod parity;
mod regtok;
mod streams;
mod support;
mod tls;
mod user;
