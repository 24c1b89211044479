//! Parsing `api-v4-methods.json` (layout: the shared reference's `README.md`, §1).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{BodyKind, Format, MethodRule, ParamRule, Reference, Seg, Ty};

#[derive(Deserialize)]
struct File {
    entities: Vec<Entity>,
    models: Vec<BTreeMap<String, Model>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entity {
    method_groups: Vec<Group>,
}

#[derive(Deserialize)]
struct Group {
    methods: Vec<Method>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Method {
    id: String,
    http_method: String,
    request_model_ref: Option<String>,
}

#[derive(Deserialize)]
struct Model {
    params: Vec<Param>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Param {
    name: String,
    #[serde(rename = "type")]
    ty: String,
    comment: Option<String>,
    optional: bool,
    fields: Option<Vec<EnumValue>>,
    model_ref: Option<String>,
}

#[derive(Deserialize)]
struct EnumValue {
    value: String,
}

/// Parses the reference file into rules (before corrections and supplements).
pub(super) fn parse(text: &str) -> Result<Reference, String> {
    let file: File = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut models: BTreeMap<String, BTreeMap<String, ParamRule>> = BTreeMap::new();
    for entry in file.models {
        for (name, model) in entry {
            let mut params = BTreeMap::new();
            for p in model.params {
                let rule = param_rule(&p).map_err(|e| format!("{name}.{}: {e}", p.name))?;
                params.insert(rule.name.clone(), rule);
            }
            models.insert(name, params);
        }
    }
    let mut methods = Vec::new();
    for group in file.entities.iter().flat_map(|e| &e.method_groups) {
        for m in &group.methods {
            let (verb, path) =
                m.id.split_once(':')
                    .ok_or_else(|| format!("method id {} has no verb", m.id))?;
            if verb != m.http_method {
                return Err(format!("method id {} says {verb}", m.id));
            }
            let segs = route(path)?;
            let params = match &m.request_model_ref {
                Some(r) => models
                    .get(r)
                    .cloned()
                    .ok_or_else(|| format!("{}: no model {r}", m.id))?,
                None => BTreeMap::new(),
            };
            let file_name_segment = matches!(
                m.id.as_str(),
                "GET:/attachments/single/download" | "GET:/attachments/single/preview"
            );
            methods.push(MethodRule {
                id: m.id.clone(),
                verb: verb.to_string(),
                segs,
                file_name_segment,
                params,
                body: body_kind(verb),
                exactly_one_of: Vec::new(),
                source: "api-v4-methods.json",
            });
        }
    }
    Ok(Reference { methods, models })
}

/// GET and DELETE take parameters in the query string; POST and PUT in the body or the query
/// (`API.md` §4).
pub(super) fn body_kind(verb: &str) -> BodyKind {
    match verb {
        "POST" | "PUT" => BodyKind::Form,
        _ => BodyKind::Query,
    }
}

/// `/folders/single/tasks` → `[folders, One, tasks]`: a resource name, optionally followed by a
/// shape marker (`empty`: no ID, `single`: one ID, `multi`: up to 100).
pub(super) fn route(path: &str) -> Result<Vec<Seg>, String> {
    let mut out = Vec::new();
    for s in path.split('/').filter(|s| !s.is_empty()) {
        match s {
            "empty" => {}
            "single" => out.push(Seg::One),
            "multi" => out.push(Seg::Many),
            lit if lit.chars().all(|c| c.is_ascii_lowercase() || c == '_') => {
                out.push(Seg::Lit(lit.to_string()))
            }
            other => return Err(format!("route {path}: unexpected segment {other}")),
        }
    }
    Ok(out)
}

fn param_rule(p: &Param) -> Result<ParamRule, String> {
    let ty = match p.ty.as_str() {
        "string" => Ty::String,
        "number" => Ty::Number,
        "boolean" | "optional boolean" => Ty::Boolean,
        "array" => Ty::Array,
        "object" => Ty::Object,
        other => return Err(format!("unknown type {other}")),
    };
    let comment = p.comment.as_deref().unwrap_or("");
    // Enum values: under `fields` when listed, else after `Enum:` in the comment (the shared
    // README, "Writing a request validator", step 5).
    let values = match &p.fields {
        Some(v) if !v.is_empty() => Some(v.iter().map(|e| e.value.clone()).collect()),
        _ => comment.split_once("Enum:").map(|(_, list)| {
            list.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        }),
    };
    let format = if comment.contains("Format: yyyy-MM-dd'T'HH:mm:ss'Z'") {
        Some(Format::TimestampUtc)
    } else if comment.contains("Format: yyyy-MM-dd'T'HH:mm:ss (") {
        Some(Format::DateOrLocalDateTime)
    } else if comment.contains("Format: yyyy-MM-dd") {
        Some(Format::Date)
    } else {
        None
    };
    Ok(ParamRule {
        name: p.name.clone(),
        ty,
        required: !p.optional,
        values,
        format,
        model: p.model_ref.clone(),
    })
}
