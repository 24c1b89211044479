//! Tasks (`API.md` §11.1).

use std::collections::HashSet;

use chrono::{Datelike, NaiveDateTime, NaiveTime, Weekday};
use serde_json::{json, Map, Value};

use crate::api::*;
use crate::error::{ApiError, ApiResult};
use crate::params::{fmt_ts, LocalDt};
use crate::params::{parse_timestamp, Params};
use crate::store::{custom_fields_json, metadata_json, FolderScope, Store, Task, TaskDates};

const STATUSES: &[&str] = &["Active", "Completed", "Deferred", "Cancelled"];
const IMPORTANCES: &[&str] = &["High", "Normal", "Low"];
const DATE_TYPES: &[&str] = &["Backlog", "Milestone", "Planned"];
const SORT_FIELDS: &[&str] = &[
    "CreatedDate",
    "UpdatedDate",
    "CompletedDate",
    "DueDate",
    "Status",
    "Importance",
    "Title",
    "LastAccessDate",
];
const BILLING: &[&str] = &["Billable", "NonBillable"];
const EFFORT_MODES: &[&str] = &["None", "FullTime", "Basic", "Flexible"];

/// Optional fields of task lists.
const LIST_FIELDS: &[&str] = &[
    "authorIds",
    "hasAttachments",
    "attachmentCount",
    "parentIds",
    "superParentIds",
    "sharedIds",
    "responsibleIds",
    "description",
    "briefDescription",
    "recurrent",
    "superTaskIds",
    "subTaskIds",
    "dependencyIds",
    "metadata",
    "customFields",
    "effortAllocation",
    "billingType",
    // Newer names seen in requests [3P]; accepted (and rendered only when the fake knows them).
    "customItemTypeId",
    "finance",
    "responsiblePlaceholderIds",
];

/// Optional fields when getting/creating/updating tasks. M-DUMP lists only the first four for
/// `GET /tasks/{ids}`; [U] the fake also accepts the list names (they are in the full view anyway).
const SINGLE_FIELDS: &[&str] = LIST_FIELDS;

const SEARCH_PARAMS: &[&str] = &[
    "descendants",
    "title",
    "status",
    "importance",
    "startDate",
    "dueDate",
    "scheduledDate",
    "createdDate",
    "updatedDate",
    "completedDate",
    "authors",
    "responsibles",
    "permalink",
    "type",
    "limit",
    "sortField",
    "sortOrder",
    "subTasks",
    "pageSize",
    "nextPageToken",
    "metadata",
    "customField",
    "customFields",
    "customStatuses",
    "billingTypes",
    "fields",
];

/// How much of a task to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// Search results: base fields plus requested ones.
    List,
    /// `GET /tasks/{ids}`, create, update, delete: the full model.
    Full,
}

