//! Webhooks (`API.md` §11.15): subscriptions, the secret handshake, signed JSON-array deliveries.
//!
//! [U] choices: scopes are the workspace ones (R/W); the handshake runs right after creation in
//! the background and a failed handshake suspends the hook; each event is delivered as its own
//! POST with a one-element array, in order, without retries; only `http://` hook URLs can be
//! reached (a delivery to anything else is recorded as failed). `TaskDescriptionChanged` arrives
//! at once (Wrike: ~5 minutes late).

use hmac::{Hmac, Mac};
use serde_json::{json, Map, Value};
use sha2::Sha256;

use crate::api::*;
use crate::error::{ApiError, ApiResult};
use crate::store::{FolderScope, PendingEvent, Store, Webhook};

/// Every event type the fake knows (`API.md` §11.15).
pub const EVENT_TYPES: &[&str] = &[
    "TaskCreated",
    "TaskDeleted",
    "TaskTitleChanged",
    "TaskImportanceChanged",
    "TaskStatusChanged",
    "TaskDatesChanged",
    "TaskParentsAdded",
    "TaskParentsRemoved",
    "TaskResponsiblesAdded",
    "TaskResponsiblesRemoved",
    "TaskSharedsAdded",
    "TaskSharedsRemoved",
    "TaskDescriptionChanged",
    "TaskCustomFieldChanged",
    "TaskApprovalStatusChanged",
    "TaskApprovalDecisionChanged",
    "TaskApprovalDecisionReset",
    "AttachmentAdded",
    "AttachmentDeleted",
    "CommentAdded",
    "CommentDeleted",
    "TimelogChanged",
    "FolderCreated",
    "FolderDeleted",
    "FolderTitleChanged",
    "FolderParentsAdded",
    "FolderParentsRemoved",
    "FolderSharedsAdded",
    "FolderSharedsRemoved",
    "FolderDescriptionChanged",
    "FolderCommentAdded",
    "FolderCommentDeleted",
    "FolderAttachmentAdded",
    "FolderAttachmentDeleted",
    "FolderCustomFieldChanged",
    "FolderApprovalStatusChanged",
    "FolderApprovalDecisionChanged",
    "FolderApprovalDecisionReset",
    "ProjectDatesChanged",
    "ProjectOwnersAdded",
    "ProjectOwnersRemoved",
    "ProjectStatusChanged",
];

/// `hex(HMAC-SHA256(key = secret, msg))` — the handshake answer and `X-Hook-Signature`.
pub fn sign(secret: &str, msg: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(msg);
    hex::encode(mac.finalize().into_bytes())
}

/// Renders a webhook.
pub fn webhook_json(st: &Store, h: &Webhook) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(h.id));
    m.insert("accountId".into(), json!(st.account.id));
    if let Some(f) = &h.folder_id {
        m.insert("folderId".into(), json!(f));
        m.insert("recursive".into(), json!(h.recursive));
    }
    if let Some(s) = &h.space_id {
        m.insert("spaceId".into(), json!(s));
    }
    m.insert("hookUrl".into(), json!(h.hook_url));
    if let Some(e) = &h.events {
        m.insert("events".into(), json!(e));
    }
    m.insert("status".into(), json!(h.status));
    Value::Object(m)
}

/// Where a new hook listens.
#[derive(Debug, Clone)]
pub enum Target {
    /// `POST /webhooks`.
    Account,
    /// `POST /folders/{id}/webhooks`.
    Folder(String),
    /// `POST /spaces/{id}/webhooks`.
    Space(String),
}

/// `POST /webhooks`, `/folders/{id}/webhooks`, `/spaces/{id}/webhooks` — `hookUrl*`, `secret`,
/// `events` (`[A,B]`), `recursive` (folder hooks).
pub fn create(st: &mut Store, cx: &Ctx, target: Target) -> ApiResult<Reply> {
    let p = &cx.params;
    let mut allowed = vec!["hookUrl", "secret", "events"];
    if matches!(target, Target::Folder(_)) {
        allowed.push("recursive");
    }
    p.allow_only(&allowed)?;
    match &target {
        Target::Folder(id) => match st.folders.get(id) {
            Some(f) if f.scope == FolderScope::WsFolder => {}
            Some(_) => return Err(ApiError::invalid_parameter("folderId")),
            None => return Err(ApiError::not_found("Folder", id)),
        },
        Target::Space(id) => {
            if st.folders.get(id).is_none_or(|f| f.space.is_none()) {
                return Err(ApiError::not_found("Space", id));
            }
        }
        Target::Account => {}
    }
    let url = p.required_str("hookUrl")?;
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(ApiError::invalid_parameter("hookUrl"));
    }
    let secret = p.str("secret")?.filter(|s| !s.is_empty());
    let events = p.enum_list("events", EVENT_TYPES)?;
    let recursive = p.bool("recursive")?.unwrap_or(false);
    let id = st.new_id("JA");
    let seq = st.next_seq();
    let (folder_id, space_id) = match target {
        Target::Account => (None, None),
        Target::Folder(f) => (Some(f), None),
        Target::Space(s) => (None, Some(s)),
    };
    let h = Webhook {
        id: id.clone(),
        seq,
        folder_id,
        space_id,
        hook_url: url,
        secret,
        events,
        recursive,
        status: "Active".into(),
    };
    let out = webhook_json(st, &h);
    if h.secret.is_some() {
        st.pending_handshakes.push(id.clone());
    }
    st.webhooks.insert(id, h);
    Ok(Reply::data("webhooks", vec![out]))
}

