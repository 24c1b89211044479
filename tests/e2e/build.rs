//! Generates `foreach_scenario!` from the hostile guest's scenario list
//! (`tests/guest-programs/src/scenarios/mod.rs`, `NAMES`), so the sandbox tests can require a
//! test for every scenario: a scenario added without one does not compile.

use std::path::Path;

fn main() {
    let list = Path::new(env!("CARGO_MANIFEST_DIR")).join("../guest-programs/src/scenarios/mod.rs");
    println!("cargo:rerun-if-changed={}", list.display());
    let text = std::fs::read_to_string(&list).expect("the hostile guest's scenario list");
    let start = text
        .find("pub const NAMES: &[&str] = &[")
        .expect("`pub const NAMES` in scenarios/mod.rs");
    let body = &text[start..];
    let body = &body[..body.find("];").expect("the end of NAMES")];
    let names: Vec<&str> = body
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|n| !n.is_empty())
        .collect();
    assert!(
        !names.is_empty(),
        "no scenario names found in {}",
        list.display()
    );
    let calls: String = names
        .iter()
        .map(|n| format!("        $mac!({n});\n"))
        .collect();
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("scenarios.rs");
    std::fs::write(
        out,
        format!(
            "/// Calls `$mac!(name)` for every hostile guest scenario.\n\
             #[macro_export]\nmacro_rules! foreach_scenario {{\n    ($mac:ident) => {{\n{calls}    }};\n}}\n"
        ),
    )
    .unwrap();
}
