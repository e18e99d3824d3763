//! Matrix user IDs as typed on the command line: full IDs are checked, bare localparts
//! are completed to `@localpart:server` once the server name is known.

use crate::Error;

/// A user as given on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserArg {
    /// A complete `@localpart:server` ID.
    Full(String),
    /// Just the localpart (`alice`, `@alice`, `alice:`), to be completed.
    Localpart(String),
}

fn localpart_char(c: char) -> bool {
    c.is_alphanumeric() || "-./=+_".contains(c)
}

/// Checks a server name: a DNS name, IPv4 or `[IPv6]` literal, with an optional port.
pub fn check_server_name(name: &str) -> Result<(), String> {
    let (host_ok, port) = if let Some(rest) = name.strip_prefix('[') {
        let (ip, after) = rest
            .split_once(']')
            .ok_or_else(|| format!("{name:?} has an unclosed IPv6 literal"))?;
        let ok = !ip.is_empty()
            && ip
                .chars()
                .all(|c| c.is_ascii_hexdigit() || ":.".contains(c));
        let port = match after {
            "" => None,
            _ => Some(
                after
                    .strip_prefix(':')
                    .ok_or_else(|| format!("{name:?} is not a valid server name"))?,
            ),
        };
        (ok, port)
    } else {
        let (host, port) = match name.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (name, None),
        };
        let ok = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-.".contains(c));
        (ok, port)
    };
    if !host_ok {
        return Err(format!("{name:?} is not a valid server name"));
    }
    if let Some(port) = port
        && (port.is_empty() || port.parse::<u16>().is_err())
    {
        return Err(format!("{name:?} has an invalid port"));
    }
    Ok(())
}

impl UserArg {
    /// Parses a user argument; anything that is neither a user ID nor a localpart is a
    /// usage error, reported before any request is sent.
    pub fn parse(input: &str) -> Result<UserArg, Error> {
        let bad = |why: &str| {
            Error::Usage(format!(
                "{input:?} is not a Matrix user ID (@localpart:server) or a localpart: {why}"
            ))
        };
        let s = input.trim();
        if let Some((local, server)) = s.strip_prefix('@').and_then(|r| r.split_once(':'))
            && !server.is_empty()
        {
            if local.is_empty() || local.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(bad("invalid localpart"));
            }
            check_server_name(server).map_err(|e| bad(&e))?;
            return Ok(UserArg::Full(s.to_string()));
        }
        let local = s.strip_prefix('@').unwrap_or(s);
        let local = local.strip_suffix(':').unwrap_or(local);
        if local.is_empty() {
            return Err(bad("empty"));
        }
        if !local.chars().all(localpart_char) {
            return Err(bad(
                "a localpart may only contain letters, digits and -./=+_",
            ));
        }
        Ok(UserArg::Localpart(local.to_string()))
    }

    /// The complete user ID, using `server` for a bare localpart.
    pub fn complete(&self, server: &str) -> String {
        match self {
            UserArg::Full(id) => id.clone(),
            UserArg::Localpart(local) => format!("@{local}:{server}"),
        }
    }
}

/// Checks a room ID: `!opaque:server`, or `!opaque` (room version 12 has no server part).
/// Used as a clap value parser, so a bad ID stops the command before any request.
pub fn parse_room_id(input: &str) -> Result<String, String> {
    let rest = input
        .strip_prefix('!')
        .ok_or_else(|| format!("{input:?} is not a room ID (they start with '!')"))?;
    let (opaque, server) = match rest.split_once(':') {
        Some((o, s)) => (o, Some(s)),
        None => (rest, None),
    };
    if opaque.is_empty() || opaque.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("{input:?} is not a room ID"));
    }
    if let Some(server) = server {
        check_server_name(server).map_err(|e| format!("{input:?} is not a room ID: {e}"))?;
    }
    Ok(input.to_string())
}

/// Checks a room alias: `#localpart:server`. Used as a clap value parser.
pub fn parse_room_alias(input: &str) -> Result<String, String> {
    let (local, server) = input
        .strip_prefix('#')
        .and_then(|rest| rest.split_once(':'))
        .ok_or_else(|| format!("{input:?} is not a room alias (#name:server)"))?;
    if local.is_empty() || local.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("{input:?} is not a room alias (#name:server)"));
    }
    check_server_name(server).map_err(|e| format!("{input:?} is not a room alias: {e}"))?;
    Ok(input.to_string())
}

