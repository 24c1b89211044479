//! Loading a connector component: one [`wasmtime::Engine`] with epoch interruption, an on-disk
//! cache of compiled artifacts, and a pre-linked [`PluginPre`] reused by every call.

use crate::bindings::{connector as contract, PluginPre};
use crate::component_index;
use crate::config::Allocator;
use crate::descriptor::Descriptor;
use crate::error::{HostError, HostResult};
use crate::fsutil::{write_atomic, Durability};
use crate::pool::{ConnectionPool, PoolSettings};
use crate::sandbox::SandboxState;
use sha2::{Digest, Sha256};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use wasmtime::component::{Component, HasSelf, Linker};
use wasmtime::{Config, Engine};

/// How often the epoch ticker advances the engine's epoch. The CPU budget is counted in ticks.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Version of the on-disk descriptor format; bump it when [`Descriptor`] changes shape.
const DESCRIPTOR_CACHE_FORMAT: u32 = 2;

/// Options for loading a component.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Directory for compiled artifacts (`<sha256>-<engine>.cwasm`); `None` disables the cache.
    pub cache_dir: Option<PathBuf>,
    /// The egress connection pool's settings (the `[pool]` section of the config file).
    pub pool: PoolSettings,
    /// The instance allocator to try first (the pooling allocator unless told otherwise).
    pub allocator: Allocator,
}

impl LoadOptions {
    /// The default cache directory: `$CONNECTOR_CACHE_DIR`, else `<user cache dir>/connector-host`.
    pub fn default_cache_dir() -> Option<PathBuf> {
        if let Some(dir) = std::env::var_os("CONNECTOR_CACHE_DIR").filter(|d| !d.is_empty()) {
            return Some(PathBuf::from(dir));
        }
        dirs::cache_dir().map(|d| d.join("connector-host"))
    }
}

