//! One module per Wrike resource.

pub mod approvals;
pub mod attachments;
pub mod blueprints;
pub mod comments;
pub mod contacts;
pub mod custom_item_types;
pub mod folders;
pub mod misc;
pub mod spaces;
pub mod tasks;
pub mod timelogs;
pub mod webhooks;

use axum::response::Response;

use crate::server::Shared;

/// Serves `/files/{attachmentId}/{token}/{name}` — the download links handed out by
/// `GET /attachments/{id}/url` (no token needed, like Wrike's signed links).
pub fn download_file(sh: &Shared, rest: &str) -> Response {
    use axum::http::{header, StatusCode};
    let found = attachments::serve_file(&sh.store.lock(), rest);
    match found {
        Some((ct, bytes, name)) => Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, ct)
            .header(
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", name.replace('"', "")),
            )
            .body(axum::body::Body::from(bytes.as_ref().clone()))
            .expect("valid response"),
        None => axum::response::IntoResponse::into_response((StatusCode::NOT_FOUND, "Not found")),
    }
}
