//! What the 2020 reference lacks, from `reference/MODERN.md`: methods added since (blueprints,
//! custom item types, webhooks) and parameters and `fields` values added to methods the 2020 file
//! has. Each entry names its section; only what `MODERN.md` documents is here.

use std::collections::BTreeMap;

use super::load::{body_kind, route};
use super::{Format, MethodRule, ParamRule, Reference, Ty};

/// A parameter rule, built in place.
fn p(name: &str, ty: Ty) -> ParamRule {
    ParamRule {
        name: name.into(),
        ty,
        required: false,
        values: None,
        format: None,
        model: None,
    }
}

impl ParamRule {
    fn required(mut self) -> Self {
        self.required = true;
        self
    }

    fn one_of(mut self, values: &[&str]) -> Self {
        self.values = Some(values.iter().map(|v| v.to_string()).collect());
        self
    }

    fn format(mut self, f: Format) -> Self {
        self.format = Some(f);
        self
    }
}

fn s(name: &str) -> ParamRule {
    p(name, Ty::String)
}
fn n(name: &str) -> ParamRule {
    p(name, Ty::Number)
}
fn b(name: &str) -> ParamRule {
    p(name, Ty::Boolean)
}
fn a(name: &str) -> ParamRule {
    p(name, Ty::Array)
}
fn o(name: &str) -> ParamRule {
    p(name, Ty::Object)
}

fn method<'r>(r: &'r mut Reference, id: &str, params: Vec<ParamRule>) -> &'r mut MethodRule {
    let (verb, path) = id.split_once(':').expect("METHOD:/path");
    let params: BTreeMap<String, ParamRule> =
        params.into_iter().map(|p| (p.name.clone(), p)).collect();
    r.methods.push(MethodRule {
        id: id.into(),
        verb: verb.into(),
        segs: route(path).expect("valid route"),
        file_name_segment: false,
        params,
        body: body_kind(verb),
        exactly_one_of: Vec::new(),
        source: "MODERN.md",
    });
    r.methods.last_mut().expect("pushed")
}

/// Adds parameters to a 2020 method (replacing one of the same name).
fn add(r: &mut Reference, id: &str, params: Vec<ParamRule>) {
    let m = r.method_mut(id);
    for p in params {
        m.params.insert(p.name.clone(), p);
    }
}

/// Adds values to the enum of a 2020 method's parameter.
fn add_values(r: &mut Reference, id: &str, param: &str, values: &[&str]) {
    let m = r.method_mut(id);
    let rule = m
        .params
        .get_mut(param)
        .unwrap_or_else(|| panic!("{id} has no parameter {param}"));
    let list = rule.values.get_or_insert_with(Vec::new);
    for v in values {
        if !list.iter().any(|x| x == v) {
            list.push(v.to_string());
        }
    }
}

/// The launch parameters both blueprint kinds share (§1.5, §2.3).
fn launch_params() -> Vec<ParamRule> {
    vec![
        s("title").required(),
        s("titlePrefix"),
        b("copyDescriptions"),
        b("notifyResponsibles"),
        b("copyResponsibles"),
        b("copyCustomFields"),
        b("copyAttachments"),
        s("rescheduleDate").format(Format::Date),
        s("rescheduleMode").one_of(&["Start", "End"]),
        n("entryLimit"),
    ]
}

/// Applies every `MODERN.md` fact the fake relies on.
pub fn supplement(r: &mut Reference) {
    blueprints(r);
    custom_item_types(r);
    webhooks(r);
    tasks(r);
    folders(r);
    other(r);
}

