//! The descriptor's rules, checked once and as a whole when the host loads a descriptor (from
//! the component, or from the descriptor cache), before any surface — `describe`, `--markdown`,
//! MCP, `call`, `serve`, logs — uses it. A descriptor that breaks one is refused with a
//! [`SandboxRule::InvalidDescriptor`] error whose `field` names the first offending entry
//! (`actions[3].name`) and whose message lists every problem found (up to [`MAX_PROBLEMS`]).
//!
//! The rules:
//! - **Names** of actions, triggers and pick lists match [`NAME_PATTERN`]
//!   (`^[a-z][a-z0-9_]{0,63}$`): what the Wrike and GitHub components use, and inside MCP's
//!   tool-name alphabet (`[A-Za-z0-9_.-]`, 1 to 128 characters). Names are unique per kind.
//!   The connector's own name may also hold `-` ([`CONNECTOR_NAME_PATTERN`]: `github-issues`).
//!   A webhook trigger's catch-up trigger names a polling trigger of the same descriptor.
//! - **Scopes** match [`SCOPE_PATTERN`], are unique within an auth method, and its default
//!   scopes are among its scopes.
//! - **Texts** (titles, descriptions, instructions, versions, scope descriptions, and every
//!   string and property name inside the JSON Schemas, where field titles and descriptions
//!   live) hold no refused character: no C0 or C1 control character (tab and line feed are
//!   allowed in descriptions and schemas, not in one-line texts such as titles), no DEL, no
//!   bidirectional override, embedding or isolate, no invisible formatting character (zero
//!   width space, word joiner, BOM, line and paragraph separators) and no Unicode tag
//!   character (a known way to smuggle instructions to a language model). The rule is
//!   *refuse*, never escape: a descriptor is fixed text its author controls, so what reaches a
//!   terminal, an agent or a Markdown page is always exactly what the component declared.
//! - **Sizes** are bounded: entries per kind, scopes, text lengths (see the constants).
//! - **URLs** (the default base URL, OAuth endpoints) are absolute `http` or `https` URLs.

use super::{AuthConfig, Descriptor, TriggerKind};
use crate::error::{HostError, HostResult, SandboxRule};
use serde_json::Value;
use std::collections::HashMap;

/// What every name of the connector, its actions, triggers and pick lists must match.
pub const NAME_PATTERN: &str = "^[a-z][a-z0-9_]{0,63}$";
/// What the connector's own name must match.
pub const CONNECTOR_NAME_PATTERN: &str = "^[a-z][a-z0-9_-]{0,63}$";
/// What every scope identifier must match.
pub const SCOPE_PATTERN: &str = "^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$";
/// Most actions, triggers or pick lists (each) a descriptor may declare.
pub const MAX_ENTRIES: usize = 1024;
/// Most auth methods a descriptor may declare.
pub const MAX_AUTH: usize = 8;
/// Most scopes an auth method, or an entry's `required_scopes`, may list.
pub const MAX_SCOPES: usize = 256;
/// Longest one-line text (titles, versions, scope separators), in characters.
pub const MAX_LINE_CHARS: usize = 200;
/// Longest description or instructions, in characters.
pub const MAX_TEXT_CHARS: usize = 8192;
/// Longest URL, in characters.
pub const MAX_URL_CHARS: usize = 2048;
/// Most problems one error lists.
pub const MAX_PROBLEMS: usize = 32;

/// Why a character is refused in a descriptor text, or `None` when it is allowed.
/// `multi_line` allows tab and line feed.
pub fn refused_char(c: char, multi_line: bool) -> Option<&'static str> {
    match c {
        '\t' | '\n' if multi_line => None,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => Some("a control character"),
        '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
            Some("a bidirectional formatting character")
        }
        '\u{200b}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}' => {
            Some("an invisible formatting character")
        }
        '\u{2028}' | '\u{2029}' => Some("a line or paragraph separator"),
        '\u{e0000}'..='\u{e007f}' => Some("a Unicode tag character"),
        _ => None,
    }
}

