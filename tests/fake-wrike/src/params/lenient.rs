//! The tolerant decoder for structured parameter values: strict JSON first, then the unquoted
//! `[a,b]` and single-quoted `{'k':'v'}` forms seen in the wild.

use serde_json::{Map, Value};

/// Decodes a structured value: strict JSON first, then the tolerant forms
/// (unquoted words `[a,b]`, single quotes `{'a':'b'}`, unquoted keys).
pub fn parse_lenient(s: &str) -> Option<Value> {
    if let Ok(v) = serde_json::from_str::<Value>(s) {
        return Some(v);
    }
    let mut p = Lenient {
        s: s.as_bytes(),
        i: 0,
    };
    let v = p.value(&[])?;
    p.ws();
    if p.i == p.s.len() {
        Some(v)
    } else {
        None
    }
}

struct Lenient<'a> {
    s: &'a [u8],
    i: usize,
}

impl Lenient<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    /// Parses a value; a bare word runs until one of `stops` (or the end).
    fn value(&mut self, stops: &[u8]) -> Option<Value> {
        self.ws();
        match self.peek()? {
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.peek() == Some(b']') {
                    self.i += 1;
                    return Some(Value::Array(items));
                }
                loop {
                    items.push(self.value(b",]")?);
                    self.ws();
                    match self.peek()? {
                        b',' => self.i += 1,
                        b']' => {
                            self.i += 1;
                            return Some(Value::Array(items));
                        }
                        _ => return None,
                    }
                }
            }
            b'{' => {
                self.i += 1;
                let mut map = Map::new();
                self.ws();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    return Some(Value::Object(map));
                }
                loop {
                    self.ws();
                    let key = match self.peek()? {
                        b'"' | b'\'' => self.quoted()?,
                        _ => self.bare(b":")?,
                    };
                    self.ws();
                    if self.peek()? != b':' {
                        return None;
                    }
                    self.i += 1;
                    let v = self.value(b",}")?;
                    map.insert(key, v);
                    self.ws();
                    match self.peek()? {
                        b',' => self.i += 1,
                        b'}' => {
                            self.i += 1;
                            return Some(Value::Object(map));
                        }
                        _ => return None,
                    }
                }
            }
            b'"' | b'\'' => self.quoted().map(Value::String),
            _ => {
                let word = self.bare(stops)?;
                Some(match word.as_str() {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    "null" => Value::Null,
                    _ => match word.parse::<i64>() {
                        Ok(n) if !word.starts_with('0') || word == "0" => Value::from(n),
                        _ => Value::String(word),
                    },
                })
            }
        }
    }

    fn quoted(&mut self) -> Option<String> {
        let q = self.peek()?;
        self.i += 1;
        let mut out = Vec::new();
        while let Some(c) = self.peek() {
            self.i += 1;
            if c == q {
                return String::from_utf8(out).ok();
            }
            if c == b'\\' {
                let e = self.peek()?;
                self.i += 1;
                match e {
                    b'n' => out.push(b'\n'),
                    b't' => out.push(b'\t'),
                    b'r' => out.push(b'\r'),
                    b'u' => {
                        let hex = std::str::from_utf8(self.s.get(self.i..self.i + 4)?).ok()?;
                        let cp = u32::from_str_radix(hex, 16).ok()?;
                        self.i += 4;
                        let ch = char::from_u32(cp)?;
                        let mut buf = [0u8; 4];
                        out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                    }
                    other => out.push(other),
                }
            } else {
                out.push(c);
            }
        }
        None
    }

    fn bare(&mut self, stops: &[u8]) -> Option<String> {
        let start = self.i;
        while let Some(c) = self.peek() {
            if stops.contains(&c) || (stops.is_empty() && c.is_ascii_whitespace()) {
                break;
            }
            if matches!(c, b'[' | b'{' | b'"') {
                return None;
            }
            self.i += 1;
        }
        let w = std::str::from_utf8(&self.s[start..self.i]).ok()?.trim();
        if w.is_empty() {
            None
        } else {
            Some(w.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lenient_forms() {
        assert_eq!(parse_lenient(r#"["a","b"]"#), Some(json!(["a", "b"])));
        assert_eq!(
            parse_lenient("[metadata,jobRoleId]"),
            Some(json!(["metadata", "jobRoleId"]))
        );
        assert_eq!(
            parse_lenient("{'start':'2024-01-01T00:00:00Z'}"),
            Some(json!({"start":"2024-01-01T00:00:00Z"}))
        );
        assert_eq!(
            parse_lenient("{start:2024-01-01T00:00:00Z, end: '2024-01-02T00:00:00Z'}"),
            Some(json!({"start":"2024-01-01T00:00:00Z","end":"2024-01-02T00:00:00Z"}))
        );
        assert_eq!(parse_lenient("[1, 2]"), Some(json!([1, 2])));
        assert_eq!(parse_lenient("[]"), Some(json!([])));
        assert_eq!(parse_lenient("[a"), None);
        assert_eq!(parse_lenient("{'a'}"), None);
    }
}
