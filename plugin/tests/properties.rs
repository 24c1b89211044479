//! Property tests for bad input (issue #4): random and malformed input JSON goes through every
//! action's, trigger's and pick list's validation and request mapping, and random and malformed
//! Wrike responses go through their response mapping. Every call must end in `Ok` or a typed
//! [`Error`] — never a panic, never an `internal` error — and every request built on the way
//! must stay inside the connection's API base.
//!
//! 64 cases per property by default (each case covers every action, trigger and pick list);
//! `PROPTEST_CASES=10000 cargo test -p wrike-connector --test properties` runs more.

use std::collections::VecDeque;

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::string::string_regex;
use proptest::test_runner::RngSeed;
use serde_json::{json, Map, Number, Value};

use wrike_connector::catalog;
use wrike_connector::env::{Env, HttpRequest, HttpResponse, LogLevel, Scheme};
use wrike_connector::error::{Error, Result};
use wrike_connector::schema;
use wrike_connector::time::Timestamp;

const BASE: &str = "https://www.wrike.com/api/v4";
/// 2024-01-15T12:00:00Z.
const NOW: Timestamp = Timestamp::from_secs(1_705_320_000);
/// No call may send more requests than this (a loop that never ends is a bug too).
const MAX_REQUESTS: usize = 64;

fn config() -> ProptestConfig {
    let mut c = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = 64;
    }
    c.max_shrink_iters = 2048;
    // Every run has a known seed, printed with the output libtest shows on failure, so a
    // failing case found in CI can be replayed: `PROPTEST_RNG_SEED=<seed> cargo test …`.
    let seed = match c.rng_seed {
        RngSeed::Fixed(seed) => seed,
        RngSeed::Random => {
            use std::hash::{BuildHasher, Hasher};
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u128(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos()),
            );
            h.finish()
        }
    };
    c.rng_seed = RngSeed::Fixed(seed);
    eprintln!("proptest: PROPTEST_RNG_SEED={seed} replays this run");
    c
}

// ---------------------------------------------------------------------------------------------
// The environment: scripted answers, and a check of every request the connector builds.
// ---------------------------------------------------------------------------------------------

struct Scripted {
    /// Answered in order.
    script: VecDeque<HttpResponse>,
    /// Answered once the script has run out; `None` simulates a transport failure.
    fallback: Option<HttpResponse>,
    sent: usize,
}

impl Scripted {
    fn new(script: Vec<HttpResponse>, fallback: Option<HttpResponse>) -> Self {
        Scripted {
            script: script.into(),
            fallback,
            sent: 0,
        }
    }
}

/// A request must go to the connection's API base, carry no credential, and have header values
/// and a path that cannot be read as anything else.
fn check_request(req: &HttpRequest) {
    assert_eq!(req.scheme, Scheme::Https, "{req:?}");
    assert_eq!(req.authority, "www.wrike.com", "{req:?}");
    assert!(req.header("authorization").is_none(), "{req:?}");
    let pq = &req.path_with_query;
    assert!(pq.starts_with("/api/v4/"), "{pq}");
    assert!(
        pq.bytes().all(|b| b.is_ascii_graphic() && b != b'#'),
        "path with raw bytes: {pq:?}"
    );
    let path = pq.split('?').next().unwrap_or_default();
    for seg in path["/api/v4/".len()..].split('/') {
        let decoded = seg.to_ascii_lowercase().replace("%2e", ".");
        assert!(
            !seg.is_empty() && decoded != "." && decoded != "..",
            "request path escapes its resource: {pq}"
        );
    }
    for (name, value) in &req.headers {
        assert!(
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic() && b != b':'),
            "header name {name:?}"
        );
        assert!(
            value.bytes().all(|b| b == b' ' || b.is_ascii_graphic()),
            "header {name}: {value:?}"
        );
    }
}

impl Env for Scripted {
    fn send(&mut self, request: HttpRequest) -> Result<HttpResponse> {
        self.sent += 1;
        assert!(
            self.sent <= MAX_REQUESTS,
            "more than {MAX_REQUESTS} requests in one call: {request:?}"
        );
        check_request(&request);
        match self.script.pop_front().or_else(|| self.fallback.clone()) {
            Some(r) => Ok(r),
            None => Err(Error::Transport("scripted: no more answers".into())),
        }
    }

    fn log(&mut self, _: LogLevel, _: &str) {}

    fn now(&self) -> Timestamp {
        NOW
    }

    fn sleep(&mut self, _: u64) {}
}

