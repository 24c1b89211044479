//! Attachments (API.md §11.5): `list_attachments`, `get_attachment_metadata`,
//! `get_attachment_url`, `download_attachment`, `upload_attachment`, `update_attachment`,
//! `delete_attachment`. File contents travel as base64 in JSON.

use connector_sdk::schema::Schema;
use serde_json::{Map, Value};

use super::{first_or_empty, normalize_ts_range, owner, req_str};
use crate::base64;
use crate::common::*;
use crate::env::Method;
use crate::error::{Error, Result};
use crate::input::parse;
use crate::scopes::{R, W};
use crate::table::Action;
use crate::time::Timestamp;
use crate::wrike::{ids_segment, path, Body, Client, Params};
use schemars::JsonSchema;
use serde::Deserialize;

/// The attachment actions.
pub const ACTIONS: &[Action] = &[
    Action {
        name: "list_attachments",
        title: "List attachments",
        description: "List the attachments of a task or folder, or of the account in a createdDate range (GET /tasks/{taskId}/attachments, /folders/{folderId}/attachments, /attachments).",
        scopes: R,
        read_only: true,
        input_schema: Schema::of::<ListAttachments>(),
        output_schema: Schema::of::<List<Attachment>>(),
        run: list,
    },
    Action {
        name: "get_attachment_metadata",
        title: "Get attachment metadata",
        description: "Fetch up to 100 attachments by ID (GET /attachments/{ids}).",
        scopes: R,
        read_only: true,
        input_schema: Schema::of::<GetAttachmentMetadata>(),
        output_schema: Schema::of::<List<Attachment>>(),
        run: metadata,
    },
    Action {
        name: "get_attachment_url",
        title: "Get attachment URL",
        description: "Get a download link for an attachment (GET /attachments/{attachmentId}/url); Wrike-hosted links stay valid for 24 hours.",
        scopes: R,
        read_only: true,
        input_schema: Schema::of::<GetAttachmentUrl>(),
        output_schema: Schema::of::<AttachmentUrl>(),
        run: url,
    },
    Action {
        name: "download_attachment",
        title: "Download attachment",
        description: "Download an attachment's content (GET /attachments/{attachmentId}/download), returned base64-encoded.",
        scopes: R,
        read_only: true,
        input_schema: Schema::of::<DownloadAttachment>(),
        output_schema: Schema::of::<Download>(),
        run: download,
    },
    Action {
        name: "upload_attachment",
        title: "Upload attachment",
        description: "Attach a file (base64 content) to a task or folder (POST /tasks/{taskId}/attachments or /folders/{folderId}/attachments).",
        scopes: W,
        read_only: false,
        input_schema: Schema::of::<UploadAttachment>(),
        output_schema: Schema::of::<Attachment>(),
        run: upload,
    },
    Action {
        name: "update_attachment",
        title: "Update attachment",
        description: "Upload a new version of an attachment (PUT /attachments/{attachmentId}).",
        scopes: W,
        read_only: false,
        input_schema: Schema::of::<UpdateAttachment>(),
        output_schema: Schema::of::<Attachment>(),
        run: update,
    },
    Action {
        name: "delete_attachment",
        title: "Delete attachment",
        description: "Delete an attachment (DELETE /attachments/{attachmentId}); returns it when Wrike does.",
        scopes: W,
        read_only: false,
        input_schema: Schema::of::<DeleteAttachment>(),
        output_schema: Schema::of::<DeletedAttachment>(),
        run: delete,
    },
];

crate::input! {
    /// Attachments of a task or folder, or of the account created in a range shorter than 31 days (createdDate is then required).
    #[schemars(extend("not" = {"required": ["taskId", "folderId"]}))]
    pub struct ListAttachments {
        pub created_date: Forwarded<Option<TsRange>>,
        pub folder_id: Option<WrikeId>,
        pub task_id: Option<WrikeId>,
        /// Include previous versions
        pub versions: Forwarded<Option<bool>>,
        /// Include download URLs (valid 24 hours)
        pub with_urls: Forwarded<Option<bool>>,
    }
}

crate::input! {
    /// Input of `get_attachment_metadata`.
    #[schemars(description = "")]
    pub struct GetAttachmentMetadata {
        #[schemars(length(min = 1, max = 100), extend("uniqueItems" = true))]
        pub attachment_ids: Forwarded<Vec<WrikeId>>,
        pub versions: Forwarded<Option<bool>>,
    }
}

crate::input! {
    /// Input of `get_attachment_url`.
    #[schemars(description = "")]
    pub struct GetAttachmentUrl {
        pub attachment_id: WrikeId,
    }
}

crate::input! {
    /// Input of `download_attachment`.
    #[schemars(description = "")]
    pub struct DownloadAttachment {
        pub attachment_id: WrikeId,
    }
}

