//! Bounds on the JSON Schemas a component declares, checked before a schema is compiled.
//!
//! A component's schemas are untrusted input: a `$ref` cycle overflows the validator's stack,
//! and `$ref`s that fan out (each definition referring twice to the next) make compilation and
//! validation grow exponentially. [`SchemaBounds::check`] walks the schema once, in time and
//! memory linear in its size, and refuses anything that could make the validator's work
//! unbounded:
//!
//! - more than [`SchemaBounds::max_bytes`] of JSON, nesting deeper than
//!   [`SchemaBounds::max_depth`], or more than [`SchemaBounds::max_refs`] references;
//! - a reference that is not a JSON pointer into the same schema (`#`, `#/$defs/x`): remote,
//!   file, URN and anchor references, `$dynamicRef` and `$recursiveRef` are refused, and so is
//!   `$id` below the root (it would rebase relative references);
//! - a reference that resolves to nothing, or a reference cycle;
//! - a schema whose size with every reference expanded in place (counted, never built) exceeds
//!   [`SchemaBounds::max_expanded_nodes`]. That expanded size bounds the validator's work per
//!   instance value, so compiling and validating stay bounded in time and memory.
//!
//! A schema that breaks a bound ends the call with a `sandbox_violation` whose rule is
//! [`SandboxRule::SchemaLimit`]; it never reaches the validator.

use crate::error::{HostError, SandboxRule};
use serde_json::Value;
use std::collections::HashMap;

/// The bounds a component's schema must stay within.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchemaBounds {
    /// Largest schema, in bytes of JSON text. Default 256 KiB.
    pub max_bytes: usize,
    /// Deepest nesting of JSON objects and arrays. Default 64.
    pub max_depth: usize,
    /// Most `$ref`s in one schema. Default 256.
    pub max_refs: usize,
    /// Largest size, in JSON values, with every `$ref` expanded. Default 100 000.
    pub max_expanded_nodes: u64,
}

impl Default for SchemaBounds {
    fn default() -> Self {
        SchemaBounds {
            max_bytes: 256 * 1024,
            max_depth: 64,
            max_refs: 256,
            max_expanded_nodes: 100_000,
        }
    }
}

/// Keywords that would let a schema reach outside itself or recurse dynamically.
const REFUSED_KEYWORDS: &[&str] = &["$dynamicRef", "$recursiveRef"];

impl SchemaBounds {
    /// Checks the schema `owner` declares as its `which` schema (`input`, `output`, …).
    pub fn check(&self, owner: &str, which: &str, schema: &Value) -> Result<(), HostError> {
        let refuse = |what: String| {
            HostError::sandbox(
                SandboxRule::SchemaLimit,
                format!("the component's {which} schema for `{owner}` {what}"),
            )
            .with_hint("this is a fault in the connector component: report it to its author")
        };
        let bytes = serde_json::to_vec(schema).map(|v| v.len()).unwrap_or(0);
        if bytes > self.max_bytes {
            return Err(refuse(format!(
                "is {bytes} bytes, over the {}-byte bound",
                self.max_bytes
            )));
        }
        let mut walk = Walk::default();
        walk.visit(schema, "", 0, self).map_err(refuse)?;
        let mut expand = Expansion {
            root: schema,
            refs: &walk.refs,
            memo: HashMap::new(),
            on_path: Vec::new(),
            bound: self.max_expanded_nodes,
        };
        let total = expand.size("").map_err(refuse)?;
        if total > self.max_expanded_nodes {
            return Err(refuse(format!(
                "expands to more than {} values once its `$ref`s are followed",
                self.max_expanded_nodes
            )));
        }
        Ok(())
    }
}

/// One `$ref`: where it stands (a JSON pointer) and the pointer it refers to.
#[derive(Debug)]
struct Ref {
    at: String,
    target: String,
}

#[derive(Default)]
struct Walk {
    refs: Vec<Ref>,
}

