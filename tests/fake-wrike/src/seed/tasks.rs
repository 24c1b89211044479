//! Seed tasks (five, one a subtask, one completed) and comments (two, one older than a week).

use chrono::{DateTime, Duration as ChronoDuration, NaiveDate, Utc};

use super::{People, Tree};
use crate::store::{Comment, Store, Task, TaskDates};

/// Seeds the tasks; `now` dates them. Returns the IDs of "Getting Started With Wrike" and
/// "Write the launch brief" (the tasks with comments).
pub(super) fn seed_tasks(
    st: &mut Store,
    people: &People,
    tree: &Tree,
    now: DateTime<Utc>,
) -> (String, String) {
    let acct = st.account.id.clone();
    let (me, jane, jack) = (people.me.clone(), people.jane.clone(), people.jack.clone());
    let Tree {
        root,
        marketing,
        engineering,
        project,
        ..
    } = tree;
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
        root,
        30,
        "Active",
        &new_status,
        vec![],
    );
    let brief_t = task(
        st,
        "Write the launch brief",
        project,
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
        project,
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
        engineering,
        15,
        "Completed",
        &completed_status,
        vec![jack.clone()],
    );
    task(
        st,
        "Plan Q3 campaigns",
        marketing,
        10,
        "Active",
        &new_status,
        vec![me.clone()],
    );
    (welcome, brief_t)
}

/// Seeds the comments on the tasks "Getting Started With Wrike" (`welcome`) and "Write the
/// launch brief" (`brief_t`); `now` dates them.
pub(super) fn seed_comments(
    st: &mut Store,
    people: &People,
    (welcome, brief_t): (&str, &str),
    now: DateTime<Utc>,
) {
    let (me, jane) = (people.me.clone(), people.jane.clone());
    for (task_id, days_ago, text, author) in [
        (
            welcome,
            25i64,
            "Welcome to Wrike! This comment is older than a week.",
            me.clone(),
        ),
        (
            brief_t,
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
                task_id: Some(task_id.to_string()),
                folder_id: None,
            },
        );
    }
}
