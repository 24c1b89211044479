//! One module per Wrike resource.

pub mod comments;
pub mod contacts;
pub mod folders;
pub mod misc;
pub mod spaces;
pub mod tasks;
pub mod timelogs;

use axum::response::Response;

use crate::server::Shared;

/// Serves `/files/{attachmentId}/{token}/{name}` — the download links handed out by
/// `GET /attachments/{id}/url` (no token needed, like Wrike's signed links).
pub fn download_file(_sh: &Shared, _rest: &str) -> Response {
    axum::response::IntoResponse::into_response((axum::http::StatusCode::NOT_FOUND, "not found"))
}
