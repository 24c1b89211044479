//! The host's one error type, its stable `kind` strings and the CLI's exit codes.
//!
//! Every failure a user can see — bad input, a rejected credential, an upstream error reported by
//! the guest, a sandbox limit the guest hit — becomes a [`HostError`]. The CLI renders it as one
//! JSON object `{"error": {"kind": …, "message": …, …}}` on stderr and exits with
//! [`HostError::exit_code`].

use serde::Serialize;
use std::fmt;

/// What went wrong, in a form stable enough for scripts to branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The caller's input (an action input, a flag, a state file) was invalid. Exit code 2.
    InvalidInput,
    /// The credential is missing, invalid or expired. Exit code 3.
    Unauthorized,
    /// The credential lacks a permission or scope. Exit code 3.
    Forbidden,
    /// The addressed entity (or action, trigger, pick list) does not exist. Exit code 4.
    NotFound,
    /// The remote API asked us to slow down. Exit code 5.
    RateLimited,
    /// The remote API answered with an error. Exit code 6.
    Upstream,
    /// The request could not be sent or its answer not read. Exit code 6.
    Transport,
    /// The guest broke a sandbox rule (egress, CPU, memory, time, response size). Exit code 7.
    SandboxViolation,
    /// Anything else: a guest trap or panic, a host bug, an unreadable component. Exit code 1.
    Internal,
    /// Replaying a cassette, the component sent a request no recorded exchange matches
    /// (`field` names what differed: `method`, `path`, `query` or `body`). Exit code 8.
    CassetteMismatch,
    /// A trigger run reached one of its limits (batches, events or deadline per run); its
    /// cursor is kept and the next run goes on from there. Exit code 9.
    RunLimit,
    /// Content pulled from a registry does not have the digest that names it (a tampered or
    /// corrupt manifest or component layer); nothing of it was used. Exit code 10.
    DigestMismatch,
}

