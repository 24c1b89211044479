//! The per-call sandbox: the `Store` data every guest call runs with.
//!
//! Each instance gets a fresh [`SandboxState`] (a reused instance keeps its own; see
//! [`crate::reuse`]): a WASI context with no filesystem, no environment,
//! no arguments, no stdin and no sockets; the egress gate as the only way out; a memory
//! limiter; and the `host` interface (logging and an allow-listed secret lookup).

use crate::bindings::connector::plugin::host as host_iface;
use crate::bindings::connector::plugin::types::LogLevel;
use crate::cassette::{Redactor, Tape};
use crate::config::Limits;
use crate::credentials::Secret;
use crate::egress::transport::{self, Live};
use crate::egress::{EgressGate, EgressPolicy, ViolationLog};
use crate::error::{HostError, SandboxRule};
use std::collections::BTreeMap;
use std::sync::Arc;
use wasmtime::component::ResourceTable;
use wasmtime::ResourceLimiter;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::p2::body::HostOutgoingBody;
use wasmtime_wasi_http::{FieldMap, WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

/// Bytes charged per table element (a function or external reference).
const TABLE_ELEMENT_BYTES: usize = 16;

/// Bounds the whole store of one call: the sum of every linear memory and table, plus the
/// host-side bytes the guest's resources hold (see [`host_resource_bytes`]), against one cap;
/// and the number of instances, memories and tables.
pub struct StoreLimiter {
    max_bytes: usize,
    max_instances: usize,
    max_memories: usize,
    max_tables: usize,
    /// Bytes of linear memory granted so far, across every memory of the store.
    memory_bytes: usize,
    /// Bytes of table elements granted so far, across every table of the store.
    table_bytes: usize,
    /// Host-side bytes held by the guest's resources, as last measured.
    host_bytes: usize,
    violations: ViolationLog,
}

impl StoreLimiter {
    fn new(limits: &Limits, violations: ViolationLog) -> Self {
        StoreLimiter {
            max_bytes: usize::try_from(limits.memory_bytes).unwrap_or(usize::MAX),
            max_instances: limits.max_instances as usize,
            max_memories: limits.max_memories as usize,
            max_tables: limits.max_tables as usize,
            memory_bytes: 0,
            table_bytes: 0,
            host_bytes: 0,
            violations,
        }
    }

    /// Everything the call holds now: memories, tables and host resources, in bytes.
    pub fn total_bytes(&self) -> usize {
        self.memory_bytes
            .saturating_add(self.table_bytes)
            .saturating_add(self.host_bytes)
    }

    /// Records the host-side bytes the guest's resources hold; `false` (after recording the
    /// violation) when that takes the call over its cap.
    pub fn set_host_bytes(&mut self, bytes: usize) -> bool {
        self.host_bytes = bytes;
        if self.total_bytes() > self.max_bytes {
            self.over_cap("hold", self.total_bytes());
            return false;
        }
        true
    }

    fn over_cap(&self, doing: &str, wanted: usize) {
        self.violations.record(
            HostError::sandbox(
                SandboxRule::MemoryLimit,
                format!(
                    "the plugin tried to {doing} {wanted} bytes in all (linear memories {} + tables {} + host resources {}), over the {}-byte cap",
                    self.memory_bytes, self.table_bytes, self.host_bytes, self.max_bytes
                ),
            )
            .with_hint("raise the cap with --memory-limit-mb"),
        );
    }
}

impl ResourceLimiter for StoreLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let grown = self
            .total_bytes()
            .saturating_add(desired.saturating_sub(current));
        if grown > self.max_bytes {
            self.over_cap("grow to", grown);
            // Trap rather than let the guest see a failed grow: a clean, typed stop.
            return Err(wasmtime::format_err!(
                "memory limit of {} bytes exceeded",
                self.max_bytes
            ));
        }
        self.memory_bytes += desired.saturating_sub(current);
        Ok(true)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let added = desired
            .saturating_sub(current)
            .saturating_mul(TABLE_ELEMENT_BYTES);
        let grown = self.total_bytes().saturating_add(added);
        if grown > self.max_bytes {
            self.over_cap("grow its tables to", grown);
            return Err(wasmtime::format_err!(
                "memory limit of {} bytes exceeded by tables",
                self.max_bytes
            ));
        }
        self.table_bytes += added;
        Ok(true)
    }

    fn instances(&self) -> usize {
        self.max_instances
    }

    fn memories(&self) -> usize {
        self.max_memories
    }

    fn tables(&self) -> usize {
        self.max_tables
    }
}

