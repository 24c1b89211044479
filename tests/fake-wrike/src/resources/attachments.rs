//! Attachments with real bytes (`API.md` §11.5).

use std::sync::Arc;

use chrono::Duration as ChronoDuration;
use serde_json::{json, Map, Value};

use crate::api::*;
use crate::error::{ApiError, ApiResult};
use crate::params::{fmt_ts, TsRange};
use crate::store::{Attachment, AttachmentVersion, FolderScope, Store};

/// The download link served without auth (like Wrike's signed, 24-hour links).
pub fn file_url(origin: &str, a_id: &str, token: &str, name: &str) -> String {
    let enc = percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC);
    format!("{origin}/files/{a_id}/{token}/{enc}")
}

/// The common members of an attachment or one of its earlier versions.
fn base_json(a: &Attachment, v: Option<&AttachmentVersion>) -> Map<String, Value> {
    let (id, author, name, created, version, ct, size) = match v {
        Some(v) => (
            &v.id,
            &v.author_id,
            &v.name,
            v.created,
            v.version,
            &v.content_type,
            v.bytes.len(),
        ),
        None => (
            &a.id,
            &a.author_id,
            &a.name,
            a.created,
            a.version,
            &a.content_type,
            a.bytes.len(),
        ),
    };
    let mut m = Map::new();
    m.insert("id".into(), json!(id));
    m.insert("authorId".into(), json!(author));
    m.insert("name".into(), json!(name));
    m.insert("createdDate".into(), json!(fmt_ts(created)));
    m.insert("version".into(), json!(version));
    m.insert("type".into(), json!("Wrike"));
    m.insert("contentType".into(), json!(ct));
    m.insert("size".into(), json!(size));
    if let Some(t) = &a.task_id {
        m.insert("taskId".into(), json!(t));
    }
    if let Some(f) = &a.folder_id {
        m.insert("folderId".into(), json!(f));
    }
    m
}

/// Renders the current version of an attachment.
pub fn attachment_json(a: &Attachment, origin: Option<&str>) -> Value {
    let mut m = base_json(a, None);
    if let Some(o) = origin {
        m.insert(
            "url".into(),
            json!(file_url(o, &a.id, &a.url_token, &a.name)),
        );
    }
    Value::Object(m)
}

/// Renders an earlier version (with `currentAttachmentId`).
pub fn version_json(a: &Attachment, v: &AttachmentVersion, origin: Option<&str>) -> Value {
    let mut m = base_json(a, Some(v));
    m.insert("currentAttachmentId".into(), json!(a.id));
    if let Some(o) = origin {
        m.insert(
            "url".into(),
            json!(file_url(o, &v.id, &a.url_token, &v.name)),
        );
    }
    Value::Object(m)
}

fn render_all(a: &Attachment, versions: bool, origin: Option<&str>, out: &mut Vec<Value>) {
    out.push(attachment_json(a, origin));
    if versions {
        for v in a.versions.iter().rev() {
            out.push(version_json(a, v, origin));
        }
    }
}

fn visible(st: &Store, a: &Attachment) -> bool {
    match (&a.task_id, &a.folder_id) {
        (Some(t), _) => st.tasks.get(t).is_some_and(|t| !t.deleted),
        (_, Some(f)) => st
            .folders
            .get(f)
            .is_some_and(|f| f.scope == FolderScope::WsFolder),
        _ => false,
    }
}

/// Where an attachment list looks.
#[derive(Debug, Clone)]
pub enum Scope {
    /// `GET /attachments` (needs `createdDate`, < 31 days).
    Account,
    /// `GET /tasks/{id}/attachments`.
    Task(String),
    /// `GET /folders/{id}/attachments`.
    Folder(String),
}