/// Renders a task.
pub fn task_json(st: &Store, t: &Task, view: View, fields: &[String], me: &str) -> Value {
    let want = |f: &str| view == View::Full || fields.iter().any(|x| x == f);
    let opt = |f: &str| fields.iter().any(|x| x == f);
    let mut m = Map::new();
    m.insert("id".into(), json!(t.id));
    m.insert("accountId".into(), json!(st.account.id));
    m.insert("title".into(), json!(t.title));
    if want("description") {
        m.insert("description".into(), json!(t.description));
    }
    if want("briefDescription") {
        m.insert("briefDescription".into(), json!(brief(&t.description)));
    }
    if want("parentIds") {
        m.insert("parentIds".into(), json!(t.parent_ids));
    }
    if want("superParentIds") {
        let mut sp: Vec<String> = Vec::new();
        for s in &t.super_task_ids {
            if let Some(st_) = st.tasks.get(s) {
                add_all(&mut sp, &st_.parent_ids);
            }
        }
        remove_all(&mut sp, &t.parent_ids);
        m.insert("superParentIds".into(), json!(sp));
    }
    if want("sharedIds") {
        m.insert("sharedIds".into(), json!(t.shared_ids));
    }
    if want("responsibleIds") {
        m.insert("responsibleIds".into(), json!(t.responsible_ids));
    }
    m.insert("status".into(), json!(t.status));
    m.insert("importance".into(), json!(t.importance));
    m.insert("createdDate".into(), json!(fmt_ts(t.created)));
    m.insert("updatedDate".into(), json!(fmt_ts(t.updated)));
    if let Some(c) = t.completed {
        m.insert("completedDate".into(), json!(fmt_ts(c)));
    }
    m.insert("dates".into(), t.dates.to_json());
    m.insert(
        "scope".into(),
        json!(if t.deleted { "RbTask" } else { "WsTask" }),
    );
    if want("authorIds") {
        m.insert("authorIds".into(), json!([t.author_id]));
    }
    m.insert("customStatusId".into(), json!(t.custom_status_id));
    let att = st.attachment_count(Some(&t.id), None);
    if want("hasAttachments") {
        m.insert("hasAttachments".into(), json!(att > 0));
    }
    if opt("attachmentCount") {
        m.insert("attachmentCount".into(), json!(att));
    }
    m.insert("permalink".into(), json!(t.permalink()));
    m.insert("priority".into(), json!(t.priority_str()));
    if view == View::Full {
        m.insert(
            "followedByMe".into(),
            json!(t.follower_ids.iter().any(|f| f == me)),
        );
        m.insert("followerIds".into(), json!(t.follower_ids));
    }
    if opt("recurrent") {
        m.insert("recurrent".into(), json!(t.recurrent));
    }
    if want("superTaskIds") {
        m.insert("superTaskIds".into(), json!(t.super_task_ids));
    }
    if want("subTaskIds") {
        m.insert("subTaskIds".into(), json!(st.sub_task_ids(&t.id)));
    }
    if want("dependencyIds") {
        m.insert("dependencyIds".into(), json!(Vec::<String>::new()));
    }
    if want("metadata") {
        m.insert("metadata".into(), metadata_json(&t.metadata));
    }
    if want("customFields") {
        m.insert("customFields".into(), custom_fields_json(&t.custom_fields));
    }
    if opt("billingType") {
        m.insert(
            "billingType".into(),
            json!(t
                .billing_type
                .clone()
                .unwrap_or_else(|| "NonBillable".into())),
        );
    }
    if opt("effortAllocation") {
        m.insert(
            "effortAllocation".into(),
            t.effort_allocation
                .clone()
                .unwrap_or_else(|| json!({"mode": "None"})),
        );
    }
    if let (true, Some(c)) = (opt("customItemTypeId"), &t.custom_item_type_id) {
        m.insert("customItemTypeId".into(), json!(c));
    }
    if opt("responsiblePlaceholderIds") {
        m.insert("responsiblePlaceholderIds".into(), json!([]));
    }
    Value::Object(m)
}

/// Where a task search looks.
#[derive(Debug, Clone)]
pub enum SearchScope {
    /// `GET /tasks`.
    Account,
    /// `GET /folders/{id}/tasks`.
    Folder(String),
    /// `GET /spaces/{id}/tasks`.
    Space(String),
}

/// `GET /tasks`, `/folders/{id}/tasks`, `/spaces/{id}/tasks`.
pub fn search(st: &mut Store, cx: &Ctx, scope: SearchScope) -> ApiResult<Reply> {
    cx.params.allow_only(SEARCH_PARAMS)?;
    match &scope {
        SearchScope::Account => {}
        SearchScope::Folder(id) => {
            if !st.folders.contains_key(id) {
                return Err(ApiError::not_found("Folder", id));
            }
        }
        SearchScope::Space(id) => {
            if st.folders.get(id).is_none_or(|f| f.space.is_none()) {
                return Err(ApiError::not_found("Space", id));
            }
        }
    }
    // W-HELP: lists cap at 1000 tasks unless paged; descendants=false on folder/space lists
    // removes that limit.
    let no_cap =
        !matches!(scope, SearchScope::Account) && cx.params.flag("descendants")? == Some(false);
    let cap = if no_cap { None } else { Some(1000) };
    let (page, params, extra) = paged_list(st, cx, cap, |st, p| search_ids(st, p, &scope))?;
    let fields = fields_param(&params, LIST_FIELDS)?;
    let data = page
        .iter()
        .filter_map(|id| st.tasks.get(id))
        .map(|t| task_json(st, t, View::List, &fields, &cx.user))
        .collect();
    Ok(Reply::Data {
        kind: "tasks",
        data,
        extra,
    })
}

