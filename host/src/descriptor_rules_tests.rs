use super::*;
use crate::descriptor::{Action, PickList, Scope, TokenEndpointAuth, Trigger};
use crate::error::ErrorKind;
use serde_json::json;

fn action(name: &str) -> Action {
    Action {
        name: name.into(),
        title: "A title".into(),
        description: "What it does.\nOn two lines,\twith a tab.".into(),
        required_scopes: vec!["wsReadWrite".into(), "read:org".into()],
        input_schema: json!({"type": "object", "properties": {"x": {"description": "x\ny"}}}),
        output_schema: json!({}),
        read_only: false,
    }
}

fn trigger(name: &str, kind: &str, catch_up: Option<&str>) -> Trigger {
    Trigger {
        name: name.into(),
        title: "T".into(),
        description: "d".into(),
        kind: serde_json::from_value(serde_json::Value::from(kind)).unwrap(),
        required_scopes: vec![],
        input_schema: json!({}),
        event_schema: json!({}),
        catch_up_trigger: catch_up.map(str::to_string),
    }
}

fn good() -> Descriptor {
    Descriptor {
        name: "demo".into(),
        title: "Demo".into(),
        version: "1.0.0".into(),
        api_version: "v4".into(),
        default_base_url: "https://api.example.com/v4".into(),
        settings_schema: json!({"type": "object"}),
        auth: vec![
            AuthConfig::Oauth2 {
                authorize_url: "https://login.example.com/authorize".into(),
                token_url: "https://login.example.com/token".into(),
                scopes: vec![Scope {
                    id: "wsReadWrite".into(),
                    description: "everything".into(),
                }],
                default_scopes: vec!["wsReadWrite".into()],
                scope_separator: ",".into(),
                token_endpoint_auth: TokenEndpointAuth::ClientSecretPost,
                api_host_field: Some("host".into()),
            },
            AuthConfig::ApiToken {
                instructions: "Paste a token.".into(),
            },
        ],
        actions: vec![action("create_task"), action("search_task")],
        triggers: vec![
            trigger("new_task", "polling", None),
            trigger("new_task_webhook", "webhook", Some("new_task")),
        ],
        pick_lists: vec![PickList {
            name: "folders".into(),
            description: "Folders.".into(),
            params_schema: json!({}),
        }],
    }
}

fn refused(d: &Descriptor) -> crate::HostError {
    let e = d.validate().unwrap_err();
    assert_eq!(e.kind, ErrorKind::SandboxViolation, "{e}");
    assert_eq!(e.rule, Some(SandboxRule::InvalidDescriptor), "{e}");
    e
}

#[test]
fn a_plain_descriptor_passes() {
    good().validate().unwrap();
}

#[test]
fn duplicate_names_are_refused_per_kind_naming_both_entries() {
    let mut d = good();
    d.actions.push(action("create_task"));
    d.pick_lists.push(d.pick_lists[0].clone());
    let e = refused(&d);
    assert_eq!(e.field.as_deref(), Some("actions[2].name"), "{e}");
    assert!(e.message.contains("first as actions[0]"), "{e}");
    assert!(e.message.contains("pick_lists[1].name"), "{e}");
    assert!(e.message.contains("2 problems"), "{e}");
    // The same name in two kinds is fine.
    let mut d = good();
    d.actions.push(action("folders"));
    d.validate().unwrap();
}

#[test]
fn names_outside_the_pattern_are_refused() {
    for bad in [
        "",
        "Create",
        "1st",
        "a-b",
        "a.b",
        "a b",
        "a|b",
        "é",
        "x\u{1b}[2J",
        &"a".repeat(65),
    ] {
        let mut d = good();
        d.actions[1].name = bad.into();
        let e = refused(&d);
        assert_eq!(e.field.as_deref(), Some("actions[1].name"), "{bad:?}: {e}");
        assert!(
            !e.message.contains('\u{1b}'),
            "the message quotes it plainly"
        );
    }
    assert!(is_name(&"a".repeat(64)));
}

