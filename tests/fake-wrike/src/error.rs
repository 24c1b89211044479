//! Wrike's error envelope (`API.md` §6): `{"errorDescription": "...", "error": "code"}`.

use axum::http::StatusCode;
use serde_json::json;

/// An API error as Wrike reports it: an HTTP status, a machine code and a human description.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status} {code}: {description}")]
pub struct ApiError {
    /// HTTP status of the response.
    pub status: StatusCode,
    /// Wrike's `error` code, e.g. `invalid_parameter`.
    pub code: &'static str,
    /// Wrike's `errorDescription`.
    pub description: String,
}

/// Result type of every request handler.
pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// Builds an error from its parts.
    pub fn new(status: StatusCode, code: &'static str, description: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            description: description.into(),
        }
    }

    /// `400 invalid_parameter` with Wrike's wording `Parameter 'NAME' value is invalid`.
    pub fn invalid_parameter(name: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
            format!("Parameter '{name}' value is invalid"),
        )
    }

    /// `400 invalid_parameter` with a custom description (which should name the parameter).
    pub fn invalid_parameter_msg(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_parameter", description)
    }

    /// `400 invalid_parameter` for a parameter name the method does not know.
    pub fn unknown_parameter(name: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
            format!("Parameter '{name}' is not allowed"),
        )
    }

    /// `400 parameter_required`: `Parameter 'NAME' is required`.
    pub fn parameter_required(name: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "parameter_required",
            format!("Parameter '{name}' is required"),
        )
    }

    /// `400 invalid_request`: malformed request (bad body, missing attachment body, ...).
    pub fn invalid_request(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    }

    /// `401 not_authorized`.
    pub fn not_authorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "not_authorized",
            "Access token is unknown or invalid",
        )
    }

    /// `403 access_forbidden`: the token lacks every scope the method accepts, or the entity is off limits.
    pub fn access_forbidden(description: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "access_forbidden", description)
    }

    /// `403 not_allowed`: the action is not allowed (licence, quota, or the entity's state).
    pub fn not_allowed(description: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "not_allowed", description)
    }

    /// `404 resource_not_found`.
    pub fn not_found(what: &str, id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "resource_not_found",
            format!("{what} '{id}' not found"),
        )
    }

    /// `404 method_not_found`.
    pub fn method_not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "method_not_found",
            "Method not found",
        )
    }

    /// `429 too_many_requests` (the 400 requests/minute limit).
    pub fn too_many_requests() -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            "IP or access token exceeded limit: 400 requests per minute",
        )
    }

    /// `500 server_error`.
    pub fn server_error() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "Internal server error",
        )
    }

    /// The JSON body Wrike sends for this error.
    pub fn body(&self) -> serde_json::Value {
        json!({"errorDescription": self.description, "error": self.code})
    }
}
