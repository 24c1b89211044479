//! One call into the guest: an instance taken from the connector's pool or made for the call,
//! readied with the call's token, secrets and CPU budget, run under the wall-clock timeout, and
//! given back only when everything about the call succeeded.

use super::calls::{GuestCall, Reply};
use super::{webhooks, Connector};
use crate::cassette::Tape;
use crate::credentials::Secret;
use crate::error::{ErrorKind, HostError, HostResult, SandboxRule};
use crate::reuse::{drop_later, Instance, Lease};

use super::traps::{limit_error, trap_error};

impl Connector {
    /// Runs `call` with the connection's token and hands its reply to `finish`; when the API
    /// rejects the token (401) and the source can refresh, refreshes once and runs the call
    /// once more.
    pub(super) async fn invoke_authorized<C: GuestCall, T>(
        &self,
        call: C,
        finish: impl FnOnce(C::Out) -> HostResult<T>,
    ) -> HostResult<T> {
        self.check_settings().await?;
        let Some(source) = self.connection.credentials.clone() else {
            if self.connection.anonymous || self.tape.as_ref().is_some_and(Tape::is_replay) {
                // An anonymous connection sends no credential by design; a replayed call
                // never reaches the API.
                return self.invoke(call, None, finish).await;
            }
            return Err(HostError::new(
                ErrorKind::Unauthorized,
                "no credential: the connection has no access token",
            )
            .with_hint("set CONNECTOR_TOKEN, or run `connector-host connect`"));
        };
        let token = source.token().await?;
        let (reply, lease) = self.run(&call, Some(&token)).await?;
        if reply.unauthorized() {
            if let Some(fresh) = source.refresh_rejected(&token).await? {
                tracing::info!("the API rejected the token; retrying once with a refreshed one");
                // The rejected call's instance answered an error: it is not reused.
                drop(lease);
                return self.invoke(call, Some(&fresh), finish).await;
            }
        }
        let out = finish(reply)?;
        lease.keep();
        Ok(out)
    }

    /// Runs `call` with `token` and hands its reply to `finish`. The instance serves another
    /// call only when `finish` succeeds too.
    pub(super) async fn invoke<C: GuestCall, T>(
        &self,
        call: C,
        token: Option<&Secret>,
        finish: impl FnOnce(C::Out) -> HostResult<T>,
    ) -> HostResult<T> {
        let (reply, lease) = self.run(&call, token).await?;
        let out = finish(reply)?;
        lease.keep();
        Ok(out)
    }

    /// Runs `call` in an instance of the pool (or a fresh one) with `token`: the reply, and
    /// the instance to give back if the caller finds the reply good. Any trap, violation or
    /// timeout drops the instance and is the error.
    async fn run<C: GuestCall>(
        &self,
        call: &C,
        token: Option<&Secret>,
    ) -> HostResult<(C::Out, Lease)> {
        let mut recipe = self.recipe();
        // A call for one subscription sees that subscription's secret besides the connector's
        // own, and reuses only instances that served that subscription.
        let (scope, lent) =
            webhooks::secrets_for(call.target(), &self.secrets, &self.subscription_secrets);
        let (mut store, plugin, served) = match self.instances.take(&scope) {
            Some(Instance {
                mut store,
                plugin,
                served,
                ..
            }) => {
                store
                    .data_mut()
                    .begin_call(token.cloned(), lent, recipe.cpu_ticks());
                store.set_epoch_deadline(1);
                (store, Some(plugin), served)
            }
            None => {
                recipe.secrets = lent;
                (recipe.store(token.cloned()), None, 0)
            }
        };
        let violations = store.data().violations.clone();

        let conn = self.wit_connection();
        let pre = self.runtime.pre();
        let run = async {
            let plugin = match plugin {
                Some(plugin) => plugin,
                None => {
                    self.runtime.count_instance();
                    pre.instantiate_async(&mut store).await?
                }
            };
            let api = plugin.connector_plugin_connector();
            let reply = call.call(api, &mut store, &conn).await?;
            wasmtime::Result::Ok((reply, plugin))
        };
        let outcome = tokio::time::timeout(self.limits.wall_timeout(), run).await;
        let result = match outcome {
            Err(_) => Err(HostError::sandbox(
                SandboxRule::WallTimeout,
                format!(
                    "the call ran past its wall-clock timeout of {} ms and was cut off",
                    self.limits.wall_timeout_ms
                ),
            )
            .with_hint("raise the timeout with --wall-timeout-ms")),
            // A recorded violation explains a trap better than the trap itself, and wins over
            // whatever a guest that swallowed its denial returned.
            Ok(Err(trap)) => Err(violations
                .first()
                .or_else(|| limit_error(&trap, &self.limits))
                .unwrap_or_else(|| trap_error(&trap))),
            Ok(Ok(done)) => match violations.first() {
                Some(v) => Err(v),
                None => Ok(done),
            },
        };
        match result {
            Ok((reply, plugin)) => {
                let instance = Instance {
                    store,
                    plugin,
                    served: served + 1,
                    scope,
                };
                Ok((reply, Lease::new(self.instances.clone(), instance)))
            }
            Err(e) => {
                drop_later(store);
                Err(match token {
                    Some(token) => e.redact(token.expose()),
                    None => e,
                })
            }
        }
    }
}
