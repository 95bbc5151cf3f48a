//! Calendar dates as briefings use them: whole days, validated, shown in
//! long form ("5 September 2012") and machine form ("2012-09-05").
//!
//! Briefings never need times of day or time zones, so a small exact type
//! serves better than a date-time library.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::fmt::Write as _;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// The names of the days of the week in a language, Monday first, for
/// `%A` (`long`) and `%a` (`short`) in [`Date::format_in`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weekdays<'a> {
    /// "Monday", "lundi".
    pub long: [&'a str; 7],
    /// "Mon", "lun.".
    pub short: [&'a str; 7],
}

/// A valid day of the proleptic Gregorian calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Four-digit year.
    pub year: i32,
    /// 1 to 12.
    pub month: u8,
    /// 1 to the length of the month.
    pub day: u8,
}

impl Date {
    /// Builds a date, or says why the parts are not a real day.
    pub fn new(year: i32, month: u8, day: u8) -> Result<Date, String> {
        if !(1..=9999).contains(&year) {
            return Err(format!("year {year} is out of range (1 to 9999)"));
        }
        if !(1..=12).contains(&month) {
            return Err(format!("month {month} does not exist (1 to 12)"));
        }
        let last = days_in_month(year, month);
        if day == 0 || day > last {
            return Err(format!(
                "{} {year} has {last} days, so day {day} does not exist",
                MONTHS[usize::from(month) - 1]
            ));
        }
        Ok(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Result<Date, String> {
        // Templates format dates through this on every list entry, so it
        // reads the ten bytes directly rather than splitting the string.
        let b = s.as_bytes();
        let digits = |range: std::ops::Range<usize>| {
            b[range].iter().try_fold(0u32, |n, &d| {
                d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
            })
        };
        let parts = if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
            digits(0..4).zip(digits(5..7)).zip(digits(8..10))
        } else {
            None
        };
        let Some(((year, month), day)) = parts else {
            return Err(format!(
                "`{s}` is not a date; write it as YYYY-MM-DD, e.g. 2012-09-05"
            ));
        };
        // Four digits, then two and two: each fits its type.
        Date::new(year as i32, month as u8, day as u8)
    }

    /// The English name of the month.
    pub fn month_name(&self) -> &'static str {
        MONTHS[usize::from(self.month) - 1]
    }

    /// The English name of the day of the week.
    pub fn weekday(&self) -> &'static str {
        WEEKDAYS[self.weekday_index()]
    }

    /// The day of the week, 0 for Monday to 6 for Sunday, by days since a
    /// known Monday.
    fn weekday_index(&self) -> usize {
        let days = self.days_from_civil();
        // 1970-01-01 was a Thursday (index 3 from Monday).
        (days + 3).rem_euclid(7) as usize
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(&self) -> i64 {
        self.days_from_civil()
    }

    /// Days since 1970-01-01 (negative before), by Howard Hinnant's civil algorithm.
    fn days_from_civil(&self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let m = i64::from(self.month);
        let d = i64::from(self.day);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// Today's date in UTC, from the system clock.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_days((secs / 86_400) as i64)
    }

    /// The date `days` after 1970-01-01 (Howard Hinnant's inverse civil algorithm).
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Formats with a small strftime subset: `%Y %m %d %-d %-m %B %b %A %a %%`,
    /// in English. Unknown directives are kept as written so a typo shows on
    /// the page.
    pub fn format(&self, pattern: &str) -> String {
        self.format_in(pattern, None)
    }

    /// [`Date::format`] with `weekdays`' names for `%A` and `%a` (English
    /// without: "Monday", "Mon").
    pub fn format_in(&self, pattern: &str, weekdays: Option<&Weekdays<'_>>) -> String {
        let mut out = String::with_capacity(pattern.len() + 8);
        let mut chars = pattern.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            let no_pad = chars.peek() == Some(&'-');
            if no_pad {
                chars.next();
            }
            // Written in place: lists format a date per briefing shown.
            match chars.next() {
                Some('Y') => _ = write!(out, "{:04}", self.year),
                Some('m') if no_pad => _ = write!(out, "{}", self.month),
                Some('m') => _ = write!(out, "{:02}", self.month),
                Some('d') if no_pad => _ = write!(out, "{}", self.day),
                Some('d') => _ = write!(out, "{:02}", self.day),
                Some('B') => out.push_str(self.month_name()),
                Some('b') => out.push_str(&self.month_name()[..3]),
                Some('A') => match weekdays {
                    Some(w) => out.push_str(w.long[self.weekday_index()]),
                    None => out.push_str(self.weekday()),
                },
                Some('a') => match weekdays {
                    Some(w) => out.push_str(w.short[self.weekday_index()]),
                    None => out.push_str(&self.weekday()[..3]),
                },
                Some('%') => out.push('%'),
                Some(other) => {
                    out.push('%');
                    if no_pad {
                        out.push('-');
                    }
                    out.push(other);
                }
                None => out.push('%'),
            }
        }
        out
    }

    /// "5 September 2012".
    pub fn long(&self) -> String {
        self.format("%-d %B %Y")
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Accepts a TOML date (`date = 2012-09-05`) or a string (`date = "2012-09-05"`).
impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match toml::Value::deserialize(d)? {
            toml::Value::Datetime(dt) => match (dt.date, dt.time) {
                (Some(date), None) => {
                    Date::new(i32::from(date.year), date.month, date.day).map_err(D::Error::custom)
                }
                _ => Err(D::Error::custom(format!(
                    "`{dt}` has a time of day; briefings are dated by day: write YYYY-MM-DD"
                ))),
            },
            toml::Value::String(s) => Date::parse(&s).map_err(D::Error::custom),
            other => Err(D::Error::custom(format!(
                "expected a date like 2012-09-05, found {}",
                other.type_str()
            ))),
        }
    }
}

