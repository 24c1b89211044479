//! `search_task` pages with `pageSize` and `nextPageToken`, across several pages.

use e2e_tests::wrike;
use fake_wrike::FakeWrike;
use serde_json::json;
use std::collections::BTreeSet;

#[tokio::test(flavor = "multi_thread")]
async fn search_walks_three_pages_without_gaps_or_repeats() {
    let fake = FakeWrike::start().unwrap();
    let root = fake.root_folder_id();
    let created = fake
        .call_direct(
            "POST",
            &format!("/folders/{root}/folders"),
            json!({"title": "Paging"}),
        )
        .unwrap();
    let folder = created[0]["id"].as_str().unwrap().to_string();
    let mut expected = BTreeSet::new();
    for i in 0..25 {
        let t = fake.create_task_direct(&folder, &format!("paged task {i}"));
        expected.insert(t["id"].as_str().unwrap().to_string());
    }
    let c = wrike(&fake);
    let mut seen = BTreeSet::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut input = json!({"folderId": folder, "pageSize": 10, "sortField": "CreatedDate", "sortOrder": "Asc"});
        if let Some(t) = &token {
            input["nextPageToken"] = json!(t);
        }
        let page = c.execute("search_task", &input).await.unwrap();
        pages += 1;
        for item in page["items"].as_array().unwrap() {
            assert!(
                seen.insert(item["id"].as_str().unwrap().to_string()),
                "repeated {}",
                item["id"]
            );
        }
        match page.get("nextPageToken").and_then(|t| t.as_str()) {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
        assert!(pages < 10, "paging does not end");
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, expected);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stale_page_token_is_invalid_input() {
    let fake = FakeWrike::start().unwrap();
    let e = wrike(&fake)
        .execute(
            "search_task",
            &json!({"pageSize": 10, "nextPageToken": "forged-token"}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind, connector_host::ErrorKind::InvalidInput);
    assert_eq!(e.field.as_deref(), Some("nextPageToken"), "{e}");
}
