//! The in-memory Wrike account: entities, the fake clock and the ID generator.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use chrono::{DateTime, Duration as ChronoDuration, NaiveDate, NaiveDateTime, SubsecRound, Utc};
use serde_json::{json, Map, Value};

/// `https://www.wrike.com/open.htm?id=N` — permalinks carry the numeric legacy (v2) ID.
pub const PERMALINK_BASE: &str = "https://www.wrike.com/open.htm?id=";

/// The fake clock. Defaults to real UTC time; tests may freeze it or move it forward.
#[derive(Debug, Clone)]
pub struct Clock {
    /// When set, "now" is this instant (plus nothing: a frozen clock only moves on `advance`).
    frozen: Option<DateTime<Utc>>,
    /// Added to the real time when not frozen.
    offset: ChronoDuration,
    /// The last `updatedDate` the server stamped; stamps are strictly increasing.
    last_stamp: DateTime<Utc>,
}

impl Clock {
    fn new() -> Self {
        Clock {
            frozen: None,
            offset: ChronoDuration::zero(),
            last_stamp: DateTime::<Utc>::MIN_UTC,
        }
    }

    /// Current fake time, truncated to whole seconds (Wrike's timestamps have no fractions).
    ///
    /// Never earlier than the last stamp handed out: when several mutations happen within one
    /// second the stamps run ahead of the wall clock, and "now" follows them.
    pub fn now(&self) -> DateTime<Utc> {
        let t = match self.frozen {
            Some(t) => t,
            None => Utc::now() + self.offset,
        };
        t.trunc_subsecs(0).max(self.last_stamp)
    }

    /// Moves the clock forward.
    pub fn advance(&mut self, by: ChronoDuration) {
        match &mut self.frozen {
            Some(t) => *t += by,
            None => self.offset += by,
        }
    }

    /// Freezes the clock at `t`.
    pub fn freeze_at(&mut self, t: DateTime<Utc>) {
        self.frozen = Some(t);
    }

    /// Lets the clock tick with real time again, keeping the current fake time as the start.
    pub fn unfreeze(&mut self) {
        if let Some(t) = self.frozen.take() {
            self.offset = t - Utc::now();
        }
    }

    /// Timestamp for a mutation: fake now, but strictly after the previous stamp (+1 s if needed).
    pub fn stamp(&mut self) -> DateTime<Utc> {
        let now = self.now();
        let t = if now > self.last_stamp {
            now
        } else {
            self.last_stamp + ChronoDuration::seconds(1)
        };
        self.last_stamp = t;
        t
    }

    /// Records a timestamp used by seed data so later stamps come after it.
    pub fn observe(&mut self, t: DateTime<Utc>) {
        if t > self.last_stamp {
            self.last_stamp = t;
        }
    }
}

/// Generates Wrike-looking IDs: `<account id><2-char kind marker><6 chars of base32>` (16 chars).
#[derive(Debug)]
pub struct IdGen {
    used: HashSet<String>,
    rng: fastrand::Rng,
    next_legacy: u64,
}

const B32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

impl IdGen {
    fn new() -> Self {
        let mut rng = fastrand::Rng::new();
        let next_legacy = rng.u64(400_000_000..900_000_000);
        IdGen {
            used: HashSet::new(),
            rng,
            next_legacy,
        }
    }

    /// `n` random base32 characters.
    pub fn chars(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| B32[self.rng.usize(..B32.len())] as char)
            .collect()
    }

    /// A fresh unique ID `prefix + marker + 6 chars`.
    pub fn make(&mut self, prefix: &str, marker: &str) -> String {
        loop {
            let id = format!("{prefix}{marker}{}", self.chars(6));
            if self.used.insert(id.clone()) {
                return id;
            }
        }
    }

    /// Registers a fixed ID (seed data) so it is never generated again.
    pub fn reserve(&mut self, id: &str) -> String {
        self.used.insert(id.to_string());
        id.to_string()
    }

    /// A fresh numeric legacy ID (permalinks, `GET /ids`).
    pub fn legacy(&mut self) -> u64 {
        self.next_legacy += 1 + self.rng.u64(0..7);
        self.next_legacy
    }

    /// An opaque random token (page tokens, download URLs).
    pub fn token(&mut self, n: usize) -> String {
        self.chars(n)
    }
}

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

