//! Property tests of every parser that takes outside input: Matrix IDs (`synadm::ids`),
//! dates and day counts (`synadm::time`) and the config file (`synadm::config`). For any
//! input: no panic; a rejection is the right error kind (usage for arguments, config for
//! the file) with a short message; an accepted value round-trips.
//!
//! Case counts (fixed here, not proptest's default of 256): 1024 per ID and date property,
//! 1024 per config parse property, 256 for the config save/load round trip (it writes a
//! file per case).

use proptest::prelude::*;
use std::path::Path;
use synadm::Error;
use synadm::config::ConfigFile;
use synadm::ids::{MAX_ID_BYTES, UserArg, parse_event_id, parse_room_alias, parse_room_id};
use synadm::mxc::Mxc;
use synadm::time::{days_from_now_ms, humanize, parse_datetime_ms};

const CHEAP: u32 = 1024;
const CONFIG: u32 = 1024;
const FILES: u32 = 256;

/// Error messages quote input briefly; a runaway argument must not become a huge message.
const MAX_MESSAGE: usize = 400;

/// Server names as the spec allows them: DNS names, IPv4, [IPv6], each with an optional port.
fn server_name() -> impl Strategy<Value = String> {
    let host = prop_oneof![
        "[a-z0-9-]{1,20}(\\.[a-z0-9-]{1,12}){0,3}",
        "(25[0-5]|1[0-9]{2}|[0-9]{1,2})(\\.[0-9]{1,3}){3}",
        any::<std::net::Ipv6Addr>().prop_map(|ip| format!("[{ip}]")),
    ];
    (host, proptest::option::of(any::<u16>()))
        .prop_map(|(h, port)| port.map_or(h.clone(), |p| format!("{h}:{p}")))
}

/// Strings near the accepted forms (sigils, colons, ports, odd characters), where bugs hide.
fn id_like() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ @#!$]{0,2}[a-zA-Z0-9._=+/:\\-\\[\\] \t\n\u{0}ä]{0,40}",
        ("[@#!$]?", "[!-~]{0,20}", proptest::option::of(server_name())).prop_map(
            |(sigil, local, server)| match server {
                Some(s) => format!("{sigil}{local}:{s}"),
                None => format!("{sigil}{local}"),
            }
        ),
        "[@!#$]?[a-z]{200,300}:example\\.org",
    ]
}

