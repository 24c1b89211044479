//! Folder and task blueprints, their asynchronous launch and async jobs (MODERN.md §1–3).
//!
//! A launch validates everything at once (unknown blueprint → 404, bad parameters → 400) and
//! answers an `InQueue` job; the job then advances on each `GET /async_job/{id}`, never with time,
//! as [`JobPlan`] says: it creates its entries (parents first) in steps, and is `Completed`
//! after `polls_to_finish` polls, or `Failed` once `fail_at_percent` of the entries exist (a
//! partial tree stays behind, as Wrike warns).
//!
//! Choices where MODERN.md says [U] (strict in the documented direction):
//! - folder launches require `parent` (WRAPI treats it as required) and refuse `parentId` /
//!   `superTaskId`; task launches take exactly one of `parentId` / `superTaskId`;
//! - `rescheduleMode` without `rescheduleDate` is refused ("used only with rescheduleDate");
//! - a tree larger than `entryLimit` is refused at launch (400 naming `entryLimit`), like
//!   `copy_folder`;
//! - `kind` strings: `folderBlueprints`, `taskBlueprints`, `async_job`; job `type`:
//!   `FolderBlueprintLaunch`, `TaskBlueprintLaunch`; `result`: `{"folderId"}` for folder
//!   launches ([3P]), `{"taskId"}` for task launches ([U]);
//! - `GET /folder_blueprints` lists the root (`BpRoot`) and the folder blueprints (`FolderBp`),
//!   `GET /task_blueprints` the task blueprints (`TaskBp`); `childIds` link them;
//! - `notifyResponsibles` and `copyAttachments` are validated and have no effect (the fake
//!   sends no notifications and its blueprints carry no attachments).

use chrono::NaiveDate;
use serde_json::{json, Map, Value};

use crate::api::*;
use crate::error::{ApiError, ApiResult};
use crate::params::Params;
use crate::resources::folders::{insert_folder, reschedule_tasks};
use crate::resources::tasks::create_task;
use crate::store::{
    AsyncJob, Blueprint, FolderScope, PlanParent, PlannedEntry, Project, Store, PERMALINK_BASE,
};

/// Renders a blueprint.
pub fn blueprint_json(b: &Blueprint, fields: &[String]) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(b.id));
    m.insert("title".into(), json!(b.title));
    m.insert("childIds".into(), json!(b.child_ids));
    m.insert("scope".into(), json!(b.scope));
    m.insert(
        "permalink".into(),
        json!(format!("{PERMALINK_BASE}{}", b.legacy_id)),
    );
    if fields.iter().any(|f| f == "customFields") {
        m.insert(
            "customFields".into(),
            crate::store::custom_fields_json(&b.custom_fields),
        );
    }
    Value::Object(m)
}

/// Which blueprints a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `BpRoot` and `FolderBp` entries.
    Folder,
    /// `TaskBp` entries.
    Task,
}

fn custom_fields_filter(p: &Params) -> ApiResult<Vec<(String, String)>> {
    let Some(list) = p.obj_list("customFields")? else {
        return Ok(vec![]);
    };
    if list.len() > 25 {
        return Err(ApiError::invalid_parameter("customFields"));
    }
    list.iter()
        .map(|o| {
            let id = o.get("id").and_then(Value::as_str);
            let value = o.get("value").and_then(Value::as_str);
            match (id, value) {
                (Some(i), Some(v)) => Ok((i.to_string(), v.to_string())),
                _ => Err(ApiError::invalid_parameter("customFields")),
            }
        })
        .collect()
}

