//! Seed data: one account with users, a group, spaces, folders, a project, workflows, custom
//! fields, timelog categories and a few tasks and comments. Timestamps lie in the past so that
//! every server-side mutation is newer.

use chrono::{Duration as ChronoDuration, NaiveDate, Utc};
use serde_json::json;

use crate::store::*;

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

/// Fills an empty store.
pub fn seed(st: &mut Store) -> SeedIds {
    let now = st.clock.now();
    let t0 = now - ChronoDuration::days(120);
    st.account.created = t0;
    let acct = st.account.id.clone();
    let mut ids = SeedIds::default();

    // --- contacts ---------------------------------------------------------------------------
    let person = |st: &mut Store,
                  first: &str,
                  last: &str,
                  email: &str,
                  role: &str,
                  admin: bool,
                  owner: bool,
                  tz: &str,
                  title: Option<&str>| {
        let id = {
            let c = st.ids.chars(6);
            st.ids.reserve(&format!("KU{c}"))
        };
        let legacy_id = st.new_legacy("ApiV2User", &id);
        st.contacts.push(Contact {
            id: id.clone(),
            legacy_id,
            first_name: first.into(),
            last_name: last.into(),
            group: false,
            email: Some(email.into()),
            role: role.into(),
            external: role == "Collaborator",
            admin,
            owner,
            deleted: false,
            timezone: tz.into(),
            title: title.map(|s| s.to_string()),
            company_name: Some("Fake Wrike Inc.".into()),
            phone: None,
            location: None,
            member_ids: vec![],
            my_team: false,
            metadata: vec![],
            work_schedule_id: String::new(),
        });
        id
    };
    let me = person(
        st,
        "Alex",
        "Tester",
        "alex.tester@example.com",
        "User",
        true,
        true,
        "Europe/London",
        Some("Operations Lead"),
    );
    let jane = person(
        st,
        "Jane",
        "Smith",
        "jane.smith@example.com",
        "User",
        false,
        false,
        "America/New_York",
        Some("Accountant"),
    );
    let jack = person(
        st,
        "Jack",
        "Black",
        "jack.black@example.com",
        "User",
        false,
        false,
        "Europe/Berlin",
        Some("Engineer"),
    );
    let carol = person(
        st,
        "Carol",
        "Guest",
        "carol.guest@partner.example.org",
        "Collaborator",
        false,
        false,
        "Asia/Tokyo",
        None,
    );
    let dan = person(
        st,
        "Dan",
        "Former",
        "dan.former@example.com",
        "User",
        false,
        false,
        "Z",
        None,
    );
    if let Some(c) = st.contacts.iter_mut().find(|c| c.id == dan) {
        c.deleted = true;
    }
    if let Some(c) = st.contacts.iter_mut().find(|c| c.id == me) {
        c.phone = Some("+1 555 0100".into());
        c.location = Some("London".into());
    }
    st.me = me.clone();
    ids.users = vec![jane.clone(), jack.clone(), carol.clone(), dan.clone()];
    let schedule = format!("{acct}IX{}", "AAAAAA");
    for c in st.contacts.iter_mut() {
        c.work_schedule_id = schedule.clone();
    }
    let group_id = {
        let c = st.ids.chars(6);
        st.ids.reserve(&format!("KX{c}"))
    };
    let legacy_id = st.new_legacy("ApiV2User", &group_id);
    st.contacts.push(Contact {
        id: group_id.clone(),
        legacy_id,
        first_name: "My Team".into(),
        last_name: String::new(),
        group: true,
        email: None,
        role: "User".into(),
        external: false,
        admin: false,
        owner: false,
        deleted: false,
        timezone: "Z".into(),
        title: None,
        company_name: None,
        phone: None,
        location: None,
        member_ids: vec![me.clone(), jane.clone(), jack.clone()],
        my_team: true,
        metadata: vec![],
        work_schedule_id: schedule.clone(),
    });
    ids.group = group_id;

    // --- workflows ----------------------------------------------------------------------------
    let wf_id = st.new_id("K7");
    let status = |id: String, name: &str, color: &str, standard: bool, group: &str| CustomStatus {
        id,
        name: name.into(),
        standard_name: true,
        color: color.into(),
        standard,
        group: group.into(),
        hidden: false,
    };
    let in_progress = st.new_id("JM");
    let default_wf = Workflow {
        id: wf_id.clone(),
        name: "Default Workflow".into(),
        standard: true,
        hidden: false,
        statuses: vec![
            status(
                st.ids.reserve(&format!("{acct}JMAAAAAA")),
                "New",
                "Blue",
                true,
                "Active",
            ),
            status(in_progress, "In Progress", "Turquoise", false, "Active"),
            status(
                st.ids.reserve(&format!("{acct}JMAAAAAB")),
                "Completed",
                "Green",
                true,
                "Completed",
            ),
            status(
                st.ids.reserve(&format!("{acct}JMAAAAAC")),
                "On Hold",
                "Gray",
                true,
                "Deferred",
            ),
            status(
                st.ids.reserve(&format!("{acct}JMAAAAAD")),
                "Cancelled",
                "Gray",
                true,
                "Cancelled",
            ),
        ],
    };
    ids.default_workflow = wf_id.clone();
    st.workflows.push(default_wf);
    let content_wf = Workflow {
        id: st.new_id("K7"),
        name: "Content Workflow".into(),
        standard: false,
        hidden: false,
        statuses: vec![
            CustomStatus {
                standard_name: false,
                ..status(st.new_id("JM"), "Draft", "Yellow", true, "Active")
            },
            CustomStatus {
                standard_name: false,
                ..status(st.new_id("JM"), "In Review", "Orange", false, "Active")
            },
            CustomStatus {
                standard_name: false,
                ..status(st.new_id("JM"), "Published", "Green", true, "Completed")
            },
            CustomStatus {
                standard_name: false,
                ..status(st.new_id("JM"), "Parked", "Gray", true, "Deferred")
            },
            CustomStatus {
                standard_name: false,
                ..status(st.new_id("JM"), "Dropped", "Red", true, "Cancelled")
            },
        ],
    };
    st.workflows.push(content_wf);

    // --- custom fields ------------------------------------------------------------------------
    let all_people = vec![me.clone(), jane.clone(), jack.clone()];
    for (title, kind, settings) in [
        (
            "Client",
            "Text",
            json!({"inheritanceType":"All","applicableEntityTypes":["WorkItem"]}),
        ),
        (
            "Budget",
            "Numeric",
            json!({"inheritanceType":"All","decimalPlaces":2,"useThousandsSeparator":false,"aggregation":"Sum"}),
        ),
        (
            "Channel",
            "DropDown",
            json!({"inheritanceType":"All","values":["Web","Email","Social"],"allowOtherValues":false}),
        ),
    ] {
        let id = st.new_id("JU");
        ids.custom_fields.push(id.clone());
        st.custom_fields.push(CustomField {
            id,
            title: title.into(),
            kind: kind.into(),
            shared_ids: all_people.clone(),
            settings,
        });
    }

    // --- timelog categories -------------------------------------------------------------------
    for (i, name) in ["Development", "Meetings", "Design", "Support"]
        .iter()
        .enumerate()
    {
        let id = st.new_id("KY");
        st.timelog_categories.push(TimelogCategory {
            id,
            name: name.to_string(),
            order: i as i64,
            hidden: false,
        });
    }

    // --- access roles -------------------------------------------------------------------------
    st.access_roles = vec![
        (format!("{acct}ND777777"), "Full".to_string()),
        (format!("{acct}ND777776"), "Editor".to_string()),
        (format!("{acct}ND777775"), "Limited".to_string()),
        (format!("{acct}ND777774"), "Read Only".to_string()),
    ];
    let full_role = st.access_roles[0].0.clone();

    // --- folders ------------------------------------------------------------------------------
    let root = st.root_id();
    let rb = st.recycle_bin_id();
    st.ids.reserve(&root);
    st.ids.reserve(&rb);
    for (id, title, scope) in [
        (root.clone(), "Root", FolderScope::WsRoot),
        (rb.clone(), "Recycle Bin", FolderScope::RbRoot),
    ] {
        let legacy_id = st.new_legacy("ApiV2Folder", &id);
        let seq = st.next_seq();
        st.folders.insert(
            id.clone(),
            Folder {
                id,
                legacy_id,
                seq,
                title: title.into(),
                description: String::new(),
                color: None,
                created: t0,
                updated: t0,
                parent_ids: vec![],
                saved_parent_ids: vec![],
                shared_ids: vec![me.clone()],
                scope,
                workflow_id: wf_id.clone(),
                metadata: vec![],
                custom_fields: vec![],
                custom_column_ids: vec![],
                project: None,
                space: None,
                custom_item_type_id: None,
                author_id: me.clone(),
            },
        );
    }
    let folder = |st: &mut Store, title: &str, parent: &str, days_ago: i64| -> String {
        let id = st.new_id("I4");
        let legacy_id = st.new_legacy("ApiV2Folder", &id);
        let seq = st.next_seq();
        let t = now - ChronoDuration::days(days_ago);
        st.folders.insert(
            id.clone(),
            Folder {
                id: id.clone(),
                legacy_id,
                seq,
                title: title.into(),
                description: String::new(),
                color: None,
                created: t,
                updated: t,
                parent_ids: vec![parent.to_string()],
                saved_parent_ids: vec![],
                shared_ids: vec![me.clone(), jane.clone(), jack.clone()],
                scope: FolderScope::WsFolder,
                workflow_id: wf_id.clone(),
                metadata: vec![],
                custom_fields: vec![],
                custom_column_ids: vec![],
                project: None,
                space: None,
                custom_item_type_id: None,
                author_id: me.clone(),
            },
        );
        id
    };
    let space = folder(st, "First space", &root, 100);
    if let Some(f) = st.folders.get_mut(&space) {
        f.space = Some(SpaceInfo {
            avatar_url: "https://www.wrike.com/static/spaceicons2/v3/6/6-planet.png".into(),
            access_type: "Public".into(),
            archived: false,
            members: vec![
                SpaceMember {
                    id: me.clone(),
                    access_role_id: full_role.clone(),
                    is_manager: true,
                },
                SpaceMember {
                    id: jane.clone(),
                    access_role_id: full_role.clone(),
                    is_manager: false,
                },
                SpaceMember {
                    id: jack.clone(),
                    access_role_id: full_role.clone(),
                    is_manager: false,
                },
            ],
            guest_role_id: Some(full_role.clone()),
        });
        f.description = "The team's shared space.".into();
    }
    let personal = folder(st, "Personal space", &root, 100);
    if let Some(f) = st.folders.get_mut(&personal) {
        f.shared_ids = vec![me.clone()];
        f.space = Some(SpaceInfo {
            avatar_url: "https://www.wrike.com/static/spaceicons2/v3/1/1-person.png".into(),
            access_type: "Personal".into(),
            archived: false,
            members: vec![SpaceMember {
                id: me.clone(),
                access_role_id: full_role.clone(),
                is_manager: true,
            }],
            guest_role_id: None,
        });
    }
    let marketing = folder(st, "Marketing", &space, 90);
    let engineering = folder(st, "Engineering", &space, 90);
    let project = folder(st, "Website Launch", &marketing, 60);
    if let Some(f) = st.folders.get_mut(&project) {
        let created = f.created;
        f.description = "<p>Launch the new website.</p>".into();
        f.project = Some(Project {
            author_id: me.clone(),
            owner_ids: vec![me.clone()],
            status: "Green".into(),
            custom_status_id: None,
            start_date: NaiveDate::from_ymd_opt(2025, 1, 6),
            end_date: NaiveDate::from_ymd_opt(2025, 3, 28),
            created,
            completed: None,
            contract_type: None,
        });
        f.color = Some("Green1".into());
    }
    ids.space = space.clone();
    ids.marketing = marketing.clone();
    ids.engineering = engineering.clone();
    ids.project = project.clone();

    // --- tasks --------------------------------------------------------------------------------
    let new_status = format!("{acct}JMAAAAAA");
    let completed_status = format!("{acct}JMAAAAAB");
    let task = |st: &mut Store,
                title: &str,
                parent: &str,
                days_ago: i64,
                status: &str,
                cs: &str,
                responsibles: Vec<String>|
     -> String {
        let id = st.new_id("KQ");
        let legacy_id = st.new_legacy("ApiV2Task", &id);
        let seq = st.next_seq();
        let priority = st.next_priority();
        let t = now - ChronoDuration::days(days_ago);
        st.tasks.insert(
            id.clone(),
            Task {
                id: id.clone(),
                legacy_id,
                seq,
                title: title.into(),
                description: String::new(),
                status: status.into(),
                importance: "Normal".into(),
                created: t,
                updated: t + ChronoDuration::hours(1),
                completed: (status == "Completed").then_some(t + ChronoDuration::hours(1)),
                dates: TaskDates::backlog(),
                deleted: false,
                parent_ids: vec![parent.to_string()],
                saved_parent_ids: vec![],
                shared_ids: vec![me.clone(), jane.clone(), jack.clone()],
                responsible_ids: responsibles,
                author_id: me.clone(),
                custom_status_id: cs.into(),
                priority,
                follower_ids: vec![me.clone()],
                super_task_ids: vec![],
                metadata: vec![],
                custom_fields: vec![],
                recurrent: false,
                billing_type: None,
                effort_allocation: None,
                custom_item_type_id: None,
            },
        );
        id
    };
    let welcome = task(
        st,
        "Getting Started With Wrike",
        &root,
        30,
        "Active",
        &new_status,
        vec![],
    );
    let brief_t = task(
        st,
        "Write the launch brief",
        &project,
        20,
        "Active",
        &new_status,
        vec![jane.clone()],
    );
    if let Some(t) = st.tasks.get_mut(&brief_t) {
        t.description = "<p>Draft the brief for the <b>website launch</b>.</p>".into();
        t.importance = "High".into();
        t.dates = TaskDates {
            kind: "Planned".into(),
            duration: Some(2400),
            start: NaiveDate::from_ymd_opt(2025, 1, 6).and_then(|d| d.and_hms_opt(9, 0, 0)),
            due: NaiveDate::from_ymd_opt(2025, 1, 10).and_then(|d| d.and_hms_opt(17, 0, 0)),
            work_on_weekends: Some(false),
        };
    }
    let sub = task(
        st,
        "Collect stakeholder input",
        &project,
        19,
        "Active",
        &new_status,
        vec![jack.clone()],
    );
    if let Some(t) = st.tasks.get_mut(&sub) {
        t.super_task_ids = vec![brief_t.clone()];
    }
    task(
        st,
        "Set up CI",
        &engineering,
        15,
        "Completed",
        &completed_status,
        vec![jack.clone()],
    );
    task(
        st,
        "Plan Q3 campaigns",
        &marketing,
        10,
        "Active",
        &new_status,
        vec![me.clone()],
    );

    // --- comments -----------------------------------------------------------------------------
    for (task_id, days_ago, text, author) in [
        (
            &welcome,
            25i64,
            "Welcome to Wrike! This comment is older than a week.",
            me.clone(),
        ),
        (
            &brief_t,
            2,
            "Please include the <b>timeline</b>.",
            jane.clone(),
        ),
    ] {
        let id = st.new_id("IM");
        let legacy_id = st.new_legacy("ApiV2Comment", &id);
        let seq = st.next_seq();
        let t = now - ChronoDuration::days(days_ago);
        st.comments.insert(
            id.clone(),
            Comment {
                id,
                legacy_id,
                seq,
                author_id: author,
                text: text.into(),
                created: t,
                updated: t,
                task_id: Some(task_id.clone()),
                folder_id: None,
            },
        );
    }

    // --- blueprints ------------------------------------------------------------------------------
    let bp = |st: &mut Store,
              title: &str,
              scope: &str,
              space: Option<&str>,
              description: &str,
              responsibles: Vec<String>,
              dates: TaskDates|
     -> String {
        let id = st.new_id(if scope == "TaskBp" { "KB" } else { "IB" });
        let legacy_id = st.ids.legacy();
        let seq = st.next_seq();
        st.blueprints.insert(
            id.clone(),
            Blueprint {
                id: id.clone(),
                legacy_id,
                seq,
                title: title.into(),
                scope: scope.into(),
                child_ids: vec![],
                space_id: space.map(str::to_string),
                description: description.into(),
                project: false,
                responsible_ids: responsibles,
                custom_fields: vec![],
                dates,
            },
        );
        id
    };
    let planned = |days: i64, len: i64| {
        let start = NaiveDate::from_ymd_opt(2025, 6, 2)
            .expect("valid date")
            .and_hms_opt(9, 0, 0)
            .expect("valid time")
            + ChronoDuration::days(days);
        TaskDates {
            kind: "Planned".into(),
            duration: Some(len * 480),
            start: Some(start),
            due: Some(start + ChronoDuration::days(len - 1) + ChronoDuration::hours(8)),
            work_on_weekends: Some(false),
        }
    };
    let bp_root = bp(
        st,
        "Blueprints",
        "BpRoot",
        None,
        "",
        vec![],
        TaskDates::default(),
    );
    let kit = bp(
        st,
        "Campaign kit",
        "FolderBp",
        Some(space.as_str()),
        "<p>Everything a campaign needs.</p>",
        vec![],
        TaskDates::default(),
    );
    let assets = bp(
        st,
        "Assets",
        "FolderBp",
        Some(space.as_str()),
        "",
        vec![],
        TaskDates::default(),
    );
    let banners = bp(
        st,
        "Banner set",
        "TaskBp",
        Some(space.as_str()),
        "<p>Three sizes.</p>",
        vec![jack.clone()],
        planned(3, 2),
    );
    let brief_bp = bp(
        st,
        "Campaign brief",
        "TaskBp",
        Some(space.as_str()),
        "<p>Goals, audience, budget.</p>",
        vec![jane.clone()],
        planned(0, 2),
    );
    let review = bp(
        st,
        "Review",
        "TaskBp",
        Some(space.as_str()),
        "",
        vec![me.clone()],
        planned(5, 1),
    );
    let legal = bp(
        st,
        "Legal check",
        "TaskBp",
        Some(space.as_str()),
        "",
        vec![],
        planned(5, 1),
    );
    let onboarding = bp(
        st,
        "Onboarding checklist",
        "TaskBp",
        Some(personal.as_str()),
        "<p>First week.</p>",
        vec![me.clone()],
        TaskDates::backlog(),
    );
    let laptop = bp(
        st,
        "Set up laptop",
        "TaskBp",
        Some(personal.as_str()),
        "",
        vec![],
        TaskDates::backlog(),
    );
    let meet = bp(
        st,
        "Meet the team",
        "TaskBp",
        Some(personal.as_str()),
        "",
        vec![],
        TaskDates::backlog(),
    );
    for (parent, children) in [
        (&bp_root, vec![kit.clone(), onboarding.clone()]),
        (&kit, vec![assets.clone(), brief_bp.clone(), review.clone()]),
        (&assets, vec![banners.clone()]),
        (&review, vec![legal.clone()]),
        (&onboarding, vec![laptop.clone(), meet.clone()]),
    ] {
        st.blueprints.get_mut(parent).expect("seeded").child_ids = children;
    }
    if let Some(b) = st.blueprints.get_mut(&kit) {
        b.project = true;
        b.custom_fields = vec![(ids.custom_fields[0].clone(), "Acme".into())];
    }
    ids.blueprint_root = bp_root;
    ids.folder_blueprint = kit;
    ids.task_blueprint = onboarding;

    // --- custom item types --------------------------------------------------------------------
    for (title, related, space_id, deleted) in [
        ("Bug report", "Task", Some(space.clone()), false),
        ("Client project", "Project", None, false),
        ("Legacy request", "Task", Some(space.clone()), true),
    ] {
        let id = st.new_id("IT");
        st.custom_item_types.push(CustomItemType {
            id: id.clone(),
            title: title.into(),
            description: format!("<p>{title} template.</p>"),
            space_id,
            related_type: related.into(),
            custom_field_ids: vec![ids.custom_fields[0].clone()],
            deleted,
        });
        ids.custom_item_types.push(id);
    }

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
