//! The HTTP side of `serve`: `/hooks/{token}` for each webhook subscription (an unguessable
//! path), `/healthz` and `/metrics`.

use super::{Shared, WebhookSub};
use crate::connector::{IncomingRequest, RemoteSubscription};
use axum::body::{to_bytes, Body};
use axum::extract::{Path, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::Router;
use std::sync::Arc;

/// The path prefix of webhook URLs.
pub const HOOK_PREFIX: &str = "/hooks/";

/// The receiver's routes.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/metrics", get(metrics))
        .route("/hooks/{token}", any(hook))
        .with_state(shared)
}

async fn metrics(State(shared): State<Arc<Shared>>) -> Response {
    (
        [("content-type", "text/plain; version=0.0.4")],
        shared.metrics.render(shared.store.stats()),
    )
        .into_response()
}

fn plain(status: StatusCode, text: &str) -> Response {
    (status, text.to_string()).into_response()
}

async fn hook(
    State(shared): State<Arc<Shared>>,
    Path(token): Path<String>,
    request: Request,
) -> Response {
    let Some(sub) = shared.hooks.get(&token).cloned() else {
        return plain(StatusCode::NOT_FOUND, "no such subscription\n");
    };
    let method = request.method().as_str().to_string();
    let headers: Vec<(String, Vec<u8>)> = request
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_ascii_lowercase(), v.as_bytes().to_vec()))
        .collect();
    let body = match to_bytes(request.into_body(), shared.max_body_bytes).await {
        Ok(b) => b.to_vec(),
        Err(_) => {
            shared.metrics.received(&sub.name, true);
            return plain(StatusCode::PAYLOAD_TOO_LARGE, "body too large\n");
        }
    };
    deliver(
        &shared,
        &sub,
        IncomingRequest {
            method,
            headers,
            body,
        },
    )
    .await
}

async fn deliver(shared: &Shared, sub: &WebhookSub, request: IncomingRequest) -> Response {
    // A handshake may arrive while `subscribe` is still waiting for its answer: the component
    // does not need the remote id to answer it.
    let remote = sub.remote().unwrap_or(RemoteSubscription {
        id: String::new(),
        state: "{}".into(),
    });
    let mut delivery = match sub
        .connector
        .handle_delivery(&sub.trigger, &sub.input, &remote, &sub.target, request)
        .await
    {
        Ok(d) => d,
        Err(e) => {
            shared.metrics.received(&sub.name, true);
            shared.metrics.error(&sub.name, &e);
            let rule = super::metrics::rule_name(&e).unwrap_or_default();
            tracing::warn!(subscription = %sub.name, kind = %e.kind, rule, error = %e.message, "a webhook request could not be handled; asking the sender to retry");
            return plain(StatusCode::SERVICE_UNAVAILABLE, "try again later\n");
        }
    };
    if !delivery.events.is_empty() {
        // Committed before answering: a 2xx means the events are durably in the outbox.
        // Group-committed with the deliveries that arrive meanwhile (`crate::state::Store`).
        let enqueued = shared
            .store
            .enqueue_events(&sub.name, std::mem::take(&mut delivery.events), None)
            .await;
        match enqueued {
            Ok(e) => {
                if e.added > 0 {
                    shared.metrics.events(&sub.name, e.added);
                    shared.wake_sink.notify_one();
                }
            }
            Err(e) => {
                tracing::error!(subscription = %sub.name, error = %e.message, "cannot store received events");
                return plain(StatusCode::INTERNAL_SERVER_ERROR, "cannot store events\n");
            }
        }
    }
    shared.metrics.received(&sub.name, delivery.status >= 400);
    answer(delivery)
}

/// The HTTP response for a checked answer ([`crate::connector::Delivery`]: a status in
/// 200..=599, allowed headers only). The framing — `content-length`, the connection — is
/// hyper's, from the body the host holds.
fn answer(delivery: crate::connector::Delivery) -> Response {
    let Ok(status) = StatusCode::from_u16(delivery.status) else {
        return plain(StatusCode::SERVICE_UNAVAILABLE, "try again later\n");
    };
    let mut response = Response::new(Body::from(delivery.body));
    *response.status_mut() = status;
    for (k, v) in delivery.headers {
        match (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(&v),
        ) {
            (Ok(k), Ok(v)) => {
                response.headers_mut().insert(k, v);
            }
            _ => return plain(StatusCode::SERVICE_UNAVAILABLE, "try again later\n"),
        }
    }
    response
}
