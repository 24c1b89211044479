//! Injected faults: rate limiting, server errors, bad gateways, 401s, slow and truncated answers.

use std::time::Duration;

use fake_wrike::Fault;
use serde_json::Value;

use crate::start;

#[test]
fn injected_faults() {
    let (w, api) = start();
    w.inject(
        Fault::RateLimited {
            retry_after_secs: Some(7),
        },
        2,
    );
    for _ in 0..2 {
        let r = api.get("/contacts", &[]);
        r.err(429, "too_many_requests");
        assert_eq!(r.headers.get("retry-after").unwrap(), "7");
    }
    api.get("/contacts", &[]).ok();

    w.inject(
        Fault::RateLimited {
            retry_after_secs: None,
        },
        1,
    );
    let r = api.get("/contacts", &[]);
    r.err(429, "too_many_requests");
    assert!(r.headers.get("retry-after").is_none());

    w.inject(Fault::ServerError, 1);
    api.get("/contacts", &[]).err(500, "server_error");
    w.inject(Fault::BadGateway, 1);
    let r = api.get("/contacts", &[]);
    assert_eq!(r.status, 502);
    assert_eq!(r.json, Value::Null, "502 body is not JSON");
    w.inject(Fault::Unauthorized, 1);
    api.get("/contacts", &[]).err(401, "not_authorized");

    w.inject(Fault::SlowResponse(Duration::from_millis(300)), 1);
    let t = std::time::Instant::now();
    api.get("/contacts", &[]).ok();
    assert!(t.elapsed() >= Duration::from_millis(300));

    w.inject(Fault::TruncatedBody, 1);
    let r = api
        .http
        .get(format!("{}/contacts", w.base_url()))
        .bearer_auth(fake_wrike::TEST_TOKEN)
        .send();
    let failed = match r {
        Err(_) => true,
        Ok(resp) => resp.bytes().is_err(),
    };
    assert!(failed, "a truncated body must fail to read");
    api.get("/contacts", &[]).ok();

    w.inject(Fault::ServerError, 5);
    w.clear_faults();
    api.get("/contacts", &[]).ok();

    // Every request was recorded, faulted ones too.
    let reqs = w.requests();
    assert!(reqs.len() >= 10);
    assert_eq!(reqs[0].method, "GET");
    assert_eq!(reqs[0].path, "/api/v4/contacts");
    assert_eq!(reqs[0].header("authorization"), Some("Bearer test-token"));
    w.clear_requests();
    assert!(w.requests().is_empty());
}
