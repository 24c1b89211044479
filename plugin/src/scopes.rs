//! Wrike's OAuth2 scopes (API.md §3): the list the descriptor publishes and the sets each kind
//! of method accepts. A leaf module, so resources and triggers name their scopes without
//! importing the catalog that lists them.

/// Every Wrike OAuth2 scope with a one-line description (API.md §3).
pub const SCOPES: &[(&str, &str)] = &[
    ("Default", "Basic access; accepted together with the ws* scopes by almost every workspace method"),
    ("wsReadOnly", "Read workspace data: tasks, folders, projects, comments, timelogs, attachments, approvals, custom fields, spaces, contacts"),
    ("wsReadWrite", "Read and modify workspace data"),
    ("amReadOnlyWorkflow", "Read workflows and their custom statuses"),
    ("amReadWriteWorkflow", "Create and modify workflows and custom statuses"),
    ("amReadOnlyInvitation", "Read invitations"),
    ("amReadWriteInvitation", "Create, update and delete invitations"),
    ("amReadOnlyGroup", "Read user groups"),
    ("amReadWriteGroup", "Create, modify and delete user groups"),
    ("amReadOnlyUser", "Read users' account profiles"),
    ("amReadWriteUser", "Modify users' account profiles (admins only)"),
    ("amReadOnlyAuditLog", "Read the audit log (Enterprise admins)"),
    ("amReadOnlyTimelogCategory", "Read timelog categories"),
    ("amReadWriteTimelogCategory", "Read and modify timelog categories"),
    ("amReadOnlyAccessRole", "Read access roles"),
    ("amReadOnlyWorkSchedule", "Read work schedules and schedule exceptions"),
    ("amReadWriteWorkSchedule", "Create, modify and delete work schedules and schedule exceptions"),
    ("dataExportFull", "Use the Data Export API (Enterprise owners and admins)"),
];

/// Scopes accepted by workspace read methods (API.md §3 "R").
pub const R: &[&str] = &["Default", "wsReadOnly", "wsReadWrite"];
/// Scopes accepted by workspace write methods (API.md §3 "W").
pub const W: &[&str] = &["Default", "wsReadWrite"];
/// Scopes accepted by `GET /workflows`.
pub const WORKFLOWS_READ: &[&str] = &[
    "Default",
    "amReadOnlyWorkflow",
    "amReadWriteWorkflow",
    "wsReadOnly",
    "wsReadWrite",
];
/// Scopes accepted by `GET /timelog_categories`.
pub const TIMELOG_CATEGORIES_READ: &[&str] = &[
    "Default",
    "amReadOnlyTimelogCategory",
    "amReadWriteTimelogCategory",
    "wsReadOnly",
    "wsReadWrite",
];
