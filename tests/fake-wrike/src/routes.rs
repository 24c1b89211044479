//! The method table: path + verb → accepted scopes and handler.

use crate::api::{parse_id, parse_ids, Ctx, Reply, R, W};
use crate::error::{ApiError, ApiResult};
use crate::resources::{
    approvals, attachments, blueprints, comments, contacts, custom_item_types, folders, misc,
    spaces, tasks, timelogs, webhooks,
};
use crate::store::Store;

/// A handler bound to its path arguments.
pub type Handler = Box<dyn FnOnce(&mut Store, &Ctx) -> ApiResult<Reply> + Send>;

/// A resolved API method.
pub struct Route {
    /// Scopes of which the token needs at least one (`None`: any valid token).
    pub scopes: Option<&'static [&'static str]>,
    /// The handler.
    pub handler: Handler,
}

fn r<F>(scopes: &'static [&'static str], f: F) -> ApiResult<Route>
where
    F: FnOnce(&mut Store, &Ctx) -> ApiResult<Reply> + Send + 'static,
{
    Ok(Route {
        scopes: Some(scopes),
        handler: Box::new(f),
    })
}

const USER_READ: &[&str] = &["amReadOnlyUser", "amReadWriteUser"];
const USER_WRITE: &[&str] = &["amReadWriteUser"];
const WORKFLOW_READ: &[&str] = &[
    "Default",
    "amReadOnlyWorkflow",
    "amReadWriteWorkflow",
    "wsReadOnly",
    "wsReadWrite",
];
const TIMELOG_CATEGORY_READ: &[&str] = &[
    "Default",
    "amReadOnlyTimelogCategory",
    "amReadWriteTimelogCategory",
    "wsReadOnly",
    "wsReadWrite",
];

