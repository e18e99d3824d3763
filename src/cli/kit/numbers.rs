//! Value parsers for numeric flags and checked IDs, with plain messages: "must be at least 1"
//! instead of clap's `0 is not in 1..9223372036854775807`, and a short quote of the input
//! instead of echoing a runaway argument in full. Numeric flags also set
//! `allow_negative_numbers`, so that `-l -1` reaches the parser and gets "negative numbers
//! are not allowed" rather than clap's tip to write `-- -1`.

use clap::builder::TypedValueParser;
use clap::error::ErrorKind;
use std::num::IntErrorKind;
use synadm::error::quoted;

/// A whole number of at least `min`, as a message-friendly parse.
fn at_least(input: &str, min: i64) -> Result<i64, String> {
    let parsed = match input.trim().parse::<i64>() {
        // Below any minimum: the same message as any other number that is too small.
        Err(e) if *e.kind() == IntErrorKind::NegOverflow => Ok(i64::MIN),
        other => other,
    };
    match parsed {
        Ok(n) if n < 0 && min >= 0 => {
            Err(format!("negative numbers are not allowed; it must be at least {min}"))
        }
        Ok(n) if n < min => Err(format!("it must be at least {min}")),
        Ok(n) => Ok(n),
        Err(e) => Err(match e.kind() {
            IntErrorKind::Empty => "a number is needed here".to_string(),
            IntErrorKind::PosOverflow => format!("it must be at most {}", i64::MAX),
            _ => format!("{} is not a whole number", quoted(input)),
        }),
    }
}

/// `1, 2, 3, …` (limits, page sizes, timeouts).
pub fn positive(input: &str) -> Result<i64, String> {
    at_least(input, 1)
}

/// `0, 1, 2, …` (offsets, day counts, timestamps).
pub fn non_negative(input: &str) -> Result<i64, String> {
    at_least(input, 0)
}

/// `-1, 0, 1, …`, where -1 means "unlimited" or "never" (registration token updates).
pub fn non_negative_or_minus_one(input: &str) -> Result<i64, String> {
    at_least(input, -1)
}

/// [`positive`] for flags stored as `u64`.
pub fn positive_u64(input: &str) -> Result<u64, String> {
    positive(input).map(i64::unsigned_abs)
}

/// [`non_negative`] for flags stored as `u64`.
pub fn non_negative_u64(input: &str) -> Result<u64, String> {
    non_negative(input).map(i64::unsigned_abs)
}

/// [`positive`] for flags stored as `NonZeroU64`.
pub fn positive_nonzero(input: &str) -> Result<std::num::NonZeroU64, String> {
    positive_u64(input)
        .and_then(|n| std::num::NonZeroU64::new(n).ok_or_else(|| "it must be at least 1".into()))
}

/// The most bytes of free text (a search term, a filter) sent in a URL. Synapse's own IDs stop
/// at 255 bytes; past a few kilobytes servers and proxies refuse the request line, and the
/// command would end in a network error instead of a plain answer.
pub const MAX_URL_TEXT: usize = 1024;

/// Free text that goes into a URL: at most [`MAX_URL_TEXT`] bytes.
pub fn url_text(input: &str) -> Result<String, String> {
    if input.len() > MAX_URL_TEXT {
        return Err(format!(
            "{} is too long: at most {MAX_URL_TEXT} bytes, this is {}",
            quoted(input),
            input.len()
        ));
    }
    Ok(input.to_string())
}

/// A localpart on its own (`user available`, `user register`): not empty, not a full user ID
/// (a common slip the server would only call an invalid username), at most 255 bytes (the
/// longest user ID there is).
pub fn localpart(input: &str) -> Result<String, String> {
    match input {
        "" => Err("the localpart is empty".into()),
        s if s.len() > 255 => Err(format!("the localpart is {} bytes; at most 255", s.len())),
        s if s.starts_with('@') || s.contains(':') => {
            Err("give the localpart only (e.g. alice), not a user ID".into())
        }
        s => Ok(s.to_string()),
    }
}

