//! Seed account settings: custom fields, timelog categories and access roles.

use serde_json::json;

use super::{People, SeedIds};
use crate::store::{CustomField, Store, TimelogCategory};

/// Seeds the custom fields, timelog categories and access roles.
pub(super) fn seed_account_settings(st: &mut Store, ids: &mut SeedIds, people: &People) {
    let acct = st.account.id.clone();
    let (me, jane, jack) = (people.me.clone(), people.jane.clone(), people.jack.clone());
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
}
