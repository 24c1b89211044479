//! Paging with `nextPageToken`, `updatedDate` filters, sorting and the clock rule.

use std::time::Duration;

use serde_json::json;

use crate::start;

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
