//! Seed folders: the virtual Root and Recycle Bin, the spaces "First space" and "Personal space",
//! folders Marketing and Engineering, and the project "Website Launch".

use chrono::{DateTime, Duration as ChronoDuration, NaiveDate, Utc};

use super::{People, SeedIds, Tree};
use crate::store::{Folder, FolderScope, Project, SpaceInfo, SpaceMember, Store};

/// Seeds the folder tree (all with `workflow`); `now` and `t0` date it.
pub(super) fn seed_folders(
    st: &mut Store,
    ids: &mut SeedIds,
    people: &People,
    workflow: &str,
    now: DateTime<Utc>,
    t0: DateTime<Utc>,
) -> Tree {
    let (me, jane, jack) = (people.me.clone(), people.jane.clone(), people.jack.clone());
    let wf_id = workflow.to_string();
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
    Tree {
        root,
        space,
        personal,
        marketing,
        engineering,
        project,
    }
}
