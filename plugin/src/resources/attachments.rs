//! Attachments (API.md §11.5): `list_attachments`, `get_attachment_metadata`,
//! `get_attachment_url`, `download_attachment`, `upload_attachment`, `update_attachment`,
//! `delete_attachment`. File contents travel as base64 in JSON.

use serde_json::{Map, Value};

use super::{first_or_empty, normalize_ts_range, owner, req_str};
use crate::base64;
use crate::env::Method;
use crate::error::{Error, Result};
use crate::input::parse;
use crate::scopes::{R, W};
use crate::table::Action;
use crate::time::Timestamp;
use crate::wrike::{ids_segment, path, Body, Client, Params};

/// The attachment actions.
pub const ACTIONS: &[Action] = &[
    Action {
        name: "list_attachments",
        title: "List attachments",
        description: "List the attachments of a task or folder, or of the account in a createdDate range (GET /tasks/{taskId}/attachments, /folders/{folderId}/attachments, /attachments).",
        scopes: R,
        input_schema: crate::schema!("list_attachments.input"),
        output_schema: crate::schema!("attachment_list.output"),
        run: list,
    },
    Action {
        name: "get_attachment_metadata",
        title: "Get attachment metadata",
        description: "Fetch up to 100 attachments by ID (GET /attachments/{ids}).",
        scopes: R,
        input_schema: crate::schema!("get_attachment_metadata.input"),
        output_schema: crate::schema!("attachment_list.output"),
        run: metadata,
    },
    Action {
        name: "get_attachment_url",
        title: "Get attachment URL",
        description: "Get a download link for an attachment (GET /attachments/{attachmentId}/url); Wrike-hosted links stay valid for 24 hours.",
        scopes: R,
        input_schema: crate::schema!("get_attachment_url.input"),
        output_schema: crate::schema!("attachment_url.output"),
        run: url,
    },
    Action {
        name: "download_attachment",
        title: "Download attachment",
        description: "Download an attachment's content (GET /attachments/{attachmentId}/download), returned base64-encoded.",
        scopes: R,
        input_schema: crate::schema!("download_attachment.input"),
        output_schema: crate::schema!("download.output"),
        run: download,
    },
    Action {
        name: "upload_attachment",
        title: "Upload attachment",
        description: "Attach a file (base64 content) to a task or folder (POST /tasks/{taskId}/attachments or /folders/{folderId}/attachments).",
        scopes: W,
        input_schema: crate::schema!("upload_attachment.input"),
        output_schema: crate::schema!("attachment.output"),
        run: upload,
    },
    Action {
        name: "update_attachment",
        title: "Update attachment",
        description: "Upload a new version of an attachment (PUT /attachments/{attachmentId}).",
        scopes: W,
        input_schema: crate::schema!("update_attachment.input"),
        output_schema: crate::schema!("attachment.output"),
        run: update,
    },
    Action {
        name: "delete_attachment",
        title: "Delete attachment",
        description: "Delete an attachment (DELETE /attachments/{attachmentId}); returns it when Wrike does.",
        scopes: W,
        input_schema: crate::schema!("delete_attachment.input"),
        output_schema: crate::schema!("deleted_attachment.output"),
        run: delete,
    },
];

/// `Content-Type` of every upload body (as Wrike's clients send it).
pub const UPLOAD_CONTENT_TYPE: &str = "application/octet-stream";

/// Longest account-wide `createdDate` range: strictly less than 31 days.
pub const MAX_RANGE_SECS: i64 = 31 * 86_400;

const OWNERS: [(&str, &str); 2] = [("taskId", "tasks"), ("folderId", "folders")];

fn list(client: &mut Client<'_>, input: &Map<String, Value>) -> Result<Value> {
    parse::<wrike_types::attachments::ListAttachments>(input)?;
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
    parse::<wrike_types::attachments::GetAttachmentMetadata>(input)?;
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
    let typed: wrike_types::attachments::GetAttachmentUrl = parse(input)?;
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
    let typed: wrike_types::attachments::DownloadAttachment = parse(input)?;
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
    parse::<wrike_types::attachments::UploadAttachment>(input)?;
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
    let typed: wrike_types::attachments::UpdateAttachment = parse(input)?;
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
    let typed: wrike_types::attachments::DeleteAttachment = parse(input)?;
    let id = typed.attachment_id.as_str();
    Ok(first_or_empty(client.delete(&path(&["attachments", id]))?))
}

#[cfg(test)]
mod tests {
    use super::{disposition_filename, file_name_header};
    use crate::catalog::execute;
    use crate::env::{HttpResponse, Method};
    use crate::error::Error;
    use crate::testing::{ok, refusal, wrike_error, MockEnv, BASE};
    use serde_json::{json, Value};

    const ATT: &str = r#"{"kind":"attachments","data":[{"id":"AT","name":"a.txt","contentType":"text/plain","size":5,"taskId":"T"}]}"#;

    fn run(env: &mut MockEnv, action: &str, input: Value) -> Result<Value, Error> {
        execute(env, BASE, action, &input.to_string()).map(|s| serde_json::from_str(&s).unwrap())
    }