/// An endpoint typed by hand (`raw`, `matrix raw`): at most 8 KiB, the request line
/// limit of common servers and proxies.
pub fn endpoint(input: &str) -> Result<String, String> {
    const MAX: usize = 8192;
    if input.len() > MAX {
        return Err(format!(
            "{} is too long for an endpoint: at most {MAX} bytes, this is {}",
            quoted(input),
            input.len()
        ));
    }
    Ok(input.to_string())
}

/// A clap value parser around a `&str → Result<String, String>` check (the ID parsers of
/// `synadm::ids`) whose error does not repeat the whole input: clap's own wrapper would
/// print a 100 000-character argument in full. The check's message quotes it briefly.
#[derive(Clone, Copy)]
pub struct Checked<T>(pub fn(&str) -> Result<T, String>);

impl<T: Clone + Send + Sync + 'static> TypedValueParser for Checked<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<T, clap::Error> {
        let name = arg.map_or_else(|| "the argument".to_string(), |a| format!("'{a}'"));
        let fail = |message: String| {
            let mut cmd = cmd.clone();
            clap::Error::raw(
                ErrorKind::ValueValidation,
                format!("invalid value for {name}: {message}"),
            )
            .format(&mut cmd)
        };
        let text = value.to_str().ok_or_else(|| fail("it is not valid UTF-8".into()))?;
        (self.0)(text).map_err(fail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_localpart_is_at_most_255_bytes_and_not_a_user_id() {
        assert_eq!(localpart(&"a".repeat(255)).map(|l| l.len()), Ok(255));
        assert_eq!(
            localpart(&"a".repeat(256)),
            Err("the localpart is 256 bytes; at most 255".to_string())
        );
        assert!(localpart("").is_err() && localpart("@a:x").is_err() && localpart("a:x").is_err());
        assert_eq!(localpart("alice"), Ok("alice".to_string()));
    }

    #[test]
    fn minus_one_is_the_lowest_token_limit() {
        assert_eq!(non_negative_or_minus_one("-1"), Ok(-1));
        assert_eq!(non_negative_or_minus_one("0"), Ok(0));
        assert_eq!(non_negative_or_minus_one("-2").unwrap_err(), "it must be at least -1");
    }

    #[test]
    fn plain_messages_for_numbers_out_of_range() {
        assert_eq!(positive("0").unwrap_err(), "it must be at least 1");
        assert_eq!(
            non_negative("-1").unwrap_err(),
            "negative numbers are not allowed; it must be at least 0"
        );
        assert_eq!(
            positive("99999999999999999999").unwrap_err(),
            "it must be at most 9223372036854775807"
        );
        assert_eq!(positive("ten").unwrap_err(), "\"ten\" is not a whole number");
        assert_eq!(
            non_negative("-99999999999999999999").unwrap_err(),
            "negative numbers are not allowed; it must be at least 0"
        );
        assert_eq!(
            non_negative_or_minus_one("-99999999999999999999").unwrap_err(),
            "it must be at least -1"
        );
        assert_eq!(positive("").unwrap_err(), "a number is needed here");
        assert_eq!(positive(" 7 ").unwrap(), 7);
        assert_eq!(non_negative("0").unwrap(), 0);
        assert_eq!(positive_u64("5").unwrap(), 5);
        assert!(non_negative_u64("-5").is_err());
    }

    proptest::proptest! {
        // 1024 cases: cheap, and the space (any string, any i64) is wide.
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1024))]

        #[test]
        fn any_input_is_a_number_in_range_or_a_short_message(
            input in proptest::prelude::any::<String>(),
            n in proptest::prelude::any::<i64>(),
        ) {
            for (parse, min) in [(positive as fn(&str) -> Result<i64, String>, 1), (non_negative, 0)] {
                match parse(&input) {
                    Ok(v) => proptest::prop_assert!(v >= min),
                    Err(m) => proptest::prop_assert!(!m.is_empty() && m.len() < 200, "{}", m),
                }
                let text = n.to_string();
                match parse(&text) {
                    Ok(v) => proptest::prop_assert_eq!(v, n),
                    Err(m) => proptest::prop_assert!(n < min && m.contains("at least"), "{}", m),
                }
            }
        }
    }
}
