//! Blueprints, async jobs and custom item types over HTTP (MODERN.md §1–4).

mod common;

use common::Api;
use fake_wrike::{FakeWrike, JobPlan};
use serde_json::{json, Value};

fn start() -> (FakeWrike, Api) {
    let w = FakeWrike::start().expect("fake starts");
    let api = Api::new(&w);
    (w, api)
}

fn titles(v: &[Value]) -> Vec<String> {
    v.iter()
        .map(|x| x["title"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn blueprint_lists() {
    let (w, api) = start();
    let f = api.get("/folder_blueprints", &[]).ok();
    assert_eq!(f.json["kind"], "folderBlueprints");
    assert_eq!(
        titles(f.data()),
        vec!["Blueprints", "Campaign kit", "Assets"]
    );
    let root = &f.data()[0];
    assert_eq!(root["scope"], "BpRoot");
    assert_eq!(root["id"], w.blueprint_root_id());
    assert!(root["childIds"]
        .as_array()
        .unwrap()
        .contains(&json!(w.folder_blueprint_id())));
    assert_eq!(f.data()[1]["scope"], "FolderBp");
    assert!(f.data()[1]["permalink"]
        .as_str()
        .unwrap()
        .contains("open.htm?id="));

    let t = api.get("/task_blueprints", &[("title", "onboarding")]).ok();
    assert_eq!(titles(t.data()), vec!["Onboarding checklist"]);
    assert_eq!(t.data()[0]["childIds"].as_array().unwrap().len(), 2);
    // Task blueprint lists page.
    let p1 = api.get("/task_blueprints", &[("pageSize", "4")]).ok();
    assert_eq!(p1.data().len(), 4);
    let token = p1.json["nextPageToken"].as_str().unwrap().to_string();
    let p2 = api
        .get("/task_blueprints", &[("nextPageToken", &token)])
        .ok();
    assert_eq!(p2.data().len(), 3);
    assert!(p2.json.get("nextPageToken").is_none());

    let personal = api.get("/spaces", &[]).ok().data()[1]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let sp = api
        .get(&format!("/spaces/{personal}/task_blueprints"), &[])
        .ok();
    assert_eq!(sp.data().len(), 3);
    let sf = api
        .get(&format!("/spaces/{}/folder_blueprints", w.space_id()), &[])
        .ok();
    assert_eq!(titles(sf.data()), vec!["Campaign kit", "Assets"]);
    // The space variants take no title filter; unknown spaces are 404.
    api.get(
        &format!("/spaces/{}/folder_blueprints", w.space_id()),
        &[("title", "x")],
    )
    .err(400, "invalid_parameter");
    api.get("/spaces/IEAAAAAQI4ZZZZZZ/folder_blueprints", &[])
        .err(404, "resource_not_found");
    let cf = api
        .get("/folder_blueprints", &[("fields", r#"["customFields"]"#)])
        .ok();
    assert_eq!(cf.data()[1]["customFields"][0]["value"], "Acme");
    // Requests above break the reference on purpose (the fake answers as Wrike would).
    common::broke(&w, &["`title` is not one of"]);
}

#[test]
fn a_folder_launch_builds_the_tree_over_a_few_polls() {
    let (w, api) = start();
    let marketing = w.folder_ids()[0].0.clone();
    let bp = w.folder_blueprint_id();
    let launch = api
        .post(
            &format!("/folder_blueprints/{bp}/launch_async"),
            &[
                ("parent", marketing.as_str()),
                ("title", "Spring campaign"),
                ("titlePrefix", "SC: "),
                ("copyResponsibles", "false"),
                ("rescheduleDate", "2026-03-02"),
                ("rescheduleMode", "Start"),
            ],
        )
        .ok();
    let job = &launch.data()[0];
    assert_eq!(job["status"], "InQueue");
    assert_eq!(job["totalCount"], 6);
    assert_eq!(job["processedCount"], 0);
    let id = job["id"].as_str().unwrap().to_string();

    let j1 = api.get(&format!("/async_job/{id}"), &[]).ok();
    assert_eq!(j1.data()[0]["status"], "InProgress");
    assert_eq!(j1.data()[0]["processedCount"], 3);
    assert_eq!(j1.data()[0]["progressPercent"], 50);
    let j2 = api.get(&format!("/async_job/{id}"), &[]).ok();
    let done = &j2.data()[0];
    assert_eq!(done["status"], "Completed", "{done}");
    assert_eq!(done["progressPercent"], 100);
    assert_eq!(done["type"], "FolderBlueprintLaunch");
    let root = done["result"]["folderId"].as_str().unwrap().to_string();
    // Polling a finished job changes nothing.
    assert_eq!(
        api.get(&format!("/async_job/{id}"), &[]).ok().data()[0],
        *done
    );

    let folder = w.folder(&root).unwrap();
    assert_eq!(folder["title"], "Spring campaign");
    assert_eq!(folder["parentIds"], json!([marketing]));
    assert!(
        folder.get("project").is_some(),
        "a project blueprint: {folder}"
    );
    let below = api
        .get(
            &format!("/folders/{root}/tasks"),
            &[("descendants", "true")],
        )
        .ok();
    let mut t = titles(below.data());
    t.sort();
    assert_eq!(
        t,
        vec![
            "SC: Banner set",
            "SC: Campaign brief",
            "SC: Legal check",
            "SC: Review"
        ]
    );
    let brief = below
        .data()
        .iter()
        .find(|x| x["title"] == "SC: Campaign brief")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let brief = w.task(&brief).unwrap();
    assert_eq!(brief["responsibleIds"], json!([]), "copyResponsibles=false");
    assert_eq!(brief["description"], "<p>Goals, audience, budget.</p>");
    assert_eq!(
        brief["dates"]["start"], "2026-03-02T09:00:00",
        "rescheduled"
    );
    let legal = below
        .data()
        .iter()
        .find(|x| x["title"] == "SC: Legal check")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let legal = w.task(&legal).unwrap();
    let review = w.task(legal["superTaskIds"][0].as_str().unwrap()).unwrap();
    assert_eq!(review["title"], "SC: Review");
}

#[test]
fn launch_parameters_are_checked() {
    let (w, api) = start();
    let marketing = w.folder_ids()[0].0.clone();
    let fbp = format!(
        "/folder_blueprints/{}/launch_async",
        w.folder_blueprint_id()
    );
    let tbp = format!("/task_blueprints/{}/launch_async", w.task_blueprint_id());
    let task = w.task_ids()[0].clone();
    // Folder launches name the parent `parent`, and need it.
    api.post(&fbp, &[("title", "x")])
        .err(400, "parameter_required");
    api.post(&fbp, &[("parentId", &marketing), ("title", "x")])
        .err(400, "invalid_parameter");
    api.post(&fbp, &[("parent", &marketing)])
        .err(400, "parameter_required");
    api.post(
        &fbp,
        &[
            ("parent", &marketing),
            ("title", "x"),
            ("rescheduleMode", "End"),
        ],
    )
    .err(400, "invalid_parameter");
    let r = api.post(
        &fbp,
        &[("parent", &marketing), ("title", "x"), ("entryLimit", "5")],
    );
    r.err(400, "invalid_parameter");
    assert!(r.text.contains("entryLimit"), "{}", r.text);
    // Task launches take exactly one of parentId, superTaskId.
    let both = api.post(
        &tbp,
        &[
            ("parentId", &marketing),
            ("superTaskId", &task),
            ("title", "x"),
        ],
    );
    both.err(400, "invalid_parameter");
    assert!(both.text.contains("superTaskId"), "{}", both.text);
    api.post(&tbp, &[("title", "x")])
        .err(400, "parameter_required");
    // Unknown blueprints, and blueprints of the other kind, are not found.
    api.post(
        "/folder_blueprints/IEAAAAAQIBZZZZZZ/launch_async",
        &[("parent", &marketing), ("title", "x")],
    )
    .err(404, "resource_not_found");
    api.post(
        &format!("/folder_blueprints/{}/launch_async", w.task_blueprint_id()),
        &[("parent", &marketing), ("title", "x")],
    )
    .err(404, "resource_not_found");
    api.get("/async_job/IEAAAAAQAJZZZZZZ", &[])
        .err(404, "resource_not_found");
    // A read-only token cannot launch.
    w.add_token("ro", &["wsReadOnly"]);
    let ro = Api::with_token(&w, Some("ro"));
    ro.post(&tbp, &[("parentId", &marketing), ("title", "x")])
        .err(403, "access_forbidden");
    // Requests above break the reference on purpose (the fake answers as Wrike would).
    common::broke(
        &w,
        &[
            "`parentId` is not one of",
            "`title` is required",
            "(2 given)",
            "(0 given)",
        ],
    );
}

#[test]
fn a_task_launch_under_a_super_task() {
    let (w, api) = start();
    let sup = w.task_ids()[0].clone();
    let sup_parents = w.task(&sup).unwrap()["parentIds"].clone();
    w.set_async_job_plan(JobPlan {
        polls_to_finish: Some(1),
        fail_at_percent: None,
    });
    let tbp = format!("/task_blueprints/{}/launch_async", w.task_blueprint_id());
    let job = api
        .post(&tbp, &[("superTaskId", &sup), ("title", "Onboard Ann")])
        .ok()
        .data()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let done = api.get(&format!("/async_job/{job}"), &[]).ok().data()[0].clone();
    assert_eq!(done["status"], "Completed");
    assert_eq!(done["type"], "TaskBlueprintLaunch");
    let root = w.task(done["result"]["taskId"].as_str().unwrap()).unwrap();
    assert_eq!(root["title"], "Onboard Ann");
    assert_eq!(root["superTaskIds"], json!([sup]));
    assert_eq!(root["parentIds"], sup_parents);
    assert_eq!(root["subTaskIds"].as_array().unwrap().len(), 2);
}

#[test]
fn jobs_can_fail_half_way_or_never_finish() {
    let (w, api) = start();
    let marketing = w.folder_ids()[0].0.clone();
    let fbp = format!(
        "/folder_blueprints/{}/launch_async",
        w.folder_blueprint_id()
    );
    let before = w.task_ids().len();
    w.set_async_job_plan(JobPlan {
        polls_to_finish: Some(3),
        fail_at_percent: Some(50),
    });
    let job = api
        .post(&fbp, &[("parent", &marketing), ("title", "Half")])
        .ok()
        .data()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let j1 = api.get(&format!("/async_job/{job}"), &[]).ok().data()[0].clone();
    assert_eq!(j1["status"], "InProgress");
    let j2 = api.get(&format!("/async_job/{job}"), &[]).ok().data()[0].clone();
    assert_eq!(j2["status"], "Failed", "{j2}");
    assert_eq!(j2["progressPercent"], 50);
    assert!(j2["errorMessage"].as_str().unwrap().contains("3 of 6"));
    assert!(j2.get("result").is_none());
    // Half the tree stays behind.
    let made = w.task_ids().len() - before;
    assert!(made >= 1, "part of the tree exists");
    assert_eq!(
        api.get(&format!("/async_job/{job}"), &[]).ok().data()[0],
        j2
    );

    w.set_async_job_plan(JobPlan {
        polls_to_finish: Some(2),
        fail_at_percent: Some(0),
    });
    let job = api
        .post(&fbp, &[("parent", &marketing), ("title", "Zero")])
        .ok()
        .data()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let j = api.get(&format!("/async_job/{job}"), &[]).ok().data()[0].clone();
    assert_eq!(
        (j["status"].as_str(), j["processedCount"].as_u64()),
        (Some("Failed"), Some(0))
    );

    w.set_async_job_plan(JobPlan {
        polls_to_finish: None,
        fail_at_percent: None,
    });
    let job = api
        .post(&fbp, &[("parent", &marketing), ("title", "Stuck")])
        .ok()
        .data()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    for _ in 0..5 {
        let j = api.get(&format!("/async_job/{job}"), &[]).ok().data()[0].clone();
        assert_eq!(j["status"], "InProgress");
    }
    assert_eq!(w.async_job(&job).unwrap()["status"], "InProgress");
}

#[test]
fn custom_item_types_and_instantiate() {
    let (w, api) = start();
    let cits = w.custom_item_type_ids();
    let all = api.get("/custom_item_types", &[]).ok();
    assert_eq!(all.json["kind"], "customItemTypes");
    assert_eq!(titles(all.data()), vec!["Bug report", "Client project"]);
    let with_deleted = api
        .get("/custom_item_types", &[("withDeleted", "true")])
        .ok();
    assert_eq!(with_deleted.data().len(), 3);
    let tasks = api.get("/custom_item_types", &[("type", "Task")]).ok();
    assert_eq!(titles(tasks.data()), vec!["Bug report"]);
    let in_space = api
        .get(&format!("/spaces/{}/custom_item_types", w.space_id()), &[])
        .ok();
    assert_eq!(
        titles(in_space.data()),
        vec!["Bug report"],
        "account-wide types are not in a space list"
    );
    let one = api
        .get(&format!("/custom_item_types/{}", cits[1]), &[])
        .ok();
    assert_eq!(one.data()[0]["relatedType"], "Project");
    api.get(&format!("/custom_item_types/{}", cits[2]), &[])
        .err(404, "resource_not_found");

    let marketing = w.folder_ids()[0].0.clone();
    let made = api
        .post(
            &format!("/custom_item_types/{}/instantiate", cits[0]),
            &[("parentId", &marketing), ("title", "Login fails")],
        )
        .ok();
    let item = &made.data()[0];
    assert_eq!(item["relatedType"], "Task");
    let id = item["id"].as_str().unwrap();
    let task = api
        .get(
            &format!("/tasks/{id}"),
            &[("fields", r#"["customItemTypeId"]"#)],
        )
        .ok();
    assert_eq!(task.data()[0]["customItemTypeId"], cits[0]);
    assert_eq!(task.data()[0]["title"], "Login fails");
    assert_eq!(task.data()[0]["parentIds"], json!([marketing]));

    let proj = api
        .post(
            &format!("/custom_item_types/{}/instantiate", cits[1]),
            &[("parentId", &marketing), ("title", "Acme rollout")],
        )
        .ok();
    let pid = proj.data()[0]["id"].as_str().unwrap();
    let f = api
        .get(
            &format!("/folders/{pid}"),
            &[("fields", r#"["customItemTypeId"]"#)],
        )
        .ok();
    assert_eq!(f.data()[0]["customItemTypeId"], cits[1]);
    assert!(f.data()[0]["project"].is_object());

    let inst = format!("/custom_item_types/{}/instantiate", cits[0]);
    let sup = w.task_ids()[0].clone();
    api.post(
        &inst,
        &[
            ("parentId", &marketing),
            ("superTaskId", &sup),
            ("title", "x"),
        ],
    )
    .err(400, "invalid_parameter");
    api.post(&inst, &[("parentId", &marketing)])
        .err(400, "parameter_required");
    api.post(&inst, &[("title", "x")])
        .err(400, "parameter_required");
    api.post(
        &format!("/custom_item_types/{}/instantiate", cits[1]),
        &[("superTaskId", &sup), ("title", "x")],
    )
    .err(400, "invalid_parameter");
    api.post(
        &format!("/custom_item_types/{}/instantiate", cits[2]),
        &[("parentId", &marketing), ("title", "x")],
    )
    .err(404, "resource_not_found");
    let sub = api
        .post(&inst, &[("superTaskId", &sup), ("title", "Sub bug")])
        .ok();
    let sid = sub.data()[0]["id"].as_str().unwrap();
    assert_eq!(w.task(sid).unwrap()["superTaskIds"], json!([sup]));
    // Requests above break the reference on purpose (the fake answers as Wrike would).
    common::broke(&w, &["(2 given)", "(0 given)"]);
}

#[test]
fn deleted_is_not_a_folder_subtree_parameter() {
    let (w, api) = start();
    let marketing = w.folder_ids()[0].0.clone();
    let r = api.get(
        &format!("/folders/{marketing}/folders"),
        &[("deleted", "true")],
    );
    r.err(400, "invalid_parameter");
    assert!(r.text.contains("deleted"));
    api.get(
        &format!("/spaces/{}/folders", w.space_id()),
        &[("deleted", "true")],
    )
    .ok();
    api.get("/folders", &[("deleted", "true")]).ok();
    // Requests above break the reference on purpose (the fake answers as Wrike would).
    common::broke(&w, &["`deleted` is not one of"]);
}
