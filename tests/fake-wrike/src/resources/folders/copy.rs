//! `POST /copy_folder/{folderId}`: copying a subtree with its tasks, and rescheduling copied
//! tasks.

use chrono::NaiveDate;

use super::{folder_json, insert_folder, View};
use crate::api::*;
use crate::error::{ApiError, ApiResult};
use crate::params::Params;
use crate::store::{FolderScope, Store};

/// `POST /copy_folder/{folderId}` — copies the subtree (folders and their tasks) under `parent`;
/// answers the copied folders (the copy of `folderId` first).
pub fn copy(st: &mut Store, cx: &Ctx, id: &str) -> ApiResult<Reply> {
    let p = &cx.params;
    p.allow_only(&[
        "parent",
        "title",
        "titlePrefix",
        "copyDescriptions",
        "copyResponsibles",
        "addResponsibles",
        "removeResponsibles",
        "copyCustomFields",
        "copyCustomStatuses",
        "copyStatuses",
        "copyParents",
        "rescheduleDate",
        "rescheduleMode",
        "entryLimit",
    ])?;
    let src = st
        .folders
        .get(id)
        .filter(|f| f.scope == FolderScope::WsFolder)
        .cloned()
        .ok_or_else(|| ApiError::not_found("Folder", id))?;
    let parent = p.required_str("parent")?;
    match st.folders.get(&parent) {
        Some(f) if f.scope == FolderScope::WsFolder || f.scope == FolderScope::WsRoot => {}
        _ => return Err(ApiError::invalid_parameter("parent")),
    }
    let title = p.required_str("title")?;
    if title.trim().is_empty() {
        return Err(ApiError::parameter_required("title"));
    }
    let prefix = p.str("titlePrefix")?.unwrap_or_default();
    let copy_desc = p.bool("copyDescriptions")?.unwrap_or(true);
    let copy_resp = p.bool("copyResponsibles")?.unwrap_or(true);
    let add_resp = p.str_list("addResponsibles")?.unwrap_or_default();
    check_contacts(st, "addResponsibles", &add_resp)?;
    let remove_resp = p.str_list("removeResponsibles")?.unwrap_or_default();
    let copy_cf = p.bool("copyCustomFields")?.unwrap_or(true);
    let copy_cs = p.bool("copyCustomStatuses")?.unwrap_or(true);
    let copy_status = p.bool("copyStatuses")?.unwrap_or(true);
    let copy_parents = p.bool("copyParents")?.unwrap_or(false);
    let reschedule = match p.str("rescheduleDate")? {
        Some(s) => {
            Some(parse_date(&s).ok_or_else(|| ApiError::invalid_parameter("rescheduleDate"))?)
        }
        None => None,
    };
    let mode = p
        .enum_str("rescheduleMode", &["Start", "End"])?
        .unwrap_or_else(|| "Start".into());
    let limit = match p.int("entryLimit")? {
        None => 250,
        Some(n) if (1..=250).contains(&n) => n as usize,
        Some(_) => return Err(ApiError::invalid_parameter("entryLimit")),
    };
    let parent_below = st.descendant_folders(id);
    if parent == id || parent_below.contains(&parent) {
        return Err(ApiError::invalid_parameter("parent"));
    }
    let mut subtree = vec![id.to_string()];
    subtree.extend(parent_below);
    let tasks: Vec<String> = {
        let mut v: Vec<&crate::store::Task> = st
            .tasks
            .values()
            .filter(|t| !t.deleted && t.parent_ids.iter().any(|p| subtree.contains(p)))
            .collect();
        v.sort_by_key(|t| t.seq);
        v.into_iter().map(|t| t.id.clone()).collect()
    };
    if subtree.len() + tasks.len() > limit {
        return Err(ApiError::invalid_parameter_msg(format!(
            "Parameter 'entryLimit' value is invalid: the subtree has {} entries",
            subtree.len() + tasks.len()
        )));
    }
    // Folders, parents first.
    let mut map: std::collections::HashMap<String, String> = Default::default();
    for (i, fid) in subtree.iter().enumerate() {
        let orig = st.folders[fid].clone();
        let new_parent = if i == 0 {
            parent.clone()
        } else {
            orig.parent_ids
                .iter()
                .find_map(|p| map.get(p).cloned())
                .unwrap_or_else(|| parent.clone())
        };
        let t = if i == 0 {
            title.clone()
        } else {
            format!("{prefix}{}", orig.title)
        };
        let nid = insert_folder(st, &cx.user, &new_parent, &t);
        let nf = st.folders.get_mut(&nid).expect("inserted");
        if i == 0 {
            nf.shared_ids = src.shared_ids.clone();
            add_all(&mut nf.shared_ids, std::slice::from_ref(&cx.user));
        }
        if copy_desc {
            nf.description = orig.description.clone();
        }
        if copy_cf {
            nf.custom_fields = orig.custom_fields.clone();
        }
        nf.custom_column_ids = orig.custom_column_ids.clone();
        nf.color = orig.color.clone();
        nf.workflow_id = orig.workflow_id.clone();
        if let Some(mut pr) = orig.project.clone() {
            pr.created = nf.created;
            pr.author_id = cx.user.clone();
            if !copy_status {
                pr.status = "Green".into();
                pr.completed = None;
                pr.custom_status_id = None;
            }
            nf.project = Some(pr);
        }
        map.insert(fid.clone(), nid);
    }
    // Tasks.
    let mut task_map: std::collections::HashMap<String, String> = Default::default();
    let mut new_tasks = Vec::new();
    for tid in &tasks {
        let orig = st.tasks[tid].clone();
        let mut parents: Vec<String> = orig
            .parent_ids
            .iter()
            .filter_map(|p| map.get(p).cloned())
            .collect();
        if copy_parents {
            let outside: Vec<String> = orig
                .parent_ids
                .iter()
                .filter(|p| !subtree.contains(p))
                .cloned()
                .collect();
            add_all(&mut parents, &outside);
        }
        let mut np = Params::new();
        np.set_text("title", &format!("{prefix}{}", orig.title));
        let first = parents[0].clone();
        let nid = crate::resources::tasks::create_task(st, &cx.user, &first, &np)?;
        let wf = st.workflow_for(&parents).clone();
        let t = st.tasks.get_mut(&nid).expect("created");
        t.parent_ids = parents;
        if copy_desc {
            t.description = orig.description.clone();
        }
        t.importance = orig.importance.clone();
        t.dates = orig.dates.clone();
        if copy_resp {
            t.responsible_ids = orig.responsible_ids.clone();
        }
        add_all(&mut t.responsible_ids, &add_resp);
        remove_all(&mut t.responsible_ids, &remove_resp);
        add_all(&mut t.shared_ids, &t.responsible_ids.clone());
        if copy_cf {
            t.custom_fields = orig.custom_fields.clone();
        }
        if copy_status {
            t.status = orig.status.clone();
            t.completed = orig.completed.map(|_| t.created);
            t.custom_status_id = if copy_cs {
                orig.custom_status_id.clone()
            } else {
                Store::standard_status(&wf, &orig.status)
            };
        }
        t.super_task_ids = orig.super_task_ids.clone();
        task_map.insert(tid.clone(), nid.clone());
        new_tasks.push(nid);
    }
    for nid in &new_tasks {
        let t = st.tasks.get_mut(nid).expect("created");
        t.super_task_ids = t
            .super_task_ids
            .iter()
            .map(|s| task_map.get(s).cloned().unwrap_or_else(|| s.clone()))
            .collect();
    }
    if let Some(date) = reschedule {
        reschedule_tasks(st, &new_tasks, date, &mode);
    }
    let data = subtree
        .iter()
        .filter_map(|o| map.get(o))
        .filter_map(|n| st.folders.get(n))
        .map(|f| folder_json(st, f, View::Full, &[]))
        .collect();
    Ok(Reply::data("folders", data))
}

/// Shifts the dates of the active copied tasks so the earliest start (mode `Start`) or the
/// latest due (mode `End`) falls on `date`.
pub fn reschedule_tasks(st: &mut Store, ids: &[String], date: NaiveDate, mode: &str) {
    let active: Vec<String> = ids
        .iter()
        .filter(|i| st.tasks[*i].status == "Active" && st.tasks[*i].dates.kind != "Backlog")
        .cloned()
        .collect();
    let anchor = if mode == "End" {
        active
            .iter()
            .filter_map(|i| st.tasks[i].dates.due)
            .max()
            .map(|d| d.date())
    } else {
        active
            .iter()
            .filter_map(|i| st.tasks[i].dates.start.or(st.tasks[i].dates.due))
            .min()
            .map(|d| d.date())
    };
    let Some(anchor) = anchor else { return };
    let shift = date - anchor;
    for i in active {
        let t = st.tasks.get_mut(&i).expect("exists");
        t.dates.start = t.dates.start.map(|d| d + shift);
        t.dates.due = t.dates.due.map(|d| d + shift);
    }
}
