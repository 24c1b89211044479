//! The webhook events a folder or project update emits.

use serde_json::json;

use crate::store::{Folder, Store};

/// Emits the webhook events for the differences between two versions of a folder.
pub(super) fn emit_folder_diff(st: &mut Store, user: &str, before: &Folder, after: &Folder) {
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
