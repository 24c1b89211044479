//! Seed contacts: the current user, three other users (one a Collaborator), a deleted user and
//! the "My Team" group.

use super::{People, SeedIds};
use crate::store::{Contact, Store};

/// Seeds the contacts; returns the users the later parts refer to.
pub(super) fn seed_contacts(st: &mut Store, ids: &mut SeedIds) -> People {
    let acct = st.account.id.clone();
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
    People { me, jane, jack }
}
