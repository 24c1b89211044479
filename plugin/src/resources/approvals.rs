//! Approvals (API.md §11.6): `create_approval`, `get_approval_by_id`, `list_approvals`,
//! `search_approvals`, `update_approval`, `cancel_approval`.

use connector_sdk::schema::Schema;
use serde_json::{Map, Value};

use super::{first_or_empty, normalize_ts_range, owner};
use crate::common::*;
use crate::error::{Error, Result};
use crate::input::parse;
use crate::scopes::{R, W};
use crate::table::Action;
use crate::wrike::{path, Client, Params};
use schemars::JsonSchema;
use serde::Deserialize;

/// The approval actions.
pub const ACTIONS: &[Action] = &[
    Action {
        name: "create_approval",
        title: "Create approval",
        description: "Start an approval on a task or folder (POST /tasks/{taskId}/approvals or /folders/{folderId}/approvals).",
        scopes: W,
        read_only: false,
        input_schema: Schema::of::<CreateApproval>(),
        output_schema: Schema::of::<Approval>(),
        run: create,
    },
    Action {
        name: "get_approval_by_id",
        title: "Get approval by ID",
        description: "Fetch one approval (GET /approvals/{approvalId}).",
        scopes: R,
        read_only: true,
        input_schema: Schema::of::<GetApprovalById>(),
        output_schema: Schema::of::<Approval>(),
        run: get,
    },
    Action {
        name: "list_approvals",
        title: "List approvals",
        description: "List the approvals of a task or folder (GET /tasks/{taskId}/approvals or /folders/{folderId}/approvals).",
        scopes: R,
        read_only: true,
        input_schema: Schema::of::<ListApprovals>(),
        output_schema: Schema::of::<List<Approval>>(),
        run: list,
    },
    Action {
        name: "search_approvals",
        title: "Search approvals",
        description: "Search the approvals shared with the user by status, date and approvers (GET /approvals). Paged: pass nextPageToken with the same inputs to continue.",
        scopes: R,
        read_only: true,
        input_schema: Schema::of::<SearchApprovals>(),
        output_schema: Schema::of::<List<Approval>>(),
        run: search,
    },
    Action {
        name: "update_approval",
        title: "Update approval",
        description: "Change an approval's description, due date, approvers or attachments (PUT /approvals/{approvalId}).",
        scopes: W,
        read_only: false,
        input_schema: Schema::of::<UpdateApproval>(),
        output_schema: Schema::of::<Approval>(),
        run: update,
    },
    Action {
        name: "cancel_approval",
        title: "Cancel approval",
        description: "Cancel an approval (DELETE /approvals/{approvalId}); returns the approval when Wrike does.",
        scopes: W,
        read_only: false,
        input_schema: Schema::of::<CancelApproval>(),
        output_schema: Schema::of::<Approval>(),
        run: cancel,
    },
];

crate::input! {
    /// A draft approval when no approvers are given, else pending.
    #[schemars(extend("oneOf" = [{"required": ["taskId"]}, {"required": ["folderId"]}]))]
    pub struct CreateApproval {
        pub approvers: Forwarded<Option<Ids>>,
        pub attachments: Forwarded<Option<Ids>>,
        #[schemars(extend("default" = true))]
        pub auto_finish_on_approve: Forwarded<Option<bool>>,
        #[schemars(extend("default" = true))]
        pub auto_finish_on_reject: Forwarded<Option<bool>>,
        pub description: Forwarded<Option<String>>,
        pub due_date: Forwarded<Option<Date>>,
        pub folder_id: Option<WrikeId>,
        pub task_id: Option<WrikeId>,
    }
}

crate::input! {
    /// Input of `get_approval_by_id`.
    #[schemars(description = "")]
    pub struct GetApprovalById {
        pub approval_id: WrikeId,
    }
}

crate::input! {
    /// Input of `list_approvals`.
    #[schemars(description = "")]
    #[schemars(extend("oneOf" = [{"required": ["taskId"]}, {"required": ["folderId"]}]))]
    pub struct ListApprovals {
        pub folder_id: Option<WrikeId>,
        pub task_id: Option<WrikeId>,
    }
}

/// Approval statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum ApprovalStatus {
    #[default]
    Pending,
    Approved,
    Rejected,
    Cancelled,
    Draft,
}

