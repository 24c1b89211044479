//! Approvals (API.md §11.6): `create_approval`, `get_approval_by_id`, `list_approvals`,
//! `search_approvals`, `update_approval`, `cancel_approval`.

use serde_json::{Map, Value};

use super::{first_or_empty, normalize_ts_range, owner};
use crate::error::{Error, Result};
use crate::input::parse;
use crate::scopes::{R, W};
use crate::table::Action;
use crate::wrike::{path, Client, Params};

/// The approval actions.
pub const ACTIONS: &[Action] = &[
    Action {
        name: "create_approval",
        title: "Create approval",
        description: "Start an approval on a task or folder (POST /tasks/{taskId}/approvals or /folders/{folderId}/approvals).",
        scopes: W,
        input_schema: crate::schema!("create_approval.input"),
        output_schema: crate::schema!("approval.output"),
        run: create,
    },
    Action {
        name: "get_approval_by_id",
        title: "Get approval by ID",
        description: "Fetch one approval (GET /approvals/{approvalId}).",
        scopes: R,
        input_schema: crate::schema!("get_approval_by_id.input"),
        output_schema: crate::schema!("approval.output"),
        run: get,
    },
    Action {
        name: "list_approvals",
        title: "List approvals",
        description: "List the approvals of a task or folder (GET /tasks/{taskId}/approvals or /folders/{folderId}/approvals).",
        scopes: R,
        input_schema: crate::schema!("list_approvals.input"),
        output_schema: crate::schema!("approval_list.output"),
        run: list,
    },
    Action {
        name: "search_approvals",
        title: "Search approvals",
        description: "Search the approvals shared with the user by status, date and approvers (GET /approvals). Paged: pass nextPageToken with the same inputs to continue.",
        scopes: R,
        input_schema: crate::schema!("search_approvals.input"),
        output_schema: crate::schema!("approval_list.output"),
        run: search,
    },
    Action {
        name: "update_approval",
        title: "Update approval",
        description: "Change an approval's description, due date, approvers or attachments (PUT /approvals/{approvalId}).",
        scopes: W,
        input_schema: crate::schema!("update_approval.input"),
        output_schema: crate::schema!("approval.output"),
        run: update,
    },
    Action {
        name: "cancel_approval",
        title: "Cancel approval",
        description: "Cancel an approval (DELETE /approvals/{approvalId}); returns the approval when Wrike does.",
        scopes: W,
        input_schema: crate::schema!("cancel_approval.input"),
        output_schema: crate::schema!("approval.output"),
        run: cancel,
    },
];

const OWNERS: [(&str, &str); 2] = [("taskId", "tasks"), ("folderId", "folders")];

fn owner_path(input: &Map<String, Value>) -> Result<String> {
    let (seg, id) = owner(input, &OWNERS)
        .ok_or_else(|| Error::invalid("taskId", "one of taskId, folderId is required"))?;
    Ok(path(&[seg, id, "approvals"]))
}

fn create(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    parse::<wrike_types::approvals::CreateApproval>(input)?;
    let p = owner_path(input)?;
    client
        .post(&p, Params::from_input(input, &["taskId", "folderId"]))?
        .first()
}

fn get(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let typed: wrike_types::approvals::GetApprovalById = parse(input)?;
    let id = typed.approval_id.as_str();
    client
        .get(&path(&["approvals", id]), &Params::new())?
        .first()
}

fn list(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    parse::<wrike_types::approvals::ListApprovals>(input)?;
    let p = owner_path(input)?;
    Ok(client.get(&p, &Params::new())?.into_list())
}

fn search(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    parse::<wrike_types::approvals::SearchApprovals>(input)?;
    let mut q = Params::from_input(input, &[]);
    normalize_ts_range(&mut q, input, "updatedDate")?;
    Ok(client.get("/approvals", &q)?.into_list())
}

fn update(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let typed: wrike_types::approvals::UpdateApproval = parse(input)?;
    let id = typed.approval_id.as_str();
    client
        .put(
            &path(&["approvals", id]),
            Params::from_input(input, &["approvalId"]),
        )?
        .first()
}