fn search_ids(st: &Store, p: &Params, scope: &SearchScope) -> ApiResult<Vec<String>> {
    let title = p.str("title")?;
    let status = p.enum_list("status", STATUSES)?;
    let importance = p.enum_str("importance", IMPORTANCES)?;
    let start_date = p.dt_filter("startDate")?;
    let due_date = p.dt_filter("dueDate")?;
    let scheduled = p.dt_filter("scheduledDate")?;
    let created = p.ts_range("createdDate")?;
    let updated = p.ts_range("updatedDate")?;
    let completed = p.ts_range("completedDate")?;
    let authors = p.str_list("authors")?;
    let responsibles = p.str_list("responsibles")?;
    let permalink = p.str("permalink")?;
    let kind = p.enum_str("type", DATE_TYPES)?;
    let limit = limit_param(p)?;
    let sort_field = p.enum_str("sortField", SORT_FIELDS)?;
    let sort_order = p.enum_str("sortOrder", &["Asc", "Desc"])?;
    let sub_tasks = p.flag("subTasks")?.unwrap_or(false);
    let descendants = p.flag("descendants")?.unwrap_or(true);
    let mf = metadata_filter(p)?;
    let cf = CustomFieldFilter::parse(st, p)?;
    let custom_statuses = p.str_list("customStatuses")?;
    p.enum_list("billingTypes", BILLING)?;
    fields_param(p, LIST_FIELDS)?;

    let rb = st.recycle_bin_id();
    let root = st.root_id();
    // Which tasks are in scope.
    let in_scope: Box<dyn Fn(&Task) -> bool> = match scope {
        SearchScope::Account => Box::new(|t: &Task| !t.deleted),
        SearchScope::Folder(id) if *id == rb => Box::new(|t: &Task| t.deleted),
        SearchScope::Folder(id) if *id == root && descendants => Box::new(|t: &Task| !t.deleted),
        SearchScope::Folder(id) | SearchScope::Space(id) => {
            let mut folders: HashSet<String> = HashSet::from([id.clone()]);
            if descendants {
                folders.extend(st.descendant_folders(id));
            }
            let direct: HashSet<String> = st
                .tasks
                .values()
                .filter(|t| !t.deleted && t.parent_ids.iter().any(|p| folders.contains(p)))
                .map(|t| t.id.clone())
                .collect();
            let mut all = direct.clone();
            if sub_tasks {
                // Add subtasks (transitively) of tasks in scope.
                loop {
                    let more: Vec<String> = st
                        .tasks
                        .values()
                        .filter(|t| {
                            !t.deleted
                                && !all.contains(&t.id)
                                && t.super_task_ids.iter().any(|s| all.contains(s))
                        })
                        .map(|t| t.id.clone())
                        .collect();
                    if more.is_empty() {
                        break;
                    }
                    all.extend(more);
                }
            }
            Box::new(move |t: &Task| all.contains(&t.id))
        }
    };
    let mut v: Vec<&Task> = st
        .tasks
        .values()
        .filter(|t| in_scope(t))
        .filter(|t| title.as_ref().is_none_or(|x| &t.title == x))
        .filter(|t| status.as_ref().is_none_or(|s| s.contains(&t.status)))
        .filter(|t| importance.as_ref().is_none_or(|i| &t.importance == i))
        .filter(|t| start_date.is_none_or(|f| f.matches(t.dates.start)))
        .filter(|t| due_date.is_none_or(|f| f.matches(t.dates.due)))
        .filter(|t| {
            scheduled.is_none_or(|f| {
                // Schedule [start, due] intersecting the interval (date granularity).
                let (Some(s), Some(d)) = (t.dates.start.or(t.dates.due), t.dates.due) else {
                    return false;
                };
                if let Some(eq) = f.equal {
                    return s.date() <= eq.dt.date() && eq.dt.date() <= d.date();
                }
                f.start.is_none_or(|x| d.date() >= x.dt.date())
                    && f.end.is_none_or(|x| s.date() <= x.dt.date())
            })
        })
        .filter(|t| created.is_none_or(|r| r.contains(t.created)))
        .filter(|t| updated.is_none_or(|r| r.contains(t.updated)))
        .filter(|t| completed.is_none_or(|r| t.completed.is_some_and(|c| r.contains(c))))
        .filter(|t| authors.as_ref().is_none_or(|a| a.contains(&t.author_id)))
        .filter(|t| {
            responsibles
                .as_ref()
                .is_none_or(|r| t.responsible_ids.iter().any(|x| r.contains(x)))
        })
        .filter(|t| permalink.as_ref().is_none_or(|p| &t.permalink() == p))
        .filter(|t| kind.as_ref().is_none_or(|k| &t.dates.kind == k))
        .filter(|t| mf.as_ref().is_none_or(|f| metadata_matches(&t.metadata, f)))
        .filter(|t| cf.as_ref().is_none_or(|f| f.matches(&t.custom_fields)))
        .filter(|t| {
            custom_statuses
                .as_ref()
                .is_none_or(|c| c.contains(&t.custom_status_id))
        })
        .collect();
    sort_tasks(&mut v, sort_field.as_deref(), sort_order.as_deref());
    let mut ids: Vec<String> = v.into_iter().map(|t| t.id.clone()).collect();
    if let Some(l) = limit {
        ids.truncate(l);
    }
    Ok(ids)
}

