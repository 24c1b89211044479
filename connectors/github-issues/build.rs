//! Generates the descriptor's JSON Schemas from the input and output types the tables name
//! (`src/types.rs`, included here as a module) and writes them deflated into `$OUT_DIR` for
//! [`embedded_schemas!`](connector_sdk::embedded_schemas): the schemas cannot drift from the
//! types the connector parses, and `schemars` stays out of the component. Each schema is also
//! written to `$OUT_DIR/schemas/<kind>.<name>.<role>.json`.

#[path = "src/types.rs"]
mod types;

use connector_sdk::schema::build::{write, Collector};

fn main() {
    let mut schemas = Collector::default();
    for (key, schema) in types::SCHEMAS {
        schemas.keyed(key, schema);
    }
    write(&schemas.finish());
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/types.rs");
}
