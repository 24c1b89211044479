//! Test support: the SDK's scripted [`MockEnv`] and response builders, plus Wrike's error
//! envelope and base URL.

pub use connector_sdk::testing::*;

use connector_sdk::env::HttpResponse;

/// A Wrike error response.
pub fn wrike_error(code: u16, error: &str, description: &str) -> HttpResponse {
    status(
        code,
        &serde_json::json!({"errorDescription": description, "error": error}).to_string(),
    )
}

/// Base URL used by tests.
pub const BASE: &str = "https://www.wrike.com/api/v4";
