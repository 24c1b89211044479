//! How a folder is rendered: the folder-tree entry, the Folder model and its project details.

use serde_json::{json, Map, Value};

use crate::api::*;
use crate::params::fmt_ts;
use crate::store::{custom_fields_json, metadata_json, Folder, Store};

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
