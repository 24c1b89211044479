//! Direct helpers that bypass HTTP: creating, updating and deleting tasks, comments and approval
//! decisions as the current user, rendering entities as the API would, raw store access and
//! in-process handler calls.

use std::sync::Arc;

use serde_json::Value;

use crate::api::Ctx;
use crate::params::Params;
use crate::store::Store;
use crate::{error, resources, routes, server, FakeWrike};

impl FakeWrike {
    /// Creates a task without HTTP (same rules and clock stamping as `POST /folders/{id}/tasks`)
    /// and returns it as `GET /tasks/{id}` would. Panics if the folder does not exist.
    pub fn create_task_direct(&self, folder_id: &str, title: &str) -> Value {
        let mut p = Params::new();
        p.set_text("title", title);
        let mut st = self.shared.store.lock();
        let me = st.me.clone();
        let id = resources::tasks::create_task(&mut st, &me, folder_id, &p)
            .unwrap_or_else(|e| panic!("create_task_direct failed: {e}"));
        let out = resources::tasks::full(&st, &id, &me, &[]).expect("created");
        drop(st);
        server::dispatch(&self.shared);
        out
    }

    /// Updates a task without HTTP. `patch` is an object of `PUT /tasks/{id}` parameters
    /// (e.g. `{"status": "Completed", "addResponsibles": ["KU..."]}`); stamps `updatedDate` when
    /// anything changed. Returns the task. Panics on an unknown task or an invalid patch.
    pub fn update_task_direct(&self, task_id: &str, patch: Value) -> Value {
        let Value::Object(m) = patch else {
            panic!("update_task_direct: patch must be a JSON object");
        };
        let mut p = Params::new();
        p.add_json_object(&m);
        let mut st = self.shared.store.lock();
        let me = st.me.clone();
        resources::tasks::update_task(&mut st, &me, task_id, &p)
            .unwrap_or_else(|e| panic!("update_task_direct failed: {e}"));
        let out = resources::tasks::full(&st, task_id, &me, &[]).expect("exists");
        drop(st);
        server::dispatch(&self.shared);
        out
    }

    /// Moves a task to the Recycle Bin without HTTP; returns it. Panics on an unknown task.
    pub fn delete_task_direct(&self, task_id: &str) -> Value {
        let mut st = self.shared.store.lock();
        let me = st.me.clone();
        resources::tasks::delete_task(&mut st, &me, task_id)
            .unwrap_or_else(|e| panic!("delete_task_direct failed: {e}"));
        let out = resources::tasks::full(&st, task_id, &me, &[]).expect("exists");
        drop(st);
        server::dispatch(&self.shared);
        out
    }

    /// A task as `GET /tasks/{id}` renders it (also tasks in the Recycle Bin).
    pub fn task(&self, id: &str) -> Option<Value> {
        let st = self.shared.store.lock();
        let me = st.me.clone();
        resources::tasks::full(&st, id, &me, &[])
    }

    /// IDs of all live tasks (not in the Recycle Bin).
    pub fn task_ids(&self) -> Vec<String> {
        let st = self.shared.store.lock();
        let mut v: Vec<_> = st.tasks.values().filter(|t| !t.deleted).collect();
        v.sort_by_key(|t| t.seq);
        v.into_iter().map(|t| t.id.clone()).collect()
    }

    /// A folder as `GET /folders/{id}` renders it.
    pub fn folder(&self, id: &str) -> Option<Value> {
        let st = self.shared.store.lock();
        st.folders
            .get(id)
            .map(|f| resources::folders::folder_json(&st, f, resources::folders::View::Full, &[]))
    }

    /// Adds a comment by the current user to a task without HTTP (HTML text); returns it.
    /// Panics on an unknown task.
    pub fn add_comment_direct(&self, task_id: &str, html: &str) -> Value {
        let mut st = self.shared.store.lock();
        assert!(
            st.tasks.contains_key(task_id),
            "add_comment_direct: unknown task {task_id}"
        );
        let me = st.me.clone();
        let id = resources::comments::add_comment(&mut st, &me, Some(task_id), None, html.into());
        let out = resources::comments::comment_json(&st.comments[&id], false);
        drop(st);
        server::dispatch(&self.shared);
        out
    }

    /// Records an approver's decision on an approval without HTTP (what the approver would do
    /// in Wrike's UI): `status` is `Approved`, `Rejected` or `Pending`. Returns the approval.
    /// Panics on an unknown approval or approver.
    pub fn decide_approval_direct(
        &self,
        approval_id: &str,
        approver_id: &str,
        status: &str,
        comment: &str,
    ) -> Value {
        let mut st = self.shared.store.lock();
        resources::approvals::decide(&mut st, approval_id, approver_id, status, comment)
            .unwrap_or_else(|e| panic!("decide_approval_direct failed: {e}"));
        let out = resources::approvals::approval_json(&st.approvals[approval_id]);
        drop(st);
        server::dispatch(&self.shared);
        out
    }

    /// A comment as `GET /comments/{id}` renders it.
    pub fn comment(&self, id: &str) -> Option<Value> {
        let st = self.shared.store.lock();
        st.comments
            .get(id)
            .map(|c| resources::comments::comment_json(c, false))
    }

    /// Runs `f` with exclusive access to the raw store (advanced setup and assertions).
    pub fn with_store<R>(&self, f: impl FnOnce(&mut Store) -> R) -> R {
        let out = f(&mut self.shared.store.lock());
        server::dispatch(&self.shared);
        out
    }

    /// Calls a handler in-process as the current user, bypassing HTTP, auth and faults
    /// (`method` like `"GET"`, `path` relative to `/api/v4`, e.g. `"/tasks"`).
    pub fn call_direct(
        &self,
        method: &str,
        path: &str,
        params: Value,
    ) -> Result<Vec<Value>, error::ApiError> {
        let segs: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| s.to_string())
            .collect();
        let route = routes::route(method, &segs)?;
        let mut p = Params::new();
        if let Value::Object(m) = params {
            p.add_json_object(&m);
        }
        let mut st = self.shared.store.lock();
        let cx = Ctx {
            params: p,
            user: st.me.clone(),
            body: Arc::new(vec![]),
            headers: vec![],
            origin: self.shared.origin.clone(),
            path: format!("/api/v4{path}"),
        };
        let out = (route.handler)(&mut st, &cx).map(|r| r.into_data());
        drop(st);
        server::dispatch(&self.shared);
        out
    }
}