/// The account.
#[derive(Debug, Clone)]
pub struct Account {
    /// 8-char account ID; prefix of most other IDs.
    pub id: String,
    /// Legacy numeric ID.
    pub legacy_id: u64,
    /// Account name.
    pub name: String,
    /// Registration date.
    pub created: DateTime<Utc>,
    /// Account metadata.
    pub metadata: Metadata,
}

/// A user or group.
#[derive(Debug, Clone)]
pub struct Contact {
    /// 8-char contact ID.
    pub id: String,
    /// Legacy numeric ID.
    pub legacy_id: u64,
    /// First name (group title for groups).
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Group rather than person.
    pub group: bool,
    /// Email (persons only).
    pub email: Option<String>,
    /// `User` or `Collaborator`.
    pub role: String,
    /// External user.
    pub external: bool,
    /// Account admin.
    pub admin: bool,
    /// Account owner.
    pub owner: bool,
    /// Deleted user.
    pub deleted: bool,
    /// IANA time zone.
    pub timezone: String,
    /// Job title.
    pub title: Option<String>,
    /// Company name.
    pub company_name: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Location.
    pub location: Option<String>,
    /// Members (groups only).
    pub member_ids: Vec<String>,
    /// The "My Team" group.
    pub my_team: bool,
    /// Contact metadata.
    pub metadata: Metadata,
    /// Work schedule.
    pub work_schedule_id: String,
}

/// Folder scope in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderScope {
    /// The virtual Root.
    WsRoot,
    /// The virtual Recycle Bin.
    RbRoot,
    /// A live folder, project or space.
    WsFolder,
    /// A folder in the Recycle Bin.
    RbFolder,
}

impl FolderScope {
    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            FolderScope::WsRoot => "WsRoot",
            FolderScope::RbRoot => "RbRoot",
            FolderScope::WsFolder => "WsFolder",
            FolderScope::RbFolder => "RbFolder",
        }
    }
}

/// Project details of a folder.
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    /// Creator.
    pub author_id: String,
    /// Owners.
    pub owner_ids: Vec<String>,
    /// `Green|Yellow|Red|Completed|OnHold|Cancelled|Custom`.
    pub status: String,
    /// Custom status when `status` is `Custom`.
    pub custom_status_id: Option<String>,
    /// Start date.
    pub start_date: Option<NaiveDate>,
    /// End date.
    pub end_date: Option<NaiveDate>,
    /// Created.
    pub created: DateTime<Utc>,
    /// Completed (status Completed).
    pub completed: Option<DateTime<Utc>>,
    /// `Billable|NonBillable`.
    pub contract_type: Option<String>,
}

/// A space member.
#[derive(Debug, Clone, PartialEq)]
pub struct SpaceMember {
    /// Contact ID.
    pub id: String,
    /// Access role ID.
    pub access_role_id: String,
    /// Space manager.
    pub is_manager: bool,
}

/// Space details of a folder that is a space.
#[derive(Debug, Clone, PartialEq)]
pub struct SpaceInfo {
    /// Avatar.
    pub avatar_url: String,
    /// `Personal|Private|Public`.
    pub access_type: String,
    /// Archived.
    pub archived: bool,
    /// Members.
    pub members: Vec<SpaceMember>,
    /// Guest role (public spaces).
    pub guest_role_id: Option<String>,
}

