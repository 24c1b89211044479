//! The request context handed to every handler, the reply type, and shared helpers.

use std::sync::Arc;

use chrono::{Duration as ChronoDuration, NaiveDate};
use serde_json::{json, Map, Value};

use crate::error::{ApiError, ApiResult};
use crate::params::Params;
use crate::store::{Metadata, PageCursor, Store};

/// Scopes of read methods on workspace data (`R` in `API.md` §3).
pub const R: &[&str] = &["Default", "wsReadOnly", "wsReadWrite"];
/// Scopes of write methods on workspace data (`W` in `API.md` §3).
pub const W: &[&str] = &["Default", "wsReadWrite"];

/// Everything a handler may look at.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// Merged query + body parameters.
    pub params: Params,
    /// The requesting user's contact ID.
    pub user: String,
    /// Raw body bytes (attachment uploads).
    pub body: Arc<Vec<u8>>,
    /// Request headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// `http://127.0.0.1:PORT` (for URLs the fake hands out).
    pub origin: String,
    /// The request path (identifies the list a page token belongs to).
    pub path: String,
}

impl Ctx {
    /// A context for the direct (non-HTTP) helpers.
    pub fn direct(user: &str, params: Params) -> Ctx {
        Ctx {
            params,
            user: user.to_string(),
            body: Arc::new(Vec::new()),
            headers: vec![],
            origin: String::new(),
            path: String::new(),
        }
    }

    /// First header value with this (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What a handler answers.
#[derive(Debug, Clone)]
pub enum Reply {
    /// The `{"kind", "data": [...]}` envelope, plus extra top-level members (paging).
    Data {
        /// `kind`.
        kind: &'static str,
        /// `data`.
        data: Vec<Value>,
        /// Extra members such as `nextPageToken` and `responseSize`.
        extra: Map<String, Value>,
    },
    /// Raw bytes (attachment download).
    Bytes {
        /// MIME type.
        content_type: String,
        /// Content.
        body: Arc<Vec<u8>>,
        /// File name for `Content-Disposition`.
        filename: Option<String>,
    },
}

impl Reply {
    /// An envelope without extras.
    pub fn data(kind: &'static str, data: Vec<Value>) -> Reply {
        Reply::Data {
            kind,
            data,
            extra: Map::new(),
        }
    }

    /// The data array of an envelope (empty for bytes).
    pub fn into_data(self) -> Vec<Value> {
        match self {
            Reply::Data { data, .. } => data,
            Reply::Bytes { .. } => vec![],
        }
    }
}

/// Splits a `{id},{id},...` path segment (≤ 100 IDs; each ≤ 256 chars of `[A-Za-z0-9-_:.=]`).
pub fn parse_ids(seg: &str, name: &str) -> ApiResult<Vec<String>> {
    let ids: Vec<String> = seg.split(',').map(|s| s.trim().to_string()).collect();
    if ids.is_empty() || ids.len() > 100 || ids.iter().any(|i| !valid_id(i)) {
        return Err(ApiError::invalid_parameter(name));
    }
    let mut out: Vec<String> = Vec::with_capacity(ids.len());
    for i in ids {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    Ok(out)
}

/// A single ID path segment.
pub fn parse_id(seg: &str, name: &str) -> ApiResult<String> {
    if valid_id(seg) {
        Ok(seg.to_string())
    } else {
        Err(ApiError::invalid_parameter(name))
    }
}

/// Whether `s` looks like a v4 ID (opaque: ≤ 256 chars from `[a-zA-Z0-9-_:.=]`).
pub fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 256
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.' | b'='))
}

/// Validates a `fields` parameter against the allowed optional field names.
pub fn fields_param(params: &Params, allowed: &[&str]) -> ApiResult<Vec<String>> {
    Ok(params.enum_list("fields", allowed)?.unwrap_or_default())
}

/// Checks that every ID names an existing contact; else `invalid_parameter(name)`.
pub fn check_contacts(st: &Store, name: &str, ids: &[String]) -> ApiResult<()> {
    if ids.iter().all(|i| st.contact_exists(i)) {
        Ok(())
    } else {
        Err(ApiError::invalid_parameter(name))
    }
}

/// Adds items not yet present.
pub fn add_all(list: &mut Vec<String>, items: &[String]) {
    for i in items {
        if !list.contains(i) {
            list.push(i.clone());
        }
    }
}

/// Removes items.
pub fn remove_all(list: &mut Vec<String>, items: &[String]) {
    list.retain(|x| !items.contains(x));
}

/// Applies a metadata update list: entries `{key, value}`; a `null` value removes the key
/// (when `allow_remove`). Keys: < 50 chars of `[A-Za-z0-9_-]`; values < 1000 chars.
pub fn apply_metadata(
    target: &mut Metadata,
    entries: &[Map<String, Value>],
    name: &str,
    allow_remove: bool,
) -> ApiResult<()> {
    for e in entries {
        let key = e
            .get("key")
            .and_then(|k| k.as_str())
            .ok_or_else(|| ApiError::invalid_parameter(name))?;
        if key.is_empty()
            || key.len() >= 50
            || !key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return Err(ApiError::invalid_parameter(name));
        }
        match e.get("value") {
            None | Some(Value::Null) => {
                if !allow_remove && e.get("value").is_none() {
                    return Err(ApiError::invalid_parameter(name));
                }
                target.retain(|(k, _)| k != key);
            }
            Some(v) => {
                let v = match v {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    _ => return Err(ApiError::invalid_parameter(name)),
                };
                if v.chars().count() >= 1000 {
                    return Err(ApiError::invalid_parameter(name));
                }
                if let Some(slot) = target.iter_mut().find(|(k, _)| k == key) {
                    slot.1 = v;
                } else {
                    target.push((key.to_string(), v));
                }
            }
        }
    }
    Ok(())
}