fn matching(st: &Store, p: &Params, kind: Kind, space: Option<&str>) -> ApiResult<Vec<String>> {
    let permalink = p.str("permalink")?;
    let title = p.str("title")?.map(|t| t.to_lowercase());
    let cf = custom_fields_filter(p)?;
    let mut v: Vec<&Blueprint> = st
        .blueprints
        .values()
        .filter(|b| match kind {
            Kind::Folder => b.scope == "FolderBp" || (b.scope == "BpRoot" && space.is_none()),
            Kind::Task => b.scope == "TaskBp",
        })
        .filter(|b| space.is_none_or(|s| b.space_id.as_deref() == Some(s)))
        .filter(|b| {
            permalink
                .as_ref()
                .is_none_or(|x| *x == format!("{PERMALINK_BASE}{}", b.legacy_id))
        })
        .filter(|b| {
            title
                .as_ref()
                .is_none_or(|t| b.title.to_lowercase().contains(t.as_str()))
        })
        .filter(|b| cf.iter().all(|c| b.custom_fields.contains(c)))
        .collect();
    v.sort_by_key(|b| b.seq);
    Ok(v.into_iter().map(|b| b.id.clone()).collect())
}

fn check_space(st: &Store, space: Option<&str>) -> ApiResult<()> {
    match space {
        Some(id) if st.folders.get(id).is_none_or(|f| f.space.is_none()) => {
            Err(ApiError::not_found("Space", id))
        }
        _ => Ok(()),
    }
}

/// `GET /folder_blueprints`, `GET /spaces/{spaceId}/folder_blueprints` (not paged).
pub fn list_folder_blueprints(st: &mut Store, cx: &Ctx, space: Option<&str>) -> ApiResult<Reply> {
    let p = &cx.params;
    if space.is_some() {
        p.allow_only(&["permalink", "fields"])?;
    } else {
        p.allow_only(&["permalink", "title", "customFields", "fields"])?;
    }
    check_space(st, space)?;
    let fields = fields_param(p, &["customFields"])?;
    let ids = matching(st, p, Kind::Folder, space)?;
    let data = ids
        .iter()
        .map(|i| blueprint_json(&st.blueprints[i], &fields))
        .collect();
    Ok(Reply::data("folderBlueprints", data))
}

/// `GET /task_blueprints`, `GET /spaces/{spaceId}/task_blueprints`: `limit` (default 1000,
/// ignored when paging), `pageSize` / `nextPageToken`.
pub fn list_task_blueprints(st: &mut Store, cx: &Ctx, space: Option<&str>) -> ApiResult<Reply> {
    let p = &cx.params;
    if space.is_some() {
        p.allow_only(&["permalink", "limit", "pageSize", "nextPageToken", "fields"])?;
    } else {
        p.allow_only(&[
            "permalink",
            "title",
            "limit",
            "pageSize",
            "nextPageToken",
            "customFields",
            "fields",
        ])?;
    }
    check_space(st, space)?;
    let limit = limit_param(p)?.unwrap_or(1000);
    let space_owned = space.map(str::to_string);
    let (ids, params, extra) = paged_list(st, cx, Some(limit), |st, p| {
        matching(st, p, Kind::Task, space_owned.as_deref())
    })?;
    let fields = fields_param(&params, &["customFields"])?;
    let data = ids
        .iter()
        .filter_map(|i| st.blueprints.get(i))
        .map(|b| blueprint_json(b, &fields))
        .collect();
    Ok(Reply::Data {
        kind: "taskBlueprints",
        data,
        extra,
    })
}

/// Renders an async job.
pub fn job_json(j: &AsyncJob) -> Value {
    let total = j.plan.len();
    let processed = j.created.len();
    let progress = (processed * 100).checked_div(total).unwrap_or(100);
    let mut m = Map::new();
    m.insert("id".into(), json!(j.id));
    m.insert("status".into(), json!(j.status));
    m.insert("progressPercent".into(), json!(progress));
    m.insert("totalCount".into(), json!(total));
    m.insert("processedCount".into(), json!(processed));
    m.insert("type".into(), json!(j.kind));
    if let Some(r) = &j.result {
        m.insert("result".into(), r.clone());
    }
    if let Some(e) = &j.error_message {
        m.insert("errorMessage".into(), json!(e));
    }
    Value::Object(m)
}

/// The settings every launch shares.
struct Settings {
    prefix: String,
    descriptions: bool,
    responsibles: bool,
    custom_fields: bool,
    limit: usize,
    reschedule: Option<(NaiveDate, String)>,
}