/// The problems found so far.
#[derive(Default)]
struct Problems {
    list: Vec<(String, String)>,
    more: usize,
}

impl Problems {
    fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        if self.list.len() < MAX_PROBLEMS {
            self.list.push((path.into(), message.into()));
        } else {
            self.more += 1;
        }
    }

    /// A one-line text: bounded, no refused character, not multi-line.
    fn line(&mut self, path: &str, text: &str) {
        self.text_with(path, text, MAX_LINE_CHARS, false);
    }

    /// A description: bounded, no refused character.
    fn text(&mut self, path: &str, text: &str) {
        self.text_with(path, text, MAX_TEXT_CHARS, true);
    }

    fn text_with(&mut self, path: &str, text: &str, max: usize, multi_line: bool) {
        let chars = text.chars().count();
        if chars > max {
            self.add(path, format!("is {chars} characters long; at most {max}"));
        }
        if let Some((i, c, why)) = text
            .chars()
            .enumerate()
            .find_map(|(i, c)| refused_char(c, multi_line).map(|why| (i, c, why)))
        {
            self.add(
                path,
                format!(
                    "holds {why} (U+{:04X}) at character {i}; descriptor texts must be plain",
                    c as u32
                ),
            );
        }
    }

    fn name(&mut self, path: &str, name: &str) {
        if !is_name(name) {
            self.add(
                path,
                format!("`{}` does not match {NAME_PATTERN}", shown(name)),
            );
        }
    }

    fn scope(&mut self, path: &str, scope: &str) {
        if !is_scope(scope) {
            self.add(
                path,
                format!("scope `{}` does not match {SCOPE_PATTERN}", shown(scope)),
            );
        }
    }

    fn count(&mut self, path: &str, n: usize, max: usize) {
        if n > max {
            self.add(path, format!("has {n} entries; at most {max}"));
        }
    }

    fn url(&mut self, path: &str, text: &str) {
        self.line_url(path, text);
        match url::Url::parse(text) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => {}
            Ok(u) => self.add(
                path,
                format!(
                    "`{}` is a {} URL; only http and https",
                    shown(text),
                    u.scheme()
                ),
            ),
            Err(e) => self.add(path, format!("`{}` is not a URL: {e}", shown(text))),
        }
    }

    fn line_url(&mut self, path: &str, text: &str) {
        self.text_with(path, text, MAX_URL_CHARS, false);
    }

    /// Every string and property name in a JSON Schema; the first refused one is reported
    /// with its JSON pointer (`actions[2].input_schema/properties/x/description`).
    fn schema(&mut self, path: &str, schema: &Value) {
        let mut stack = vec![(String::new(), schema)];
        while let Some((at, v)) = stack.pop() {
            let found = match v {
                Value::String(s) => s.chars().find(|c| refused_char(*c, true).is_some()),
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate().rev() {
                        stack.push((format!("{at}/{i}"), item));
                    }
                    None
                }
                Value::Object(map) => {
                    let key = map
                        .keys()
                        .find_map(|k| k.chars().find(|c| refused_char(*c, false).is_some()));
                    for (key, value) in map.iter().rev() {
                        stack.push((format!("{at}/{}", pointer_token(key)), value));
                    }
                    key
                }
                _ => None,
            };
            if let Some(c) = found {
                let why = refused_char(c, false).unwrap_or("a refused character");
                self.add(
                    format!("{path}{at}"),
                    format!(
                        "holds {why} (U+{:04X}) in a string or property name",
                        c as u32
                    ),
                );
                return;
            }
        }
    }
}

/// `key` as one JSON-pointer token (`~` and `/` escaped), its refused characters shown as
/// `\u{…}` so that the error message stays plain.
fn pointer_token(key: &str) -> String {
    shown(&key.replace('~', "~0").replace('/', "~1"))
}

/// Whether `name` matches [`NAME_PATTERN`].
pub fn is_name(name: &str) -> bool {
    let b = name.as_bytes();
    (1..=64).contains(&b.len())
        && b[0].is_ascii_lowercase()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_')
}