impl Walk {
    fn visit(
        &mut self,
        v: &Value,
        at: &str,
        depth: usize,
        bounds: &SchemaBounds,
    ) -> Result<(), String> {
        if depth > bounds.max_depth {
            return Err(format!(
                "nests deeper than {} levels (at `{at}`)",
                bounds.max_depth
            ));
        }
        match v {
            Value::Object(map) => {
                for key in REFUSED_KEYWORDS {
                    if map.contains_key(*key) {
                        return Err(format!("uses `{key}` (at `{at}`), which this host refuses"));
                    }
                }
                if !at.is_empty() && map.get("$id").is_some_and(Value::is_string) {
                    return Err(format!(
                        "sets `$id` below the root (at `{at}`), which would rebase its references"
                    ));
                }
                if let Some(r) = map.get("$ref") {
                    let Some(r) = r.as_str() else {
                        return Err(format!("has a `$ref` that is not a string (at `{at}`)"));
                    };
                    if self.refs.len() >= bounds.max_refs {
                        return Err(format!("has more than {} `$ref`s", bounds.max_refs));
                    }
                    self.refs.push(Ref {
                        at: at.to_string(),
                        target: local_pointer(r)
                            .ok_or_else(|| format!("refers outside itself: `$ref` `{r}` (at `{at}`); only `#/…` pointers are allowed"))?,
                    });
                }
                for (key, child) in map {
                    let path = format!("{at}/{}", escape(key));
                    self.visit(child, &path, depth + 1, bounds)?;
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    self.visit(child, &format!("{at}/{i}"), depth + 1, bounds)?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// The JSON pointer a local `$ref` names (`#` → ``, `#/a/b` → `/a/b`, percent-decoded), or
/// `None` for anything that is not a pointer into the same document.
fn local_pointer(r: &str) -> Option<String> {
    let fragment = r.strip_prefix('#')?;
    if !(fragment.is_empty() || fragment.starts_with('/')) {
        return None;
    }
    percent_decode(fragment)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Counts a schema's size with its references expanded, memoised per pointer, refusing
/// cycles. Work is linear in (schema size × distinct reference targets).
struct Expansion<'a> {
    root: &'a Value,
    refs: &'a [Ref],
    memo: HashMap<String, u64>,
    on_path: Vec<String>,
    bound: u64,
}

impl Expansion<'_> {
    fn size(&mut self, pointer: &str) -> Result<u64, String> {
        if let Some(n) = self.memo.get(pointer) {
            return Ok(*n);
        }
        if self.on_path.iter().any(|p| p == pointer) {
            let mut cycle = self.on_path.clone();
            cycle.push(pointer.to_string());
            let shown: Vec<String> = cycle.iter().map(|p| format!("#{p}")).collect();
            return Err(format!("has a `$ref` cycle: {}", shown.join(" → ")));
        }
        let node = self
            .root
            .pointer(pointer)
            .ok_or_else(|| format!("has a `$ref` to `#{pointer}`, which does not exist"))?;
        self.on_path.push(pointer.to_string());
        let mut total = count_values(node);
        // Every reference standing inside this node expands to its target.
        let inside: Vec<String> = self
            .refs
            .iter()
            .filter(|r| is_within(&r.at, pointer))
            .map(|r| r.target.clone())
            .collect();
        for target in inside {
            total = total.saturating_add(self.size(&target)?);
            if total > self.bound {
                break;
            }
        }
        self.on_path.pop();
        self.memo.insert(pointer.to_string(), total);
        Ok(total)
    }
}

/// Whether pointer `at` lies inside (or is) the node at `pointer`.
fn is_within(at: &str, pointer: &str) -> bool {
    at == pointer || (at.starts_with(pointer) && at.as_bytes().get(pointer.len()) == Some(&b'/'))
}

fn count_values(v: &Value) -> u64 {
    1 + match v {
        Value::Object(map) => map.values().map(count_values).sum(),
        Value::Array(items) => items.iter().map(count_values).sum(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(schema: Value) -> Result<(), HostError> {
        SchemaBounds::default().check("a", "input", &schema)
    }

    fn refused(schema: Value, says: &str) {
        let e = check(schema).unwrap_err();
        assert_eq!(e.rule, Some(SandboxRule::SchemaLimit), "{e:?}");
        assert!(e.message.contains(says), "{e}");
    }

    #[test]
    fn ordinary_schemas_pass() {
        check(
            json!({"type": "object", "properties": {"a": {"$ref": "#/$defs/id"}},
            "$defs": {"id": {"type": "string"}}}),
        )
        .unwrap();
        check(json!({"$id": "https://example.com/s", "type": "string"})).unwrap();
    }

    #[test]
    fn cycles_are_refused() {
        refused(
            json!({"$ref": "#/$defs/a", "$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}}),
            "cycle",
        );
        refused(json!({"properties": {"self": {"$ref": "#"}}}), "cycle");
    }

    #[test]
    fn fan_out_is_refused_by_its_expanded_size() {
        let mut defs = serde_json::Map::new();
        for i in 0..40 {
            let next = format!("#/$defs/d{}", i + 1);
            defs.insert(
                format!("d{i}"),
                json!({"anyOf": [{"$ref": next}, {"items": {"$ref": next}}]}),
            );
        }
        defs.insert("d40".into(), json!({"type": "string"}));
        refused(json!({"$ref": "#/$defs/d0", "$defs": defs}), "expands");
    }

    #[test]
    fn references_outside_the_schema_are_refused() {
        for r in [
            "https://evil.example/s.json",
            "file:///etc/passwd",
            "other.json#/a",
            "#anchor",
        ] {
            refused(json!({"$ref": r}), "refers outside");
        }
        refused(json!({"$ref": "#/$defs/missing"}), "does not exist");
        refused(json!({"$dynamicRef": "#x"}), "$dynamicRef");
        refused(
            json!({"properties": {"a": {"$id": "https://evil.example/", "$ref": "x"}}}),
            "$id",
        );
    }

    #[test]
    fn size_depth_and_ref_count_are_bounded() {
        let mut deep = json!({"type": "string"});
        for _ in 0..70 {
            deep = json!({"items": deep});
        }
        refused(deep, "deeper");
        let refs: Vec<Value> = (0..300).map(|_| json!({"$ref": "#/$defs/x"})).collect();
        refused(json!({"anyOf": refs, "$defs": {"x": {}}}), "more than 256");
        refused(json!({"description": "x".repeat(300 * 1024)}), "bytes");
    }

    #[test]
    fn percent_encoded_pointers_resolve() {
        check(json!({"$ref": "#/$defs/a%20b", "$defs": {"a b": {}}})).unwrap();
    }
}
