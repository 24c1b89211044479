//! How a fresh instance's store is made: its memory cap, CPU budget, egress gate and the epoch
//! callback that spends the budget (a reused instance keeps its store; see [`crate::reuse`]).

use crate::cassette::Tape;
use crate::config::Limits;
use crate::credentials::Secret;
use crate::egress::EgressPolicy;
use crate::engine::{Runtime, EPOCH_TICK};
use crate::error::{HostError, SandboxRule};
use crate::sandbox::SandboxState;
use std::collections::BTreeMap;
use std::sync::Arc;
use wasmtime::{Store, UpdateDeadline};

/// Everything a call's store is made from.
#[derive(Clone)]
pub(super) struct StoreRecipe {
    pub(super) runtime: Arc<Runtime>,
    pub(super) policy: Arc<EgressPolicy>,
    pub(super) limits: Limits,
    pub(super) secrets: Arc<BTreeMap<String, Secret>>,
    pub(super) tape: Option<Tape>,
}

impl StoreRecipe {
    /// The CPU budget of one call, in epoch ticks.
    pub(super) fn cpu_ticks(&self) -> u64 {
        (self.limits.cpu_budget().as_millis() / EPOCH_TICK.as_millis()).max(1) as u64
    }

    /// A fresh store for one call: its own memory cap, CPU budget and egress gate.
    pub(super) fn store(&self, token: Option<Secret>) -> Store<SandboxState> {
        let cpu_ticks = self.cpu_ticks();
        let state = SandboxState::new(
            self.policy.clone(),
            token,
            &self.limits,
            self.secrets.clone(),
            cpu_ticks,
            self.runtime.pool().clone(),
            self.tape.clone(),
        );
        let mut store = Store::new(self.runtime.engine(), state);
        store.limiter(|s| &mut s.limiter);
        store.set_epoch_deadline(1);
        // Called whenever the guest runs past a tick boundary. Ticks spent blocked in host calls
        // are not counted (the callback fires once when the guest resumes), so this budgets the
        // guest's own CPU time. Yielding lets the wall-clock timeout preempt a busy guest.
        let budget_ms = self.limits.cpu_budget_ms;
        store.epoch_deadline_callback(move |mut ctx| {
            let state = ctx.data_mut();
            // Host-side bytes the guest's resources hold count against the memory cap too.
            if !state.charge_host_resources() {
                return Ok(UpdateDeadline::Interrupt);
            }
            if state.cpu_ticks_left == 0 {
                state.violations.record(
                    HostError::sandbox(
                        SandboxRule::CpuBudget,
                        format!(
                            "the plugin used up its CPU budget of {budget_ms} ms and was stopped"
                        ),
                    )
                    .with_hint("raise the budget with --cpu-budget-ms"),
                );
                return Ok(UpdateDeadline::Interrupt);
            }
            state.cpu_ticks_left -= 1;
            Ok(UpdateDeadline::Yield(1))
        });
        store
    }
}