/// Applies custom field values `{id, value}` (value ≤ 2000 chars; `null` or `""` removes) [U: "" removes].
pub fn apply_custom_fields(
    st: &Store,
    target: &mut Vec<(String, String)>,
    entries: &[Map<String, Value>],
    name: &str,
) -> ApiResult<()> {
    for e in entries {
        let id = e
            .get("id")
            .and_then(|k| k.as_str())
            .ok_or_else(|| ApiError::invalid_parameter(name))?;
        if !st.custom_fields.iter().any(|c| c.id == id) {
            return Err(ApiError::invalid_parameter(name));
        }
        let value = match e.get("value") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.is_empty() => None,
            Some(Value::String(s)) => Some(s.clone()),
            // Tolerant [U]: numbers and booleans are stored as text.
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(Value::Bool(b)) => Some(b.to_string()),
            Some(_) => return Err(ApiError::invalid_parameter(name)),
        };
        match value {
            None => target.retain(|(k, _)| k != id),
            Some(v) => {
                if v.chars().count() > 2000 {
                    return Err(ApiError::invalid_parameter(name));
                }
                if let Some(slot) = target.iter_mut().find(|(k, _)| k == id) {
                    slot.1 = v;
                } else {
                    target.push((id.to_string(), v));
                }
            }
        }
    }
    Ok(())
}

/// A metadata filter `{key, value?}`: exact match of a key, or of a key/value pair.
pub fn metadata_filter(params: &Params) -> ApiResult<Option<(String, Option<String>)>> {
    let Some(obj) = params.object("metadata")? else {
        return Ok(None);
    };
    let key = obj
        .get("key")
        .and_then(|k| k.as_str())
        .ok_or_else(|| ApiError::invalid_parameter("metadata"))?
        .to_string();
    let value = match obj.get("value") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(ApiError::invalid_parameter("metadata")),
    };
    Ok(Some((key, value)))
}

/// Whether metadata matches a filter from [`metadata_filter`].
pub fn metadata_matches(m: &Metadata, f: &(String, Option<String>)) -> bool {
    m.iter()
        .any(|(k, v)| k == &f.0 && f.1.as_ref().is_none_or(|fv| fv == v))
}

/// A custom field filter (`customField={id, comparator, value | minValue,maxValue | values}`).
#[derive(Debug, Clone)]
pub struct CustomFieldFilter {
    id: String,
    comparator: String,
    value: Option<String>,
    min: Option<String>,
    max: Option<String>,
    values: Vec<String>,
}

