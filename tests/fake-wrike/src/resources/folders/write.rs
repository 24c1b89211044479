//! Creating and updating folders and projects (`POST /folders/{id}/folders`, `PUT /folders/{id}`),
//! and the folder insert the other resources share.

use serde_json::{json, Value};

use super::events::emit_folder_diff;
use super::project::apply_project;
use super::recycle_bin::restore_folder;
use super::{folder_json, View, SINGLE_FIELDS};
use crate::api::*;
use crate::error::{ApiError, ApiResult};
use crate::store::{Folder, FolderScope, Store};

fn check_custom_columns(st: &Store, ids: &[String]) -> ApiResult<()> {
    if ids
        .iter()
        .all(|i| st.custom_fields.iter().any(|c| &c.id == i))
    {
        Ok(())
    } else {
        Err(ApiError::invalid_parameter("customColumns"))
    }
}

/// Inserts a new live folder under `parent` and returns its ID.
pub fn insert_folder(st: &mut Store, user: &str, parent: &str, title: &str) -> String {
    let id = st.new_id("I4");
    let legacy_id = st.new_legacy("ApiV2Folder", &id);
    let seq = st.next_seq();
    let now = st.clock.stamp();
    let (workflow_id, mut shared_ids) = match st.folders.get(parent) {
        Some(p) if !p.is_virtual() => (p.workflow_id.clone(), p.shared_ids.clone()),
        _ => (
            st.workflows
                .iter()
                .find(|w| w.standard)
                .map(|w| w.id.clone())
                .unwrap_or_default(),
            vec![],
        ),
    };
    add_all(&mut shared_ids, &[user.to_string()]);
    st.folders.insert(
        id.clone(),
        Folder {
            id: id.clone(),
            legacy_id,
            seq,
            title: title.to_string(),
            description: String::new(),
            color: None,
            created: now,
            updated: now,
            parent_ids: vec![parent.to_string()],
            saved_parent_ids: vec![],
            shared_ids,
            scope: FolderScope::WsFolder,
            workflow_id,
            metadata: vec![],
            custom_fields: vec![],
            custom_column_ids: vec![],
            project: None,
            space: None,
            custom_item_type_id: None,
            author_id: user.to_string(),
        },
    );
    st.emit("FolderCreated", user, None, Some(&id), json!({}));
    id
}

fn live_folder(st: &Store, id: &str, name: &str) -> ApiResult<()> {
    match st.folders.get(id) {
        None => Err(ApiError::not_found("Folder", id)),
        Some(f) if f.scope == FolderScope::RbRoot || f.scope == FolderScope::RbFolder => {
            Err(ApiError::invalid_parameter(name))
        }
        Some(_) => Ok(()),
    }
}

/// `POST /folders/{folderId}/folders` — create a folder, or a project when `project` is given.
pub fn create(st: &mut Store, cx: &Ctx, parent: &str) -> ApiResult<Reply> {
    let p = &cx.params;
    p.allow_only(&[
        "title",
        "description",
        "shareds",
        "metadata",
        "customFields",
        "customColumns",
        "project",
        "fields",
    ])?;
    live_folder(st, parent, "folderId")?;
    let title = p.required_str("title")?;
    if title.trim().is_empty() {
        return Err(ApiError::parameter_required("title"));
    }
    let description = p.str("description")?.unwrap_or_default();
    let shareds = p.str_list("shareds")?.unwrap_or_default();
    check_contacts(st, "shareds", &shareds)?;
    let mut metadata = vec![];
    if let Some(m) = p.obj_list("metadata")? {
        apply_metadata(&mut metadata, &m, "metadata", false)?;
    }
    let mut custom_fields = vec![];
    if let Some(c) = p.obj_list("customFields")? {
        apply_custom_fields(st, &mut custom_fields, &c, "customFields")?;
    }
    let columns = p.str_list("customColumns")?.unwrap_or_default();
    check_custom_columns(st, &columns)?;
    let now = st.clock.now();
    let project = match p.object("project")? {
        Some(o) => Some(apply_project(st, &cx.user, None, &o, now, false)?),
        None => None,
    };
    let fields = fields_param(p, SINGLE_FIELDS)?;
    let id = insert_folder(st, &cx.user, parent, &title);
    let f = st.folders.get_mut(&id).expect("inserted");
    f.description = description;
    add_all(&mut f.shared_ids, &shareds);
    f.metadata = metadata;
    f.custom_fields = custom_fields;
    f.custom_column_ids = columns;
    if let Some(mut pr) = project {
        pr.created = f.created;
        if pr.completed.is_some() {
            pr.completed = Some(f.created);
        }
        f.project = Some(pr);
    }
    let f = &st.folders[&id];
    Ok(Reply::data(
        "folders",
        vec![folder_json(st, f, View::Full, &fields)],
    ))
}

