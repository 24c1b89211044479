//! Folders, projects and the folder tree (`API.md` §11.2).

use serde_json::{json, Map, Value};

use crate::api::*;
use crate::error::{ApiError, ApiResult};
use crate::params::{fmt_ts, Params};
use crate::store::{custom_fields_json, metadata_json, Folder, FolderScope, Store};

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
