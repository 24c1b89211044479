//! Checking a loaded cassette before it is used: every body decodes, so a malformed file is
//! refused when it is read, naming the entry, rather than answering a request wrongly.

use super::{Exchange, RecordedBody};
use crate::error::{HostError, HostResult};
use base64::Engine as _;

/// Checks every interaction's bodies; the error's `field` names the entry
/// (`cassette.interactions[2].response.body_base64`).
pub(super) fn interactions(interactions: &[Exchange]) -> HostResult<()> {
    for (i, x) in interactions.iter().enumerate() {
        body(&x.request.body, i, "request")?;
        body(&x.response.body, i, "response")?;
        if url::Url::parse(&x.request.url).is_err() {
            return Err(HostError::invalid_input(
                format!("cassette.interactions[{i}].request.url"),
                format!(
                    "interaction #{}: the request URL `{}` is not an absolute URL",
                    i + 1,
                    x.request.url
                ),
            ));
        }
    }
    Ok(())
}

fn body(b: &RecordedBody, i: usize, side: &str) -> HostResult<()> {
    if b.body.is_some() && b.body_base64.is_some() {
        return Err(HostError::invalid_input(
            format!("cassette.interactions[{i}].{side}"),
            format!(
                "interaction #{}: the {side} has both `body` and `body_base64`; a body is one or the other",
                i + 1
            ),
        ));
    }
    if let Some(b64) = &b.body_base64 {
        if let Err(e) = base64::engine::general_purpose::STANDARD.decode(b64) {
            return Err(HostError::invalid_input(
                format!("cassette.interactions[{i}].{side}.body_base64"),
                format!(
                    "interaction #{}: the {side}'s `body_base64` is not valid standard base64 ({e})",
                    i + 1
                ),
            ));
        }
    }
    Ok(())
}
