//! The request context handed to every handler, the reply type, and shared helpers.
//!
//! The list filters (`metadata`, `customField`) are in `filters`, the paging flow
//! (`pageSize`, `nextPageToken`, `limit`) in `paging`; both are re-exported here.

mod filters;
mod paging;

use std::sync::Arc;

use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult};
use crate::params::Params;
use crate::store::{Metadata, Store};

pub use filters::{metadata_filter, metadata_matches, CustomFieldFilter};
pub use paging::{cut_page, limit_param, page_size, paged_list, resume_page};

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
