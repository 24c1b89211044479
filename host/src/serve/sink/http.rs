//! The HTTP sink: `POST url` with the event's envelope and `Idempotency-Key`.

use super::{envelope, transient, Delivering, Sink, SinkError};
use crate::state::OutboxEntry;
use std::time::Duration;

/// POSTs each event's envelope to one URL; 2xx acknowledges it, 408, 429 and 5xx are retried
/// (honouring `Retry-After` in seconds), any other status refuses it for good.
pub(super) struct Http {
    url: String,
    max_backoff: Duration,
    in_flight: usize,
    client: reqwest::Client,
}

impl Http {
    /// A sink POSTing to `url`, up to `in_flight` (default 1) events at once, waiting at most
    /// `max_backoff_ms` (default 30 s) between tries.
    pub(super) fn new(url: String, max_backoff_ms: Option<u64>, in_flight: Option<usize>) -> Http {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap_or_default();
        Http {
            url,
            max_backoff: max_backoff_ms.map_or(Duration::from_secs(30), Duration::from_millis),
            in_flight: in_flight.unwrap_or(DEFAULT_IN_FLIGHT).max(1),
            client,
        }
    }
}

/// Events POSTed at once unless `in_flight` says otherwise: one, so that the sink sees the
/// events in outbox order (an event is retried until accepted before the next is sent).
pub(super) const DEFAULT_IN_FLIGHT: usize = 1;

impl Sink for Http {
    fn deliver<'a>(&'a self, entry: &'a OutboxEntry) -> Delivering<'a> {
        Box::pin(async move {
            let url = &self.url;
            let response = self
                .client
                .post(url)
                .header(
                    "idempotency-key",
                    format!("{}/{}", entry.subscription, entry.key),
                )
                .json(&envelope(entry))
                .send()
                .await
                .map_err(|e| transient(format!("POST {url} failed: {e}")))?;
            let status = response.status().as_u16();
            if (200..300).contains(&status) {
                return Ok(());
            }
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            Err(SinkError {
                message: format!("POST {url} answered {status}"),
                retry_after,
                permanent: (400..500).contains(&status) && status != 408 && status != 429,
            })
        })
    }

    fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    fn in_flight(&self) -> usize {
        self.in_flight
    }
}
