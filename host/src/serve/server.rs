//! The `serve` process: its shared state, subscribing and checking hooks, and the run itself
//! ([`run`] for the command line, [`Server`] for a program that embeds it).

use super::config::{self, ServeArgs, ServeConfig, SubscriptionConfig};
use super::{leases, metrics, outbox, receiver, scheduler, sink};
use crate::config::ConfigFile;
use crate::connector::{Connector, RemoteSubscription, SubscriptionStatus, WebhookTarget};
use crate::credentials::Secret;
use crate::error::{HostError, HostResult};
use crate::state::{open_store, Store, SubscriptionRecord};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

/// How long Ctrl-C waits for calls into the component that are in flight.
pub const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// A webhook subscription while `serve` runs.
pub struct WebhookSub {
    /// Its state key ([`config::state_key`]: the name, led by `CONNECTOR/` on a
    /// `[[connector]]`).
    pub name: String,
    /// The webhook trigger.
    pub trigger: String,
    /// The trigger's input.
    pub input: Value,
    /// The public URL and the secret's name.
    pub target: WebhookTarget,
    /// The polling trigger that closes gaps, if the connector names one.
    pub catch_up: Option<String>,
    /// The component bound to the subscription's connection, lending its secret.
    pub connector: Arc<Connector>,
    record: Mutex<SubscriptionRecord>,
}

impl WebhookSub {
    /// The remote subscription, once subscribed.
    pub fn remote(&self) -> Option<RemoteSubscription> {
        let r = self.record.lock().unwrap_or_else(|p| p.into_inner());
        r.remote_id.as_ref().map(|id| RemoteSubscription {
            id: id.clone(),
            state: r.remote_state.clone().unwrap_or_else(|| "{}".into()),
        })
    }
}

/// What every task of `serve` shares.
pub struct Shared {
    /// The state store, on its own thread (nothing commits on an async worker).
    pub store: Store,
    /// This process's leases when the state database is shared; None when it works every
    /// subscription.
    pub leases: Option<Arc<leases::Leases>>,
    /// Counters.
    pub metrics: metrics::Metrics,
    /// Woken when events enter the outbox.
    pub wake_sink: tokio::sync::Notify,
    /// Set to true on Ctrl-C or SIGTERM.
    pub shutdown: tokio::sync::watch::Sender<bool>,
    /// Webhook subscriptions by path token.
    pub hooks: HashMap<String, Arc<WebhookSub>>,
    /// Cap on a received body.
    pub max_body_bytes: usize,
    /// Every subscription's state key, in configuration order: the sink worker's round.
    pub names: Vec<String>,
}

/// `hex` of `n` bytes from the OS's CSPRNG.
fn random_hex(n: usize) -> HostResult<String> {
    let mut b = vec![0u8; n];
    getrandom::fill(&mut b)
        .map_err(|e| HostError::internal(format!("the OS random number generator failed: {e}")))?;
    Ok(hex::encode(b))
}

fn secret_name(subscription: &str) -> String {
    format!("webhook:{subscription}")
}

/// Subscribes `sub` when it has no remote subscription, else checks it; catches up whenever
/// events may have been missed: after a (re-)subscription or re-activation, and whenever
/// `gap` says so — at every start of the process, after it took the subscription over, and
/// after a check that failed (the hook may be active at Wrike while nobody received its
/// deliveries). A hook that delivers to another URL (the public URL changed, or another
/// `serve` process had subscribed it to its own) is removed and registered again.
pub async fn ensure_subscribed(shared: &Shared, sub: &WebhookSub, gap: bool) -> HostResult<()> {
    if shared.leases.is_some() {
        // Another process may have (re)subscribed it while it held the lease.
        let stored = shared.store.run(|s| s.subscriptions()).await?;
        let mut r = sub.record.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(s) = stored
            .into_iter()
            .find(|s| s.name == r.name && s.path_token == r.path_token)
        {
            *r = s;
        }
    }
    let stale = {
        let r = sub.record.lock().unwrap_or_else(|p| p.into_inner());
        r.remote_id.is_some() && r.target_url.as_deref() != Some(sub.target.url.as_str())
    };
    if stale {
        if let Some(old) = sub.remote() {
            if let Err(e) = sub.connector.unsubscribe(&sub.trigger, &old).await {
                tracing::warn!(subscription = %sub.name, error = %e.message, "cannot remove the hook that delivers to another URL");
            }
        }
        let record = {
            let mut r = sub.record.lock().unwrap_or_else(|p| p.into_inner());
            r.remote_id = None;
            r.remote_state = None;
            r.clone()
        };
        shared
            .store
            .run(move |s| s.save_subscription(&record))
            .await?;
    }
    let status = match sub.remote() {
        Some(remote) => {
            sub.connector
                .check_subscription(&sub.trigger, &remote)
                .await?
        }
        None => SubscriptionStatus::Gone,
    };
    match status {
        SubscriptionStatus::Active if !gap => return Ok(()),
        SubscriptionStatus::Active => {
            tracing::info!(subscription = %sub.name, "the hook is active; catching up on what may have been missed");
        }
        SubscriptionStatus::Reactivated => {
            tracing::warn!(subscription = %sub.name, "the hook was suspended; re-activated it");
        }
        SubscriptionStatus::Gone => {
            let remote = sub
                .connector
                .subscribe(&sub.trigger, &sub.input, &sub.target)
                .await?;
            let record = {
                let mut r = sub.record.lock().unwrap_or_else(|p| p.into_inner());
                r.remote_id = Some(remote.id.clone());
                r.remote_state = Some(remote.state);
                r.target_url = Some(sub.target.url.clone());
                r.clone()
            };
            shared
                .store
                .run(move |s| s.save_subscription(&record))
                .await?;
            tracing::info!(subscription = %sub.name, id = %remote.id, "subscribed");
        }
    }
    scheduler::catch_up(shared, sub).await.map(|_| ())
}

