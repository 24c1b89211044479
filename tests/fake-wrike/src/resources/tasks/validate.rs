//! Checks and derived values for task writes: referenced folders and tasks, the effort
//! allocation object, and priorities between neighbours.

use serde_json::{json, Map, Value};

use crate::error::{ApiError, ApiResult};
use crate::params::Params;
use crate::store::{FolderScope, Store};

const EFFORT_MODES: &[&str] = &["None", "FullTime", "Basic", "Flexible"];

pub(super) fn check_folders(st: &Store, name: &str, ids: &[String]) -> ApiResult<()> {
    let rb = st.recycle_bin_id();
    for id in ids {
        match st.folders.get(id) {
            Some(f) if f.id != rb && f.scope != FolderScope::RbFolder => {}
            _ => return Err(ApiError::invalid_parameter(name)),
        }
    }
    Ok(())
}

pub(super) fn check_tasks(
    st: &Store,
    name: &str,
    ids: &[String],
    except: Option<&str>,
) -> ApiResult<()> {
    for id in ids {
        match st.tasks.get(id) {
            Some(t) if !t.deleted && Some(id.as_str()) != except => {}
            _ => return Err(ApiError::invalid_parameter(name)),
        }
    }
    Ok(())
}

pub(super) fn parse_effort(p: &Params) -> ApiResult<Option<Value>> {
    let Some(obj) = p.object("effortAllocation")? else {
        return Ok(None);
    };
    let mode = obj.get("mode").and_then(|m| m.as_str()).unwrap_or("None");
    if !EFFORT_MODES.contains(&mode) {
        return Err(ApiError::invalid_parameter("effortAllocation"));
    }
    let mut m = Map::new();
    m.insert("mode".into(), json!(mode));
    if let Some(t) = obj.get("totalEffort") {
        let n = t
            .as_i64()
            .ok_or_else(|| ApiError::invalid_parameter("effortAllocation"))?;
        m.insert("totalEffort".into(), json!(n));
    }
    Ok(Some(Value::Object(m)))
}

/// Priority between neighbours: before/after an existing task.
pub(super) fn priority_near(
    st: &mut Store,
    p: &Params,
    self_id: Option<&str>,
) -> ApiResult<Option<u128>> {
    for (name, before) in [("priorityBefore", true), ("priorityAfter", false)] {
        if let Some(other) = p.str(name)? {
            let o = st
                .tasks
                .get(&other)
                .filter(|t| Some(t.id.as_str()) != self_id)
                .ok_or_else(|| ApiError::invalid_parameter(name))?;
            let op = o.priority;
            let mut ps: Vec<u128> = st
                .tasks
                .values()
                .filter(|t| Some(t.id.as_str()) != self_id)
                .map(|t| t.priority)
                .collect();
            ps.sort();
            let idx = ps.iter().position(|x| *x == op).unwrap_or(0);
            let np = if before {
                let lo = if idx == 0 { 0 } else { ps[idx - 1] };
                lo + (op - lo) / 2
            } else {
                match ps.get(idx + 1) {
                    Some(hi) => op + (hi - op) / 2,
                    None => op + 0x8_0000_0000,
                }
            };
            return Ok(Some(np));
        }
    }
    Ok(None)
}
