//! HTTP tests of the foundation endpoints: envelopes, auth, scopes, parameters, paging, faults,
//! comments and the recycle bin.

mod common;

use std::time::Duration;

use common::Api;
use fake_wrike::{FakeWrike, Fault};
use serde_json::{json, Value};

fn start() -> (FakeWrike, Api) {
    let w = FakeWrike::start().expect("fake starts");
    let api = Api::new(&w);
    (w, api)
}

#[test]
fn envelopes_and_seed_data() {
    let (w, api) = start();
    let me = api.get("/contacts", &[("me", "true")]).ok();
    assert_eq!(me.json["kind"], "contacts");
    assert_eq!(me.data().len(), 1);
    assert_eq!(me.data()[0]["id"], w.me_id());
    assert_eq!(me.data()[0]["me"], true);
    assert_eq!(me.data()[0]["type"], "Person");
    assert!(me.data()[0]["profiles"][0]["email"].is_string());

    let all = api.get("/contacts", &[]).ok();
    assert!(all.data().len() >= 4);
    assert!(all.data().iter().any(|c| c["type"] == "Group"));
    let deleted = api.get("/contacts", &[("deleted", "true")]).ok();
    assert!(deleted.data().iter().all(|c| c["deleted"] == true));

    let acct = api.get("/account", &[]).ok();
    assert_eq!(acct.json["kind"], "accounts");
    let a = &acct.data()[0];
    assert_eq!(a["id"], w.account_id());
    assert_eq!(a["rootFolderId"], format!("{}I7777777", w.account_id()));
    assert_eq!(a["recycleBinId"], format!("{}I7777776", w.account_id()));
    assert_eq!(w.account_id().len(), 8);

    let wf = api.get("/workflows", &[]).ok();
    assert_eq!(wf.json["kind"], "workflows");
    let default = wf
        .data()
        .iter()
        .find(|x| x["name"] == "Default Workflow")
        .expect("default workflow");
    let statuses: Vec<(String, String, String)> = default["customStatuses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().into(),
                s["group"].as_str().unwrap().into(),
                s["color"].as_str().unwrap().into(),
            )
        })
        .collect();
    let expect = [
        ("New", "Active", "Blue"),
        ("In Progress", "Active", "Turquoise"),
        ("Completed", "Completed", "Green"),
        ("On Hold", "Deferred", "Gray"),
        ("Cancelled", "Cancelled", "Gray"),
    ];
    assert_eq!(statuses.len(), 5);
    for (got, want) in statuses.iter().zip(expect) {
        assert_eq!((got.0.as_str(), got.1.as_str(), got.2.as_str()), want);
    }

    let cf = api.get("/customfields", &[]).ok();
    assert_eq!(cf.json["kind"], "customfields");
    assert!(cf.data().len() >= 2);

    let v = api.get("/version", &[]).ok();
    assert_eq!(v.data()[0]["major"], 4);

    let tree = api.get("/folders", &[]).ok();
    assert_eq!(tree.json["kind"], "folderTree");
    let root = tree
        .data()
        .iter()
        .find(|f| f["scope"] == "WsRoot")
        .expect("root");
    assert_eq!(root["id"], w.root_folder_id());
    assert!(tree.data().iter().any(|f| f["scope"] == "RbRoot"));
    assert!(tree.data().iter().any(|f| f["project"].is_object()));

    let projects = api.get("/folders", &[("project", "true")]).ok();
    assert_eq!(projects.json["kind"], "folders");
    assert_eq!(projects.ids(), vec![w.project_id()]);
    let got = api.get(&format!("/folders/{}", w.project_id()), &[]).ok();
    assert_eq!(got.data()[0]["project"]["status"], "Green");

    // `state` is echoed.
    let s = api.get("/version", &[("state", "abc")]).ok();
    assert_eq!(s.json["state"], "abc");
}