fn copy_settings(p: &Params) -> ApiResult<Settings> {
    let prefix = p.str("titlePrefix")?.unwrap_or_default();
    let descriptions = p.bool("copyDescriptions")?.unwrap_or(true);
    p.bool("notifyResponsibles")?;
    let responsibles = p.bool("copyResponsibles")?.unwrap_or(true);
    let custom_fields = p.bool("copyCustomFields")?.unwrap_or(true);
    p.bool("copyAttachments")?;
    let date = match p.str("rescheduleDate")? {
        Some(s) => {
            Some(parse_date(&s).ok_or_else(|| ApiError::invalid_parameter("rescheduleDate"))?)
        }
        None => None,
    };
    let mode = p.enum_str("rescheduleMode", &["Start", "End"])?;
    if mode.is_some() && date.is_none() {
        // "Used only with rescheduleDate" (MODERN.md §1.5): strict.
        return Err(ApiError::invalid_parameter_msg(
            "Parameter 'rescheduleMode' value is invalid: it is used only with rescheduleDate",
        ));
    }
    let limit = match p.int("entryLimit")? {
        None => 250,
        Some(n) if (1..=250).contains(&n) => n as usize,
        Some(_) => return Err(ApiError::invalid_parameter("entryLimit")),
    };
    Ok(Settings {
        prefix,
        descriptions,
        responsibles,
        custom_fields,
        limit,
        reschedule: date.map(|d| (d, mode.unwrap_or_else(|| "Start".into()))),
    })
}

const LAUNCH_COMMON: &[&str] = &[
    "title",
    "titlePrefix",
    "copyDescriptions",
    "notifyResponsibles",
    "copyResponsibles",
    "copyCustomFields",
    "copyAttachments",
    "rescheduleDate",
    "rescheduleMode",
    "entryLimit",
];

/// The entries a launch of `root` creates, parents first: the root gets `title`, the others
/// their own title with the prefix.
fn plan(
    st: &Store,
    root: &str,
    title: &str,
    parent: PlanParent,
    c: &Settings,
) -> ApiResult<Vec<PlannedEntry>> {
    let mut out: Vec<PlannedEntry> = Vec::new();
    let mut queue: std::collections::VecDeque<(String, PlanParent)> =
        std::collections::VecDeque::from([(root.to_string(), parent)]);
    while let Some((id, parent)) = queue.pop_front() {
        let b = &st.blueprints[&id];
        let first = out.is_empty();
        out.push(PlannedEntry {
            blueprint_id: id.clone(),
            parent,
            task: b.scope == "TaskBp",
            project: b.project,
            title: if first {
                title.to_string()
            } else {
                format!("{}{}", c.prefix, b.title)
            },
            description: if c.descriptions {
                b.description.clone()
            } else {
                String::new()
            },
            responsible_ids: if c.responsibles {
                b.responsible_ids.clone()
            } else {
                vec![]
            },
            custom_fields: if c.custom_fields {
                b.custom_fields.clone()
            } else {
                vec![]
            },
            dates: b.dates.clone(),
        });
        for child in &b.child_ids {
            queue.push_back((child.clone(), PlanParent::Blueprint(id.clone())));
        }
    }
    if out.len() > c.limit {
        return Err(ApiError::invalid_parameter_msg(format!(
            "Parameter 'entryLimit' value is invalid: the blueprint has {} entries",
            out.len()
        )));
    }
    Ok(out)
}

fn new_job(st: &mut Store, user: &str, kind: &str, plan: Vec<PlannedEntry>, c: Settings) -> Reply {
    let id = st.new_id("AJ");
    let job = AsyncJob {
        id: id.clone(),
        kind: kind.to_string(),
        status: "InQueue".into(),
        user: user.to_string(),
        plan,
        created: vec![],
        behaviour: st.job_plan,
        polls: 0,
        result: None,
        error_message: None,
        reschedule: c.reschedule,
    };
    let body = job_json(&job);
    st.async_jobs.insert(id, job);
    Reply::data("async_job", vec![body])
}

