//! Fuzz bytes → a target (action, trigger or pick list) and its input JSON text (plus a trigger
//! cursor) → validation and request mapping, against an API that answers every request well.
//! Never a panic or an `internal` error; input the schema refuses is `invalid-input` with
//! nothing sent; every request stays inside the API base.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use wrike_connector::error::Error;
use wrike_connector_fuzz::{
    check_outcome, must_refuse, run, targets, valid_envelope, Scripted, Target,
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
    if must_refuse(schema, case.input) {
        assert!(
            matches!(outcome, Err(Error::InvalidInput { .. })),
            "{target:?} accepted input its schema refuses: {outcome:?}"
        );
        assert_eq!(env.sent, 0, "{target:?} sent a request for refused input");
    }
});
