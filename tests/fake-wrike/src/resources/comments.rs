//! Comments (`API.md` §11.3).

use chrono::Duration as ChronoDuration;
use serde_json::{json, Map, Value};

use crate::api::*;
use crate::error::{ApiError, ApiResult};
use crate::params::{fmt_ts, TsRange};
use crate::store::{Comment, FolderScope, Store};

/// Renders a comment (HTML text unless `plain`).
pub fn comment_json(c: &Comment, plain: bool) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(c.id));
    m.insert("authorId".into(), json!(c.author_id));
    let text = if plain {
        strip_html(&c.text)
    } else {
        c.text.clone()
    };
    m.insert("text".into(), json!(text));
    m.insert("createdDate".into(), json!(fmt_ts(c.created)));
    m.insert("updatedDate".into(), json!(fmt_ts(c.updated)));
    if let Some(t) = &c.task_id {
        m.insert("taskId".into(), json!(t));
    }
    if let Some(f) = &c.folder_id {
        m.insert("folderId".into(), json!(f));
    }
    Value::Object(m)
}

fn visible(st: &Store, c: &Comment) -> bool {
    match (&c.task_id, &c.folder_id) {
        (Some(t), _) => st.tasks.get(t).is_some_and(|t| !t.deleted),
        (_, Some(f)) => st
            .folders
            .get(f)
            .is_some_and(|f| f.scope == FolderScope::WsFolder),
        _ => false,
    }
}

/// `GET /comments` — `plainText`, `updatedDate` (range < 7 days; default the last 7 days), `limit`.
///
/// [U] A range with only `start` ends 7 days − 1 s later (and vice versa for only `end`), so a
/// poller can walk old history in week-long steps; a range of 7 days or more, or one whose end
/// precedes its start, is `400 invalid_parameter` naming `updatedDate`. Newest first [U].
pub fn list(st: &mut Store, cx: &Ctx) -> ApiResult<Reply> {
    let p = &cx.params;
    p.allow_only(&["plainText", "updatedDate", "limit", "fields"])?;
    let plain = p.bool("plainText")?.unwrap_or(false);
    let limit = limit_param(p)?.unwrap_or(1000);
    let week = ChronoDuration::days(7);
    let second = ChronoDuration::seconds(1);
    let now = st.clock.now();
    let range = match p.ts_range("updatedDate")? {
        None => TsRange {
            start: Some(now - week + second),
            end: Some(now + second),
        },
        Some(TsRange {
            start: Some(s),
            end: Some(e),
        }) => {
            if e < s || e - s >= week {
                return Err(ApiError::invalid_parameter_msg(
                    "Parameter 'updatedDate' value is invalid: the range must be less than 7 days",
                ));
            }
            TsRange {
                start: Some(s),
                end: Some(e),
            }
        }
        Some(TsRange {
            start: Some(s),
            end: None,
        }) => TsRange {
            start: Some(s),
            end: Some(s + week - second),
        },
        Some(TsRange {
            start: None,
            end: Some(e),
        }) => TsRange {
            start: Some(e - week + second),
            end: Some(e),
        },
        Some(TsRange {
            start: None,
            end: None,
        }) => return Err(ApiError::invalid_parameter("updatedDate")),
    };
    let mut v: Vec<&Comment> = st
        .comments
        .values()
        .filter(|c| visible(st, c) && range.contains(c.updated))
        .collect();
    v.sort_by(|a, b| b.updated.cmp(&a.updated).then(b.seq.cmp(&a.seq)));
    v.truncate(limit);
    let data = v.into_iter().map(|c| comment_json(c, plain)).collect();
    Ok(Reply::data("comments", data))
}

/// `GET /tasks/{taskId}/comments` — oldest first [U].
pub fn list_for_task(st: &mut Store, cx: &Ctx, task_id: &str) -> ApiResult<Reply> {
    cx.params.allow_only(&["plainText", "fields"])?;
    let plain = cx.params.bool("plainText")?.unwrap_or(false);
    if !st.tasks.contains_key(task_id) {
        return Err(ApiError::not_found("Task", task_id));
    }
    let mut v: Vec<&Comment> = st
        .comments
        .values()
        .filter(|c| c.task_id.as_deref() == Some(task_id))
        .collect();
    v.sort_by_key(|c| c.seq);
    Ok(Reply::data(
        "comments",
        v.into_iter().map(|c| comment_json(c, plain)).collect(),
    ))
}

/// `GET /folders/{folderId}/comments` — oldest first [U].
pub fn list_for_folder(st: &mut Store, cx: &Ctx, folder_id: &str) -> ApiResult<Reply> {
    cx.params.allow_only(&["plainText", "fields"])?;
    let plain = cx.params.bool("plainText")?.unwrap_or(false);
    if !st.folders.contains_key(folder_id) {
        return Err(ApiError::not_found("Folder", folder_id));
    }
    let mut v: Vec<&Comment> = st
        .comments
        .values()
        .filter(|c| c.folder_id.as_deref() == Some(folder_id))
        .collect();
    v.sort_by_key(|c| c.seq);
    Ok(Reply::data(
        "comments",
        v.into_iter().map(|c| comment_json(c, plain)).collect(),
    ))
}

