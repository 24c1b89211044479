//! Approvals (API.md §11.6): inputs and outputs.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use crate::common::*;
use crate::schema::generate;

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
        #[schemars(length(min = 1), extend("uniqueItems" = true))]
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
    pub status: Option<crate::approvals::ApprovalStatus>,
    pub task_id: Option<String>,
    pub title: Option<String>,
    pub r#type: Option<ApprovalType>,
    pub updated_date: Option<DateTime>,
}

/// The schemas of this module.
pub fn schemas() -> Vec<(&'static str, Value)> {
    vec![
        ("create_approval.input", generate::<CreateApproval>()),
        ("get_approval_by_id.input", generate::<GetApprovalById>()),
        ("list_approvals.input", generate::<ListApprovals>()),
        ("search_approvals.input", generate::<SearchApprovals>()),
        ("update_approval.input", generate::<UpdateApproval>()),
        ("cancel_approval.input", generate::<CancelApproval>()),
        ("approval.output", generate::<Approval>()),
        ("approval_list.output", generate::<List<Approval>>()),
    ]
}
