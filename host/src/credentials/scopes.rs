//! Which OAuth2 scopes `connector-host connect` requests, like Workato's "Api scope" setting.
//!
//! - No choice: only the component's default scopes (`Default` for Wrike).
//! - `--scopes a,b`: those scopes; each must be one the component declares.
//! - `--all-scopes`: every scope the component declares.
//! - `--for-actions x,y`: the fewest scopes that let those actions (or triggers) run, by this
//!   rule:
//!   1. The default scopes are always requested, but are *not* counted as satisfying an action:
//!      Wrike lists `Default` among the accepted scopes of almost every method, so with it
//!      every read or write action would technically need nothing more, and the connection
//!      would say nothing about what it is for. Each action is therefore satisfied by one of its
//!      *other* accepted scopes; an action that accepts only default scopes (or declares none)
//!      needs nothing more.
//!   2. Greedy cover: while some action is unsatisfied, pick the scope that satisfies the most
//!      unsatisfied actions; on a tie prefer a read-only scope (one that no action the
//!      component declares as writing — not `read-only` — accepts), then the scope the
//!      component declares first.
//!
//!   So `search_tasks` alone gets `wsReadOnly`; `create_task,search_tasks` gets `wsReadWrite`
//!   (it covers both; `wsReadOnly` covers only one).
//!
//! In every case the default scopes are appended last (Workato's `…,Default`), duplicates are
//! dropped, and the other scopes keep the component's declared order.

use crate::descriptor::{AuthConfig, Descriptor, TokenEndpointAuth};
use crate::error::{HostError, HostResult};

/// What the user asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeChoice {
    /// Nothing: the default scopes only.
    DefaultOnly,
    /// Exactly these scopes (plus the defaults).
    Explicit(Vec<String>),
    /// Every scope the component declares.
    All,
    /// The fewest scopes these actions or triggers need (plus the defaults).
    ForActions(Vec<String>),
}

/// The component's OAuth2 settings, taken from its descriptor.
#[derive(Debug, Clone, PartialEq)]
pub struct OAuthSettings {
    /// Authorization endpoint.
    pub authorize_url: String,
    /// Token endpoint.
    pub token_url: String,
    /// Every scope the component declares, in order.
    pub scopes: Vec<String>,
    /// Scopes always requested.
    pub default_scopes: Vec<String>,
    /// How scopes are joined in the `scope` parameter (`,` for Wrike).
    pub scope_separator: String,
    /// How the client authenticates at the token endpoint.
    pub token_endpoint_auth: TokenEndpointAuth,
    /// The token-response field naming the account's API host, if any.
    pub api_host_field: Option<String>,
}

impl OAuthSettings {
    /// The OAuth2 settings of `descriptor`, or an error when the connector offers no OAuth2.
    pub fn from_descriptor(descriptor: &Descriptor) -> HostResult<Self> {
        match descriptor.oauth2() {
            Some(AuthConfig::Oauth2 {
                authorize_url,
                token_url,
                scopes,
                default_scopes,
                scope_separator,
                token_endpoint_auth,
                api_host_field,
            }) => Ok(OAuthSettings {
                token_endpoint_auth: *token_endpoint_auth,
                api_host_field: api_host_field.clone(),
                authorize_url: authorize_url.clone(),
                token_url: token_url.clone(),
                scopes: scopes.iter().map(|s| s.id.clone()).collect(),
                default_scopes: default_scopes.clone(),
                scope_separator: if scope_separator.is_empty() {
                    " ".into()
                } else {
                    scope_separator.clone()
                },
            }),
            _ => Err(HostError::invalid_input(
                "component",
                format!(
                    "the `{}` connector does not offer OAuth2; use `connector-host connect --token-stdin`",
                    descriptor.name
                ),
            )),
        }
    }

    /// Joins `scopes` with the component's separator.
    pub fn join(&self, scopes: &[String]) -> String {
        scopes.join(&self.scope_separator)
    }
}

/// The scopes to request for `choice`, defaults last; see the module documentation.
pub fn select_scopes(
    descriptor: &Descriptor,
    settings: &OAuthSettings,
    choice: &ScopeChoice,
) -> HostResult<Vec<String>> {
    let known = |s: &str| {
        settings.scopes.iter().any(|k| k == s) || settings.default_scopes.iter().any(|k| k == s)
    };
    let chosen: Vec<String> = match choice {
        ScopeChoice::DefaultOnly => Vec::new(),
        ScopeChoice::All => settings.scopes.clone(),
        ScopeChoice::Explicit(list) => {
            let list: Vec<&str> = list
                .iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .collect();
            if list.is_empty() {
                return Err(HostError::invalid_input("scopes", "--scopes is empty"));
            }
            let unknown: Vec<&str> = list.iter().copied().filter(|s| !known(s)).collect();
            if !unknown.is_empty() {
                return Err(HostError::invalid_input(
                    "scopes",
                    format!(
                        "unknown scope{} {}; the connector knows: {}",
                        if unknown.len() > 1 { "s" } else { "" },
                        quote_list(&unknown),
                        settings.scopes.join(", ")
                    ),
                ));
            }
            list.into_iter().map(str::to_string).collect()
        }
        ScopeChoice::ForActions(names) => for_actions(descriptor, settings, names)?,
    };
    Ok(finish(settings, chosen))
}

