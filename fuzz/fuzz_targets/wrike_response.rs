//! Fuzz bytes → a target (action, trigger or pick list) with a valid input (a minimal one plus
//! fuzzer-chosen members) and a script of raw Wrike responses (status, headers, body bytes) →
//! response mapping. Never a panic or an `internal` error; 401/403/404/429 keep their meaning.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use wrike::env::HttpResponse;
use wrike::error::Error;
use wrike_connector_fuzz::{
    check_outcome, run, targets_with_valid_inputs, valid_input, Scripted, Target,
};

#[derive(Arbitrary, Debug)]
struct Response<'a> {
    status: u16,
    content_type: Option<&'a str>,
    retry_after: Option<&'a str>,
    body: &'a [u8],
}

#[derive(Arbitrary, Debug)]
struct Case<'a> {
    target: u8,
    overrides: &'a str,
    cursor: Option<&'a str>,
    responses: Vec<Response<'a>>,
}

fuzz_target!(|case: Case<'_>| {
    static TARGETS: OnceLock<Vec<(Target, serde_json::Value)>> = OnceLock::new();
    let all = TARGETS.get_or_init(targets_with_valid_inputs);
    let (target, schema) = &all[usize::from(case.target) % all.len()];
    let input = valid_input(schema, case.overrides).to_string();
    let script: Vec<HttpResponse> = case
        .responses
        .iter()
        .map(|r| {
            let mut headers = Vec::new();
            if let Some(ct) = r.content_type {
                headers.push(("Content-Type".to_string(), ct.to_string()));
            }
            if let Some(ra) = r.retry_after {
                headers.push(("Retry-After".to_string(), ra.to_string()));
            }
            HttpResponse {
                status: 100 + r.status % 500,
                headers,
                body: r.body.to_vec(),
            }
        })
        .collect();
    let first = script.first().map(|r| r.status);
    let mut env = Scripted::new(script, None);
    let outcome = run(&mut env, *target, &input, case.cursor);
    check_outcome(*target, &outcome);
    if env.sent > 0 {
        let kept = match first {
            Some(401) => matches!(outcome, Err(Error::Unauthorized(_))),
            Some(403) => matches!(outcome, Err(Error::Forbidden(_))),
            Some(404) => matches!(outcome, Err(Error::NotFound(_))),
            Some(429) => matches!(outcome, Err(Error::RateLimited { .. })),
            _ => true,
        };
        assert!(kept, "{target:?}: HTTP {first:?} became {outcome:?}");
    }
});