#[test]
fn auth_401() {
    let w = FakeWrike::start().unwrap();
    let none = Api::with_token(&w, None);
    none.get("/contacts", &[]).err(401, "not_authorized");
    let bad = Api::with_token(&w, Some("nope"));
    bad.get("/contacts", &[]).err(401, "not_authorized");

    w.add_token("temp", &["Default"]);
    let temp = Api::with_token(&w, Some("temp"));
    temp.get("/contacts", &[]).ok();
    w.revoke_token("temp");
    temp.get("/contacts", &[]).err(401, "not_authorized");

    // access_token query parameter and lower-case scheme.
    none.get("/contacts", &[("access_token", fake_wrike::TEST_TOKEN)])
        .ok();
    let r = none.send(
        none.http
            .get(format!("{}/contacts", w.base_url()))
            .header("Authorization", "bearer test-token"),
    );
    assert_eq!(r.status, 200);
}

#[test]
fn scopes_403() {
    let w = FakeWrike::start().unwrap();
    w.add_token("ro", &["wsReadOnly"]);
    let ro = Api::with_token(&w, Some("ro"));
    ro.get("/tasks", &[]).ok();
    let folder = &w.folder_ids()[0].0;
    ro.post(&format!("/folders/{folder}/tasks"), &[("title", "x")])
        .err(403, "access_forbidden");
    ro.get(&format!("/users/{}", w.me_id()), &[])
        .err(403, "access_forbidden");
    // Default is enough for workspace writes.
    w.add_token("def", &["Default"]);
    let def = Api::with_token(&w, Some("def"));
    def.post(&format!("/folders/{folder}/tasks"), &[("title", "x")])
        .ok();
    w.add_token("users", &["amReadOnlyUser"]);
    let users = Api::with_token(&w, Some("users"));
    let u = users.get(&format!("/users/{}", w.me_id()), &[]).ok();
    assert_eq!(u.data()[0]["id"], w.me_id());
}

