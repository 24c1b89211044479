//! Bounds on what a component hands the host to keep or to send: the events of one `poll`
//! batch or webhook delivery (how many, and the bytes of each key and payload), the cursor, and
//! the answer to a received webhook request, whose HTTP framing is the host's.
//!
//! Each bound that fails is a [`SandboxRule`] violation naming the trigger and what was wrong;
//! nothing of the refused batch or answer is used.

use super::{wit, Event};
use crate::config::Limits;
use crate::error::{HostError, HostResult, SandboxRule};
use crate::schema::InputSchema;

/// The response headers a component may set on its answer to a received webhook request
/// (compared in lower case). Everything else — the framing (`content-length`,
/// `transfer-encoding`), hop-by-hop headers (`connection`, `upgrade`, …), `set-cookie`,
/// `location`, `server` — is the host's, or not sent at all.
pub const ANSWER_HEADERS: &[&str] = &["content-type", "x-hook-secret", "retry-after"];

/// Longest value of one answer header, in bytes.
pub const ANSWER_HEADER_VALUE_BYTES: usize = 1024;

/// The status codes an answer may have: no informational (1xx) code, nothing outside HTTP's
/// range.
pub const ANSWER_STATUSES: std::ops::RangeInclusive<u16> = 200..=599;

fn cap(value: u64) -> usize {
    usize::try_from(value).unwrap_or(usize::MAX)
}

fn over(rule: SandboxRule, message: String, key: &str) -> HostError {
    HostError::sandbox(rule, message).with_hint(format!(
        "raise the limit with `{key}` in the [limits] section of --config"
    ))
}

/// Checks the events a component returned for `trigger` against `limits` (count first, then
/// each key and payload), parses each payload and validates it against `schema`.
pub(super) fn events(
    limits: &Limits,
    trigger: &str,
    events: Vec<wit::Event>,
    schema: &InputSchema,
) -> HostResult<Vec<Event>> {
    let max = cap(limits.max_events_per_batch);
    if events.len() > max {
        return Err(over(
            SandboxRule::EventLimit,
            format!(
                "trigger `{trigger}` returned {} events at once; at most {max} are taken in one batch or delivery, so none of them was",
                events.len()
            ),
            "max_events_per_batch",
        ));
    }
    let (key_cap, payload_cap) = (cap(limits.event_key_bytes), cap(limits.event_payload_bytes));
    events
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            if e.key.len() > key_cap {
                return Err(over(
                    SandboxRule::EventTooLarge,
                    format!(
                        "trigger `{trigger}`: the key of event {i} has {} bytes, over the {key_cap}-byte cap",
                        e.key.len()
                    ),
                    "event_key_bytes",
                ));
            }
            if e.key.is_empty() || e.key.chars().any(char::is_control) {
                return Err(HostError::sandbox(
                    SandboxRule::EventKeyInvalid,
                    format!(
                        "trigger `{trigger}`: the key of event {i} is empty or holds a control character"
                    ),
                )
                .with_hint("an event key names one distinct event, e.g. `id@updatedDate`: the component is at fault"));
            }
            if e.payload.len() > payload_cap {
                return Err(over(
                    SandboxRule::EventTooLarge,
                    format!(
                        "trigger `{trigger}`: event {i} has {} bytes of payload, over the {payload_cap}-byte cap",
                        e.payload.len()
                    ),
                    "event_payload_bytes",
                ));
            }
            let payload = serde_json::from_str(&e.payload).map_err(|err| {
                HostError::internal(format!(
                    "trigger `{trigger}` emitted an event that is not JSON: {err}"
                ))
            })?;
            schema.validate_output(&format!("trigger `{trigger}`"), &payload)?;
            Ok(Event {
                key: e.key,
                payload,
            })
        })
        .collect()
}