/// `GET /attachments`, `/tasks/{id}/attachments`, `/folders/{id}/attachments`.
pub fn list(st: &mut Store, cx: &Ctx, scope: Scope) -> ApiResult<Reply> {
    let p = &cx.params;
    p.allow_only(&["versions", "createdDate", "withUrls"])?;
    let versions = p.flag("versions")?.unwrap_or(false);
    let with_urls = p.flag("withUrls")?.unwrap_or(false);
    let created = p.ts_range("createdDate")?;
    match &scope {
        Scope::Account => {
            let Some(r) = created else {
                return Err(ApiError::parameter_required("createdDate"));
            };
            let (Some(s), Some(e)) = (r.start, r.end) else {
                // [U] both ends are needed to check the 31-day rule.
                return Err(ApiError::invalid_parameter("createdDate"));
            };
            if e < s || e - s >= ChronoDuration::days(31) {
                return Err(ApiError::invalid_parameter_msg(
                    "Parameter 'createdDate' value is invalid: the range must be less than 31 days",
                ));
            }
        }
        Scope::Task(id) => {
            if !st.tasks.contains_key(id) {
                return Err(ApiError::not_found("Task", id));
            }
        }
        Scope::Folder(id) => {
            if !st.folders.contains_key(id) {
                return Err(ApiError::not_found("Folder", id));
            }
        }
    }
    let range = created.unwrap_or(TsRange::default());
    let mut v: Vec<&Attachment> = st
        .attachments
        .values()
        .filter(|a| match &scope {
            Scope::Account => visible(st, a),
            Scope::Task(id) => a.task_id.as_ref() == Some(id),
            Scope::Folder(id) => a.folder_id.as_ref() == Some(id),
        })
        .filter(|a| range.contains(a.created))
        .collect();
    v.sort_by_key(|a| a.seq);
    let origin = with_urls.then_some(cx.origin.as_str());
    let mut data = Vec::new();
    for a in v {
        render_all(a, versions, origin, &mut data);
    }
    Ok(Reply::data("attachments", data))
}

/// Finds a current attachment, or the attachment owning a version ID.
fn find<'a>(st: &'a Store, id: &str) -> Option<(&'a Attachment, Option<&'a AttachmentVersion>)> {
    if let Some(a) = st.attachments.get(id) {
        return Some((a, None));
    }
    st.attachments
        .values()
        .find_map(|a| a.versions.iter().find(|v| v.id == id).map(|v| (a, Some(v))))
}

/// `GET /attachments/{ids}` — `versions`, `withUrls`.
pub fn get(st: &mut Store, cx: &Ctx, ids: &[String]) -> ApiResult<Reply> {
    cx.params.allow_only(&["versions", "withUrls"])?;
    let versions = cx.params.flag("versions")?.unwrap_or(false);
    let with_urls = cx.params.flag("withUrls")?.unwrap_or(false);
    let origin = with_urls.then_some(cx.origin.as_str());
    let mut data = Vec::new();
    for id in ids {
        match find(st, id) {
            None => return Err(ApiError::not_found("Attachment", id)),
            Some((a, None)) => render_all(a, versions, origin, &mut data),
            Some((a, Some(v))) => data.push(version_json(a, v, origin)),
        }
    }
    Ok(Reply::data("attachments", data))
}

/// `GET /attachments/{id}/download[/{name}]` — the bytes; `name` becomes the file name.
pub fn download(st: &mut Store, cx: &Ctx, id: &str, name: Option<String>) -> ApiResult<Reply> {
    cx.params.allow_only(&[])?;
    let (a, v) = find(st, id).ok_or_else(|| ApiError::not_found("Attachment", id))?;
    let (bytes, ct, n) = match v {
        Some(v) => (v.bytes.clone(), v.content_type.clone(), v.name.clone()),
        None => (a.bytes.clone(), a.content_type.clone(), a.name.clone()),
    };
    Ok(Reply::Bytes {
        content_type: ct,
        body: bytes,
        filename: Some(name.unwrap_or(n)),
    })
}

