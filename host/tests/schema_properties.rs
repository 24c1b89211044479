//! Property tests for the host's input validation (issue #4, bad input): random JSON, and
//! objects built from the real schemas' field names with random values, go through
//! [`InputSchema`] compiled from every schema the Wrike connector declares. Every check ends in
//! `Ok` or an `invalid_input` error with a message and a field that points into the input —
//! never a panic.
//!
//! 64 cases per schema by default; `PROPTEST_CASES=10000` runs more.

use std::sync::LazyLock;

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use serde_json::{Map, Number, Value};

use connector_host::schema::InputSchema;
use connector_host::ErrorKind;
use wrike::catalog;

fn config() -> ProptestConfig {
    let mut c = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = 64;
    }
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

/// Every declared schema, compiled once.
static COMPILED: LazyLock<Vec<(&'static str, Value, InputSchema)>> = LazyLock::new(|| {
    schemas()
        .into_iter()
        .map(|(owner, schema)| {
            let compiled = InputSchema::compile(owner, &schema).expect("compiles");
            (owner, schema, compiled)
        })
        .collect()
});

/// Every input schema the connector declares, by owner name.
fn schemas() -> Vec<(&'static str, Value)> {
    // The schemas as the component's build script generates them (feature `schemas`).
    let generated = |s: &catalog::Schema| s.generated().expect("a typed schema");
    catalog::actions()
        .map(|a| (a.name, generated(&a.input_schema)))
        .chain(catalog::triggers().map(|t| (t.name, generated(&t.input_schema))))
        .chain(catalog::pick_lists().map(|p| (p.name, generated(&p.params_schema))))
        .collect()
}

fn arb_string() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "",
            ".",
            "..",
            "IEAAAAAQKQAB5BG5",
            "2024-01-15T11:00:00Z",
            "2024-13-45T99:99:99Z",
            "2024-01-15",
            "Active",
            "GET",
            "/tasks",
            "aGk=",
            "\u{0}\u{7f}",
            "💥",
        ])
        .prop_map(str::to_string),
        ".{0,16}",
        (200usize..3000).prop_map(|n| "é".repeat(n)),
    ]
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
        arb_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 5, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..5).prop_map(Value::Array),
            btree_map(".{0,6}", inner, 0..5).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Objects using the schema's own field names (and their nested ones), with random values.
fn shaped(schema: &Value) -> BoxedStrategy<Value> {
    let mut names: Vec<String> = Vec::new();
    collect_names(schema, &mut names);
    names.sort();
    names.dedup();
    names.push("unknownField".into());
    let value = prop_oneof![
        2 => arb_json(),
        1 => btree_map(prop::sample::select(names.clone()), arb_json(), 0..4)
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        1 => vec(arb_string().prop_map(Value::String), 0..4).prop_map(Value::Array),
    ];
    btree_map(prop::sample::select(names), value, 0..8)
        .prop_map(|m| Value::Object(m.into_iter().collect()))
        .boxed()
}

fn collect_names(schema: &Value, out: &mut Vec<String>) {
    match schema {
        Value::Object(m) => {
            if let Some(Value::Object(props)) = m.get("properties") {
                out.extend(props.keys().cloned());
            }
            m.values().for_each(|v| collect_names(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| collect_names(v, out)),
        _ => {}
    }
}

/// The error's field must name a place in `input`: nothing (the whole input), a member that is
/// there, or a member `schema` declares that is missing from an object that is there.
fn field_points_into(schema: &Value, input: &Value, field: &str) -> bool {
    if field.is_empty() {
        return true;
    }
    let mut declared = Vec::new();
    collect_names(schema, &mut declared);
    // Keys may contain dots themselves; try every way of splitting the path.
    fn walk(v: &Value, rest: &str, declared: &[String]) -> bool {
        if !(v.is_object() || v.is_array()) {
            return false;
        }
        let mut candidates: Vec<(&str, &str)> = vec![(rest, "")];
        for (i, _) in rest.match_indices('.') {
            candidates.push((&rest[..i], &rest[i + 1..]));
        }
        candidates.into_iter().any(|(head, tail)| {
            let child = match v {
                Value::Object(m) => m.get(head),
                Value::Array(a) => head.parse::<usize>().ok().and_then(|i| a.get(i)),
                _ => None,
            };
            match (child, tail.is_empty()) {
                // The last segment may be a missing required member of an object.
                (None, true) => v.is_object() && declared.iter().any(|d| d == head),
                (None, false) => false,
                (Some(_), true) => true,
                (Some(c), false) => walk(c, tail, declared),
            }
        })
    }
    walk(input, field, &declared)
}

fn check(
    owner: &str,
    schema: &Value,
    compiled: &InputSchema,
    input: &Value,
) -> core::result::Result<(), String> {
    match compiled.validate(input) {
        Ok(()) => Ok(()),
        Err(e) if e.kind != ErrorKind::InvalidInput => Err(format!("{owner}: {e:?}")),
        Err(e) => {
            let field = e.field.clone().unwrap_or_default();
            if e.field.is_none() || e.message.trim().is_empty() {
                return Err(format!("{owner}: no field or message in {e:?}"));
            }
            if !field_points_into(schema, input, &field) {
                return Err(format!("{owner}: field `{field}` is not in {input}"));
            }
            Ok(())
        }
    }
}

#[test]
fn every_declared_schema_compiles() {
    for (owner, schema) in schemas() {
        InputSchema::compile(owner, &schema).unwrap_or_else(|e| panic!("{owner}: {e}"));
    }
}

proptest! {
    #![proptest_config(config())]

    /// Random JSON values through every declared schema.
    #[test]
    fn random_json_is_ok_or_invalid_input(values in vec(arb_json(), 1..4)) {
        for (owner, schema, compiled) in COMPILED.iter() {
            for v in &values {
                if let Err(why) = check(owner, schema, compiled, v) {
                    prop_assert!(false, "{}", why);
                }
            }
        }
    }

    /// Objects made of each schema's field names with random values.
    #[test]
    fn schema_shaped_objects_are_ok_or_invalid_input(
        inputs in schemas().iter().map(|(_, s)| shaped(s)).collect::<Vec<_>>()
    ) {
        for ((owner, schema, compiled), v) in COMPILED.iter().zip(&inputs) {
            if let Err(why) = check(owner, schema, compiled, v) {
                prop_assert!(false, "{}", why);
            }
        }
    }
}

#[test]
fn errors_name_the_field() {
    // The property's own check, on known cases, so a check that accepted anything would fail.
    let schema = schemas()
        .into_iter()
        .find(|(n, _)| *n == "create_task")
        .expect("create_task is declared")
        .1;
    let compiled = InputSchema::compile("create_task", &schema).unwrap();
    let input = serde_json::json!({"folderId": "F", "title": "T", "dates": {"type": "Soon"}});
    let e = compiled.validate(&input).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("dates.type"));
    assert!(field_points_into(&schema, &input, "dates.type"));
    assert!(field_points_into(&schema, &input, "dates.duration"));
    assert!(field_points_into(&schema, &input, "description"));
    assert!(!field_points_into(&schema, &input, "dates.bogus"));
    assert!(!field_points_into(&schema, &input, "nowhere.type"));
    assert!(!field_points_into(&schema, &input, "title.type"));
    let mut m = Map::new();
    m.insert("a.b".into(), serde_json::json!({"type": 1}));
    assert!(field_points_into(&schema, &Value::Object(m), "a.b.type"));
}