/// `GET /webhooks`.
pub fn list(st: &mut Store, cx: &Ctx) -> ApiResult<Reply> {
    cx.params.allow_only(&[])?;
    let mut v: Vec<&Webhook> = st.webhooks.values().collect();
    v.sort_by_key(|h| h.seq);
    Ok(Reply::data(
        "webhooks",
        v.into_iter().map(|h| webhook_json(st, h)).collect(),
    ))
}

/// `GET /webhooks/{ids}`.
pub fn get(st: &mut Store, cx: &Ctx, ids: &[String]) -> ApiResult<Reply> {
    cx.params.allow_only(&[])?;
    let mut data = Vec::new();
    for id in ids {
        let h = st
            .webhooks
            .get(id)
            .ok_or_else(|| ApiError::not_found("Webhook", id))?;
        data.push(webhook_json(st, h));
    }
    Ok(Reply::data("webhooks", data))
}

/// `PUT /webhooks/{id}` — `status=Active|Suspended`.
pub fn update(st: &mut Store, cx: &Ctx, id: &str) -> ApiResult<Reply> {
    cx.params.allow_only(&["status"])?;
    let status = cx.params.enum_str("status", &["Active", "Suspended"])?;
    let h = st
        .webhooks
        .get_mut(id)
        .ok_or_else(|| ApiError::not_found("Webhook", id))?;
    if let Some(s) = status {
        h.status = s;
    }
    let h = st.webhooks[id].clone();
    Ok(Reply::data("webhooks", vec![webhook_json(st, &h)]))
}

/// `DELETE /webhooks/{id}` — answers an empty `webhooks` envelope [U].
pub fn delete(st: &mut Store, cx: &Ctx, id: &str) -> ApiResult<Reply> {
    cx.params.allow_only(&[])?;
    st.webhooks
        .remove(id)
        .ok_or_else(|| ApiError::not_found("Webhook", id))?;
    Ok(Reply::data("webhooks", vec![]))
}

/// Whether `ev` concerns the subtree of `root` (recursively or only directly).
fn in_subtree(st: &Store, ev: &PendingEvent, root: &str, recursive: bool) -> bool {
    let mut scope = vec![root.to_string()];
    if recursive {
        scope.extend(st.descendant_folders(root));
    }
    if let Some(t) = &ev.task_id {
        if let Some(task) = st.tasks.get(t) {
            let mut parents = task.parent_ids.clone();
            parents.extend(task.saved_parent_ids.iter().cloned());
            return parents.iter().any(|p| scope.contains(p));
        }
        return false;
    }
    if let Some(f) = &ev.folder_id {
        if scope.contains(f) {
            return true;
        }
        // A folder created in (or removed from) the subtree.
        if let Some(folder) = st.folders.get(f) {
            return folder
                .parent_ids
                .iter()
                .chain(folder.saved_parent_ids.iter())
                .any(|p| scope.contains(p));
        }
    }
    false
}

/// Which hooks get an event, with the body to POST (a one-element JSON array).
pub fn route_events(st: &Store, events: &[PendingEvent]) -> Vec<(Webhook, Vec<u8>)> {
    let mut hooks: Vec<&Webhook> = st
        .webhooks
        .values()
        .filter(|h| h.status == "Active")
        .collect();
    hooks.sort_by_key(|h| h.seq);
    let mut out = Vec::new();
    for ev in events {
        for h in &hooks {
            if h.events.as_ref().is_some_and(|e| !e.contains(&ev.kind)) {
                continue;
            }
            let matches = match (&h.folder_id, &h.space_id) {
                (Some(f), _) => ev.kind != "TaskDeleted" && in_subtree(st, ev, f, h.recursive),
                (_, Some(s)) => in_subtree(st, ev, s, true),
                _ => true,
            };
            if !matches {
                continue;
            }
            let mut body = ev.body.clone();
            body.insert("webhookId".into(), json!(h.id));
            let bytes = serde_json::to_vec(&json!([Value::Object(body)])).expect("JSON");
            out.push(((*h).clone(), bytes));
        }
    }
    out
}
