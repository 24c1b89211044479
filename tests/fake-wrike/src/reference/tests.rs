use super::check::find;
use super::*;
use crate::params::Params;

fn segs(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn run(verb: &str, path: &str, query: &str) -> Result<(), Violation> {
    let mut params = Params::new();
    params.add_urlencoded(query);
    let segs = segs(path);
    check(&check::Request {
        verb,
        segs: &segs,
        params: &params,
        content_type: "",
        body_len: 0,
        display: format!("{verb} {path}?{query}"),
    })
}

#[test]
fn the_whole_reference_loads_with_its_112_methods_and_the_modern_ones() {
    let r = Reference::get();
    let from_2020 = r
        .methods
        .iter()
        .filter(|m| m.source == "api-v4-methods.json")
        .count();
    assert_eq!(from_2020, 112);
    assert!(r
        .methods
        .iter()
        .any(|m| m.id == "POST:/folders/single/webhooks"));
}

#[test]
fn routes_prefer_single_without_a_comma_and_multi_with_one() {
    let r = Reference::get();
    assert_eq!(
        find(r, "PUT", &segs("tasks/IEAAA")).unwrap().id,
        "PUT:/tasks/single"
    );
    assert_eq!(
        find(r, "PUT", &segs("tasks/IEAAA,IEBBB")).unwrap().id,
        "PUT:/tasks/multi"
    );
    assert_eq!(
        find(r, "GET", &segs("tasks/IEAAA")).unwrap().id,
        "GET:/tasks/multi"
    );
    assert_eq!(
        find(r, "GET", &segs("attachments/IEAAA/download/a.txt"))
            .unwrap()
            .id,
        "GET:/attachments/single/download"
    );
    assert!(find(r, "GET", &segs("tasks/IEAAA/nonsense")).is_none());
    let many = vec!["IEAAA"; 101].join(",");
    let v = run("GET", &format!("tasks/{many}"), "").unwrap_err();
    assert!(v.rule.contains("at most 100"), "{}", v.rule);
}

#[test]
fn single_task_reads_accept_only_the_four_optional_fields_of_the_reference() {
    run(
        "GET",
        "tasks/IEAAA",
        r#"fields=["recurrent","billingType"]"#,
    )
    .unwrap();
    let v = run("GET", "tasks/IEAAA", r#"fields=["description"]"#).unwrap_err();
    assert_eq!(v.answer.code, "invalid_parameter");
    assert!(
        v.rule.contains("\"description\" is not one of"),
        "{}",
        v.rule
    );
    assert!(v.method.starts_with("GET:/tasks/multi"), "{}", v.method);
    // …while task queries take description (and the unquoted list form).
    run("GET", "tasks", "fields=[description,parentIds]").unwrap();
}

#[test]
fn unknown_and_missing_parameters_and_bad_types_are_violations() {
    let v = run("GET", "tasks", "nonsense=1").unwrap_err();
    assert!(v.rule.contains("`nonsense` is not one of"), "{}", v.rule);
    let v = run("POST", "folders/IEAAA/tasks", "description=x").unwrap_err();
    assert_eq!(v.answer.code, "parameter_required");
    let v = run("GET", "tasks", "pageSize=many").unwrap_err();
    assert!(v.rule.contains("not a number"), "{}", v.rule);
    let v = run("GET", "tasks", "status=[\"Open\"]").unwrap_err();
    assert!(v.rule.contains("\"Open\" is not one of"), "{}", v.rule);
    let v = run("GET", "tasks", r#"updatedDate={"start":"2024-01-01"}"#).unwrap_err();
    assert!(v.rule.contains("format"), "{}", v.rule);
    run(
        "GET",
        "tasks",
        r#"updatedDate={"start":"2024-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    let v = run(
        "GET",
        "tasks",
        r#"updatedDate={"begin":"2024-01-01T00:00:00Z"}"#,
    )
    .unwrap_err();
    assert!(v.rule.contains("key `begin`"), "{}", v.rule);
}

#[test]
fn the_documented_corrections_hold() {
    // pageSize/nextPageToken optional; me optional; predecessor xor successor.
    run("GET", "tasks", "").unwrap();
    run("GET", "contacts", "").unwrap();
    run(
        "POST",
        "tasks/IEAAA/dependencies",
        "predecessorId=IEBBB&relationType=FinishToStart",
    )
    .unwrap();
    let v = run(
        "POST",
        "tasks/IEAAA/dependencies",
        "predecessorId=IEBBB&successorId=IECCC&relationType=FinishToStart",
    )
    .unwrap_err();
    assert!(v.rule.contains("exactly one of"), "{}", v.rule);
}

#[test]
fn a_method_outside_the_reference_is_a_violation() {
    let v = run("DELETE", "spaces/IEAAA", "").unwrap_err();
    assert_eq!(v.method, "-");
    assert_eq!(v.answer.code, "method_not_found");
}
