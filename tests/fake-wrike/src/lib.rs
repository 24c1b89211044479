//! A fake of the Wrike REST API v4 served over real HTTP.
//!
//! [`FakeWrike::start`] binds `127.0.0.1:0` and serves on a background thread with its own tokio
//! runtime, so it works from synchronous tests, async tests and the `fake-wrike` binary alike.
//! The fake follows `shared/wrike/API.md`: the `{"kind", "data": [...]}` envelope, Wrike's
//! error bodies and codes, scopes per token, form/JSON/query parameters with JSON-encoded
//! values (plus the tolerant `[a,b]` and `{'k':'v'}` forms), `pageSize`/`nextPageToken` paging,
//! the 7-day comment window, Wrike-like IDs and UTC timestamps, and fault injection.
//!
//! Time is `chrono::DateTime<Utc>`: [`FakeWrike::now`] is the fake clock (real time by default,
//! truncated to whole seconds). Every mutation stamps `updatedDate` with the fake time, but
//! strictly after the previous stamp (+1 s when needed), so updates are always distinguishable.
//!
//! ```no_run
//! let wrike = fake_wrike::FakeWrike::start().unwrap();
//! let url = format!("{}/contacts?me=true", wrike.base_url());
//! // GET it with `Authorization: Bearer test-token` (fake_wrike::TEST_TOKEN).
//! # let _ = url;
//! ```

#![warn(missing_docs)]

pub mod api;
pub mod error;
pub mod oauth;
pub mod params;
pub mod reference;
pub mod resources;
pub mod routes;
pub mod seed;
pub mod server;
pub mod store;

use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;

use chrono::{DateTime, Utc};
use parking_lot::Mutex;
use serde_json::Value;

use crate::api::Ctx;
use crate::params::Params;
use crate::seed::SeedIds;
use crate::server::{Control, Shared, TokenInfo};
use crate::store::Store;

pub use crate::reference::Violation;
pub use crate::store::JobPlan;

/// The token registered at start with every scope.
pub const TEST_TOKEN: &str = "test-token";

/// Every scope Wrike knows (`API.md` §3).
pub const ALL_SCOPES: &[&str] = &[
    "Default",
    "wsReadOnly",
    "wsReadWrite",
    "amReadOnlyWorkflow",
    "amReadWriteWorkflow",
    "amReadOnlyInvitation",
    "amReadWriteInvitation",
    "amReadOnlyGroup",
    "amReadWriteGroup",
    "amReadOnlyUser",
    "amReadWriteUser",
    "amReadOnlyTimelogCategory",
    "amReadWriteTimelogCategory",
    "dataExportFull",
    "amReadOnlyAuditLog",
    "amReadOnlyAccessRole",
    "amReadOnlyWorkSchedule",
    "amReadWriteWorkSchedule",
];

/// Wrike's documented limit: 400 requests per minute per token.
pub const DEFAULT_RATE_LIMIT: u32 = 400;

/// A fault answered instead of (or around) normal service; see [`FakeWrike::inject`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// `429 too_many_requests`, with `Retry-After: N` when given. Not processed.
    RateLimited {
        /// Value of the `Retry-After` header, if any.
        retry_after_secs: Option<u64>,
    },
    /// `500 server_error`. Not processed.
    ServerError,
    /// `502` with an HTML (non-JSON) body, as a proxy would send. Not processed.
    BadGateway,
    /// `401 not_authorized` (as for an expired token). Not processed.
    Unauthorized,
    /// Sleeps this long, then serves the request normally.
    SlowResponse(std::time::Duration),
    /// Processes the request normally (side effects happen), then sends a `Content-Length`
    /// larger than the body it sends, and closes the connection.
    TruncatedBody,
}

/// One API request as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// HTTP method, e.g. `GET`.
    pub method: String,
    /// Full path, e.g. `/api/v4/tasks`.
    pub path: String,
    /// Raw query string (without `?`).
    pub query: Option<String>,
    /// Headers, names lower-cased, in received order.
    pub headers: Vec<(String, String)>,
    /// Raw body bytes.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// First header value with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Decoded parameters from the query string and (form or JSON) body.
    pub fn params(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        if let Some(q) = &self.query {
            out.extend(form_urlencoded::parse(q.as_bytes()).into_owned());
        }
        let ct = self.header("content-type").unwrap_or("");
        if ct.starts_with("application/json") {
            if let Ok(Value::Object(m)) = serde_json::from_slice::<Value>(&self.body) {
                for (k, v) in m {
                    let s = match v {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    out.push((k, s));
                }
            }
        } else if ct.is_empty() || ct.starts_with("application/x-www-form-urlencoded") {
            out.extend(form_urlencoded::parse(&self.body).into_owned());
        }
        out
    }
}

