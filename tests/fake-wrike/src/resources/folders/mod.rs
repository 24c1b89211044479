//! Folders, projects and the folder tree (`API.md` §11.2): `GET /folders/{ids}` and the field
//! lists every part shares.
//!
//! Rendering is in `render`, the lists in `list`, the `project` object in `project`,
//! create/update in `write` (with the webhook events of an update in `events`), deletion and
//! restore in `recycle_bin`, and `POST /copy_folder/{id}` in `copy`.

mod copy;
mod events;
mod list;
mod project;
mod recycle_bin;
mod render;
mod write;

use crate::api::*;
use crate::error::{ApiError, ApiResult};
use crate::store::Store;

pub use copy::{copy, reschedule_tasks};
pub use list::{list, ListBase};
pub use recycle_bin::delete;
pub use render::{folder_json, tree_entry_json, View};
pub use write::{create, insert_folder, update};

/// Optional fields of filtered folder lists (Folder model).
pub const LIST_FIELDS: &[&str] = &[
    "metadata",
    "hasAttachments",
    "attachmentCount",
    "description",
    "briefDescription",
    "customFields",
    "customColumnIds",
    "superParentIds",
    "space",
    "contractType",
    // Post-2020 (MODERN.md §6.3) [S].
    "customItemTypeId",
];

/// Optional fields of `GET /folders/{ids}` and of create/update answers. [U] the list fields
/// are accepted too.
pub const SINGLE_FIELDS: &[&str] = LIST_FIELDS;

/// `GET /folders/{ids}`.
pub fn get(st: &mut Store, cx: &Ctx, ids: &[String]) -> ApiResult<Reply> {
    cx.params.allow_only(&["fields"])?;
    let fields = fields_param(&cx.params, SINGLE_FIELDS)?;
    let mut data = Vec::new();
    for id in ids {
        let f = st
            .folders
            .get(id)
            .ok_or_else(|| ApiError::not_found("Folder", id))?;
        data.push(folder_json(st, f, View::Full, &fields));
    }
    Ok(Reply::data("folders", data))
}
