//! Dates on the command line and timestamps in output.

use crate::Error;
use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// synadm's formats, read as local time; RFC 3339 (with an offset) is accepted as well.
const FORMATS: [&str; 2] = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"];

/// Parses a point in time into milliseconds since the epoch.
pub fn parse_datetime_ms(input: &str) -> Result<i64, Error> {
    let s = input.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Ok(dt.timestamp_millis());
    }
    let naive = FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .or_else(|| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0))
        })
        .ok_or_else(|| {
            Error::Usage(format!(
                "{input:?} is not a date; use YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS, \
                 'YYYY-MM-DD HH:MM:SS' (local time) or RFC 3339 like 2024-05-01T12:00:00Z"
            ))
        })?;
    let local = Local
        .from_local_datetime(&naive)
        .earliest()
        .ok_or_else(|| Error::Usage(format!("{input:?} does not exist in the local time zone")))?;
    Ok(local.timestamp_millis())
}

/// Now plus `days` (negative for the past), in milliseconds since the epoch.
pub fn days_from_now_ms(days: i64) -> Result<i64, Error> {
    let delta = chrono::TimeDelta::try_days(days)
        .ok_or_else(|| Error::Usage(format!("{days} days is out of range")))?;
    Utc::now()
        .checked_add_signed(delta)
        .map(|t| t.timestamp_millis())
        .ok_or_else(|| Error::Usage(format!("{days} days is out of range")))
}

/// Now, in milliseconds since the epoch.
pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// A timestamp as readable local time. Values below 10^11 are taken as seconds (Synapse
/// sends `creation_ts` in seconds on some endpoints, milliseconds on others).
pub fn humanize(ts: i64) -> Option<String> {
    let ms = if ts.abs() < 100_000_000_000 { ts.checked_mul(1000)? } else { ts };
    let utc = DateTime::<Utc>::from_timestamp_millis(ms)?;
    Some(utc.with_timezone(&Local).format("%Y-%m-%d %H:%M:%S").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synadm_formats_are_local_time() {
        let expected =
            Local.with_ymd_and_hms(2021, 1, 2, 3, 4, 5).earliest().unwrap().timestamp_millis();
        assert_eq!(parse_datetime_ms("2021-01-02T03:04:05").unwrap(), expected);
        assert_eq!(parse_datetime_ms("2021-01-02 03:04:05").unwrap(), expected);
        let midnight = Local.with_ymd_and_hms(2021, 1, 2, 0, 0, 0).earliest().unwrap();
        assert_eq!(parse_datetime_ms("2021-01-02").unwrap(), midnight.timestamp_millis());
    }

    #[test]
    fn rfc3339_carries_its_offset() {
        assert_eq!(parse_datetime_ms("1970-01-01T00:00:01Z").unwrap(), 1000);
        assert_eq!(parse_datetime_ms("1970-01-01T01:00:01+01:00").unwrap(), 1000);
    }

    #[test]
    fn malformed_dates_are_usage_errors() {
        for bad in ["", "yesterday", "2021-13-01", "2021-01-01T25:00:00", "01/02/2021"] {
            assert!(matches!(parse_datetime_ms(bad), Err(Error::Usage(_))), "{bad:?}");
        }
    }

    #[test]
    fn seconds_and_milliseconds_humanize_alike() {
        assert_eq!(humanize(1_700_000_000), humanize(1_700_000_000_000));
        assert!(humanize(1_700_000_000_000).unwrap().starts_with("2023-11-1"));
    }

    #[test]
    fn days_from_now_moves_by_whole_days() {
        let a = days_from_now_ms(1).unwrap();
        let b = now_ms();
        assert!((a - b - 86_400_000).abs() < 5_000);
        assert!(matches!(days_from_now_ms(i64::MAX), Err(Error::Usage(_))));
    }

    #[test]
    fn seconds_end_just_below_ten_to_the_eleventh() {
        let local = |ms: i64| {
            DateTime::<Utc>::from_timestamp_millis(ms)
                .unwrap()
                .with_timezone(&Local)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        };
        // 10^11 is taken as milliseconds (1973), one less as seconds (5138).
        assert_eq!(humanize(100_000_000_000), Some(local(100_000_000_000)));
        assert_eq!(humanize(99_999_999_999), Some(local(99_999_999_999_000)));
        assert_eq!(humanize(-99_999_999_999), Some(local(-99_999_999_999_000)));
    }
}
