//! Approvals (`API.md` §11.6).
//!
//! An approval without approvers is a `Draft`; with approvers it is `Pending` until every
//! approver approves (`Approved`) or one rejects (`Rejected`); `DELETE` cancels it
//! (`Cancelled`). [U] M-DUMP's model has no `id` or `status` member; the fake renders both.

use serde_json::{json, Map, Value};

use crate::api::*;
use crate::error::{ApiError, ApiResult};
use crate::params::{fmt_ts, Params};
use crate::store::{Approval, Decision, FolderScope, Store};

const STATUSES: &[&str] = &["Pending", "Approved", "Rejected", "Cancelled", "Draft"];

/// Renders an approval.
pub fn approval_json(a: &Approval) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(a.id));
    if let Some(t) = &a.task_id {
        m.insert("taskId".into(), json!(t));
    }
    if let Some(f) = &a.folder_id {
        m.insert("folderId".into(), json!(f));
    }
    m.insert("authorId".into(), json!(a.author_id));
    m.insert("title".into(), json!(a.title));
    m.insert("description".into(), json!(a.description));
    m.insert("updatedDate".into(), json!(fmt_ts(a.updated)));
    if let Some(d) = a.due_date {
        m.insert("dueDate".into(), json!(d.format("%Y-%m-%d").to_string()));
    }
    m.insert(
        "decisions".into(),
        Value::Array(
            a.decisions
                .iter()
                .map(|d| {
                    json!({
                        "approverId": d.approver_id,
                        "comment": d.comment,
                        "status": d.status,
                        "updatedDate": fmt_ts(d.updated),
                    })
                })
                .collect(),
        ),
    );
    m.insert("attachmentIds".into(), json!(a.attachment_ids));
    m.insert("type".into(), json!("Regular"));
    m.insert(
        "autoFinishOnApprove".into(),
        json!(a.auto_finish_on_approve),
    );
    m.insert("autoFinishOnReject".into(), json!(a.auto_finish_on_reject));
    m.insert("finished".into(), json!(a.finished));
    if let Some(f) = &a.finisher_id {
        m.insert("finisherId".into(), json!(f));
    }
    m.insert("status".into(), json!(a.status));
    Value::Object(m)
}

/// Recomputes the status from the decisions (not for cancelled approvals).
pub fn recompute(a: &mut Approval, actor: &str) {
    if a.status == "Cancelled" {
        return;
    }
    if a.decisions.is_empty() {
        a.status = "Draft".into();
        a.finished = false;
        a.finisher_id = None;
        return;
    }
    let rejected = a.decisions.iter().any(|d| d.status == "Rejected");
    let all_approved = a.decisions.iter().all(|d| d.status == "Approved");
    if rejected {
        a.status = "Rejected".into();
        if a.auto_finish_on_reject && !a.finished {
            a.finished = true;
            a.finisher_id = Some(actor.to_string());
        }
    } else if all_approved {
        a.status = "Approved".into();
        if a.auto_finish_on_approve && !a.finished {
            a.finished = true;
            a.finisher_id = Some(actor.to_string());
        }
    } else {
        a.status = "Pending".into();
        a.finished = false;
        a.finisher_id = None;
    }
}

/// `GET /approvals` — `statuses`, `updatedDate`, `approvers`, `pendingApprovers`, `limit`,
/// `pageSize`, `nextPageToken`.
pub fn list(st: &mut Store, cx: &Ctx) -> ApiResult<Reply> {
    cx.params.allow_only(&[
        "statuses",
        "updatedDate",
        "approvers",
        "pendingApprovers",
        "limit",
        "pageSize",
        "nextPageToken",
    ])?;
    let (page, _params, extra) = paged_list(st, cx, None, list_ids)?;
    let data = page
        .iter()
        .filter_map(|id| st.approvals.get(id))
        .map(approval_json)
        .collect();
    Ok(Reply::Data {
        kind: "approvals",
        data,
        extra,
    })
}

fn list_ids(st: &mut Store, p: &Params) -> ApiResult<Vec<String>> {
    let statuses = p.enum_list("statuses", STATUSES)?;
    let updated = p.ts_range("updatedDate")?;
    let approvers = p.str_list("approvers")?;
    let pending = p.str_list("pendingApprovers")?;
    let limit = limit_param(p)?;
    let mut v: Vec<&Approval> = st
        .approvals
        .values()
        .filter(|a| statuses.as_ref().is_none_or(|s| s.contains(&a.status)))
        .filter(|a| updated.is_none_or(|r| r.contains(a.updated)))
        .filter(|a| {
            approvers
                .as_ref()
                .is_none_or(|ap| a.decisions.iter().any(|d| ap.contains(&d.approver_id)))
        })
        .filter(|a| {
            pending.as_ref().is_none_or(|ap| {
                a.decisions
                    .iter()
                    .any(|d| d.status == "Pending" && ap.contains(&d.approver_id))
            })
        })
        .collect();
    v.sort_by_key(|a| a.seq);
    let mut ids: Vec<String> = v.into_iter().map(|a| a.id.clone()).collect();
    if let Some(l) = limit {
        ids.truncate(l);
    }
    Ok(ids)
}