/// One webhook handshake or delivery attempt made by the fake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookDelivery {
    /// The webhook.
    pub webhook_id: String,
    /// Where it went.
    pub url: String,
    /// The secret handshake (`{"requestType":"WebHook secret verification"}`) rather than events.
    pub handshake: bool,
    /// The body sent (a JSON array of events for deliveries).
    pub body: Vec<u8>,
    /// The receiver's HTTP status, if it answered.
    pub status: Option<u16>,
    /// What went wrong, if anything (no answer, non-2xx, bad handshake answer).
    pub error: Option<String>,
}

impl WebhookDelivery {
    /// The body as JSON (`Null` if it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// The fake Wrike server. Dropping it shuts the server down.
pub struct FakeWrike {
    shared: Arc<Shared>,
    addr: SocketAddr,
    seed: SeedIds,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for FakeWrike {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeWrike")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl FakeWrike {
    /// Binds `127.0.0.1:0` and serves on its own background thread with its own tokio runtime.
    pub fn start() -> anyhow::Result<FakeWrike> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    /// Binds `addr` (port 0 picks a free port) and serves in the background.
    pub fn start_on(addr: SocketAddr) -> anyhow::Result<FakeWrike> {
        let listener = std::net::TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        let local = listener.local_addr()?;
        let origin = format!("http://{local}");
        let mut store = Store::empty();
        let seed = seed::seed(&mut store);
        let mut control = Control {
            rate_limit: Some(DEFAULT_RATE_LIMIT),
            ..Default::default()
        };
        control.tokens.insert(
            TEST_TOKEN.to_string(),
            TokenInfo {
                scopes: ALL_SCOPES.iter().map(|s| s.to_string()).collect(),
                expires: None,
            },
        );
        control.oauth.clients.insert(
            oauth::DEFAULT_CLIENT_ID.to_string(),
            oauth::DEFAULT_CLIENT_SECRET.to_string(),
        );
        let shared = Arc::new(Shared {
            store: Mutex::new(store),
            control: Mutex::new(control),
            origin,
            jobs: std::sync::OnceLock::new(),
            connections: Default::default(),
        });
        let (tx, rx) = tokio::sync::oneshot::channel();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<anyhow::Result<()>>();
        let sh = shared.clone();
        let thread = std::thread::Builder::new()
            .name(format!("fake-wrike-{}", local.port()))
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .thread_name("fake-wrike-worker")
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e.into()));
                        return;
                    }
                };
                rt.block_on(async move {
                    match tokio::net::TcpListener::from_std(listener) {
                        Ok(l) => {
                            let (jtx, jrx) = tokio::sync::mpsc::unbounded_channel();
                            let _ = sh.jobs.set(jtx);
                            tokio::spawn(server::delivery_worker(sh.clone(), jrx));
                            let _ = ready_tx.send(Ok(()));
                            server::serve(l, sh, rx).await;
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e.into()));
                        }
                    }
                });
                rt.shutdown_timeout(std::time::Duration::from_millis(200));
            })?;
        ready_rx
            .recv()
            .map_err(|_| anyhow::anyhow!("fake-wrike server thread died during start-up"))??;
        Ok(FakeWrike {
            shared,
            addr: local,
            seed,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/api/v4`.
    pub fn base_url(&self) -> String {
        format!("{}/api/v4", self.origin())
    }

    /// `http://127.0.0.1:PORT`.
    pub fn origin(&self) -> String {
        self.shared.origin.clone()
    }

    /// Registers a bearer token with the given scopes (e.g. `&["Default", "wsReadWrite"]`).
    /// Every token acts as the seeded current user ([`FakeWrike::me_id`]).
    pub fn add_token(&self, token: &str, scopes: &[&str]) {
        self.shared.control.lock().tokens.insert(
            token.to_string(),
            TokenInfo {
                scopes: scopes.iter().map(|s| s.to_string()).collect(),
                expires: None,
            },
        );
    }

    /// Registers a token that expires at `expires` (fake time); afterwards requests with it get
    /// `401 not_authorized`, as for an expired OAuth access token.
    pub fn add_expiring_token(&self, token: &str, scopes: &[&str], expires: DateTime<Utc>) {
        self.shared.control.lock().tokens.insert(
            token.to_string(),
            TokenInfo {
                scopes: scopes.iter().map(|s| s.to_string()).collect(),
                expires: Some(expires),
            },
        );
    }

    /// Makes a token expire now (later requests: `401 not_authorized`); unlike
    /// [`FakeWrike::revoke_token`] the token stays known.
    pub fn expire_token(&self, token: &str) {
        let now = self.now();
        if let Some(t) = self.shared.control.lock().tokens.get_mut(token) {
            t.expires = Some(now);
        }
    }

    /// `http://127.0.0.1:PORT/oauth2/authorize/v4` — `GET` shows a login form; `POST`ing it with
    /// [`FakeWrike::login`] redirects (302) to `redirect_uri?code=…&state=…`.
    pub fn authorize_url(&self) -> String {
        format!("{}/oauth2/authorize/v4", self.origin())
    }

    /// `http://127.0.0.1:PORT/oauth2/token` — `authorization_code` and `refresh_token` grants;
    /// access tokens live one hour of fake time; refresh tokens rotate.
    pub fn token_url(&self) -> String {
        format!("{}/oauth2/token", self.origin())
    }

    /// The OAuth client registered at start: `(client_id, client_secret)`.
    pub fn oauth_client(&self) -> (String, String) {
        (
            oauth::DEFAULT_CLIENT_ID.to_string(),
            oauth::DEFAULT_CLIENT_SECRET.to_string(),
        )
    }

    /// Registers another OAuth client.
    pub fn add_oauth_client(&self, client_id: &str, client_secret: &str) {
        self.shared
            .control
            .lock()
            .oauth
            .clients
            .insert(client_id.to_string(), client_secret.to_string());
    }

    /// The credentials the login form accepts: `(email, password)` — the seeded current user's
    /// email and [`oauth::LOGIN_PASSWORD`].
    pub fn login(&self) -> (String, String) {
        (
            oauth::login_email(&self.shared).unwrap_or_default(),
            oauth::LOGIN_PASSWORD.to_string(),
        )
    }

    /// Sets the lifetime of access tokens issued from now on (`expires_in`, in fake time);
    /// `None` restores the default of one hour.
    pub fn set_access_token_lifetime(&self, lifetime: Option<std::time::Duration>) {
        self.shared.control.lock().oauth.access_token_secs =
            lifetime.map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    }

    /// Whether a refresh returns a new refresh token and invalidates the old one (the default)
    /// or keeps answering with the same refresh token.
    pub fn set_rotate_refresh_tokens(&self, rotate: bool) {
        self.shared.control.lock().oauth.keep_refresh_tokens = !rotate;
    }

    /// The requests received at `POST /oauth2/token`, in order (both grants).
    pub fn token_requests(&self) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == "POST" && r.path == "/oauth2/token")
            .collect()
    }

    /// The requests received at `/oauth2/authorize/v4` (form shown and form submitted), in order.
    pub fn authorize_requests(&self) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.path.starts_with("/oauth2/authorize"))
            .collect()
    }

    /// Makes the next authorization answer `error=access_denied` (the user said no).
    pub fn deny_next_authorization(&self) {
        self.shared.control.lock().oauth.deny_next = true;
    }

    /// Forgets every refresh token (the next refresh fails with `invalid_grant`).
    pub fn revoke_refresh_tokens(&self) {
        self.shared.control.lock().oauth.refresh.clear();
    }

    /// Forgets a token: later requests with it get `401 not_authorized`.
    pub fn revoke_token(&self, token: &str) {
        self.shared.control.lock().tokens.remove(token);
    }

    /// Fault injection: the next `count` API requests answer with `fault`, then normal service
    /// resumes. Faults injected one after another queue up in order.
    pub fn inject(&self, fault: Fault, count: usize) {
        if count > 0 {
            self.shared.control.lock().faults.push_back((fault, count));
        }
    }

    /// Drops all pending faults.
    pub fn clear_faults(&self) {
        self.shared.control.lock().faults.clear();
    }

    /// Sets the per-token limit in requests per minute (`None`: unlimited). Default 400.
    pub fn set_rate_limit(&self, per_minute: Option<u32>) {
        let mut c = self.shared.control.lock();
        c.rate_limit = per_minute;
        c.windows.clear();
    }

    /// Every API request received (under `/api/v4`, plus the `/oauth2/...` calls), in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.control.lock().requests.clone()
    }

    /// TCP connections the server has accepted so far.
    pub fn connections_accepted(&self) -> u64 {
        self.shared
            .connections
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Every request so far that broke Wrike's method reference (see [`reference`]), in order.
    pub fn violations(&self) -> Vec<Violation> {
        self.shared.control.lock().violations.clone()
    }

    /// Takes the violations recorded so far, for a test that breaks the reference on purpose and
    /// asserts what it broke. Violations left at teardown fail the test.
    pub fn take_violations(&self) -> Vec<Violation> {
        std::mem::take(&mut self.shared.control.lock().violations)
    }

    /// Prints each violation on stderr as it happens (for the `fake-wrike` binary, which is never
    /// torn down by a test).
    pub fn log_violations(&self) {
        self.shared.control.lock().log_violations = true;
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.shared.control.lock().requests.clear();
    }

    /// The fake clock's current time (UTC, whole seconds). Defaults to real time.
    pub fn now(&self) -> DateTime<Utc> {
        self.shared.store.lock().clock.now()
    }

    /// Moves the fake clock forward.
    pub fn advance_clock(&self, by: std::time::Duration) {
        let d = chrono::Duration::from_std(by).expect("duration in range");
        self.shared.store.lock().clock.advance(d);
    }

    /// Freezes the fake clock at `t` (it then moves only with [`FakeWrike::advance_clock`]).
    /// Server stamps stay strictly increasing even if `t` lies before earlier stamps.
    pub fn set_clock(&self, t: DateTime<Utc>) {
        self.shared.store.lock().clock.freeze_at(t);
    }

    /// Lets a frozen clock tick with real time again, from its current value.
    pub fn unfreeze_clock(&self) {
        self.shared.store.lock().clock.unfreeze();
    }

    /// Makes every issued `nextPageToken` stale (the next use answers
    /// `400 Parameter 'nextPageToken' value is invalid`). Tokens also expire after one hour of
    /// fake time.
    pub fn invalidate_page_tokens(&self) {
        let mut st = self.shared.store.lock();
        st.pages.clear();
        st.page_order.clear();
    }

    /// The 8-char account ID.
    pub fn account_id(&self) -> String {
        self.shared.store.lock().account.id.clone()
    }

    /// The virtual Root folder ID (`<account>I7777777`).
    pub fn root_folder_id(&self) -> String {
        self.shared.store.lock().root_id()
    }

    /// The virtual Recycle Bin ID (`<account>I7777776`).
    pub fn recycle_bin_id(&self) -> String {
        self.shared.store.lock().recycle_bin_id()
    }

    /// The contact ID of the tokens' user (`GET /contacts?me=true`).
    pub fn me_id(&self) -> String {
        self.shared.store.lock().me.clone()
    }

    /// IDs of the seeded users other than `me` (the last one is a deleted user).
    pub fn other_user_ids(&self) -> Vec<String> {
        self.seed.users.clone()
    }

    /// The seeded "My Team" group contact.
    pub fn group_id(&self) -> String {
        self.seed.group.clone()
    }

    /// The seeded space "First space".
    pub fn space_id(&self) -> String {
        self.seed.space.clone()
    }

    /// Seeded folders as `(id, title)`: Marketing first, then Engineering (both in the space).
    pub fn folder_ids(&self) -> Vec<(String, String)> {
        vec![
            (self.seed.marketing.clone(), "Marketing".into()),
            (self.seed.engineering.clone(), "Engineering".into()),
        ]
    }

    /// The seeded project "Website Launch" (in Marketing).
    pub fn project_id(&self) -> String {
        self.seed.project.clone()
    }

    /// The seeded "Default Workflow".
    pub fn default_workflow_id(&self) -> String {
        self.seed.default_workflow.clone()
    }

    /// Custom status ID by workflow and status name, e.g. `("Default Workflow", "In Progress")`.
    pub fn custom_status_id(&self, workflow: &str, status: &str) -> Option<String> {
        let st = self.shared.store.lock();
        st.workflows
            .iter()
            .find(|w| w.name == workflow)
            .and_then(|w| w.statuses.iter().find(|s| s.name == status))
            .map(|s| s.id.clone())
    }

    /// The seeded blueprint root (`BpRoot`).
    pub fn blueprint_root_id(&self) -> String {
        self.seed.blueprint_root.clone()
    }

    /// The seeded folder blueprint "Campaign kit" (in "First space"): a project blueprint with
    /// a folder "Assets" (task "Banner set"), tasks "Campaign brief" and "Review" (subtask
    /// "Legal check") — 6 entries in all.
    pub fn folder_blueprint_id(&self) -> String {
        self.seed.folder_blueprint.clone()
    }

    /// The seeded task blueprint "Onboarding checklist" (in "Personal space") with subtasks
    /// "Set up laptop" and "Meet the team" — 3 entries in all.
    pub fn task_blueprint_id(&self) -> String {
        self.seed.task_blueprint.clone()
    }

    /// Seeded custom item types: "Bug report" (Task), "Client project" (Project), "Legacy
    /// request" (Task, deleted).
    pub fn custom_item_type_ids(&self) -> Vec<String> {
        self.seed.custom_item_types.clone()
    }

    /// How the async jobs of later launches behave (default: done after 2 polls). Jobs advance
    /// per `GET /async_job/{id}`, never with time.
    pub fn set_async_job_plan(&self, plan: JobPlan) {
        self.shared.store.lock().job_plan = plan;
    }

    /// An async job as `GET /async_job/{id}` shows it, without moving it forward.
    pub fn async_job(&self, id: &str) -> Option<Value> {
        let st = self.shared.store.lock();
        st.async_jobs
            .get(id)
            .map(crate::resources::blueprints::job_json)
    }

    /// Seeded custom fields as `(id, title)`: "Client" (Text), "Budget" (Numeric),
    /// "Channel" (DropDown).
    pub fn custom_field_ids(&self) -> Vec<(String, String)> {
        let st = self.shared.store.lock();
        st.custom_fields
            .iter()
            .map(|c| (c.id.clone(), c.title.clone()))
            .collect()
    }

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

    /// Every webhook handshake and delivery attempted so far, in order.
    pub fn webhook_deliveries(&self) -> Vec<WebhookDelivery> {
        self.shared.control.lock().deliveries.clone()
    }

    /// Forgets the recorded webhook deliveries.
    pub fn clear_webhook_deliveries(&self) {
        self.shared.control.lock().deliveries.clear();
    }

    /// Waits (polling, up to `timeout`) until at least `n` webhook attempts are recorded;
    /// returns them all.
    pub fn wait_for_webhook_deliveries(
        &self,
        n: usize,
        timeout: std::time::Duration,
    ) -> Vec<WebhookDelivery> {
        let until = std::time::Instant::now() + timeout;
        loop {
            let d = self.webhook_deliveries();
            if d.len() >= n || std::time::Instant::now() >= until {
                return d;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
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

impl Drop for FakeWrike {
    /// Shuts the server down; then fails the test (panics) if any request broke Wrike's method
    /// reference and was not taken with [`FakeWrike::take_violations`], naming each request and
    /// the rule it broke. A test that is already failing is not made to panic twice.
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let control = self.shared.control.lock();
        if !control.violations.is_empty() && !control.log_violations {
            let list: Vec<String> = control
                .violations
                .iter()
                .map(|v| format!("  - {v}"))
                .collect();
            if std::thread::panicking() {
                eprintln!(
                    "fake-wrike: {} request(s) broke Wrike's method reference:\n{}",
                    list.len(),
                    list.join("\n")
                );
                return;
            }
            panic!(
                "{} request(s) to the fake Wrike broke Wrike's method reference:\n{}",
                list.len(),
                list.join("\n")
            );
        }
    }
}