/// A folder, project, space, or one of the two virtual roots.
#[derive(Debug, Clone, PartialEq)]
pub struct Folder {
    /// ID.
    pub id: String,
    /// Legacy numeric ID.
    pub legacy_id: u64,
    /// Creation order.
    pub seq: u64,
    /// Title.
    pub title: String,
    /// HTML description.
    pub description: String,
    /// Colour.
    pub color: Option<String>,
    /// Created.
    pub created: DateTime<Utc>,
    /// Updated.
    pub updated: DateTime<Utc>,
    /// Parents.
    pub parent_ids: Vec<String>,
    /// Parents before deletion (for `restore`).
    pub saved_parent_ids: Vec<String>,
    /// Shared with.
    pub shared_ids: Vec<String>,
    /// Tree scope.
    pub scope: FolderScope,
    /// Workflow.
    pub workflow_id: String,
    /// Metadata.
    pub metadata: Metadata,
    /// Custom field values.
    pub custom_fields: Vec<(String, String)>,
    /// Custom columns.
    pub custom_column_ids: Vec<String>,
    /// Project details.
    pub project: Option<Project>,
    /// Space details.
    pub space: Option<SpaceInfo>,
    /// Creator.
    pub author_id: String,
    /// The custom item type the project was created from.
    pub custom_item_type_id: Option<String>,
}

impl Folder {
    /// Permalink.
    pub fn permalink(&self) -> String {
        format!("{PERMALINK_BASE}{}", self.legacy_id)
    }

    /// Whether this is Root or the Recycle Bin.
    pub fn is_virtual(&self) -> bool {
        matches!(self.scope, FolderScope::WsRoot | FolderScope::RbRoot)
    }
}

/// Task dates.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskDates {
    /// `Backlog|Milestone|Planned`.
    pub kind: String,
    /// Minutes.
    pub duration: Option<i64>,
    /// Local start.
    pub start: Option<NaiveDateTime>,
    /// Local due.
    pub due: Option<NaiveDateTime>,
    /// Weekends count.
    pub work_on_weekends: Option<bool>,
}

impl TaskDates {
    /// A Backlog task's dates.
    pub fn backlog() -> Self {
        TaskDates {
            kind: "Backlog".into(),
            ..Default::default()
        }
    }

    /// Wire form.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("type".into(), json!(self.kind));
        if let Some(d) = self.duration {
            m.insert("duration".into(), json!(d));
        }
        if let Some(s) = self.start {
            m.insert("start".into(), json!(fmt_local(s)));
        }
        if let Some(d) = self.due {
            m.insert("due".into(), json!(fmt_local(d)));
        }
        if let Some(w) = self.work_on_weekends {
            m.insert("workOnWeekends".into(), json!(w));
        }
        Value::Object(m)
    }
}

/// `yyyy-MM-ddTHH:mm:ss`.
pub fn fmt_local(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// A task.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    /// ID.
    pub id: String,
    /// Legacy numeric ID.
    pub legacy_id: u64,
    /// Creation order.
    pub seq: u64,
    /// Title.
    pub title: String,
    /// HTML description.
    pub description: String,
    /// `Active|Completed|Deferred|Cancelled`.
    pub status: String,
    /// `High|Normal|Low`.
    pub importance: String,
    /// Created.
    pub created: DateTime<Utc>,
    /// Updated.
    pub updated: DateTime<Utc>,
    /// Completed (status Completed only).
    pub completed: Option<DateTime<Utc>>,
    /// Dates.
    pub dates: TaskDates,
    /// In the Recycle Bin.
    pub deleted: bool,
    /// Parent folders.
    pub parent_ids: Vec<String>,
    /// Parents before deletion.
    pub saved_parent_ids: Vec<String>,
    /// Shared with.
    pub shared_ids: Vec<String>,
    /// Assignees.
    pub responsible_ids: Vec<String>,
    /// Author.
    pub author_id: String,
    /// Custom status.
    pub custom_status_id: String,
    /// Ordering key (rendered as 24 hex chars).
    pub priority: u128,
    /// Followers.
    pub follower_ids: Vec<String>,
    /// Super tasks.
    pub super_task_ids: Vec<String>,
    /// Metadata.
    pub metadata: Metadata,
    /// Custom field values.
    pub custom_fields: Vec<(String, String)>,
    /// Recurrent.
    pub recurrent: bool,
    /// `Billable|NonBillable`.
    pub billing_type: Option<String>,
    /// Effort allocation object as given.
    pub effort_allocation: Option<Value>,
    /// The custom item type the task was created from (`POST /custom_item_types/{id}/instantiate`).
    pub custom_item_type_id: Option<String>,
}

