//! Requests to an endpoint given by hand (`synadm raw`, `synadm matrix raw`): the one place
//! where a path is not taken from the spec. They travel on the generated client's transport
//! — its reqwest client (token, timeouts, TLS, Unix socket), base path, API mounts, `-v`
//! logging and 429 retries, all from the client's hooks — and their errors are mapped like
//! those of [`super::call`].

use super::hooks::{DEFAULT_ADMIN_PATH, DEFAULT_MATRIX_PATH};
use super::{Client, describe_reqwest};
use crate::Error;
use crate::error::snippet;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue};
use serde_json::Value;

/// Which API an endpoint belongs to; each has its own (configurable) mount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// Synapse's admin API, `/_synapse/admin` unless `admin_path` says otherwise.
    Admin,
    /// The Matrix APIs, `/_matrix` unless `matrix_path` says otherwise.
    Matrix,
}

/// What a raw request sends.
#[derive(Debug, Clone)]
pub struct RawRequest<'a> {
    pub method: reqwest::Method,
    pub api: Api,
    /// The path below the API's mount, as given (`v1/server_version`, `client/versions`);
    /// a leading `/` is ignored and nothing is percent-encoded for the caller.
    pub endpoint: &'a str,
    /// The JSON body, if any.
    pub body: Option<&'a Value>,
    /// An access token to send instead of the client's own.
    pub token: Option<&'a str>,
}

/// A successful (2xx) reply.
#[derive(Debug, Clone, PartialEq)]
pub struct RawReply {
    pub status: u16,
    /// The body as it was sent.
    pub body: bytes::Bytes,
    /// Whether the body is one JSON document.
    pub is_json: bool,
}

impl RawReply {
    /// The body as a JSON value; a body that is not JSON as one string, as it was sent.
    pub fn value(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&self.body).into_owned()))
    }
}

/// Checks a hand-given endpoint before anything is sent.
fn check_endpoint(endpoint: &str) -> Result<&str, Error> {
    let trimmed = endpoint.trim().trim_start_matches('/');
    if trimmed.is_empty() {
        return Err(Error::Usage("the endpoint is empty".into()));
    }
    if trimmed.contains('#') {
        return Err(Error::Usage(format!(
            "the endpoint {endpoint:?} contains `#`, which would end the URL's path; \
             percent-encode it as %23"
        )));
    }
    let query = trimmed.split_once('?').map_or("", |(_, q)| q);
    if query.split('&').any(|pair| pair.split('=').next() == Some("access_token")) {
        // Synapse refuses a query token next to the Authorization header we always send,
        // and a URL ends up in `-v` logs.
        return Err(Error::Usage(
            "an access_token in the endpoint is refused: Synapse rejects it next to the \
             Authorization header, and URLs are logged with -v (matrix raw takes --token)"
                .into(),
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(Error::Usage("the endpoint contains control characters".into()));
    }
    Ok(trimmed)
}

/// The URL of `endpoint` below the API's default mount; the client's hooks move it to the
/// configured mount. The URL never leaves the configured server.
fn url_of(client: &Client, api: Api, endpoint: &str) -> Result<reqwest::Url, Error> {
    let mount = match api {
        Api::Admin => DEFAULT_ADMIN_PATH,
        Api::Matrix => DEFAULT_MATRIX_PATH,
    };
    let base = client.baseurl();
    let url = reqwest::Url::parse(&format!("{base}{mount}/{endpoint}"))
        .map_err(|e| Error::Usage(format!("the endpoint {endpoint:?} is not a URL path: {e}")))?;
    let base = reqwest::Url::parse(base).map_err(|e| Error::Config(e.to_string()))?;
    if url.origin() != base.origin() {
        return Err(Error::Usage(format!(
            "the endpoint {endpoint:?} leads away from the configured server"
        )));
    }
    Ok(url)
}

/// Sends one hand-built request and returns the reply of a 2xx answer. A Matrix error is
/// [`Error::Matrix`] (errcode, message, status), any other non-2xx answer
/// [`Error::NonMatrix`], exactly as for generated calls. Bodies are never logged.
pub async fn send(client: &Client, request: RawRequest<'_>) -> Result<RawReply, Error> {
    let endpoint = check_endpoint(request.endpoint)?;
    let url = url_of(client, request.api, endpoint)?;
    let mut builder = client
        .client()
        .request(request.method, url)
        .header(ACCEPT, HeaderValue::from_static("application/json"));
    if let Some(body) = request.body {
        builder = builder.json(body);
    }
    if let Some(token) = request.token {
        let mut value = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
            Error::Usage("the access token contains characters not allowed in HTTP headers".into())
        })?;
        value.set_sensitive(true);
        // Takes the place of the client's default Authorization header.
        builder = builder.header(AUTHORIZATION, value);
    }
    let http =
        builder.build().map_err(|e| Error::Usage(format!("cannot build the request: {e}")))?;
    let info = OperationInfo { operation_id: "raw" };
    let response =
        client.exec(http, &info).await.map_err(|e| Error::Network(describe_reqwest(&e)))?;
    let status = response.status().as_u16();
    let bytes = response.bytes().await.map_err(|e| Error::Network(describe_reqwest(&e)))?;
    if !(200..300).contains(&status) {
        let parsed = serde_json::from_slice::<Value>(&bytes).ok();
        // The token this request sent is the one a proxy could echo.
        let secret = request.token.or(client.inner().secret.as_deref());
        return Err(reply_error(status, parsed, &bytes, secret));
    }
    // Checked without building it: a big reply is printed straight from its bytes.
    let is_json = serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).is_ok();
    Ok(RawReply { status, body: bytes, is_json })
}