crate::input! {
    /// Input of `upload_attachment`.
    #[schemars(description = "")]
    #[schemars(extend("oneOf" = [{"required": ["taskId"]}, {"required": ["folderId"]}]))]
    pub struct UploadAttachment {
        /// The file's bytes, base64-encoded
        #[schemars(length(min = 1), extend("contentEncoding" = "base64"))]
        pub content_base64: Forwarded<String>,
        /// The file's name (sent as X-File-Name; Wrike takes the file's type from it)
        #[schemars(length(min = 1, max = 255))]
        pub file_name: Forwarded<String>,
        pub folder_id: Option<WrikeId>,
        pub task_id: Option<WrikeId>,
    }
}

crate::input! {
    /// Input of `update_attachment`.
    #[schemars(description = "")]
    pub struct UpdateAttachment {
        pub attachment_id: WrikeId,
        /// The file's bytes, base64-encoded
        #[schemars(length(min = 1), extend("contentEncoding" = "base64"))]
        pub content_base64: Forwarded<String>,
        /// The file's name (sent as X-File-Name; Wrike takes the file's type from it)
        #[schemars(length(min = 1, max = 255))]
        pub file_name: Forwarded<String>,
    }
}

crate::input! {
    /// Input of `delete_attachment`.
    #[schemars(description = "")]
    pub struct DeleteAttachment {
        pub attachment_id: WrikeId,
    }
}

/// Values of `Attachment.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum AttachmentType {
    #[default]
    Wrike,
    Google,
    DropBox,
    Box,
    OneDrive,
    External,
    DAM,
}

/// `Attachment` as Wrike returns it (output schema only).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct Attachment {
    pub author_id: Option<String>,
    pub comment_id: Option<String>,
    pub content_type: Option<String>,
    pub created_date: Option<DateTime>,
    pub current_attachment_id: Option<String>,
    pub folder_id: Option<String>,
    pub height: Option<i64>,
    pub id: String,
    pub name: String,
    pub preview_url: Option<String>,
    pub review_ids: Option<Vec<String>>,
    pub size: Option<i64>,
    pub task_id: Option<String>,
    pub r#type: Option<AttachmentType>,
    pub url: Option<String>,
    #[schemars(extend("type" = ["integer", "string"]))]
    pub version: Option<serde_json::Value>,
    pub width: Option<i64>,
}

/// `AttachmentUrl` as Wrike returns it (output schema only).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct AttachmentUrl {
    #[schemars(extend("format" = "uri"))]
    pub url: String,
}

/// `Download` as Wrike returns it (output schema only).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct Download {
    pub attachment_id: String,
    #[schemars(extend("contentEncoding" = "base64"))]
    pub content_base64: String,
    pub content_type: String,
    pub file_name: Option<String>,
    pub size: u32,
}

/// What `delete_attachment` returns: the attachment, or `{}` when Wrike returns none.
#[derive(JsonSchema)]
#[serde(untagged)]
#[schemars(description = "")]
pub enum DeletedAttachment {
    // `{}`.
    Nothing(Empty),
    // The attachment.
    Attachment(Box<Attachment>),
}

/// `Content-Type` of every upload body (as Wrike's clients send it).
pub const UPLOAD_CONTENT_TYPE: &str = "application/octet-stream";

/// Longest account-wide `createdDate` range: strictly less than 31 days.
pub const MAX_RANGE_SECS: i64 = 31 * 86_400;

const OWNERS: [(&str, &str); 2] = [("taskId", "tasks"), ("folderId", "folders")];

fn list(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    parse::<ListAttachments>(input)?;
    let place = owner(input, &OWNERS);
    if place.is_none() {
        let Some(Value::Object(range)) = input.get("createdDate") else {
            return Err(Error::invalid(
                "createdDate",
                "is required for the account-wide list (a range shorter than 31 days), or give taskId or folderId",
            ));
        };
        let get = |k: &str| {
            range
                .get(k)
                .and_then(Value::as_str)
                .and_then(Timestamp::parse)
        };
        if let (Some(s), Some(e)) = (get("start"), get("end")) {
            if e < s || e.secs - s.secs >= MAX_RANGE_SECS {
                return Err(Error::invalid(
                    "createdDate",
                    "the range must run forwards and be shorter than 31 days",
                ));
            }
        }
    }
    let mut q = Params::from_input(input, &["taskId", "folderId"]);
    normalize_ts_range(&mut q, input, "createdDate")?;
    let p = match place {
        Some((seg, id)) => path(&[seg, id, "attachments"]),
        None => "/attachments".to_string(),
    };
    Ok(client.get(&p, &q)?.into_list())
}

