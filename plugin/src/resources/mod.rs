//! Request building and response mapping per Wrike resource. Every function here is pure apart
//! from the [`Client`] it is handed, so it is unit-tested natively with a mock environment.

pub mod approvals;
pub mod attachments;
pub mod blueprints;
pub mod comments;
pub mod contacts;
pub mod custom_http;
pub mod custom_item_types;
pub mod folder_output;
pub mod folders;
pub mod reference;
pub mod tasks;
pub mod timelogs;

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::time::Timestamp;
use crate::wrike::{Client, Params};

/// The first of `owners` (`(field, path segment)`) present in `input`, as `(segment, id)`:
/// e.g. `taskId` → `("tasks", id)`.
pub fn owner<'a>(
    input: &'a Map<String, Value>,
    owners: &[(&str, &'static str)],
) -> Option<(&'static str, &'a str)> {
    owners.iter().find_map(|(field, seg)| {
        input
            .get(*field)
            .and_then(Value::as_str)
            .map(|id| (*seg, id))
    })
}

/// The first entity of an answer, or `{}` when Wrike returns none (some deletions).
pub fn first_or_empty(env: crate::wrike::Envelope) -> Value {
    env.data
        .into_iter()
        .next()
        .unwrap_or_else(|| Value::Object(Map::new()))
}

/// At most one of `fields` may be present; names the second one otherwise.
pub fn at_most_one(input: &Map<String, Value>, fields: &[&str]) -> Result<()> {
    let present: Vec<&str> = fields
        .iter()
        .copied()
        .filter(|f| input.contains_key(*f))
        .collect();
    if present.len() > 1 {
        return Err(Error::invalid(
            present[1],
            format!("cannot be combined with {}", present[0]),
        ));
    }
    Ok(())
}

/// The ID of the folder to create in; the word `Root` is refused with a hint, since Wrike wants
/// the account's root folder ID there.
pub fn parent_folder(id: &str) -> Result<&str> {
    if id.eq_ignore_ascii_case("root") {
        return Err(Error::invalid(
            "folderId",
            "pass the account's root folder ID (the Root entry of the `folders` pick list), not the word Root",
        ));
    }
    Ok(id)
}

/// A required string field of validated input.
pub fn req_str<'a>(input: &'a Map<String, Value>, name: &str) -> Result<&'a str> {
    input
        .get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| Error::invalid(name, "is required and must be a string"))
}

/// An optional boolean field (absent → `default`).
pub fn opt_bool(input: &Map<String, Value>, name: &str, default: bool) -> bool {
    input.get(name).and_then(Value::as_bool).unwrap_or(default)
}

/// Rewrite the timestamp-range parameter `name` (`{"start":…, "end":…}`) into Wrike's exact
/// format `yyyy-MM-dd'T'HH:mm:ss'Z'` (offsets converted to UTC, fractions dropped).
pub fn normalize_ts_range(
    params: &mut Params,
    input: &Map<String, Value>,
    name: &str,
) -> Result<()> {
    let Some(Value::Object(range)) = input.get(name) else {
        return Ok(());
    };
    let mut out = Map::new();
    for (k, v) in range {
        let text = v.as_str().unwrap_or_default();
        let ts = Timestamp::parse(text).ok_or_else(|| {
            Error::invalid(format!("{name}.{k}"), "must be an RFC 3339 date-time")
        })?;
        out.insert(k.clone(), Value::String(ts.to_rfc3339_secs()));
    }
    params.set(name, &Value::Object(out));
    Ok(())
}