/// A date as precise as the writer knows it: a day, a month or a year, with
/// an optional label for the page ("Early July 2012").
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Approx {
    /// A whole day.
    Day(Date),
    /// A month of a year.
    Month(i32, u8),
    /// A year.
    Year(i32),
}

impl Approx {
    /// Parses `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
    pub fn parse(s: &str) -> Result<Approx, String> {
        let bad = || {
            format!(
                "`{s}` is not a date; write YYYY-MM-DD, YYYY-MM or YYYY (add `label` for wording like \"Early July 2012\")"
            )
        };
        let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
        match s.split('-').collect::<Vec<_>>().as_slice() {
            [_, _, _] => Date::parse(s).map(Approx::Day),
            [y, m] if digits(y, 4) && digits(m, 2) => {
                let year: i32 = y.parse().map_err(|_| bad())?;
                let month: u8 = m.parse().map_err(|_| bad())?;
                Date::new(year, month, 1)?;
                Ok(Approx::Month(year, month))
            }
            [y] if digits(y, 4) => {
                let year: i32 = y.parse().map_err(|_| bad())?;
                Date::new(year, 1, 1)?;
                Ok(Approx::Year(year))
            }
            _ => Err(bad()),
        }
    }

    /// The value for an HTML `datetime` attribute.
    pub fn machine(&self) -> String {
        match self {
            Approx::Day(d) => d.to_string(),
            Approx::Month(y, m) => format!("{y:04}-{m:02}"),
            Approx::Year(y) => format!("{y:04}"),
        }
    }

    /// The long form for readers.
    pub fn long(&self) -> String {
        match self {
            Approx::Day(d) => d.long(),
            Approx::Month(y, m) => format!("{} {y}", MONTHS[usize::from(*m) - 1]),
            Approx::Year(y) => y.to_string(),
        }
    }
}