fn response(status: u16, body: impl Into<Vec<u8>>) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![("content-type".into(), "application/json".into())],
        body: body.into(),
    }
}

/// A well-formed Wrike answer that every mapper can take something from.
fn valid_envelope() -> HttpResponse {
    response(
        200,
        json!({"kind": "tasks", "data": [{
            "id": "IEAAAAAQKQAB5BG5",
            "title": "T",
            "name": "N",
            "firstName": "F",
            "lastName": "L",
            "createdDate": "2024-01-15T11:00:00Z",
            "updatedDate": "2024-01-15T11:30:00Z",
            "url": "https://www.wrike.com/attachments/x",
            "customStatuses": [{"id": "IEAAAAAQJMAAAAAA", "name": "New"}],
        }]})
        .to_string(),
    )
}

// ---------------------------------------------------------------------------------------------
// Every input schema in the catalog.
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq)]
enum Target {
    Action(&'static str),
    Trigger(&'static str),
    PickList(&'static str),
}

fn targets() -> Vec<(Target, Value)> {
    let parse = |t: &str| serde_json::from_str::<Value>(t).expect("built-in schema parses");
    catalog::actions()
        .map(|a| (Target::Action(a.name), parse(a.input_schema)))
        .chain(catalog::triggers().map(|t| (Target::Trigger(t.name), parse(t.input_schema))))
        .chain(catalog::pick_lists().map(|p| (Target::PickList(p.name), parse(p.params_schema))))
        .collect()
}

/// Run `target` with `input` text (and a trigger `cursor`); `Ok` is the output as JSON text.
fn run(
    env: &mut Scripted,
    target: Target,
    input: &str,
    cursor: Option<&str>,
) -> Result<Vec<String>> {
    match target {
        Target::Action(name) => catalog::execute(env, BASE, name, input).map(|o| vec![o]),
        Target::Trigger(name) => catalog::poll(env, BASE, name, input, cursor).map(|r| {
            let mut out: Vec<String> = r.events.into_iter().map(|e| e.payload).collect();
            out.push(r.cursor);
            out
        }),
        Target::PickList(name) => catalog::pick_list(env, BASE, name, input).map(|list| {
            list.into_iter()
                .map(|o| json!({"label": o.label, "value": o.value}).to_string())
                .collect()
        }),
    }
}

/// What every call must satisfy, whatever it was given.
fn check_outcome(target: Target, outcome: &Result<Vec<String>>) {
    match outcome {
        Ok(texts) => {
            for t in texts {
                if matches!(target, Target::Trigger(_) | Target::Action(_)) {
                    serde_json::from_str::<Value>(t)
                        .unwrap_or_else(|e| panic!("{target:?}: output is not JSON ({e}): {t}"));
                }
            }
        }
        Err(Error::Internal(m)) => panic!("{target:?}: internal error: {m}"),
        Err(e) => {
            let message = match e {
                Error::InvalidInput { message, .. }
                | Error::RateLimited { message, .. }
                | Error::Upstream { message, .. } => message,
                Error::Unauthorized(m)
                | Error::Forbidden(m)
                | Error::NotFound(m)
                | Error::Transport(m)
                | Error::Internal(m) => m,
            };
            assert!(
                !message.trim().is_empty(),
                "{target:?}: empty message in {e:?}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Strategies: JSON values, schema-shaped inputs and their mutations.
// ---------------------------------------------------------------------------------------------

/// Strings that are likely to reach a corner: dates at the ends of the range, IDs, dot
/// segments, HTML, `|`-separated status names, control characters, long text.
fn tricky_string() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "",
            " ",
            ".",
            "..",
            "%2e%2e",
            "/",
            "\\",
            "?",
            "#",
            "Root",
            "IEAAAAAQKQAB5BG5",
            "2024-01-15T11:00:00Z",
            "2024-01-15T11:00:00.123456789123+05:30",
            "9999-12-31T23:59:59Z",
            "0000-01-01T00:00:00Z",
            "2024-02-30T00:00:00Z",
            "2024-01-15",
            "1970-01-01",
            "Default Workflow|New",
            "|",
            "a||b",
            "<p>x<br/>y</p>&amp;&#x1F600;&#99999999;&#;&",
            "<",
            "é",
            "\u{0}\r\n\t",
            "💥",
            "GET",
            "Active",
            "nextPageToken",
            "Parameter 'nextPageToken' value is invalid",
            "aGk=",
            "====",
            "-1",
            "1e400",
        ])
        .prop_map(str::to_string),
        ".{0,24}",
        "[ -~]{0,40}",
        (1usize..6000).prop_map(|n| "x".repeat(n)),
    ]
}

fn json_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-5i64..2000).prop_map(Value::from),
        any::<f64>().prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop::sample::select(vec![0.5, -0.0, 1e300, -1e300, 5e-324, 24.000001])
            .prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
    ]
}