/// Loads or creates the stored record of webhook subscription `s`: the same path and secret
/// across restarts (and across the processes sharing the state), new ones when the trigger or
/// input changed.
async fn record_for(store: &Store, s: &SubscriptionConfig) -> HostResult<SubscriptionRecord> {
    let record = SubscriptionRecord {
        name: s.state_key(),
        trigger: s.trigger.clone(),
        input: s.input.to_string(),
        path_token: random_hex(16)?,
        secret: random_hex(32)?,
        remote_id: None,
        remote_state: None,
        target_url: None,
    };
    store.run(move |st| st.claim_subscription(&record)).await
}

/// Which connector and which stored connection a subscription runs on: the `[[connector]]`
/// (`None` without sections: the one the command line describes) and the stored connection
/// its `connection` names (`None`: its connector's own).
type Binding = (Option<String>, Option<String>);

fn binding(s: &SubscriptionConfig) -> Binding {
    (s.connector.clone(), s.connection.clone())
}

/// One connector per binding the subscriptions use, without secrets.
type Connectors = BTreeMap<Binding, Connector>;

/// Builds a connector with `connect`, an error naming `what` it was for.
fn connect_for(connect: &Connect<'_>, binding: &Binding, what: &str) -> HostResult<Connector> {
    connect(binding.0.as_deref(), binding.1.as_deref()).map_err(|mut e| {
        e.message = format!("{what}: {}", e.message);
        e
    })
}

/// `serve --unsubscribe`: removes every stored webhook subscription remotely (through the
/// connector and connection of its `[[subscription]]`; one no longer configured through the
/// connector its state key names, on that connector's connection) and locally.
async fn unsubscribe_all(
    store: &Store,
    connectors: &mut Connectors,
    config: &ServeConfig,
    connect: &Connect<'_>,
) -> HostResult<()> {
    for record in store.run(|s| s.subscriptions()).await? {
        let binding = match config
            .subscriptions
            .iter()
            .find(|s| s.state_key() == record.name)
        {
            Some(s) => binding(s),
            None => (
                config::split_state_key(&record.name).0.map(str::to_string),
                None,
            ),
        };
        if !connectors.contains_key(&binding) {
            let what = format!("stored subscription `{}`", record.name);
            let c = connect_for(connect, &binding, &what)?;
            connectors.insert(binding.clone(), c);
        }
        let connector = &connectors[&binding];
        if let Some(id) = &record.remote_id {
            let remote = RemoteSubscription {
                id: id.clone(),
                state: record.remote_state.clone().unwrap_or_else(|| "{}".into()),
            };
            connector.unsubscribe(&record.trigger, &remote).await?;
        }
        let name = record.name.clone();
        store.run(move |s| s.remove_subscription(&name)).await?;
        eprintln!("{}", serde_json::json!({"unsubscribed": record.name}));
    }
    Ok(())
}