/// §1 folder blueprints, §2 task blueprints.
fn blueprints(r: &mut Reference) {
    let cf = || a("customFields");
    let fields = || a("fields").one_of(&["customFields"]);
    method(
        r,
        "GET:/folder_blueprints/empty",
        vec![s("permalink"), s("title"), cf(), fields()],
    );
    method(
        r,
        "GET:/spaces/single/folder_blueprints",
        vec![s("permalink"), fields()],
    );
    // §1.5: `parent` — "W-SPEC's text does not say required"; so it is optional here.
    let mut launch = launch_params();
    launch.push(s("parent"));
    method(r, "POST:/folder_blueprints/single/launch_async", launch);
    method(
        r,
        "GET:/task_blueprints/empty",
        vec![
            s("permalink"),
            s("title"),
            n("limit"),
            n("pageSize"),
            s("nextPageToken"),
            cf(),
            fields(),
        ],
    );
    method(
        r,
        "GET:/spaces/single/task_blueprints",
        vec![
            s("permalink"),
            n("limit"),
            n("pageSize"),
            s("nextPageToken"),
            fields(),
        ],
    );
    // §2.3: "Exactly one of the two; setting both is rejected (spec text)".
    let mut launch = launch_params();
    launch.push(s("parentId"));
    launch.push(s("superTaskId"));
    method(r, "POST:/task_blueprints/single/launch_async", launch)
        .exactly_one_of
        .push(("parentId".into(), "superTaskId".into()));
}

/// §4 custom item types.
fn custom_item_types(r: &mut Reference) {
    let list = || {
        vec![
            s("title"),
            n("limit"),
            b("withDeleted"),
            s("type").one_of(&["Project", "Task"]),
            a("fields").one_of(&["dataUsageStatistics"]),
        ]
    };
    method(r, "GET:/custom_item_types/empty", list());
    method(r, "GET:/spaces/single/custom_item_types", list());
    method(
        r,
        "GET:/custom_item_types/multi",
        vec![
            b("withDeleted"),
            a("fields").one_of(&["dataUsageStatistics"]),
        ],
    );
    // §4.5: `title` is [U] ("spec text just says Title"), so not required here; "Both together
    // are rejected" for parentId / superTaskId.
    method(
        r,
        "POST:/custom_item_types/single/instantiate",
        vec![s("parentId"), s("superTaskId"), s("title")],
    )
    .exactly_one_of
    .push(("parentId".into(), "superTaskId".into()));
}

/// §5 webhooks: create (§5.3, [C]), list/get/update/delete (§5.2, [3P]).
fn webhooks(r: &mut Reference) {
    let create = || {
        vec![
            s("hookUrl").required(),
            s("secret"),
            // "comma-separated names in square brackets, e.g. `[AttachmentAdded,…]`"; the
            // tolerant list forms are accepted by the decoder (API.md §4).
            a("events"),
            b("recursive"),
            a("parameterisedEvents"),
            a("customItemTypes"),
        ]
    };
    method(r, "POST:/webhooks/empty", create());
    method(r, "POST:/folders/single/webhooks", create());
    method(r, "POST:/spaces/single/webhooks", create());
    method(r, "GET:/webhooks/empty", vec![]);
    method(r, "GET:/webhooks/multi", vec![]);
    method(
        r,
        "PUT:/webhooks/single",
        vec![s("status").one_of(&["Active", "Suspended"])],
    );
    method(r, "DELETE:/webhooks/single", vec![]);
}

/// §6.1 task queries, §6.2 task writes, §4.6 custom item types on tasks.
fn tasks(r: &mut Reference) {
    for id in [
        "GET:/tasks/empty",
        "GET:/folders/single/tasks",
        "GET:/spaces/single/tasks",
    ] {
        add(
            r,
            id,
            vec![
                a("responsiblePlaceholders"),
                a("customFields"),
                b("withInvitations"),
                b("plainTextCustomFields"),
                a("customItemTypes"),
            ],
        );
        add_values(r, id, "sortField", &["StartFinishInterval"]);
        add_values(
            r,
            id,
            "fields",
            &[
                "customItemTypeId",
                "responsiblePlaceholderIds",
                "workScheduleId",
                "followerIds",
            ],
        );
    }
    add_values(r, "GET:/folders/single/tasks", "fields", &["finance"]);
    add_values(
        r,
        "GET:/tasks/multi",
        "fields",
        &[
            "cascadingFields",
            "customItemTypeId",
            "workScheduleId",
            "responsiblePlaceholderIds",
            "finance",
        ],
    );
    add(
        r,
        "POST:/folders/single/tasks",
        vec![
            a("responsiblePlaceholders"),
            b("withInvitations"),
            s("customItemTypeId"),
            b("plainTextCustomFields"),
            s("workScheduleId"),
        ],
    );
    add_values(
        r,
        "POST:/folders/single/tasks",
        "fields",
        &[
            "customItemTypeId",
            "workScheduleId",
            "responsiblePlaceholderIds",
        ],
    );
    add(
        r,
        "PUT:/tasks/single",
        vec![
            a("addResponsiblePlaceholders"),
            a("removeResponsiblePlaceholders"),
            a("setResponsibleAllocation"),
            b("withInvitations"),
            s("convertToCustomItemType"),
            b("plainTextCustomFields"),
            s("workScheduleId"),
        ],
    );
    // §6.2: the bulk update "now accepts" these (2020: only customFields, effortAllocation).
    let bulk_effort = r.method_mut("PUT:/tasks/single").params["effortAllocation"].clone();
    let bulk_cf = r.method_mut("PUT:/tasks/single").params["customFields"].clone();
    add(
        r,
        "PUT:/tasks/multi",
        vec![
            bulk_cf,
            bulk_effort,
            a("setResponsibleAllocation"),
            s("convertToCustomItemType"),
            a("addParents"),
            a("removeParents"),
            a("addResponsibles"),
            a("removeResponsibles"),
            a("addResponsiblePlaceholders"),
            a("removeResponsiblePlaceholders"),
            s("customStatus"),
        ],
    );
}