/// Field names the connector reads, so random objects hit the mapping code.
fn json_key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "id", "title", "name", "kind", "data", "updatedDate", "createdDate", "completedDate",
            "nextPageToken", "responseSize", "customStatuses", "url", "error", "errorDescription",
            "type", "value", "start", "end", "v", "hw", "seen", "page", "token", "from", "recent",
            "profiles", "firstName", "lastName", "deleted", "project", "scope", "space", "hidden",
            "description", "briefDescription", "text", "contentType", "size", "color", "me",
        ])
        .prop_map(str::to_string),
        1 => ".{0,8}",
    ]
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        json_number(),
        tricky_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            btree_map(json_key(), inner, 0..6).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// `base` with the members of `alt` merged in (`required` lists and `properties` are unioned).
fn merge(base: &Map<String, Value>, alt: &Value) -> Value {
    let mut out = base.clone();
    out.remove("anyOf");
    out.remove("oneOf");
    for (k, v) in alt.as_object().into_iter().flatten() {
        match (k.as_str(), out.get_mut(k), v) {
            ("required", Some(Value::Array(have)), Value::Array(more)) => {
                for r in more {
                    if !have.contains(r) {
                        have.push(r.clone());
                    }
                }
            }
            ("properties", Some(Value::Object(have)), Value::Object(more)) => {
                for (pk, pv) in more {
                    have.insert(pk.clone(), pv.clone());
                }
            }
            _ => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    Value::Object(out)
}

fn string_for(s: &Map<String, Value>) -> BoxedStrategy<Value> {
    let min = s.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = s
        .get("maxLength")
        .and_then(Value::as_u64)
        .map_or(min + 24, |m| m as usize)
        .min(min + 24);
    let shaped: BoxedStrategy<String> = match (
        s.get("format").and_then(Value::as_str),
        s.get("pattern").and_then(Value::as_str),
    ) {
        (Some("date-time"), _) => prop_oneof![
            Just("2024-01-15T11:00:00Z".to_string()),
            string_regex(
                "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])[Tt ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,12})?(Z|z|[+-](0[0-9]|1[0-9]|2[0-3]):?[0-5][0-9])?"
            )
            .expect("regex"),
        ]
        .boxed(),
        _ if s.get("contentEncoding").and_then(Value::as_str) == Some("base64") => {
            vec(any::<u8>(), min.max(1)..64)
                .prop_map(|b| wrike_connector::base64::encode(&b))
                .boxed()
        }
        (Some("date"), _) => {
            string_regex("[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])").expect("regex").boxed()
        }
        (_, Some(p)) => {
            let p = p.trim_start_matches('^').trim_end_matches('$');
            match string_regex(p) {
                // IDs also get the values that could steer a path.
                Ok(r) if p.starts_with("[A-Za-z0-9_:.=-]") => prop_oneof![
                    4 => r,
                    1 => prop::sample::select(vec![".", "..", "...", "=", "IEAAAAAQKQAB5BG5"])
                        .prop_map(str::to_string),
                ]
                .boxed(),
                Ok(r) => r.boxed(),
                Err(e) => panic!("pattern {p} is not usable: {e}"),
            }
        }
        _ => prop_oneof![
            3 => string_regex(&format!("[A-Za-z0-9 |._-]{{{min},{max}}}")).expect("regex"),
            1 => string_regex(&format!(".{{{min},{max}}}")).expect("regex"),
            1 => tricky_string(),
        ]
        .boxed(),
    };
    shaped.prop_map(Value::String).boxed()
}

fn integer_for(s: &Map<String, Value>) -> BoxedStrategy<Value> {
    let lo = s
        .get("minimum")
        .and_then(Value::as_i64)
        .or_else(|| {
            s.get("exclusiveMinimum")
                .and_then(Value::as_i64)
                .map(|m| m + 1)
        })
        .unwrap_or(-10);
    let hi = s
        .get("maximum")
        .and_then(Value::as_i64)
        .or_else(|| {
            s.get("exclusiveMaximum")
                .and_then(Value::as_i64)
                .map(|m| m - 1)
        })
        .unwrap_or(lo.saturating_add(2000));
    (lo..=hi.max(lo)).prop_map(Value::from).boxed()
}

fn number_for(s: &Map<String, Value>) -> BoxedStrategy<Value> {
    let lo = s
        .get("minimum")
        .or_else(|| s.get("exclusiveMinimum"))
        .and_then(Value::as_f64)
        .unwrap_or(-10.0);
    let hi = s
        .get("maximum")
        .or_else(|| s.get("exclusiveMaximum"))
        .and_then(Value::as_f64)
        .unwrap_or(lo + 1000.0);
    prop_oneof![
        Just(Value::from(hi)),
        (lo..hi.max(lo + f64::EPSILON))
            .prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
    ]
    .boxed()
}

fn object_for(s: &Map<String, Value>, depth: u32) -> BoxedStrategy<Value> {
    let required: Vec<&str> = s
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut fields: Vec<BoxedStrategy<Option<(String, Value)>>> = Vec::new();
    for (name, sub) in s
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let is_required = required.contains(&name.as_str());
        let name = name.clone();
        let value = valid_for(sub, depth + 1).prop_map(move |v| (name.clone(), v));
        if is_required {
            fields.push(value.prop_map(Some).boxed());
        } else {
            fields.push(prop::option::weighted(0.4, value).boxed());
        }
    }
    let extra = match s.get("additionalProperties") {
        Some(sub @ Value::Object(_)) => {
            btree_map("[A-Za-z0-9]{1,12}", valid_for(sub, depth + 1), 0..3)
                .prop_map(|m| m.into_iter().collect::<Vec<_>>())
                .boxed()
        }
        _ => Just(Vec::new()).boxed(),
    };
    (fields, extra)
        .prop_map(|(fields, extra)| {
            let mut m: Map<String, Value> = fields.into_iter().flatten().collect();
            m.extend(extra);
            Value::Object(m)
        })
        .boxed()
}

/// Values shaped by `schema`: mostly valid, sometimes not (a `not`, `pattern` or combined
/// constraint the generator does not model) — the guest's validator has the last word.
fn valid_for(schema: &Value, depth: u32) -> BoxedStrategy<Value> {
    let Some(s) = schema.as_object() else {
        return arb_json().boxed();
    };
    if depth > 6 {
        return Just(Value::Null).boxed();
    }
    if let Some(Value::Array(options)) = s.get("enum") {
        return prop::sample::select(options.clone()).boxed();
    }
    if let Some(c) = s.get("const") {
        return Just(c.clone()).boxed();
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(alts)) = s.get(key) {
            let choices: Vec<BoxedStrategy<Value>> = alts
                .iter()
                .map(|a| valid_for(&merge(s, a), depth))
                .collect();
            return prop::strategy::Union::new(choices).boxed();
        }
    }
    match s.get("type") {
        Some(Value::Array(types)) => {
            let choices: Vec<BoxedStrategy<Value>> = types
                .iter()
                .map(|t| {
                    let mut one = s.clone();
                    one.insert("type".into(), t.clone());
                    valid_for(&Value::Object(one), depth)
                })
                .collect();
            prop::strategy::Union::new(choices).boxed()
        }
        Some(Value::String(t)) => match t.as_str() {
            "string" => string_for(s),
            "integer" => integer_for(s),
            "number" => number_for(s),
            "boolean" => any::<bool>().prop_map(Value::Bool).boxed(),
            "null" => Just(Value::Null).boxed(),
            "array" => {
                let items = s.get("items").cloned().unwrap_or(Value::Bool(true));
                let min = s.get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
                let max = s
                    .get("maxItems")
                    .and_then(Value::as_u64)
                    .map_or(min + 3, |m| m as usize)
                    .min(min + 3);
                let unique = s.get("uniqueItems") == Some(&Value::Bool(true));
                vec(valid_for(&items, depth + 1), min..=max)
                    .prop_map(move |mut a| {
                        if unique {
                            let mut seen = Vec::new();
                            a.retain(|v| {
                                let new = !seen.contains(v);
                                seen.push(v.clone());
                                new
                            });
                        }
                        Value::Array(a)
                    })
                    .boxed()
            }
            _ => object_for(s, depth),
        },
        _ if s.contains_key("properties") => object_for(s, depth),
        _ => arb_json().boxed(),
    }
}

