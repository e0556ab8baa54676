//! UTC date formats for the signature headers, from a Unix time in milliseconds.
//!
//! The caller reads the clock (`Date.now()` in JS) and passes it in: the core never reads
//! time itself (`SystemTime::now()` panics on wasm32-unknown-unknown).

use crate::prelude::*;
use crate::text::{find, Padded};

/// Month abbreviations of HTTP dates, January first.
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A UTC calendar time, to the second.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UtcTime {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    weekday: u32, // 0 = Sunday
}

impl UtcTime {
    /// Converts milliseconds since 1970-01-01T00:00:00Z (negative values are before it).
    pub fn from_unix_millis(ms: i64) -> UtcTime {
        let secs = ms.div_euclid(1000);
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400) as u32;
        // Howard Hinnant's civil_from_days: exact for the proleptic Gregorian calendar.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        UtcTime {
            year,
            month,
            day,
            hour: rem / 3600,
            minute: rem / 60 % 60,
            second: rem % 60,
            weekday: (days + 4).rem_euclid(7) as u32, // 1970-01-01 was a Thursday
        }
    }

    /// ISO 8601 as V3's `x-acs-date` wants it: `2026-04-01T08:00:00Z`.
    pub fn iso8601(&self) -> String {
        cat!(
            Padded(self.year, 4),
            '-',
            Padded(self.month.into(), 2),
            '-',
            Padded(self.day.into(), 2),
            'T',
            Padded(self.hour.into(), 2),
            ':',
            Padded(self.minute.into(), 2),
            ':',
            Padded(self.second.into(), 2),
            'Z'
        )
    }

    /// RFC 1123 as V1's `date` wants it: `Wed, 01 Apr 2026 08:00:00 GMT`.
    pub fn rfc1123(&self) -> String {
        const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
        cat!(
            DAYS[self.weekday as usize % 7],
            ", ",
            Padded(self.day.into(), 2),
            ' ',
            MONTHS[(self.month as usize + 11) % 12],
            ' ',
            Padded(self.year, 4),
            ' ',
            Padded(self.hour.into(), 2),
            ':',
            Padded(self.minute.into(), 2),
            ':',
            Padded(self.second.into(), 2),
            " GMT"
        )
    }
}

/// Parses an HTTP date in RFC 1123 form (`Wed, 01 Apr 2026 08:00:00 GMT`, what servers send
/// in `Date` and `Retry-After`) into milliseconds since the epoch. `None` for anything else.
pub fn parse_rfc1123(s: &str) -> Option<i64> {
    let s = s.trim();
    let rest = &s[find(s, ", ")? + 2..];
    let mut parts = rest.split(' ');
    let day: i64 = number(parts.next()?, 2)?;
    let month_name = parts.next()?;
    let month = MONTHS.iter().position(|m| *m == month_name)? as i64 + 1;
    let year: i64 = number(parts.next()?, 4)?;
    let mut hms = parts.next()?.split(':');
    let (h, m, sec) = (
        number(hms.next()?, 2)?,
        number(hms.next()?, 2)?,
        number(hms.next()?, 2)?,
    );
    if parts.next()? != "GMT" || parts.next().is_some() || hms.next().is_some() {
        return None;
    }
    if !(1..=31).contains(&day) || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    // Howard Hinnant's days_from_civil, the inverse of `from_unix_millis`.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 86_400) + h * 3600 + m * 60 + sec) * 1000)
}

/// A decimal number of exactly `digits` digits.
fn number(s: &str, digits: usize) -> Option<i64> {
    if s.len() != digits {
        return None;
    }
    crate::text::decimal(s, digits).map(|n| n as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        let t = UtcTime::from_unix_millis(1_775_030_400_000); // 2026-04-01T08:00:00Z
        assert_eq!(t.iso8601(), "2026-04-01T08:00:00Z");
        assert_eq!(t.rfc1123(), "Wed, 01 Apr 2026 08:00:00 GMT");
        let t = UtcTime::from_unix_millis(1_580_974_374_999); // from the SDK's unit test
        assert_eq!(t.rfc1123(), "Thu, 06 Feb 2020 07:32:54 GMT");
        assert_eq!(
            UtcTime::from_unix_millis(0).iso8601(),
            "1970-01-01T00:00:00Z"
        );
        assert_eq!(
            UtcTime::from_unix_millis(951_782_400_000).iso8601(),
            "2000-02-29T00:00:00Z"
        );
        assert_eq!(
            UtcTime::from_unix_millis(-1000).rfc1123(),
            "Wed, 31 Dec 1969 23:59:59 GMT"
        );
    }

    #[test]
    fn parses_http_dates_back() {
        for ms in [
            0,
            951_782_400_000,
            1_775_030_400_000,
            1_580_974_374_000,
            4_102_444_799_000,
        ] {
            let t = UtcTime::from_unix_millis(ms);
            assert_eq!(parse_rfc1123(&t.rfc1123()), Some(ms), "{}", t.rfc1123());
        }
        for bad in [
            "",
            "Wed, 01 Apr 2026 08:00:00",
            "Wed, 1 Apr 2026 08:00:00 GMT",
            "Wed, 01 Foo 2026 08:00:00 GMT",
            "Wed, 01 Apr 2026 24:00:00 GMT",
            "Wed, 01 Apr 2026 08:00 GMT",
            "2026-04-01T08:00:00Z",
            "Wed, 01 Apr 2026 08:00:00 GMT x",
            "Wed, 00 Apr 2026 08:00:00 GMT",
        ] {
            assert_eq!(parse_rfc1123(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn never_panics_on_extreme_inputs() {
        for ms in [i64::MIN, i64::MAX, -62_135_596_800_000, 253_402_300_799_000] {
            let t = UtcTime::from_unix_millis(ms);
            assert!(!t.iso8601().is_empty() && !t.rfc1123().is_empty());
        }
    }
}
