//! Strategies for the property tests: JSON values, schema-shaped inputs and their mutations.

#![allow(dead_code)]

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::string::string_regex;
use serde_json::{Map, Number, Value};

// ---------------------------------------------------------------------------------------------
// Strategies: JSON values, schema-shaped inputs and their mutations.
// ---------------------------------------------------------------------------------------------

/// Strings that are likely to reach a corner: dates at the ends of the range, IDs, dot
/// segments, HTML, `|`-separated status names, control characters, long text.
pub fn tricky_string() -> impl Strategy<Value = String> {
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

pub fn json_number() -> impl Strategy<Value = Value> {
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
pub fn json_key() -> impl Strategy<Value = String> {
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

pub fn arb_json() -> impl Strategy<Value = Value> {
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
pub fn merge(base: &Map<String, Value>, alt: &Value) -> Value {
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

pub fn string_for(s: &Map<String, Value>) -> BoxedStrategy<Value> {
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
                .prop_map(|b| wrike::base64::encode(&b))
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

pub fn integer_for(s: &Map<String, Value>) -> BoxedStrategy<Value> {
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

pub fn number_for(s: &Map<String, Value>) -> BoxedStrategy<Value> {
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

pub fn object_for(s: &Map<String, Value>, depth: u32) -> BoxedStrategy<Value> {
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
pub fn valid_for(schema: &Value, depth: u32) -> BoxedStrategy<Value> {
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
pub enum Mutation {
    Remove(usize),
    Replace(usize, Value),
    Garble(usize, String),
    AddKey(usize, String, Value),
}

pub fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Remove),
        (any::<usize>(), arb_json()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        (any::<usize>(), tricky_string()).prop_map(|(i, s)| Mutation::Garble(i, s)),
        (any::<usize>(), json_key(), arb_json()).prop_map(|(i, k, v)| Mutation::AddKey(i, k, v)),
    ]
}

pub fn count_nodes(v: &Value) -> usize {
    1 + match v {
        Value::Array(a) => a.iter().map(count_nodes).sum(),
        Value::Object(m) => m.values().map(count_nodes).sum(),
        _ => 0,
    }
}

/// Apply `f` to node `n` (pre-order) and its parent's slot: `f(parent, key-or-index, node)`.
pub fn with_node(v: &mut Value, n: &mut usize, f: &mut dyn FnMut(&mut Value) -> bool) -> bool {
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

pub fn apply(v: &mut Value, m: &Mutation) {
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
pub fn input_text(schema: &Value) -> BoxedStrategy<String> {
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

/// The host's validator for `schema` (draft 2020-12, formats checked): the one validator.
pub fn host(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("schema compiles")
}

/// A value the host's validator accepts (a schema-shaped value, filtered).
pub fn valid_input(schema: &Value) -> BoxedStrategy<Value> {
    let host = host(schema);
    valid_for(schema, 0)
        .prop_filter("accepted by the host's validator", move |v| {
            host.is_valid(v)
        })
        .boxed()
}
