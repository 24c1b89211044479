//! Approvals (API.md §11.6): `create_approval`, `get_approval_by_id`, `list_approvals`,
//! `search_approvals`, `update_approval`, `cancel_approval`.

use serde_json::{Map, Value};

use super::{first_or_empty, normalize_ts_range, owner, req_str};
use crate::catalog::{Action, R, W};
use crate::error::{Error, Result};
use crate::wrike::{path, Client, Params};

/// Members of a Wrike approval object schema (API.md §12; `id` is expected but unconfirmed).
#[macro_export]
#[doc(hidden)]
macro_rules! s_approval_body {
    () => {
        r#""type":"object","properties":{"id":{"type":"string"},"taskId":{"type":"string"},"folderId":{"type":"string"},"authorId":{"type":"string"},"title":{"type":"string"},"description":{"type":"string"},"updatedDate":{"type":"string","format":"date-time"},"dueDate":{"type":"string"},"status":{"type":"string","enum":["Pending","Approved","Rejected","Cancelled","Draft"]},"decisions":{"type":"array","items":{"type":"object","properties":{"approverId":{"type":"string"},"comment":{"type":"string"},"status":{"type":"string","enum":["Pending","Approved","Rejected"]},"updatedDate":{"type":"string","format":"date-time"}}}},"attachmentIds":{"type":"array","items":{"type":"string"}},"type":{"type":"string","enum":["Regular","FilesOnly"]},"autoFinishOnApprove":{"type":"boolean"},"autoFinishOnReject":{"type":"boolean"},"finished":{"type":"boolean"},"finisherId":{"type":"string"}}"#
    };
}

/// A Wrike approval object schema.
#[macro_export]
#[doc(hidden)]
macro_rules! s_approval {
    () => {
        concat!("{", $crate::s_approval_body!(), "}")
    };
}

macro_rules! owner_props {
    () => {
        concat!(
            r#""taskId":"#,
            crate::s_id!(),
            r#","folderId":"#,
            crate::s_id!()
        )
    };
}

macro_rules! exactly_one_owner {
    () => {
        r#""oneOf":[{"required":["taskId"]},{"required":["folderId"]}]"#
    };
}

const CREATE_INPUT: &str = concat!(
    "{",
    crate::s_draft!(),
    r#","type":"object","additionalProperties":false,"#,
    exactly_one_owner!(),
    r#","properties":{"#,
    owner_props!(),
    r#","description":{"type":"string"},"dueDate":"#,
    crate::s_date!(),
    r#","approvers":"#,
    crate::s_ids!(),
    r#","attachments":"#,
    crate::s_ids!(),
    r#","autoFinishOnApprove":{"type":"boolean","default":true},"autoFinishOnReject":{"type":"boolean","default":true}},"description":"A draft approval when no approvers are given, else pending."}"#
);