fn rank(list: &[&str], v: &str) -> usize {
    list.iter().position(|x| *x == v).unwrap_or(list.len())
}

/// Sorts search results. Unsorted lists are `updatedDate` descending (Wrike staff, W-HELP);
/// `sortOrder` defaults to `Asc` when `sortField` is given. [U] `sortOrder` alone applies to
/// `UpdatedDate`; `LastAccessDate` sorts like `UpdatedDate`; tasks without the sort key go last.
fn sort_tasks(v: &mut [&Task], field: Option<&str>, order: Option<&str>) {
    use std::cmp::Ordering;
    let (field, desc) = match (field, order) {
        (None, None) => ("UpdatedDate", true),
        (None, Some(o)) => ("UpdatedDate", o == "Desc"),
        (Some(f), o) => (f, o == Some("Desc")),
    };
    let key_cmp = |a: &Task, b: &Task| -> Ordering {
        match field {
            "CreatedDate" => a.created.cmp(&b.created),
            "CompletedDate" => match (a.completed, b.completed) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
            "DueDate" => match (a.dates.due, b.dates.due) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
            "Status" => rank(STATUSES, &a.status).cmp(&rank(STATUSES, &b.status)),
            "Importance" => rank(IMPORTANCES, &a.importance).cmp(&rank(IMPORTANCES, &b.importance)),
            "Title" => a.title.to_lowercase().cmp(&b.title.to_lowercase()),
            _ => a.updated.cmp(&b.updated),
        }
    };
    v.sort_by(|a, b| {
        let missing_last = matches!(field, "CompletedDate" | "DueDate");
        let o = key_cmp(a, b).then(a.seq.cmp(&b.seq));
        if desc {
            if missing_last {
                let a_missing = if field == "DueDate" {
                    a.dates.due.is_none()
                } else {
                    a.completed.is_none()
                };
                let b_missing = if field == "DueDate" {
                    b.dates.due.is_none()
                } else {
                    b.completed.is_none()
                };
                if a_missing != b_missing {
                    return a_missing.cmp(&b_missing);
                }
            }
            o.reverse()
        } else {
            o
        }
    });
}

/// `GET /tasks/{ids}`.
pub fn get(st: &mut Store, cx: &Ctx, ids: &[String]) -> ApiResult<Reply> {
    cx.params.allow_only(&["fields"])?;
    let fields = fields_param(&cx.params, SINGLE_FIELDS)?;
    let mut data = Vec::new();
    for id in ids {
        let t = st
            .tasks
            .get(id)
            .ok_or_else(|| ApiError::not_found("Task", id))?;
        data.push(task_json(st, t, View::Full, &fields, &cx.user));
    }
    Ok(Reply::data("tasks", data))
}

/// Renders one task fully.
pub fn full(st: &Store, id: &str, user: &str, fields: &[String]) -> Option<Value> {
    st.tasks
        .get(id)
        .map(|t| task_json(st, t, View::Full, fields, user))
}

const CREATE_PARAMS: &[&str] = &[
    "title",
    "description",
    "status",
    "importance",
    "dates",
    "shareds",
    "parents",
    "responsibles",
    "followers",
    "follow",
    "priorityBefore",
    "priorityAfter",
    "superTasks",
    "metadata",
    "customFields",
    "customStatus",
    "effortAllocation",
    "billingType",
    "fields",
];

