//! Strategies for the property tests: Wrike responses and trigger cursors.

#![allow(dead_code)]

use super::inputs::{arb_json, json_key, json_number, tricky_string};
use super::valid_envelope;
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use serde_json::{json, Map, Value};
use wrike::env::HttpResponse;

// ---------------------------------------------------------------------------------------------
// Strategies: Wrike responses.
// ---------------------------------------------------------------------------------------------

/// Items the mappers know how to read, with fields that are sometimes right and sometimes not.
pub fn wrike_item() -> impl Strategy<Value = Value> {
    let field_value = prop_oneof![
        3 => tricky_string().prop_map(Value::String),
        1 => arb_json(),
    ];
    btree_map(json_key(), field_value, 0..8).prop_map(|m| Value::Object(m.into_iter().collect()))
}

pub fn body() -> impl Strategy<Value = Vec<u8>> {
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

pub fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        3 => Just(200u16),
        1 => prop::sample::select(vec![201u16, 204, 300, 400, 401, 403, 404, 429, 500, 502, 503]),
        2 => 100u16..600,
    ]
}

pub fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
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

pub fn wrike_response() -> impl Strategy<Value = HttpResponse> {
    (status(), headers(), body()).prop_map(|(status, headers, body)| HttpResponse {
        status,
        headers,
        body,
    })
}

/// A trigger cursor: absent, random text, or one shaped like the connector's with its parts
/// dropped, retyped or pushed to the ends of the calendar.
pub fn cursor() -> impl Strategy<Value = Option<String>> {
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
pub fn usable_cursor() -> impl Strategy<Value = Option<String>> {
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