const ID_INPUT: &str = crate::s_input!([r#""approvalId""#], r#""approvalId":"#, crate::s_id!());

const LIST_INPUT: &str = concat!(
    "{",
    crate::s_draft!(),
    r#","type":"object","additionalProperties":false,"#,
    exactly_one_owner!(),
    r#","properties":{"#,
    owner_props!(),
    "}}"
);

const SEARCH_INPUT: &str = crate::s_input!(
    [""],
    r#""statuses":{"type":"array","minItems":1,"uniqueItems":true,"items":{"type":"string","enum":["Pending","Approved","Rejected","Cancelled","Draft"]}},"updatedDate":"#,
    crate::s_ts_range!(),
    r#","approvers":"#,
    crate::s_ids!(),
    r#","pendingApprovers":"#,
    crate::s_ids!(),
    r#","limit":{"type":"integer","minimum":1},"pageSize":{"type":"integer","minimum":1,"maximum":1000},"nextPageToken":{"type":"string","minLength":1}"#
);

const UPDATE_INPUT: &str = crate::s_input!(
    [r#""approvalId""#],
    r#""approvalId":"#,
    crate::s_id!(),
    r#","description":{"type":"string"},"dueDate":"#,
    crate::s_date!(),
    r#","addApprovers":"#,
    crate::s_ids!(),
    r#","removeApprovers":"#,
    crate::s_ids!(),
    r#","addAttachments":"#,
    crate::s_ids!(),
    r#","removeAttachments":"#,
    crate::s_ids!(),
    r#","autoFinishOnApprove":{"type":"boolean"},"autoFinishOnReject":{"type":"boolean"}"#
);

/// The approval actions.
pub const ACTIONS: &[Action] = &[
    Action {
        name: "create_approval",
        title: "Create approval",
        description: "Start an approval on a task or folder (POST /tasks/{taskId}/approvals or /folders/{folderId}/approvals).",
        scopes: W,
        input_schema: CREATE_INPUT,
        output_schema: crate::s_output!(crate::s_approval_body!()),
        run: create,
    },
    Action {
        name: "get_approval_by_id",
        title: "Get approval by ID",
        description: "Fetch one approval (GET /approvals/{approvalId}).",
        scopes: R,
        input_schema: ID_INPUT,
        output_schema: crate::s_output!(crate::s_approval_body!()),
        run: get,
    },
    Action {
        name: "list_approvals",
        title: "List approvals",
        description: "List the approvals of a task or folder (GET /tasks/{taskId}/approvals or /folders/{folderId}/approvals).",
        scopes: R,
        input_schema: LIST_INPUT,
        output_schema: crate::s_list!(crate::s_approval!()),
        run: list,
    },
    Action {
        name: "search_approvals",
        title: "Search approvals",
        description: "Search the approvals shared with the user by status, date and approvers (GET /approvals). Paged: pass nextPageToken with the same inputs to continue.",
        scopes: R,
        input_schema: SEARCH_INPUT,
        output_schema: crate::s_list!(crate::s_approval!()),
        run: search,
    },
    Action {
        name: "update_approval",
        title: "Update approval",
        description: "Change an approval's description, due date, approvers or attachments (PUT /approvals/{approvalId}).",
        scopes: W,
        input_schema: UPDATE_INPUT,
        output_schema: crate::s_output!(crate::s_approval_body!()),
        run: update,
    },
    Action {
        name: "cancel_approval",
        title: "Cancel approval",
        description: "Cancel an approval (DELETE /approvals/{approvalId}); returns the approval when Wrike does.",
        scopes: W,
        input_schema: ID_INPUT,
        output_schema: crate::s_output!(crate::s_approval_body!()),
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
    let p = owner_path(input)?;
    client
        .post(&p, Params::from_input(input, &["taskId", "folderId"]))?
        .first()
}

fn get(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let id = req_str(input, "approvalId")?;
    client
        .get(&path(&["approvals", id]), &Params::new())?
        .first()
}

fn list(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let p = owner_path(input)?;
    Ok(client.get(&p, &Params::new())?.into_list())
}

fn search(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let mut q = Params::from_input(input, &[]);
    normalize_ts_range(&mut q, input, "updatedDate")?;
    Ok(client.get("/approvals", &q)?.into_list())
}

fn update(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let id = req_str(input, "approvalId")?;
    client
        .put(
            &path(&["approvals", id]),
            Params::from_input(input, &["approvalId"]),
        )?
        .first()
}

fn cancel(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let id = req_str(input, "approvalId")?;
    Ok(first_or_empty(client.delete(&path(&["approvals", id]))?))
}

#[cfg(test)]
mod tests {
    use crate::catalog::execute;
    use crate::env::Method;
    use crate::error::Error;
    use crate::testing::{ok, MockEnv, BASE};
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
        match run(&mut env, "create_approval", json!({})) {
            Err(Error::InvalidInput { field, message }) => {
                assert_eq!(field, "taskId");
                assert!(message.contains("folderId"));
            }
            other => panic!("{other:?}"),
        }
        match run(
            &mut env,
            "list_approvals",
            json!({"taskId": "T", "folderId": "F"}),
        ) {
            Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "folderId"),
            other => panic!("{other:?}"),
        }
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
