//! Generates the descriptor's JSON Schemas from the input and output types in `wrike-types`
//! and writes each to `$OUT_DIR/schemas/<name>.json`, which the crate embeds with
//! [`schema!`](src/lib.rs): `describe` costs nothing at run time, and the schemas cannot drift
//! from the types the guest parses.

use std::path::PathBuf;

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR")).join("schemas");
    std::fs::create_dir_all(&out).expect("create $OUT_DIR/schemas");
    for (name, schema) in wrike_types::schemas() {
        let text = serde_json::to_string(&schema).expect("schema serialises");
        let path = out.join(format!("{name}.json"));
        // Unchanged files keep their modification time, so the crate is not rebuilt for nothing.
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, text).expect("write schema");
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}