crate::input! {
    /// Input of `search_approvals`.
    #[schemars(description = "")]
    pub struct SearchApprovals {
        pub approvers: Forwarded<Option<Ids>>,
        #[schemars(range(min = 1))]
        pub limit: Forwarded<Option<u32>>,
        #[schemars(length(min = 1))]
        pub next_page_token: Forwarded<Option<String>>,
        #[schemars(range(min = 1, max = 1000))]
        pub page_size: Forwarded<Option<u32>>,
        pub pending_approvers: Forwarded<Option<Ids>>,
        /// One status: Wrike's method reference types `statuses` as a single value (a string,
        /// `Enum: Pending, Approved, Rejected, Cancelled, Draft`), so a list of one is taken.
        #[schemars(length(min = 1, max = 1))]
        pub statuses: Forwarded<Option<Vec<ApprovalStatus>>>,
        pub updated_date: Forwarded<Option<TsRange>>,
    }
}

crate::input! {
    /// Input of `update_approval`.
    #[schemars(description = "")]
    pub struct UpdateApproval {
        pub add_approvers: Forwarded<Option<Ids>>,
        pub add_attachments: Forwarded<Option<Ids>>,
        pub approval_id: WrikeId,
        pub auto_finish_on_approve: Forwarded<Option<bool>>,
        pub auto_finish_on_reject: Forwarded<Option<bool>>,
        pub description: Forwarded<Option<String>>,
        pub due_date: Forwarded<Option<Date>>,
        pub remove_approvers: Forwarded<Option<Ids>>,
        pub remove_attachments: Forwarded<Option<Ids>>,
    }
}

crate::input! {
    /// Input of `cancel_approval`.
    #[schemars(description = "")]
    pub struct CancelApproval {
        pub approval_id: WrikeId,
    }
}

/// The status of one approver's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum DecisionStatus {
    #[default]
    Pending,
    Approved,
    Rejected,
}

/// `ApprovalDecision` as Wrike returns it (output schema only).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct ApprovalDecision {
    pub approver_id: Option<String>,
    pub comment: Option<String>,
    pub status: Option<DecisionStatus>,
    pub updated_date: Option<DateTime>,
}

/// Values of `Approval.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum ApprovalType {
    #[default]
    Regular,
    FilesOnly,
}

/// `Approval` as Wrike returns it (output schema only).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct Approval {
    pub attachment_ids: Option<Vec<String>>,
    pub author_id: Option<String>,
    pub auto_finish_on_approve: Option<bool>,
    pub auto_finish_on_reject: Option<bool>,
    pub decisions: Option<Vec<ApprovalDecision>>,
    pub description: Option<String>,
    pub due_date: Option<String>,
    pub finished: Option<bool>,
    pub finisher_id: Option<String>,
    pub folder_id: Option<String>,
    pub id: Option<String>,
    pub status: Option<crate::resources::approvals::ApprovalStatus>,
    pub task_id: Option<String>,
    pub title: Option<String>,
    pub r#type: Option<ApprovalType>,
    pub updated_date: Option<DateTime>,
}

const OWNERS: [(&str, &str); 2] = [("taskId", "tasks"), ("folderId", "folders")];

fn owner_path(input: &Map<String, Value>) -> Result<String> {
    let (seg, id) = owner(input, &OWNERS)
        .ok_or_else(|| Error::invalid("taskId", "one of taskId, folderId is required"))?;
    Ok(path(&[seg, id, "approvals"]))
}

fn create(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    parse::<CreateApproval>(input)?;
    let p = owner_path(input)?;
    client
        .post(&p, Params::from_input(input, &["taskId", "folderId"]))?
        .first()
}

fn get(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let typed: GetApprovalById = parse(input)?;
    let id = typed.approval_id.as_str();
    client
        .get(&path(&["approvals", id]), &Params::new())?
        .first()
}

fn list(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    parse::<ListApprovals>(input)?;
    let p = owner_path(input)?;
    Ok(client.get(&p, &Params::new())?.into_list())
}

fn search(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    parse::<SearchApprovals>(input)?;
    let mut q = Params::from_input(input, &[]);
    normalize_ts_range(&mut q, input, "updatedDate")?;
    // The reference's `statuses` is one status name, not a JSON list.
    if let Some(Value::Array(statuses)) = input.get("statuses") {
        if let Some(status) = statuses.first() {
            q.set("statuses", status);
        }
    }
    Ok(client.get("/approvals", &q)?.into_list())
}

fn update(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let typed: UpdateApproval = parse(input)?;
    let id = typed.approval_id.as_str();
    client
        .put(
            &path(&["approvals", id]),
            Params::from_input(input, &["approvalId"]),
        )?
        .first()
}

fn cancel(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let typed: CancelApproval = parse(input)?;
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
        assert_eq!(env.query_param(2, "statuses").as_deref(), Some("Pending"));
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
