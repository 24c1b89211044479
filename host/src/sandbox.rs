//! The per-call sandbox: the `Store` data every guest call runs with.
//!
//! Each call gets a fresh [`SandboxState`]: a WASI context with no filesystem, no environment,
//! no arguments, no stdin and no sockets; the egress gate as the only way out; a memory
//! limiter; and the `host` interface (logging and an allow-listed secret lookup).

use crate::bindings::wrike_connector::connector::host as host_iface;
use crate::bindings::wrike_connector::connector::types::LogLevel;
use crate::config::{Limits, Secret};
use crate::egress::{EgressGate, EgressPolicy, ViolationLog};
use crate::error::{HostError, SandboxRule};
use std::collections::BTreeMap;
use std::sync::Arc;
use wasmtime::component::ResourceTable;
use wasmtime::ResourceLimiter;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

/// Limits linear memory and tables per instance, and remembers when the guest hit the cap.
pub struct MemoryLimiter {
    max_memory: usize,
    max_table_elements: usize,
    violations: ViolationLog,
}

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.max_memory {
            self.violations.record(
                HostError::sandbox(
                    SandboxRule::MemoryLimit,
                    format!(
                        "the plugin tried to grow its memory from {current} to {desired} bytes, over the {}-byte cap",
                        self.max_memory
                    ),
                )
                .with_hint("raise the cap with --memory-limit-mb"),
            );
            // Trap rather than let the guest see a failed grow: a clean, typed stop.
            return Err(wasmtime::format_err!(
                "memory limit of {} bytes exceeded",
                self.max_memory
            ));
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= self.max_table_elements)
    }
}

/// Everything a guest call's `Store` holds.
pub struct SandboxState {
    wasi: WasiCtx,
    table: ResourceTable,
    http: WasiHttpCtx,
    gate: EgressGate,
    /// Memory limiter for the instance.
    pub limiter: MemoryLimiter,
    /// Secrets the guest may read by name through `host.secret`. Never the API token.
    secrets: Arc<BTreeMap<String, Secret>>,
    /// Sandbox violations seen during the call.
    pub violations: ViolationLog,
    /// CPU-budget ticks the guest has left (decremented by the epoch callback).
    pub cpu_ticks_left: u64,
}

impl SandboxState {
    /// A fresh sandbox for one call.
    pub fn new(
        policy: Arc<EgressPolicy>,
        token: Option<Secret>,
        limits: &Limits,
        secrets: Arc<BTreeMap<String, Secret>>,
        cpu_ticks: u64,
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
        http.set_field_size_limit(limits.response_header_bytes as usize);
        SandboxState {
            wasi: builder.build(),
            table: ResourceTable::new(),
            http,
            gate: EgressGate::new(policy, token, limits.clone(), violations.clone()),
            limiter: MemoryLimiter {
                max_memory: usize::try_from(limits.memory_bytes).unwrap_or(usize::MAX),
                max_table_elements: 1_000_000,
                violations: violations.clone(),
            },
            secrets,
            violations,
            cpu_ticks_left: cpu_ticks,
        }
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

impl crate::bindings::wrike_connector::connector::types::Host for SandboxState {}

/// Longest guest log line kept; the rest is cut so a guest cannot flood the host's log.
const MAX_LOG_LINE: usize = 4096;

impl host_iface::Host for SandboxState {
    fn log(&mut self, level: LogLevel, message: String) {
        let mut message = message;
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