const COMPARATORS: &[&str] = &[
    "EqualTo",
    "IsEmpty",
    "IsNotEmpty",
    "LessThan",
    "LessOrEqualTo",
    "GreaterThan",
    "GreaterOrEqualTo",
    "InRange",
    "NotInRange",
    "Contains",
    "StartsWith",
    "EndsWith",
    "ContainsAll",
    "ContainsAny",
];

impl CustomFieldFilter {
    /// Parses the `customField` parameter.
    pub fn parse(st: &Store, params: &Params) -> ApiResult<Option<CustomFieldFilter>> {
        let Some(obj) = params.object("customField")? else {
            return Ok(None);
        };
        let bad = || ApiError::invalid_parameter("customField");
        let id = obj.get("id").and_then(|v| v.as_str()).ok_or_else(bad)?;
        if !st.custom_fields.iter().any(|c| c.id == id) {
            return Err(bad());
        }
        let comparator = obj
            .get("comparator")
            .and_then(|v| v.as_str())
            .unwrap_or("EqualTo");
        if !COMPARATORS.contains(&comparator) {
            return Err(bad());
        }
        let s = |k: &str| -> Option<String> {
            obj.get(k).and_then(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
        };
        let values = obj
            .get("values")
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(|s| s.to_string()))
                    .collect()
            })
            .unwrap_or_default();
        Ok(Some(CustomFieldFilter {
            id: id.to_string(),
            comparator: comparator.to_string(),
            value: s("value"),
            min: s("minValue"),
            max: s("maxValue"),
            values,
        }))
    }

    /// Whether the entity's custom field values match.
    pub fn matches(&self, cf: &[(String, String)]) -> bool {
        let val = cf
            .iter()
            .find(|(k, _)| k == &self.id)
            .map(|(_, v)| v.as_str());
        let num = |s: &str| s.trim().parse::<f64>().ok();
        let cmp = |a: &str, b: &str| -> Option<std::cmp::Ordering> {
            match (num(a), num(b)) {
                (Some(x), Some(y)) => x.partial_cmp(&y),
                _ => Some(a.cmp(b)),
            }
        };
        use std::cmp::Ordering::*;
        match self.comparator.as_str() {
            "IsEmpty" => val.is_none_or(|v| v.is_empty()),
            "IsNotEmpty" => val.is_some_and(|v| !v.is_empty()),
            _ => {
                let Some(v) = val else { return false };
                let target = self.value.as_deref().unwrap_or("");
                match self.comparator.as_str() {
                    "EqualTo" => cmp(v, target) == Some(Equal),
                    "LessThan" => cmp(v, target) == Some(Less),
                    "LessOrEqualTo" => matches!(cmp(v, target), Some(Less | Equal)),
                    "GreaterThan" => cmp(v, target) == Some(Greater),
                    "GreaterOrEqualTo" => matches!(cmp(v, target), Some(Greater | Equal)),
                    "InRange" | "NotInRange" => {
                        let lo = self
                            .min
                            .as_deref()
                            .is_none_or(|m| matches!(cmp(v, m), Some(Greater | Equal)));
                        let hi = self
                            .max
                            .as_deref()
                            .is_none_or(|m| matches!(cmp(v, m), Some(Less | Equal)));
                        (lo && hi) == (self.comparator == "InRange")
                    }
                    "Contains" => v.to_lowercase().contains(&target.to_lowercase()),
                    "StartsWith" => v.to_lowercase().starts_with(&target.to_lowercase()),
                    "EndsWith" => v.to_lowercase().ends_with(&target.to_lowercase()),
                    "ContainsAll" => self.values.iter().all(|x| v.contains(x.as_str())),
                    "ContainsAny" => self.values.iter().any(|x| v.contains(x.as_str())),
                    _ => false,
                }
            }
        }
    }
}

/// Parses a `yyyy-MM-dd` parameter value.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// Removes HTML tags and decodes the common entities; `<br>` and block ends become newlines.
pub fn strip_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        match rest[i..].find('>') {
            Some(j) => {
                let tag = rest[i + 1..i + j].trim().to_ascii_lowercase();
                let name = tag
                    .trim_start_matches('/')
                    .split(|c: char| c.is_whitespace() || c == '/')
                    .next()
                    .unwrap_or("");
                if name == "br" || (tag.starts_with('/') && matches!(name, "p" | "div" | "li")) {
                    out.push('\n');
                }
                rest = &rest[i + j + 1..];
            }
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    let out = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    out.trim_end_matches('\n').to_string()
}

