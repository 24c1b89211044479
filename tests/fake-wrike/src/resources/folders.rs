//! Folders, projects and the folder tree (`API.md` §11.2).

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{json, Map, Value};

use crate::api::*;
use crate::error::{ApiError, ApiResult};
use crate::params::{fmt_ts, Params};
use crate::store::{custom_fields_json, metadata_json, Folder, FolderScope, Project, Store};

/// Optional fields of filtered folder lists (Folder model).
pub const LIST_FIELDS: &[&str] = &[
    "metadata",
    "hasAttachments",
    "attachmentCount",
    "description",
    "briefDescription",
    "customFields",
    "customColumnIds",
    "superParentIds",
    "space",
    "contractType",
    // Post-2020 (MODERN.md §6.3) [S].
    "customItemTypeId",
];

/// Optional fields of `GET /folders/{ids}` and of create/update answers. [U] the list fields
/// are accepted too.
pub const SINGLE_FIELDS: &[&str] = LIST_FIELDS;

const LIST_PARAMS: &[&str] = &[
    "permalink",
    "descendants",
    "metadata",
    "customField",
    "customFields",
    "updatedDate",
    "project",
    "deleted",
    "contractTypes",
    "fields",
];

fn project_json(f: &Folder, fields: &[String]) -> Option<Value> {
    let p = f.project.as_ref()?;
    let mut m = Map::new();
    m.insert("authorId".into(), json!(p.author_id));
    m.insert("ownerIds".into(), json!(p.owner_ids));
    m.insert("status".into(), json!(p.status));
    if let Some(c) = &p.custom_status_id {
        m.insert("customStatusId".into(), json!(c));
    }
    if let Some(d) = p.start_date {
        m.insert("startDate".into(), json!(d.format("%Y-%m-%d").to_string()));
    }
    if let Some(d) = p.end_date {
        m.insert("endDate".into(), json!(d.format("%Y-%m-%d").to_string()));
    }
    m.insert("createdDate".into(), json!(fmt_ts(p.created)));
    if let Some(c) = p.completed {
        m.insert("completedDate".into(), json!(fmt_ts(c)));
    }
    if fields.iter().any(|x| x == "contractType") || p.contract_type.is_some() {
        m.insert(
            "contractType".into(),
            json!(p
                .contract_type
                .clone()
                .unwrap_or_else(|| "NonBillable".into())),
        );
    }
    Some(Value::Object(m))
}

/// A folder-tree entry (`kind: folderTree`).
pub fn tree_entry_json(st: &Store, f: &Folder) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(f.id));
    m.insert("title".into(), json!(f.title));
    if let Some(c) = &f.color {
        m.insert("color".into(), json!(c));
    }
    m.insert("childIds".into(), json!(st.child_folders(&f.id)));
    m.insert("scope".into(), json!(f.scope.as_str()));
    if let Some(p) = project_json(f, &[]) {
        m.insert("project".into(), p);
    }
    if f.space.is_some() {
        m.insert("space".into(), json!(true));
    }
    Value::Object(m)
}

/// How much of a folder to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// Filtered lists.
    List,
    /// `GET /folders/{ids}`, create, update, delete.
    Full,
}

