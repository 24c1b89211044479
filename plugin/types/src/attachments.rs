//! Attachments (API.md §11.7): inputs and outputs.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use crate::common::*;
use crate::schema::generate;

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

/// The schemas of this module.
pub fn schemas() -> Vec<(&'static str, Value)> {
    vec![
        ("list_attachments.input", generate::<ListAttachments>()),
        (
            "get_attachment_metadata.input",
            generate::<GetAttachmentMetadata>(),
        ),
        ("get_attachment_url.input", generate::<GetAttachmentUrl>()),
        (
            "download_attachment.input",
            generate::<DownloadAttachment>(),
        ),
        ("upload_attachment.input", generate::<UploadAttachment>()),
        ("update_attachment.input", generate::<UpdateAttachment>()),
        ("delete_attachment.input", generate::<DeleteAttachment>()),
        ("attachment_list.output", generate::<List<Attachment>>()),
        ("attachment_url.output", generate::<AttachmentUrl>()),
        ("download.output", generate::<Download>()),
        ("attachment.output", generate::<Attachment>()),
        ("deleted_attachment.output", generate::<DeletedAttachment>()),
    ]
}
