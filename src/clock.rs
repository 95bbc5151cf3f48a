//! Time for embargoes: when a briefing goes live, the build's clock, and
//! times shown to readers in the site's time zone.
//!
//! A briefing's `date` is a day (`2026-12-02`, live from midnight UTC, as
//! before) or a date-time with an offset (`2026-12-02T09:00:00+01:00`, live
//! from that instant). The build's clock (`--clock`, else now) decides
//! which briefings are live. Time zones come from the IANA database bundled
//! into the binary (jiff's `tzdb-bundle-always`), so a time reads the same
//! on every machine, with or without `/usr/share/zoneinfo`.

use crate::date::Date;
use jiff::Timestamp;
use jiff::tz::{Offset, TimeZone};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// When a briefing is published: a day, or an instant with the offset it
/// was written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    /// The calendar day as written (in the written offset).
    pub day: Date,
    /// The instant and the offset, when the date has a time of day.
    pub time: Option<(Timestamp, Offset)>,
}

impl Published {
    /// A plain day.
    pub fn day(day: Date) -> Published {
        Published { day, time: None }
    }

    /// When it goes live: its instant, or midnight UTC of its day.
    pub fn instant(&self) -> Timestamp {
        match self.time {
            Some((at, _)) => at,
            None => midnight_utc(self.day),
        }
    }

    /// For machines (`datetime` attributes, JSON-LD, meta tags): the day
    /// (`2026-12-02`), or the date-time with its offset as written
    /// (`2026-12-02T09:00:00+01:00`).
    pub fn machine(&self) -> String {
        match self.time {
            None => self.day.to_string(),
            Some((at, offset)) => rfc3339(at, offset),
        }
    }

    /// For an Atom feed: RFC 3339, midnight UTC for a plain day.
    pub fn atom(&self) -> String {
        match self.time {
            None => format!("{}T00:00:00Z", self.day),
            Some((at, offset)) => rfc3339(at, offset),
        }
    }

    /// Parses a day (`2026-12-02`) or an RFC 3339 date-time with an offset.
    pub fn parse(s: &str) -> Result<Published, String> {
        if s.len() == 10 {
            return Date::parse(s).map(Published::day);
        }
        let at: Timestamp = s.parse().map_err(|e| not_a_time(s, &e))?;
        let offset = written_offset(s).ok_or_else(|| {
            format!("`{s}` has a time but no offset; add one, e.g. `{s}+01:00` or `{s}Z`")
        })?;
        let local = at.to_zoned_datetime(offset.to_time_zone());
        let day = Date::new(
            i32::from(local.year()),
            local.month().unsigned_abs(),
            local.day().unsigned_abs(),
        )?;
        Ok(Published {
            day,
            time: Some((at, offset)),
        })
    }
}

/// The message for text that is not a date-time.
fn not_a_time(s: &str, e: &jiff::Error) -> String {
    if !s.contains(['+', 'Z', 'z']) && s.rfind('-').is_some_and(|i| i < 10) {
        return format!(
            "`{s}` has a time but no offset; add one, e.g. `{s}+01:00` or `{s}Z` for UTC"
        );
    }
    format!(
        "`{s}` is not a date or a date-time ({e}); write 2026-12-02 or 2026-12-02T09:00:00+01:00"
    )
}

/// The offset written at the end of an RFC 3339 date-time (`Z`, `+01:00`).
fn written_offset(s: &str) -> Option<Offset> {
    let s = s.trim();
    if s.ends_with(['Z', 'z']) {
        return Some(Offset::UTC);
    }
    let sign_at = s.rfind(['+', '-'])?;
    // The sign of an offset comes after the time, never in the date.
    if sign_at < 11 {
        return None;
    }
    let sign = if &s[sign_at..=sign_at] == "-" { -1 } else { 1 };
    let (h, m) = s[sign_at + 1..].split_once(':')?;
    let seconds = sign * (h.parse::<i32>().ok()? * 3600 + m.parse::<i32>().ok()? * 60);
    Offset::from_seconds(seconds).ok()
}

/// RFC 3339 in the given offset, seconds included.
fn rfc3339(at: Timestamp, offset: Offset) -> String {
    at.to_zoned_datetime(offset.to_time_zone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
        .replace("+00:00", "Z")
}

/// Midnight UTC at the start of `day`.
pub fn midnight_utc(day: Date) -> Timestamp {
    let days = day.days_since_epoch();
    Timestamp::from_second(days * 86_400).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// Parses the build's clock (`--clock`): an RFC 3339 date-time with an
/// offset, or a day (its midnight UTC).
pub fn parse_clock(s: &str) -> Result<Timestamp, String> {
    Published::parse(s.trim()).map(|p| p.instant())
}

/// The build's clock: the one given, or now.
pub fn now_or(clock: Option<Timestamp>) -> Timestamp {
    clock.unwrap_or_else(Timestamp::now)
}

/// The time zone named `name` (IANA, e.g. `Europe/Paris`), from the
/// database bundled into brief.
pub fn zone(name: &str) -> Result<TimeZone, String> {
    TimeZone::get(name).map_err(|_| {
        format!("`{name}` is not a time zone brief knows; use an IANA name such as `UTC`, `Europe/Paris` or `Africa/Bamako`")
    })
}

/// `at` for readers in the zone named `zone_name`: "2 December 2026,
/// 09:00 CET". An unknown zone (already refused in site.toml) reads as UTC.
pub fn long(at: Timestamp, zone_name: &str) -> String {
    let tz = zone(zone_name).unwrap_or(TimeZone::UTC);
    let local = at.to_zoned_datetime(tz);
    let day = Date::new(
        i32::from(local.year()),
        local.month().unsigned_abs(),
        local.day().unsigned_abs(),
    )
    .map(|d| d.long())
    .unwrap_or_default();
    format!("{day}, {}", local.strftime("%H:%M %Z"))
}

impl Serialize for Published {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.machine())
    }
}