/// Parses and normalises a `dates` object. `base` holds the current dates on update.
fn parse_dates(obj: &Map<String, Value>, base: Option<&TaskDates>) -> ApiResult<TaskDates> {
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

fn check_folders(st: &Store, name: &str, ids: &[String]) -> ApiResult<()> {
    let rb = st.recycle_bin_id();
    for id in ids {
        match st.folders.get(id) {
            Some(f) if f.id != rb && f.scope != FolderScope::RbFolder => {}
            _ => return Err(ApiError::invalid_parameter(name)),
        }
    }
    Ok(())
}

fn check_tasks(st: &Store, name: &str, ids: &[String], except: Option<&str>) -> ApiResult<()> {
    for id in ids {
        match st.tasks.get(id) {
            Some(t) if !t.deleted && Some(id.as_str()) != except => {}
            _ => return Err(ApiError::invalid_parameter(name)),
        }
    }
    Ok(())
}

fn parse_effort(p: &Params) -> ApiResult<Option<Value>> {
    let Some(obj) = p.object("effortAllocation")? else {
        return Ok(None);
    };
    let mode = obj.get("mode").and_then(|m| m.as_str()).unwrap_or("None");
    if !EFFORT_MODES.contains(&mode) {
        return Err(ApiError::invalid_parameter("effortAllocation"));
    }
    let mut m = Map::new();
    m.insert("mode".into(), json!(mode));
    if let Some(t) = obj.get("totalEffort") {
        let n = t
            .as_i64()
            .ok_or_else(|| ApiError::invalid_parameter("effortAllocation"))?;
        m.insert("totalEffort".into(), json!(n));
    }
    Ok(Some(Value::Object(m)))
}

/// Priority between neighbours: before/after an existing task.
fn priority_near(st: &mut Store, p: &Params, self_id: Option<&str>) -> ApiResult<Option<u128>> {
    for (name, before) in [("priorityBefore", true), ("priorityAfter", false)] {
        if let Some(other) = p.str(name)? {
            let o = st
                .tasks
                .get(&other)
                .filter(|t| Some(t.id.as_str()) != self_id)
                .ok_or_else(|| ApiError::invalid_parameter(name))?;
            let op = o.priority;
            let mut ps: Vec<u128> = st
                .tasks
                .values()
                .filter(|t| Some(t.id.as_str()) != self_id)
                .map(|t| t.priority)
                .collect();
            ps.sort();
            let idx = ps.iter().position(|x| *x == op).unwrap_or(0);
            let np = if before {
                let lo = if idx == 0 { 0 } else { ps[idx - 1] };
                lo + (op - lo) / 2
            } else {
                match ps.get(idx + 1) {
                    Some(hi) => op + (hi - op) / 2,
                    None => op + 0x8_0000_0000,
                }
            };
            return Ok(Some(np));
        }
    }
    Ok(None)
}

/// Creates a task in `folder_id` from request parameters; returns its ID.
pub fn create_task(st: &mut Store, user: &str, folder_id: &str, p: &Params) -> ApiResult<String> {
    p.allow_only(CREATE_PARAMS)?;
    let rb = st.recycle_bin_id();
    let root = st.root_id();
    match st.folders.get(folder_id) {
        None => return Err(ApiError::not_found("Folder", folder_id)),
        Some(f) if f.id == rb || f.scope == FolderScope::RbFolder => {
            return Err(ApiError::invalid_parameter("folderId"))
        }
        Some(_) => {}
    }
    let title = p.required_str("title")?;
    if title.trim().is_empty() {
        return Err(ApiError::parameter_required("title"));
    }
    let description = p.str("description")?.unwrap_or_default();
    let status = p.enum_str("status", STATUSES)?;
    let importance = p
        .enum_str("importance", IMPORTANCES)?
        .unwrap_or_else(|| "Normal".into());
    let dates = match p.object("dates")? {
        Some(o) => parse_dates(&o, None)?,
        None => TaskDates::backlog(),
    };
    let shareds = p.str_list("shareds")?.unwrap_or_default();
    check_contacts(st, "shareds", &shareds)?;
    let parents = p.str_list("parents")?.unwrap_or_default();
    check_folders(st, "parents", &parents)?;
    let responsibles = p.str_list("responsibles")?.unwrap_or_default();
    check_contacts(st, "responsibles", &responsibles)?;
    let followers = p.str_list("followers")?.unwrap_or_default();
    check_contacts(st, "followers", &followers)?;
    let follow = p.bool("follow")?;
    let super_tasks = p.str_list("superTasks")?.unwrap_or_default();
    check_tasks(st, "superTasks", &super_tasks, None)?;
    let mut metadata = vec![];
    if let Some(m) = p.obj_list("metadata")? {
        apply_metadata(&mut metadata, &m, "metadata", false)?;
    }
    let mut custom_fields = vec![];
    if let Some(c) = p.obj_list("customFields")? {
        apply_custom_fields(st, &mut custom_fields, &c, "customFields")?;
    }
    let custom_status = match p.str("customStatus")? {
        Some(cs) => Some(
            st.custom_status(&cs)
                .map(|(_, s)| (s.id.clone(), s.group.clone()))
                .ok_or_else(|| ApiError::invalid_parameter("customStatus"))?,
        ),
        None => None,
    };
    let effort = parse_effort(p)?;
    let billing = p.enum_str("billingType", BILLING)?;
    fields_param(p, SINGLE_FIELDS)?;
    let priority = match priority_near(st, p, None)? {
        Some(x) => x,
        None => st.next_priority(),
    };

    let mut parent_ids = vec![folder_id.to_string()];
    if folder_id == root && !parents.is_empty() {
        parent_ids.clear();
    }
    add_all(&mut parent_ids, &parents);
    let workflow = st.workflow_for(&parent_ids).clone();
    // [U] customStatus wins over a conflicting status: the task's status becomes its group.
    let (status, custom_status_id) = match custom_status {
        Some((id, group)) => (group, id),
        None => {
            let s = status.unwrap_or_else(|| "Active".into());
            let cs = Store::standard_status(&workflow, &s);
            (s, cs)
        }
    };
    let mut shared_ids = vec![user.to_string()];
    add_all(&mut shared_ids, &shareds);
    add_all(&mut shared_ids, &responsibles);
    let mut follower_ids = Vec::new();
    if follow != Some(false) {
        follower_ids.push(user.to_string());
    }
    add_all(&mut follower_ids, &followers);
    add_all(&mut follower_ids, &responsibles);

    let id = st.new_id("KQ");
    let legacy_id = st.new_legacy("ApiV2Task", &id);
    let seq = st.next_seq();
    let now = st.clock.stamp();
    let task = Task {
        id: id.clone(),
        legacy_id,
        seq,
        title,
        description,
        completed: (status == "Completed").then_some(now),
        status,
        importance,
        created: now,
        updated: now,
        dates,
        deleted: false,
        parent_ids,
        saved_parent_ids: vec![],
        shared_ids,
        responsible_ids: responsibles,
        author_id: user.to_string(),
        custom_status_id,
        priority,
        follower_ids,
        super_task_ids: super_tasks,
        metadata,
        custom_fields,
        recurrent: false,
        billing_type: billing,
        effort_allocation: effort,
        custom_item_type_id: None,
    };
    st.tasks.insert(id.clone(), task);
    st.emit("TaskCreated", user, Some(&id), None, json!({}));
    Ok(id)
}

/// Emits the webhook events for the differences between two versions of a task.
fn emit_task_diff(st: &mut Store, user: &str, before: &Task, after: &Task) {
    let id = Some(after.id.as_str());
    let diff = |a: &[String], b: &[String]| -> Vec<String> {
        b.iter().filter(|x| !a.contains(x)).cloned().collect()
    };
    if before.title != after.title {
        st.emit(
            "TaskTitleChanged",
            user,
            id,
            None,
            json!({"oldValue": before.title, "title": after.title}),
        );
    }
    if before.importance != after.importance {
        st.emit(
            "TaskImportanceChanged",
            user,
            id,
            None,
            json!({"oldValue": before.importance, "importance": after.importance}),
        );
    }
    if before.status != after.status || before.custom_status_id != after.custom_status_id {
        st.emit(
            "TaskStatusChanged",
            user,
            id,
            None,
            json!({"oldStatus": before.status, "status": after.status,
                   "oldCustomStatusId": before.custom_status_id,
                   "customStatusId": after.custom_status_id}),
        );
    }
    if before.dates != after.dates {
        st.emit(
            "TaskDatesChanged",
            user,
            id,
            None,
            json!({"oldValue": before.dates.to_json(), "dates": after.dates.to_json()}),
        );
    }
    if before.description != after.description {
        st.emit("TaskDescriptionChanged", user, id, None, json!({}));
    }
    for (added_kind, removed_kind, add_key, rem_key, a, b) in [
        (
            "TaskParentsAdded",
            "TaskParentsRemoved",
            "addedParents",
            "removedParents",
            &before.parent_ids,
            &after.parent_ids,
        ),
        (
            "TaskResponsiblesAdded",
            "TaskResponsiblesRemoved",
            "addedResponsibles",
            "removedResponsibles",
            &before.responsible_ids,
            &after.responsible_ids,
        ),
        (
            "TaskSharedsAdded",
            "TaskSharedsRemoved",
            "addedShareds",
            "removedShareds",
            &before.shared_ids,
            &after.shared_ids,
        ),
    ] {
        if before.deleted != after.deleted && added_kind == "TaskParentsAdded" {
            continue;
        }
        let added = diff(a, b);
        let removed = diff(b, a);
        if !added.is_empty() {
            st.emit(added_kind, user, id, None, json!({ add_key: added }));
        }
        if !removed.is_empty() {
            st.emit(removed_kind, user, id, None, json!({ rem_key: removed }));
        }
    }
    let mut cf_ids: Vec<&String> = before
        .custom_fields
        .iter()
        .chain(after.custom_fields.iter())
        .map(|(k, _)| k)
        .collect();
    cf_ids.sort();
    cf_ids.dedup();
    for cf in cf_ids {
        let old = before
            .custom_fields
            .iter()
            .find(|(k, _)| k == cf)
            .map(|(_, v)| v);
        let new = after
            .custom_fields
            .iter()
            .find(|(k, _)| k == cf)
            .map(|(_, v)| v);
        if old != new {
            st.emit(
                "TaskCustomFieldChanged",
                user,
                id,
                None,
                json!({"customFieldId": cf, "oldValue": old, "value": new}),
            );
        }
    }
}

/// `POST /folders/{folderId}/tasks`.
pub fn create(st: &mut Store, cx: &Ctx, folder_id: &str) -> ApiResult<Reply> {
    let id = create_task(st, &cx.user, folder_id, &cx.params)?;
    let fields = fields_param(&cx.params, SINGLE_FIELDS)?;
    Ok(Reply::data(
        "tasks",
        vec![full(st, &id, &cx.user, &fields).expect("created")],
    ))
}

const UPDATE_PARAMS: &[&str] = &[
    "title",
    "description",
    "status",
    "importance",
    "dates",
    "addParents",
    "removeParents",
    "addShareds",
    "removeShareds",
    "addResponsibles",
    "removeResponsibles",
    "addFollowers",
    "follow",
    "priorityBefore",
    "priorityAfter",
    "addSuperTasks",
    "removeSuperTasks",
    "metadata",
    "customFields",
    "customStatus",
    "restore",
    "effortAllocation",
    "billingType",
    "fields",
];

/// Applies `PUT /tasks/{id}` parameters. Stamps `updatedDate` when anything changed.
pub fn update_task(st: &mut Store, user: &str, id: &str, p: &Params) -> ApiResult<()> {
    p.allow_only(UPDATE_PARAMS)?;
    let before = st
        .tasks
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("Task", id))?;
    let mut t = before.clone();
    if let Some(title) = p.str("title")? {
        if title.trim().is_empty() {
            return Err(ApiError::invalid_parameter("title"));
        }
        t.title = title;
    }
    if let Some(d) = p.str("description")? {
        t.description = d;
    }
    let status = p.enum_str("status", STATUSES)?;
    if let Some(i) = p.enum_str("importance", IMPORTANCES)? {
        t.importance = i;
    }
    if let Some(o) = p.object("dates")? {
        t.dates = parse_dates(&o, Some(&before.dates))?;
    }
    let rb = st.recycle_bin_id();
    let root = st.root_id();
    if p.bool("restore")? == Some(true) && t.deleted {
        t.deleted = false;
        // Tasks deleted with their folder keep their parents (saved list empty).
        let candidates = if t.saved_parent_ids.is_empty() {
            t.parent_ids.clone()
        } else {
            t.saved_parent_ids.clone()
        };
        let mut parents: Vec<String> = candidates
            .iter()
            .filter(|f| {
                st.folders
                    .get(*f)
                    .is_some_and(|x| x.scope != FolderScope::RbFolder && x.id != rb)
            })
            .cloned()
            .collect();
        if parents.is_empty() {
            parents.push(root.clone());
        }
        t.parent_ids = parents;
        t.saved_parent_ids.clear();
    }
    if let Some(a) = p.str_list("addParents")? {
        check_folders(st, "addParents", &a)?;
        if t.parent_ids == [root.clone()] && !a.is_empty() {
            t.parent_ids.clear();
        }
        add_all(&mut t.parent_ids, &a);
    }
    if let Some(r) = p.str_list("removeParents")? {
        if r.contains(&rb) {
            return Err(ApiError::invalid_parameter("removeParents"));
        }
        remove_all(&mut t.parent_ids, &r);
        if t.parent_ids.is_empty() {
            // [U] a task removed from all its folders stays in the account root.
            t.parent_ids.push(root.clone());
        }
    }
    for (name, add) in [("addShareds", true), ("removeShareds", false)] {
        if let Some(v) = p.str_list(name)? {
            check_contacts(st, name, &v)?;
            if add {
                add_all(&mut t.shared_ids, &v)
            } else {
                remove_all(&mut t.shared_ids, &v)
            }
        }
    }
    if let Some(v) = p.str_list("addResponsibles")? {
        check_contacts(st, "addResponsibles", &v)?;
        add_all(&mut t.responsible_ids, &v);
        add_all(&mut t.shared_ids, &v);
        add_all(&mut t.follower_ids, &v);
    }
    if let Some(v) = p.str_list("removeResponsibles")? {
        check_contacts(st, "removeResponsibles", &v)?;
        remove_all(&mut t.responsible_ids, &v);
    }
    if let Some(v) = p.str_list("addFollowers")? {
        check_contacts(st, "addFollowers", &v)?;
        add_all(&mut t.follower_ids, &v);
    }
    match p.bool("follow")? {
        Some(true) => add_all(&mut t.follower_ids, &[user.to_string()]),
        Some(false) => remove_all(&mut t.follower_ids, &[user.to_string()]),
        None => {}
    }
    if let Some(v) = p.str_list("addSuperTasks")? {
        check_tasks(st, "addSuperTasks", &v, Some(id))?;
        add_all(&mut t.super_task_ids, &v);
    }
    if let Some(v) = p.str_list("removeSuperTasks")? {
        remove_all(&mut t.super_task_ids, &v);
    }
    if let Some(m) = p.obj_list("metadata")? {
        apply_metadata(&mut t.metadata, &m, "metadata", true)?;
    }
    if let Some(c) = p.obj_list("customFields")? {
        apply_custom_fields(st, &mut t.custom_fields, &c, "customFields")?;
    }
    if let Some(e) = parse_effort(p)? {
        t.effort_allocation = Some(e);
    }
    if let Some(b) = p.enum_str("billingType", BILLING)? {
        t.billing_type = Some(b);
    }
    fields_param(p, SINGLE_FIELDS)?;
    // Status / custom status.
    if let Some(cs) = p.str("customStatus")? {
        let (sid, group) = st
            .custom_status(&cs)
            .map(|(_, s)| (s.id.clone(), s.group.clone()))
            .ok_or_else(|| ApiError::invalid_parameter("customStatus"))?;
        t.custom_status_id = sid;
        t.status = group;
    } else if let Some(s) = status {
        if s != t.status {
            let wf = st.workflow_for(&t.parent_ids).clone();
            t.custom_status_id = Store::standard_status(&wf, &s);
            t.status = s;
        }
    }
    if let Some(np) = priority_near(st, p, Some(id))? {
        t.priority = np;
    }
    if t != before {
        let now = st.clock.stamp();
        t.updated = now;
        if t.status == "Completed" && before.status != "Completed" {
            t.completed = Some(now);
        } else if t.status != "Completed" {
            t.completed = None;
        }
    }
    if t != before {
        emit_task_diff(st, user, &before, &t);
    }
    st.tasks.insert(id.to_string(), t);
    Ok(())
}

