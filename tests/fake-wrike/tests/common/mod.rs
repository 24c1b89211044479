//! Shared helpers for the HTTP tests.
#![allow(dead_code)]

use fake_wrike::{FakeWrike, TEST_TOKEN};
use reqwest::blocking::{Client, RequestBuilder, Response};
use serde_json::Value;

/// A tiny client for the fake.
pub struct Api {
    pub base: String,
    pub http: Client,
    pub token: Option<String>,
}

/// A response: status, headers, parsed JSON (Null when the body is not JSON).
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Resp {
    pub fn data(&self) -> &Vec<Value> {
        self.json["data"]
            .as_array()
            .unwrap_or_else(|| panic!("no data array in {}", self.text))
    }
    pub fn ok(self) -> Self {
        assert_eq!(
            self.status, 200,
            "expected 200, got {}: {}",
            self.status, self.text
        );
        self
    }
    pub fn err(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "{}", self.text);
        assert_eq!(self.json["error"], code, "{}", self.text);
        assert!(self.json["errorDescription"].is_string(), "{}", self.text);
    }
    pub fn ids(&self) -> Vec<String> {
        self.data()
            .iter()
            .map(|d| d["id"].as_str().unwrap().to_string())
            .collect()
    }
}

impl Api {
    pub fn new(w: &FakeWrike) -> Api {
        Api {
            base: w.base_url(),
            http: Client::new(),
            token: Some(TEST_TOKEN.to_string()),
        }
    }

    pub fn with_token(w: &FakeWrike, token: Option<&str>) -> Api {
        Api {
            token: token.map(|t| t.to_string()),
            ..Api::new(w)
        }
    }

    fn auth(&self, rb: RequestBuilder) -> RequestBuilder {
        match &self.token {
            Some(t) => rb.bearer_auth(t),
            None => rb,
        }
    }

    pub fn send(&self, rb: RequestBuilder) -> Resp {
        let r: Response = self.auth(rb).send().expect("request sent");
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let text = r.text().unwrap_or_default();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            text,
            json,
        }
    }

    pub fn get(&self, path: &str, q: &[(&str, &str)]) -> Resp {
        self.send(self.http.get(format!("{}{}", self.base, path)).query(q))
    }

    pub fn post(&self, path: &str, form: &[(&str, &str)]) -> Resp {
        self.send(self.http.post(format!("{}{}", self.base, path)).form(form))
    }

    pub fn post_json(&self, path: &str, body: &Value) -> Resp {
        self.send(self.http.post(format!("{}{}", self.base, path)).json(body))
    }

    pub fn put(&self, path: &str, form: &[(&str, &str)]) -> Resp {
        self.send(self.http.put(format!("{}{}", self.base, path)).form(form))
    }

    pub fn delete(&self, path: &str) -> Resp {
        self.send(self.http.delete(format!("{}{}", self.base, path)))
    }
}

/// Takes the requests of the test that broke Wrike's method reference on purpose, and checks
/// there are exactly these, in order, each rule naming what the test meant to break.
pub fn broke(w: &FakeWrike, expected: &[&str]) {
    let got = w.take_violations();
    let rules: Vec<String> = got.iter().map(|v| v.to_string()).collect();
    assert_eq!(got.len(), expected.len(), "violations: {rules:#?}");
    for (v, e) in got.iter().zip(expected) {
        assert!(
            v.rule.contains(e),
            "expected a violation about {e:?}, got {v}"
        );
    }
}
