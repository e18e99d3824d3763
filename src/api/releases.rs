//! Which Synapse release each operation needs (the spec's `x-synapse-since`), and the
//! explanation of an endpoint that an older server does not know.

use super::{Client, call};
use crate::Error;

include!(concat!(env!("OUT_DIR"), "/since.rs"));

/// The first release that serves `operation`, if the spec knows the operation.
fn since(operation: &str) -> Option<&'static str> {
    SINCE.binary_search_by_key(&operation, |(id, _)| id).ok().map(|i| SINCE[i].1)
}

/// The release numbers a version string starts with: `1.163.2 (b=main,0927521)` → 1, 163, 2.
fn numbers(version: &str) -> Vec<u32> {
    version
        .split(|c: char| !c.is_ascii_digit() && c != '.')
        .next()
        .unwrap_or("")
        .split('.')
        .map_while(|p| p.parse().ok())
        .collect()
}

/// Whether the server's release is older than `needs` (unknown versions are not).
fn older(server: &str, needs: &str) -> bool {
    let server = numbers(server);
    !server.is_empty() && server < numbers(needs)
}

/// `error` came from an endpoint the server did not recognise. If the operation needs a
/// newer release than the server runs (asked only now), say so; otherwise keep the error
/// (a wrong `admin_path`, a proxy that does not pass the path on).
pub(super) async fn explain<T>(error: Error, operation: &str, client: &Client) -> Result<T, Error> {
    Err(explained(error, operation, client).await)
}

async fn explained(error: Error, operation: &str, client: &Client) -> Error {
    let (status, errcode) = match &error {
        Error::Matrix { status, errcode, .. } if errcode == "M_UNRECOGNIZED" => {
            (*status, errcode.clone())
        }
        _ => return error,
    };
    // The version request itself is not explained (it would ask itself again).
    let Some(needs) = since(operation).filter(|_| operation != "get_server_version") else {
        return error;
    };
    // Boxed: this is a `call` inside `call`.
    let version = Box::pin(call(client.get_server_version().send())).await;
    match version {
        Ok(v) if older(&v.server_version, needs) => Error::Unsupported {
            status,
            errcode,
            operation: operation.to_string(),
            needs: needs.to_string(),
            oldest_checked: needs == OLDEST_CHECKED,
            server: v.server_version,
        },
        _ => error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_a_release_and_the_table_is_sorted_for_search() {
        assert!(SINCE.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(since("suspend_user"), Some("1.110"));
        assert_eq!(since("get_media_info"), Some("1.140"));
        assert_eq!(since("list_users"), Some(OLDEST_CHECKED));
        assert_eq!(since("no_such_operation"), None);
    }

    #[test]
    fn releases_compare_by_their_numbers() {
        assert_eq!(numbers("1.163.2 (b=main,0927521)"), [1, 163, 2]);
        assert_eq!(numbers("1.99.0rc1"), [1, 99, 0]);
        assert!(older("1.99.0", "1.110"));
        assert!(older("1.109.9", "1.110"));
        assert!(!older("1.110.0", "1.110"));
        assert!(!older("1.110", "1.110"));
        assert!(!older("1.163.2", "1.140"));
        // 1.9 is not 1.90: numbers, not text.
        assert!(older("1.9.0", "1.90"));
        assert!(!older("unknown", "1.140"));
    }
}