/// Accepts a TOML date (`2026-12-02`), a TOML offset date-time
/// (`2026-12-02T09:00:00+01:00`), or either as a string.
impl<'de> Deserialize<'de> for Published {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match toml::Value::deserialize(d)? {
            toml::Value::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
                (Some(date), None, _) => Date::new(i32::from(date.year), date.month, date.day)
                    .map(Published::day)
                    .map_err(D::Error::custom),
                (Some(_), Some(_), Some(_)) => {
                    Published::parse(&dt.to_string()).map_err(D::Error::custom)
                }
                (Some(_), Some(_), None) => Err(D::Error::custom(format!(
                    "`{dt}` has a time but no offset; add one, e.g. `{dt}+01:00`, or `{dt}Z` for UTC"
                ))),
                _ => Err(D::Error::custom(format!(
                    "`{dt}` is a time without a date; write 2026-12-02 or 2026-12-02T09:00:00+01:00"
                ))),
            },
            toml::Value::String(s) => Published::parse(&s).map_err(D::Error::custom),
            other => Err(D::Error::custom(format!(
                "expected a date like 2026-12-02 or 2026-12-02T09:00:00+01:00, found {}",
                other.type_str()
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_day_goes_live_at_midnight_utc() {
        let p = Published::parse("2026-12-02").unwrap();
        assert_eq!(p.instant().to_string(), "2026-12-02T00:00:00Z");
        assert_eq!(p.machine(), "2026-12-02");
        assert_eq!(p.atom(), "2026-12-02T00:00:00Z");
    }

    #[test]
    fn a_date_time_keeps_its_instant_and_its_offset() {
        let p = Published::parse("2026-12-02T09:00:00+01:00").unwrap();
        assert_eq!(p.instant().to_string(), "2026-12-02T08:00:00Z");
        assert_eq!(p.machine(), "2026-12-02T09:00:00+01:00");
        assert_eq!(p.day.to_string(), "2026-12-02");
        // The day is the day in the written offset, not in UTC.
        let late = Published::parse("2026-12-02T00:30:00+01:00").unwrap();
        assert_eq!(late.day.to_string(), "2026-12-02");
        assert_eq!(late.instant().to_string(), "2026-12-01T23:30:00Z");
        let utc = Published::parse("2026-12-02T09:00:00Z").unwrap();
        assert_eq!(utc.machine(), "2026-12-02T09:00:00Z");
        let west = Published::parse("2026-12-02T09:00:00-05:00").unwrap();
        assert_eq!(west.instant().to_string(), "2026-12-02T14:00:00Z");
    }

    #[test]
    fn refuses_times_without_offsets_and_nonsense() {
        for bad in [
            "2026-12-02T09:00:00",
            "2026-12-02 09:00",
            "tomorrow",
            "2026-13-02T09:00:00Z",
            "2026-02-30",
        ] {
            assert!(Published::parse(bad).is_err(), "{bad}");
        }
        let err = Published::parse("2026-12-02T09:00:00").unwrap_err();
        assert!(err.contains("no offset"), "{err}");
    }

    #[test]
    fn toml_dates_and_date_times_deserialize() {
        #[derive(Deserialize)]
        struct T {
            a: Published,
        }
        let t: T = toml::from_str("a = 2026-12-02T09:00:00+01:00").unwrap();
        assert_eq!(t.a.instant().to_string(), "2026-12-02T08:00:00Z");
        let t: T = toml::from_str("a = 2026-12-02").unwrap();
        assert_eq!(t.a.time, None);
        let err = toml::from_str::<T>("a = 2026-12-02T09:00:00")
            .err()
            .unwrap();
        assert!(err.message().contains("no offset"), "{err}");
        assert_eq!(err.span(), Some(4..23));
    }

    #[test]
    fn times_read_in_the_bundled_time_zones() {
        let at = parse_clock("2026-12-02T09:00:00+01:00").unwrap();
        assert_eq!(long(at, "Europe/Paris"), "2 December 2026, 09:00 CET");
        assert_eq!(long(at, "UTC"), "2 December 2026, 08:00 UTC");
        assert_eq!(long(at, "America/New_York"), "2 December 2026, 03:00 EST");
        let summer = parse_clock("2026-07-01T12:00:00Z").unwrap();
        assert_eq!(long(summer, "Europe/Paris"), "1 July 2026, 14:00 CEST");
        assert!(zone("Africa/Bamako").is_ok());
        assert!(zone("Mars/Olympus").is_err());
    }

    #[test]
    fn the_clock_takes_a_date_time_or_a_day() {
        assert_eq!(
            parse_clock("2026-12-02T08:00:00Z").unwrap().to_string(),
            "2026-12-02T08:00:00Z"
        );
        assert_eq!(
            parse_clock("2026-12-02").unwrap().to_string(),
            "2026-12-02T00:00:00Z"
        );
        assert!(parse_clock("soon").is_err());
    }
}