impl Task {
    /// Permalink.
    pub fn permalink(&self) -> String {
        format!("{PERMALINK_BASE}{}", self.legacy_id)
    }

    /// Rendered priority key.
    pub fn priority_str(&self) -> String {
        format!("{:024x}", self.priority)
    }
}

/// A comment on a task or folder.
#[derive(Debug, Clone)]
pub struct Comment {
    /// ID.
    pub id: String,
    /// Legacy numeric ID.
    pub legacy_id: u64,
    /// Creation order.
    pub seq: u64,
    /// Author.
    pub author_id: String,
    /// HTML text.
    pub text: String,
    /// Created.
    pub created: DateTime<Utc>,
    /// Updated.
    pub updated: DateTime<Utc>,
    /// Task (exactly one of task/folder).
    pub task_id: Option<String>,
    /// Folder.
    pub folder_id: Option<String>,
}

/// A custom status in a workflow.
#[derive(Debug, Clone)]
pub struct CustomStatus {
    /// ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// Name is the default one.
    pub standard_name: bool,
    /// Colour.
    pub color: String,
    /// Default status of its group.
    pub standard: bool,
    /// `Active|Completed|Deferred|Cancelled`.
    pub group: String,
    /// Hidden.
    pub hidden: bool,
}

/// A workflow.
#[derive(Debug, Clone)]
pub struct Workflow {
    /// ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// The account's default workflow.
    pub standard: bool,
    /// Hidden.
    pub hidden: bool,
    /// Statuses.
    pub statuses: Vec<CustomStatus>,
}

/// A custom field definition.
#[derive(Debug, Clone)]
pub struct CustomField {
    /// ID.
    pub id: String,
    /// Title.
    pub title: String,
    /// Type (`Text`, `DropDown`, `Numeric`, ...).
    pub kind: String,
    /// Shared with.
    pub shared_ids: Vec<String>,
    /// Settings object.
    pub settings: Value,
}

/// A timelog category.
#[derive(Debug, Clone)]
pub struct TimelogCategory {
    /// ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// Order.
    pub order: i64,
    /// Hidden.
    pub hidden: bool,
}

/// A timelog entry.
#[derive(Debug, Clone)]
pub struct Timelog {
    /// ID.
    pub id: String,
    /// Legacy numeric ID.
    pub legacy_id: u64,
    /// Creation order.
    pub seq: u64,
    /// Task.
    pub task_id: String,
    /// User.
    pub user_id: String,
    /// Category.
    pub category_id: Option<String>,
    /// Billing type.
    pub billing_type: Option<String>,
    /// Hours.
    pub hours: f64,
    /// Created.
    pub created: DateTime<Utc>,
    /// Updated.
    pub updated: DateTime<Utc>,
    /// Tracked date.
    pub tracked_date: NaiveDate,
    /// HTML comment.
    pub comment: String,
}

/// An attachment (with its bytes).
#[derive(Debug, Clone)]
pub struct Attachment {
    /// ID.
    pub id: String,
    /// Legacy numeric ID.
    pub legacy_id: u64,
    /// Creation order.
    pub seq: u64,
    /// Author.
    pub author_id: String,
    /// File name.
    pub name: String,
    /// Created.
    pub created: DateTime<Utc>,
    /// Version number (1-based).
    pub version: i64,
    /// MIME type.
    pub content_type: String,
    /// Content.
    pub bytes: Arc<Vec<u8>>,
    /// Task.
    pub task_id: Option<String>,
    /// Folder.
    pub folder_id: Option<String>,
    /// Earlier versions, oldest first (id, created, name, bytes, content type).
    pub versions: Vec<AttachmentVersion>,
    /// Download token for the `/url` link.
    pub url_token: String,
}

/// An earlier version of an attachment.
#[derive(Debug, Clone)]
pub struct AttachmentVersion {
    /// Version's own ID.
    pub id: String,
    /// Version number.
    pub version: i64,
    /// File name.
    pub name: String,
    /// Created.
    pub created: DateTime<Utc>,
    /// MIME type.
    pub content_type: String,
    /// Content.
    pub bytes: Arc<Vec<u8>>,
    /// Author.
    pub author_id: String,
}