#[test]
fn control_bidi_and_invisible_characters_are_refused_in_every_text() {
    type Set = fn(&mut Descriptor, String);
    let cases: [(&str, Set); 6] = [
        ("title", |d, t| d.title = t),
        ("actions[0].title", |d, t| d.actions[0].title = t),
        ("actions[1].description", |d, t| {
            d.actions[1].description = t
        }),
        ("triggers[0].description", |d, t| {
            d.triggers[0].description = t
        }),
        ("pick_lists[0].description", |d, t| {
            d.pick_lists[0].description = t
        }),
        ("auth[1].instructions", |d, t| {
            d.auth[1] = AuthConfig::ApiToken { instructions: t }
        }),
    ];
    for bad in [
        '\u{0}',
        '\u{1b}',
        '\r',
        '\u{7f}',
        '\u{9b}',
        '\u{202e}',
        '\u{2067}',
        '\u{200f}',
        '\u{200b}',
        '\u{feff}',
        '\u{2028}',
        '\u{e0041}',
    ] {
        for (path, set) in &cases {
            let mut d = good();
            set(&mut d, format!("look{bad}here"));
            let e = refused(&d);
            assert_eq!(e.field.as_deref(), Some(*path), "{bad:?}: {e}");
            assert!(e.message.contains(&format!("U+{:04X}", bad as u32)), "{e}");
            assert!(!e.message.contains(bad), "the message never holds it");
        }
    }
    // Line feeds and tabs: in descriptions, not in one-line texts.
    let mut d = good();
    d.actions[0].title = "two\nlines".into();
    assert_eq!(refused(&d).field.as_deref(), Some("actions[0].title"));
}

#[test]
fn schema_strings_and_property_names_are_texts_too() {
    let mut d = good();
    d.actions[1].input_schema =
        json!({"properties": {"a": {"title": "ok"}, "b": {"description": "x\u{1b}]0;pwned\u{7}"}}});
    let e = refused(&d);
    assert_eq!(
        e.field.as_deref(),
        Some("actions[1].input_schema/properties/b/description"),
        "{e}"
    );
    let mut d = good();
    d.triggers[0].event_schema = json!({"properties": {"a\u{202e}b": {}}});
    let e = refused(&d);
    assert_eq!(
        e.field.as_deref(),
        Some("triggers[0].event_schema/properties"),
        "{e}"
    );
}

#[test]
fn sizes_are_bounded() {
    let mut d = good();
    d.actions[0].title = "t".repeat(MAX_LINE_CHARS + 1);
    assert_eq!(refused(&d).field.as_deref(), Some("actions[0].title"));
    let mut d = good();
    d.actions[0].description = "t".repeat(MAX_TEXT_CHARS + 1);
    assert_eq!(refused(&d).field.as_deref(), Some("actions[0].description"));
    let mut d = good();
    d.actions = (0..=MAX_ENTRIES)
        .map(|i| action(&format!("a{i}")))
        .collect();
    assert_eq!(refused(&d).field.as_deref(), Some("actions"));
    let mut d = good();
    d.actions[0].required_scopes = vec!["s".into(); MAX_SCOPES + 1];
    assert_eq!(
        refused(&d).field.as_deref(),
        Some("actions[0].required_scopes")
    );
    // Many problems: the message lists the first ones and counts the rest.
    let mut d = good();
    d.actions = (0..100).map(|_| action("same")).collect();
    let e = refused(&d);
    assert!(e.message.contains("99 problems"), "{e}");
    assert!(e.message.contains("and 67 more"), "{e}");
}

#[test]
fn urls_scopes_and_catch_up_triggers_are_checked() {
    let mut d = good();
    d.default_base_url = "javascript:alert(1)".into();
    assert_eq!(refused(&d).field.as_deref(), Some("default_base_url"));
    let mut d = good();
    if let AuthConfig::Oauth2 {
        token_url, scopes, ..
    } = &mut d.auth[0]
    {
        *token_url = "file:///etc/passwd".into();
        scopes[0].id = "ws read".into();
    }
    let e = refused(&d);
    assert_eq!(e.field.as_deref(), Some("auth[0].token_url"), "{e}");
    assert!(e.message.contains("auth[0].scopes[0].id"), "{e}");
    assert!(e.message.contains("auth[0].default_scopes[0]"), "{e}");
    let mut d = good();
    d.triggers[1].catch_up_trigger = Some("missing".into());
    assert_eq!(
        refused(&d).field.as_deref(),
        Some("triggers[1].catch_up_trigger")
    );
    let mut d = good();
    d.triggers[0].catch_up_trigger = Some("new_task".into());
    assert_eq!(
        refused(&d).field.as_deref(),
        Some("triggers[0].catch_up_trigger")
    );
}
