//! Counters for `/metrics`, in the Prometheus text format: per subscription (labelled by its
//! connector too when it runs on a `[[connector]]`), and for the sink.

use super::config::split_state_key;
use crate::error::{ErrorKind, HostError};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// The `rule` of a sandbox violation as it is printed (`event_limit`, `answer_header`, …).
pub fn rule_name(e: &HostError) -> Option<String> {
    e.rule
        .and_then(|r| serde_json::to_value(r).ok())
        .and_then(|v| v.as_str().map(str::to_string))
}

/// The labels of a subscription's series: `subscription="NAME"`, led by
/// `connector="CONNECTOR"` for a subscription of a `[[connector]]` (its state key is
/// `CONNECTOR/NAME`). Both names are plain (letters, digits, `_`, `-`, `.`): nothing to escape.
fn labels(state_key: &str) -> String {
    match split_state_key(state_key) {
        (Some(connector), name) => format!("connector=\"{connector}\",subscription=\"{name}\""),
        (None, name) => format!("subscription=\"{name}\""),
    }
}

/// Per-subscription counters.
#[derive(Debug, Clone, Default)]
struct SubCounters {
    events: u64,
    errors: u64,
    sandbox_violations: u64,
    polls: u64,
    poll_seconds: f64,
    deliveries_received: u64,
    deliveries_rejected: u64,
    /// Sandbox violations by rule (`event_limit`, `answer_header`, …).
    violations: BTreeMap<String, u64>,
}

/// One metric family: name, type, help text and how to read it from a subscription's counters.
type Family = (
    &'static str,
    &'static str,
    &'static str,
    fn(&SubCounters) -> f64,
);

/// The process's counters.
#[derive(Debug, Default)]
pub struct Metrics {
    subs: Mutex<BTreeMap<String, SubCounters>>,
    sink: Mutex<(u64, u64)>,
}

impl Metrics {
    fn with(&self, sub: &str, f: impl FnOnce(&mut SubCounters)) {
        let mut subs = self.subs.lock().unwrap_or_else(|p| p.into_inner());
        f(subs.entry(sub.to_string()).or_default());
    }

    /// `n` new events entered the outbox for `sub`.
    pub fn events(&self, sub: &str, n: usize) {
        self.with(sub, |c| c.events += n as u64);
    }

    /// A call for `sub` failed with `e`; a sandbox violation is counted by its rule too.
    pub fn error(&self, sub: &str, e: &HostError) {
        let rule = rule_name(e);
        self.with(sub, |c| {
            c.errors += 1;
            if e.kind == ErrorKind::SandboxViolation {
                c.sandbox_violations += 1;
                *c.violations.entry(rule.unwrap_or_default()).or_default() += 1;
            }
        });
    }

    /// One `poll` call of `sub` took `took`.
    pub fn poll(&self, sub: &str, took: Duration) {
        self.with(sub, |c| {
            c.polls += 1;
            c.poll_seconds += took.as_secs_f64();
        });
    }

    /// A request was received for `sub`; `rejected` when it was not a genuine delivery.
    pub fn received(&self, sub: &str, rejected: bool) {
        self.with(sub, |c| {
            c.deliveries_received += 1;
            if rejected {
                c.deliveries_rejected += 1;
            }
        });
    }

    /// The sink acknowledged an event (`ok`) or a try failed.
    pub fn sink(&self, ok: bool) {
        let mut s = self.sink.lock().unwrap_or_else(|p| p.into_inner());
        if ok {
            s.0 += 1;
        } else {
            s.1 += 1;
        }
    }

    /// Totals over every subscription: events in, events the sink acknowledged, errors.
    pub fn totals(&self) -> (u64, u64, u64) {
        let subs = self.subs.lock().unwrap_or_else(|p| p.into_inner());
        let events = subs.values().map(|c| c.events).sum();
        let errors = subs.values().map(|c| c.errors).sum();
        let delivered = self.sink.lock().unwrap_or_else(|p| p.into_inner()).0;
        (events, delivered, errors)
    }

    /// The counters in the Prometheus text exposition format.
    pub fn render(&self, state: crate::state::CommitStats) -> String {
        let subs = self.subs.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let mut out = String::new();
        let families: [Family; 7] = [
            (
                "connector_events_total",
                "counter",
                "Events that entered the outbox.",
                |c| c.events as f64,
            ),
            (
                "connector_errors_total",
                "counter",
                "Failed calls into the component.",
                |c| c.errors as f64,
            ),
            (
                "connector_sandbox_violations_total",
                "counter",
                "Calls stopped for breaking a sandbox rule.",
                |c| c.sandbox_violations as f64,
            ),
            (
                "connector_poll_seconds_count",
                "counter",
                "poll calls made.",
                |c| c.polls as f64,
            ),
            (
                "connector_poll_seconds_sum",
                "counter",
                "Seconds spent in poll calls.",
                |c| c.poll_seconds,
            ),
            (
                "connector_webhook_requests_total",
                "counter",
                "Webhook requests received.",
                |c| c.deliveries_received as f64,
            ),
            (
                "connector_webhook_rejected_total",
                "counter",
                "Webhook requests answered with an error status.",
                |c| c.deliveries_rejected as f64,
            ),
        ];
        for (name, kind, help, get) in families {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
            for (sub, c) in &subs {
                let _ = writeln!(out, "{name}{{{}}} {}", labels(sub), get(c));
            }
        }
        let _ = writeln!(
            out,
            "# HELP connector_violations_total Calls stopped for breaking a sandbox rule, by rule.\n# TYPE connector_violations_total counter"
        );
        for (sub, c) in &subs {
            for (rule, n) in &c.violations {
                let _ = writeln!(
                    out,
                    "connector_violations_total{{{},rule=\"{rule}\"}} {n}",
                    labels(sub)
                );
            }
        }
        let (ok, failed) = *self.sink.lock().unwrap_or_else(|p| p.into_inner());
        let _ = writeln!(
            out,
            "# HELP connector_sink_deliveries_total Events the sink acknowledged.\n# TYPE connector_sink_deliveries_total counter\nconnector_sink_deliveries_total {ok}\n# HELP connector_sink_failures_total Failed tries to deliver to the sink.\n# TYPE connector_sink_failures_total counter\nconnector_sink_failures_total {failed}"
        );
        let _ = writeln!(
            out,
            "# HELP connector_state_enqueues_total Batches of events stored (webhook deliveries, poll batches).\n# TYPE connector_state_enqueues_total counter\nconnector_state_enqueues_total {}\n# HELP connector_state_commits_total Transactions they were stored in (group commit).\n# TYPE connector_state_commits_total counter\nconnector_state_commits_total {}",
            state.enqueues, state.commits
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_are_labelled_by_connector_when_there_is_one() {
        let m = Metrics::default();
        m.events("tasks", 2);
        m.events("github/issues", 3);
        let text = m.render(Default::default());
        assert!(
            text.contains("connector_events_total{subscription=\"tasks\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("connector_events_total{connector=\"github\",subscription=\"issues\"} 3"),
            "{text}"
        );
    }
}
