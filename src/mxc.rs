//! Media IDs and MXC URIs (`mxc://<server-name>/<media-id>`) as typed on the command line,
//! checked before any request is sent.

use crate::error::quoted;
use crate::ids::check_server_name;

/// The most characters a media ID may have here (Synapse makes 24; the spec sets no limit,
/// Matrix identifiers in general stop at 255 bytes).
const MAX_MEDIA_ID: usize = 255;

/// One media item: the server that holds it and its media ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mxc {
    pub server_name: String,
    pub media_id: String,
}

impl std::fmt::Display for Mxc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "mxc://{}/{}", self.server_name, self.media_id)
    }
}

/// Checks a media ID: 1 to 255 characters of `A-Z a-z 0-9 _ -` (the Matrix spec's alphabet
/// for media IDs). Used as a clap value parser, so a bad ID stops the command before any
/// request.
pub fn parse_media_id(input: &str) -> Result<String, String> {
    let hint = if input.starts_with("mxc://") { " (for an MXC URI use -U/--mxc-uri)" } else { "" };
    if input.is_empty() {
        return Err("a media ID must not be empty".into());
    }
    if input.len() > MAX_MEDIA_ID {
        return Err(format!(
            "a media ID has at most {MAX_MEDIA_ID} characters, this one {}",
            input.len()
        ));
    }
    if !input.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return Err(format!(
            "{} is not a media ID: only letters, digits, '_' and '-' are allowed{hint}",
            quoted(input)
        ));
    }
    Ok(input.to_string())
}

/// Checks a server name given on its own (`-s/--server-name`).
pub fn parse_server_name(input: &str) -> Result<String, String> {
    check_server_name(input)?;
    Ok(input.to_string())
}

impl Mxc {
    /// Parses `mxc://<server-name>/<media-id>`: the scheme (any case, as URI schemes are),
    /// a valid server name and a valid media ID, nothing else (no further path, query or
    /// fragment). Blank space around it (a pasted line) is dropped, as for Matrix IDs.
    /// The one MXC parser: avatars (`user modify -v`) and media commands (`-U`) use it.
    pub fn parse(input: &str) -> Result<Mxc, String> {
        let input = input.trim();
        let bad = |why: String| {
            format!("{} is not an MXC URI (mxc://server/media-id): {why}", quoted(input))
        };
        let rest = input
            .get(..6)
            .filter(|scheme| scheme.eq_ignore_ascii_case("mxc://"))
            .map(|_| &input[6..])
            .ok_or_else(|| bad("it must start with mxc://".into()))?;
        let (server, media_id) =
            rest.split_once('/').ok_or_else(|| bad("the media ID is missing".into()))?;
        check_server_name(server).map_err(bad)?;
        let media_id = parse_media_id(media_id).map_err(bad)?;
        Ok(Mxc { server_name: server.to_string(), media_id })
    }
}

impl std::str::FromStr for Mxc {
    type Err = String;
    fn from_str(s: &str) -> Result<Mxc, String> {
        Mxc::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_ids_of_the_matrix_alphabet_are_accepted() {
        for id in ["rAnDoM123", "a", "abc_DEF-123", &"x".repeat(255)] {
            assert_eq!(parse_media_id(id).as_deref(), Ok(id));
        }
    }

    #[test]
    fn malformed_media_ids_are_rejected() {
        for bad in ["", "a/b", "a b", "abc?x", "ab%2F", "..", "ä", "id\n", &"x".repeat(256)] {
            assert!(parse_media_id(bad).is_err(), "{bad:?}");
        }
        assert!(parse_media_id("mxc://example.org/abc").unwrap_err().contains("-U/--mxc-uri"));
    }

    #[test]
    fn mxc_uris_split_into_server_and_media_id() {
        let m = Mxc::parse("mxc://example.org:8448/AbC_d-1").unwrap();
        assert_eq!(m.server_name, "example.org:8448");
        assert_eq!(m.media_id, "AbC_d-1");
        assert_eq!(m.to_string(), "mxc://example.org:8448/AbC_d-1");
        let v6 = Mxc::parse("MXC://[::1]:8448/x").unwrap();
        assert_eq!(v6.server_name, "[::1]:8448");
        // The scheme is written in lower case again, and a pasted line's blanks go.
        assert_eq!(v6.to_string(), "mxc://[::1]:8448/x");
        let pasted = Mxc::parse(" mxc://example.org/abc\n").unwrap();
        assert_eq!(pasted.to_string(), "mxc://example.org/abc");
    }

    #[test]
    fn malformed_mxc_uris_are_rejected() {
        for bad in [
            "",
            "example.org/abc",
            "https://example.org/abc",
            "mxc:/example.org/abc",
            "mxc://example.org",
            "mxc://example.org/",
            "mxc:///abc",
            "mxc://bad host/abc",
            "mxc://example.org/abc/def",
            "mxc://example.org/abc?x=1",
            "mxc://example.org/abc#frag",
            "mxc://example.org:99999/abc",
            "mxc://example.org/a b",
            "mxc://example.org/ä",
        ] {
            assert!(Mxc::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn server_names_are_checked() {
        assert_eq!(parse_server_name("example.org").as_deref(), Ok("example.org"));
        assert!(parse_server_name("bad host").is_err());
        assert!(parse_server_name("").is_err());
    }

    #[test]
    fn media_ids_stop_at_255_characters_in_uris_too() {
        let longest = format!("mxc://example.org/{}", "x".repeat(255));
        assert_eq!(Mxc::parse(&longest).unwrap().media_id.len(), 255);
        let over = format!("mxc://example.org/{}", "x".repeat(256));
        assert!(Mxc::parse(&over).unwrap_err().contains("at most 255"));
    }

    #[test]
    fn a_runaway_uri_is_quoted_briefly() {
        let huge = format!("mxc://example.org/{}?", "x".repeat(100_000));
        assert!(Mxc::parse(&huge).unwrap_err().len() < 400);
        assert!(parse_media_id(&"ä".repeat(100)).unwrap_err().len() < 400);
    }
}
