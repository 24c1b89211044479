//! Timelogs (`API.md` §11.4).

use std::collections::HashSet;

use serde_json::{json, Map, Value};

use crate::api::*;
use crate::error::{ApiError, ApiResult};
use crate::params::{fmt_ts, Params};
use crate::store::{Store, Timelog};

const FIELDS: &[&str] = &["billingType"];
const BILLING: &[&str] = &["Billable", "NonBillable"];

/// Renders a timelog (comment as HTML unless `plain`).
pub fn timelog_json(t: &Timelog, plain: bool, fields: &[String]) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(t.id));
    m.insert("taskId".into(), json!(t.task_id));
    m.insert("userId".into(), json!(t.user_id));
    if let Some(c) = &t.category_id {
        m.insert("categoryId".into(), json!(c));
    }
    if fields.iter().any(|f| f == "billingType") {
        m.insert(
            "billingType".into(),
            json!(t
                .billing_type
                .clone()
                .unwrap_or_else(|| "NonBillable".into())),
        );
    }
    m.insert("hours".into(), json!(t.hours));
    m.insert("createdDate".into(), json!(fmt_ts(t.created)));
    m.insert("updatedDate".into(), json!(fmt_ts(t.updated)));
    m.insert(
        "trackedDate".into(),
        json!(t.tracked_date.format("%Y-%m-%d").to_string()),
    );
    let c = if plain {
        strip_html(&t.comment)
    } else {
        t.comment.clone()
    };
    m.insert("comment".into(), json!(c));
    Value::Object(m)
}

/// Where a timelog list looks.
#[derive(Debug, Clone)]
pub enum Scope {
    /// `GET /timelogs`.
    Account,
    /// `GET /contacts/{id}/timelogs`.
    Contact(String),
    /// `GET /folders/{id}/timelogs`.
    Folder(String),
    /// `GET /tasks/{id}/timelogs`.
    Task(String),
    /// `GET /timelog_categories/{id}/timelogs`.
    Category(String),
}

const LIST_PARAMS: &[&str] = &[
    "createdDate",
    "updatedDate",
    "trackedDate",
    "me",
    "descendants",
    "subTasks",
    "plainText",
    "timelogCategories",
    "billingTypes",
    "fields",
];

/// The task IDs a scope covers (`None`: all).
fn scope_tasks(st: &Store, p: &Params, scope: &Scope) -> ApiResult<Option<HashSet<String>>> {
    let descendants = p.flag("descendants")?.unwrap_or(true);
    let sub_tasks = p.flag("subTasks")?.unwrap_or(true);
    let mut set: HashSet<String> = match scope {
        Scope::Folder(id) => {
            if !st.folders.contains_key(id) {
                return Err(ApiError::not_found("Folder", id));
            }
            if *id == st.root_id() && descendants {
                return Ok(None);
            }
            let mut folders: HashSet<String> = HashSet::from([id.clone()]);
            if descendants {
                folders.extend(st.descendant_folders(id));
            }
            st.tasks
                .values()
                .filter(|t| t.parent_ids.iter().any(|p| folders.contains(p)))
                .map(|t| t.id.clone())
                .collect()
        }
        Scope::Task(id) => {
            if !st.tasks.contains_key(id) {
                return Err(ApiError::not_found("Task", id));
            }
            HashSet::from([id.clone()])
        }
        _ => return Ok(None),
    };
    if sub_tasks {
        loop {
            let more: Vec<String> = st
                .tasks
                .values()
                .filter(|t| {
                    !set.contains(&t.id) && t.super_task_ids.iter().any(|s| set.contains(s))
                })
                .map(|t| t.id.clone())
                .collect();
            if more.is_empty() {
                break;
            }
            set.extend(more);
        }
    }
    Ok(Some(set))
}

