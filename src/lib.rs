//! synadm: a command-line admin tool for the Matrix homeserver Synapse.
//!
//! The library holds everything but the command-line layer: the typed client generated
//! from `openapi/synapse.yaml` ([`api`]), the synadm.yaml config ([`config`]), output
//! rendering ([`output`]), Matrix ID handling ([`ids`]), media IDs and MXC URIs ([`mxc`]),
//! date parsing ([`time`]) and the one error type ([`Error`]).

pub mod api;
pub mod config;
pub mod error;
pub mod ids;
pub mod mxc;
pub mod output;
pub mod time;

pub use error::Error;
