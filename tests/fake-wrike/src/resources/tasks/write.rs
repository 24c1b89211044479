//! Creating, updating and deleting tasks (shared by the HTTP handlers, the direct helpers and
//! the resources that create tasks: copies, blueprint launches, custom item types).

use serde_json::json;

use super::dates::parse_dates;
use super::events::emit_task_diff;
use super::validate::{check_folders, check_tasks, parse_effort, priority_near};
use super::{BILLING, IMPORTANCES, SINGLE_FIELDS, STATUSES};
use crate::api::*;
use crate::error::{ApiError, ApiResult};
use crate::params::Params;
use crate::store::{FolderScope, Store, Task, TaskDates};

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
