//! Date and timestamp parameters: range and exact-or-range filters, local task dates, and
//! Wrike's UTC timestamp format.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use super::Params;
use crate::error::{ApiError, ApiResult};

impl Params {
    /// A timestamp range filter `{"start":…, "end":…}` (semi-open `[start, end)`).
    pub fn ts_range(&self, name: &str) -> ApiResult<Option<TsRange>> {
        let Some(obj) = self.object(name)? else {
            return Ok(None);
        };
        let mut r = TsRange::default();
        for (k, v) in &obj {
            let s = v
                .as_str()
                .ok_or_else(|| ApiError::invalid_parameter(name))?;
            let t = parse_timestamp(s).ok_or_else(|| ApiError::invalid_parameter(name))?;
            match k.as_str() {
                "start" => r.start = Some(t),
                "end" => r.end = Some(t),
                _ => return Err(ApiError::invalid_parameter(name)),
            }
        }
        Ok(Some(r))
    }

    /// A date-time exact-or-range filter `{"start"|"equal"|"end": "yyyy-MM-dd['T'HH:mm:ss]"}`.
    pub fn dt_filter(&self, name: &str) -> ApiResult<Option<DtFilter>> {
        let Some(obj) = self.object(name)? else {
            return Ok(None);
        };
        let mut f = DtFilter::default();
        for (k, v) in &obj {
            let s = v
                .as_str()
                .ok_or_else(|| ApiError::invalid_parameter(name))?;
            let d = LocalDt::parse(s).ok_or_else(|| ApiError::invalid_parameter(name))?;
            match k.as_str() {
                "start" => f.start = Some(d),
                "end" => f.end = Some(d),
                "equal" => f.equal = Some(d),
                _ => return Err(ApiError::invalid_parameter(name)),
            }
        }
        if f.equal.is_some() && (f.start.is_some() || f.end.is_some()) {
            return Err(ApiError::invalid_parameter(name));
        }
        Ok(Some(f))
    }
}

/// A semi-open timestamp interval `[start, end)`; either end may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TsRange {
    /// Inclusive lower bound.
    pub start: Option<DateTime<Utc>>,
    /// Exclusive upper bound.
    pub end: Option<DateTime<Utc>>,
}

impl TsRange {
    /// Whether `t` lies in the interval.
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.start.is_none_or(|s| t >= s) && self.end.is_none_or(|e| t < e)
    }
}

/// A local date or date-time as used by task dates (`yyyy-MM-dd['T'HH:mm:ss]`, no zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalDt {
    /// The moment (midnight when only a date was given).
    pub dt: NaiveDateTime,
    /// Whether only a date was given.
    pub date_only: bool,
}

impl LocalDt {
    /// Parses `yyyy-MM-dd` or `yyyy-MM-ddTHH:mm:ss` (seconds optional).
    pub fn parse(s: &str) -> Option<LocalDt> {
        let s = s.trim();
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            return Some(LocalDt {
                dt: d.and_hms_opt(0, 0, 0)?,
                date_only: true,
            });
        }
        for fmt in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"] {
            if let Ok(dt) = NaiveDateTime::parse_from_str(s, fmt) {
                return Some(LocalDt {
                    dt,
                    date_only: false,
                });
            }
        }
        None
    }
}

/// Exact-or-range filter on task start/due dates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DtFilter {
    /// Lower bound (inclusive).
    pub start: Option<LocalDt>,
    /// Exact match.
    pub equal: Option<LocalDt>,
    /// Upper bound.
    pub end: Option<LocalDt>,
}

impl DtFilter {
    /// Whether the task date `value` matches.
    ///
    /// [U] Wrike documents a semi-open interval but not how date-only bounds combine with
    /// date-times: a date-only bound compares on whole days (`end` inclusive of its day), a
    /// date-time bound compares exactly (`end` exclusive). A task without that date never matches.
    pub fn matches(&self, value: Option<NaiveDateTime>) -> bool {
        let Some(v) = value else {
            return false;
        };
        if let Some(eq) = self.equal {
            return if eq.date_only {
                v.date() == eq.dt.date()
            } else {
                v == eq.dt
            };
        }
        if let Some(s) = self.start {
            let ok = if s.date_only {
                v.date() >= s.dt.date()
            } else {
                v >= s.dt
            };
            if !ok {
                return false;
            }
        }
        if let Some(e) = self.end {
            let ok = if e.date_only {
                v.date() <= e.dt.date()
            } else {
                v < e.dt
            };
            if !ok {
                return false;
            }
        }
        true
    }
}

/// Parses a UTC timestamp. Wrike's format is `yyyy-MM-dd'T'HH:mm:ss'Z'`; the fake also accepts
/// RFC 3339 with fractions or offsets and a plain `yyyy-MM-dd` (midnight UTC) [U].
pub fn parse_timestamp(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(dt) = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%SZ") {
        return Some(dt.and_utc());
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(d.and_hms_opt(0, 0, 0)?.and_utc());
    }
    None
}

/// Formats a timestamp the way Wrike does: `yyyy-MM-ddTHH:mm:ssZ`.
pub fn fmt_ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert!(parse_timestamp("2024-01-01T00:00:00Z").is_some());
        assert!(parse_timestamp("2024-01-01T00:00:00.123+02:00").is_some());
        assert!(parse_timestamp("2024-01-01").is_some());
        assert!(parse_timestamp("yesterday").is_none());
    }
}