    #[test]
    fn uploads_raw_bytes_with_file_name_header() {
        let mut env = MockEnv::new(vec![ok(ATT), ok(ATT)]);
        let out = run(
            &mut env,
            "upload_attachment",
            json!({"taskId": "T", "fileName": "a.txt", "contentBase64": "aGVsbG8="}),
        )
        .unwrap();
        assert_eq!(out["id"], "AT");
        let r = &env.requests[0];
        assert_eq!(r.method, Method::Post);
        assert_eq!(env.path(0), "/api/v4/tasks/T/attachments");
        assert_eq!(r.body, b"hello");
        assert_eq!(r.header("x-file-name"), Some("a.txt"));
        assert_eq!(r.header("content-type"), Some("application/octet-stream"));
        assert!(r.header("authorization").is_none());
        run(
            &mut env,
            "update_attachment",
            json!({"attachmentId": "AT", "fileName": "résumé v2.txt", "contentBase64": "aGk="}),
        )
        .unwrap();
        assert_eq!(env.requests[1].method, Method::Put);
        assert_eq!(env.path(1), "/api/v4/attachments/AT");
        assert_eq!(
            env.requests[1].header("x-file-name"),
            Some("r%C3%A9sum%C3%A9%20v2.txt")
        );
        assert_eq!(
            env.requests[1].header("content-type"),
            Some("application/octet-stream")
        );
    }

    #[test]
    fn upload_validation() {
        let mut env = MockEnv::new(vec![]);
        for (input, field) in [
            (json!({"fileName": "a", "contentBase64": "aGk="}), "taskId"),
            (
                json!({"taskId": "T", "folderId": "F", "fileName": "a", "contentBase64": "aGk="}),
                "folderId",
            ),
            (
                json!({"taskId": "T", "fileName": "a", "contentBase64": "not base64!"}),
                "contentBase64",
            ),
            (
                json!({"taskId": "T", "fileName": "../a", "contentBase64": "aGk="}),
                "fileName",
            ),
            (json!({"taskId": "T", "contentBase64": "aGk="}), "fileName"),
            (
                json!({"taskId": "T", "fileName": "a", "contentBase64": "aGk=", "contentType": "text/plain"}),
                "contentType",
            ),
        ] {
            // "" : the host refuses the input as a whole (a oneOf/not rule on the object).
            let got = refusal(&mut env, "upload_attachment", input);
            assert!(got == field || got.is_empty(), "{got} for {field}");
        }
        assert!(env.requests.is_empty());
    }

    #[test]
    fn downloads_as_base64() {
        let file = HttpResponse {
            status: 200,
            headers: vec![
                ("Content-Type".into(), "text/plain".into()),
                (
                    "Content-Disposition".into(),
                    "attachment; filename=\"a.txt\"".into(),
                ),
            ],
            body: b"hello".to_vec(),
        };
        let mut env = MockEnv::new(vec![
            file,
            wrike_error(404, "resource_not_found", "Attachment not found"),
        ]);
        let out = run(
            &mut env,
            "download_attachment",
            json!({"attachmentId": "AT"}),
        )
        .unwrap();
        assert_eq!(
            out,
            json!({"attachmentId": "AT", "fileName": "a.txt", "contentType": "text/plain", "size": 5, "contentBase64": "aGVsbG8="})
        );
        assert_eq!(env.path(0), "/api/v4/attachments/AT/download");
        assert!(matches!(
            run(
                &mut env,
                "download_attachment",
                json!({"attachmentId": "X"})
            ),
            Err(Error::NotFound(_))
        ));
    }

    #[test]
    fn lists_and_metadata() {
        let mut env = MockEnv::new(vec![
            ok(ATT),
            ok(ATT),
            ok(ATT),
            ok(r#"{"kind":"attachments","data":[{"url":"https://x/y"}]}"#),
            ok(r#"{"kind":"attachments","data":[]}"#),
        ]);
        run(
            &mut env,
            "list_attachments",
            json!({"folderId": "F", "withUrls": true}),
        )
        .unwrap();
        assert_eq!(env.path(0), "/api/v4/folders/F/attachments");
        run(&mut env, "list_attachments", json!({"createdDate": {"start": "2024-01-01T00:00:00Z", "end": "2024-01-30T00:00:00Z"}})).unwrap();
        assert_eq!(env.path(1), "/api/v4/attachments");
        assert_eq!(
            refusal(&mut env, "list_attachments", json!({})),
            "createdDate"
        );
        assert_eq!(
            refusal(
                &mut env,
                "list_attachments",
                json!({"createdDate": {"start": "2024-01-01T00:00:00Z", "end": "2024-02-01T00:00:00Z"}})
            ),
            "createdDate"
        );
        let out = run(
            &mut env,
            "get_attachment_metadata",
            json!({"attachmentIds": ["A1", "A2"]}),
        )
        .unwrap();
        assert_eq!(out["items"][0]["id"], "AT");
        assert_eq!(env.path(2), "/api/v4/attachments/A1,A2");
        assert_eq!(
            run(
                &mut env,
                "get_attachment_url",
                json!({"attachmentId": "AT"})
            )
            .unwrap(),
            json!({"url": "https://x/y"})
        );
        assert_eq!(env.path(3), "/api/v4/attachments/AT/url");
        assert_eq!(
            run(&mut env, "delete_attachment", json!({"attachmentId": "AT"})).unwrap(),
            json!({})
        );
        assert_eq!(env.requests[4].method, Method::Delete);
    }

    #[test]
    fn header_helpers() {
        assert_eq!(
            disposition_filename("attachment; filename=\"a b.txt\"").as_deref(),
            Some("a b.txt")
        );
        assert_eq!(
            disposition_filename("attachment; filename=x; filename*=UTF-8''r%C3%A9.txt").as_deref(),
            Some("ré.txt")
        );
        assert_eq!(disposition_filename("inline"), None);
        assert_eq!(file_name_header("plain name.pdf"), "plain name.pdf");
        assert_eq!(file_name_header("100%.txt"), "100%25.txt");
    }
}