/// `GET /tasks/{id}/approvals`, `GET /folders/{id}/approvals`.
pub fn list_for(
    st: &mut Store,
    cx: &Ctx,
    task: Option<&str>,
    folder: Option<&str>,
) -> ApiResult<Reply> {
    cx.params.allow_only(&[])?;
    if let Some(t) = task {
        if !st.tasks.contains_key(t) {
            return Err(ApiError::not_found("Task", t));
        }
    }
    if let Some(f) = folder {
        if !st.folders.contains_key(f) {
            return Err(ApiError::not_found("Folder", f));
        }
    }
    let mut v: Vec<&Approval> = st
        .approvals
        .values()
        .filter(|a| {
            (task.is_some() && a.task_id.as_deref() == task)
                || (folder.is_some() && a.folder_id.as_deref() == folder)
        })
        .collect();
    v.sort_by_key(|a| a.seq);
    Ok(Reply::data(
        "approvals",
        v.into_iter().map(approval_json).collect(),
    ))
}

/// `GET /approvals/{ids}`.
pub fn get(st: &mut Store, cx: &Ctx, ids: &[String]) -> ApiResult<Reply> {
    cx.params.allow_only(&[])?;
    let mut data = Vec::new();
    for id in ids {
        let a = st
            .approvals
            .get(id)
            .ok_or_else(|| ApiError::not_found("Approval", id))?;
        data.push(approval_json(a));
    }
    Ok(Reply::data("approvals", data))
}

fn due_param(p: &Params) -> ApiResult<Option<Option<chrono::NaiveDate>>> {
    if !p.has("dueDate") {
        return Ok(None);
    }
    match p.str("dueDate")? {
        None => Ok(Some(None)),
        Some(s) if s.is_empty() => Ok(Some(None)),
        Some(s) => parse_date(&s)
            .map(|d| Some(Some(d)))
            .ok_or_else(|| ApiError::invalid_parameter("dueDate")),
    }
}

fn check_attachments(st: &Store, name: &str, ids: &[String]) -> ApiResult<()> {
    if ids.iter().all(|i| st.attachments.contains_key(i)) {
        Ok(())
    } else {
        Err(ApiError::invalid_parameter(name))
    }
}

/// `POST /tasks/{id}/approvals`, `POST /folders/{id}/approvals`.
pub fn create(
    st: &mut Store,
    cx: &Ctx,
    task: Option<&str>,
    folder: Option<&str>,
) -> ApiResult<Reply> {
    let p = &cx.params;
    p.allow_only(&[
        "description",
        "dueDate",
        "approvers",
        "attachments",
        "autoFinishOnApprove",
        "autoFinishOnReject",
    ])?;
    if let Some(t) = task {
        if st.tasks.get(t).is_none_or(|t| t.deleted) {
            return Err(ApiError::not_found("Task", t));
        }
    }
    if let Some(f) = folder {
        match st.folders.get(f) {
            None => return Err(ApiError::not_found("Folder", f)),
            Some(x) if x.scope != FolderScope::WsFolder => {
                return Err(ApiError::invalid_parameter("folderId"))
            }
            Some(_) => {}
        }
    }
    let description = p.str("description")?.unwrap_or_default();
    let due = due_param(p)?.flatten();
    let approvers = p.str_list("approvers")?.unwrap_or_default();
    check_contacts(st, "approvers", &approvers)?;
    let attachments = p.str_list("attachments")?.unwrap_or_default();
    check_attachments(st, "attachments", &attachments)?;
    let afa = p.bool("autoFinishOnApprove")?.unwrap_or(true);
    let afr = p.bool("autoFinishOnReject")?.unwrap_or(true);
    let id = st.new_id("JB");
    let seq = st.next_seq();
    let now = st.clock.stamp();
    let mut dedup = Vec::new();
    add_all(&mut dedup, &approvers);
    let mut a = Approval {
        id: id.clone(),
        seq,
        task_id: task.map(|s| s.to_string()),
        folder_id: folder.map(|s| s.to_string()),
        author_id: cx.user.clone(),
        title: String::new(),
        description,
        updated: now,
        due_date: due,
        decisions: dedup
            .into_iter()
            .map(|ap| Decision {
                approver_id: ap,
                comment: String::new(),
                status: "Pending".into(),
                updated: now,
            })
            .collect(),
        attachment_ids: attachments,
        status: "Draft".into(),
        auto_finish_on_approve: afa,
        auto_finish_on_reject: afr,
        finished: false,
        finisher_id: None,
    };
    recompute(&mut a, &cx.user);
    let out = approval_json(&a);
    st.approvals.insert(id, a);
    Ok(Reply::data("approvals", vec![out]))
}