/// `GET /comments/{ids}`.
pub fn get(st: &mut Store, cx: &Ctx, ids: &[String]) -> ApiResult<Reply> {
    cx.params.allow_only(&["plainText", "fields"])?;
    let plain = cx.params.bool("plainText")?.unwrap_or(false);
    let mut data = Vec::new();
    for id in ids {
        let c = st
            .comments
            .get(id)
            .ok_or_else(|| ApiError::not_found("Comment", id))?;
        data.push(comment_json(c, plain));
    }
    Ok(Reply::data("comments", data))
}

/// The comment text from `text*` and `plainText` (plain text is escaped into HTML).
fn text_param(cx: &Ctx) -> ApiResult<(String, bool)> {
    let p = &cx.params;
    let text = p.str("text")?.unwrap_or_default();
    if text.trim().is_empty() {
        return Err(ApiError::parameter_required("text"));
    }
    let plain = p.bool("plainText")?.unwrap_or(false);
    let html = if plain { text_to_html(&text) } else { text };
    Ok((html, plain))
}

/// Adds a comment directly; returns its ID.
pub fn add_comment(
    st: &mut Store,
    user: &str,
    task_id: Option<&str>,
    folder_id: Option<&str>,
    html: String,
) -> String {
    let id = st.new_id("IM");
    let legacy_id = st.new_legacy("ApiV2Comment", &id);
    let seq = st.next_seq();
    let now = st.clock.stamp();
    st.comments.insert(
        id.clone(),
        Comment {
            id: id.clone(),
            legacy_id,
            seq,
            author_id: user.to_string(),
            text: html,
            created: now,
            updated: now,
            task_id: task_id.map(|s| s.to_string()),
            folder_id: folder_id.map(|s| s.to_string()),
        },
    );
    let text = st.comments[&id].text.clone();
    let kind = if task_id.is_some() {
        "CommentAdded"
    } else {
        "FolderCommentAdded"
    };
    st.emit(
        kind,
        user,
        task_id,
        folder_id,
        json!({"commentId": id, "comment": {"text": text}}),
    );
    id
}

/// `POST /tasks/{taskId}/comments` — `text*`, `plainText`.
pub fn create_on_task(st: &mut Store, cx: &Ctx, task_id: &str) -> ApiResult<Reply> {
    cx.params.allow_only(&["text", "plainText", "fields"])?;
    if !st.tasks.contains_key(task_id) {
        return Err(ApiError::not_found("Task", task_id));
    }
    let (html, plain) = text_param(cx)?;
    let id = add_comment(st, &cx.user, Some(task_id), None, html);
    Ok(Reply::data(
        "comments",
        vec![comment_json(&st.comments[&id], plain)],
    ))
}

/// `POST /folders/{folderId}/comments` — Root and Recycle Bin cannot hold comments.
pub fn create_on_folder(st: &mut Store, cx: &Ctx, folder_id: &str) -> ApiResult<Reply> {
    cx.params.allow_only(&["text", "plainText", "fields"])?;
    match st.folders.get(folder_id) {
        None => return Err(ApiError::not_found("Folder", folder_id)),
        Some(f) if f.is_virtual() => return Err(ApiError::invalid_parameter("folderId")),
        Some(_) => {}
    }
    let (html, plain) = text_param(cx)?;
    let id = add_comment(st, &cx.user, None, Some(folder_id), html);
    Ok(Reply::data(
        "comments",
        vec![comment_json(&st.comments[&id], plain)],
    ))
}

/// `PUT /comments/{id}` — `text*`, `plainText`; only within 5 minutes of creation, own comments.
pub fn update(st: &mut Store, cx: &Ctx, id: &str) -> ApiResult<Reply> {
    cx.params.allow_only(&["text", "plainText", "fields"])?;
    let c = st
        .comments
        .get(id)
        .ok_or_else(|| ApiError::not_found("Comment", id))?;
    if c.author_id != cx.user {
        return Err(ApiError::access_forbidden(
            "Only the author can modify a comment",
        ));
    }
    if st.clock.now() - c.created > ChronoDuration::minutes(5) {
        // [U] the code for an edit after the 5-minute window is not documented.
        return Err(ApiError::not_allowed(
            "A comment can be modified only during the 5 minutes after creation",
        ));
    }
    let (html, plain) = text_param(cx)?;
    let now = st.clock.stamp();
    let c = st.comments.get_mut(id).expect("exists");
    c.text = html;
    c.updated = now;
    Ok(Reply::data("comments", vec![comment_json(c, plain)]))
}

/// `DELETE /comments/{id}` — no response model; answers an empty `comments` envelope.
pub fn delete(st: &mut Store, cx: &Ctx, id: &str) -> ApiResult<Reply> {
    cx.params.allow_only(&[])?;
    let c = st
        .comments
        .get(id)
        .ok_or_else(|| ApiError::not_found("Comment", id))?;
    if c.author_id != cx.user && !st.contact(&cx.user).is_some_and(|u| u.admin) {
        return Err(ApiError::access_forbidden(
            "Only the author can delete a comment",
        ));
    }
    if let Some(c) = st.comments.remove(id) {
        let kind = if c.task_id.is_some() {
            "CommentDeleted"
        } else {
            "FolderCommentDeleted"
        };
        st.emit(
            kind,
            &cx.user,
            c.task_id.as_deref(),
            c.folder_id.as_deref(),
            json!({"commentId": id}),
        );
    }
    Ok(Reply::data("comments", vec![]))
}