impl<'de> Deserialize<'de> for Approx {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match toml::Value::deserialize(d)? {
            toml::Value::Datetime(dt) => match (dt.date, dt.time) {
                (Some(date), None) => Date::new(i32::from(date.year), date.month, date.day)
                    .map(Approx::Day)
                    .map_err(D::Error::custom),
                _ => Err(D::Error::custom(format!(
                    "`{dt}` has a time of day; write YYYY-MM-DD"
                ))),
            },
            toml::Value::String(s) => Approx::parse(&s).map_err(D::Error::custom),
            toml::Value::Integer(y) => Approx::parse(&y.to_string()).map_err(D::Error::custom),
            other => Err(D::Error::custom(format!(
                "expected a date like 2012-09-05, \"2012-09\" or \"2012\", found {}",
                other.type_str()
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_days_per_month() {
        let cases = [
            ("2012-02-29", true),
            ("2013-02-29", false),
            ("1900-02-29", false),
            ("2000-02-29", true),
            ("2012-04-31", false),
            ("2012-12-31", true),
            ("2012-13-01", false),
            ("2012-00-10", false),
            ("2012-01-00", false),
            ("2012-1-05", false),
            ("12-01-05", false),
            ("2012-01-05x", false),
            ("", false),
        ];
        for (input, ok) in cases {
            assert_eq!(Date::parse(input).is_ok(), ok, "{input}");
        }
    }

    #[test]
    fn formats_long_and_custom() {
        let d = Date::parse("2012-09-05").unwrap();
        assert_eq!(d.long(), "5 September 2012");
        assert_eq!(
            d.format("%A %d/%m/%Y %b %-m %a %%"),
            "Wednesday 05/09/2012 Sep 9 Wed %"
        );
        assert_eq!(d.format("%Q"), "%Q");
    }

    #[test]
    fn weekdays_are_right_across_eras() {
        assert_eq!(Date::parse("1970-01-01").unwrap().weekday(), "Thursday");
        assert_eq!(Date::parse("2000-02-29").unwrap().weekday(), "Tuesday");
        assert_eq!(Date::parse("1899-12-31").unwrap().weekday(), "Sunday");
        assert_eq!(Date::parse("2026-11-27").unwrap().weekday(), "Friday");
    }

    #[test]
    fn weekdays_come_from_the_names_given() {
        let french = Weekdays {
            long: [
                "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
            ],
            short: ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."],
        };
        let d = Date::parse("2026-11-29").unwrap();
        assert_eq!(d.format_in("%A %-d|%a", Some(&french)), "dimanche 29|dim.");
        let d = Date::parse("2026-11-23").unwrap();
        assert_eq!(d.format_in("%A|%a", Some(&french)), "lundi|lun.");
        assert_eq!(d.format_in("%A|%a", None), "Monday|Mon");
        assert_eq!(d.format("%A|%a"), "Monday|Mon");
    }

    #[test]
    fn from_days_inverts_days_from_civil() {
        for s in [
            "1970-01-01",
            "2000-02-29",
            "2012-09-26",
            "1899-12-31",
            "2400-12-31",
        ] {
            let d = Date::parse(s).unwrap();
            assert_eq!(Date::from_days(d.days_from_civil()), d, "{s}");
        }
        assert!(Date::today().year >= 2024);
    }

    #[test]
    fn approximate_dates() {
        assert_eq!(Approx::parse("2012-07").unwrap().long(), "July 2012");
        assert_eq!(Approx::parse("2012-07").unwrap().machine(), "2012-07");
        assert_eq!(Approx::parse("1990").unwrap().long(), "1990");
        assert!(Approx::parse("2012-13").is_err());
        assert!(Approx::parse("July 2012").is_err());
    }

    #[test]
    fn deserializes_toml_dates_and_strings() {
        #[derive(Deserialize)]
        struct T {
            a: Date,
            b: Date,
        }
        let t: T = toml::from_str("a = 2012-09-05\nb = \"2012-09-06\"").unwrap();
        assert_eq!(t.a.to_string(), "2012-09-05");
        assert_eq!(t.b.to_string(), "2012-09-06");
        // TOML itself rejects impossible dates; strings are checked by us.
        let err = toml::from_str::<T>("a = 2012-02-30\nb = \"2012-09-06\"")
            .err()
            .unwrap();
        assert!(err.message().contains("invalid date"), "{err}");
        assert_eq!(err.span(), Some(4..14));
        let err = toml::from_str::<T>("a = 2012-09-05\nb = \"2013-02-29\"")
            .err()
            .unwrap();
        assert!(err.message().contains("February 2013 has 28 days"), "{err}");
        assert_eq!(err.span(), Some(19..31));
    }
}