/// `PUT /approvals/{id}` — `description, dueDate, addApprovers, removeApprovers, addAttachments,
/// removeAttachments, autoFinishOnApprove, autoFinishOnReject`. Cancelled approvals cannot change.
pub fn update(st: &mut Store, cx: &Ctx, id: &str) -> ApiResult<Reply> {
    let p = &cx.params;
    p.allow_only(&[
        "description",
        "dueDate",
        "addApprovers",
        "removeApprovers",
        "addAttachments",
        "removeAttachments",
        "autoFinishOnApprove",
        "autoFinishOnReject",
    ])?;
    let mut a = st
        .approvals
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("Approval", id))?;
    if a.status == "Cancelled" {
        return Err(ApiError::not_allowed("The approval is cancelled"));
    }
    let now = st.clock.stamp();
    if let Some(d) = p.str("description")? {
        a.description = d;
    }
    if let Some(d) = due_param(p)? {
        a.due_date = d;
    }
    if let Some(v) = p.str_list("addApprovers")? {
        check_contacts(st, "addApprovers", &v)?;
        for ap in v {
            if !a.decisions.iter().any(|d| d.approver_id == ap) {
                a.decisions.push(Decision {
                    approver_id: ap,
                    comment: String::new(),
                    status: "Pending".into(),
                    updated: now,
                });
            }
        }
    }
    if let Some(v) = p.str_list("removeApprovers")? {
        a.decisions.retain(|d| !v.contains(&d.approver_id));
    }
    if let Some(v) = p.str_list("addAttachments")? {
        check_attachments(st, "addAttachments", &v)?;
        add_all(&mut a.attachment_ids, &v);
    }
    if let Some(v) = p.str_list("removeAttachments")? {
        remove_all(&mut a.attachment_ids, &v);
    }
    if let Some(b) = p.bool("autoFinishOnApprove")? {
        a.auto_finish_on_approve = b;
    }
    if let Some(b) = p.bool("autoFinishOnReject")? {
        a.auto_finish_on_reject = b;
    }
    a.updated = now;
    recompute(&mut a, &cx.user);
    let out = approval_json(&a);
    st.approvals.insert(id.to_string(), a);
    Ok(Reply::data("approvals", vec![out]))
}

/// `DELETE /approvals/{id}` — cancels the approval and returns it.
pub fn cancel(st: &mut Store, cx: &Ctx, id: &str) -> ApiResult<Reply> {
    cx.params.allow_only(&[])?;
    if !st.approvals.contains_key(id) {
        return Err(ApiError::not_found("Approval", id));
    }
    let now = st.clock.stamp();
    let a = st.approvals.get_mut(id).expect("exists");
    if a.status != "Cancelled" {
        a.status = "Cancelled".into();
        a.finished = true;
        a.finisher_id = Some(cx.user.clone());
        a.updated = now;
    }
    Ok(Reply::data("approvals", vec![approval_json(a)]))
}

/// Records an approver's decision (`Approved`, `Rejected` or `Pending`) — test helper.
pub fn decide(
    st: &mut Store,
    id: &str,
    approver: &str,
    status: &str,
    comment: &str,
) -> ApiResult<()> {
    if !["Approved", "Rejected", "Pending"].contains(&status) {
        return Err(ApiError::invalid_parameter("status"));
    }
    let now = st.clock.stamp();
    let a = st
        .approvals
        .get_mut(id)
        .ok_or_else(|| ApiError::not_found("Approval", id))?;
    let d = a
        .decisions
        .iter_mut()
        .find(|d| d.approver_id == approver)
        .ok_or_else(|| ApiError::invalid_parameter("approverId"))?;
    d.status = status.to_string();
    d.comment = comment.to_string();
    d.updated = now;
    a.updated = now;
    let actor = approver.to_string();
    recompute(a, &actor);
    Ok(())
}