/// Resolves a request. `segs` are the decoded path segments after `/api/v4`.
/// Unknown paths or verbs → `404 method_not_found`.
pub fn route(method: &str, segs: &[String]) -> ApiResult<Route> {
    let s: Vec<&str> = segs.iter().map(|x| x.as_str()).collect();
    match (method, s.as_slice()) {
        // --- contacts & users ---
        ("GET", ["contacts"]) => r(R, contacts::list),
        ("GET", ["contacts", ids]) => {
            let ids = parse_ids(ids, "contactId")?;
            r(R, move |st, cx| contacts::get(st, cx, &ids))
        }
        ("PUT", ["contacts", id]) => {
            let id = parse_id(id, "contactId")?;
            r(W, move |st, cx| contacts::update(st, cx, &id))
        }
        ("GET", ["users", id]) => {
            let id = parse_id(id, "userId")?;
            r(USER_READ, move |st, cx| contacts::get_user(st, cx, &id))
        }
        ("PUT", ["users", id]) => {
            let id = parse_id(id, "userId")?;
            r(USER_WRITE, move |st, cx| contacts::update_user(st, cx, &id))
        }

        // --- account, workflows, custom fields, misc ---
        ("GET", ["account"]) => r(R, misc::account),
        ("PUT", ["account"]) => r(W, misc::update_account),
        ("GET", ["workflows"]) => r(WORKFLOW_READ, misc::workflows),
        ("GET", ["customfields"]) => r(R, misc::custom_fields),
        ("GET", ["customfields", ids]) => {
            let ids = parse_ids(ids, "customFieldId")?;
            r(R, move |st, cx| misc::custom_fields_by_id(st, cx, &ids))
        }
        ("GET", ["version"]) => Ok(Route {
            scopes: None,
            handler: Box::new(misc::version),
        }),
        ("GET", ["timelog_categories"]) => r(TIMELOG_CATEGORY_READ, misc::timelog_categories),
        ("GET", ["ids"]) => r(R, misc::convert_ids),
        ("GET", ["colors"]) => r(R, misc::colors),

        // --- tasks ---
        ("GET", ["tasks"]) => r(R, |st, cx| {
            tasks::search(st, cx, tasks::SearchScope::Account)
        }),
        ("GET", ["folders", id, "tasks"]) => {
            let id = parse_id(id, "folderId")?;
            r(R, move |st, cx| {
                tasks::search(st, cx, tasks::SearchScope::Folder(id))
            })
        }
        ("GET", ["spaces", id, "tasks"]) => {
            let id = parse_id(id, "spaceId")?;
            r(R, move |st, cx| {
                tasks::search(st, cx, tasks::SearchScope::Space(id))
            })
        }
        ("GET", ["tasks", ids]) => {
            let ids = parse_ids(ids, "taskId")?;
            r(R, move |st, cx| tasks::get(st, cx, &ids))
        }
        ("POST", ["folders", id, "tasks"]) => {
            let id = parse_id(id, "folderId")?;
            r(W, move |st, cx| tasks::create(st, cx, &id))
        }
        ("PUT", ["tasks", ids]) if ids.contains(',') => {
            let ids = parse_ids(ids, "taskId")?;
            r(W, move |st, cx| tasks::bulk_update(st, cx, &ids))
        }
        ("PUT", ["tasks", id]) => {
            let id = parse_id(id, "taskId")?;
            r(W, move |st, cx| tasks::update(st, cx, &id))
        }
        ("DELETE", ["tasks", id]) => {
            let id = parse_id(id, "taskId")?;
            r(W, move |st, cx| tasks::delete(st, cx, &id))
        }

        // --- comments ---
        ("GET", ["comments"]) => r(R, comments::list),
        ("GET", ["comments", ids]) => {
            let ids = parse_ids(ids, "commentId")?;
            r(R, move |st, cx| comments::get(st, cx, &ids))
        }
        ("GET", ["tasks", id, "comments"]) => {
            let id = parse_id(id, "taskId")?;
            r(R, move |st, cx| comments::list_for_task(st, cx, &id))
        }
        ("GET", ["folders", id, "comments"]) => {
            let id = parse_id(id, "folderId")?;
            r(R, move |st, cx| comments::list_for_folder(st, cx, &id))
        }
        ("POST", ["tasks", id, "comments"]) => {
            let id = parse_id(id, "taskId")?;
            r(W, move |st, cx| comments::create_on_task(st, cx, &id))
        }
        ("POST", ["folders", id, "comments"]) => {
            let id = parse_id(id, "folderId")?;
            r(W, move |st, cx| comments::create_on_folder(st, cx, &id))
        }
        ("PUT", ["comments", id]) => {
            let id = parse_id(id, "commentId")?;
            r(W, move |st, cx| comments::update(st, cx, &id))
        }
        ("DELETE", ["comments", id]) => {
            let id = parse_id(id, "commentId")?;
            r(W, move |st, cx| comments::delete(st, cx, &id))
        }

        // --- folders ---
        ("GET", ["folders"]) => r(R, |st, cx| {
            folders::list(st, cx, folders::ListBase::Account)
        }),
        ("GET", ["folders", id, "folders"]) => {
            let id = parse_id(id, "folderId")?;
            r(R, move |st, cx| {
                folders::list(st, cx, folders::ListBase::Folder(id))
            })
        }
        ("GET", ["spaces", id, "folders"]) => {
            let id = parse_id(id, "spaceId")?;
            r(R, move |st, cx| {
                folders::list(st, cx, folders::ListBase::Space(id))
            })
        }
        ("GET", ["folders", ids]) => {
            let ids = parse_ids(ids, "folderId")?;
            r(R, move |st, cx| folders::get(st, cx, &ids))
        }

        ("POST", ["folders", id, "folders"]) => {
            let id = parse_id(id, "folderId")?;
            r(W, move |st, cx| folders::create(st, cx, &id))
        }
        ("PUT", ["folders", id]) => {
            let id = parse_id(id, "folderId")?;
            r(W, move |st, cx| folders::update(st, cx, &id))
        }
        ("DELETE", ["folders", id]) => {
            let id = parse_id(id, "folderId")?;
            r(W, move |st, cx| folders::delete(st, cx, &id))
        }
        ("POST", ["copy_folder", id]) => {
            let id = parse_id(id, "folderId")?;
            r(W, move |st, cx| folders::copy(st, cx, &id))
        }

        // --- spaces ---
        ("GET", ["spaces"]) => r(R, spaces::list),
        ("POST", ["spaces"]) => r(W, spaces::create),
        ("GET", ["spaces", id]) => {
            let id = parse_id(id, "spaceId")?;
            r(R, move |st, cx| spaces::get(st, cx, &id))
        }
        ("PUT", ["spaces", id]) => {
            let id = parse_id(id, "spaceId")?;
            r(W, move |st, cx| spaces::update(st, cx, &id))
        }

        // --- timelogs ---
        ("GET", ["timelogs"]) => r(R, |st, cx| timelogs::list(st, cx, timelogs::Scope::Account)),
        ("GET", ["contacts", id, "timelogs"]) => {
            let id = parse_id(id, "contactId")?;
            r(R, move |st, cx| {
                timelogs::list(st, cx, timelogs::Scope::Contact(id))
            })
        }
        ("GET", ["folders", id, "timelogs"]) => {
            let id = parse_id(id, "folderId")?;
            r(R, move |st, cx| {
                timelogs::list(st, cx, timelogs::Scope::Folder(id))
            })
        }
        ("GET", ["tasks", id, "timelogs"]) => {
            let id = parse_id(id, "taskId")?;
            r(R, move |st, cx| {
                timelogs::list(st, cx, timelogs::Scope::Task(id))
            })
        }
        ("GET", ["timelog_categories", id, "timelogs"]) => {
            let id = parse_id(id, "timelogCategoryId")?;
            r(R, move |st, cx| {
                timelogs::list(st, cx, timelogs::Scope::Category(id))
            })
        }
        ("GET", ["timelogs", ids]) => {
            let ids = parse_ids(ids, "timelogId")?;
            r(R, move |st, cx| timelogs::get(st, cx, &ids))
        }
        ("POST", ["tasks", id, "timelogs"]) => {
            let id = parse_id(id, "taskId")?;
            r(W, move |st, cx| timelogs::create(st, cx, &id))
        }
        ("PUT", ["timelogs", id]) => {
            let id = parse_id(id, "timelogId")?;
            r(W, move |st, cx| timelogs::update(st, cx, &id))
        }
        ("DELETE", ["timelogs", id]) => {
            let id = parse_id(id, "timelogId")?;
            r(W, move |st, cx| timelogs::delete(st, cx, &id))
        }

        // --- attachments ---
        ("GET", ["attachments"]) => r(R, |st, cx| {
            attachments::list(st, cx, attachments::Scope::Account)
        }),
        ("GET", ["tasks", id, "attachments"]) => {
            let id = parse_id(id, "taskId")?;
            r(R, move |st, cx| {
                attachments::list(st, cx, attachments::Scope::Task(id))
            })
        }
        ("GET", ["folders", id, "attachments"]) => {
            let id = parse_id(id, "folderId")?;
            r(R, move |st, cx| {
                attachments::list(st, cx, attachments::Scope::Folder(id))
            })
        }
        ("GET", ["attachments", ids]) => {
            let ids = parse_ids(ids, "attachmentId")?;
            r(R, move |st, cx| attachments::get(st, cx, &ids))
        }
        ("GET", ["attachments", id, "download", rest @ ..]) if rest.len() <= 1 => {
            let id = parse_id(id, "attachmentId")?;
            let name = rest.first().map(|s| s.to_string());
            r(R, move |st, cx| attachments::download(st, cx, &id, name))
        }
        ("GET", ["attachments", id, "preview", rest @ ..]) if rest.len() <= 1 => {
            let id = parse_id(id, "attachmentId")?;
            let name = rest.first().map(|s| s.to_string());
            r(R, move |st, cx| attachments::preview(st, cx, &id, name))
        }
        ("GET", ["attachments", id, "url"]) => {
            let id = parse_id(id, "attachmentId")?;
            r(R, move |st, cx| attachments::url(st, cx, &id))
        }
        ("POST", ["tasks", id, "attachments"]) => {
            let id = parse_id(id, "taskId")?;
            r(W, move |st, cx| attachments::create_on_task(st, cx, &id))
        }
        ("POST", ["folders", id, "attachments"]) => {
            let id = parse_id(id, "folderId")?;
            r(W, move |st, cx| attachments::create_on_folder(st, cx, &id))
        }
        ("PUT", ["attachments", id]) => {
            let id = parse_id(id, "attachmentId")?;
            r(W, move |st, cx| attachments::update(st, cx, &id))
        }
        ("DELETE", ["attachments", id]) => {
            let id = parse_id(id, "attachmentId")?;
            r(W, move |st, cx| attachments::delete(st, cx, &id))
        }

        // --- approvals ---
        ("GET", ["approvals"]) => r(R, approvals::list),
        ("GET", ["approvals", ids]) => {
            let ids = parse_ids(ids, "approvalId")?;
            r(R, move |st, cx| approvals::get(st, cx, &ids))
        }
        ("GET", ["tasks", id, "approvals"]) => {
            let id = parse_id(id, "taskId")?;
            r(R, move |st, cx| {
                approvals::list_for(st, cx, Some(&id), None)
            })
        }
        ("GET", ["folders", id, "approvals"]) => {
            let id = parse_id(id, "folderId")?;
            r(R, move |st, cx| {
                approvals::list_for(st, cx, None, Some(&id))
            })
        }
        ("POST", ["tasks", id, "approvals"]) => {
            let id = parse_id(id, "taskId")?;
            r(W, move |st, cx| approvals::create(st, cx, Some(&id), None))
        }
        ("POST", ["folders", id, "approvals"]) => {
            let id = parse_id(id, "folderId")?;
            r(W, move |st, cx| approvals::create(st, cx, None, Some(&id)))
        }
        ("PUT", ["approvals", id]) => {
            let id = parse_id(id, "approvalId")?;
            r(W, move |st, cx| approvals::update(st, cx, &id))
        }
        ("DELETE", ["approvals", id]) => {
            let id = parse_id(id, "approvalId")?;
            r(W, move |st, cx| approvals::cancel(st, cx, &id))
        }

        // --- blueprints and async jobs (MODERN.md §1–3; launch scopes [I]) ---
        ("GET", ["folder_blueprints"]) => {
            r(R, |st, cx| blueprints::list_folder_blueprints(st, cx, None))
        }
        ("GET", ["spaces", id, "folder_blueprints"]) => {
            let id = parse_id(id, "spaceId")?;
            r(R, move |st, cx| {
                blueprints::list_folder_blueprints(st, cx, Some(&id))
            })
        }
        ("POST", ["folder_blueprints", id, "launch_async"]) => {
            let id = parse_id(id, "folderBlueprintId")?;
            r(W, move |st, cx| {
                blueprints::launch_folder_blueprint(st, cx, &id)
            })
        }
        ("GET", ["task_blueprints"]) => {
            r(R, |st, cx| blueprints::list_task_blueprints(st, cx, None))
        }
        ("GET", ["spaces", id, "task_blueprints"]) => {
            let id = parse_id(id, "spaceId")?;
            r(R, move |st, cx| {
                blueprints::list_task_blueprints(st, cx, Some(&id))
            })
        }
        ("POST", ["task_blueprints", id, "launch_async"]) => {
            let id = parse_id(id, "taskBlueprintId")?;
            r(W, move |st, cx| {
                blueprints::launch_task_blueprint(st, cx, &id)
            })
        }
        ("GET", ["async_job", id]) => {
            let id = parse_id(id, "asyncJobId")?;
            r(R, move |st, cx| blueprints::get_job(st, cx, &id))
        }

        // --- custom item types (MODERN.md §4; instantiate scopes [I]) ---
        ("GET", ["custom_item_types"]) => r(R, |st, cx| custom_item_types::list(st, cx, None)),
        ("GET", ["spaces", id, "custom_item_types"]) => {
            let id = parse_id(id, "spaceId")?;
            r(R, move |st, cx| custom_item_types::list(st, cx, Some(&id)))
        }
        ("GET", ["custom_item_types", ids]) => {
            let ids = parse_ids(ids, "customItemTypeIds")?;
            r(R, move |st, cx| custom_item_types::get(st, cx, &ids))
        }
        ("POST", ["custom_item_types", id, "instantiate"]) => {
            let id = parse_id(id, "customItemTypeId")?;
            r(W, move |st, cx| custom_item_types::instantiate(st, cx, &id))
        }

        // --- webhooks ([U] scopes) ---
        ("POST", ["webhooks"]) => r(W, |st, cx| {
            webhooks::create(st, cx, webhooks::Target::Account)
        }),
        ("POST", ["folders", id, "webhooks"]) => {
            let id = parse_id(id, "folderId")?;
            r(W, move |st, cx| {
                webhooks::create(st, cx, webhooks::Target::Folder(id))
            })
        }
        ("POST", ["spaces", id, "webhooks"]) => {
            let id = parse_id(id, "spaceId")?;
            r(W, move |st, cx| {
                webhooks::create(st, cx, webhooks::Target::Space(id))
            })
        }
        ("GET", ["webhooks"]) => r(R, webhooks::list),
        ("GET", ["webhooks", ids]) => {
            let ids = parse_ids(ids, "webhookId")?;
            r(R, move |st, cx| webhooks::get(st, cx, &ids))
        }
        ("PUT", ["webhooks", id]) => {
            let id = parse_id(id, "webhookId")?;
            r(W, move |st, cx| webhooks::update(st, cx, &id))
        }
        ("DELETE", ["webhooks", id]) => {
            let id = parse_id(id, "webhookId")?;
            r(W, move |st, cx| webhooks::delete(st, cx, &id))
        }

        _ => Err(ApiError::method_not_found()),
    }
}