/// `GET /attachments/{id}/preview[/{name}]` — `size` ∈ `w44|w100|w200|w300|w400|h400`.
/// [U] The fake answers the content itself for images and `404` for other types.
pub fn preview(st: &mut Store, cx: &Ctx, id: &str, name: Option<String>) -> ApiResult<Reply> {
    cx.params.allow_only(&["size"])?;
    cx.params
        .enum_str("size", &["w44", "w100", "w200", "w300", "w400", "h400"])?;
    let (a, _) = find(st, id).ok_or_else(|| ApiError::not_found("Attachment", id))?;
    if !a.content_type.starts_with("image/") {
        return Err(ApiError::not_found("Preview", id));
    }
    Ok(Reply::Bytes {
        content_type: a.content_type.clone(),
        body: a.bytes.clone(),
        filename: Some(name.unwrap_or_else(|| a.name.clone())),
    })
}

/// `GET /attachments/{id}/url` → `[{url}]` pointing at the fake's unauthenticated download
/// link. [U] kind `attachments`.
pub fn url(st: &mut Store, cx: &Ctx, id: &str) -> ApiResult<Reply> {
    cx.params.allow_only(&[])?;
    let (a, v) = find(st, id).ok_or_else(|| ApiError::not_found("Attachment", id))?;
    let (vid, name) = match v {
        Some(v) => (v.id.clone(), v.name.clone()),
        None => (a.id.clone(), a.name.clone()),
    };
    Ok(Reply::data(
        "attachments",
        vec![json!({"url": file_url(&cx.origin, &vid, &a.url_token, &name)})],
    ))
}

/// Guesses a MIME type from a file name.
pub fn guess_type(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "txt" | "log" => "text/plain",
        "csv" => "text/csv",
        "html" | "htm" => "text/html",
        "json" => "application/json",
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "zip" => "application/zip",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

/// The uploaded file: raw body + `X-File-Name` (percent-decoded). [U] Wrike's docs show the raw
/// form as peers use it; multipart uploads are not supported by the fake.
fn upload(cx: &Ctx) -> ApiResult<(String, String, Arc<Vec<u8>>)> {
    let name = cx
        .header("x-file-name")
        .map(|n| {
            percent_encoding::percent_decode_str(n)
                .decode_utf8_lossy()
                .into_owned()
        })
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| ApiError::invalid_request("Header 'X-File-Name' is required"))?;
    if cx.body.is_empty() {
        return Err(ApiError::invalid_request("Attachment body is empty"));
    }
    let ct = cx
        .header("content-type")
        .map(|c| c.split(';').next().unwrap_or("").trim().to_string())
        .filter(|c| {
            !c.is_empty()
                && c != "application/octet-stream"
                && c != "application/x-www-form-urlencoded"
        })
        .unwrap_or_else(|| guess_type(&name).to_string());
    Ok((name, ct, cx.body.clone()))
}

/// Adds an attachment directly; returns its ID.
pub fn add_attachment(
    st: &mut Store,
    user: &str,
    task_id: Option<&str>,
    folder_id: Option<&str>,
    name: &str,
    content_type: &str,
    bytes: Arc<Vec<u8>>,
) -> String {
    let id = st.new_id("IY");
    let legacy_id = st.new_legacy("ApiV2Attachment", &id);
    let seq = st.next_seq();
    let now = st.clock.stamp();
    let url_token = st.ids.token(20);
    st.attachments.insert(
        id.clone(),
        Attachment {
            id: id.clone(),
            legacy_id,
            seq,
            author_id: user.to_string(),
            name: name.to_string(),
            created: now,
            version: 1,
            content_type: content_type.to_string(),
            bytes,
            task_id: task_id.map(|s| s.to_string()),
            folder_id: folder_id.map(|s| s.to_string()),
            versions: vec![],
            url_token,
        },
    );
    let kind = if task_id.is_some() {
        "AttachmentAdded"
    } else {
        "FolderAttachmentAdded"
    };
    st.emit(kind, user, task_id, folder_id, json!({"attachmentId": id}));
    id
}

