//! The task `dates` object: parsing, normalising (Backlog, Milestone, Planned) and working-time
//! arithmetic (8-hour days).

use chrono::{Datelike, NaiveDateTime, NaiveTime, Weekday};
use serde_json::{Map, Value};

use super::DATE_TYPES;
use crate::error::{ApiError, ApiResult};
use crate::params::LocalDt;
use crate::store::TaskDates;

/// Parses and normalises a `dates` object. `base` holds the current dates on update.
pub(super) fn parse_dates(
    obj: &Map<String, Value>,
    base: Option<&TaskDates>,
) -> ApiResult<TaskDates> {
    let bad = || ApiError::invalid_parameter("dates");
    for k in obj.keys() {
        if !["type", "duration", "start", "due", "workOnWeekends"].contains(&k.as_str()) {
            return Err(bad());
        }
    }
    let kind = match obj.get("type") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if DATE_TYPES.contains(&s.as_str()) => Some(s.clone()),
        Some(_) => return Err(bad()),
    };
    let dt = |k: &str, default_time: (u32, u32)| -> ApiResult<Option<NaiveDateTime>> {
        match obj.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => {
                let d = LocalDt::parse(s).ok_or_else(bad)?;
                let v = if d.date_only {
                    d.dt.date().and_time(
                        NaiveTime::from_hms_opt(default_time.0, default_time.1, 0)
                            .expect("valid time"),
                    )
                } else {
                    d.dt
                };
                if v.year() < 1970 || v.year() >= 2100 {
                    return Err(bad());
                }
                Ok(Some(v))
            }
            Some(_) => Err(bad()),
        }
    };
    let start = dt("start", (9, 0))?;
    let due = dt("due", (17, 0))?;
    let duration = match obj.get("duration") {
        None | Some(Value::Null) => None,
        Some(v) => {
            let n = v
                .as_i64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
                .ok_or_else(bad)?;
            if !(0..1_800_000).contains(&n) {
                return Err(bad());
            }
            Some(n)
        }
    };
    let wow = match obj.get("workOnWeekends") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(Value::String(s)) if s == "true" || s == "false" => Some(s == "true"),
        Some(_) => return Err(bad()),
    };
    // Merge with the current dates on update (only for keys not given).
    let (start, due, duration, wow, prev_kind) = match base {
        Some(b) => (
            start.or(b.start),
            due.or(b.due),
            duration.or(b.duration),
            wow.or(b.work_on_weekends),
            Some(b.kind.clone()),
        ),
        None => (start, due, duration, wow, None),
    };
    let given_dates = obj.contains_key("start") || obj.contains_key("due");
    let kind = kind.unwrap_or_else(|| {
        if given_dates || base.is_none() {
            if start.is_some() && due.is_some() {
                "Planned".into()
            } else if due.is_some() {
                "Milestone".into()
            } else if start.is_some() && duration.is_some() {
                "Planned".into()
            } else {
                prev_kind.clone().unwrap_or_else(|| "Backlog".into())
            }
        } else {
            prev_kind.clone().unwrap_or_else(|| "Backlog".into())
        }
    });
    let wow_b = wow.unwrap_or(false);
    Ok(match kind.as_str() {
        "Backlog" => TaskDates {
            kind,
            duration,
            start: None,
            due: None,
            work_on_weekends: wow,
        },
        "Milestone" => {
            let d = due.or(start).ok_or_else(bad)?;
            TaskDates {
                kind,
                duration: None,
                start: None,
                due: Some(d),
                work_on_weekends: wow,
            }
        }
        _ => {
            // Planned: start and due, or one of them plus a duration.
            let (s, d) = match (start, due) {
                (Some(s), Some(d)) => (s, d),
                (Some(s), None) => {
                    let dur = duration.ok_or_else(bad)?;
                    (s, add_work_minutes(s, dur, wow_b))
                }
                (None, Some(d)) => (d.date().and_hms_opt(9, 0, 0).expect("valid"), d),
                (None, None) => return Err(bad()),
            };
            if d < s {
                return Err(bad());
            }
            TaskDates {
                kind,
                duration: Some(work_minutes(s, d, wow_b)),
                start: Some(s),
                due: Some(d),
                work_on_weekends: wow,
            }
        }
    })
}

/// Working minutes between two dates: 8 h per working day, inclusive of both days.
fn work_minutes(s: NaiveDateTime, d: NaiveDateTime, weekends: bool) -> i64 {
    let mut days = 0i64;
    let mut cur = s.date();
    while cur <= d.date() {
        if weekends || !matches!(cur.weekday(), Weekday::Sat | Weekday::Sun) {
            days += 1;
        }
        cur = cur.succ_opt().expect("date in range");
    }
    (days.max(1) * 480).min(1_799_999)
}

/// The due date reached from `s` after `minutes` of work (8 h days).
fn add_work_minutes(s: NaiveDateTime, minutes: i64, weekends: bool) -> NaiveDateTime {
    let mut days_left = ((minutes + 479) / 480).max(1) - 1;
    let mut cur = s.date();
    while days_left > 0 {
        cur = cur.succ_opt().expect("date in range");
        if weekends || !matches!(cur.weekday(), Weekday::Sat | Weekday::Sun) {
            days_left -= 1;
        }
    }
    cur.and_hms_opt(17, 0, 0).expect("valid")
}