/// An approval decision.
#[derive(Debug, Clone)]
pub struct Decision {
    /// Approver.
    pub approver_id: String,
    /// Comment.
    pub comment: String,
    /// `Pending|Approved|Rejected`.
    pub status: String,
    /// Updated.
    pub updated: DateTime<Utc>,
}

/// An approval on a task or folder.
#[derive(Debug, Clone)]
pub struct Approval {
    /// ID.
    pub id: String,
    /// Creation order.
    pub seq: u64,
    /// Task.
    pub task_id: Option<String>,
    /// Folder.
    pub folder_id: Option<String>,
    /// Author.
    pub author_id: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Updated.
    pub updated: DateTime<Utc>,
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// Decisions.
    pub decisions: Vec<Decision>,
    /// Attachments.
    pub attachment_ids: Vec<String>,
    /// `Pending|Approved|Rejected|Cancelled|Draft`.
    pub status: String,
    /// Finish automatically on approve.
    pub auto_finish_on_approve: bool,
    /// Finish automatically on reject.
    pub auto_finish_on_reject: bool,
    /// Finished.
    pub finished: bool,
    /// Who finished it.
    pub finisher_id: Option<String>,
}

/// A webhook subscription (`API.md` §11.15).
#[derive(Debug, Clone)]
pub struct Webhook {
    /// ID.
    pub id: String,
    /// Creation order.
    pub seq: u64,
    /// Folder hook: the folder.
    pub folder_id: Option<String>,
    /// Space hook: the space.
    pub space_id: Option<String>,
    /// Where deliveries go.
    pub hook_url: String,
    /// Signing secret.
    pub secret: Option<String>,
    /// Event filter (`None`: all events).
    pub events: Option<Vec<String>>,
    /// Folder hooks: include descendants.
    pub recursive: bool,
    /// `Active|Suspended`.
    pub status: String,
}

/// An event waiting to be delivered to matching webhooks.
#[derive(Debug, Clone)]
pub struct PendingEvent {
    /// `TaskCreated`, `CommentAdded`, ...
    pub kind: String,
    /// Task the event is about.
    pub task_id: Option<String>,
    /// Folder the event is about.
    pub folder_id: Option<String>,
    /// The event JSON without `webhookId`.
    pub body: Map<String, Value>,
}

/// A folder, project or task blueprint (MODERN.md §1–2). The tree hangs off one `BpRoot`.
#[derive(Debug, Clone)]
pub struct Blueprint {
    /// ID.
    pub id: String,
    /// Legacy numeric ID (permalink).
    pub legacy_id: u64,
    /// Creation order.
    pub seq: u64,
    /// Title.
    pub title: String,
    /// `BpRoot`, `FolderBp` or `TaskBp`.
    pub scope: String,
    /// Child blueprints, in order.
    pub child_ids: Vec<String>,
    /// The space the blueprint belongs to.
    pub space_id: Option<String>,
    /// HTML description copied (with `copyDescriptions`).
    pub description: String,
    /// A folder blueprint that makes a project.
    pub project: bool,
    /// Assignees copied (with `copyResponsibles`), task blueprints.
    pub responsible_ids: Vec<String>,
    /// Custom field values copied (with `copyCustomFields`).
    pub custom_fields: Vec<(String, String)>,
    /// Task blueprint dates.
    pub dates: TaskDates,
}

/// How the async jobs of new launches behave (`FakeWrike::set_async_job_plan`): they advance
/// per poll, never with time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobPlan {
    /// `GET /async_job/{id}` calls until the job is done; `None`: it stays `InProgress` forever.
    pub polls_to_finish: Option<u32>,
    /// Fail once this share (percent) of the entries exists: 0 fails before anything is created.
    pub fail_at_percent: Option<u32>,
}

impl Default for JobPlan {
    fn default() -> Self {
        JobPlan {
            polls_to_finish: Some(2),
            fail_at_percent: None,
        }
    }
}

