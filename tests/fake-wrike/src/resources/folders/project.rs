//! The `project` object of folder create/update: owners, status, custom status, dates and
//! contract type.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Map, Value};

use crate::api::*;
use crate::error::{ApiError, ApiResult};
use crate::store::{Project, Store};

const PROJECT_STATUSES: &[&str] = &[
    "Green",
    "Yellow",
    "Red",
    "Completed",
    "OnHold",
    "Cancelled",
    "Custom",
];

fn date_value(v: Option<&Value>) -> ApiResult<Option<Option<NaiveDate>>> {
    match v {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::String(s)) if s.is_empty() => Ok(Some(None)),
        Some(Value::String(s)) => parse_date(s)
            .map(|d| Some(Some(d)))
            .ok_or_else(|| ApiError::invalid_parameter("project")),
        Some(_) => Err(ApiError::invalid_parameter("project")),
    }
}

fn id_list(v: Option<&Value>) -> ApiResult<Option<Vec<String>>> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| {
                x.as_str()
                    .map(|s| s.to_string())
                    .ok_or_else(|| ApiError::invalid_parameter("project"))
            })
            .collect::<ApiResult<Vec<_>>>()
            .map(Some),
        Some(Value::String(s)) => match crate::params::parse_lenient(s) {
            Some(v @ Value::Array(_)) => id_list(Some(&v)),
            _ => Err(ApiError::invalid_parameter("project")),
        },
        Some(_) => Err(ApiError::invalid_parameter("project")),
    }
}

/// Applies a `project` object to `existing` (create when `None`).
pub(super) fn apply_project(
    st: &Store,
    user: &str,
    existing: Option<Project>,
    obj: &Map<String, Value>,
    now: DateTime<Utc>,
    update: bool,
) -> ApiResult<Project> {
    let allowed: &[&str] = if update {
        &[
            "ownersAdd",
            "ownersRemove",
            "ownerIds",
            "status",
            "customStatusId",
            "customStatus",
            "startDate",
            "endDate",
            "contractType",
        ]
    } else {
        &[
            "ownerIds",
            "status",
            "customStatusId",
            "customStatus",
            "startDate",
            "endDate",
            "contractType",
        ]
    };
    if let Some(k) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(ApiError::invalid_parameter_msg(format!(
            "Parameter 'project' value is invalid: unknown member '{k}'"
        )));
    }
    let mut p = existing.unwrap_or(Project {
        author_id: user.to_string(),
        owner_ids: vec![user.to_string()],
        status: "Green".into(),
        custom_status_id: None,
        start_date: None,
        end_date: None,
        created: now,
        completed: None,
        contract_type: None,
    });
    if let Some(o) = id_list(obj.get("ownerIds"))? {
        check_contacts(st, "project", &o)?;
        p.owner_ids = o;
    }
    if let Some(o) = id_list(obj.get("ownersAdd"))? {
        check_contacts(st, "project", &o)?;
        add_all(&mut p.owner_ids, &o);
    }
    if let Some(o) = id_list(obj.get("ownersRemove"))? {
        remove_all(&mut p.owner_ids, &o);
    }
    match obj.get("status") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) if PROJECT_STATUSES.contains(&s.as_str()) => {
            p.status = s.clone();
            if s != "Custom" {
                p.custom_status_id = None;
            }
        }
        Some(_) => return Err(ApiError::invalid_parameter("project")),
    }
    // [U] Workato's connector sends `customStatus`; Wrike documents `customStatusId`.
    let cs = obj
        .get("customStatusId")
        .or_else(|| obj.get("customStatus"));
    match cs {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) => {
            if st.custom_status(s).is_none() {
                return Err(ApiError::invalid_parameter("project"));
            }
            p.custom_status_id = Some(s.clone());
            p.status = "Custom".into();
        }
        Some(_) => return Err(ApiError::invalid_parameter("project")),
    }
    if let Some(d) = date_value(obj.get("startDate"))? {
        p.start_date = d;
    }
    if let Some(d) = date_value(obj.get("endDate"))? {
        p.end_date = d;
    }
    if let (Some(s), Some(e)) = (p.start_date, p.end_date) {
        if e < s {
            return Err(ApiError::invalid_parameter("project"));
        }
    }
    match obj.get("contractType") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) if s == "Billable" || s == "NonBillable" => {
            p.contract_type = Some(s.clone())
        }
        Some(_) => return Err(ApiError::invalid_parameter("project")),
    }
    let done = p.status == "Completed";
    if done && p.completed.is_none() {
        p.completed = Some(now);
    } else if !done {
        p.completed = None;
    }
    Ok(p)
}
