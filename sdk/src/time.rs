//! Small, dependency-free date and time helpers: RFC 3339 timestamps as most REST APIs write
//! them (`yyyy-MM-dd'T'HH:mm:ss'Z'`, tolerant of fractional seconds and offsets), plain dates
//! (`yyyy-MM-dd`) and HTTP-dates (for `Retry-After`).

use core::fmt::Write as _;

/// An instant as seconds and nanoseconds since the Unix epoch (UTC). Ordered chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Whole seconds since 1970-01-01T00:00:00Z (may be negative).
    pub secs: i64,
    /// Nanoseconds within the second, `0..1_000_000_000`.
    pub nanos: u32,
}

impl Timestamp {
    /// A timestamp at a whole second.
    pub const fn from_secs(secs: i64) -> Self {
        Timestamp { secs, nanos: 0 }
    }

    /// This instant moved by `delta` seconds (saturating).
    pub fn add_secs(self, delta: i64) -> Self {
        Timestamp {
            secs: self.secs.saturating_add(delta),
            nanos: self.nanos,
        }
    }

    /// Parse an RFC 3339 date-time. Tolerant: `T`, `t` or a space between date and time, any
    /// number of fractional digits (nanosecond precision kept), `Z`/`z`, `±HH:MM`, `±HHMM` or no
    /// zone at all (taken as UTC). Returns `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        let b = s.trim().as_bytes();
        if b.len() < 19 {
            return None;
        }
        let days = parse_date_bytes(&b[..10])?;
        if !matches!(b[10], b'T' | b't' | b' ') {
            return None;
        }
        let hh = two_digits(&b[11..13])?;
        let mm = two_digits(&b[14..16])?;
        let ss = two_digits(&b[17..19])?;
        if b[13] != b':' || b[16] != b':' || hh > 23 || mm > 59 || ss > 60 {
            return None;
        }
        // A leap second is folded into the preceding second.
        let ss = ss.min(59);
        let mut rest = &b[19..];
        let mut nanos: u32 = 0;
        if let Some((&b'.', tail)) = rest.split_first() {
            let n = tail.iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 {
                return None;
            }
            let mut scale = 100_000_000u32;
            for &c in tail.iter().take(n.min(9)) {
                nanos += u32::from(c - b'0') * scale;
                scale /= 10;
            }
            rest = &tail[n..];
        }
        let offset: i64 = match rest {
            [] | [b'Z'] | [b'z'] => 0,
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2]
            | [sign @ (b'+' | b'-'), h1, h2, m1, m2] => {
                let oh = two_digits(&[*h1, *h2])?;
                let om = two_digits(&[*m1, *m2])?;
                if oh > 23 || om > 59 {
                    return None;
                }
                let o = i64::from(oh * 3600 + om * 60);
                if *sign == b'+' {
                    o
                } else {
                    -o
                }
            }
            _ => return None,
        };
        let secs = days * 86_400 + i64::from(hh * 3600 + mm * 60 + ss) - offset;
        Some(Timestamp { secs, nanos })
    }

    /// Format as `yyyy-MM-dd'T'HH:mm:ss'Z'` in UTC, the whole-second RFC 3339 form many APIs
    /// use (sub-second part dropped, i.e. rounded down, so a range starting here includes this
    /// instant).
    pub fn to_rfc3339_secs(self) -> String {
        let mut s = String::with_capacity(20);
        self.write_seconds(&mut s);
        s.push('Z');
        s
    }

    /// Format as RFC 3339 in UTC, keeping a (trimmed) fractional part when there is one.
    pub fn to_rfc3339(self) -> String {
        let mut s = String::with_capacity(30);
        self.write_seconds(&mut s);
        if self.nanos != 0 {
            let frac = format!("{:09}", self.nanos);
            s.push('.');
            s.push_str(frac.trim_end_matches('0'));
        }
        s.push('Z');
        s
    }

    fn write_seconds(self, s: &mut String) {
        let days = self.secs.div_euclid(86_400);
        let sod = self.secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let _ = write!(
            s,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            y,
            m,
            d,
            sod / 3600,
            (sod / 60) % 60,
            sod % 60
        );
    }
}

/// Validate a plain `yyyy-MM-dd` date; returns days since the epoch.
pub fn parse_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 10 {
        return None;
    }
    parse_date_bytes(b)
}

fn parse_date_bytes(b: &[u8]) -> Option<i64> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y = i64::from(two_digits(&b[0..2])? * 100 + two_digits(&b[2..4])?);
    let m = two_digits(&b[5..7])?;
    let d = two_digits(&b[8..10])?;
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