/// Where a planned entry of a launch goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanParent {
    /// Into an existing folder.
    Folder(String),
    /// As a subtask of an existing task.
    Task(String),
    /// Below the item created for this earlier blueprint entry.
    Blueprint(String),
}

/// One item a launch creates.
#[derive(Debug, Clone)]
pub struct PlannedEntry {
    /// The blueprint it comes from.
    pub blueprint_id: String,
    /// Where it goes.
    pub parent: PlanParent,
    /// A task (else a folder or project).
    pub task: bool,
    /// A project.
    pub project: bool,
    /// Title (prefix applied).
    pub title: String,
    /// Description (empty unless copied).
    pub description: String,
    /// Assignees (empty unless copied).
    pub responsible_ids: Vec<String>,
    /// Custom fields (empty unless copied).
    pub custom_fields: Vec<(String, String)>,
    /// Dates.
    pub dates: TaskDates,
}

/// An async job (MODERN.md §3): a blueprint launch working through its planned entries.
#[derive(Debug, Clone)]
pub struct AsyncJob {
    /// ID.
    pub id: String,
    /// `type` [U]: `FolderBlueprintLaunch` or `TaskBlueprintLaunch` in the fake.
    pub kind: String,
    /// `InQueue`, `InProgress`, `Completed`, `Failed`.
    pub status: String,
    /// The user who launched it.
    pub user: String,
    /// Entries to create, parents first.
    pub plan: Vec<PlannedEntry>,
    /// Blueprint ID → created item ID.
    pub created: Vec<(String, String)>,
    /// How it behaves.
    pub behaviour: JobPlan,
    /// Polls so far.
    pub polls: u32,
    /// `result` once completed.
    pub result: Option<Value>,
    /// `errorMessage` once failed.
    pub error_message: Option<String>,
    /// Reschedule the created tasks when done: (date, `Start`|`End`).
    pub reschedule: Option<(NaiveDate, String)>,
}

/// A custom item type (MODERN.md §4).
#[derive(Debug, Clone)]
pub struct CustomItemType {
    /// ID.
    pub id: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// The space it belongs to (`None`: account-wide).
    pub space_id: Option<String>,
    /// `Task` or `Project`.
    pub related_type: String,
    /// Custom fields shown on its items.
    pub custom_field_ids: Vec<String>,
    /// Deleted (listed only with `withDeleted=true`).
    pub deleted: bool,
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

    /// Contact by ID.
    pub fn contact(&self, id: &str) -> Option<&Contact> {
        self.contacts.iter().find(|c| c.id == id)
    }

    /// Whether a live (not deleted) person or group with this ID exists.
    pub fn contact_exists(&self, id: &str) -> bool {
        self.contact(id).is_some()
    }

    /// All custom statuses across workflows.
    pub fn custom_status(&self, id: &str) -> Option<(&Workflow, &CustomStatus)> {
        self.workflows
            .iter()
            .find_map(|w| w.statuses.iter().find(|s| s.id == id).map(|s| (w, s)))
    }

    /// The workflow used for tasks in `folder_ids` (the first parent's workflow, else the default).
    pub fn workflow_for(&self, folder_ids: &[String]) -> &Workflow {
        let wid = folder_ids
            .iter()
            .filter_map(|f| self.folders.get(f))
            .map(|f| f.workflow_id.clone())
            .next();
        wid.and_then(|w| self.workflows.iter().find(|x| x.id == w))
            .or_else(|| self.workflows.iter().find(|w| w.standard))
            .expect("a standard workflow exists")
    }

    /// The standard status of `group` in `workflow`.
    pub fn standard_status(workflow: &Workflow, group: &str) -> String {
        workflow
            .statuses
            .iter()
            .find(|s| s.group == group && s.standard)
            .or_else(|| workflow.statuses.iter().find(|s| s.group == group))
            .map(|s| s.id.clone())
            .unwrap_or_default()
    }