/// Checks the cursor a `poll` of `trigger` returned against `limits`.
pub(super) fn cursor(limits: &Limits, trigger: &str, cursor: &str) -> HostResult<()> {
    let max = cap(limits.cursor_bytes);
    if cursor.len() > max {
        return Err(over(
            SandboxRule::CursorTooLarge,
            format!(
                "trigger `{trigger}` returned a cursor of {} bytes, over the {max}-byte cap",
                cursor.len()
            ),
            "cursor_bytes",
        ));
    }
    Ok(())
}

fn bad_answer(rule: SandboxRule, trigger: &str, what: String) -> HostError {
    HostError::sandbox(
        rule,
        format!("trigger `{trigger}` answered a webhook request with {what}; the host answered 503 instead and took none of its events"),
    )
    .with_hint(format!(
        "the host owns the HTTP framing of webhook answers: a status in 200..=599, at most one each of {}, values of visible ASCII up to {ANSWER_HEADER_VALUE_BYTES} bytes",
        ANSWER_HEADERS.join(", ")
    ))
}

/// The answer to a received webhook request, checked: its status, its headers (names in lower
/// case) and its body.
pub(super) type Answer = (u16, Vec<(String, String)>, Vec<u8>);

/// Checks the answer a component gave for `trigger` (see [`ANSWER_HEADERS`],
/// [`ANSWER_STATUSES`] and `answer_body_bytes`); header names come back in lower case.
pub(super) fn answer(
    limits: &Limits,
    trigger: &str,
    response: wit::HttpResponse,
) -> HostResult<Answer> {
    let status = response.status;
    if !ANSWER_STATUSES.contains(&status) {
        return Err(bad_answer(
            SandboxRule::AnswerStatus,
            trigger,
            format!("status {status}"),
        ));
    }
    // Statuses whose answers have no body (RFC 9110).
    if matches!(status, 204 | 205 | 304) && !response.body.is_empty() {
        return Err(bad_answer(
            SandboxRule::AnswerStatus,
            trigger,
            format!(
                "status {status} and a body of {} bytes",
                response.body.len()
            ),
        ));
    }
    let max = cap(limits.answer_body_bytes);
    if response.body.len() > max {
        return Err(over(
            SandboxRule::AnswerTooLarge,
            format!(
                "trigger `{trigger}` answered a webhook request with a body of {} bytes, over the {max}-byte cap; the host answered 503 instead and took none of its events",
                response.body.len()
            ),
            "answer_body_bytes",
        ));
    }
    let mut headers: Vec<(String, String)> = Vec::with_capacity(response.headers.len());
    for (name, value) in response.headers {
        let lower = name.to_ascii_lowercase();
        let shown: String = name.chars().take(64).collect();
        if !ANSWER_HEADERS.contains(&lower.as_str()) {
            return Err(bad_answer(
                SandboxRule::AnswerHeader,
                trigger,
                format!(
                    "the header `{}`, which is not the component's to set",
                    shown.escape_debug()
                ),
            ));
        }
        if headers.iter().any(|(n, _)| *n == lower) {
            return Err(bad_answer(
                SandboxRule::AnswerHeader,
                trigger,
                format!("the header `{lower}` twice"),
            ));
        }
        let visible = value.bytes().all(|b| (0x20..=0x7e).contains(&b));
        if !visible || value.len() > ANSWER_HEADER_VALUE_BYTES {
            return Err(bad_answer(
                SandboxRule::AnswerHeader,
                trigger,
                format!(
                    "a `{lower}` value of {} bytes that is not short visible ASCII",
                    value.len()
                ),
            ));
        }
        headers.push((lower, value));
    }
    Ok((status, headers, response.body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(key: &str, payload: &str) -> wit::Event {
        wit::Event {
            key: key.into(),
            payload: payload.into(),
        }
    }

    fn rule(e: HostError) -> Option<SandboxRule> {
        e.rule
    }

    #[test]
    fn a_batch_over_a_bound_is_refused_whole_with_its_rule() {
        let limits = Limits {
            max_events_per_batch: 2,
            event_key_bytes: 4,
            event_payload_bytes: 16,
            cursor_bytes: 3,
            ..Limits::default()
        };
        let any = InputSchema::compile("t", &json!({})).unwrap();
        let ok = events(&limits, "t", vec![event("a", "{}"), event("b", "1")], &any).unwrap();
        assert_eq!(ok[1].payload, json!(1));
        let three = vec![event("a", "{}"), event("b", "{}"), event("c", "{}")];
        let cases = [
            (three, SandboxRule::EventLimit),
            (vec![event("abcde", "{}")], SandboxRule::EventTooLarge),
            (vec![event("", "{}")], SandboxRule::EventKeyInvalid),
            (vec![event("a\nb", "{}")], SandboxRule::EventKeyInvalid),
            (
                vec![event("a", &"1".repeat(17))],
                SandboxRule::EventTooLarge,
            ),
        ];
        for (batch, expected) in cases {
            let e = events(&limits, "t", batch, &any).unwrap_err();
            assert!(e.hint.is_some(), "{e:?}");
            assert_eq!(rule(e), Some(expected));
        }
        cursor(&limits, "t", "abc").unwrap();
        assert_eq!(
            rule(cursor(&limits, "t", "abcd").unwrap_err()),
            Some(SandboxRule::CursorTooLarge)
        );
    }

    fn response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> wit::HttpResponse {
        wit::HttpResponse {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.to_vec(),
        }
    }

    #[test]
    fn only_a_checked_status_a_few_headers_and_a_bounded_body_go_out() {
        let limits = Limits {
            answer_body_bytes: 8,
            ..Limits::default()
        };
        let good = response(
            200,
            &[("Content-Type", "text/plain"), ("X-Hook-Secret", "abc")],
            b"ok",
        );
        let (status, headers, body) = answer(&limits, "t", good).unwrap();
        assert_eq!((status, body.as_slice()), (200, &b"ok"[..]));
        assert_eq!(
            headers,
            [
                ("content-type".to_string(), "text/plain".to_string()),
                ("x-hook-secret".to_string(), "abc".to_string())
            ]
        );
        let long = "a".repeat(ANSWER_HEADER_VALUE_BYTES + 1);
        let cases = [
            (response(0, &[], b""), SandboxRule::AnswerStatus),
            (response(101, &[], b""), SandboxRule::AnswerStatus),
            (response(199, &[], b""), SandboxRule::AnswerStatus),
            (response(600, &[], b""), SandboxRule::AnswerStatus),
            (response(204, &[], b"x"), SandboxRule::AnswerStatus),
            (
                response(200, &[], b"123456789"),
                SandboxRule::AnswerTooLarge,
            ),
            (
                response(200, &[("content-length", "1")], b""),
                SandboxRule::AnswerHeader,
            ),
            (
                response(200, &[("Transfer-Encoding", "chunked")], b""),
                SandboxRule::AnswerHeader,
            ),
            (
                response(200, &[("connection", "close")], b""),
                SandboxRule::AnswerHeader,
            ),
            (
                response(200, &[("set-cookie", "a=b")], b""),
                SandboxRule::AnswerHeader,
            ),
            (
                response(200, &[("content-type", "a"), ("Content-Type", "b")], b""),
                SandboxRule::AnswerHeader,
            ),
            (
                response(200, &[("x-hook-secret", "a\r\nb")], b""),
                SandboxRule::AnswerHeader,
            ),
            (
                response(200, &[("x-hook-secret", &long)], b""),
                SandboxRule::AnswerHeader,
            ),
        ];
        for (r, expected) in cases {
            assert_eq!(rule(answer(&limits, "t", r).unwrap_err()), Some(expected));
        }
        assert!(answer(&limits, "t", response(599, &[], b"")).is_ok());
        assert!(answer(&limits, "t", response(204, &[], b"")).is_ok());
    }
}