/// `PUT /tasks/{id}`.
pub fn update(st: &mut Store, cx: &Ctx, id: &str) -> ApiResult<Reply> {
    update_task(st, &cx.user, id, &cx.params)?;
    let fields = fields_param(&cx.params, SINGLE_FIELDS)?;
    Ok(Reply::data(
        "tasks",
        vec![full(st, id, &cx.user, &fields).expect("exists")],
    ))
}

/// `PUT /tasks/{ids}` — bulk update of `customFields` and `effortAllocation` only.
pub fn bulk_update(st: &mut Store, cx: &Ctx, ids: &[String]) -> ApiResult<Reply> {
    cx.params
        .allow_only(&["customFields", "effortAllocation", "fields"])?;
    for id in ids {
        if !st.tasks.contains_key(id) {
            return Err(ApiError::not_found("Task", id));
        }
    }
    for id in ids {
        update_task(st, &cx.user, id, &cx.params)?;
    }
    let fields = fields_param(&cx.params, SINGLE_FIELDS)?;
    let data = ids
        .iter()
        .filter_map(|id| full(st, id, &cx.user, &fields))
        .collect();
    Ok(Reply::data("tasks", data))
}

/// Moves a task to the Recycle Bin (idempotent).
pub fn delete_task(st: &mut Store, user: &str, id: &str) -> ApiResult<()> {
    let rb = st.recycle_bin_id();
    let already = st
        .tasks
        .get(id)
        .map(|t| t.deleted)
        .ok_or_else(|| ApiError::not_found("Task", id))?;
    if already {
        return Ok(());
    }
    let now = st.clock.stamp();
    let t = st.tasks.get_mut(id).expect("exists");
    t.deleted = true;
    t.saved_parent_ids = std::mem::replace(&mut t.parent_ids, vec![rb]);
    t.updated = now;
    st.emit("TaskDeleted", user, Some(id), None, json!({}));
    Ok(())
}

/// `DELETE /tasks/{id}` → the task with `scope: RbTask` and `parentIds: [recycleBinId]`.
pub fn delete(st: &mut Store, cx: &Ctx, id: &str) -> ApiResult<Reply> {
    cx.params.allow_only(&[])?;
    delete_task(st, &cx.user, id)?;
    Ok(Reply::data(
        "tasks",
        vec![full(st, id, &cx.user, &[]).expect("exists")],
    ))
}

/// Parses a timestamp for the direct helpers (`updatedDate` etc. in patches).
pub fn parse_ts_value(v: &Value) -> Option<chrono::DateTime<chrono::Utc>> {
    v.as_str().and_then(parse_timestamp)
}