/// One change to a JSON document, applied to the node numbered `at` (pre-order, modulo the
/// number of nodes).
#[derive(Clone, Debug)]
enum Mutation {
    Remove(usize),
    Replace(usize, Value),
    Garble(usize, String),
    AddKey(usize, String, Value),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Remove),
        (any::<usize>(), arb_json()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        (any::<usize>(), tricky_string()).prop_map(|(i, s)| Mutation::Garble(i, s)),
        (any::<usize>(), json_key(), arb_json()).prop_map(|(i, k, v)| Mutation::AddKey(i, k, v)),
    ]
}

fn count_nodes(v: &Value) -> usize {
    1 + match v {
        Value::Array(a) => a.iter().map(count_nodes).sum(),
        Value::Object(m) => m.values().map(count_nodes).sum(),
        _ => 0,
    }
}

/// Apply `f` to node `n` (pre-order) and its parent's slot: `f(parent, key-or-index, node)`.
fn with_node(v: &mut Value, n: &mut usize, f: &mut dyn FnMut(&mut Value) -> bool) -> bool {
    if *n == 0 {
        return f(v);
    }
    *n -= 1;
    match v {
        Value::Array(a) => a.iter_mut().any(|c| with_node(c, n, f)),
        Value::Object(m) => m.values_mut().any(|c| with_node(c, n, f)),
        _ => false,
    }
}