/// `POST /tasks/{id}/attachments` (raw body, `X-File-Name`).
pub fn create_on_task(st: &mut Store, cx: &Ctx, task_id: &str) -> ApiResult<Reply> {
    if st.tasks.get(task_id).is_none_or(|t| t.deleted) {
        return Err(ApiError::not_found("Task", task_id));
    }
    let (name, ct, bytes) = upload(cx)?;
    let id = add_attachment(st, &cx.user, Some(task_id), None, &name, &ct, bytes);
    Ok(Reply::data(
        "attachments",
        vec![attachment_json(&st.attachments[&id], None)],
    ))
}

/// `POST /folders/{id}/attachments` (raw body, `X-File-Name`).
pub fn create_on_folder(st: &mut Store, cx: &Ctx, folder_id: &str) -> ApiResult<Reply> {
    match st.folders.get(folder_id) {
        None => return Err(ApiError::not_found("Folder", folder_id)),
        Some(f) if f.scope != FolderScope::WsFolder => {
            return Err(ApiError::invalid_parameter("folderId"))
        }
        Some(_) => {}
    }
    let (name, ct, bytes) = upload(cx)?;
    let id = add_attachment(st, &cx.user, None, Some(folder_id), &name, &ct, bytes);
    Ok(Reply::data(
        "attachments",
        vec![attachment_json(&st.attachments[&id], None)],
    ))
}

/// `PUT /attachments/{id}` — a new version (raw body, `X-File-Name`); the ID stays the current
/// version's, earlier versions get their own IDs.
pub fn update(st: &mut Store, cx: &Ctx, id: &str) -> ApiResult<Reply> {
    if !st.attachments.contains_key(id) {
        return Err(ApiError::not_found("Attachment", id));
    }
    let (name, ct, bytes) = upload(cx)?;
    let vid = st.new_id("IY");
    let now = st.clock.stamp();
    let a = st.attachments.get_mut(id).expect("exists");
    a.versions.push(AttachmentVersion {
        id: vid,
        version: a.version,
        name: std::mem::replace(&mut a.name, name),
        created: a.created,
        content_type: std::mem::replace(&mut a.content_type, ct),
        bytes: std::mem::replace(&mut a.bytes, bytes),
        author_id: std::mem::replace(&mut a.author_id, cx.user.clone()),
    });
    a.version += 1;
    a.created = now;
    Ok(Reply::data("attachments", vec![attachment_json(a, None)]))
}

/// `DELETE /attachments/{id}` — no response model; answers an empty `attachments` envelope.
pub fn delete(st: &mut Store, cx: &Ctx, id: &str) -> ApiResult<Reply> {
    cx.params.allow_only(&[])?;
    let a = st
        .attachments
        .remove(id)
        .ok_or_else(|| ApiError::not_found("Attachment", id))?;
    let kind = if a.task_id.is_some() {
        "AttachmentDeleted"
    } else {
        "FolderAttachmentDeleted"
    };
    st.emit(
        kind,
        &cx.user,
        a.task_id.as_deref(),
        a.folder_id.as_deref(),
        json!({"attachmentId": id}),
    );
    Ok(Reply::data("attachments", vec![]))
}

/// Serves `/files/{id}/{token}/{name}` for the links from `/url` and `withUrls`.
pub fn serve_file(st: &Store, rest: &str) -> Option<(String, Arc<Vec<u8>>, String)> {
    let mut parts = rest.splitn(3, '/');
    let id = parts.next()?;
    let token = parts.next()?;
    let (a, v) = find(st, id)?;
    if a.url_token != token {
        return None;
    }
    Some(match v {
        Some(v) => (v.content_type.clone(), v.bytes.clone(), v.name.clone()),
        None => (a.content_type.clone(), a.bytes.clone(), a.name.clone()),
    })
}