fn metadata(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    parse::<GetAttachmentMetadata>(input)?;
    let ids: Vec<&str> = input
        .get("attachmentIds")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if ids.is_empty() {
        return Err(Error::invalid("attachmentIds", "must hold at least one ID"));
    }
    let q = Params::from_input(input, &["attachmentIds"]);
    let p = format!("/attachments/{}", ids_segment(&ids));
    Ok(client.get(&p, &q)?.into_list())
}

fn url(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let typed: GetAttachmentUrl = parse(input)?;
    let id = typed.attachment_id.as_str();
    client
        .get(&path(&["attachments", id, "url"]), &Params::new())?
        .first()
}

/// The file name of a `Content-Disposition` header (`filename*=UTF-8''…` preferred).
pub fn disposition_filename(header: &str) -> Option<String> {
    let mut plain = None;
    for part in header.split(';').map(str::trim) {
        let Some((k, v)) = part.split_once('=') else {
            continue;
        };
        let k = k.trim().to_ascii_lowercase();
        let v = v.trim();
        if k == "filename*" {
            let encoded = v.splitn(3, '\'').nth(2).unwrap_or(v);
            return Some(percent_decode(encoded));
        }
        if k == "filename" {
            plain = Some(v.trim_matches('"').to_string());
        }
    }
    plain.filter(|n| !n.is_empty())
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn download(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let typed: DownloadAttachment = parse(input)?;
    let id = typed.attachment_id.as_str();
    let resp = client.send(
        Method::Get,
        &path(&["attachments", id, "download"]),
        &Params::new(),
        Body::None,
    )?;
    client.check(&resp)?;
    let mut out = Map::new();
    out.insert("attachmentId".into(), Value::from(id));
    if let Some(name) = resp
        .header("content-disposition")
        .and_then(disposition_filename)
    {
        out.insert("fileName".into(), Value::String(name));
    }
    let ctype = resp
        .header("content-type")
        .unwrap_or("application/octet-stream");
    out.insert("contentType".into(), Value::from(ctype));
    out.insert("size".into(), Value::from(resp.body.len() as u64));
    out.insert(
        "contentBase64".into(),
        Value::String(base64::encode(&resp.body)),
    );
    Ok(Value::Object(out))
}

/// `X-File-Name` value: the name as it is when it is plain printable ASCII, else
/// percent-encoded (header values must be ASCII; how Wrike decodes non-ASCII names is [U]).
pub fn file_name_header(name: &str) -> String {
    let plain = name.bytes().all(|b| (0x20..0x7f).contains(&b) && b != b'%');
    if plain {
        return name.to_string();
    }
    let mut out = String::new();
    for b in name.bytes() {
        if (0x21..0x7f).contains(&b) && b != b'%' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn file_body(input: &Map<String, Value>) -> Result<Body> {
    let name = req_str(input, "fileName")?;
    if name.trim().is_empty() || name.contains(['/', '\\']) {
        return Err(Error::invalid(
            "fileName",
            "must be a plain, non-empty file name",
        ));
    }
    let bytes = base64::decode(req_str(input, "contentBase64")?)
        .map_err(|e| Error::invalid("contentBase64", format!("is not valid base64: {e}")))?;
    if bytes.is_empty() {
        return Err(Error::invalid("contentBase64", "the file is empty"));
    }
    // Wrike's own clients send the raw bytes as `application/octet-stream` with the name in
    // `X-File-Name`; no Wrike document gives the upload another content type, so the file's
    // own type is never sent (Wrike derives it from the name).
    Ok(Body::Raw {
        content_type: UPLOAD_CONTENT_TYPE.to_string(),
        headers: vec![
            ("x-file-name".into(), file_name_header(name)),
            ("x-requested-with".into(), "XMLHttpRequest".into()),
        ],
        bytes,
    })
}

fn upload(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    parse::<UploadAttachment>(input)?;
    let (seg, id) = owner(input, &OWNERS)
        .ok_or_else(|| Error::invalid("taskId", "one of taskId, folderId is required"))?;
    let body = file_body(input)?;
    client
        .call(
            Method::Post,
            &path(&[seg, id, "attachments"]),
            &Params::new(),
            body,
        )?
        .first()
}

fn update(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let typed: UpdateAttachment = parse(input)?;
    let id = typed.attachment_id.as_str();
    let body = file_body(input)?;
    client
        .call(
            Method::Put,
            &path(&["attachments", id]),
            &Params::new(),
            body,
        )?
        .first()
}

fn delete(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    let typed: DeleteAttachment = parse(input)?;
    let id = typed.attachment_id.as_str();
    Ok(first_or_empty(client.delete(&path(&["attachments", id]))?))
}

#[cfg(test)]
#[path = "attachments_tests.rs"]
mod tests;
