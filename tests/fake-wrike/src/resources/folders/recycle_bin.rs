//! Deleting folders to the Recycle Bin (`DELETE /folders/{id}`, with their subtree and tasks) and
//! restoring them.

use serde_json::json;

use super::{folder_json, View};
use crate::api::*;
use crate::error::{ApiError, ApiResult};
use crate::store::{FolderScope, Store};

/// Restores a folder from the Recycle Bin with the subtree and tasks deleted along with it.
pub(super) fn restore_folder(st: &mut Store, id: &str) {
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
