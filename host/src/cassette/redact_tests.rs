//! Every cassette a hostile component and an echoing server could produce, scanned byte for
//! byte for every form of the secret.

use super::super::forms::forms;
use super::super::{Cassette, Exchange};
use super::*;
use base64::Engine as _;

const SECRET: &str = "Tok3n-SeCrEt_abc.XYZ~987+end";

/// Places `payload` everywhere a component or a server can put text.
fn exchange(redactor: &Redactor, payload: &[u8], prefix: usize) -> Exchange {
    let text = String::from_utf8_lossy(payload).into_owned();
    let mut body = vec![0xffu8; prefix];
    body.extend_from_slice(payload);
    let (mut parts, ()) = http::Request::builder()
        .method("POST")
        .uri(format!(
            "http://h.test/api/v4/x/{}?q={}",
            urlish(&text),
            urlish(&text)
        ))
        .header("authorization", format!("Bearer {SECRET}"))
        .body(())
        .unwrap()
        .into_parts();
    let (mut rparts, ()) = http::Response::builder()
        .status(200)
        .body(())
        .unwrap()
        .into_parts();
    // Wherever HTTP can carry it: a header value, and a header name built from it.
    for headers in [&mut parts.headers, &mut rparts.headers] {
        if let Ok(value) = http::HeaderValue::from_bytes(payload) {
            headers.insert("x-echo", value);
        }
        if let Ok(name) = http::HeaderName::from_bytes(format!("x-{text}").as_bytes()) {
            headers.insert(name, http::HeaderValue::from_static("1"));
        }
    }
    Exchange {
        request: redactor.request(&parts, &body),
        response: redactor.response(&rparts, &[payload, &body[..]].concat()),
    }
}

/// `text` with what a URI cannot hold percent-encoded.
fn urlish(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~+%=".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Bytes whose base64 spells base64(`SECRET`) `shift` characters in (0 to 3).
fn shifted(shift: usize) -> Vec<u8> {
    let b64 = base64::engine::general_purpose::STANDARD_NO_PAD.encode(SECRET);
    let mut text = "A".repeat(shift) + &b64;
    while !text.len().is_multiple_of(4) {
        text.push('A');
    }
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}

#[test]
fn no_form_of_the_secret_reaches_any_byte_of_the_file() {
    let redactor = Redactor::new([SECRET]);
    let all = forms(SECRET);
    let mut payloads: Vec<Vec<u8>> = all.iter().map(|f| f.as_bytes().to_vec()).collect();
    payloads.extend(all.iter().map(|f| f.to_ascii_lowercase().into_bytes()));
    payloads.extend((0..4).map(shifted));
    // Escapes JSON adds around a form must not complete one either.
    payloads.push(format!("\u{1b}{SECRET}\"\\").into_bytes());
    let cassette = Cassette::new();
    for payload in &payloads {
        for prefix in 0..4 {
            cassette.record(exchange(&redactor, payload, prefix));
        }
    }
    let file = cassette.to_json().to_ascii_lowercase();
    for form in &all {
        assert!(
            !file.contains(&form.to_ascii_lowercase()),
            "the file holds {form:?}"
        );
    }
    // And no body decodes to the secret either.
    for e in cassette.exchanges() {
        for body in [&e.request.body, &e.response.body] {
            let bytes = body.bytes().to_ascii_lowercase();
            let needle = SECRET.to_ascii_lowercase();
            assert!(!bytes.windows(needle.len()).any(|w| w == needle.as_bytes()));
        }
        assert!(e.request.headers.iter().all(|(k, _)| k != "authorization"));
    }
}

#[test]
fn ordinary_traffic_is_recorded_as_it_was() {
    let redactor = Redactor::new([SECRET]);
    let (parts, ()) = http::Request::builder()
        .method("GET")
        .uri("http://h.test/api/v4/tasks?pageSize=10")
        .header("accept", "application/json")
        .body(())
        .unwrap()
        .into_parts();
    let r = redactor.request(&parts, b"{\"title\":\"x\"}");
    assert_eq!(r.url, "http://h.test/api/v4/tasks?pageSize=10");
    assert_eq!(
        r.headers,
        vec![("accept".into(), "application/json".into())]
    );
    assert_eq!(r.body.body.as_deref(), Some("{\"title\":\"x\"}"));
    let binary = [0xffu8, 0, 1, 2];
    assert_eq!(redactor.request(&parts, &binary).body.bytes(), binary);
}