fn usage_message(e: &Error) -> &str {
    match e {
        Error::Usage(m) => m,
        other => panic!("a rejected argument must be a usage error, not {other:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CHEAP))]

    #[test]
    fn user_arguments_never_panic_and_rejections_are_short_usage_errors(input in id_like()) {
        match UserArg::parse(&input) {
            Ok(UserArg::Full(id)) => {
                prop_assert_eq!(&id, input.trim());
                prop_assert!(id.len() <= MAX_ID_BYTES);
                prop_assert!(id.starts_with('@'));
                prop_assert_eq!(UserArg::parse(&id).ok(), Some(UserArg::Full(id.clone())));
            }
            Ok(UserArg::Localpart(local)) => {
                prop_assert!(!local.contains(':'));
                // Completed IDs are full IDs that parse back to themselves.
                if let Ok(id) = UserArg::Localpart(local.clone()).complete("example.org") {
                    prop_assert_eq!(&id, &format!("@{local}:example.org"));
                    prop_assert_eq!(UserArg::parse(&id).ok(), Some(UserArg::Full(id.clone())));
                }
            }
            Err(e) => prop_assert!(usage_message(&e).len() < MAX_MESSAGE, "{e}"),
        }
    }

    #[test]
    fn valid_user_ids_are_accepted_unchanged(
        local in "[!-9;-~]{1,60}",
        server in server_name(),
    ) {
        let id = format!("@{local}:{server}");
        prop_assume!(id.len() <= MAX_ID_BYTES);
        prop_assert_eq!(UserArg::parse(&id).ok(), Some(UserArg::Full(id.clone())));
        prop_assert_eq!(UserArg::Full(id.clone()).complete("other.example").ok(), Some(id));
    }

    #[test]
    fn localparts_complete_to_ids_that_parse_back(
        local in "[a-zA-Z0-9._=+/-]{1,80}",
        at in any::<bool>(),
        server in server_name(),
    ) {
        let input = if at { format!("@{local}") } else { local.clone() };
        let arg = UserArg::parse(&input);
        prop_assert_eq!(arg.as_ref().ok(), Some(&UserArg::Localpart(local.clone())));
        let id = format!("@{local}:{server}");
        let completed = arg.ok().map(|a| a.complete(&server));
        if id.len() <= MAX_ID_BYTES {
            prop_assert_eq!(completed.and_then(Result::ok), Some(id.clone()));
            prop_assert_eq!(UserArg::parse(&id).ok(), Some(UserArg::Full(id)));
        } else {
            prop_assert!(matches!(completed, Some(Err(Error::Usage(_)))));
        }
    }

    #[test]
    fn an_empty_server_part_is_always_refused(local in "[a-z0-9]{1,20}", at in any::<bool>()) {
        let input = format!("{}{local}:", if at { "@" } else { "" });
        prop_assert!(matches!(UserArg::parse(&input), Err(Error::Usage(_))));
    }

    #[test]
    fn room_ids_aliases_and_event_ids_never_panic_and_round_trip(input in id_like()) {
        for (sigil, parse) in [
            ('!', parse_room_id as fn(&str) -> Result<String, String>),
            ('#', parse_room_alias),
            ('$', parse_event_id),
        ] {
            match parse(&input) {
                Ok(id) => {
                    prop_assert_eq!(id.as_str(), input.trim());
                    prop_assert!(id.starts_with(sigil));
                    prop_assert!(id.len() <= MAX_ID_BYTES);
                    prop_assert_eq!(parse(&id).ok(), Some(id.clone()));
                }
                Err(message) => {
                    prop_assert!(!message.is_empty());
                    prop_assert!(message.len() < MAX_MESSAGE, "{}", message);
                }
            }
        }
    }

    #[test]
    fn valid_room_ids_aliases_and_event_ids_are_accepted(
        opaque in "[A-Za-z0-9_\\-+/=.]{1,60}",
        server in server_name(),
    ) {
        let room = format!("!{opaque}:{server}");
        let alias = format!("#{opaque}:{server}");
        let event = format!("${opaque}");
        prop_assume!(room.len() <= MAX_ID_BYTES);
        prop_assert_eq!(parse_room_id(&room).ok(), Some(room));
        prop_assert_eq!(parse_room_alias(&alias).ok(), Some(alias));
        prop_assert_eq!(parse_event_id(&event).ok(), Some(event));
        let v12 = format!("!{opaque}");
        prop_assert_eq!(parse_room_id(&v12).ok(), Some(v12));
    }

    #[test]
    fn mxc_uris_never_panic_and_valid_ones_round_trip(
        input in prop_oneof![id_like(), "mxc://[a-z.:0-9\\[\\]]{0,20}/[A-Za-z0-9_/-]{0,20}"],
        server in server_name(),
        media in "[A-Za-z0-9_-]{1,40}",
    ) {
        match Mxc::parse(&input) {
            Ok(mxc) => prop_assert_eq!(Mxc::parse(&mxc.to_string()).ok(), Some(mxc)),
            Err(message) => prop_assert!(message.len() < MAX_MESSAGE, "{}", message),
        }
        let uri = format!("mxc://{server}/{media}");
        prop_assert_eq!(Mxc::parse(&uri).map(|m| m.to_string()).ok(), Some(uri));
    }

    #[test]
    fn dates_never_panic_and_rejections_are_usage_errors(
        input in prop_oneof![
            any::<String>(),
            "[0-9]{1,6}-[0-9]{1,2}-[0-9]{1,2}([T ][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(Z|[+-][0-9]{2}:[0-9]{2})?)?",
        ],
    ) {
        if let Err(e) = parse_datetime_ms(&input) {
            prop_assert!(usage_message(&e).len() < 2 * MAX_MESSAGE, "{e}");
        }
    }

    #[test]
    fn rfc3339_dates_round_trip_to_their_milliseconds(
        secs in -62_135_596_800_i64..253_402_300_799, // years 1 to 9999
        offset_min in -(23 * 60 + 59)..(23 * 60 + 59_i32),
    ) {
        let utc = chrono::DateTime::from_timestamp(secs, 0).expect("in range");
        let offset = chrono::FixedOffset::east_opt(offset_min * 60).expect("in range");
        let text = utc.with_timezone(&offset).to_rfc3339();
        prop_assert_eq!(parse_datetime_ms(&text).ok(), Some(secs * 1000));
        let zulu = utc.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        prop_assert_eq!(parse_datetime_ms(&zulu).ok(), Some(secs * 1000));
    }

    #[test]
    fn synadm_date_formats_agree_with_each_other(
        y in 1970..2200_i32, m in 1..=12_u32, d in 1..=28_u32,
        h in 0..24_u32, mi in 0..60_u32, s in 0..60_u32,
    ) {
        let t = parse_datetime_ms(&format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}"));
        let space = parse_datetime_ms(&format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{s:02}"));
        // Both read local time, so they agree (both fail only in a DST gap).
        prop_assert_eq!(t.as_ref().ok(), space.as_ref().ok());
        if let Err(e) = &t {
            usage_message(e);
        }
    }

    #[test]
    fn day_counts_and_timestamps_never_panic(days in any::<i64>(), ts in any::<i64>()) {
        match days_from_now_ms(days) {
            Ok(ms) => prop_assert!(days.unsigned_abs() <= 106_751_991_167 && ms != i64::MIN),
            Err(e) => { usage_message(&e); }
        }
        let _ = humanize(ts);
    }
}

/// A value for one config key: often valid, sometimes of the wrong type or with odd bytes.
fn yaml_value() -> impl Strategy<Value = serde_yaml::Value> {
    use serde_yaml::Value;
    prop_oneof![
        "[a-z:/._-]{0,30}".prop_map(Value::from),
        any::<String>().prop_map(Value::from),
        prop_oneof![
            Just("http://localhost:8008"),
            Just("https://matrix.example.org/"),
            Just("/run/synapse.sock"),
            Just("json"),
            Just("human"),
            Just("unix"),
            Just("http"),
            Just("auto-retrieval"),
            Just("example.org"),
            Just("well-known"),
            Just("/_synapse/admin"),
            Just("syt_abc"),
        ]
        .prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        Just(Value::Null),
        Just(Value::Sequence(vec![Value::from(1)])),
    ]
}

const KEYS: &[&str] = &[
    "admin_path",
    "base_url",
    "format",
    "homeserver",
    "matrix_path",
    "protocol",
    "server_discovery",
    "ssl_verify",
    "timeout",
    "token",
    "user",
    "unknown_key",
];

/// A config mapping of known (and one unknown) keys with arbitrary values.
fn config_yaml() -> impl Strategy<Value = String> {
    proptest::collection::vec((proptest::sample::select(KEYS), yaml_value()), 0..12).prop_map(
        |pairs| {
            let map: serde_yaml::Mapping =
                pairs.into_iter().map(|(k, v)| (serde_yaml::Value::from(k), v)).collect();
            serde_yaml::to_string(&map).unwrap_or_default()
        },
    )
}

fn config_message(e: &Error) -> &str {
    match e {
        Error::Config(m) => m,
        other => panic!("a bad config must be a config error, not {other:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CONFIG))]

    #[test]
    fn config_text_never_panics_and_rejections_are_config_errors(
        text in prop_oneof![any::<String>(), config_yaml()],
    ) {
        match ConfigFile::parse(&text, Path::new("synadm.yaml")) {
            Ok(file) => {
                if let Err(e) = file.resolve(Path::new("synadm.yaml"), None, None) {
                    config_message(&e);
                }
            }
            Err(e) => {
                let message = config_message(&e);
                prop_assert!(!message.contains("struct ConfigFile"), "{}", message);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(FILES))]

    /// What the loader accepts survives a save and a load unchanged (the `config` command
    /// checks with the loader before it saves, so it never writes what commands reject).
    #[test]
    fn accepted_configs_survive_save_and_load(text in config_yaml()) {
        let Ok(file) = ConfigFile::parse(&text, Path::new("x")) else { return Ok(()) };
        let Ok(settings) = file.resolve(Path::new("x"), None, None) else { return Ok(()) };
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("synadm.yaml");
        file.save(&path).expect("save");
        let again = ConfigFile::load(&path).expect("load what was saved");
        prop_assert_eq!(&again, &file);
        let resolved = again.resolve(&path, None, None).expect("resolve what was saved");
        prop_assert_eq!(resolved.token, settings.token);
        prop_assert_eq!(resolved.base_url, settings.base_url);
        prop_assert_eq!(resolved.unix_socket, settings.unix_socket);
        prop_assert_eq!(resolved.timeout, settings.timeout);
        prop_assert_eq!(resolved.format, settings.format);
        prop_assert_eq!(resolved.homeserver, settings.homeserver);
        prop_assert_eq!(resolved.ssl_verify, settings.ssl_verify);
        prop_assert_eq!(resolved.admin_path, settings.admin_path);
        prop_assert_eq!(resolved.matrix_path, settings.matrix_path);
    }
}