/// The error of a non-2xx reply: a Matrix error if the body is one.
fn reply_error(status: u16, body: Option<Value>, bytes: &[u8], secret: Option<&str>) -> Error {
    if let Some(Value::Object(map)) = &body
        && let Some(Value::String(errcode)) = map.get("errcode")
    {
        return Error::Matrix {
            status,
            errcode: errcode.clone(),
            message: map.get("error").and_then(Value::as_str).unwrap_or_default().to_string(),
        };
    }
    Error::NonMatrix { status: Some(status), snippet: snippet(bytes, secret) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Connection, Transport};
    use std::time::Duration;

    fn client(base: &str) -> Client {
        Connection {
            transport: Transport::Http,
            base_url: base.into(),
            token: None,
            timeout: Duration::from_secs(1),
            verify_tls: true,
            admin_path: "/_synapse/admin".into(),
            matrix_path: "/_matrix".into(),
            verbose: 0,
        }
        .client()
        .unwrap()
    }

    #[test]
    fn endpoints_go_below_the_api_mount_verbatim() {
        let c = client("http://h.example:8008/synapse");
        let url = url_of(&c, Api::Admin, "v2/users/%40u%3Ax?from=5").unwrap();
        assert_eq!(
            url.as_str(),
            "http://h.example:8008/synapse/_synapse/admin/v2/users/%40u%3Ax?from=5"
        );
        let url = url_of(&c, Api::Matrix, "client/versions").unwrap();
        assert_eq!(url.path(), "/synapse/_matrix/client/versions");
    }

    #[test]
    fn bad_endpoints_are_usage_errors() {
        for bad in
            ["", "/", "v1/rooms/#a:b/x", "v1/\nx", "client/v3/sync?timeout=0&access_token=syt_x"]
        {
            assert!(matches!(check_endpoint(bad), Err(Error::Usage(_))), "{bad:?}");
        }
        assert_eq!(check_endpoint("/v1/server_version").unwrap(), "v1/server_version");
        assert!(check_endpoint("v1/x?my_access_token=1").is_ok());
    }

    #[test]
    fn an_endpoint_cannot_leave_the_configured_server() {
        let c = client("http://h.example");
        let url = url_of(&c, Api::Admin, "//evil.example/x").unwrap();
        assert_eq!(url.host_str(), Some("h.example"));
        let url = url_of(&c, Api::Matrix, "@evil.example/x").unwrap();
        assert_eq!(url.host_str(), Some("h.example"));
    }

    #[test]
    fn error_replies_map_like_generated_calls() {
        let e = reply_error(
            404,
            Some(serde_json::json!({"errcode": "M_NOT_FOUND", "error": "No such room"})),
            b"",
            None,
        );
        assert!(matches!(
            e,
            Error::Matrix { status: 404, ref errcode, ref message }
                if errcode == "M_NOT_FOUND" && message == "No such room"
        ));
        let e = reply_error(502, None, b"<html>Bad Gateway</html>", None);
        assert!(matches!(
            e,
            Error::NonMatrix { status: Some(502), ref snippet } if snippet.contains("Bad Gateway")
        ));
    }
}
