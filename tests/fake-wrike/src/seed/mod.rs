//! Seed data: one account with users, a group, spaces, folders, a project, workflows, custom
//! fields, timelog categories and a few tasks and comments. Timestamps lie in the past so that
//! every server-side mutation is newer.
//!
//! [`seed`] fills the store in a fixed order (contacts, workflows, account settings, folders,
//! tasks and comments, blueprints, custom item types), one submodule per part.

mod account;
mod blueprints;
mod contacts;
mod folders;
mod tasks;
mod workflows;

use chrono::{Duration as ChronoDuration, Utc};

use crate::store::Store;

/// IDs of notable seed entities, for tests and the library's accessors.
#[derive(Debug, Clone, Default)]
pub struct SeedIds {
    /// The space "First space".
    pub space: String,
    /// Folder "Marketing" (in the space).
    pub marketing: String,
    /// Folder "Engineering" (in the space).
    pub engineering: String,
    /// Project "Website Launch" (in Marketing).
    pub project: String,
    /// Other users (not `me`).
    pub users: Vec<String>,
    /// The "My Team" group.
    pub group: String,
    /// The Default Workflow.
    pub default_workflow: String,
    /// Custom fields (Text "Client", Numeric "Budget", DropDown "Channel").
    pub custom_fields: Vec<String>,
    /// The blueprint root (`BpRoot`).
    pub blueprint_root: String,
    /// Folder blueprint "Campaign kit" (a project blueprint with 5 entries below it).
    pub folder_blueprint: String,
    /// Task blueprint "Onboarding checklist" (with 2 subtask blueprints), in "Personal space".
    pub task_blueprint: String,
    /// Custom item types: "Bug report" (Task, First space), "Client project" (Project,
    /// account-wide), "Legacy request" (Task, deleted).
    pub custom_item_types: Vec<String>,
}

/// The seeded users the later parts refer to.
struct People {
    /// The current user (every token's user).
    me: String,
    /// Jane Smith.
    jane: String,
    /// Jack Black.
    jack: String,
}

/// The seeded folder tree the later parts refer to.
struct Tree {
    /// The virtual Root.
    root: String,
    /// The space "First space".
    space: String,
    /// The space "Personal space".
    personal: String,
    /// Folder "Marketing".
    marketing: String,
    /// Folder "Engineering".
    engineering: String,
    /// Project "Website Launch".
    project: String,
}

/// Fills an empty store.
pub fn seed(st: &mut Store) -> SeedIds {
    let now = st.clock.now();
    let t0 = now - ChronoDuration::days(120);
    st.account.created = t0;
    let mut ids = SeedIds::default();

    let people = contacts::seed_contacts(st, &mut ids);
    let workflow = workflows::seed_workflows(st, &mut ids);
    account::seed_account_settings(st, &mut ids, &people);
    let tree = folders::seed_folders(st, &mut ids, &people, &workflow, now, t0);
    let (welcome, brief) = tasks::seed_tasks(st, &people, &tree, now);
    tasks::seed_comments(st, &people, (&welcome, &brief), now);
    blueprints::seed_blueprints(st, &mut ids, &people, &tree);
    blueprints::seed_custom_item_types(st, &mut ids, &tree);

    // Nothing the server stamps later may be older than the seed data.
    let latest = st
        .tasks
        .values()
        .map(|t| t.updated)
        .chain(st.folders.values().map(|f| f.updated))
        .chain(st.comments.values().map(|c| c.updated))
        .max()
        .unwrap_or_else(Utc::now);
    st.clock.observe(latest);
    ids
}