fn apply(v: &mut Value, m: &Mutation) {
    let nodes = count_nodes(v);
    match m {
        Mutation::Replace(i, new) => {
            with_node(v, &mut (i % nodes), &mut |node| {
                *node = new.clone();
                true
            });
        }
        Mutation::Garble(i, s) => {
            with_node(v, &mut (i % nodes), &mut |node| {
                *node = match node {
                    Value::String(old) => Value::String(format!("{old}{s}")),
                    _ => Value::String(s.clone()),
                };
                true
            });
        }
        Mutation::AddKey(i, k, new) => {
            with_node(v, &mut (i % nodes), &mut |node| match node {
                Value::Object(o) => {
                    o.insert(k.clone(), new.clone());
                    true
                }
                Value::Array(a) => {
                    a.push(new.clone());
                    true
                }
                _ => false,
            });
        }
        Mutation::Remove(i) => {
            // Remove a child of the node: a member of an object or an item of an array.
            let pick = *i;
            with_node(v, &mut (i % nodes), &mut |node| match node {
                Value::Object(o) if !o.is_empty() => {
                    let key = o.keys().nth(pick % o.len()).cloned().unwrap_or_default();
                    o.remove(&key);
                    true
                }
                Value::Array(a) if !a.is_empty() => {
                    a.remove(pick % a.len());
                    true
                }
                _ => false,
            });
        }
    }
}

/// Input text for a call: random JSON, a schema-shaped value with mutations, or broken text.
fn input_text(schema: &Value) -> BoxedStrategy<String> {
    let shaped = valid_for(schema, 0);
    prop_oneof![
        2 => arb_json().prop_map(|v| v.to_string()),
        4 => (shaped.clone(), vec(mutation(), 0..4)).prop_map(|(mut v, ms)| {
            for m in &ms {
                apply(&mut v, m);
            }
            v.to_string()
        }),
        1 => (shaped, any::<prop::sample::Index>()).prop_map(|(v, i)| {
            let t = v.to_string();
            let cut = i.index(t.len() + 1);
            String::from_utf8_lossy(&t.as_bytes()[..cut]).into_owned()
        }),
        1 => vec(any::<u8>(), 0..40).prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        1 => prop::sample::select(vec!["", " ", "null", "[]", "{}", "{", "\"x\"", "1e999", "{\"a\":1,\"a\":2}"])
            .prop_map(str::to_string),
    ]
    .boxed()
}

/// A value the guest's validator accepts (a schema-shaped value, filtered).
fn valid_input(schema: &Value) -> BoxedStrategy<Value> {
    let s = schema.clone();
    valid_for(schema, 0)
        .prop_filter("accepted by the guest's validator", move |v| {
            schema::validate(&s, v).is_ok()
        })
        .boxed()
}

// ---------------------------------------------------------------------------------------------
// Strategies: Wrike responses.
// ---------------------------------------------------------------------------------------------

