//! The typed Synapse client generated from `openapi/synapse.yaml`, plus the thin
//! hand-written glue around it: construction, hooks, error mapping and pagination.

#[allow(clippy::all, unused, missing_docs)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/codegen.rs"));
}

mod bodies;
mod connect;
mod hooks;
pub mod pacer;
mod paginate;
pub mod raw;
mod releases;
mod shared_secret;

pub use bodies::{RegistrationTokenUpdate, UserUpsert};
pub(crate) use connect::normalize_base_url;
pub use connect::{Connection, Transport};
pub use generated::{Client, builder, types};
pub use hooks::{DEFAULT_ADMIN_PATH, DEFAULT_MATRIX_PATH, Hooks, LogFn};
pub use paginate::{Page, pages};
pub use shared_secret::registration_mac;

use crate::Error;
use crate::error::{plain_serde_message, snippet};
use progenitor_client::ResponseValue;
use std::cell::RefCell;
use std::future::Future;

/// The pacing this client shares with its clones (see [`pacer`]).
pub fn pacer_of(client: &Client) -> &pacer::Pacer {
    &progenitor_client::ClientInfo::inner(client).pacer
}

type ApiResult<T> = Result<ResponseValue<T>, progenitor_client::Error<types::MatrixError>>;

/// Awaits one generated request (`client.get_user().user_id(id).send()`) and turns its
/// outcome into the tool's own result type. An endpoint the server does not know
/// (`M_UNRECOGNIZED`) is checked against the release the operation needs: from a server
/// older than that, the error says so ([`Error::Unsupported`]).
pub async fn call<T>(request: impl Future<Output = ApiResult<T>>) -> Result<T, Error> {
    call_reply(request).await.map(|reply| reply.value)
}

/// A typed reply together with the body it was decoded from.
#[derive(Debug)]
pub struct Reply<T> {
    pub value: T,
    /// The HTTP status (a success: 200, or 201 where an operation tells creation apart).
    pub status: u16,
    /// The body as the server sent it (keys in its order, fields this crate does not know):
    /// what a command prints when it prints the reply unchanged.
    pub body: Option<bytes::Bytes>,
}

/// [`call`], keeping the reply's body.
pub async fn call_reply<T>(request: impl Future<Output = ApiResult<T>>) -> Result<Reply<T>, Error> {
    let (result, last) = hooks::LAST_REPLY
        .scope(RefCell::default(), async {
            let result = request.await;
            (result, hooks::LAST_REPLY.with(RefCell::take))
        })
        .await;
    match result {
        Ok(value) => Ok(Reply {
            status: value.status().as_u16(),
            value: value.into_inner(),
            body: last.body,
        }),
        Err(e) => {
            let mut error = map_error(e, last.status, last.secret.as_deref());
            if let (Error::Matrix { message, .. }, Some((wait, bound))) =
                (&mut error, last.refused_wait)
            {
                message.push_str(&format!(
                    " (the server asked to wait {} s; synadm waits at most {} s)",
                    wait.as_secs(),
                    bound.as_secs()
                ));
            }
            match last.unrecognized_by {
                Some(client) => releases::explain(error, last.operation, &client).await,
                None => Err(error),
            }
        }
    }
}

fn map_error(
    e: progenitor_client::Error<types::MatrixError>,
    status: Option<u16>,
    secret: Option<&str>,
) -> Error {
    use progenitor_client::Error as E;
    match e {
        E::ErrorResponse(reply) => {
            let status = reply.status().as_u16();
            let reply = reply.into_inner();
            Error::Matrix {
                status,
                errcode: reply.errcode,
                message: reply.error.unwrap_or_default(),
            }
        }
        E::CommunicationError(e) | E::ResponseBodyError(e) | E::InvalidUpgrade(e) => {
            Error::Network(describe_reqwest(&e))
        }
        E::InvalidResponsePayload(bytes, err) => {
            let is_json = serde_json::from_slice::<serde_json::Value>(&bytes).is_ok();
            let success = status.is_some_and(|s| (200..300).contains(&s));
            let snippet = if is_json && success {
                // Valid JSON of the wrong shape: the spec and the server disagree.
                format!(
                    "unexpected reply shape ({}): {}",
                    plain_serde_message(&err.to_string()),
                    snippet(&bytes, secret)
                )
            } else {
                snippet(&bytes, secret)
            };
            Error::NonMatrix { status, snippet }
        }
        E::UnexpectedResponse(response) => Error::NonMatrix {
            status: Some(response.status().as_u16()),
            snippet: "unexpected HTTP status".into(),
        },
        E::InvalidRequest(msg) => Error::Usage(msg),
        E::Custom(msg) => Error::Io(msg),
    }
}

/// `text` cut after 200 characters, saying how long it was.
fn shortened(text: &str) -> String {
    const MAX_CHARS: usize = 200;
    match text.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => format!("{}… ({} bytes)", &text[..cut], text.len()),
        None => text.to_string(),
    }
}

/// A reqwest error with its causes (DNS, refused connection, TLS) but never headers.
fn describe_reqwest(e: &reqwest::Error) -> String {
    let mut text = if e.is_timeout() {
        "the request timed out".to_string()
    } else if e.is_connect() {
        "cannot connect".to_string()
    } else {
        "request failed".to_string()
    };
    if let Some(url) = e.url() {
        // A runaway argument makes a long URL; a few hundred bytes say where it went.
        text.push_str(&format!(" ({})", shortened(url.as_str())));
    }
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn undecodable(body: &str, status: u16) -> Error {
        let err = serde_json::from_str::<types::MatrixError>(body).unwrap_err();
        let payload =
            progenitor_client::Error::InvalidResponsePayload(body.to_string().into(), err);
        map_error(payload, Some(status), None)
    }

    #[test]
    fn only_json_of_the_wrong_shape_in_a_success_is_a_shape_mismatch() {
        assert_eq!(
            undecodable(r#"{"users": 5}"#, 200).to_string(),
            "the server's reply is not a Matrix reply (HTTP 200): unexpected reply shape \
             (missing field `errcode` at line 1 column 12): {\"users\": 5}"
        );
        // JSON that is no Matrix error, and a success that is no JSON, are shown as they came.
        assert_eq!(
            undecodable(r#"{"detail": "gateway"}"#, 502).to_string(),
            "the server's reply is not a Matrix reply (HTTP 502): {\"detail\": \"gateway\"}"
        );
        assert_eq!(
            undecodable("<html>OK</html>", 200).to_string(),
            "the server's reply is not a Matrix reply (HTTP 200): <html>OK</html>"
        );
    }

    #[test]
    fn a_long_url_is_cut_after_200_characters() {
        let short = "x".repeat(200);
        assert_eq!(shortened(&short), short);
        let long = format!("{short}é{}", "y".repeat(1000));
        assert_eq!(shortened(&long), format!("{short}… ({} bytes)", long.len()));
    }
}