/// Whether `name` matches [`CONNECTOR_NAME_PATTERN`].
pub fn is_connector_name(name: &str) -> bool {
    is_name(&name.replace('-', "_"))
}

/// Whether `scope` matches [`SCOPE_PATTERN`].
pub fn is_scope(scope: &str) -> bool {
    let b = scope.as_bytes();
    (1..=128).contains(&b.len())
        && b[0].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || b"_.:/-".contains(c))
}

/// `text` as an error message may quote it: refused characters as `\u{…}`, at most 80
/// characters.
fn shown(text: &str) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == 80 {
            out.push('…');
            break;
        }
        match refused_char(c, false) {
            Some(_) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            None if c == '`' => out.push('\''),
            None => out.push(c),
        }
    }
    out
}

/// Names must be unique within one kind: reports each repeat, naming where it was first.
fn unique<'a>(p: &mut Problems, kind: &str, names: impl Iterator<Item = &'a str>) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, name) in names.enumerate() {
        if let Some(first) = seen.get(name) {
            p.add(
                format!("{kind}[{i}].name"),
                format!(
                    "`{}` is declared twice (first as {kind}[{first}]); names must be unique",
                    shown(name)
                ),
            );
        } else {
            seen.insert(name, i);
        }
    }
}

/// Checks `d` against every rule above.
pub fn validate(d: &Descriptor) -> HostResult<()> {
    let mut p = Problems::default();
    if !is_connector_name(&d.name) {
        p.add(
            "name",
            format!(
                "`{}` does not match {CONNECTOR_NAME_PATTERN}",
                shown(&d.name)
            ),
        );
    }
    p.line("title", &d.title);
    p.line("version", &d.version);
    p.line("api_version", &d.api_version);
    p.url("default_base_url", &d.default_base_url);
    p.schema("settings_schema", &d.settings_schema);

    p.count("auth", d.auth.len(), MAX_AUTH);
    for (i, auth) in d.auth.iter().enumerate().take(MAX_AUTH) {
        auth_rules(&mut p, &format!("auth[{i}]"), auth);
    }

    p.count("actions", d.actions.len(), MAX_ENTRIES);
    for (i, a) in d.actions.iter().enumerate().take(MAX_ENTRIES) {
        let at = format!("actions[{i}]");
        p.name(&format!("{at}.name"), &a.name);
        p.line(&format!("{at}.title"), &a.title);
        p.text(&format!("{at}.description"), &a.description);
        required_scopes(&mut p, &at, &a.required_scopes);
        p.schema(&format!("{at}.input_schema"), &a.input_schema);
        p.schema(&format!("{at}.output_schema"), &a.output_schema);
    }
    unique(&mut p, "actions", d.actions.iter().map(|a| a.name.as_str()));

    p.count("triggers", d.triggers.len(), MAX_ENTRIES);
    for (i, t) in d.triggers.iter().enumerate().take(MAX_ENTRIES) {
        let at = format!("triggers[{i}]");
        p.name(&format!("{at}.name"), &t.name);
        p.line(&format!("{at}.title"), &t.title);
        p.text(&format!("{at}.description"), &t.description);
        required_scopes(&mut p, &at, &t.required_scopes);
        p.schema(&format!("{at}.input_schema"), &t.input_schema);
        p.schema(&format!("{at}.event_schema"), &t.event_schema);
        if let Some(catch_up) = &t.catch_up_trigger {
            let path = format!("{at}.catch_up_trigger");
            let polling = d
                .triggers
                .iter()
                .any(|o| o.name == *catch_up && o.kind == TriggerKind::Polling);
            if t.kind != TriggerKind::Webhook {
                p.add(path, "only a webhook trigger has a catch-up trigger");
            } else if !polling {
                p.add(
                    path,
                    format!(
                        "`{}` is not a polling trigger of this connector",
                        shown(catch_up)
                    ),
                );
            }
        }
    }
    unique(
        &mut p,
        "triggers",
        d.triggers.iter().map(|t| t.name.as_str()),
    );

    p.count("pick_lists", d.pick_lists.len(), MAX_ENTRIES);
    for (i, l) in d.pick_lists.iter().enumerate().take(MAX_ENTRIES) {
        let at = format!("pick_lists[{i}]");
        p.name(&format!("{at}.name"), &l.name);
        p.text(&format!("{at}.description"), &l.description);
        p.schema(&format!("{at}.params_schema"), &l.params_schema);
    }
    unique(
        &mut p,
        "pick_lists",
        d.pick_lists.iter().map(|l| l.name.as_str()),
    );

    let Some((field, _)) = p.list.first().cloned() else {
        return Ok(());
    };
    let mut listed: Vec<String> = p.list.iter().map(|(at, m)| format!("{at}: {m}")).collect();
    if p.more > 0 {
        listed.push(format!("and {} more", p.more));
    }
    let mut e = HostError::sandbox(
        SandboxRule::InvalidDescriptor,
        format!(
            "the component's descriptor is refused ({} problem{}): {}",
            p.list.len() + p.more,
            if p.list.len() + p.more == 1 { "" } else { "s" },
            listed.join("; ")
        ),
    )
    .with_hint(
        "the component breaks the descriptor rules (docs/CONTRACT.md, \"Descriptor rules\"); \
         its author must fix it",
    );
    e.field = Some(field);
    Err(e)
}

