//! Turning a trap, or the guest's typed error, into the [`HostError`] that explains it.

use super::wit;
use crate::config::Limits;
use crate::error::{ErrorKind, HostError, HostResult, SandboxRule};
use serde_json::Value;

/// The sandbox violation behind a trap raised by one of wasmtime's count limits (instances,
/// memories, tables) or by a full resource table, if that is what it was.
pub(super) fn limit_error(trap: &wasmtime::Error, limits: &Limits) -> Option<HostError> {
    let table_full = matches!(
        find_cause::<wasmtime::component::ResourceTableError>(trap),
        Some(wasmtime::component::ResourceTableError::Full)
    );
    if table_full {
        return Some(
            HostError::sandbox(
                SandboxRule::ResourceLimit,
                format!(
                    "the plugin tried to hold more than {} host resources (wasi:http fields, requests, bodies, streams) at once",
                    limits.max_host_resources
                ),
            )
            .with_hint("raise the limit with `max_host_resources` in the [limits] section of --config"),
        );
    }
    // The typed error does not always survive the bindings' conversions; its wording does.
    let text = trap
        .chain()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join(": ");
    let too_big = [
        wasmtime_wasi_http::FieldMapError::TotalSizeTooBig,
        wasmtime_wasi_http::FieldMapError::TooManyFields,
    ];
    let header_map_full = too_big.iter().any(|kind| {
        find_cause::<wasmtime_wasi_http::FieldMapError>(trap)
            .is_some_and(|e| std::mem::discriminant(e) == std::mem::discriminant(kind))
            || text.contains(&kind.to_string())
    });
    if header_map_full {
        return Some(
            HostError::sandbox(
                SandboxRule::ResourceLimit,
                format!(
                    "the plugin tried to build a header map larger than {} bytes on the host",
                    limits.request_header_bytes
                ),
            )
            .with_hint(
                "raise the limit with `request_header_bytes` in the [limits] section of --config",
            ),
        );
    }
    // wasmtime's wording for its count limits: "resource limit exceeded: <what> count too high".
    let at = text.find("resource limit exceeded: ")?;
    let what = text[at + "resource limit exceeded: ".len()..]
        .split(" count too high")
        .next()
        .unwrap_or("instance");
    let (noun, limit, key) = match what {
        w if w.contains("memor") => ("memories", limits.max_memories, "max_memories"),
        w if w.contains("table") => ("tables", limits.max_tables, "max_tables"),
        _ => ("instances", limits.max_instances, "max_instances"),
    };
    Some(
        HostError::sandbox(
            SandboxRule::ResourceLimit,
            format!("the component tried to create more than {limit} {noun} in one call"),
        )
        .with_hint(format!(
            "raise the limit with `{key}` in the [limits] section of --config"
        )),
    )
}

/// The error of type `E` behind `trap`, wherever it sits in the chain of causes.
fn find_cause<E: std::error::Error + Send + Sync + 'static>(trap: &wasmtime::Error) -> Option<&E> {
    trap.downcast_ref::<E>()
        .or_else(|| trap.chain().find_map(|e| e.downcast_ref::<E>()))
}

pub(super) fn trap_error(trap: &wasmtime::Error) -> HostError {
    let detail = match trap.downcast_ref::<wasmtime::Trap>() {
        Some(t) => format!("the plugin trapped: {t}"),
        None => format!("the plugin failed: {trap:#}"),
    };
    HostError::internal(detail)
}

pub(super) fn parse_output(what: &str, result: Result<String, wit::Error>) -> HostResult<Value> {
    let text = result.map_err(from_wit_error)?;
    serde_json::from_str(&text)
        .map_err(|e| HostError::internal(format!("`{what}` returned output that is not JSON: {e}")))
}

/// Maps the guest's typed error onto the host's.
pub fn from_wit_error(e: wit::Error) -> HostError {
    match e {
        wit::Error::InvalidInput(i) => HostError::invalid_input(i.field, i.message),
        wit::Error::Unauthorized(m) => HostError::new(ErrorKind::Unauthorized, m)
            .with_hint("the access token was rejected: check CONNECTOR_TOKEN or run `connector-host connect` again"),
        wit::Error::Forbidden(m) => HostError::new(ErrorKind::Forbidden, m),
        wit::Error::NotFound(m) => HostError::new(ErrorKind::NotFound, m),
        wit::Error::RateLimited(r) => {
            let mut e = HostError::new(ErrorKind::RateLimited, r.message);
            e.retry_after_ms = r.retry_after_ms;
            e
        }
        wit::Error::Upstream(u) => {
            let mut e = HostError::new(ErrorKind::Upstream, u.message);
            e.status = Some(u.status);
            e.code = u.code;
            e
        }
        wit::Error::Transport(m) => HostError::new(ErrorKind::Transport, m),
        wit::Error::Internal(m) => HostError::internal(m),
    }
}
