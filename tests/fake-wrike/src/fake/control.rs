//! Test controls and records: faults, the rate limit, recorded requests and connections,
//! reference violations, the fake clock, page tokens, async-job behaviour and webhook deliveries.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::store::JobPlan;
use crate::{FakeWrike, Fault, RecordedRequest, Violation, WebhookDelivery};

impl FakeWrike {
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

    /// Every request so far that broke Wrike's method reference (see
    /// [`reference`](crate::reference)), in order.
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
}
