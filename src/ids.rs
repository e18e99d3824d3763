//! Matrix identifiers as typed on the command line: user IDs (full, or a localpart that is
//! completed to `@localpart:server` once the server name is known), room IDs, room aliases,
//! event IDs and `mxc://` URIs. Each parser runs before any request, so bad input is a usage
//! error and nothing is sent. Surrounding whitespace (from copy and paste) is ignored.

use crate::Error;
use crate::error::quoted;
use std::net::Ipv6Addr;

/// The Matrix spec's limit for user IDs, room IDs, room aliases and event IDs, in bytes.
pub const MAX_ID_BYTES: usize = 255;

/// A user as given on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserArg {
    /// A complete `@localpart:server` ID.
    Full(String),
    /// Just the localpart (`alice` or `@alice`), to be completed.
    Localpart(String),
}

/// Characters of a localpart typed on its own: the spec's current set plus upper case
/// (historical IDs have it). Anything else is more likely a typo than a user.
fn localpart_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-./=+_".contains(c)
}

/// Characters of the localpart of a full user ID: the spec's historical set (printable
/// ASCII except ':'), which old accounts may still use.
fn historical_localpart_char(c: char) -> bool {
    c.is_ascii_graphic() && c != ':'
}

/// Characters of the opaque part of room IDs, aliases and event IDs: anything but
/// whitespace, control characters and the ':' that separates the server name.
fn opaque_char(c: char) -> bool {
    !(c.is_whitespace() || c.is_control() || c == ':')
}

fn check_length(input: &str, what: &str) -> Result<(), String> {
    if input.len() > MAX_ID_BYTES {
        return Err(format!(
            "{} is too long for a {what} (at most {MAX_ID_BYTES} bytes)",
            quoted(input)
        ));
    }
    Ok(())
}

/// Checks a server name: a DNS name, IPv4 or `[IPv6]` literal, with an optional port.
pub(crate) fn check_server_name(name: &str) -> Result<(), String> {
    let invalid = || format!("{} is not a valid server name", quoted(name));
    if name.is_empty() {
        return Err("the server name is empty".into());
    }
    let (host_ok, port) = if let Some(rest) = name.strip_prefix('[') {
        let (ip, after) = rest
            .split_once(']')
            .ok_or_else(|| format!("{} has an unclosed IPv6 literal", quoted(name)))?;
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':').ok_or_else(invalid)?),
        };
        (ip.parse::<Ipv6Addr>().is_ok(), port)
    } else {
        let (host, port) = match name.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (name, None),
        };
        let ok =
            !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || "-.".contains(c));
        (ok, port)
    };
    if !host_ok {
        return Err(invalid());
    }
    // Digits only: `str::parse::<u16>` would also take "+80".
    if let Some(port) = port
        && (port.is_empty()
            || !port.bytes().all(|b| b.is_ascii_digit())
            || port.parse::<u16>().is_err())
    {
        return Err(format!("{} has an invalid port", quoted(name)));
    }
    Ok(())
}

/// "a" or "an" before `what` ("an event ID", "a room ID").
fn article(what: &str) -> &'static str {
    if what.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
}

/// Splits `<sigil>opaque:server` (server required) after checking length and sigil.
fn sigil_and_server<'a>(input: &'a str, sigil: char, what: &str) -> Result<&'a str, String> {
    check_length(input, what)?;
    input.strip_prefix(sigil).ok_or_else(|| {
        format!(
            "{} is not {an} {what} (they start with '{sigil}')",
            quoted(input),
            an = article(what)
        )
    })
}

fn check_opaque(input: &str, opaque: &str, what: &str) -> Result<(), String> {
    if opaque.is_empty() {
        return Err(format!(
            "{} is not {an} {what}: nothing after the sigil",
            quoted(input),
            an = article(what)
        ));
    }
    if !opaque.chars().all(opaque_char) {
        return Err(format!(
            "{} is not {an} {what}: it contains spaces or control characters",
            quoted(input),
            an = article(what)
        ));
    }
    Ok(())
}

fn check_server_part(input: &str, server: &str, what: &str) -> Result<(), String> {
    check_server_name(server)
        .map_err(|e| format!("{} is not {an} {what}: {e}", quoted(input), an = article(what)))
}

