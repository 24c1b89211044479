//! Seed workflows: the "Default Workflow" and a "Content Workflow", with their custom statuses.

use super::SeedIds;
use crate::store::{CustomStatus, Store, Workflow};

/// Seeds the workflows; returns the ID of the default one.
pub(super) fn seed_workflows(st: &mut Store, ids: &mut SeedIds) -> String {
    let acct = st.account.id.clone();
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
    wf_id
}