/// `PUT /folders/{id}`.
pub fn update(st: &mut Store, cx: &Ctx, id: &str) -> ApiResult<Reply> {
    let p = &cx.params;
    p.allow_only(&[
        "title",
        "description",
        "addParents",
        "removeParents",
        "addShareds",
        "removeShareds",
        "metadata",
        "restore",
        "customFields",
        "customColumns",
        "project",
        "fields",
    ])?;
    let before = st
        .folders
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("Folder", id))?;
    if before.is_virtual() {
        return Err(ApiError::invalid_parameter("folderId"));
    }
    let fields = fields_param(p, SINGLE_FIELDS)?;
    let root = st.root_id();
    let rb = st.recycle_bin_id();
    if p.bool("restore")? == Some(true) && before.scope == FolderScope::RbFolder {
        restore_folder(st, id);
    }
    let mut f = st.folders[id].clone();
    if let Some(t) = p.str("title")? {
        if t.trim().is_empty() {
            return Err(ApiError::invalid_parameter("title"));
        }
        f.title = t;
    }
    if let Some(d) = p.str("description")? {
        f.description = d;
    }
    if let Some(a) = p.str_list("addParents")? {
        let below = st.descendant_folders(id);
        for x in &a {
            let ok = x != &root
                && x != &rb
                && x != id
                && !below.contains(x)
                && st
                    .folders
                    .get(x)
                    .is_some_and(|pf| pf.scope == FolderScope::WsFolder);
            if !ok {
                return Err(ApiError::invalid_parameter("addParents"));
            }
        }
        add_all(&mut f.parent_ids, &a);
    }
    if let Some(r) = p.str_list("removeParents")? {
        if r.iter().any(|x| x == &root || x == &rb) {
            return Err(ApiError::invalid_parameter("removeParents"));
        }
        remove_all(&mut f.parent_ids, &r);
        if f.parent_ids.is_empty() {
            // [U] a folder removed from all its parents lands in the account root.
            f.parent_ids.push(root.clone());
        }
    }
    for (name, add) in [("addShareds", true), ("removeShareds", false)] {
        if let Some(v) = p.str_list(name)? {
            check_contacts(st, name, &v)?;
            if add {
                add_all(&mut f.shared_ids, &v)
            } else {
                remove_all(&mut f.shared_ids, &v)
            }
        }
    }
    if let Some(m) = p.obj_list("metadata")? {
        apply_metadata(&mut f.metadata, &m, "metadata", true)?;
    }
    if let Some(c) = p.obj_list("customFields")? {
        apply_custom_fields(st, &mut f.custom_fields, &c, "customFields")?;
    }
    if let Some(c) = p.str_list("customColumns")? {
        check_custom_columns(st, &c)?;
        f.custom_column_ids = c;
    }
    if p.has("project") {
        match p.json("project")? {
            Some(Value::Null) => f.project = None,
            Some(Value::Object(o)) => {
                let now = st.clock.now();
                f.project = Some(apply_project(
                    st,
                    &cx.user,
                    f.project.clone(),
                    &o,
                    now,
                    true,
                )?);
            }
            _ => return Err(ApiError::invalid_parameter("project")),
        }
    }
    let current = st.folders[id].clone();
    if f != current || current != before {
        emit_folder_diff(st, &cx.user, &before, &f);
        let now = st.clock.stamp();
        f.updated = now;
        if let Some(pr) = &mut f.project {
            if pr.completed.is_some()
                && before
                    .project
                    .as_ref()
                    .is_none_or(|b| b.completed.is_none())
            {
                pr.completed = Some(now);
            }
        }
    }
    st.folders.insert(id.to_string(), f);
    let f = &st.folders[id];
    Ok(Reply::data(
        "folders",
        vec![folder_json(st, f, View::Full, &fields)],
    ))
}