/// Renders a folder (`kind: folders`).
pub fn folder_json(st: &Store, f: &Folder, view: View, fields: &[String]) -> Value {
    let opt = |x: &str| fields.iter().any(|y| y == x);
    let full = view == View::Full;
    let mut m = Map::new();
    m.insert("id".into(), json!(f.id));
    m.insert("accountId".into(), json!(st.account.id));
    m.insert("title".into(), json!(f.title));
    m.insert("createdDate".into(), json!(fmt_ts(f.created)));
    m.insert("updatedDate".into(), json!(fmt_ts(f.updated)));
    if opt("briefDescription") {
        m.insert("briefDescription".into(), json!(brief(&f.description)));
    }
    // Wrike's real list answers carry `description` without asking (PM sample).
    m.insert("description".into(), json!(f.description));
    if let Some(c) = &f.color {
        m.insert("color".into(), json!(c));
    }
    m.insert("sharedIds".into(), json!(f.shared_ids));
    m.insert("parentIds".into(), json!(f.parent_ids));
    m.insert("childIds".into(), json!(st.child_folders(&f.id)));
    if full || opt("superParentIds") {
        m.insert("superParentIds".into(), json!(Vec::<String>::new()));
    }
    m.insert("scope".into(), json!(f.scope.as_str()));
    let att = st.attachment_count(None, Some(&f.id));
    if full || opt("hasAttachments") {
        m.insert("hasAttachments".into(), json!(att > 0));
    }
    if opt("attachmentCount") {
        m.insert("attachmentCount".into(), json!(att));
    }
    m.insert("permalink".into(), json!(f.permalink()));
    m.insert("workflowId".into(), json!(f.workflow_id));
    if full || opt("metadata") {
        m.insert("metadata".into(), metadata_json(&f.metadata));
    }
    if full || opt("customFields") {
        m.insert("customFields".into(), custom_fields_json(&f.custom_fields));
    }
    if opt("customColumnIds") {
        m.insert("customColumnIds".into(), json!(f.custom_column_ids));
    }
    if let Some(p) = project_json(f, fields) {
        m.insert("project".into(), p);
    }
    if opt("space") || (full && f.space.is_some()) {
        m.insert("space".into(), json!(f.space.is_some()));
    }
    if let (true, Some(c)) = (opt("customItemTypeId"), &f.custom_item_type_id) {
        m.insert("customItemTypeId".into(), json!(c));
    }
    Value::Object(m)
}

/// Where a folder list looks.
#[derive(Debug, Clone)]
pub enum ListBase {
    /// `GET /folders`.
    Account,
    /// `GET /folders/{id}/folders`.
    Folder(String),
    /// `GET /spaces/{id}/folders`.
    Space(String),
}

/// `GET /folders`, `/folders/{id}/folders`, `/spaces/{id}/folders`. Never paged.
///
/// Without filters the answer is the folder tree (`kind: folderTree`, with the virtual Root and
/// Recycle Bin for `GET /folders`); any filter switches to the Folder model (`kind: folders`).
/// `fields` alone is not a filter. [U] a subtree list includes the folder it starts from.
pub fn list(st: &mut Store, cx: &Ctx, base: ListBase) -> ApiResult<Reply> {
    let p = &cx.params;
    p.allow_only(LIST_PARAMS)?;
    if matches!(base, ListBase::Folder(_)) && p.has("deleted") {
        // Wrike documents `deleted` for `GET /folders` and `GET /spaces/{id}/folders` only.
        return Err(ApiError::unknown_parameter("deleted"));
    }
    let start = match &base {
        ListBase::Account => None,
        ListBase::Folder(id) => {
            if !st.folders.contains_key(id) {
                return Err(ApiError::not_found("Folder", id));
            }
            Some(id.clone())
        }
        ListBase::Space(id) => {
            if st.folders.get(id).is_none_or(|f| f.space.is_none()) {
                return Err(ApiError::not_found("Space", id));
            }
            Some(id.clone())
        }
    };
    let filtered = p.has_other_than(&["fields"]);
    let fields = fields_param(p, LIST_FIELDS)?;
    if !filtered {
        let mut v: Vec<&Folder> = match &start {
            None => st.folders.values().collect(),
            Some(id) => {
                let mut ids = vec![id.clone()];
                ids.extend(st.descendant_folders(id));
                ids.iter().filter_map(|i| st.folders.get(i)).collect()
            }
        };
        v.sort_by_key(|f| f.seq);
        let data = v.into_iter().map(|f| tree_entry_json(st, f)).collect();
        return Ok(Reply::data("folderTree", data));
    }
    let ids = filter_ids(st, p, start.as_deref())?;
    let data = ids
        .iter()
        .filter_map(|i| st.folders.get(i))
        .map(|f| folder_json(st, f, View::List, &fields))
        .collect();
    Ok(Reply::data("folders", data))
}