    /// Live child folders of a folder (for Root: top-level folders; for the Recycle Bin: deleted tops).
    pub fn child_folders(&self, id: &str) -> Vec<String> {
        let mut v: Vec<&Folder> = self
            .folders
            .values()
            .filter(|f| !f.is_virtual() && f.parent_ids.iter().any(|p| p == id))
            .filter(|f| {
                if id == self.recycle_bin_id() {
                    f.scope == FolderScope::RbFolder
                } else {
                    // A deleted folder keeps its parents inside the deleted subtree.
                    let parent_deleted = self
                        .folders
                        .get(id)
                        .map(|p| p.scope == FolderScope::RbFolder)
                        .unwrap_or(false);
                    parent_deleted || f.scope == FolderScope::WsFolder
                }
            })
            .collect();
        v.sort_by_key(|f| f.seq);
        v.into_iter().map(|f| f.id.clone()).collect()
    }

    /// All descendant folders of `id` (not including `id`), breadth-first.
    pub fn descendant_folders(&self, id: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let mut queue: VecDeque<String> = VecDeque::from([id.to_string()]);
        while let Some(cur) = queue.pop_front() {
            for c in self.child_folders(&cur) {
                if seen.insert(c.clone()) {
                    out.push(c.clone());
                    queue.push_back(c);
                }
            }
        }
        out
    }

    /// Folder ancestors of `id` up to (excluding) Root.
    pub fn ancestor_folders(&self, id: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let mut queue: VecDeque<String> = VecDeque::from([id.to_string()]);
        while let Some(cur) = queue.pop_front() {
            if let Some(f) = self.folders.get(&cur) {
                for p in &f.parent_ids {
                    if let Some(pf) = self.folders.get(p) {
                        if !pf.is_virtual() && seen.insert(p.clone()) {
                            out.push(p.clone());
                            queue.push_back(p.clone());
                        }
                    }
                }
            }
        }
        out
    }

    /// The space a folder belongs to (itself when it is a space).
    pub fn space_of(&self, id: &str) -> Option<String> {
        if self.folders.get(id).is_some_and(|f| f.space.is_some()) {
            return Some(id.to_string());
        }
        self.ancestor_folders(id)
            .into_iter()
            .find(|a| self.folders.get(a).is_some_and(|f| f.space.is_some()))
    }

    /// Subtask IDs of a task (live tasks naming it as super task), in creation order.
    pub fn sub_task_ids(&self, id: &str) -> Vec<String> {
        let mut v: Vec<&Task> = self
            .tasks
            .values()
            .filter(|t| !t.deleted && t.super_task_ids.iter().any(|s| s == id))
            .collect();
        v.sort_by_key(|t| t.seq);
        v.into_iter().map(|t| t.id.clone()).collect()
    }

    /// Number of current attachments on a task or folder.
    pub fn attachment_count(&self, task: Option<&str>, folder: Option<&str>) -> usize {
        self.attachments
            .values()
            .filter(|a| {
                (task.is_some() && a.task_id.as_deref() == task)
                    || (folder.is_some() && a.folder_id.as_deref() == folder)
            })
            .count()
    }

    /// Queues a webhook event about a task or folder (`extra` holds the event-specific members).
    pub fn emit(
        &mut self,
        kind: &str,
        author: &str,
        task_id: Option<&str>,
        folder_id: Option<&str>,
        extra: Value,
    ) {
        let mut body = Map::new();
        if let Some(t) = task_id {
            body.insert("taskId".into(), json!(t));
        }
        if let Some(f) = folder_id {
            body.insert("folderId".into(), json!(f));
        }
        body.insert("eventAuthorId".into(), json!(author));
        body.insert("eventType".into(), json!(kind));
        body.insert(
            "lastUpdatedDate".into(),
            json!(crate::params::fmt_ts(self.clock.now())),
        );
        if let Value::Object(m) = extra {
            body.extend(m);
        }
        if self.webhooks.is_empty() {
            return;
        }
        self.pending_events.push(PendingEvent {
            kind: kind.to_string(),
            task_id: task_id.map(|s| s.to_string()),
            folder_id: folder_id.map(|s| s.to_string()),
            body,
        });
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