/// Wrike's `customFields` list from either form the schemas accept: the list `[{id, value}]`
/// as is, or a `{fieldId: value}` map (Workato's convenience).
pub fn custom_fields_list(v: &Value) -> Value {
    match v {
        Value::Object(map) => Value::Array(
            map.iter()
                .map(|(id, value)| {
                    let mut m = Map::new();
                    m.insert("id".into(), Value::String(id.clone()));
                    m.insert("value".into(), value.clone());
                    Value::Object(m)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Replace a map-form `customFields` parameter by Wrike's list form.
pub fn apply_custom_fields(params: &mut Params, input: &Map<String, Value>) {
    if let Some(v) = input.get("customFields") {
        params.set("customFields", &custom_fields_list(v));
    }
}

/// Resolve a custom status given as `"Workflow|Status"` text to its ID via `GET /workflows`
/// (hidden workflows and statuses included, names compared exactly, then case-insensitively).
/// Text without `|` is taken to be an ID already.
pub fn resolve_custom_status(client: &mut Client<'_>, field: &str, text: &str) -> Result<String> {
    if !text.contains('|') {
        return Ok(text.to_string());
    }
    let workflows = client.get("/workflows", &Params::new())?.data;
    for exact in [true, false] {
        let eq = |a: &str, b: &str| {
            if exact {
                a == b
            } else {
                a.trim().eq_ignore_ascii_case(b.trim())
            }
        };
        for wf in &workflows {
            let Some(wf_name) = wf.get("name").and_then(Value::as_str) else {
                continue;
            };
            // Try every `|` as the separator, so names containing `|` still resolve.
            for (i, _) in text.match_indices('|') {
                let (w, s) = (&text[..i], &text[i + 1..]);
                if !eq(w, wf_name) {
                    continue;
                }
                let statuses = wf.get("customStatuses").and_then(Value::as_array);
                for st in statuses.into_iter().flatten() {
                    let name = st.get("name").and_then(Value::as_str).unwrap_or_default();
                    if eq(s, name) {
                        if let Some(id) = st.get("id").and_then(Value::as_str) {
                            return Ok(id.to_string());
                        }
                    }
                }
            }
        }
    }
    Err(Error::invalid(
        field,
        format!("no custom status `{text}` (expected \"Workflow name|Status name\" or a custom status ID)"),
    ))
}

/// Plain text from HTML: tags removed, `<br>`/block ends turned into line breaks, the common
/// entities decoded, runs of blank lines collapsed.
pub fn strip_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let after = &rest[lt..];
        match after.find('>') {
            Some(gt) => {
                let tag = after[1..gt].trim().to_ascii_lowercase();
                let name = tag
                    .trim_start_matches('/')
                    .split(|c: char| c.is_whitespace() || c == '/')
                    .next()
                    .unwrap_or("");
                if matches!(
                    name,
                    "br" | "p" | "div" | "li" | "tr" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
                ) && (name == "br" || tag.starts_with('/'))
                {
                    out.push('\n');
                }
                rest = &after[gt + 1..];
            }
            None => {
                out.push_str(after);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    let decoded = decode_entities(&out);
    let mut lines: Vec<&str> = Vec::new();
    for line in decoded.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() && lines.last().is_none_or(|l| l.trim().is_empty()) {
            continue;
        }
        lines.push(line);
    }
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let ent = &after[1..e];
            let c = match ent {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" | "#39" => Some('\''),
                "nbsp" => Some(' '),
                _ if ent.starts_with("#x") || ent.starts_with("#X") => {
                    u32::from_str_radix(&ent[2..], 16)
                        .ok()
                        .and_then(char::from_u32)
                }
                _ if ent.starts_with('#') => ent[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{ok, MockEnv};
    use serde_json::json;

    #[test]
    fn strips_html() {
        assert_eq!(
            strip_html("<p>Hello <b>world</b></p><p>a &amp; b&nbsp;&lt;3&#33;</p>"),
            "Hello world\na & b <3!"
        );
        assert_eq!(strip_html("line1<br/>line2<br>"), "line1\nline2");
        assert_eq!(strip_html("plain & simple"), "plain & simple");
        assert_eq!(strip_html("broken <tag"), "broken <tag");
        assert_eq!(strip_html("<ul><li>a</li><li>b</li></ul>"), "a\nb");
    }

    #[test]
    fn custom_fields_map_becomes_list() {
        assert_eq!(
            custom_fields_list(&json!({"CF1":"x","CF2":null})),
            json!([{"id":"CF1","value":"x"},{"id":"CF2","value":null}])
        );
        let list = json!([{"id":"CF1","value":"x"}]);
        assert_eq!(custom_fields_list(&list), list);
    }

    #[test]
    fn resolves_custom_status_names() {
        let workflows = r#"{"kind":"workflows","data":[{"id":"W1","name":"Default Workflow","customStatuses":[{"id":"S1","name":"New"},{"id":"S2","name":"In Progress"}]},{"id":"W2","name":"A|B","customStatuses":[{"id":"S3","name":"C"}]}]}"#;
        let mut env = MockEnv::new(vec![
            ok(workflows),
            ok(workflows),
            ok(workflows),
            ok(workflows),
        ]);
        let mut c = Client::new("https://www.wrike.com/api/v4", &mut env).unwrap();
        assert_eq!(
            resolve_custom_status(&mut c, "customStatus", "Default Workflow|In Progress").unwrap(),
            "S2"
        );
        assert_eq!(
            resolve_custom_status(&mut c, "customStatus", "default workflow|new").unwrap(),
            "S1"
        );
        assert_eq!(
            resolve_custom_status(&mut c, "customStatus", "A|B|C").unwrap(),
            "S3"
        );
        assert_eq!(
            resolve_custom_status(&mut c, "customStatus", "IEAAAAAQJMAAAAAA").unwrap(),
            "IEAAAAAQJMAAAAAA"
        );
        match resolve_custom_status(&mut c, "customStatus", "Default Workflow|Nope") {
            Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "customStatus"),
            other => panic!("{other:?}"),
        }
        assert_eq!(env.requests.len(), 4);
        assert!(env
            .requests
            .iter()
            .all(|r| r.path_with_query == "/api/v4/workflows"));
    }
}