fn filter_ids(st: &Store, p: &Params, start: Option<&str>) -> ApiResult<Vec<String>> {
    let permalink = p.str("permalink")?;
    let descendants = p.flag("descendants")?.unwrap_or(true);
    let mf = metadata_filter(p)?;
    let cf = CustomFieldFilter::parse(st, p)?;
    let updated = p.ts_range("updatedDate")?;
    let project = p.bool("project")?;
    let deleted = p.bool("deleted")?.unwrap_or(false);
    let contract = p.enum_list("contractTypes", &["Billable", "NonBillable"])?;
    let root = st.root_id();
    let rb = st.recycle_bin_id();
    let base = match start {
        Some(s) => s.to_string(),
        None if deleted => rb.clone(),
        None => root.clone(),
    };
    let mut candidates: Vec<String> = Vec::new();
    if base != root && base != rb {
        candidates.push(base.clone());
    }
    if descendants {
        candidates.extend(st.descendant_folders(&base));
    } else {
        candidates.extend(st.child_folders(&base));
    }
    let want_scope = if base == rb || deleted {
        FolderScope::RbFolder
    } else {
        FolderScope::WsFolder
    };
    let mut v: Vec<&Folder> = candidates
        .iter()
        .filter_map(|i| st.folders.get(i))
        .filter(|f| f.scope == want_scope)
        .filter(|f| permalink.as_ref().is_none_or(|x| &f.permalink() == x))
        .filter(|f| mf.as_ref().is_none_or(|m| metadata_matches(&f.metadata, m)))
        .filter(|f| cf.as_ref().is_none_or(|c| c.matches(&f.custom_fields)))
        .filter(|f| updated.is_none_or(|r| r.contains(f.updated)))
        .filter(|f| project.is_none_or(|pr| f.project.is_some() == pr))
        .filter(|f| {
            contract.as_ref().is_none_or(|c| {
                f.project.as_ref().is_some_and(|p| {
                    c.contains(
                        &p.contract_type
                            .clone()
                            .unwrap_or_else(|| "NonBillable".into()),
                    )
                })
            })
        })
        .collect();
    v.sort_by_key(|f| f.seq);
    Ok(v.into_iter().map(|f| f.id.clone()).collect())
}

