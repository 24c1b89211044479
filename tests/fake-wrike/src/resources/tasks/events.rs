//! The webhook events a task update emits (one per changed aspect).

use serde_json::json;

use crate::store::{Store, Task};

/// Emits the webhook events for the differences between two versions of a task.
pub(super) fn emit_task_diff(st: &mut Store, user: &str, before: &Task, after: &Task) {
    let id = Some(after.id.as_str());
    let diff = |a: &[String], b: &[String]| -> Vec<String> {
        b.iter().filter(|x| !a.contains(x)).cloned().collect()
    };
    if before.title != after.title {
        st.emit(
            "TaskTitleChanged",
            user,
            id,
            None,
            json!({"oldValue": before.title, "title": after.title}),
        );
    }
    if before.importance != after.importance {
        st.emit(
            "TaskImportanceChanged",
            user,
            id,
            None,
            json!({"oldValue": before.importance, "importance": after.importance}),
        );
    }
    if before.status != after.status || before.custom_status_id != after.custom_status_id {
        st.emit(
            "TaskStatusChanged",
            user,
            id,
            None,
            json!({"oldStatus": before.status, "status": after.status,
                   "oldCustomStatusId": before.custom_status_id,
                   "customStatusId": after.custom_status_id}),
        );
    }
    if before.dates != after.dates {
        st.emit(
            "TaskDatesChanged",
            user,
            id,
            None,
            json!({"oldValue": before.dates.to_json(), "dates": after.dates.to_json()}),
        );
    }
    if before.description != after.description {
        st.emit("TaskDescriptionChanged", user, id, None, json!({}));
    }
    for (added_kind, removed_kind, add_key, rem_key, a, b) in [
        (
            "TaskParentsAdded",
            "TaskParentsRemoved",
            "addedParents",
            "removedParents",
            &before.parent_ids,
            &after.parent_ids,
        ),
        (
            "TaskResponsiblesAdded",
            "TaskResponsiblesRemoved",
            "addedResponsibles",
            "removedResponsibles",
            &before.responsible_ids,
            &after.responsible_ids,
        ),
        (
            "TaskSharedsAdded",
            "TaskSharedsRemoved",
            "addedShareds",
            "removedShareds",
            &before.shared_ids,
            &after.shared_ids,
        ),
    ] {
        if before.deleted != after.deleted && added_kind == "TaskParentsAdded" {
            continue;
        }
        let added = diff(a, b);
        let removed = diff(b, a);
        if !added.is_empty() {
            st.emit(added_kind, user, id, None, json!({ add_key: added }));
        }
        if !removed.is_empty() {
            st.emit(removed_kind, user, id, None, json!({ rem_key: removed }));
        }
    }
    let mut cf_ids: Vec<&String> = before
        .custom_fields
        .iter()
        .chain(after.custom_fields.iter())
        .map(|(k, _)| k)
        .collect();
    cf_ids.sort();
    cf_ids.dedup();
    for cf in cf_ids {
        let old = before
            .custom_fields
            .iter()
            .find(|(k, _)| k == cf)
            .map(|(_, v)| v);
        let new = after
            .custom_fields
            .iter()
            .find(|(k, _)| k == cf)
            .map(|(_, v)| v);
        if old != new {
            st.emit(
                "TaskCustomFieldChanged",
                user,
                id,
                None,
                json!({"customFieldId": cf, "oldValue": old, "value": new}),
            );
        }
    }
}