/// `GET /timelogs` and the scoped variants.
///
/// `trackedDate` takes `yyyy-MM-dd` or timestamp bounds; a tracked date counts as its midnight
/// UTC, so the range is semi-open on days too [U]. Oldest first.
pub fn list(st: &mut Store, cx: &Ctx, scope: Scope) -> ApiResult<Reply> {
    let p = &cx.params;
    p.allow_only(LIST_PARAMS)?;
    match &scope {
        Scope::Contact(id) if !st.contact_exists(id) => {
            return Err(ApiError::not_found("Contact", id))
        }
        Scope::Category(id) if !st.timelog_categories.iter().any(|c| &c.id == id) => {
            return Err(ApiError::not_found("Timelog category", id))
        }
        _ => {}
    }
    let tasks = scope_tasks(st, p, &scope)?;
    let created = p.ts_range("createdDate")?;
    let updated = p.ts_range("updatedDate")?;
    let tracked = p.ts_range("trackedDate")?;
    let me = p.flag("me")?.unwrap_or(false);
    let plain = p.bool("plainText")?.unwrap_or(false);
    let cats = p.str_list("timelogCategories")?;
    let billing = p.enum_list("billingTypes", BILLING)?;
    let fields = fields_param(p, FIELDS)?;
    let mut v: Vec<&Timelog> = st
        .timelogs
        .values()
        .filter(|t| st.tasks.get(&t.task_id).is_some_and(|x| !x.deleted))
        .filter(|t| tasks.as_ref().is_none_or(|s| s.contains(&t.task_id)))
        .filter(|t| match &scope {
            Scope::Contact(c) => &t.user_id == c,
            Scope::Category(c) => t.category_id.as_ref() == Some(c),
            _ => true,
        })
        .filter(|t| !me || t.user_id == cx.user)
        .filter(|t| created.is_none_or(|r| r.contains(t.created)))
        .filter(|t| updated.is_none_or(|r| r.contains(t.updated)))
        .filter(|t| {
            tracked.is_none_or(|r| {
                r.contains(
                    t.tracked_date
                        .and_hms_opt(0, 0, 0)
                        .expect("valid")
                        .and_utc(),
                )
            })
        })
        .filter(|t| {
            cats.as_ref()
                .is_none_or(|c| t.category_id.as_ref().is_some_and(|x| c.contains(x)))
        })
        .filter(|t| {
            billing.as_ref().is_none_or(|b| {
                b.contains(
                    &t.billing_type
                        .clone()
                        .unwrap_or_else(|| "NonBillable".into()),
                )
            })
        })
        .collect();
    v.sort_by_key(|t| t.seq);
    Ok(Reply::data(
        "timelogs",
        v.into_iter()
            .map(|t| timelog_json(t, plain, &fields))
            .collect(),
    ))
}

/// `GET /timelogs/{ids}`.
pub fn get(st: &mut Store, cx: &Ctx, ids: &[String]) -> ApiResult<Reply> {
    cx.params.allow_only(&["plainText", "fields"])?;
    let plain = cx.params.bool("plainText")?.unwrap_or(false);
    let fields = fields_param(&cx.params, FIELDS)?;
    let mut data = Vec::new();
    for id in ids {
        let t = st
            .timelogs
            .get(id)
            .ok_or_else(|| ApiError::not_found("Timelog", id))?;
        data.push(timelog_json(t, plain, &fields));
    }
    Ok(Reply::data("timelogs", data))
}

fn hours_param(p: &Params) -> ApiResult<Option<f64>> {
    match p.float("hours")? {
        None => Ok(None),
        Some(h) if h > 0.0 && h <= 24.0 => Ok(Some(h)),
        Some(_) => Err(ApiError::invalid_parameter("hours")),
    }
}

fn tracked_param(p: &Params) -> ApiResult<Option<chrono::NaiveDate>> {
    match p.str("trackedDate")? {
        None => Ok(None),
        Some(s) => parse_date(&s)
            .map(Some)
            .ok_or_else(|| ApiError::invalid_parameter("trackedDate")),
    }
}

fn category_param(st: &Store, p: &Params) -> ApiResult<Option<String>> {
    match p.str("categoryId")? {
        None => Ok(None),
        Some(c) if st.timelog_categories.iter().any(|x| x.id == c) => Ok(Some(c)),
        Some(_) => Err(ApiError::invalid_parameter("categoryId")),
    }
}

fn comment_html(p: &Params) -> ApiResult<Option<String>> {
    let plain = p.bool("plainText")?.unwrap_or(false);
    Ok(p.str("comment")?
        .map(|c| if plain { text_to_html(&c) } else { c }))
}