/// `GET /folders/{ids}`.
pub fn get(st: &mut Store, cx: &Ctx, ids: &[String]) -> ApiResult<Reply> {
    cx.params.allow_only(&["fields"])?;
    let fields = fields_param(&cx.params, SINGLE_FIELDS)?;
    let mut data = Vec::new();
    for id in ids {
        let f = st
            .folders
            .get(id)
            .ok_or_else(|| ApiError::not_found("Folder", id))?;
        data.push(folder_json(st, f, View::Full, &fields));
    }
    Ok(Reply::data("folders", data))
}

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
fn apply_project(
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

/// Emits the webhook events for the differences between two versions of a folder.
fn emit_folder_diff(st: &mut Store, user: &str, before: &Folder, after: &Folder) {
    let id = Some(after.id.as_str());
    let diff = |a: &[String], b: &[String]| -> Vec<String> {
        b.iter().filter(|x| !a.contains(x)).cloned().collect()
    };
    if before.title != after.title {
        st.emit(
            "FolderTitleChanged",
            user,
            None,
            id,
            json!({"oldValue": before.title, "title": after.title}),
        );
    }
    if before.description != after.description {
        st.emit("FolderDescriptionChanged", user, None, id, json!({}));
    }
    for (ak, rk, akey, rkey, a, b) in [
        (
            "FolderParentsAdded",
            "FolderParentsRemoved",
            "addedParents",
            "removedParents",
            &before.parent_ids,
            &after.parent_ids,
        ),
        (
            "FolderSharedsAdded",
            "FolderSharedsRemoved",
            "addedShareds",
            "removedShareds",
            &before.shared_ids,
            &after.shared_ids,
        ),
    ] {
        let added = diff(a, b);
        let removed = diff(b, a);
        if !added.is_empty() {
            st.emit(ak, user, None, id, json!({ akey: added }));
        }
        if !removed.is_empty() {
            st.emit(rk, user, None, id, json!({ rkey: removed }));
        }
    }
    if before.custom_fields != after.custom_fields {
        st.emit("FolderCustomFieldChanged", user, None, id, json!({}));
    }
    if let (Some(b), Some(a)) = (&before.project, &after.project) {
        if b.status != a.status || b.custom_status_id != a.custom_status_id {
            st.emit(
                "ProjectStatusChanged",
                user,
                None,
                id,
                json!({"oldStatus": b.status, "status": a.status,
                       "oldCustomStatusId": b.custom_status_id,
                       "customStatusId": a.custom_status_id}),
            );
        }
        if b.start_date != a.start_date || b.end_date != a.end_date {
            st.emit("ProjectDatesChanged", user, None, id, json!({}));
        }
        let added = diff(&b.owner_ids, &a.owner_ids);
        let removed = diff(&a.owner_ids, &b.owner_ids);
        if !added.is_empty() {
            st.emit(
                "ProjectOwnersAdded",
                user,
                None,
                id,
                json!({"addedOwners": added}),
            );
        }
        if !removed.is_empty() {
            st.emit(
                "ProjectOwnersRemoved",
                user,
                None,
                id,
                json!({"removedOwners": removed}),
            );
        }
    }
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

/// Restores a folder from the Recycle Bin with the subtree and tasks deleted along with it.
fn restore_folder(st: &mut Store, id: &str) {
    let root = st.root_id();
    let rb = st.recycle_bin_id();
    let mut subtree = vec![id.to_string()];
    subtree.extend(st.descendant_folders(id));
    for fid in &subtree {
        if let Some(f) = st.folders.get_mut(fid) {
            f.scope = FolderScope::WsFolder;
        }
    }
    let parents: Vec<String> = st.folders[id]
        .saved_parent_ids
        .iter()
        .filter(|p| {
            st.folders
                .get(*p)
                .is_some_and(|f| f.scope == FolderScope::WsFolder || f.id == root)
        })
        .cloned()
        .collect();
    let f = st.folders.get_mut(id).expect("exists");
    f.parent_ids = if parents.is_empty() {
        vec![root]
    } else {
        parents
    };
    f.saved_parent_ids.clear();
    for t in st.tasks.values_mut() {
        if t.deleted
            && t.saved_parent_ids.is_empty()
            && t.parent_ids.iter().all(|p| subtree.contains(p) && p != &rb)
        {
            t.deleted = false;
        }
    }
}

/// `DELETE /folders/{id}` — moves the folder, its descendants and their tasks to the Recycle Bin
/// (items that also have parents outside the deleted subtree just lose the deleted parents).
pub fn delete(st: &mut Store, cx: &Ctx, id: &str) -> ApiResult<Reply> {
    cx.params.allow_only(&[])?;
    let f = st
        .folders
        .get(id)
        .ok_or_else(|| ApiError::not_found("Folder", id))?;
    if f.is_virtual() {
        return Err(ApiError::invalid_parameter("folderId"));
    }
    if f.scope == FolderScope::WsFolder {
        let rb = st.recycle_bin_id();
        let mut subtree = vec![id.to_string()];
        subtree.extend(st.descendant_folders(id));
        let now = st.clock.stamp();
        // Descendants with a parent outside the subtree survive (minus the deleted parents).
        let mut deleted = vec![id.to_string()];
        for d in subtree.iter().skip(1) {
            let fo = &st.folders[d];
            if fo.parent_ids.iter().all(|p| subtree.contains(p)) {
                deleted.push(d.clone());
            }
        }
        for d in &subtree {
            if !deleted.contains(d) {
                let fo = st.folders.get_mut(d).expect("exists");
                fo.parent_ids.retain(|p| !deleted.contains(p));
                fo.updated = now;
            }
        }
        for d in &deleted {
            let fo = st.folders.get_mut(d).expect("exists");
            fo.scope = FolderScope::RbFolder;
            fo.updated = now;
        }
        let top = st.folders.get_mut(id).expect("exists");
        top.saved_parent_ids = std::mem::replace(&mut top.parent_ids, vec![rb]);
        st.emit("FolderDeleted", &cx.user, None, Some(id), json!({}));
        for t in st.tasks.values_mut() {
            if t.deleted || !t.parent_ids.iter().any(|p| deleted.contains(p)) {
                continue;
            }
            if t.parent_ids.iter().all(|p| deleted.contains(p)) {
                t.deleted = true;
            } else {
                t.parent_ids.retain(|p| !deleted.contains(p));
            }
            t.updated = now;
        }
    }
    let f = &st.folders[id];
    Ok(Reply::data(
        "folders",
        vec![folder_json(st, f, View::Full, &[])],
    ))
}

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