fn quote_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("`{}`", s.escape_debug()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Declared order, duplicates and defaults removed, then the defaults appended.
fn finish(settings: &OAuthSettings, chosen: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in settings.scopes.iter().filter(|s| chosen.contains(s)) {
        if !settings.default_scopes.contains(s) && !out.contains(s) {
            out.push(s.clone());
        }
    }
    // Scopes not in the declared list (only defaults can be) keep their given order.
    for s in &chosen {
        if !out.contains(s) && !settings.default_scopes.contains(s) {
            out.push(s.clone());
        }
    }
    for d in &settings.default_scopes {
        if !out.contains(d) {
            out.push(d.clone());
        }
    }
    out
}

fn for_actions(
    descriptor: &Descriptor,
    settings: &OAuthSettings,
    names: &[String],
) -> HostResult<Vec<String>> {
    let names: Vec<&str> = names
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    if names.is_empty() {
        return Err(HostError::invalid_input(
            "for_actions",
            "--for-actions is empty",
        ));
    }
    let mut unknown = Vec::new();
    let mut needs: Vec<Vec<&str>> = Vec::new();
    for name in &names {
        let required = match (descriptor.action(name), descriptor.trigger(name)) {
            (Some(a), _) => &a.required_scopes,
            (None, Some(t)) => &t.required_scopes,
            (None, None) => {
                unknown.push(*name);
                continue;
            }
        };
        let candidates: Vec<&str> = required
            .iter()
            .map(String::as_str)
            .filter(|s| !settings.default_scopes.iter().any(|d| d == s))
            .collect();
        if !candidates.is_empty() {
            needs.push(candidates);
        }
    }
    if !unknown.is_empty() {
        return Err(HostError::invalid_input(
            "for_actions",
            format!(
                "unknown action{} {}; see `connector-host describe` for the actions and triggers",
                if unknown.len() > 1 { "s" } else { "" },
                quote_list(&unknown)
            ),
        ));
    }
    let rank = |s: &str| {
        settings
            .scopes
            .iter()
            .position(|k| k == s)
            .unwrap_or(usize::MAX)
    };
    // A scope grants reading only when no action the component declares as writing (not
    // `read-only`) accepts it: derived from the contract's flags, not from the scope's name.
    let read_only = |scope: &str| {
        !descriptor
            .actions
            .iter()
            .any(|a| !a.read_only && a.required_scopes.iter().any(|s| s == scope))
    };
    let mut chosen: Vec<String> = Vec::new();
    while !needs.is_empty() {
        let mut candidates: Vec<&str> = needs.iter().flatten().copied().collect();
        candidates.sort_by_key(|s| rank(s));
        candidates.dedup();
        let best = candidates
            .into_iter()
            .max_by(|a, b| {
                let count = |s: &str| needs.iter().filter(|n| n.contains(&s)).count();
                count(a)
                    .cmp(&count(b))
                    .then(read_only(a).cmp(&read_only(b)))
                    // max_by keeps the last of equals: prefer the earlier-declared scope.
                    .then(rank(b).cmp(&rank(a)))
            })
            .expect("needs is non-empty and each entry has a candidate");
        needs.retain(|n| !n.contains(&best));
        chosen.push(best.to_string());
    }
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::descriptor::{Action, Scope, Trigger};
    use serde_json::json;

    const R: &[&str] = &["Default", "wsReadOnly", "wsReadWrite"];
    const W: &[&str] = &["Default", "wsReadWrite"];

    fn action(name: &str, scopes: &[&str]) -> Action {
        Action {
            name: name.into(),
            title: name.into(),
            description: String::new(),
            required_scopes: scopes.iter().map(|s| s.to_string()).collect(),
            input_schema: json!({}),
            output_schema: json!({}),
            // The fixture's writing actions are the ones that accept a read-write scope.
            read_only: !scopes.iter().any(|s| s.contains("Write")),
        }
    }

    fn fixture() -> (Descriptor, OAuthSettings) {
        let scopes = [
            "wsReadOnly",
            "wsReadWrite",
            "amReadOnlyUser",
            "amReadWriteUser",
            "amReadOnlyWorkflow",
            "amReadWriteWorkflow",
        ];
        let settings = OAuthSettings {
            authorize_url: "https://login.wrike.com/oauth2/authorize/v4".into(),
            token_url: "https://login.wrike.com/oauth2/token".into(),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            default_scopes: vec!["Default".into()],
            scope_separator: ",".into(),
            token_endpoint_auth: TokenEndpointAuth::ClientSecretPost,
            api_host_field: Some("host".into()),
        };
        let descriptor = Descriptor {
            name: "wrike".into(),
            title: "Wrike".into(),
            version: "0".into(),
            api_version: "v4".into(),
            default_base_url: "https://www.wrike.com/api/v4".into(),
            settings_schema: json!({"type": "object"}),
            auth: vec![AuthConfig::Oauth2 {
                authorize_url: settings.authorize_url.clone(),
                token_url: settings.token_url.clone(),
                scopes: scopes
                    .iter()
                    .map(|s| Scope {
                        id: s.to_string(),
                        description: String::new(),
                    })
                    .collect(),
                default_scopes: vec!["Default".into()],
                scope_separator: ",".into(),
                token_endpoint_auth: TokenEndpointAuth::ClientSecretPost,
                api_host_field: Some("host".into()),
            }],
            actions: vec![
                action("create_task", W),
                action("search_tasks", R),
                action("get_user", &["amReadOnlyUser", "amReadWriteUser"]),
                action("modify_user", &["amReadWriteUser"]),
                action(
                    "list_workflows",
                    &[
                        "Default",
                        "amReadOnlyWorkflow",
                        "amReadWriteWorkflow",
                        "wsReadOnly",
                        "wsReadWrite",
                    ],
                ),
                action("get_version", &[]),
                action("only_default", &["Default"]),
            ],
            triggers: vec![Trigger {
                name: "new_task".into(),
                title: String::new(),
                description: String::new(),
                kind: crate::descriptor::TriggerKind::Polling,
                required_scopes: R.iter().map(|s| s.to_string()).collect(),
                input_schema: json!({}),
                event_schema: json!({}),
                catch_up_trigger: None,
            }],
            pick_lists: vec![],
        };
        assert_eq!(
            OAuthSettings::from_descriptor(&descriptor).unwrap(),
            settings
        );
        (descriptor, settings)
    }

    fn pick(choice: ScopeChoice) -> HostResult<Vec<String>> {
        let (d, s) = fixture();
        select_scopes(&d, &s, &choice)
    }

    fn for_actions(list: &str) -> HostResult<Vec<String>> {
        pick(ScopeChoice::ForActions(
            list.split(',').map(str::to_string).collect(),
        ))
    }

    #[test]
    fn default_is_always_last_and_alone_when_nothing_is_chosen() {
        assert_eq!(pick(ScopeChoice::DefaultOnly).unwrap(), ["Default"]);
        assert_eq!(
            pick(ScopeChoice::Explicit(vec![
                "wsReadWrite".into(),
                "amReadOnlyUser".into()
            ]))
            .unwrap(),
            ["wsReadWrite", "amReadOnlyUser", "Default"]
        );
        // Declared order, no duplicates, Default not repeated.
        assert_eq!(
            pick(ScopeChoice::Explicit(vec![
                "amReadOnlyUser".into(),
                "Default".into(),
                "wsReadOnly".into(),
                "amReadOnlyUser".into()
            ]))
            .unwrap(),
            ["wsReadOnly", "amReadOnlyUser", "Default"]
        );
        let all = pick(ScopeChoice::All).unwrap();
        assert_eq!(all.len(), 7);
        assert_eq!(all.last().unwrap(), "Default");
        let (_, s) = fixture();
        assert_eq!(s.join(&all[..2]), "wsReadOnly,wsReadWrite");
    }

    #[test]
    fn unknown_scopes_are_named() {
        let e = pick(ScopeChoice::Explicit(vec![
            "wsReadWrite".into(),
            "bogus".into(),
            "nope".into(),
        ]))
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("scopes"));
        assert!(
            e.message.contains("`bogus`") && e.message.contains("`nope`"),
            "{}",
            e.message
        );
        assert!(!e.message.contains("`wsReadWrite`"));
        assert!(pick(ScopeChoice::Explicit(vec![" ".into()])).is_err());
    }

    #[test]
    fn for_actions_picks_the_fewest_preferring_read_only() {
        // One read action: read-only beats read-write on a tie.
        assert_eq!(
            for_actions("search_tasks").unwrap(),
            ["wsReadOnly", "Default"]
        );
        // A write and a read: wsReadWrite covers both.
        assert_eq!(
            for_actions("create_task,search_tasks").unwrap(),
            ["wsReadWrite", "Default"]
        );
        assert_eq!(
            for_actions("create_task").unwrap(),
            ["wsReadWrite", "Default"]
        );
        // User read + user write: amReadWriteUser covers both.
        assert_eq!(
            for_actions("get_user,modify_user").unwrap(),
            ["amReadWriteUser", "Default"]
        );
        assert_eq!(
            for_actions("get_user").unwrap(),
            ["amReadOnlyUser", "Default"]
        );
        // wsReadOnly covers search_tasks, list_workflows and the trigger at once.
        assert_eq!(
            for_actions("search_tasks,list_workflows,new_task,get_user").unwrap(),
            ["wsReadOnly", "amReadOnlyUser", "Default"]
        );
        // Actions needing nothing beyond the defaults.
        assert_eq!(
            for_actions("get_version,only_default").unwrap(),
            ["Default"]
        );
    }

    #[test]
    fn unknown_actions_are_named() {
        let e = for_actions("create_task,bogus_action,other").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("for_actions"));
        assert!(
            e.message.contains("`bogus_action`") && e.message.contains("`other`"),
            "{}",
            e.message
        );
        assert!(!e.message.contains("`create_task`"));
        assert!(for_actions(" ").is_err());
    }
}
