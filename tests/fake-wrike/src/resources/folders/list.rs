//! Folder lists: `GET /folders`, `/folders/{id}/folders`, `/spaces/{id}/folders` — the tree, or
//! the Folder model when filtered.

use super::{folder_json, tree_entry_json, View, LIST_FIELDS};
use crate::api::*;
use crate::error::{ApiError, ApiResult};
use crate::params::Params;
use crate::store::{Folder, FolderScope, Store};

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