/// `POST /tasks/{taskId}/timelogs` — `comment*`, `hours*`, `trackedDate*`, `plainText`,
/// `categoryId`, `billingType`, `fields`.
pub fn create(st: &mut Store, cx: &Ctx, task_id: &str) -> ApiResult<Reply> {
    let p = &cx.params;
    p.allow_only(&[
        "comment",
        "hours",
        "trackedDate",
        "plainText",
        "categoryId",
        "billingType",
        "fields",
    ])?;
    if st.tasks.get(task_id).is_none_or(|t| t.deleted) {
        return Err(ApiError::not_found("Task", task_id));
    }
    let comment = comment_html(p)?.ok_or_else(|| ApiError::parameter_required("comment"))?;
    let hours = hours_param(p)?.ok_or_else(|| ApiError::parameter_required("hours"))?;
    let tracked = tracked_param(p)?.ok_or_else(|| ApiError::parameter_required("trackedDate"))?;
    let category = category_param(st, p)?;
    let billing = p.enum_str("billingType", BILLING)?;
    let fields = fields_param(p, FIELDS)?;
    let plain = p.bool("plainText")?.unwrap_or(false);
    let id = st.new_id("JR");
    let legacy_id = st.new_legacy("ApiV2Timelog", &id);
    let seq = st.next_seq();
    let now = st.clock.stamp();
    let t = Timelog {
        id: id.clone(),
        legacy_id,
        seq,
        task_id: task_id.to_string(),
        user_id: cx.user.clone(),
        category_id: category,
        billing_type: billing,
        hours,
        created: now,
        updated: now,
        tracked_date: tracked,
        comment,
    };
    let out = timelog_json(&t, plain, &fields);
    st.emit(
        "TimelogChanged",
        &cx.user,
        Some(task_id),
        None,
        json!({"timeTrackerId": id, "type": "Added", "hours": hours}),
    );
    st.timelogs.insert(id, t);
    Ok(Reply::data("timelogs", vec![out]))
}

/// `PUT /timelogs/{id}` — `comment, hours, trackedDate, plainText, categoryId, fields`.
pub fn update(st: &mut Store, cx: &Ctx, id: &str) -> ApiResult<Reply> {
    let p = &cx.params;
    p.allow_only(&[
        "comment",
        "hours",
        "trackedDate",
        "plainText",
        "categoryId",
        "billingType",
        "fields",
    ])?;
    let mut t = st
        .timelogs
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("Timelog", id))?;
    let before = t.clone();
    if let Some(c) = comment_html(p)? {
        t.comment = c;
    }
    if let Some(h) = hours_param(p)? {
        t.hours = h;
    }
    if let Some(d) = tracked_param(p)? {
        t.tracked_date = d;
    }
    if let Some(c) = category_param(st, p)? {
        t.category_id = Some(c);
    }
    if let Some(b) = p.enum_str("billingType", BILLING)? {
        t.billing_type = Some(b);
    }
    let fields = fields_param(p, FIELDS)?;
    let plain = p.bool("plainText")?.unwrap_or(false);
    let changed = t.comment != before.comment
        || t.hours != before.hours
        || t.tracked_date != before.tracked_date
        || t.category_id != before.category_id
        || t.billing_type != before.billing_type;
    if changed {
        t.updated = st.clock.stamp();
        st.emit(
            "TimelogChanged",
            &cx.user,
            Some(&t.task_id),
            None,
            json!({"timeTrackerId": id, "type": "Updated", "hours": t.hours}),
        );
    }
    let out = timelog_json(&t, plain, &fields);
    st.timelogs.insert(id.to_string(), t);
    Ok(Reply::data("timelogs", vec![out]))
}

/// `DELETE /timelogs/{id}` — no response model; answers an empty `timelogs` envelope.
pub fn delete(st: &mut Store, cx: &Ctx, id: &str) -> ApiResult<Reply> {
    cx.params.allow_only(&[])?;
    let t = st
        .timelogs
        .remove(id)
        .ok_or_else(|| ApiError::not_found("Timelog", id))?;
    st.emit(
        "TimelogChanged",
        &cx.user,
        Some(&t.task_id),
        None,
        json!({"timeTrackerId": id, "type": "Deleted", "hours": t.hours}),
    );
    Ok(Reply::data("timelogs", vec![]))
}
