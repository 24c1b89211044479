//! The calls into the guest's `connector` interface, one type per function, each typed by what
//! the guest answers: [`GuestCall::Out`] is exactly the export's result, so a caller never
//! matches on a reply it cannot get. The webhook functions' calls are in
//! `connector_webhooks.rs`.

use super::wit;
use crate::bindings::exports::connector::plugin::connector::Guest;
use crate::sandbox::SandboxState;
use std::future::Future;
use wasmtime::Store;

/// One call of an export of the guest's `connector` interface.
pub(super) trait GuestCall: Send + Sync {
    /// What the export returns.
    type Out: Reply;

    /// The webhook target the call is for (`subscribe`, `handle-delivery`): its secret is lent
    /// to the call, and the call reuses only instances that served the same subscription.
    fn target(&self) -> Option<&wit::WebhookTarget> {
        None
    }

    /// Calls the export in `store`.
    fn call<'a>(
        &'a self,
        api: &'a Guest,
        store: &'a mut Store<SandboxState>,
        conn: &'a wit::Connection,
    ) -> impl Future<Output = wasmtime::Result<Self::Out>> + Send + 'a;
}

/// What an export returns, as the one call path reads it.
pub(super) trait Reply: Send {
    /// Whether the guest answered that the API refused the credential (a refresh may help).
    fn unauthorized(&self) -> bool;
}

impl<T: Send> Reply for Result<T, wit::Error> {
    fn unauthorized(&self) -> bool {
        matches!(self, Err(wit::Error::Unauthorized(_)))
    }
}

impl Reply for wit::Descriptor {
    fn unauthorized(&self) -> bool {
        false
    }
}

/// `describe`.
pub(super) struct Describe;

impl GuestCall for Describe {
    type Out = wit::Descriptor;

    fn call<'a>(
        &'a self,
        api: &'a Guest,
        store: &'a mut Store<SandboxState>,
        _conn: &'a wit::Connection,
    ) -> impl Future<Output = wasmtime::Result<Self::Out>> + Send + 'a {
        api.call_describe(store)
    }
}

/// `test-connection`.
pub(super) struct Test;

impl GuestCall for Test {
    type Out = Result<String, wit::Error>;

    fn call<'a>(
        &'a self,
        api: &'a Guest,
        store: &'a mut Store<SandboxState>,
        conn: &'a wit::Connection,
    ) -> impl Future<Output = wasmtime::Result<Self::Out>> + Send + 'a {
        api.call_test_connection(store, conn)
    }
}

/// `execute` of one action with its input (JSON text).
pub(super) struct Execute {
    pub(super) action: String,
    pub(super) input: String,
}

impl GuestCall for Execute {
    type Out = Result<String, wit::Error>;

    fn call<'a>(
        &'a self,
        api: &'a Guest,
        store: &'a mut Store<SandboxState>,
        conn: &'a wit::Connection,
    ) -> impl Future<Output = wasmtime::Result<Self::Out>> + Send + 'a {
        api.call_execute(store, conn, &self.action, &self.input)
    }
}

/// `poll` of one trigger from a cursor.
pub(super) struct Poll {
    pub(super) trigger: String,
    pub(super) input: String,
    pub(super) cursor: Option<String>,
}

impl GuestCall for Poll {
    type Out = Result<wit::PollResult, wit::Error>;

    fn call<'a>(
        &'a self,
        api: &'a Guest,
        store: &'a mut Store<SandboxState>,
        conn: &'a wit::Connection,
    ) -> impl Future<Output = wasmtime::Result<Self::Out>> + Send + 'a {
        api.call_poll(
            store,
            conn,
            &self.trigger,
            &self.input,
            self.cursor.as_deref(),
        )
    }
}

/// `pick-list` of one list with its parameters (JSON text).
pub(super) struct Pick {
    pub(super) name: String,
    pub(super) params: String,
}

impl GuestCall for Pick {
    type Out = Result<Vec<wit::PickOption>, wit::Error>;

    fn call<'a>(
        &'a self,
        api: &'a Guest,
        store: &'a mut Store<SandboxState>,
        conn: &'a wit::Connection,
    ) -> impl Future<Output = wasmtime::Result<Self::Out>> + Send + 'a {
        api.call_pick_list(store, conn, &self.name, &self.params)
    }
}