impl ErrorKind {
    /// The `kind` string as printed in the JSON error object.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::NotFound => "not_found",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Upstream => "upstream",
            ErrorKind::Transport => "transport",
            ErrorKind::SandboxViolation => "sandbox_violation",
            ErrorKind::Internal => "internal",
            ErrorKind::CassetteMismatch => "cassette_mismatch",
            ErrorKind::RunLimit => "run_limit",
            ErrorKind::DigestMismatch => "digest_mismatch",
        }
    }

    /// The process exit code the CLI uses for this kind.
    pub fn exit_code(self) -> i32 {
        match self {
            ErrorKind::InvalidInput => 2,
            ErrorKind::Unauthorized | ErrorKind::Forbidden => 3,
            ErrorKind::NotFound => 4,
            ErrorKind::RateLimited => 5,
            ErrorKind::Upstream | ErrorKind::Transport => 6,
            ErrorKind::SandboxViolation => 7,
            ErrorKind::Internal => 1,
            ErrorKind::CassetteMismatch => 8,
            ErrorKind::RunLimit => 9,
            ErrorKind::DigestMismatch => 10,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which sandbox rule a guest broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SandboxRule {
    /// A request to a scheme, host or port outside the allow-list.
    EgressDenied,
    /// A host name that resolves to a loopback, private, link-local or metadata address.
    PrivateAddress,
    /// The guest used up its CPU budget (epoch deadline).
    CpuBudget,
    /// The whole call ran past its wall-clock timeout.
    WallTimeout,
    /// The call's memory (every linear memory and table of the store, plus the host-side
    /// resources the guest holds) would pass the per-call cap.
    MemoryLimit,
    /// The component would create more instances, memories or tables than allowed, or hold
    /// more host resources (`wasi:http` fields, requests, bodies, streams) at once.
    ResourceLimit,
    /// A JSON Schema declared by the component breaks a bound: too large or too deep, too
    /// many `$ref`s, a `$ref` cycle or a reference outside the schema, or too large once its
    /// references are expanded.
    SchemaLimit,
    /// A request path outside the API base's path, or with dot segments.
    PathDenied,
    /// The component declared an OAuth endpoint the host does not trust.
    UntrustedOauthEndpoint,
    /// A response body was larger than the cap.
    ResponseTooLarge,
    /// Response headers were larger than the cap.
    ResponseHeadersTooLarge,
    /// One `poll` batch or one webhook delivery carried more events than allowed.
    EventLimit,
    /// An event's payload or key was larger than the cap.
    EventTooLarge,
    /// An event's key was empty or held a control character.
    EventKeyInvalid,
    /// The cursor a `poll` returned was larger than the cap.
    CursorTooLarge,
    /// The answer to a received webhook request had a status the host does not send (outside
    /// 200..=599, or a body where the status allows none).
    AnswerStatus,
    /// The answer to a received webhook request set a header the host owns or does not allow,
    /// or a header value that is not short visible ASCII.
    AnswerHeader,
    /// The answer to a received webhook request had a body larger than the cap.
    AnswerTooLarge,
    /// The component's descriptor breaks the descriptor rules (a name outside the pattern or
    /// declared twice, a control or bidi character in a text, a size over its bound; see
    /// [`crate::descriptor::rules`]).
    InvalidDescriptor,
}

/// A failure, with everything a user or a script needs to act on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HostError {
    /// What went wrong.
    pub kind: ErrorKind,
    /// A human-readable explanation; never contains a credential.
    pub message: String,
    /// The offending input field, for [`ErrorKind::InvalidInput`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The HTTP status the remote API answered, where there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The remote API's machine-readable error code (Wrike's `error`), where there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// How long to wait before retrying, for [`ErrorKind::RateLimited`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
    /// The sandbox rule that fired, for [`ErrorKind::SandboxViolation`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<SandboxRule>,
    /// What the user can do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl HostError {
    /// A new error of `kind` with `message` and no details.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        HostError {
            kind,
            message: message.into(),
            field: None,
            status: None,
            code: None,
            retry_after_ms: None,
            rule: None,
            hint: None,
        }
    }

    /// An [`ErrorKind::InvalidInput`] error naming `field`.
    pub fn invalid_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut e = Self::new(ErrorKind::InvalidInput, message);
        e.field = Some(field.into());
        e
    }

    /// An [`ErrorKind::SandboxViolation`] error for `rule`.
    pub fn sandbox(rule: SandboxRule, message: impl Into<String>) -> Self {
        let mut e = Self::new(ErrorKind::SandboxViolation, message);
        e.rule = Some(rule);
        e
    }

    /// An [`ErrorKind::Internal`] error.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }

    /// Adds a hint telling the user what to do.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        self.kind.exit_code()
    }

    /// Replaces every occurrence of `secret` in the message and hint with `[REDACTED]`.
    /// A defence in depth: no code path is meant to put a credential there.
    pub fn redact(mut self, secret: &str) -> Self {
        if secret.len() >= 4 {
            self.message = self.message.replace(secret, "[REDACTED]");
            self.hint = self.hint.map(|h| h.replace(secret, "[REDACTED]"));
            self.field = self.field.map(|f| f.replace(secret, "[REDACTED]"));
        }
        self
    }

    /// The JSON object printed on stderr: `{"error": {...}}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "error": self })
    }
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)?;
        if let Some(field) = &self.field {
            write!(f, " (field `{field}`)")?;
        }
        Ok(())
    }
}

impl std::error::Error for HostError {}

/// Shorthand for results carrying a [`HostError`].
pub type HostResult<T> = Result<T, HostError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_cli_contract() {
        assert_eq!(ErrorKind::InvalidInput.exit_code(), 2);
        assert_eq!(ErrorKind::Unauthorized.exit_code(), 3);
        assert_eq!(ErrorKind::Forbidden.exit_code(), 3);
        assert_eq!(ErrorKind::NotFound.exit_code(), 4);
        assert_eq!(ErrorKind::RateLimited.exit_code(), 5);
        assert_eq!(ErrorKind::Upstream.exit_code(), 6);
        assert_eq!(ErrorKind::Transport.exit_code(), 6);
        assert_eq!(ErrorKind::SandboxViolation.exit_code(), 7);
        assert_eq!(ErrorKind::Internal.exit_code(), 1);
        assert_eq!(ErrorKind::CassetteMismatch.exit_code(), 8);
        assert_eq!(ErrorKind::DigestMismatch.exit_code(), 10);
    }

    #[test]
    fn json_shape_names_kind_and_field() {
        let e = HostError::invalid_input("title", "is required");
        let v = e.to_json();
        assert_eq!(v["error"]["kind"], "invalid_input");
        assert_eq!(v["error"]["field"], "title");
        assert!(v["error"].get("status").is_none());
    }

    #[test]
    fn redact_removes_the_secret() {
        let e = HostError::internal("token s3cr3t-token leaked").redact("s3cr3t-token");
        assert!(!e.message.contains("s3cr3t-token"));
    }
}