fn two_digits(b: &[u8]) -> Option<u32> {
    match b {
        [a, c] if a.is_ascii_digit() && c.is_ascii_digit() => {
            Some(u32::from(a - b'0') * 10 + u32::from(c - b'0'))
        }
        _ => None,
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Parse an HTTP-date in any of the three forms of RFC 9110 (IMF-fixdate
/// `Sun, 06 Nov 1994 08:49:37 GMT`, obsolete RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT`, and
/// asctime `Sun Nov  6 08:49:37 1994`). Tolerant of order and extra words.
pub fn parse_http_date(s: &str) -> Option<Timestamp> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let (mut month, mut day, mut year, mut time) = (None, None, None, None);
    for tok in s
        .split(|c: char| c.is_whitespace() || c == ',' || c == '-')
        .filter(|t| !t.is_empty())
    {
        let lower = tok.to_ascii_lowercase();
        if tok.contains(':') {
            let parts: Vec<&str> = tok.split(':').collect();
            if parts.len() != 3 {
                return None;
            }
            let n: Vec<u32> = parts.iter().filter_map(|p| p.parse().ok()).collect();
            if n.len() != 3 || n[0] > 23 || n[1] > 59 || n[2] > 60 {
                return None;
            }
            time = Some(n[0] * 3600 + n[1] * 60 + n[2].min(59));
        } else if let Some(i) = MONTHS.iter().position(|m| lower.starts_with(m)) {
            if tok.len() <= 3 {
                month = Some(i as u32 + 1);
            }
        } else if tok.bytes().all(|c| c.is_ascii_digit()) {
            let v: i64 = tok.parse().ok()?;
            if tok.len() <= 2 && day.is_none() {
                day = Some(v as u32);
            } else if tok.len() == 2 {
                year = Some(if v >= 70 { 1900 + v } else { 2000 + v });
            } else if tok.len() == 4 {
                year = Some(v);
            } else {
                return None;
            }
        }
    }
    let (m, d, y, t) = (month?, day?, year?, time?);
    if d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some(Timestamp::from_secs(
        days_from_civil(y, m, d) * 86_400 + i64::from(t),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_whole_second_timestamps() {
        let t = Timestamp::parse("2019-02-18T11:17:43Z").unwrap();
        assert_eq!(t.secs, 1_550_488_663);
        assert_eq!(t.nanos, 0);
        assert_eq!(t.to_rfc3339_secs(), "2019-02-18T11:17:43Z");
        assert_eq!(t.to_rfc3339(), "2019-02-18T11:17:43Z");
    }

    #[test]
    fn tolerates_fractions_offsets_and_missing_zone() {
        let a = Timestamp::parse("2019-02-18T11:17:43.5Z").unwrap();
        assert_eq!(a.nanos, 500_000_000);
        assert_eq!(a.to_rfc3339(), "2019-02-18T11:17:43.5Z");
        assert_eq!(a.to_rfc3339_secs(), "2019-02-18T11:17:43Z");
        let b = Timestamp::parse("2019-02-18T11:17:43.123456789123Z").unwrap();
        assert_eq!(b.nanos, 123_456_789);
        let c = Timestamp::parse("2019-02-18T13:17:43+02:00").unwrap();
        assert_eq!(c.secs, 1_550_488_663);
        let d = Timestamp::parse("2019-02-18t06:17:43-0500").unwrap();
        assert_eq!(d.secs, 1_550_488_663);
        let e = Timestamp::parse("2019-02-18 11:17:43").unwrap();
        assert_eq!(e.secs, 1_550_488_663);
        assert!(a > Timestamp::parse("2019-02-18T11:17:43Z").unwrap());
        assert_eq!(
            Timestamp::parse("2019-02-18T11:17:43.000Z"),
            Timestamp::parse("2019-02-18T11:17:43Z")
        );
    }

    #[test]
    fn rejects_malformed_timestamps() {
        for bad in [
            "",
            "2019-02-18",
            "2019-02-30T11:17:43Z",
            "2019-13-01T11:17:43Z",
            "2019-02-18T24:00:00Z",
            "2019-02-18T11:17:43.Z",
            "2019-02-18T11:17:43+2",
            "2019-02-18X11:17:43Z",
            "yesterday",
            "2019-02-18T11:17:43Zjunk",
        ] {
            assert_eq!(Timestamp::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn round_trips_calendar() {
        for days in [-800_000i64, -1, 0, 1, 59, 365, 11_016, 18_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(
            Timestamp::from_secs(0).to_rfc3339_secs(),
            "1970-01-01T00:00:00Z"
        );
        assert_eq!(
            Timestamp::from_secs(951_782_400).to_rfc3339_secs(),
            "2000-02-29T00:00:00Z"
        );
        assert_eq!(parse_date("2024-02-29"), Some(days_from_civil(2024, 2, 29)));
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2023-2-28"), None);
    }

    #[test]
    fn parses_http_dates() {
        let want = Timestamp::from_secs(784_111_777);
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(want));
        assert_eq!(
            parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"),
            Some(want)
        );
        assert_eq!(parse_http_date("Sun Nov  6 08:49:37 1994"), Some(want));
        assert_eq!(parse_http_date("soon"), None);
        assert_eq!(parse_http_date("Sun, 31 Feb 1994 08:49:37 GMT"), None);
    }
}