/// Advances an engine's epoch every [`EPOCH_TICK`] until dropped.
struct EpochTicker {
    /// Dropping it wakes the thread at once (no wait for the tick in progress).
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl EpochTicker {
    fn start(engine: Engine) -> HostResult<Self> {
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("epoch-ticker".into())
            .spawn(move || {
                // Ticks every EPOCH_TICK until the sender is dropped (or sends).
                while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                    stopped.recv_timeout(EPOCH_TICK)
                {
                    engine.increment_epoch();
                }
            })
            .map_err(|e| {
                HostError::internal(format!("cannot start the epoch ticker thread: {e}"))
            })?;
        Ok(EpochTicker {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for EpochTicker {
    /// Stops the ticker without waiting out its sleep: a CLI call exits as soon as it is done
    /// (it used to wait ~8 ms, half a tick on average, in this join).
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A loaded, linked connector component, ready to instantiate once per call.
pub struct Runtime {
    engine: Engine,
    pre: PluginPre<SandboxState>,
    sha256: String,
    pool: Arc<ConnectionPool>,
    cache_dir: Option<PathBuf>,
    descriptor: std::sync::Mutex<Option<Arc<Descriptor>>>,
    instances: std::sync::atomic::AtomicU64,
    allocator: Allocator,
    _ticker: EpochTicker,
}

impl Runtime {
    /// Loads the component at `path`, compiling it or reusing a cached compilation.
    ///
    /// With a cache directory, a file the component index (`component_index.rs`) knows
    /// (same canonical path, size, times, inode and device as when it was hashed) is not read
    /// or hashed again: its compiled artifact is loaded by the recorded digest.
    pub fn load(path: &Path, options: &LoadOptions) -> HostResult<Runtime> {
        let cache_dir = options.cache_dir.as_deref();
        if let Some(sha256) = cache_dir.and_then(|dir| component_index::lookup(dir, path)) {
            if let Some(runtime) = Self::from_source(sha256, None, options)? {
                return Ok(runtime);
            }
        }
        let (bytes, stamp) = component_index::read(path).map_err(|e| {
            HostError::invalid_input(
                "component",
                format!("cannot read the component `{}`: {e}", path.display()),
            )
            .with_hint("build it with `make build`, or pass --component <PATH>")
        })?;
        let runtime = Self::from_bytes(&bytes, options)?;
        if let (Some(dir), Some(stamp)) = (cache_dir, stamp) {
            component_index::record(dir, stamp, &runtime.sha256);
        }
        Ok(runtime)
    }

    /// Loads a component from its bytes.
    pub fn from_bytes(bytes: &[u8], options: &LoadOptions) -> HostResult<Runtime> {
        let sha256 = hex::encode(Sha256::digest(bytes));
        Self::from_source(sha256, Some(bytes), options)?
            .ok_or_else(|| HostError::internal("the component's bytes were not used"))
    }

    /// Loads the component whose digest is `sha256`: compiled from `bytes`, or from the
    /// compile cache. Without `bytes`, `None` when the cache has no usable artifact.
    fn from_source(
        sha256: String,
        bytes: Option<&[u8]>,
        options: &LoadOptions,
    ) -> HostResult<Option<Runtime>> {
        let mut allocator = options.allocator;
        let (engine, instance_pre) = loop {
            let attempt = (|| {
                let engine = new_engine(allocator)?;
                let Some(component) =
                    load_component(&engine, bytes, &sha256, options.cache_dir.as_deref())?
                else {
                    return Ok(None);
                };
                let linker = new_linker(&engine)?;
                let instance_pre = linker.instantiate_pre(&component).map_err(|e| {
                    HostError::internal(format!(
                        "the component cannot be linked: it imports something this host does not provide: {e:#}"
                    ))
                })?;
                HostResult::Ok(Some((engine, instance_pre)))
            })();
            match attempt {
                Ok(Some(loaded)) => break loaded,
                Ok(None) => return Ok(None),
                // The machine refused the pool's reservation, or the component does not fit
                // the pool's per-component limits: run it with on-demand allocation instead.
                Err(e) if allocator == Allocator::Pooling => {
                    tracing::info!(
                        "pooling allocator unavailable, using on-demand: {}",
                        e.message
                    );
                    allocator = Allocator::OnDemand;
                }
                Err(e) => return Err(e),
            }
        };
        let pre = PluginPre::new(instance_pre).map_err(|e| {
            HostError::internal(format!(
                "the component does not export the connector interface: {e:#}"
            ))
        })?;
        let ticker = EpochTicker::start(engine.clone())?;
        Ok(Some(Runtime {
            engine,
            pre,
            sha256,
            pool: ConnectionPool::new(options.pool.clone()),
            cache_dir: options.cache_dir.clone(),
            descriptor: std::sync::Mutex::new(None),
            instances: std::sync::atomic::AtomicU64::new(0),
            allocator,
            _ticker: ticker,
        }))
    }

    /// The engine calls run on.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The pre-linked component.
    pub fn pre(&self) -> &PluginPre<SandboxState> {
        &self.pre
    }

    /// The keep-alive connection pool every call's egress gate sends through.
    pub fn pool(&self) -> &Arc<ConnectionPool> {
        &self.pool
    }

    /// The instance allocator in use (after any fallback).
    pub fn allocator(&self) -> Allocator {
        self.allocator
    }

    /// How many instances of the component calls have created so far (one per guest call).
    pub fn instances_created(&self) -> u64 {
        self.instances.load(Ordering::Relaxed)
    }

    pub(crate) fn count_instance(&self) {
        self.instances.fetch_add(1, Ordering::Relaxed);
    }

    /// The descriptor this component returned before: remembered in memory, else read from
    /// the on-disk cache next to the compiled component (keyed by the component's hash and
    /// the descriptor format). `None` when it was never stored or the file is unusable.
    pub fn cached_descriptor(&self) -> Option<Arc<Descriptor>> {
        let mut memo = self.descriptor.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(d) = memo.as_ref() {
            return Some(d.clone());
        }
        let path = self.descriptor_cache_path()?;
        let bytes = std::fs::read(&path).ok()?;
        // Checked like a fresh one: a file from before a rule existed is not used.
        match serde_json::from_slice::<Descriptor>(&bytes)
            .map_err(|e| e.to_string())
            .and_then(|d| d.validate().map(|()| d).map_err(|e| e.message))
        {
            Ok(d) => {
                let d = Arc::new(d);
                *memo = Some(d.clone());
                Some(d)
            }
            Err(e) => {
                tracing::warn!(
                    "ignoring unusable cached descriptor {}: {e}",
                    path.display()
                );
                None
            }
        }
    }

    /// Remembers the descriptor the component returned, in memory and (with a cache
    /// directory) on disk, so later calls and processes need not instantiate the component
    /// to describe it.
    pub fn store_descriptor(&self, descriptor: &Arc<Descriptor>) {
        *self.descriptor.lock().unwrap_or_else(|p| p.into_inner()) = Some(descriptor.clone());
        let Some(path) = self.descriptor_cache_path() else {
            return;
        };
        let write = || -> std::io::Result<()> {
            let bytes = serde_json::to_vec(&**descriptor).map_err(std::io::Error::other)?;
            write_atomic(&path, &bytes, Durability::Cached)
        };
        if let Err(e) = write() {
            tracing::warn!("cannot write the descriptor cache {}: {e}", path.display());
        }
    }

    fn descriptor_cache_path(&self) -> Option<PathBuf> {
        let dir = self.cache_dir.as_ref()?;
        Some(dir.join(format!(
            "{}-descriptor-v{DESCRIPTOR_CACHE_FORMAT}-{}.json",
            self.sha256,
            env!("CARGO_PKG_VERSION")
        )))
    }

    /// SHA-256 of the component's bytes, hex-encoded.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// The names of the interfaces the component imports and exports.
    pub fn component_interfaces(&self) -> (Vec<String>, Vec<String>) {
        let ty = self.pre.instance_pre().component().component_type();
        let imports = ty
            .imports(&self.engine)
            .map(|(name, _)| name.to_string())
            .collect();
        let exports = ty
            .exports(&self.engine)
            .map(|(name, _)| name.to_string())
            .collect();
        (imports, exports)
    }
}

/// Pool sizes. Every slot is only reserved address space until a call uses it; the per-call
/// limits (memory cap, counts of instances, memories and tables) are still enforced by the
/// store's limiter, so these only need to be at least as generous.
fn pooling_config() -> wasmtime::PoolingAllocationConfig {
    let mut pool = wasmtime::PoolingAllocationConfig::new();
    pool.total_component_instances(128)
        .total_core_instances(1024)
        .total_memories(256)
        .total_tables(512)
        .total_stacks(128)
        .max_core_instances_per_component(64)
        .max_memories_per_component(16)
        .max_tables_per_component(64)
        .max_memories_per_module(1)
        .max_tables_per_module(8)
        // wasm32's whole address space: the store's limiter, not the pool, caps growth.
        .max_memory_size(1 << 32);
    pool
}

fn new_engine(allocator: Allocator) -> HostResult<Engine> {
    let mut config = Config::new();
    if allocator == Allocator::Pooling {
        config.allocation_strategy(wasmtime::InstanceAllocationStrategy::Pooling(
            pooling_config(),
        ));
    }
    config.wasm_component_model(true);
    config.epoch_interruption(true);
    // Keep the guest's own stack modest; host calls run on the host stack.
    config.max_wasm_stack(1 << 20);
    // A trap's guest frames are named from the component's name section only: never parse its
    // DWARF (WASMTIME_BACKTRACE_DETAILS would), which a guest could make arbitrarily costly.
    config.wasm_backtrace_details(wasmtime::WasmBacktraceDetails::Disable);
    Engine::new(&config)
        .map_err(|e| HostError::internal(format!("cannot create the wasmtime engine: {e:#}")))
}

fn new_linker(engine: &Engine) -> HostResult<Linker<SandboxState>> {
    let mut linker = Linker::<SandboxState>::new(engine);
    let link = |r: wasmtime::Result<()>| {
        r.map_err(|e| HostError::internal(format!("cannot link host functions: {e:#}")))
    };
    link(wasmtime_wasi::p2::add_to_linker_async(&mut linker))?;
    link(wasmtime_wasi_http::p2::add_only_http_to_linker_async(
        &mut linker,
    ))?;
    link(contract::plugin::host::add_to_linker::<
        _,
        HasSelf<SandboxState>,
    >(&mut linker, |s| s))?;
    link(contract::plugin::types::add_to_linker::<
        _,
        HasSelf<SandboxState>,
    >(&mut linker, |s| s))?;
    Ok(linker)
}

/// A short, stable digest of everything that makes a compiled artifact usable by `engine`.
fn engine_fingerprint(engine: &Engine) -> String {
    struct ShaHasher(Sha256);
    impl Hasher for ShaHasher {
        fn finish(&self) -> u64 {
            0
        }
        fn write(&mut self, bytes: &[u8]) {
            self.0.update(bytes);
        }
    }
    let mut h = ShaHasher(Sha256::new());
    engine.precompile_compatibility_hash().hash(&mut h);
    hex::encode(&h.0.finalize()[..12])
}

/// The compiled component: deserialized from the cache when it holds a usable artifact for
/// `sha256`, else compiled from `bytes` (and cached); `None` when there are no bytes to
/// compile.
fn load_component(
    engine: &Engine,
    bytes: Option<&[u8]>,
    sha256: &str,
    cache_dir: Option<&Path>,
) -> HostResult<Option<Component>> {
    let compile = |bytes| {
        Component::new(engine, bytes).map_err(|e| {
            HostError::invalid_input(
                "component",
                format!("the file is not a valid WebAssembly component: {e:#}"),
            )
        })
    };
    let Some(dir) = cache_dir else {
        return bytes.map(compile).transpose();
    };
    let path = dir.join(format!("{sha256}-{}.cwasm", engine_fingerprint(engine)));
    if path.is_file() {
        // SAFETY: the artifact was written by this host into its own cache directory, under a
        // name that binds it to the component's hash and to this engine's configuration;
        // wasmtime additionally checks the engine compatibility header on load.
        match unsafe { Component::deserialize_file(engine, &path) } {
            Ok(component) => return Ok(Some(component)),
            Err(e) => tracing::warn!(
                "ignoring unusable cached artifact {}: {e:#}",
                path.display()
            ),
        }
    }
    let Some(bytes) = bytes else {
        return Ok(None);
    };
    let component = compile(bytes)?;
    if let Err(e) = write_cache(&path, &component) {
        tracing::warn!("cannot write the compile cache {}: {e}", path.display());
    }
    Ok(Some(component))
}

fn write_cache(path: &Path, component: &Component) -> std::io::Result<()> {
    let bytes = component
        .serialize()
        .map_err(|e| std::io::Error::other(format!("{e:#}")))?;
    write_atomic(path, &bytes, Durability::Cached)
}