impl UserArg {
    /// Parses a user argument; anything that is neither a user ID nor a localpart is a
    /// usage error, reported before any request is sent.
    pub fn parse(input: &str) -> Result<UserArg, Error> {
        let s = input.trim();
        let bad = |why: &str| {
            Error::Usage(format!(
                "{} is not a Matrix user ID (@localpart:server) or a localpart: {why}",
                quoted(s)
            ))
        };
        if s.len() > MAX_ID_BYTES {
            return Err(bad(&format!("too long (at most {MAX_ID_BYTES} bytes)")));
        }
        let (at, rest) = match s.strip_prefix('@') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        match rest.split_once(':') {
            Some((_, "")) => Err(bad(
                "the server name after ':' is missing; give the full ID or only the localpart",
            )),
            Some((local, server)) if !at => Err(bad(&format!(
                "a user ID starts with '@' (did you mean {}?)",
                quoted(&format!("@{local}:{server}"))
            ))),
            Some((local, server)) => {
                if local.is_empty() {
                    return Err(bad("the localpart is empty"));
                }
                if !local.chars().all(historical_localpart_char) {
                    return Err(bad(
                        "the localpart contains spaces, control or non-ASCII characters",
                    ));
                }
                check_server_name(server).map_err(|e| bad(&e))?;
                Ok(UserArg::Full(s.to_string()))
            }
            None => {
                if rest.is_empty() {
                    return Err(bad("empty"));
                }
                if !rest.chars().all(localpart_char) {
                    return Err(bad("a localpart may only contain letters, digits and -./=+_"));
                }
                Ok(UserArg::Localpart(rest.to_string()))
            }
        }
    }

    /// The complete user ID, using `server` for a bare localpart. Fails if the result would
    /// be longer than the spec allows.
    pub fn complete(&self, server: &str) -> Result<String, Error> {
        let id = match self {
            UserArg::Full(id) => return Ok(id.clone()),
            UserArg::Localpart(local) => format!("@{local}:{server}"),
        };
        check_length(&id, "user ID").map_err(Error::Usage)?;
        Ok(id)
    }
}

/// Checks an ID whose server part is optional: `<sigil>opaque` or `<sigil>opaque:server`.
fn parse_opaque_id(input: &str, sigil: char, what: &str) -> Result<String, String> {
    let s = input.trim();
    let rest = sigil_and_server(s, sigil, what)?;
    let (opaque, server) = match rest.split_once(':') {
        Some((o, s)) => (o, Some(s)),
        None => (rest, None),
    };
    check_opaque(s, opaque, what)?;
    if let Some(server) = server {
        check_server_part(s, server, what)?;
    }
    Ok(s.to_string())
}

/// Checks a room ID: `!opaque:server`, or `!opaque` (room version 12 has no server part).
pub fn parse_room_id(input: &str) -> Result<String, String> {
    parse_opaque_id(input, '!', "room ID")
}

/// Checks a room alias: `#alias:server`.
pub fn parse_room_alias(input: &str) -> Result<String, String> {
    let s = input.trim();
    let what = "room alias";
    let rest = sigil_and_server(s, '#', what)?;
    let (local, server) = rest.split_once(':').ok_or_else(|| {
        format!(
            "{} is not {an} {what}: it needs a server name (#alias:server)",
            quoted(s),
            an = article(what)
        )
    })?;
    check_opaque(s, local, what)?;
    check_server_part(s, server, what)?;
    Ok(s.to_string())
}

/// Checks an event ID: `$opaque` (room versions 3 and later) or `$opaque:server` (1 and 2).
pub fn parse_event_id(input: &str) -> Result<String, String> {
    parse_opaque_id(input, '$', "event ID")
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
        _ => Err(format!("{input:?} is neither a room ID (!…) nor a room alias (#name:server)")),
    }
}

