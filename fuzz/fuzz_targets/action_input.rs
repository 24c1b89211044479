//! Fuzz bytes → a target (action, trigger or pick list) and its input JSON text (plus a trigger
//! cursor) → validation and request mapping, against an API that answers every request well.
//! Never a panic or an `internal` error; input the host's validator accepts is never refused
//! by the guest as `invalid-input` (the host is the one validator, the guest only parses);
//! every request stays inside the API base.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use wrike::error::Error;
use wrike_connector_fuzz::{
    check_outcome, host_accepts_text, run, targets, valid_envelope, Scripted, Target,
};

#[derive(Arbitrary, Debug)]
struct Case<'a> {
    target: u8,
    cursor: Option<&'a str>,
    input: &'a str,
}

fuzz_target!(|case: Case<'_>| {
    static TARGETS: OnceLock<Vec<(Target, serde_json::Value)>> = OnceLock::new();
    let all = TARGETS.get_or_init(targets);
    let (target, schema) = &all[usize::from(case.target) % all.len()];
    let mut env = Scripted::new(Vec::new(), Some(valid_envelope()));
    let outcome = run(&mut env, *target, case.input, case.cursor);
    check_outcome(*target, &outcome);
    if host_accepts_text(schema, case.input) {
        assert!(
            !matches!(outcome, Err(Error::InvalidInput { .. })),
            "{target:?} refused input the host accepts: {outcome:?}"
        );
    }
});
