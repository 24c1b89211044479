//! Task search: `GET /tasks`, `/folders/{id}/tasks`, `/spaces/{id}/tasks` — filters, sorting and
//! paging.

use std::collections::HashSet;

use super::{task_json, View, BILLING, DATE_TYPES, IMPORTANCES, LIST_FIELDS, STATUSES};
use crate::api::*;
use crate::error::{ApiError, ApiResult};
use crate::params::Params;
use crate::store::{Store, Task};

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
