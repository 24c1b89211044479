//! Seed templates: the blueprint tree (a folder blueprint "Campaign kit" and a task blueprint
//! "Onboarding checklist") and three custom item types.

use chrono::{Duration as ChronoDuration, NaiveDate};

use super::{People, SeedIds, Tree};
use crate::store::{Blueprint, CustomItemType, Store, TaskDates};

/// Seeds the blueprints below one `BpRoot`.
pub(super) fn seed_blueprints(st: &mut Store, ids: &mut SeedIds, people: &People, tree: &Tree) {
    let (me, jane, jack) = (people.me.clone(), people.jane.clone(), people.jack.clone());
    let Tree {
        space, personal, ..
    } = tree;
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
}

/// Seeds the custom item types "Bug report", "Client project" and "Legacy request".
pub(super) fn seed_custom_item_types(st: &mut Store, ids: &mut SeedIds, tree: &Tree) {
    let space = &tree.space;
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
}