/// A one-line status on stderr, rewritten every second (only when stderr is a terminal).
async fn status_line(shared: Arc<Shared>) {
    let mut shutdown = shared.shutdown.subscribe();
    loop {
        let (events, delivered, errors) = shared.metrics.totals();
        eprint!("\r\x1b[2Kserve: {events} events in, {delivered} delivered, {errors} errors");
        tokio::select! {
            _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
            _ = shutdown.changed() => {
                eprintln!();
                return;
            }
        }
    }
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// Builds the connector a subscription runs on: `connect(connector, connection)` binds the
/// `[[connector]]` named `connector` (`None` without sections: the component and connection
/// the command line describes) to the stored connection named `connection` (`None`: the
/// connector's own). A connector must be built afresh on each call (the subscriptions'
/// secrets are lent to it).
pub type Connect<'a> = dyn Fn(Option<&str>, Option<&str>) -> HostResult<Connector> + 'a;

/// Runs `serve` until Ctrl-C or SIGTERM, with the `[serve]`, `[[subscription]]` and
/// `[[connector]]` parts of `file`; `connect` builds each connector a subscription runs on
/// (the subscriptions' secrets are lent to those connectors here, each to its own
/// subscription's calls only).
pub async fn run(args: &ServeArgs, file: &ConfigFile, connect: &Connect<'_>) -> HostResult<()> {
    let server = Server::new(args, file, connect)?;
    serve_on(server, None, wait_for_signal()).await
}

/// `serve` for a program that embeds it: the configuration and the connectors from the
/// caller, and — in [`Server::run`] — the caller's listener and the caller's shutdown.
pub struct Server<'a> {
    args: &'a ServeArgs,
    file: &'a ConfigFile,
    connect: &'a Connect<'a>,
    config: ServeConfig,
}

impl<'a> Server<'a> {
    /// Checks the `[serve]`, `[[subscription]]` and `[[connector]]` parts of `file` with
    /// `args` over them (as `connector-host serve` does); `connect` builds the connector each
    /// subscription runs on (see [`Connect`]). Nothing runs yet.
    pub fn new(
        args: &'a ServeArgs,
        file: &'a ConfigFile,
        connect: &'a Connect<'a>,
    ) -> HostResult<Server<'a>> {
        let names: Vec<&str> = file.connector.iter().map(|c| c.name.as_str()).collect();
        let config = ServeConfig::resolve(args, file.serve.as_ref(), &file.subscription, &names)?;
        Ok(Server {
            args,
            file,
            connect,
            config,
        })
    }

    /// The resolved configuration.
    pub fn config(&self) -> &ServeConfig {
        &self.config
    }

    /// Runs on `listener` (its `listen` setting is not used) until `shutdown` completes, then
    /// stops as on Ctrl-C: calls in flight get [`SHUTDOWN_GRACE`], the sink worker finishes
    /// the event in flight, leases are given up. With `unsubscribe` set it removes the
    /// subscriptions and returns without serving.
    pub async fn run(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl std::future::Future<Output = ()>,
    ) -> HostResult<()> {
        serve_on(self, Some(listener), shutdown).await
    }
}