fn title_param(p: &Params) -> ApiResult<String> {
    let title = p.required_str("title")?;
    if title.trim().is_empty() {
        return Err(ApiError::parameter_required("title"));
    }
    Ok(title)
}

/// A live folder or project (or Root) new work can go into.
fn destination_folder(st: &Store, id: &str, name: &str) -> ApiResult<()> {
    match st.folders.get(id) {
        None => Err(ApiError::not_found("Folder", id)),
        Some(f) if f.scope == FolderScope::WsFolder || f.scope == FolderScope::WsRoot => Ok(()),
        Some(_) => Err(ApiError::invalid_parameter(name)),
    }
}

fn live_task(st: &Store, id: &str) -> ApiResult<()> {
    match st.tasks.get(id) {
        Some(t) if !t.deleted => Ok(()),
        _ => Err(ApiError::not_found("Task", id)),
    }
}

/// `POST /folder_blueprints/{folderBlueprintId}/launch_async`.
pub fn launch_folder_blueprint(st: &mut Store, cx: &Ctx, id: &str) -> ApiResult<Reply> {
    let p = &cx.params;
    let mut allowed = vec!["parent"];
    allowed.extend_from_slice(LAUNCH_COMMON);
    p.allow_only(&allowed)?;
    if st.blueprints.get(id).is_none_or(|b| b.scope != "FolderBp") {
        return Err(ApiError::not_found("Folder blueprint", id));
    }
    // [U] whether `parent` is required: the fake requires it (WRAPI does).
    let parent = p.required_str("parent")?;
    destination_folder(st, &parent, "parent")?;
    let title = title_param(p)?;
    let c = copy_settings(p)?;
    let entries = plan(st, id, &title, PlanParent::Folder(parent), &c)?;
    Ok(new_job(st, &cx.user, "FolderBlueprintLaunch", entries, c))
}

/// `POST /task_blueprints/{taskBlueprintId}/launch_async`.
pub fn launch_task_blueprint(st: &mut Store, cx: &Ctx, id: &str) -> ApiResult<Reply> {
    let p = &cx.params;
    let mut allowed = vec!["parentId", "superTaskId"];
    allowed.extend_from_slice(LAUNCH_COMMON);
    p.allow_only(&allowed)?;
    if st.blueprints.get(id).is_none_or(|b| b.scope != "TaskBp") {
        return Err(ApiError::not_found("Task blueprint", id));
    }
    let parent = match (p.str("parentId")?, p.str("superTaskId")?) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid_parameter_msg(
                "Parameter 'superTaskId' value is invalid: set either parentId or superTaskId, not both",
            ))
        }
        (Some(f), None) => {
            destination_folder(st, &f, "parentId")?;
            PlanParent::Folder(f)
        }
        (None, Some(t)) => {
            live_task(st, &t)?;
            PlanParent::Task(t)
        }
        (None, None) => return Err(ApiError::parameter_required("parentId")),
    };
    let title = title_param(p)?;
    let c = copy_settings(p)?;
    let entries = plan(st, id, &title, parent, &c)?;
    Ok(new_job(st, &cx.user, "TaskBlueprintLaunch", entries, c))
}

