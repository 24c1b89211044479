//! Generates the descriptor's JSON Schemas from the input and output types the `wrike` crate's
//! tables name, and writes them deflated into `$OUT_DIR` for
//! [`embedded_schemas!`](connector_sdk::embedded_schemas): `describe` costs one inflate, the
//! schemas cannot drift from the types the connector parses, and `schemars` stays out of the
//! component. Each schema is also written to `$OUT_DIR/schemas/<kind>.<name>.<role>.json`.

use connector_sdk::schema::build::{write, Collector};

fn main() {
    let mut schemas = Collector::default();
    schemas.actions(wrike::catalog::actions());
    schemas.triggers(wrike::catalog::triggers());
    schemas.webhook_triggers(wrike::triggers::webhooks::TRIGGERS);
    schemas.pick_lists(wrike::catalog::pick_lists());
    write(&schemas.finish());
    println!("cargo:rerun-if-changed=build.rs");
}