/// A room as given on the command line: its ID or one of its aliases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoomArg {
    /// `!opaque:server` or `!opaque`
    Id(String),
    /// `#name:server`
    Alias(String),
}

impl RoomArg {
    /// The ID or alias as typed.
    pub fn as_str(&self) -> &str {
        match self {
            RoomArg::Id(s) | RoomArg::Alias(s) => s,
        }
    }
}

impl std::fmt::Display for RoomArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Checks a room ID or alias (by its sigil). Used as a clap value parser.
pub fn parse_room_id_or_alias(input: &str) -> Result<RoomArg, String> {
    match input.chars().next() {
        Some('!') => parse_room_id(input).map(RoomArg::Id),
        Some('#') => parse_room_alias(input).map(RoomArg::Alias),
        _ => Err(format!(
            "{input:?} is neither a room ID (!…) nor a room alias (#name:server)"
        )),
    }
}

/// The server name part of a full user ID (`@a:example.org:8448` → `example.org:8448`).
pub fn server_of(user_id: &str) -> Option<&str> {
    user_id
        .strip_prefix('@')?
        .split_once(':')
        .map(|(_, s)| s)
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_ids_are_kept() {
        for id in [
            "@alice:example.org",
            "@a.b=c+d/e_f-g:h.example:8448",
            "@x:[::1]:8448",
            "@Bob:127.0.0.1",
        ] {
            assert_eq!(
                UserArg::parse(id).unwrap(),
                UserArg::Full(id.to_string()),
                "{id}"
            );
        }
    }

    #[test]
    fn localparts_are_completed() {
        for input in ["alice", "@alice", "alice:", "@alice:"] {
            let arg = UserArg::parse(input).unwrap();
            assert_eq!(arg.complete("example.org"), "@alice:example.org", "{input}");
        }
    }

    #[test]
    fn malformed_ids_are_usage_errors() {
        for bad in [
            "",
            "@",
            "al ice",
            "@:example.org",
            "@alice:bad host",
            "alice#1",
            "@a:h:99999999",
            "@a:[zz]",
        ] {
            assert!(
                matches!(UserArg::parse(bad), Err(Error::Usage(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn room_ids_with_and_without_server() {
        assert!(parse_room_id("!abc:example.org").is_ok());
        assert!(parse_room_id("!HrU8KbAsZ-q9").is_ok());
        for bad in [
            "abc:example.org",
            "!",
            "!:example.org",
            "!a b:example.org",
            "!a:bad host",
            "#alias:example.org",
        ] {
            assert!(parse_room_id(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn room_aliases() {
        assert!(parse_room_alias("#general:example.org").is_ok());
        assert!(parse_room_alias("#a.b-c_d:example.org:8448").is_ok());
        for bad in [
            "general:example.org",
            "#",
            "#:example.org",
            "#general",
            "#general:",
            "#gen eral:example.org",
            "#general:bad host",
            "!room:example.org",
        ] {
            assert!(parse_room_alias(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn room_ids_or_aliases_by_sigil() {
        assert_eq!(
            parse_room_id_or_alias("!abc:example.org"),
            Ok(RoomArg::Id("!abc:example.org".into()))
        );
        assert_eq!(
            parse_room_id_or_alias("!HrU8KbAsZ-q9"),
            Ok(RoomArg::Id("!HrU8KbAsZ-q9".into()))
        );
        assert_eq!(
            parse_room_id_or_alias("#general:example.org"),
            Ok(RoomArg::Alias("#general:example.org".into()))
        );
        for bad in ["", "general", "@alice:example.org", "#nohost", "!a b:x"] {
            assert!(parse_room_id_or_alias(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn server_names() {
        assert!(check_server_name("example.org").is_ok());
        assert!(check_server_name("example.org:8448").is_ok());
        assert!(check_server_name("[2001:db8::1]:8448").is_ok());
        assert!(check_server_name("None ").is_err());
        assert_eq!(server_of("@a:example.org:8448"), Some("example.org:8448"));
        assert_eq!(server_of("alice"), None);
    }
}