/// Creates one planned entry; returns the new item's ID.
fn create_entry(st: &mut Store, job: &AsyncJob, e: &PlannedEntry) -> ApiResult<String> {
    let user = job.user.clone();
    let resolve = |bp: &str| {
        job.created
            .iter()
            .find(|(b, _)| b == bp)
            .map(|(_, n)| n.clone())
    };
    let (folder, super_task) = match &e.parent {
        PlanParent::Folder(f) => (Some(f.clone()), None),
        PlanParent::Task(t) => (None, Some(t.clone())),
        PlanParent::Blueprint(b) => {
            let made = resolve(b).ok_or_else(ApiError::server_error)?;
            if st.tasks.contains_key(&made) {
                (None, Some(made))
            } else {
                (Some(made), None)
            }
        }
    };
    if !e.task {
        let parent = folder.ok_or_else(ApiError::server_error)?;
        let id = insert_folder(st, &user, &parent, &e.title);
        let f = st.folders.get_mut(&id).expect("inserted");
        f.description = e.description.clone();
        f.custom_fields = e.custom_fields.clone();
        if e.project {
            f.project = Some(Project {
                author_id: user.clone(),
                owner_ids: vec![user.clone()],
                status: "Green".into(),
                custom_status_id: None,
                start_date: None,
                end_date: None,
                created: f.created,
                completed: None,
                contract_type: None,
            });
        }
        return Ok(id);
    }
    // A subtask goes into its super task's folders.
    let folders: Vec<String> = match (&folder, &super_task) {
        (Some(f), _) => vec![f.clone()],
        (None, Some(t)) => st
            .tasks
            .get(t)
            .map(|t| t.parent_ids.clone())
            .unwrap_or_default(),
        (None, None) => vec![],
    };
    let first = folders.first().cloned().unwrap_or_else(|| st.root_id());
    let mut p = Params::new();
    p.set_text("title", &e.title);
    let id = create_task(st, &user, &first, &p)?;
    let t = st.tasks.get_mut(&id).expect("created");
    t.parent_ids = folders;
    t.description = e.description.clone();
    t.dates = e.dates.clone();
    t.custom_fields = e.custom_fields.clone();
    t.responsible_ids = e.responsible_ids.clone();
    add_all(&mut t.shared_ids, &e.responsible_ids);
    add_all(&mut t.follower_ids, &e.responsible_ids);
    if let Some(s) = super_task {
        t.super_task_ids = vec![s];
    }
    Ok(id)
}

/// Moves a job one poll forward.
fn advance(st: &mut Store, id: &str) -> ApiResult<()> {
    let Some(mut job) = st.async_jobs.get(id).cloned() else {
        return Ok(());
    };
    if matches!(job.status.as_str(), "Completed" | "Failed") {
        return Ok(());
    }
    job.polls += 1;
    let total = job.plan.len();
    let Some(finish) = job.behaviour.polls_to_finish else {
        job.status = "InProgress".into();
        st.async_jobs.insert(id.to_string(), job);
        return Ok(());
    };
    let finish = finish.max(1) as usize;
    let polls = job.polls as usize;
    let target = (total * polls).div_ceil(finish).min(total);
    let stop = job
        .behaviour
        .fail_at_percent
        .map(|f| (total * f.min(100) as usize) / 100);
    let limit = stop.map_or(target, |s| target.min(s));
    while job.created.len() < limit {
        let entry = job.plan[job.created.len()].clone();
        let new_id = create_entry(st, &job, &entry)?;
        job.created.push((entry.blueprint_id.clone(), new_id));
    }
    let failed = stop.is_some_and(|s| job.created.len() >= s && target >= s);
    if failed {
        job.status = "Failed".into();
        job.error_message = Some(format!(
            "Blueprint launch failed after {} of {} entries",
            job.created.len(),
            total
        ));
    } else if job.created.len() == total {
        job.status = "Completed".into();
        let root = job
            .created
            .first()
            .map(|(_, n)| n.clone())
            .unwrap_or_default();
        let key = if job.plan.first().is_some_and(|e| e.task) {
            "taskId"
        } else {
            "folderId"
        };
        job.result = Some(json!({ key: root }));
        if let Some((date, mode)) = &job.reschedule {
            let tasks: Vec<String> = job
                .created
                .iter()
                .filter(|(_, n)| st.tasks.contains_key(n))
                .map(|(_, n)| n.clone())
                .collect();
            reschedule_tasks(st, &tasks, *date, mode);
        }
    } else {
        job.status = "InProgress".into();
    }
    st.async_jobs.insert(id.to_string(), job);
    Ok(())
}

/// `GET /async_job/{asyncJobId}`: each call moves the job forward (see the module docs).
pub fn get_job(st: &mut Store, cx: &Ctx, id: &str) -> ApiResult<Reply> {
    cx.params.allow_only(&[])?;
    if !st.async_jobs.contains_key(id) {
        return Err(ApiError::not_found("Async job", id));
    }
    advance(st, id)?;
    Ok(Reply::data("async_job", vec![job_json(&st.async_jobs[id])]))
}