/// The body of [`run`] and [`Server::run`]: binds `listen` when no listener is given.
async fn serve_on(
    server: Server<'_>,
    listener: Option<tokio::net::TcpListener>,
    shutdown_signal: impl std::future::Future<Output = ()>,
) -> HostResult<()> {
    let Server {
        args,
        file,
        connect,
        config,
    } = server;
    let store = Store::with_group_max(open_store(&config.state)?, config.commit_group_max)?;
    // Built without secrets first (removing a hook or describing the connector needs none);
    // the secrets of the subscriptions are lent once they are known.
    let mut plain = Connectors::new();
    if file.connector.is_empty() {
        plain.insert((None, None), connect(None, None)?);
    }
    for s in &config.subscriptions {
        if let std::collections::btree_map::Entry::Vacant(slot) = plain.entry(binding(s)) {
            let c = connect_for(connect, slot.key(), &format!("subscription `{}`", s.name))?;
            slot.insert(c);
        }
    }
    if args.unsubscribe {
        return unsubscribe_all(&store, &mut plain, &config, connect).await;
    }
    let mut secrets: BTreeMap<Binding, BTreeMap<String, Secret>> = BTreeMap::new();
    let mut pollers = Vec::new();
    let mut hook_parts = Vec::new();
    for s in &config.subscriptions {
        let descriptor = plain[&binding(s)].describe().await.map_err(|mut e| {
            e.message = format!("subscription `{}`: {}", s.name, e.message);
            e
        })?;
        let decl = descriptor.trigger(&s.trigger).ok_or_else(|| {
            HostError::invalid_input(
                "trigger",
                format!(
                    "subscription `{}`: the connector has no trigger `{}`",
                    s.name, s.trigger
                ),
            )
        })?;
        if decl.kind != crate::descriptor::TriggerKind::Webhook {
            pollers.push(s.clone());
            continue;
        }
        let Some(public) = &config.public_url else {
            return Err(HostError::invalid_input(
                "public_url",
                format!("subscription `{}` is a webhook trigger: it needs a public URL (`public_url` in [serve])", s.name),
            ));
        };
        let record = record_for(&store, s).await?;
        secrets
            .entry(binding(s))
            .or_default()
            .insert(secret_name(&s.name), Secret::new(record.secret.clone()));
        hook_parts.push((s, decl.catch_up_trigger.clone(), record, public.clone()));
    }
    let connectors: BTreeMap<Binding, Arc<Connector>> = plain
        .into_iter()
        .map(|(name, c)| {
            let lent = secrets.remove(&name).unwrap_or_default();
            // Each secret only to its own subscription's `subscribe` and `handle-delivery`.
            (name, Arc::new(c.with_subscription_secrets(lent)))
        })
        .collect();
    let mut hooks = HashMap::new();
    for (s, catch_up, record, public) in hook_parts {
        let url = format!("{public}{}{}", receiver::HOOK_PREFIX, record.path_token);
        let sub = WebhookSub {
            name: s.state_key(),
            trigger: s.trigger.clone(),
            input: s.input.clone(),
            target: WebhookTarget {
                url,
                secret_name: secret_name(&s.name),
            },
            catch_up,
            connector: connectors[&binding(s)].clone(),
            record: Mutex::new(record.clone()),
        };
        hooks.insert(record.path_token.clone(), Arc::new(sub));
    }
    let (shutdown, _) = tokio::sync::watch::channel(false);
    let leases = store.is_shared().then(|| {
        Arc::new(leases::Leases::new(
            leases::owner_name(),
            config.lease,
            config
                .subscriptions
                .iter()
                .map(SubscriptionConfig::state_key)
                .collect(),
        ))
    });
    let shared = Arc::new(Shared {
        store,
        leases,
        metrics: metrics::Metrics::default(),
        wake_sink: tokio::sync::Notify::new(),
        shutdown,
        hooks,
        max_body_bytes: config.max_body_bytes,
        names: config
            .subscriptions
            .iter()
            .map(SubscriptionConfig::state_key)
            .collect(),
    });

    let listener = match listener {
        Some(l) => l,
        None => tokio::net::TcpListener::bind(&config.listen)
            .await
            .map_err(|e| {
                HostError::invalid_input(
                    "listen",
                    format!("cannot listen on {}: {e}", config.listen),
                )
            })?,
    };
    let addr = listener
        .local_addr()
        .map_err(|e| HostError::internal(e.to_string()))?;
    tracing::info!(%addr, "serve: listening");
    let mut stop = shared.shutdown.subscribe();
    let app = receiver::router(shared.clone());
    let server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stop.wait_for(|s| *s).await;
            })
            .await
    });
    if let Some(l) = &shared.leases {
        // The first round before any subscription starts; the keeper renews from here on.
        let taken = leases::renew(&shared).await;
        tracing::info!(owner = %l.owner(), subscriptions = ?taken, "serve: leases taken");
    }
    let keeper = tokio::spawn(leases::run_keeper(shared.clone()));
    let sink = tokio::spawn(outbox::run_worker(
        shared.clone(),
        sink::from_config(&config.sink),
    ));
    let mut tasks = Vec::new();
    for s in pollers {
        let interval = std::time::Duration::from_secs(
            s.interval_secs.unwrap_or(config::DEFAULT_INTERVAL_SECS),
        );
        tasks.push(tokio::spawn(scheduler::run_poller(
            shared.clone(),
            connectors[&binding(&s)].clone(),
            s.state_key(),
            s.trigger,
            s.input,
            interval,
        )));
    }
    for sub in shared.hooks.values().cloned() {
        let shared = shared.clone();
        let every = config.check_interval;
        // At start (or once this process holds it): subscribe or check, and catch up on
        // whatever happened while nobody was running it.
        tasks.push(tokio::spawn(scheduler::run_checker(shared, sub, every)));
    }
    eprintln!(
        "{}",
        serde_json::json!({"serving": addr.to_string(), "subscriptions": config.subscriptions.len()})
    );
    if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        tasks.push(tokio::spawn(status_line(shared.clone())));
    }

    shutdown_signal.await;
    tracing::info!("serve: shutting down");
    let _ = shared.shutdown.send(true);
    // Pollers and checkers stop at their next pause; a call into the component in flight is
    // let finish (its cursor commit included) for a grace period, then cut off.
    let deadline = tokio::time::Instant::now() + SHUTDOWN_GRACE;
    for mut t in tasks {
        if tokio::time::timeout_at(deadline, &mut t).await.is_err() {
            t.abort();
        }
    }
    let _ = keeper.await;
    let _ = sink.await;
    let _ = server.await;
    // Only now, with no run in progress: another process may take the subscriptions at once.
    if let Some(l) = &shared.leases {
        l.release_all(&shared).await;
    }
    Ok(())
}