/// Escapes plain text into HTML (newlines become `<br />`).
pub fn text_to_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\n', "<br />")
}

/// The `briefDescription`: plain text, at most 200 characters.
pub fn brief(html: &str) -> String {
    let plain = strip_html(html);
    plain.chars().take(200).collect()
}

/// Page size parameter: 1..=1000.
pub fn page_size(params: &Params) -> ApiResult<Option<usize>> {
    match params.int("pageSize")? {
        None => Ok(None),
        Some(n) if (1..=1000).contains(&n) => Ok(Some(n as usize)),
        Some(_) => Err(ApiError::invalid_parameter("pageSize")),
    }
}

/// `limit` parameter: ≥ 1.
pub fn limit_param(params: &Params) -> ApiResult<Option<usize>> {
    match params.int("limit")? {
        None => Ok(None),
        Some(n) if n >= 1 => Ok(Some(n as usize)),
        Some(_) => Err(ApiError::invalid_parameter("limit")),
    }
}

/// How long a page token stays valid (fake time).
const PAGE_TOKEN_TTL_MINUTES: i64 = 60;

/// If the request carries `nextPageToken`, resolves it (or fails with Wrike's exact error).
pub fn resume_page(st: &mut Store, cx: &Ctx) -> ApiResult<Option<PageCursor>> {
    let Some(tok) = cx.params.str("nextPageToken")? else {
        return Ok(None);
    };
    let bad = || ApiError::invalid_parameter("nextPageToken");
    let cur = st.pages.get(&tok).cloned().ok_or_else(bad)?;
    if cur.route != cx.path {
        return Err(bad());
    }
    if st.clock.now() - cur.issued > ChronoDuration::minutes(PAGE_TOKEN_TTL_MINUTES) {
        st.pages.remove(&tok);
        return Err(bad());
    }
    Ok(Some(cur))
}

/// Cuts one page out of `ids` starting at `offset`; issues a token for the rest.
/// Returns the page's IDs and the paging members (`nextPageToken`, `responseSize`).
pub fn cut_page(
    st: &mut Store,
    cx_path: &str,
    ids: Arc<Vec<String>>,
    offset: usize,
    page_size: usize,
    params: &Params,
) -> (Vec<String>, Map<String, Value>) {
    let end = (offset + page_size).min(ids.len());
    let page: Vec<String> = ids.get(offset..end).map(|s| s.to_vec()).unwrap_or_default();
    let mut extra = Map::new();
    if end < ids.len() {
        let now = st.clock.now();
        let tok = st.issue_page_token(PageCursor {
            route: cx_path.to_string(),
            ids: ids.clone(),
            offset: end,
            page_size,
            params: params.clone(),
            issued: now,
        });
        extra.insert("nextPageToken".into(), json!(tok));
    }
    extra.insert("responseSize".into(), json!(ids.len()));
    (page, extra)
}

/// Runs the common paging flow for a list.
///
/// `compute` validates the parameters and returns the full ordered ID list (after `limit`).
/// `cap` is the maximum number of results returned without paging (e.g. 1000 for tasks).
/// Returns the page's IDs, the parameters to render them with, and the paging members.
pub fn paged_list<F>(
    st: &mut Store,
    cx: &Ctx,
    cap: Option<usize>,
    compute: F,
) -> ApiResult<(Vec<String>, Params, Map<String, Value>)>
where
    F: FnOnce(&mut Store, &Params) -> ApiResult<Vec<String>>,
{
    if let Some(cur) = resume_page(st, cx)? {
        let (page, extra) = cut_page(
            st,
            &cx.path,
            cur.ids.clone(),
            cur.offset,
            cur.page_size,
            &cur.params,
        );
        return Ok((page, cur.params, extra));
    }
    let ps = page_size(&cx.params)?;
    let ids = compute(st, &cx.params)?;
    match ps {
        Some(ps) => {
            let (page, extra) = cut_page(st, &cx.path, Arc::new(ids), 0, ps, &cx.params);
            Ok((page, cx.params.clone(), extra))
        }
        None => {
            let mut ids = ids;
            if let Some(c) = cap {
                ids.truncate(c);
            }
            Ok((ids, cx.params.clone(), Map::new()))
        }
    }
}
