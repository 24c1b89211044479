//! Accessors for the seed data: the account, users, spaces, folders, workflows, custom fields,
//! blueprints and custom item types every fake starts with.

use crate::FakeWrike;

impl FakeWrike {
    /// The 8-char account ID.
    pub fn account_id(&self) -> String {
        self.shared.store.lock().account.id.clone()
    }

    /// The virtual Root folder ID (`<account>I7777777`).
    pub fn root_folder_id(&self) -> String {
        self.shared.store.lock().root_id()
    }

    /// The virtual Recycle Bin ID (`<account>I7777776`).
    pub fn recycle_bin_id(&self) -> String {
        self.shared.store.lock().recycle_bin_id()
    }

    /// The contact ID of the tokens' user (`GET /contacts?me=true`).
    pub fn me_id(&self) -> String {
        self.shared.store.lock().me.clone()
    }

    /// IDs of the seeded users other than `me` (the last one is a deleted user).
    pub fn other_user_ids(&self) -> Vec<String> {
        self.seed.users.clone()
    }

    /// The seeded "My Team" group contact.
    pub fn group_id(&self) -> String {
        self.seed.group.clone()
    }

    /// The seeded space "First space".
    pub fn space_id(&self) -> String {
        self.seed.space.clone()
    }

    /// Seeded folders as `(id, title)`: Marketing first, then Engineering (both in the space).
    pub fn folder_ids(&self) -> Vec<(String, String)> {
        vec![
            (self.seed.marketing.clone(), "Marketing".into()),
            (self.seed.engineering.clone(), "Engineering".into()),
        ]
    }

    /// The seeded project "Website Launch" (in Marketing).
    pub fn project_id(&self) -> String {
        self.seed.project.clone()
    }

    /// The seeded "Default Workflow".
    pub fn default_workflow_id(&self) -> String {
        self.seed.default_workflow.clone()
    }

    /// Custom status ID by workflow and status name, e.g. `("Default Workflow", "In Progress")`.
    pub fn custom_status_id(&self, workflow: &str, status: &str) -> Option<String> {
        let st = self.shared.store.lock();
        st.workflows
            .iter()
            .find(|w| w.name == workflow)
            .and_then(|w| w.statuses.iter().find(|s| s.name == status))
            .map(|s| s.id.clone())
    }

    /// The seeded blueprint root (`BpRoot`).
    pub fn blueprint_root_id(&self) -> String {
        self.seed.blueprint_root.clone()
    }

    /// The seeded folder blueprint "Campaign kit" (in "First space"): a project blueprint with
    /// a folder "Assets" (task "Banner set"), tasks "Campaign brief" and "Review" (subtask
    /// "Legal check") — 6 entries in all.
    pub fn folder_blueprint_id(&self) -> String {
        self.seed.folder_blueprint.clone()
    }

    /// The seeded task blueprint "Onboarding checklist" (in "Personal space") with subtasks
    /// "Set up laptop" and "Meet the team" — 3 entries in all.
    pub fn task_blueprint_id(&self) -> String {
        self.seed.task_blueprint.clone()
    }

    /// Seeded custom item types: "Bug report" (Task), "Client project" (Project), "Legacy
    /// request" (Task, deleted).
    pub fn custom_item_type_ids(&self) -> Vec<String> {
        self.seed.custom_item_types.clone()
    }

    /// Seeded custom fields as `(id, title)`: "Client" (Text), "Budget" (Numeric),
    /// "Channel" (DropDown).
    pub fn custom_field_ids(&self) -> Vec<(String, String)> {
        let st = self.shared.store.lock();
        st.custom_fields
            .iter()
            .map(|c| (c.id.clone(), c.title.clone()))
            .collect()
    }
}