/// Items the mappers know how to read, with fields that are sometimes right and sometimes not.
fn wrike_item() -> impl Strategy<Value = Value> {
    let field_value = prop_oneof![
        3 => tricky_string().prop_map(Value::String),
        1 => arb_json(),
    ];
    btree_map(json_key(), field_value, 0..8).prop_map(|m| Value::Object(m.into_iter().collect()))
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    let envelope = (
        prop::option::of(arb_json()),
        vec(prop_oneof![2 => wrike_item(), 1 => arb_json()], 0..5),
        prop::option::of(prop_oneof![
            tricky_string().prop_map(Value::String),
            arb_json()
        ]),
        prop::option::of(json_number()),
        btree_map(json_key(), arb_json(), 0..3),
    )
        .prop_map(|(kind, data, token, size, extra)| {
            let mut m: Map<String, Value> = extra.into_iter().collect();
            if let Some(k) = kind {
                m.insert("kind".into(), k);
            }
            m.insert("data".into(), Value::Array(data));
            if let Some(t) = token {
                m.insert("nextPageToken".into(), t);
            }
            if let Some(n) = size {
                m.insert("responseSize".into(), n);
            }
            Value::Object(m).to_string().into_bytes()
        })
        .boxed();
    let error_envelope = (
        prop::option::of(prop_oneof![
            tricky_string().prop_map(Value::String),
            arb_json()
        ]),
        prop::option::of(prop_oneof![
            tricky_string().prop_map(Value::String),
            arb_json()
        ]),
        btree_map(json_key(), arb_json(), 0..3),
    )
        .prop_map(|(d, e, extra)| {
            let mut m: Map<String, Value> = extra.into_iter().collect();
            if let Some(d) = d {
                m.insert("errorDescription".into(), d);
            }
            if let Some(e) = e {
                m.insert("error".into(), e);
            }
            Value::Object(m).to_string().into_bytes()
        });
    let text = prop::sample::select(vec![
        "",
        "null",
        "{}",
        "[]",
        "{\"data\":null}",
        "{\"data\":{}}",
        "{\"data\":[null,1,\"x\",[]]}",
        "{\"kind\":\"tasks\",\"data\":[],\"responseSize\":184467440737095516160}",
        "{\"kind\":\"tasks\",\"data\":[{\"id\":1e400}]}",
        "{\"kind\":\"tasks\",\"data\":[],\"nextPageToken\":7}",
        "{\"kind\":\"tasks\",\"data\":[],\"nextPageToken\":\"\"}",
        "{\"kind\":\"tasks\",\"data\":[],\"nextPageToken\":null}",
        "{\"kind\":\"tasks\",\"data\":[{\"id\":\"A\",\"updatedDate\":\"9999-12-31T23:59:59Z\"}],\"nextPageToken\":\"T\"}",
        "{\"kind\":\"tasks\",\"data\":[{\"id\":\"A\",\"updatedDate\":\"0000-01-01T00:00:00Z\"}]}",
        "{\"errorDescription\":\"Parameter 'nextPageToken' value is invalid\",\"error\":\"invalid_parameter\"}",
        "<html><body>Bad Gateway</body></html>",
    ])
    .prop_map(|s| s.as_bytes().to_vec());
    let valid = Just(valid_envelope().body);
    prop_oneof![
        4 => envelope.clone(),
        2 => error_envelope,
        2 => text,
        1 => valid,
        1 => arb_json().prop_map(|v| v.to_string().into_bytes()),
        1 => vec(any::<u8>(), 0..64),
        // Truncated JSON.
        1 => (envelope.clone(), any::<prop::sample::Index>()).prop_map(|(b, i)| {
            let cut = i.index(b.len());
            b[..cut].to_vec()
        }),
        // Not UTF-8: a byte of a valid body replaced by 0xFF / 0xC3.
        1 => (envelope, any::<prop::sample::Index>(), prop::sample::select(vec![0xFFu8, 0xC3, 0x80]))
            .prop_map(|(mut b, i, x)| {
                let at = i.index(b.len());
                b[at] = x;
                b
            }),
    ]
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        3 => Just(200u16),
        1 => prop::sample::select(vec![201u16, 204, 300, 400, 401, 403, 404, 429, 500, 502, 503]),
        2 => 100u16..600,
    ]
}

fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    let content_type = prop::sample::select(vec![
        "application/json",
        "application/json; charset=utf-8",
        "text/html",
        "application/octet-stream",
        "",
    ]);
    let retry_after = prop_oneof![
        prop::sample::select(vec![
            "7",
            "0",
            "-5",
            "1.5",
            "1e308",
            "NaN",
            "inf",
            "99999999999999999999999",
            "Tue, 14 Nov 2023 22:13:50 GMT",
            "Fri, 31 Dec 9999 23:59:59 GMT",
            "Thu, 01 Jan 1970 00:00:00 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun, 32 Foo 99999 99:99:99 GMT",
        ])
        .prop_map(str::to_string),
        ".{0,30}",
    ];
    (
        prop::option::of(content_type),
        prop::option::of(retry_after),
        btree_map("[a-zA-Z-]{1,12}", ".{0,20}", 0..3),
    )
        .prop_map(|(ct, ra, extra)| {
            let mut h: Vec<(String, String)> = extra.into_iter().collect();
            if let Some(ct) = ct {
                h.push(("Content-Type".into(), ct.to_string()));
            }
            if let Some(ra) = ra {
                h.push(("Retry-After".into(), ra));
            }
            h
        })
}