/// §6.3 folders and projects, §4.6 custom item types on folders.
fn folders(r: &mut Reference) {
    for id in [
        "GET:/folders/empty",
        "GET:/folders/single/folders",
        "GET:/spaces/single/folders",
    ] {
        add(
            r,
            id,
            vec![
                a("customFields"),
                b("withInvitations"),
                b("plainTextCustomFields"),
                a("customItemTypes"),
                n("pageSize"),
                s("nextPageToken"),
                a("customStatuses"),
                a("authors"),
                a("owners"),
                o("startDate"),
                o("endDate"),
                o("completedDate"),
                s("title"),
            ],
        );
        add_values(r, id, "fields", &["customItemTypeId"]);
    }
    add_values(r, "GET:/folders/single/folders", "fields", &["finance"]);
    add_values(
        r,
        "GET:/folders/multi",
        "fields",
        &[
            "cascadingFields",
            "accessRoles",
            "customItemTypeId",
            "finance",
        ],
    );
    add(
        r,
        "POST:/folders/single/folders",
        vec![s("customItemTypeId")],
    );
    add(r, "PUT:/folders/single", vec![s("convertToCustomItemType")]);
    add(
        r,
        "PUT:/folders/multi",
        vec![
            a("customFields"),
            s("convertToCustomItemType"),
            o("project"),
        ],
    );
}

/// §6.4: spaces, contacts, timelogs, dependencies, IDs.
fn other(r: &mut Reference) {
    for id in ["POST:/spaces/empty", "PUT:/spaces/single"] {
        add_values(r, id, "accessType", &["Locked"]);
    }
    add(
        r,
        "GET:/contacts/empty",
        vec![
            a("types"),
            a("emails"),
            b("active"),
            s("name"),
            a("customFields"),
        ],
    );
    add_values(
        r,
        "GET:/contacts/empty",
        "fields",
        &[
            "currentBillRate",
            "currentCostRate",
            "customFields",
            "jobRoleId",
        ],
    );
    for id in [
        "GET:/timelogs/empty",
        "GET:/contacts/single/timelogs",
        "GET:/folders/single/timelogs",
        "GET:/tasks/single/timelogs",
        "GET:/timelog_categories/single/timelogs",
    ] {
        add(
            r,
            id,
            vec![
                n("pageSize"),
                s("nextPageToken"),
                n("limit"),
                a("exportStatuses"),
                a("approvalStatuses"),
            ],
        );
    }
    add(r, "POST:/tasks/single/timelogs", vec![s("onBehalfOf")]);
    for id in [
        "POST:/tasks/single/dependencies",
        "PUT:/dependencies/single",
    ] {
        add(r, id, vec![n("lagTime")]);
    }
    if r.method_mut("GET:/ids/empty").params["type"]
        .values
        .is_some()
    {
        add_values(r, "GET:/ids/empty", "type", &["ApiV2RequestForm"]);
    }
}
