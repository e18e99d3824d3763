//! A request given by hand (`raw` and `matrix raw`): the method and JSON body flags, and
//! sending and printing. The request itself is built by the library (`synadm::api::raw`)
//! on the generated client's transport.

use super::prelude::*;
use std::io::Read;
use std::path::PathBuf;
use synadm::api::raw::{self, Api, RawRequest};

/// The HTTP methods synadm offers (`-m`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[value(rename_all = "lower")]
pub enum RawMethod {
    Get,
    Post,
    Put,
    Delete,
}

impl RawMethod {
    fn http(self) -> reqwest::Method {
        match self {
            RawMethod::Get => reqwest::Method::GET,
            RawMethod::Post => reqwest::Method::POST,
            RawMethod::Put => reqwest::Method::PUT,
            RawMethod::Delete => reqwest::Method::DELETE,
        }
    }
}

/// Method and body of a raw request.
#[derive(Debug, clap::Args)]
pub struct RawBody {
    /// The HTTP method used for the request.
    #[arg(short, long, value_enum, default_value_t = RawMethod::Get, ignore_case = true)]
    pub method: RawMethod,
    /// The JSON body of post, put and delete requests, as one string (quote it for the shell:
    /// '{"key1": "value1", "key2": 123}'). Default: {}.
    #[arg(short, long, value_name = "JSON", conflicts_with = "data_file")]
    pub data: Option<String>,
    /// Read the JSON body from FILE ("-" reads stdin).
    #[arg(short = 'f', long, value_name = "FILE")]
    pub data_file: Option<PathBuf>,
}

impl RawBody {
    /// The body to send, checked before anything is sent: the given JSON, `{}` by default for
    /// post, put and delete, and none for get (given data is then checked and ignored, as
    /// synadm ignored it).
    pub fn body(&self, ctx: &Ctx) -> Result<Option<serde_json::Value>, Error> {
        let text = match (&self.data, &self.data_file) {
            (Some(data), _) => Some((data.clone(), "--data".to_string())),
            (None, Some(path)) => Some((read_data_file(path)?, path.display().to_string())),
            (None, None) => None,
        };
        let body = match text {
            Some((text, source)) => Some(serde_json::from_str(&text).map_err(|e| {
                Error::Usage(format!("the JSON data of {source} is not valid JSON: {e}"))
            })?),
            None => None,
        };
        if self.method == RawMethod::Get {
            if body.is_some() {
                ctx.note("note: get requests carry no body; the data is not sent.");
            }
            return Ok(None);
        }
        Ok(Some(body.unwrap_or_else(|| serde_json::json!({}))))
    }
}

fn read_data_file(path: &std::path::Path) -> Result<String, Error> {
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Error::Usage(format!("cannot read the JSON data from stdin: {e}")))?;
        return Ok(text);
    }
    std::fs::read_to_string(path).map_err(|e| {
        Error::Usage(format!("cannot read the JSON data file {}: {e}", path.display()))
    })
}

/// Sends the request and prints the reply (one document; a reply that is not JSON is
/// printed as one string).
pub async fn send_and_print(
    ctx: &Ctx,
    api: Api,
    endpoint: &str,
    body: &RawBody,
    token: Option<&str>,
) -> Result<(), Error> {
    let data = body.body(ctx)?;
    let reply = raw::send(
        &ctx.client,
        RawRequest { method: body.method.http(), api, endpoint, body: data.as_ref(), token },
    )
    .await?;
    if !reply.is_json {
        ctx.note(&format!(
            "note: the reply (HTTP {}) is not JSON; it is printed as a string.",
            reply.status
        ));
        return ctx.print(&reply.value(), &View::PLAIN);
    }
    ctx.print_json(&reply.body, &View::PLAIN)
}
