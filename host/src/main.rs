//! The `connector-host` binary: see [`connector_host::cli`].

fn main() {
    // Errors a guest provokes must not make the host capture (and later resolve) native
    // backtraces: with RUST_BACKTRACE=1 that cost hundreds of MB in a debug build. Panics still
    // print theirs; RUST_LIB_BACKTRACE=1 turns error backtraces back on for debugging.
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        // Set before any thread starts (safe in edition 2021).
        std::env::set_var("RUST_LIB_BACKTRACE", "0");
    }
    std::process::exit(connector_host::cli::main());
}
