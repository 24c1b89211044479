//! How a task is rendered (the list view and the full model).

use serde_json::{json, Map, Value};

use crate::api::*;
use crate::params::fmt_ts;
use crate::store::{custom_fields_json, metadata_json, Store, Task};

/// How much of a task to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// Search results: base fields plus requested ones.
    List,
    /// `GET /tasks/{ids}`, create, update, delete: the full model.
    Full,
}

/// Renders a task.
pub fn task_json(st: &Store, t: &Task, view: View, fields: &[String], me: &str) -> Value {
    let want = |f: &str| view == View::Full || fields.iter().any(|x| x == f);
    let opt = |f: &str| fields.iter().any(|x| x == f);
    let mut m = Map::new();
    m.insert("id".into(), json!(t.id));
    m.insert("accountId".into(), json!(st.account.id));
    m.insert("title".into(), json!(t.title));
    if want("description") {
        m.insert("description".into(), json!(t.description));
    }
    if want("briefDescription") {
        m.insert("briefDescription".into(), json!(brief(&t.description)));
    }
    if want("parentIds") {
        m.insert("parentIds".into(), json!(t.parent_ids));
    }
    if want("superParentIds") {
        let mut sp: Vec<String> = Vec::new();
        for s in &t.super_task_ids {
            if let Some(st_) = st.tasks.get(s) {
                add_all(&mut sp, &st_.parent_ids);
            }
        }
        remove_all(&mut sp, &t.parent_ids);
        m.insert("superParentIds".into(), json!(sp));
    }
    if want("sharedIds") {
        m.insert("sharedIds".into(), json!(t.shared_ids));
    }
    if want("responsibleIds") {
        m.insert("responsibleIds".into(), json!(t.responsible_ids));
    }
    m.insert("status".into(), json!(t.status));
    m.insert("importance".into(), json!(t.importance));
    m.insert("createdDate".into(), json!(fmt_ts(t.created)));
    m.insert("updatedDate".into(), json!(fmt_ts(t.updated)));
    if let Some(c) = t.completed {
        m.insert("completedDate".into(), json!(fmt_ts(c)));
    }
    m.insert("dates".into(), t.dates.to_json());
    m.insert(
        "scope".into(),
        json!(if t.deleted { "RbTask" } else { "WsTask" }),
    );
    if want("authorIds") {
        m.insert("authorIds".into(), json!([t.author_id]));
    }
    m.insert("customStatusId".into(), json!(t.custom_status_id));
    let att = st.attachment_count(Some(&t.id), None);
    if want("hasAttachments") {
        m.insert("hasAttachments".into(), json!(att > 0));
    }
    if opt("attachmentCount") {
        m.insert("attachmentCount".into(), json!(att));
    }
    m.insert("permalink".into(), json!(t.permalink()));
    m.insert("priority".into(), json!(t.priority_str()));
    if view == View::Full {
        m.insert(
            "followedByMe".into(),
            json!(t.follower_ids.iter().any(|f| f == me)),
        );
        m.insert("followerIds".into(), json!(t.follower_ids));
    }
    if opt("recurrent") {
        m.insert("recurrent".into(), json!(t.recurrent));
    }
    if want("superTaskIds") {
        m.insert("superTaskIds".into(), json!(t.super_task_ids));
    }
    if want("subTaskIds") {
        m.insert("subTaskIds".into(), json!(st.sub_task_ids(&t.id)));
    }
    if want("dependencyIds") {
        m.insert("dependencyIds".into(), json!(Vec::<String>::new()));
    }
    if want("metadata") {
        m.insert("metadata".into(), metadata_json(&t.metadata));
    }
    if want("customFields") {
        m.insert("customFields".into(), custom_fields_json(&t.custom_fields));
    }
    if opt("billingType") {
        m.insert(
            "billingType".into(),
            json!(t
                .billing_type
                .clone()
                .unwrap_or_else(|| "NonBillable".into())),
        );
    }
    if opt("effortAllocation") {
        m.insert(
            "effortAllocation".into(),
            t.effort_allocation
                .clone()
                .unwrap_or_else(|| json!({"mode": "None"})),
        );
    }
    if let (true, Some(c)) = (opt("customItemTypeId"), &t.custom_item_type_id) {
        m.insert("customItemTypeId".into(), json!(c));
    }
    if opt("responsiblePlaceholderIds") {
        m.insert("responsiblePlaceholderIds".into(), json!([]));
    }
    Value::Object(m)
}

/// Renders one task fully.
pub fn full(st: &Store, id: &str, user: &str, fields: &[String]) -> Option<Value> {
    st.tasks
        .get(id)
        .map(|t| task_json(st, t, View::Full, fields, user))
}
