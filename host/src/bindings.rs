//! Host-side bindings for the `plugin` world in `wit/connector.wit`.
//!
//! The `wasi:*` imports are mapped onto wasmtime-wasi and wasmtime-wasi-http's own bindings, so
//! only the project's `types`, `host` and `connector` interfaces are generated here.
#![allow(missing_docs)]

wasmtime::component::bindgen!({
    path: "../wit",
    world: "plugin",
    exports: { default: async },
    with: {
        "wasi:http": wasmtime_wasi_http::p2::bindings::http,
        "wasi:io": wasmtime_wasi::p2::bindings::io,
        "wasi:clocks": wasmtime_wasi::p2::bindings::clocks,
    },
});
