//! The `connector-host` binary: the command line over the `connector_host` library. The
//! arguments ([`args`]), the commands ([`cli`]), building the connector from them ([`setup`])
//! and the interactive `connect` command ([`connect`]) live here, so the library an embedding
//! application links has neither clap nor terminal prompts.

mod args;
mod catalog_md;
mod cli;
mod connect;
mod sections;
mod setup;

fn main() {
    // Errors a guest provokes must not make the host capture (and later resolve) native
    // backtraces: with RUST_BACKTRACE=1 that cost hundreds of MB in a debug build. Panics still
    // print theirs; RUST_LIB_BACKTRACE=1 turns error backtraces back on for debugging.
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        // Set before any thread starts (safe in edition 2021).
        std::env::set_var("RUST_LIB_BACKTRACE", "0");
    }
    std::process::exit(cli::main());
}
