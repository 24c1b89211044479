//! The `connector-host` binary: see [`connector_host::cli`].

fn main() {
    std::process::exit(connector_host::cli::main());
}
