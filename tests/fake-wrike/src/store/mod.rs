//! The in-memory Wrike account: the [`Store`] holding every entity, the fake clock and the ID
//! generator. The entity types live in one submodule per entity and are re-exported here.

mod approvals;
mod attachments;
mod blueprints;
mod clock;
mod comments;
mod contacts;
mod custom_item_types;
mod folders;
mod ids;
mod tasks;
mod timelogs;
mod webhooks;
mod workflows;

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

pub use approvals::{Approval, Decision};
pub use attachments::{Attachment, AttachmentVersion};
pub use blueprints::{AsyncJob, Blueprint, JobPlan, PlanParent, PlannedEntry};
pub use clock::Clock;
pub use comments::Comment;
pub use contacts::{Account, Contact};
pub use custom_item_types::CustomItemType;
pub use folders::{Folder, FolderScope, Project, SpaceInfo, SpaceMember};
pub use ids::IdGen;
pub use tasks::{fmt_local, Task, TaskDates};
pub use timelogs::{Timelog, TimelogCategory};
pub use webhooks::{PendingEvent, Webhook};
pub use workflows::{CustomField, CustomStatus, Workflow};

/// `https://www.wrike.com/open.htm?id=N` — permalinks carry the numeric legacy (v2) ID.
pub const PERMALINK_BASE: &str = "https://www.wrike.com/open.htm?id=";

/// A metadata list `[{key, value}]`.
pub type Metadata = Vec<(String, String)>;

/// Renders metadata as Wrike does.
pub fn metadata_json(m: &Metadata) -> Value {
    Value::Array(
        m.iter()
            .map(|(k, v)| json!({"key": k, "value": v}))
            .collect(),
    )
}

/// Renders custom field values `[{id, value}]`.
pub fn custom_fields_json(m: &[(String, String)]) -> Value {
    Value::Array(
        m.iter()
            .map(|(k, v)| json!({"id": k, "value": v}))
            .collect(),
    )
}

/// A stored page of a paged list (`nextPageToken`).
#[derive(Debug, Clone)]
pub struct PageCursor {
    /// The request path the token belongs to.
    pub route: String,
    /// Snapshot of the matching IDs in order.
    pub ids: Arc<Vec<String>>,
    /// Offset of the page this token starts.
    pub offset: usize,
    /// Page size.
    pub page_size: usize,
    /// The original request parameters (for `fields`, `plainText`, ...).
    pub params: crate::params::Params,
    /// When the token was issued (fake time); tokens go stale after an hour.
    pub issued: DateTime<Utc>,
}

/// The whole fake account.
#[derive(Debug)]
pub struct Store {
    /// Fake clock.
    pub clock: Clock,
    /// ID generator.
    pub ids: IdGen,
    /// The account.
    pub account: Account,
    /// The requesting user (every token belongs to this user).
    pub me: String,
    /// Users and groups in creation order.
    pub contacts: Vec<Contact>,
    /// Folders by ID (incl. Root and Recycle Bin).
    pub folders: HashMap<String, Folder>,
    /// Tasks by ID.
    pub tasks: HashMap<String, Task>,
    /// Comments by ID.
    pub comments: HashMap<String, Comment>,
    /// Workflows.
    pub workflows: Vec<Workflow>,
    /// Custom fields.
    pub custom_fields: Vec<CustomField>,
    /// Timelog categories.
    pub timelog_categories: Vec<TimelogCategory>,
    /// Timelogs by ID.
    pub timelogs: HashMap<String, Timelog>,
    /// Attachments by ID.
    pub attachments: HashMap<String, Attachment>,
    /// Approvals by ID.
    pub approvals: HashMap<String, Approval>,
    /// Legacy ID → (type, v4 ID), for `GET /ids`.
    pub legacy: HashMap<(String, u64), String>,
    /// Page tokens.
    pub pages: HashMap<String, PageCursor>,
    /// Webhooks by ID.
    pub webhooks: HashMap<String, Webhook>,
    /// Events not yet handed to the delivery worker.
    pub pending_events: Vec<PendingEvent>,
    /// Webhooks whose secret handshake is still to be sent.
    pub pending_handshakes: Vec<String>,
    /// Access role IDs (spaces).
    pub access_roles: Vec<(String, String)>,
    /// Creation counter.
    pub seq: u64,
    /// Last task priority handed out.
    pub last_priority: u128,
    /// Recently issued page tokens, oldest first (bounded).
    pub page_order: VecDeque<String>,
    /// Blueprints by ID.
    pub blueprints: HashMap<String, Blueprint>,
    /// Async jobs by ID.
    pub async_jobs: HashMap<String, AsyncJob>,
    /// How new async jobs behave.
    pub job_plan: JobPlan,
    /// Custom item types in creation order.
    pub custom_item_types: Vec<CustomItemType>,
}

impl Store {
    /// An empty store for the given account ID (see `seed` for the content).
    pub fn empty() -> Store {
        let mut ids = IdGen::new();
        let acct = format!("IEA{}", ids.chars(5));
        ids.reserve(&acct);
        let legacy_id = ids.legacy();
        Store {
            clock: Clock::new(),
            ids,
            account: Account {
                id: acct,
                legacy_id,
                name: "Fake Wrike Inc.".into(),
                created: Utc::now(),
                metadata: vec![],
            },
            me: String::new(),
            contacts: vec![],
            folders: HashMap::new(),
            tasks: HashMap::new(),
            comments: HashMap::new(),
            workflows: vec![],
            custom_fields: vec![],
            timelog_categories: vec![],
            timelogs: HashMap::new(),
            attachments: HashMap::new(),
            approvals: HashMap::new(),
            legacy: HashMap::new(),
            pages: HashMap::new(),
            webhooks: HashMap::new(),
            pending_events: vec![],
            pending_handshakes: vec![],
            access_roles: vec![],
            seq: 0,
            last_priority: 0,
            page_order: VecDeque::new(),
            blueprints: HashMap::new(),
            async_jobs: HashMap::new(),
            job_plan: JobPlan::default(),
            custom_item_types: vec![],
        }
    }

    /// Account ID.
    pub fn acct(&self) -> &str {
        &self.account.id
    }

    /// Root folder ID (`<acct>I7777777`).
    pub fn root_id(&self) -> String {
        format!("{}I7777777", self.account.id)
    }

    /// Recycle Bin ID (`<acct>I7777776`).
    pub fn recycle_bin_id(&self) -> String {
        format!("{}I7777776", self.account.id)
    }

    /// Next creation sequence number.
    pub fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// New entity ID with the account prefix.
    pub fn new_id(&mut self, marker: &str) -> String {
        let acct = self.account.id.clone();
        self.ids.make(&acct, marker)
    }

    /// New legacy numeric ID registered for `GET /ids` under `kind` (e.g. `ApiV2Task`).
    pub fn new_legacy(&mut self, kind: &str, v4_id: &str) -> u64 {
        let n = self.ids.legacy();
        self.legacy.insert((kind.to_string(), n), v4_id.to_string());
        n
    }

    /// Next task priority (at the end of the list).
    pub fn next_priority(&mut self) -> u128 {
        self.last_priority += 0x8_0000_0000;
        self.last_priority
    }

    /// Stores a page cursor and returns its token.
    pub fn issue_page_token(&mut self, cursor: PageCursor) -> String {
        let token = self.ids.token(24);
        self.pages.insert(token.clone(), cursor);
        self.page_order.push_back(token.clone());
        while self.page_order.len() > 10_000 {
            if let Some(old) = self.page_order.pop_front() {
                self.pages.remove(&old);
            }
        }
        token
    }
}
