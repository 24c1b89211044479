//! List filters shared by several resources: `metadata` and `customField`/`customFields`.

use serde_json::Value;

use crate::error::{ApiError, ApiResult};
use crate::params::Params;
use crate::store::{Metadata, Store};

/// A metadata filter `{key, value?}`: exact match of a key, or of a key/value pair.
pub fn metadata_filter(params: &Params) -> ApiResult<Option<(String, Option<String>)>> {
    let Some(obj) = params.object("metadata")? else {
        return Ok(None);
    };
    let key = obj
        .get("key")
        .and_then(|k| k.as_str())
        .ok_or_else(|| ApiError::invalid_parameter("metadata"))?
        .to_string();
    let value = match obj.get("value") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(ApiError::invalid_parameter("metadata")),
    };
    Ok(Some((key, value)))
}

/// Whether metadata matches a filter from [`metadata_filter`].
pub fn metadata_matches(m: &Metadata, f: &(String, Option<String>)) -> bool {
    m.iter()
        .any(|(k, v)| k == &f.0 && f.1.as_ref().is_none_or(|fv| fv == v))
}

/// A custom field filter (`customField={id, comparator, value | minValue,maxValue | values}`).
#[derive(Debug, Clone)]
pub struct CustomFieldFilter {
    id: String,
    comparator: String,
    value: Option<String>,
    min: Option<String>,
    max: Option<String>,
    values: Vec<String>,
}

const COMPARATORS: &[&str] = &[
    "EqualTo",
    "IsEmpty",
    "IsNotEmpty",
    "LessThan",
    "LessOrEqualTo",
    "GreaterThan",
    "GreaterOrEqualTo",
    "InRange",
    "NotInRange",
    "Contains",
    "StartsWith",
    "EndsWith",
    "ContainsAll",
    "ContainsAny",
];

impl CustomFieldFilter {
    /// Parses the `customField` parameter.
    pub fn parse(st: &Store, params: &Params) -> ApiResult<Option<CustomFieldFilter>> {
        let Some(obj) = params.object("customField")? else {
            return Ok(None);
        };
        let bad = || ApiError::invalid_parameter("customField");
        let id = obj.get("id").and_then(|v| v.as_str()).ok_or_else(bad)?;
        if !st.custom_fields.iter().any(|c| c.id == id) {
            return Err(bad());
        }
        let comparator = obj
            .get("comparator")
            .and_then(|v| v.as_str())
            .unwrap_or("EqualTo");
        if !COMPARATORS.contains(&comparator) {
            return Err(bad());
        }
        let s = |k: &str| -> Option<String> {
            obj.get(k).and_then(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
        };
        let values = obj
            .get("values")
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(|s| s.to_string()))
                    .collect()
            })
            .unwrap_or_default();
        Ok(Some(CustomFieldFilter {
            id: id.to_string(),
            comparator: comparator.to_string(),
            value: s("value"),
            min: s("minValue"),
            max: s("maxValue"),
            values,
        }))
    }

    /// Whether the entity's custom field values match.
    pub fn matches(&self, cf: &[(String, String)]) -> bool {
        let val = cf
            .iter()
            .find(|(k, _)| k == &self.id)
            .map(|(_, v)| v.as_str());
        let num = |s: &str| s.trim().parse::<f64>().ok();
        let cmp = |a: &str, b: &str| -> Option<std::cmp::Ordering> {
            match (num(a), num(b)) {
                (Some(x), Some(y)) => x.partial_cmp(&y),
                _ => Some(a.cmp(b)),
            }
        };
        use std::cmp::Ordering::*;
        match self.comparator.as_str() {
            "IsEmpty" => val.is_none_or(|v| v.is_empty()),
            "IsNotEmpty" => val.is_some_and(|v| !v.is_empty()),
            _ => {
                let Some(v) = val else { return false };
                let target = self.value.as_deref().unwrap_or("");
                match self.comparator.as_str() {
                    "EqualTo" => cmp(v, target) == Some(Equal),
                    "LessThan" => cmp(v, target) == Some(Less),
                    "LessOrEqualTo" => matches!(cmp(v, target), Some(Less | Equal)),
                    "GreaterThan" => cmp(v, target) == Some(Greater),
                    "GreaterOrEqualTo" => matches!(cmp(v, target), Some(Greater | Equal)),
                    "InRange" | "NotInRange" => {
                        let lo = self
                            .min
                            .as_deref()
                            .is_none_or(|m| matches!(cmp(v, m), Some(Greater | Equal)));
                        let hi = self
                            .max
                            .as_deref()
                            .is_none_or(|m| matches!(cmp(v, m), Some(Less | Equal)));
                        (lo && hi) == (self.comparator == "InRange")
                    }
                    "Contains" => v.to_lowercase().contains(&target.to_lowercase()),
                    "StartsWith" => v.to_lowercase().starts_with(&target.to_lowercase()),
                    "EndsWith" => v.to_lowercase().ends_with(&target.to_lowercase()),
                    "ContainsAll" => self.values.iter().all(|x| v.contains(x.as_str())),
                    "ContainsAny" => self.values.iter().any(|x| v.contains(x.as_str())),
                    _ => false,
                }
            }
        }
    }
}