#[test]
fn create_task_form_json_and_query_params() {
    let (w, api) = start();
    let folder = w.folder_ids()[0].0.clone();
    let users = w.other_user_ids();
    let cf = w.custom_field_ids()[0].0.clone();
    let responsibles = json!([users[0]]).to_string();
    let metadata = json!([{"key": "src", "value": "test"}]).to_string();
    let cfs = json!([{"id": cf, "value": "ACME"}]).to_string();
    let r = api
        .post(
            &format!("/folders/{folder}/tasks"),
            &[
                ("title", "Form task"),
                ("description", "<p>Hello</p>"),
                ("importance", "High"),
                ("responsibles", &responsibles),
                ("dates", r#"{"start":"2025-02-03","due":"2025-02-07"}"#),
                ("metadata", &metadata),
                ("customFields", &cfs),
            ],
        )
        .ok();
    assert_eq!(r.json["kind"], "tasks");
    let t = &r.data()[0];
    assert_eq!(t["title"], "Form task");
    assert_eq!(t["importance"], "High");
    assert_eq!(t["status"], "Active");
    assert_eq!(t["scope"], "WsTask");
    assert_eq!(t["responsibleIds"], json!([users[0]]));
    assert_eq!(t["parentIds"], json!([folder]));
    assert_eq!(t["dates"]["type"], "Planned");
    assert_eq!(t["dates"]["start"], "2025-02-03T09:00:00");
    assert_eq!(t["dates"]["due"], "2025-02-07T17:00:00");
    assert_eq!(t["dates"]["duration"], 2400);
    assert_eq!(t["metadata"], json!([{"key": "src", "value": "test"}]));
    assert_eq!(t["customFields"], json!([{"id": cf, "value": "ACME"}]));
    assert_eq!(t["authorIds"], json!([w.me_id()]));
    assert_eq!(t["description"], "<p>Hello</p>");
    assert_eq!(t["briefDescription"], "Hello");
    let id = t["id"].as_str().unwrap();
    assert!(id.starts_with(&w.account_id()) && id.len() == 16, "{id}");
    assert!(t["permalink"]
        .as_str()
        .unwrap()
        .starts_with("https://www.wrike.com/open.htm?id="));

    // JSON body with real arrays, and a custom status.
    let in_progress = w
        .custom_status_id("Default Workflow", "In Progress")
        .unwrap();
    let j = api
        .post_json(
            &format!("/folders/{folder}/tasks"),
            &json!({"title": "JSON task", "customStatus": in_progress, "shareds": [users[1]]}),
        )
        .ok();
    let t = &j.data()[0];
    assert_eq!(t["customStatusId"], in_progress);
    assert_eq!(t["status"], "Active");
    assert_eq!(t["dates"], json!({"type": "Backlog"}));
    assert!(t["sharedIds"]
        .as_array()
        .unwrap()
        .contains(&json!(users[1])));

    // Parameters in the query string of a POST.
    let q = api.send(
        api.http
            .post(format!("{}/folders/{folder}/tasks", w.base_url()))
            .query(&[("title", "Query task"), ("status", "Completed")]),
    );
    let q = q.ok();
    assert_eq!(q.data()[0]["status"], "Completed");
    assert!(q.data()[0]["completedDate"].is_string());

    // Validation.
    let bad = api.post(
        &format!("/folders/{folder}/tasks"),
        &[("title", "x"), ("importance", "Urgent")],
    );
    bad.err(400, "invalid_parameter");
    assert_eq!(
        bad.json["errorDescription"],
        "Parameter 'importance' value is invalid"
    );
    let missing = api.post(&format!("/folders/{folder}/tasks"), &[("description", "x")]);
    missing.err(400, "parameter_required");
    assert!(missing.json["errorDescription"]
        .as_str()
        .unwrap()
        .contains("'title'"));
    api.post(
        &format!("/folders/{folder}/tasks"),
        &[("title", "x"), ("responsibles", r#"["NOPE0000"]"#)],
    )
    .err(400, "invalid_parameter");
    api.post(
        &format!("/folders/{folder}/tasks"),
        &[("title", "x"), ("dates", "{not json")],
    )
    .err(400, "invalid_parameter");
    api.post(
        &format!("/folders/{folder}/tasks"),
        &[("title", "x"), ("customStatus", "IEAAAAAAJMZZZZZZ")],
    )
    .err(400, "invalid_parameter");

    // Update via PUT with add/remove lists, metadata removal and custom field removal.
    let tid = r.data()[0]["id"].as_str().unwrap().to_string();
    let u = api
        .put(
            &format!("/tasks/{tid}"),
            &[
                ("addResponsibles", &format!("[{}]", users[1])),
                ("removeResponsibles", &json!([users[0]]).to_string()),
                ("metadata", r#"[{"key":"src","value":null}]"#),
                (
                    "customFields",
                    &json!([{"id": cf, "value": null}]).to_string(),
                ),
                ("status", "Deferred"),
            ],
        )
        .ok();
    let t = &u.data()[0];
    assert_eq!(t["responsibleIds"], json!([users[1]]));
    assert_eq!(t["metadata"], json!([]));
    assert_eq!(t["customFields"], json!([]));
    assert_eq!(t["status"], "Deferred");
    assert_eq!(
        t["customStatusId"],
        w.custom_status_id("Default Workflow", "On Hold").unwrap()
    );
    assert!(
        t["updatedDate"].as_str().unwrap() > r.data()[0]["updatedDate"].as_str().unwrap(),
        "update bumps updatedDate"
    );
    // Requests above break the reference on purpose (the fake answers as Wrike would).
    common::broke(
        &w,
        &[r#""Urgent""#, "`title` is required", r#""{not json""#],
    );
}

#[test]
fn list_fields_and_lenient_forms() {
    let (w, api) = start();
    let folder = w.folder_ids()[1].0.clone();
    let t = w.create_task_direct(&folder, "Lenient");
    let id = t["id"].as_str().unwrap();
    // List results carry only base fields.
    let l = api.get(&format!("/folders/{folder}/tasks"), &[]).ok();
    let item = l.data().iter().find(|x| x["id"] == id).unwrap();
    assert!(item.get("description").is_none());
    assert!(item.get("parentIds").is_none());
    for k in [
        "id",
        "accountId",
        "title",
        "status",
        "importance",
        "createdDate",
        "updatedDate",
        "dates",
        "scope",
        "customStatusId",
        "permalink",
        "priority",
    ] {
        assert!(item.get(k).is_some(), "missing {k}");
    }
    // fields in three spellings.
    for f in [
        r#"["description","parentIds"]"#,
        "[description,parentIds]",
        "['description','parentIds']",
    ] {
        let l = api
            .get(&format!("/folders/{folder}/tasks"), &[("fields", f)])
            .ok();
        let item = l.data().iter().find(|x| x["id"] == id).unwrap();
        assert_eq!(item["description"], "");
        assert_eq!(item["parentIds"], json!([folder]));
    }
    api.get("/tasks", &[("fields", r#"["bogus"]"#)])
        .err(400, "invalid_parameter");
    // Single-quoted range and a bare status value.
    let since = w.now() - chrono::Duration::minutes(1);
    let r = api
        .get(
            "/tasks",
            &[
                (
                    "updatedDate",
                    &format!("{{'start':'{}'}}", since.format("%Y-%m-%dT%H:%M:%SZ")),
                ),
                ("status", "Active"),
            ],
        )
        .ok();
    assert_eq!(r.ids(), vec![id.to_string()]);
    api.get("/tasks", &[("status", r#"["Open"]"#)])
        .err(400, "invalid_parameter");
    api.get("/tasks", &[("updatedDate", r#"{"start":"yesterday"}"#)])
        .err(400, "invalid_parameter");
    api.get("/tasks", &[("unknownParam", "1")])
        .err(400, "invalid_parameter");
    // Requests above break the reference on purpose (the fake answers as Wrike would).
    common::broke(
        &w,
        &[
            r#""bogus""#,
            r#""Open""#,
            r#""yesterday""#,
            "`unknownParam`",
        ],
    );
}

#[test]
fn paging_three_pages_and_bad_token() {
    let (w, api) = start();
    let folder = w.folder_ids()[1].0.clone();
    let before: Vec<String> = api.get(&format!("/folders/{folder}/tasks"), &[]).ok().ids();
    for i in 0..25 {
        w.create_task_direct(&folder, &format!("Paged {i}"));
    }
    let total = before.len() + 25;
    let path = format!("/folders/{folder}/tasks");
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let r = match &token {
            None => api.get(
                &path,
                &[
                    ("pageSize", "10"),
                    ("sortField", "CreatedDate"),
                    ("sortOrder", "Asc"),
                ],
            ),
            Some(t) => api.get(
                &path,
                &[
                    ("pageSize", "10"),
                    ("sortField", "CreatedDate"),
                    ("sortOrder", "Asc"),
                    ("nextPageToken", t.as_str()),
                ],
            ),
        }
        .ok();
        pages += 1;
        assert_eq!(r.json["responseSize"], total);
        assert!(r.data().len() <= 10);
        seen.extend(r.ids());
        match r.json.get("nextPageToken").and_then(|t| t.as_str()) {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    assert_eq!(pages, total.div_ceil(10));
    assert!(pages >= 3);
    assert_eq!(seen.len(), total);
    let mut dedup = seen.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!(dedup.len(), total, "no duplicates across pages");

    let bad = api.get(&path, &[("pageSize", "10"), ("nextPageToken", "FORGED")]);
    bad.err(400, "invalid_parameter");
    assert_eq!(
        bad.json["errorDescription"],
        "Parameter 'nextPageToken' value is invalid"
    );
    // A stale token.
    let first = api.get(&path, &[("pageSize", "10")]).ok();
    let tok = first.json["nextPageToken"].as_str().unwrap().to_string();
    api.get(&path, &[("nextPageToken", &tok)]).ok();
    w.invalidate_page_tokens();
    let stale = api.get(&path, &[("nextPageToken", &tok)]);
    assert_eq!(
        stale.json["errorDescription"],
        "Parameter 'nextPageToken' value is invalid"
    );
    api.get(&path, &[("pageSize", "0")])
        .err(400, "invalid_parameter");
    api.get(&path, &[("pageSize", "1001")])
        .err(400, "invalid_parameter");
    // Without pageSize: no paging members.
    let all = api.get(&path, &[]).ok();
    assert!(all.json.get("nextPageToken").is_none());
    assert_eq!(all.data().len(), total);
    // limit caps the results.
    let lim = api.get(&path, &[("limit", "3")]).ok();
    assert_eq!(lim.data().len(), 3);
}

#[test]
fn updated_date_filter_sort_and_clock_rule() {
    let (w, api) = start();
    let folder = w.folder_ids()[0].0.clone();
    let t0 = w.now();
    let a = w.create_task_direct(&folder, "A");
    let b = w.create_task_direct(&folder, "B");
    let c = w.create_task_direct(&folder, "C");
    let ua = a["updatedDate"].as_str().unwrap().to_string();
    let ub = b["updatedDate"].as_str().unwrap().to_string();
    let uc = c["updatedDate"].as_str().unwrap().to_string();
    assert!(ua < ub && ub < uc, "{ua} {ub} {uc}");

    w.advance_clock(Duration::from_secs(3600));
    let a2 = w.update_task_direct(a["id"].as_str().unwrap(), json!({"title": "A2"}));
    assert!(a2["updatedDate"].as_str().unwrap() > uc.as_str());

    let range = json!({"start": t0.format("%Y-%m-%dT%H:%M:%SZ").to_string()}).to_string();
    let asc = api
        .get(
            "/tasks",
            &[
                ("updatedDate", &range),
                ("sortField", "UpdatedDate"),
                ("sortOrder", "Asc"),
            ],
        )
        .ok();
    let ids = asc.ids();
    assert_eq!(
        ids,
        vec![
            b["id"].as_str().unwrap().to_string(),
            c["id"].as_str().unwrap().to_string(),
            a["id"].as_str().unwrap().to_string()
        ]
    );
    // sortOrder defaults to Asc with a sortField.
    let dflt = api
        .get(
            "/tasks",
            &[("updatedDate", &range), ("sortField", "UpdatedDate")],
        )
        .ok();
    assert_eq!(dflt.ids(), ids);
    // Unsorted lists: updatedDate descending.
    let unsorted = api.get("/tasks", &[("updatedDate", &range)]).ok();
    let mut rev = ids.clone();
    rev.reverse();
    assert_eq!(unsorted.ids(), rev);
    // Semi-open interval: end is exclusive.
    let end_excl = json!({"start": ua, "end": uc}).to_string();
    let r = api.get("/tasks", &[("updatedDate", &end_excl)]).ok();
    assert_eq!(r.ids(), vec![b["id"].as_str().unwrap().to_string()]);
}

#[test]
fn not_found_and_bad_ids() {
    let (w, api) = start();
    let acct = w.account_id();
    api.get(&format!("/tasks/{acct}KQZZZZZZ"), &[])
        .err(404, "resource_not_found");
    api.get(&format!("/folders/{acct}I4ZZZZZZ/tasks"), &[])
        .err(404, "resource_not_found");
    api.get("/no_such_method", &[]).err(404, "method_not_found");
    api.send(api.http.patch(format!("{}/tasks", w.base_url())))
        .err(404, "method_not_found");
    let many: Vec<String> = (0..101).map(|i| format!("{acct}KQ{i:06}")).collect();
    api.get(&format!("/tasks/{}", many.join(",")), &[])
        .err(400, "invalid_parameter");
    // Multi-ID get.
    let f = w.folder_ids()[0].0.clone();
    let t1 = w.create_task_direct(&f, "one");
    let t2 = w.create_task_direct(&f, "two");
    let both = api
        .get(
            &format!(
                "/tasks/{},{}",
                t1["id"].as_str().unwrap(),
                t2["id"].as_str().unwrap()
            ),
            &[],
        )
        .ok();
    assert_eq!(both.data().len(), 2);
    assert!(both.data()[0]["parentIds"].is_array());
    // Requests above break the reference on purpose (the fake answers as Wrike would).
    common::broke(&w, &["GET /no_such_method", "PATCH /tasks", "at most 100"]);
}

#[test]
fn injected_faults() {
    let (w, api) = start();
    w.inject(
        Fault::RateLimited {
            retry_after_secs: Some(7),
        },
        2,
    );
    for _ in 0..2 {
        let r = api.get("/contacts", &[]);
        r.err(429, "too_many_requests");
        assert_eq!(r.headers.get("retry-after").unwrap(), "7");
    }
    api.get("/contacts", &[]).ok();

    w.inject(
        Fault::RateLimited {
            retry_after_secs: None,
        },
        1,
    );
    let r = api.get("/contacts", &[]);
    r.err(429, "too_many_requests");
    assert!(r.headers.get("retry-after").is_none());

    w.inject(Fault::ServerError, 1);
    api.get("/contacts", &[]).err(500, "server_error");
    w.inject(Fault::BadGateway, 1);
    let r = api.get("/contacts", &[]);
    assert_eq!(r.status, 502);
    assert_eq!(r.json, Value::Null, "502 body is not JSON");
    w.inject(Fault::Unauthorized, 1);
    api.get("/contacts", &[]).err(401, "not_authorized");

    w.inject(Fault::SlowResponse(Duration::from_millis(300)), 1);
    let t = std::time::Instant::now();
    api.get("/contacts", &[]).ok();
    assert!(t.elapsed() >= Duration::from_millis(300));

    w.inject(Fault::TruncatedBody, 1);
    let r = api
        .http
        .get(format!("{}/contacts", w.base_url()))
        .bearer_auth(fake_wrike::TEST_TOKEN)
        .send();
    let failed = match r {
        Err(_) => true,
        Ok(resp) => resp.bytes().is_err(),
    };
    assert!(failed, "a truncated body must fail to read");
    api.get("/contacts", &[]).ok();

    w.inject(Fault::ServerError, 5);
    w.clear_faults();
    api.get("/contacts", &[]).ok();

    // Every request was recorded, faulted ones too.
    let reqs = w.requests();
    assert!(reqs.len() >= 10);
    assert_eq!(reqs[0].method, "GET");
    assert_eq!(reqs[0].path, "/api/v4/contacts");
    assert_eq!(reqs[0].header("authorization"), Some("Bearer test-token"));
    w.clear_requests();
    assert!(w.requests().is_empty());
}

#[test]
fn real_rate_limit() {
    let (w, api) = start();
    w.set_rate_limit(Some(3));
    for _ in 0..3 {
        api.get("/version", &[]).ok();
    }
    let r = api.get("/version", &[]);
    r.err(429, "too_many_requests");
    assert!(r.headers.get("retry-after").is_some());
    w.set_rate_limit(None);
    api.get("/version", &[]).ok();
}

#[test]
fn comments_and_seven_day_window() {
    let (w, api) = start();
    let folder = w.folder_ids()[0].0.clone();
    let t = w.create_task_direct(&folder, "Commented");
    let tid = t["id"].as_str().unwrap();
    let c = api
        .post(
            &format!("/tasks/{tid}/comments"),
            &[("text", "Hi <b>there</b>")],
        )
        .ok();
    assert_eq!(c.json["kind"], "comments");
    let cm = &c.data()[0];
    assert_eq!(cm["taskId"], tid);
    assert_eq!(cm["authorId"], w.me_id());
    assert!(cm.get("folderId").is_none());
    let cid = cm["id"].as_str().unwrap().to_string();

    let plain = api
        .post(
            &format!("/tasks/{tid}/comments"),
            &[("text", "a < b"), ("plainText", "true")],
        )
        .ok();
    assert_eq!(plain.data()[0]["text"], "a < b");
    let html = api.get(&format!("/comments/{}", plain.ids()[0]), &[]).ok();
    assert_eq!(html.data()[0]["text"], "a &lt; b");

    api.post(&format!("/tasks/{tid}/comments"), &[("text", "")])
        .err(400, "parameter_required");
    api.post(&format!("/tasks/{tid}/comments"), &[])
        .err(400, "parameter_required");
    api.post(
        &format!("/folders/{folder}/comments"),
        &[("text", "on folder")],
    )
    .ok();
    api.post(
        &format!("/folders/{}/comments", w.root_folder_id()),
        &[("text", "x")],
    )
    .err(400, "invalid_parameter");

    let list = api.get(&format!("/tasks/{tid}/comments"), &[]).ok();
    assert_eq!(list.data().len(), 2);
    let fl = api.get(&format!("/folders/{folder}/comments"), &[]).ok();
    assert_eq!(fl.data().len(), 1);
    assert_eq!(fl.data()[0]["folderId"], folder);

    // Default window: last 7 days (the 25-day-old seed comment is excluded).
    let all = api.get("/comments", &[("plainText", "true")]).ok();
    assert!(all.ids().contains(&cid));
    assert!(all
        .data()
        .iter()
        .all(|c| !c["text"].as_str().unwrap().contains("older than a week")));
    assert_eq!(
        all.data().iter().find(|c| c["id"] == cid.as_str()).unwrap()["text"],
        "Hi there"
    );

    let fmt = |d: chrono::DateTime<chrono::Utc>| d.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let now = w.now();
    let eight = json!({"start": fmt(now - chrono::Duration::days(8)), "end": fmt(now)}).to_string();
    let r = api.get("/comments", &[("updatedDate", &eight)]);
    r.err(400, "invalid_parameter");
    assert!(r.json["errorDescription"]
        .as_str()
        .unwrap()
        .contains("updatedDate"));
    let seven = json!({"start": fmt(now - chrono::Duration::days(7)), "end": fmt(now)}).to_string();
    api.get("/comments", &[("updatedDate", &seven)])
        .err(400, "invalid_parameter");
    let six = json!({"start": fmt(now - chrono::Duration::days(6)), "end": fmt(now + chrono::Duration::seconds(5))}).to_string();
    let r = api.get("/comments", &[("updatedDate", &six)]).ok();
    assert!(r.ids().contains(&cid));
    let lim = api.get("/comments", &[("limit", "1")]).ok();
    assert_eq!(lim.data().len(), 1);
    // Requests above break the reference on purpose (the fake answers as Wrike would).
    common::broke(&w, &["`text` is required"]);
}

#[test]
fn delete_moves_to_recycle_bin() {
    let (w, api) = start();
    let folder = w.folder_ids()[0].0.clone();
    let t = w.create_task_direct(&folder, "Doomed");
    let tid = t["id"].as_str().unwrap().to_string();
    let d = api.delete(&format!("/tasks/{tid}")).ok();
    assert_eq!(d.json["kind"], "tasks");
    let dt = &d.data()[0];
    assert_eq!(dt["scope"], "RbTask");
    assert_eq!(dt["parentIds"], json!([w.recycle_bin_id()]));
    assert!(dt["updatedDate"].as_str().unwrap() > t["updatedDate"].as_str().unwrap());

    assert!(!api.get("/tasks", &[]).ok().ids().contains(&tid));
    assert!(!api
        .get(&format!("/folders/{folder}/tasks"), &[])
        .ok()
        .ids()
        .contains(&tid));
    let rb = api
        .get(&format!("/folders/{}/tasks", w.recycle_bin_id()), &[])
        .ok();
    assert!(rb.ids().contains(&tid));
    let got = api.get(&format!("/tasks/{tid}"), &[]).ok();
    assert_eq!(got.data()[0]["scope"], "RbTask");

    let restored = api
        .put(&format!("/tasks/{tid}"), &[("restore", "true")])
        .ok();
    assert_eq!(restored.data()[0]["scope"], "WsTask");
    assert_eq!(restored.data()[0]["parentIds"], json!([folder]));
    assert!(api.get("/tasks", &[]).ok().ids().contains(&tid));
}