/// The server name part of a full user ID (`@a:example.org:8448` → `example.org:8448`).
pub fn server_of(user_id: &str) -> Option<&str> {
    user_id.strip_prefix('@')?.split_once(':').map(|(_, s)| s).filter(|s| !s.is_empty())
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
            "@old#style!:example.org",
        ] {
            assert_eq!(UserArg::parse(id).unwrap(), UserArg::Full(id.to_string()), "{id}");
        }
        assert_eq!(
            UserArg::parse("  @alice:example.org\n").unwrap(),
            UserArg::Full("@alice:example.org".into())
        );
    }

    #[test]
    fn localparts_are_completed() {
        for input in ["alice", "@alice", " alice "] {
            let arg = UserArg::parse(input).unwrap();
            assert_eq!(arg.complete("example.org").unwrap(), "@alice:example.org", "{input}");
        }
    }

    #[test]
    fn an_empty_server_part_is_not_completed() {
        for input in ["alice:", "@alice:"] {
            let err = UserArg::parse(input).unwrap_err();
            assert!(
                matches!(&err, Error::Usage(m) if m.contains("server name after ':' is missing")),
                "{input}: {err}"
            );
        }
    }

    #[test]
    fn a_full_id_without_the_at_sign_gets_a_hint() {
        let err = UserArg::parse("alice:example.org").unwrap_err();
        assert_eq!(
            err.to_string(),
            "\"alice:example.org\" is not a Matrix user ID (@localpart:server) or a localpart: \
             a user ID starts with '@' (did you mean \"@alice:example.org\"?)"
        );
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
            "@a:h:+80",
            "@a:[zz]",
            "@a:[:]",
            "@ä:example.org",
            "@a b:example.org",
            "@a\u{7}:example.org",
            "ä",
        ] {
            assert!(matches!(UserArg::parse(bad), Err(Error::Usage(_))), "{bad:?}");
        }
    }

    #[test]
    fn ids_longer_than_255_bytes_are_refused_with_a_short_message() {
        let long = format!("@{}:example.org", "a".repeat(100_000));
        let err = UserArg::parse(&long).unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, Error::Usage(_)));
        assert!(text.len() < 300, "{text}");
        assert!(text.contains("too long (at most 255 bytes)"), "{text}");
        let max = format!("@{}:example.org", "a".repeat(255 - 13));
        assert_eq!(max.len(), 255);
        assert!(UserArg::parse(&max).is_ok());
        assert!(UserArg::parse(&format!("a{max}")).is_err());
        let local = UserArg::parse(&"a".repeat(250)).unwrap();
        assert!(matches!(local.complete("example.org"), Err(Error::Usage(_))));
        for parse in [parse_room_id, parse_room_alias, parse_event_id] {
            let err = parse(&format!("!{}", "a".repeat(300))).unwrap_err();
            assert!(err.len() < 300, "{err}");
        }
        assert!(parse_room_id(&format!("!{}:example.org", "a".repeat(300))).is_err());
        assert!(parse_room_alias(&format!("#{}:example.org", "a".repeat(300))).is_err());
        assert!(parse_event_id(&format!("${}", "a".repeat(300))).is_err());
    }

    #[test]
    fn room_ids_with_and_without_server() {
        assert_eq!(parse_room_id("!abc:example.org").unwrap(), "!abc:example.org");
        assert_eq!(parse_room_id(" !HrU8KbAsZ-q9 ").unwrap(), "!HrU8KbAsZ-q9");
        for bad in [
            "abc:example.org",
            "!",
            "!:example.org",
            "!a b:example.org",
            "!a:bad host",
            "!a:",
            "#alias:example.org",
        ] {
            assert!(parse_room_id(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn room_aliases_need_a_server() {
        assert_eq!(parse_room_alias("#general:example.org").unwrap(), "#general:example.org");
        for bad in ["#general", "#general:", "#:example.org", "!r:example.org", "#a b:x.org"] {
            assert!(parse_room_alias(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn event_ids_of_old_and_new_room_versions() {
        assert_eq!(
            parse_event_id("$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg").unwrap(),
            "$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg"
        );
        assert!(parse_event_id("$abc:example.org").is_ok());
        for bad in ["$", "abc", "$a b", "$abc:", "!abc:example.org"] {
            assert!(parse_event_id(bad).is_err(), "{bad:?}");
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
        assert!(check_server_name("").is_err());
        assert!(check_server_name("h:").is_err());
        assert_eq!(server_of("@a:example.org:8448"), Some("example.org:8448"));
        assert_eq!(server_of("alice"), None);
    }

    type Parser = fn(&str) -> Result<String, String>;

    #[test]
    fn room_and_event_id_errors_say_what_is_wrong() {
        let cases: [(Parser, &str, &str); 7] = [
            (parse_room_id, "abc", r#""abc" is not a room ID (they start with '!')"#),
            (parse_event_id, "abc", r#""abc" is not an event ID (they start with '$')"#),
            (
                parse_room_alias,
                "#",
                r##""#" is not a room alias: it needs a server name (#alias:server)"##,
            ),
            (
                parse_room_id,
                "!:example.org",
                r#""!:example.org" is not a room ID: nothing after the sigil"#,
            ),
            (parse_event_id, "$", r#""$" is not an event ID: nothing after the sigil"#),
            (
                parse_room_id,
                "!a\u{7}b:example.org",
                r#""!a\u{7}b:example.org" is not a room ID: it contains spaces or control characters"#,
            ),
            (
                parse_event_id,
                "$abc:bad host",
                r#""$abc:bad host" is not an event ID: "bad host" is not a valid server name"#,
            ),
        ];
        for (parse, input, message) in cases {
            assert_eq!(parse(input).unwrap_err(), message, "{input:?}");
        }
    }

    #[test]
    fn an_id_of_exactly_255_bytes_is_allowed() {
        let at_limit = format!("!{}:example.org", "a".repeat(MAX_ID_BYTES - 13));
        assert_eq!(at_limit.len(), MAX_ID_BYTES);
        assert_eq!(parse_room_id(&at_limit), Ok(at_limit.clone()));
        let over = format!("!a{}", &at_limit[1..]);
        assert_eq!(
            parse_room_id(&over).unwrap_err(),
            format!("{} is too long for a room ID (at most 255 bytes)", quoted(&over))
        );
    }

    #[test]
    fn a_room_argument_shows_as_typed() {
        let id = RoomArg::Id("!abc:example.org".into());
        let alias = RoomArg::Alias("#general:example.org".into());
        assert_eq!(id.as_str(), "!abc:example.org");
        assert_eq!(alias.as_str(), "#general:example.org");
        assert_eq!(alias.to_string(), "#general:example.org");
    }
}