/// Per-entry bytes charged for any resource in the table (the entry and its bookkeeping).
const RESOURCE_ENTRY_BYTES: usize = 256;

/// Host-side bytes the guest's resources hold: every table entry, the contents of every
/// `wasi:http` fields map, and the buffer each outgoing body may fill.
pub fn host_resource_bytes(table: &mut ResourceTable) -> usize {
    let body_buffer =
        crate::egress::OUTGOING_BODY_CHUNK_BYTES * (crate::egress::OUTGOING_BODY_BUFFER_CHUNKS + 1);
    let mut total = 0usize;
    for entry in table.iter_mut() {
        let entry: &(dyn std::any::Any + Send) = entry;
        total = total.saturating_add(RESOURCE_ENTRY_BYTES);
        if let Some(fields) = entry.downcast_ref::<FieldMap>() {
            let content: usize = fields
                .iter()
                .map(|(name, value)| name.as_str().len() + value.len() + 32)
                .sum();
            total = total.saturating_add(content);
        } else if entry.downcast_ref::<HostOutgoingBody>().is_some() {
            total = total.saturating_add(body_buffer);
        }
    }
    total
}

/// Everything a guest call's `Store` holds.
pub struct SandboxState {
    wasi: WasiCtx,
    table: ResourceTable,
    http: WasiHttpCtx,
    gate: EgressGate,
    /// Bounds on the whole store (memories, tables, host resources, instance counts).
    pub limiter: StoreLimiter,
    /// Secrets the guest may read by name through `host.secret` during this call: the
    /// connector's own and, for a webhook subscription's call, that subscription's signing
    /// secret. Never the API token, never another subscription's secret.
    secrets: Arc<BTreeMap<String, Secret>>,
    /// Sandbox violations seen during the call.
    pub violations: ViolationLog,
    /// CPU-budget ticks the guest has left (decremented by the epoch callback).
    pub cpu_ticks_left: u64,
}

impl SandboxState {
    /// A fresh sandbox for one call; with `tape`, its HTTP is recorded or replayed.
    pub fn new(
        policy: Arc<EgressPolicy>,
        token: Option<Secret>,
        limits: &Limits,
        secrets: Arc<BTreeMap<String, Secret>>,
        cpu_ticks: u64,
        pool: Arc<crate::pool::ConnectionPool>,
        tape: Option<Tape>,
    ) -> Self {
        let violations = ViolationLog::default();
        let mut builder = WasiCtx::builder();
        // No stdin, env, args or preopened directories: the builder grants none by default.
        // Sockets are denied outright; HTTP goes through wasi:http and the egress gate only.
        builder
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .socket_addr_check(|_, _| Box::pin(async { false }));
        let mut http = WasiHttpCtx::new();
        // Header maps the guest builds (its request headers); responses' are capped by the gate.
        http.set_field_size_limit(limits.request_header_bytes as usize);
        let mut table = ResourceTable::new();
        table.set_max_capacity(limits.max_host_resources as usize);
        let live = Live::new(pool, policy.allow_private_addresses);
        let mut redactor = Redactor::default();
        if let Some(tape) = &tape {
            // The guest's wall clock is recorded with the exchanges and replayed with them.
            builder.wall_clock(crate::cassette::clock::CassetteClock::new(tape));
            // Every credential the call can see is kept out of the recording.
            redactor = Redactor::new(
                token
                    .iter()
                    .map(Secret::expose)
                    .chain(secrets.values().map(Secret::expose)),
            );
        }
        let gate = EgressGate::new(policy, token.clone(), limits.clone(), violations.clone())
            .with_transport(transport::for_call(live, tape, redactor));
        SandboxState {
            wasi: builder.build(),
            table,
            http,
            gate,
            limiter: StoreLimiter::new(limits, violations.clone()),
            secrets,
            violations,
            cpu_ticks_left: cpu_ticks,
        }
    }
}