fn required_scopes(p: &mut Problems, at: &str, scopes: &[String]) {
    let path = format!("{at}.required_scopes");
    p.count(&path, scopes.len(), MAX_SCOPES);
    for (j, s) in scopes.iter().enumerate().take(MAX_SCOPES) {
        p.scope(&format!("{path}[{j}]"), s);
    }
}

fn auth_rules(p: &mut Problems, at: &str, auth: &AuthConfig) {
    match auth {
        AuthConfig::Oauth2 {
            authorize_url,
            token_url,
            scopes,
            default_scopes,
            scope_separator,
            api_host_field,
            ..
        } => {
            p.url(&format!("{at}.authorize_url"), authorize_url);
            p.url(&format!("{at}.token_url"), token_url);
            p.count(&format!("{at}.scopes"), scopes.len(), MAX_SCOPES);
            for (j, s) in scopes.iter().enumerate().take(MAX_SCOPES) {
                p.scope(&format!("{at}.scopes[{j}].id"), &s.id);
                p.text(&format!("{at}.scopes[{j}].description"), &s.description);
            }
            unique(
                p,
                &format!("{at}.scopes"),
                scopes.iter().take(MAX_SCOPES).map(|s| s.id.as_str()),
            );
            p.count(
                &format!("{at}.default_scopes"),
                default_scopes.len(),
                MAX_SCOPES,
            );
            for (j, s) in default_scopes.iter().enumerate().take(MAX_SCOPES) {
                let path = format!("{at}.default_scopes[{j}]");
                if !scopes.iter().any(|k| k.id == *s) {
                    p.add(
                        path,
                        format!("`{}` is not among the declared scopes", shown(s)),
                    );
                }
            }
            if scope_separator.is_empty() || scope_separator.chars().count() > 4 {
                p.add(format!("{at}.scope_separator"), "must be 1 to 4 characters");
            }
            p.line(&format!("{at}.scope_separator"), scope_separator);
            if let Some(field) = api_host_field {
                let ok = !field.is_empty()
                    && field.len() <= 64
                    && field
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
                if !ok {
                    p.add(
                        format!("{at}.api_host_field"),
                        format!(
                            "`{}` must be 1 to 64 letters, digits, `_` or `-`",
                            shown(field)
                        ),
                    );
                }
            }
        }
        AuthConfig::ApiToken { instructions } => {
            p.text(&format!("{at}.instructions"), instructions);
        }
    }
}

#[cfg(test)]
#[path = "descriptor_rules_tests.rs"]
mod tests;