fn cancel(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let typed: wrike_types::approvals::CancelApproval = parse(input)?;
    let id = typed.approval_id.as_str();
    Ok(first_or_empty(client.delete(&path(&["approvals", id]))?))
}

#[cfg(test)]
mod tests {
    use crate::catalog::execute;
    use crate::env::Method;
    use crate::error::Error;
    use crate::testing::{ok, refusal, MockEnv, BASE};
    use serde_json::{json, Value};

    const APPROVAL: &str = r#"{"kind":"approvals","data":[{"id":"AP","taskId":"T","authorId":"U","status":"Pending","decisions":[]}]}"#;

    fn run(env: &mut MockEnv, action: &str, input: Value) -> Result<Value, Error> {
        execute(env, BASE, action, &input.to_string()).map(|s| serde_json::from_str(&s).unwrap())
    }

    #[test]
    fn create_requires_exactly_one_owner() {
        let mut env = MockEnv::new(vec![ok(APPROVAL), ok(APPROVAL)]);
        let out = run(&mut env, "create_approval", json!({"taskId": "T", "approvers": ["U"], "dueDate": "2024-02-01", "autoFinishOnReject": false})).unwrap();
        assert_eq!(out["id"], "AP");
        assert_eq!(env.path(0), "/api/v4/tasks/T/approvals");
        assert_eq!(env.form_param(0, "approvers").as_deref(), Some(r#"["U"]"#));
        assert_eq!(
            env.form_param(0, "autoFinishOnReject").as_deref(),
            Some("false")
        );
        run(&mut env, "create_approval", json!({"folderId": "F"})).unwrap();
        assert_eq!(env.path(1), "/api/v4/folders/F/approvals");
        assert_eq!(env.form(1), vec![]);
        // "exactly one of taskId, folderId": the host refuses the input as a whole (oneOf), the
        // guest's own check names the field.
        assert_eq!(refusal(&mut env, "create_approval", json!({})), "taskId");
        assert_eq!(
            refusal(
                &mut env,
                "list_approvals",
                json!({"taskId": "T", "folderId": "F"})
            ),
            ""
        );
    }

    #[test]
    fn get_list_search_update_cancel() {
        let paged = r#"{"kind":"approvals","nextPageToken":"N","data":[{"id":"AP"}]}"#;
        let mut env = MockEnv::new(vec![
            ok(APPROVAL),
            ok(APPROVAL),
            ok(paged),
            ok(APPROVAL),
            ok(APPROVAL),
        ]);
        assert_eq!(
            run(&mut env, "get_approval_by_id", json!({"approvalId": "AP"})).unwrap()["id"],
            "AP"
        );
        assert_eq!(env.path(0), "/api/v4/approvals/AP");
        assert_eq!(
            run(&mut env, "list_approvals", json!({"folderId": "F"})).unwrap()["items"][0]["id"],
            "AP"
        );
        assert_eq!(env.path(1), "/api/v4/folders/F/approvals");
        let out = run(
            &mut env,
            "search_approvals",
            json!({"statuses": ["Pending"], "pageSize": 50, "pendingApprovers": ["U"]}),
        )
        .unwrap();
        assert_eq!(out["nextPageToken"], "N");
        assert_eq!(env.path(2), "/api/v4/approvals");
        assert_eq!(
            env.query_param(2, "statuses").as_deref(),
            Some(r#"["Pending"]"#)
        );
        run(
            &mut env,
            "update_approval",
            json!({"approvalId": "AP", "addApprovers": ["U2"]}),
        )
        .unwrap();
        assert_eq!(env.requests[3].method, Method::Put);
        assert_eq!(
            env.form(3),
            vec![("addApprovers".into(), r#"["U2"]"#.into())]
        );
        run(&mut env, "cancel_approval", json!({"approvalId": "AP"})).unwrap();
        assert_eq!(env.requests[4].method, Method::Delete);
        assert_eq!(env.path(4), "/api/v4/approvals/AP");
    }
}