impl SandboxState {
    /// Readies a reused instance for its next call: the call's token for the egress gate, the
    /// secrets `host.secret` answers during it and a full CPU budget. Only for a state built
    /// without a tape: a recording's redactor is built with the token it must hide.
    pub(crate) fn begin_call(
        &mut self,
        token: Option<Secret>,
        secrets: Arc<BTreeMap<String, Secret>>,
        cpu_ticks: u64,
    ) {
        self.gate.set_token(token);
        self.secrets = secrets;
        self.cpu_ticks_left = cpu_ticks;
    }

    /// Ends a call: the token and every secret are taken away (an idle instance holds
    /// neither), and what the store still holds is measured.
    pub(crate) fn end_call(&mut self) -> crate::reuse::Held {
        self.gate.set_token(None);
        self.secrets = Arc::new(BTreeMap::new());
        let host_bytes = host_resource_bytes(&mut self.table);
        crate::reuse::Held {
            bytes: self
                .limiter
                .memory_bytes
                .saturating_add(self.limiter.table_bytes)
                .saturating_add(host_bytes),
            holds_resources: !self.table.is_empty(),
        }
    }

    /// Measures the host-side bytes the guest's resources hold and charges them to the call;
    /// `false` (with the violation recorded) when that passes the cap.
    pub fn charge_host_resources(&mut self) -> bool {
        let bytes = host_resource_bytes(&mut self.table);
        self.limiter.set_host_bytes(bytes)
    }
}

impl WasiView for SandboxState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for SandboxState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.gate,
        }
    }
}

impl crate::bindings::connector::plugin::types::Host for SandboxState {}

/// Longest guest log line kept; the rest is cut so a guest cannot flood the host's log.
const MAX_LOG_LINE: usize = 4096;

impl host_iface::Host for SandboxState {
    /// A guest's log line, bounded and made inert: every control, bidi, invisible or tag
    /// character (the descriptor rules' set, `descriptor::rules::refused_char`) is written as
    /// `\u{…}`, so a component cannot clear or recolour a terminal, forge log lines with a
    /// newline, or hide text in the host's logs.
    fn log(&mut self, level: LogLevel, message: String) {
        let mut message = inert_log_text(&message);
        if message.len() > MAX_LOG_LINE {
            let mut cut = MAX_LOG_LINE;
            while !message.is_char_boundary(cut) {
                cut -= 1;
            }
            message.truncate(cut);
            message.push('…');
        }
        match level {
            LogLevel::Trace => tracing::trace!(target: "plugin", "{message}"),
            LogLevel::Debug => tracing::debug!(target: "plugin", "{message}"),
            LogLevel::Info => tracing::info!(target: "plugin", "{message}"),
            LogLevel::Warn => tracing::warn!(target: "plugin", "{message}"),
            LogLevel::Error => tracing::error!(target: "plugin", "{message}"),
        }
    }

    fn secret(&mut self, name: String) -> Option<String> {
        self.secrets.get(&name).map(|s| s.expose().to_string())
    }
}

/// `text` with every character the descriptor rules refuse in a one-line text escaped as
/// `\u{…}` (a backslash itself too, so an escape in the output is always the host's).
fn inert_log_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\\' || crate::descriptor::rules::refused_char(c, false).is_some() {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod log_tests {
    use super::inert_log_text;

    #[test]
    fn guest_log_lines_carry_no_live_control_or_bidi_character() {
        let hostile = "ok\u{1b}[2J\u{1b}[31mred\nFAKE LINE\r\u{202e}txt.exe\u{0}\u{200b}\\u{41}";
        let shown = inert_log_text(hostile);
        assert!(
            shown
                .chars()
                .all(|c| !c.is_control() && !('\u{2000}'..='\u{206f}').contains(&c)),
            "{shown:?}"
        );
        assert_eq!(
            shown,
            "ok\\u{1b}[2J\\u{1b}[31mred\\u{a}FAKE LINE\\u{d}\\u{202e}txt.exe\\u{0}\\u{200b}\\u{5c}u{41}"
        );
        assert_eq!(
            inert_log_text("plain text, tabs\tno"),
            "plain text, tabs\\u{9}no"
        );
    }
}