fn wrike_response() -> impl Strategy<Value = HttpResponse> {
    (status(), headers(), body()).prop_map(|(status, headers, body)| HttpResponse {
        status,
        headers,
        body,
    })
}

/// A trigger cursor: absent, random text, or one shaped like the connector's with its parts
/// dropped, retyped or pushed to the ends of the calendar.
fn cursor() -> impl Strategy<Value = Option<String>> {
    let ts = prop_oneof![
        3 => tricky_string().prop_map(Value::String),
        1 => arb_json(),
    ];
    let shaped = (
        prop::option::of(prop_oneof![3 => Just(json!(1)), 1 => arb_json()]),
        prop::option::of(ts.clone()),
        prop::option::of(prop_oneof![
            vec(tricky_string().prop_map(Value::String), 0..4).prop_map(Value::Array),
            arb_json(),
        ]),
        prop::option::of(prop_oneof![
            (
                prop::option::of(ts.clone()),
                prop::option::of(tricky_string())
            )
                .prop_map(|(s, t)| json!({"start": s, "token": t})),
            arb_json(),
        ]),
        prop::option::of(ts.clone()),
        prop::option::of(prop_oneof![
            btree_map(tricky_string(), ts, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            arb_json(),
        ]),
    )
        .prop_map(|(v, hw, seen, page, from, recent)| {
            let mut m = Map::new();
            for (k, x) in [
                ("v", v),
                ("hw", hw),
                ("seen", seen),
                ("page", page),
                ("from", from),
                ("recent", recent),
            ] {
                if let Some(x) = x {
                    m.insert(k.into(), x);
                }
            }
            Value::Object(m).to_string()
        });
    prop_oneof![
        2 => Just(None),
        4 => shaped.prop_map(Some),
        1 => arb_json().prop_map(|v| Some(v.to_string())),
        1 => tricky_string().prop_map(Some),
    ]
}

/// Cursors for the response properties: mostly none or well-formed (so the answer is read),
/// sometimes malformed.
fn usable_cursor() -> impl Strategy<Value = Option<String>> {
    let valid = prop::sample::select(vec![
        r#"{"v":1,"hw":"2024-01-15T11:00:00Z","seen":[]}"#,
        r#"{"v":1,"hw":"2024-01-15T11:30:00Z","seen":["IEAAAAAQKQAB5BG5@2024-01-15T11:30:00Z"]}"#,
        r#"{"v":1,"hw":"2024-01-15T11:00:00Z","seen":[],"page":{"start":"2024-01-15T10:00:00Z","token":"T"}}"#,
        r#"{"v":1,"hw":"9999-12-31T23:59:59Z","seen":[]}"#,
        r#"{"v":1,"from":"2024-01-01T00:00:00Z","recent":{}}"#,
        r#"{"v":1,"from":"2024-01-15T11:50:00Z","recent":{"IEAGT6KAIMGALS45":"2024-01-15T11:55:00Z"}}"#,
        r#"{"v":1,"from":"0000-01-01T00:00:00Z","recent":{}}"#,
        r#"{"v":1,"from":"9999-12-31T23:59:59Z","recent":{}}"#,
    ])
    .prop_map(|c| Some(c.to_string()));
    prop_oneof![3 => Just(None), 3 => valid, 1 => cursor()]
}

// ---------------------------------------------------------------------------------------------
// Properties.
// ---------------------------------------------------------------------------------------------

/// Every target with a strategy built from its schema.
fn per_target<S: Strategy>(f: impl Fn(&Value) -> S) -> (Vec<Target>, Vec<S>) {
    targets().into_iter().map(|(t, s)| (t, f(&s))).unzip()
}

/// What the guest's validator makes of input text — `Err` exactly when the call must fail with
/// `invalid-input` before anything is sent.
fn expected_validity(schema: &Value, text: &str) -> core::result::Result<(), ()> {
    let value: Value = if text.trim().is_empty() {
        Value::Object(Map::new())
    } else {
        serde_json::from_str(text).map_err(|_| ())?
    };
    schema::validate(schema, &value).map_err(|_| ())?;
    if value.is_object() {
        Ok(())
    } else {
        Err(())
    }
}

#[test]
fn every_target_has_a_schema_shaped_valid_input() {
    // The response properties below need inputs that pass validation for every target; make
    // sure the generator can produce one (else those properties would silently test nothing).
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    for (target, schema) in targets() {
        let strategy = valid_for(&schema, 0);
        let found = (0..500).any(|_| {
            let v = strategy.new_tree(&mut runner).expect("generates").current();
            schema::validate(&schema, &v).is_ok()
        });
        assert!(found, "{target:?}: no valid input in 500 tries");
    }
}

proptest! {
    #![proptest_config(config())]

    /// (a) Random and malformed input, against an API that answers every request well: a typed
    /// error or `Ok`; input the schema rejects is `invalid-input` with nothing sent.
    #[test]
    fn malformed_input_is_a_typed_error(
        (targets, inputs) in Just(per_target(input_text)).prop_flat_map(|(t, s)| (Just(t), s)),
        cursors in vec(cursor(), 8),
    ) {
        let schemas = targets_schemas();
        for (i, (target, input)) in targets.iter().zip(&inputs).enumerate() {
            let mut env = Scripted::new(Vec::new(), Some(valid_envelope()));
            let cursor = cursors[i % cursors.len()].as_deref();
            let outcome = run(&mut env, *target, input, cursor);
            check_outcome(*target, &outcome);
            if expected_validity(&schemas[i], input).is_err() {
                prop_assert!(
                    matches!(outcome, Err(Error::InvalidInput { .. })),
                    "{:?} accepted input its schema rejects: {} -> {:?}", target, input, outcome
                );
                prop_assert_eq!(env.sent, 0, "{:?} sent a request for invalid input {}", target, input);
            }
        }
    }

    /// (b) Valid input, random and malformed Wrike responses: a typed error or `Ok`; statuses
    /// with a meaning of their own map to their error kind.
    #[test]
    fn malformed_responses_are_a_typed_error(
        (targets, inputs) in Just(per_target(valid_input)).prop_flat_map(|(t, s)| (Just(t), s)),
        scripts in vec(vec(wrike_response(), 1..4), 8),
        fallback in prop::option::weighted(0.3, Just(valid_envelope())),
        cursors in vec(usable_cursor(), 8),
    ) {
        for (i, (target, input)) in targets.iter().zip(&inputs).enumerate() {
            let script = &scripts[i % scripts.len()];
            let mut env = Scripted::new(script.clone(), fallback.clone());
            let cursor = cursors[i % cursors.len()].as_deref();
            let outcome = run(&mut env, *target, &input.to_string(), cursor);
            check_outcome(*target, &outcome);
            if env.sent == 0 {
                continue;
            }
            let first = script[0].status;
            let kind_ok = match first {
                401 => matches!(outcome, Err(Error::Unauthorized(_))),
                403 => matches!(outcome, Err(Error::Forbidden(_))),
                404 => matches!(outcome, Err(Error::NotFound(_))),
                429 => matches!(outcome, Err(Error::RateLimited { .. })),
                _ => true,
            };
            prop_assert!(kind_ok, "{:?}: HTTP {} became {:?}", target, first, outcome);
        }
    }
}

/// Schema-shaped values with a few mutations: near misses of valid input.
fn near_miss(schema: &Value) -> BoxedStrategy<Value> {
    (valid_for(schema, 0), vec(mutation(), 0..3))
        .prop_map(|(mut v, ms)| {
            for m in &ms {
                apply(&mut v, m);
            }
            v
        })
        .boxed()
}

proptest! {
    #![proptest_config(config())]

    /// The guest never refuses what the host's validator (formats checked) accepts, so a call
    /// the host lets through is never turned away by the guest for its shape.
    #[test]
    fn the_guest_is_never_stricter_than_the_host(
        (targets, values) in Just(per_target(near_miss)).prop_flat_map(|(t, s)| (Just(t), s)),
    ) {
        for ((target, value), schema) in targets.iter().zip(&values).zip(targets_schemas()) {
            let host = jsonschema::draft202012::options()
                .should_validate_formats(true)
                .build(&schema)
                .expect("schema compiles");
            if host.is_valid(value) {
                let guest = schema::validate(&schema, value);
                prop_assert!(
                    guest.is_ok(),
                    "{:?}: the host accepts {} but the guest says {:?}", target, value, guest
                );
            }
        }
    }
}

fn targets_schemas() -> Vec<Value> {
    targets().into_iter().map(|(_, s)| s).collect()
}
