//! Webhook delivery: handing queued events and handshakes to the delivery worker, which POSTs
//! them and records every attempt.

use std::sync::Arc;
use std::time::Duration;

use super::Shared;

/// Work for the webhook delivery worker.
#[derive(Debug)]
pub enum Job {
    /// POST an event array to a hook.
    Deliver {
        /// The hook (as it was when the event happened).
        hook: crate::store::Webhook,
        /// The JSON array body.
        body: Vec<u8>,
    },
    /// Send the secret handshake.
    Handshake {
        /// The hook.
        hook: crate::store::Webhook,
    },
}

/// Hands queued webhook events and handshakes to the delivery worker.
pub fn dispatch(sh: &Shared) {
    let jobs = {
        let mut st = sh.store.lock();
        if st.pending_events.is_empty() && st.pending_handshakes.is_empty() {
            return;
        }
        let events = std::mem::take(&mut st.pending_events);
        let handshakes = std::mem::take(&mut st.pending_handshakes);
        let mut jobs: Vec<Job> = handshakes
            .iter()
            .filter_map(|id| st.webhooks.get(id).cloned())
            .map(|hook| Job::Handshake { hook })
            .collect();
        jobs.extend(
            crate::resources::webhooks::route_events(&st, &events)
                .into_iter()
                .map(|(hook, body)| Job::Deliver { hook, body }),
        );
        jobs
    };
    if let Some(tx) = sh.jobs.get() {
        for j in jobs {
            let _ = tx.send(j);
        }
    }
}

/// A minimal HTTP/1.1 POST (webhook deliveries go to test receivers on loopback).
async fn http_post(
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<(u16, Vec<(String, String)>), String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| "only http:// hook URLs can be reached from the fake".to_string())?;
    let (hostport, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let addr = if hostport.contains(':') {
        hostport.to_string()
    } else {
        format!("{hostport}:80")
    };
    let mut s = tokio::time::timeout(
        Duration::from_secs(5),
        tokio::net::TcpStream::connect(&addr),
    )
    .await
    .map_err(|_| "connect timed out".to_string())?
    .map_err(|e| format!("connect failed: {e}"))?;
    let mut req = format!(
        "POST {path} HTTP/1.1\r\nHost: {hostport}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\nUser-Agent: fake-wrike\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    let io = async {
        s.write_all(req.as_bytes()).await?;
        s.write_all(body).await?;
        s.flush().await?;
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).await?;
        Ok::<_, std::io::Error>(buf)
    };
    let buf = tokio::time::timeout(Duration::from_secs(10), io)
        .await
        .map_err(|_| "no answer within 10 s".to_string())?
        .map_err(|e| format!("I/O error: {e}"))?;
    let text = String::from_utf8_lossy(&buf);
    let head = text.split("\r\n\r\n").next().unwrap_or("");
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| "malformed HTTP answer".to_string())?;
    let hdrs = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Ok((status, hdrs))
}

/// The delivery worker: runs jobs one after another, records every attempt.
pub async fn delivery_worker(sh: Arc<Shared>, mut rx: tokio::sync::mpsc::UnboundedReceiver<Job>) {
    use crate::resources::webhooks::sign;
    while let Some(job) = rx.recv().await {
        match job {
            Job::Handshake { hook } => {
                let secret = hook.secret.clone().unwrap_or_default();
                let challenge = sh.store.lock().ids.token(32);
                let body = br#"{"requestType":"WebHook secret verification"}"#.to_vec();
                let res = http_post(
                    &hook.hook_url,
                    &[("X-Hook-Secret".to_string(), challenge.clone())],
                    &body,
                )
                .await;
                let expected = sign(&secret, challenge.as_bytes());
                let (status, error) = match &res {
                    Ok((code, hdrs)) => {
                        let answer = hdrs
                            .iter()
                            .find(|(k, _)| k == "x-hook-secret")
                            .map(|(_, v)| v.to_ascii_lowercase());
                        let ok = *code == 200 && answer.as_deref() == Some(expected.as_str());
                        (
                            Some(*code),
                            (!ok).then(|| "handshake answer missing or wrong".to_string()),
                        )
                    }
                    Err(e) => (None, Some(e.clone())),
                };
                if error.is_some() {
                    if let Some(h) = sh.store.lock().webhooks.get_mut(&hook.id) {
                        h.status = "Suspended".into();
                    }
                }
                sh.control.lock().deliveries.push(crate::WebhookDelivery {
                    webhook_id: hook.id.clone(),
                    url: hook.hook_url.clone(),
                    handshake: true,
                    body,
                    status,
                    error,
                });
            }
            Job::Deliver { hook, body } => {
                let mut headers = vec![];
                if let Some(secret) = &hook.secret {
                    headers.push(("X-Hook-Signature".to_string(), sign(secret, &body)));
                }
                let res = http_post(&hook.hook_url, &headers, &body).await;
                let (status, error) = match res {
                    Ok((code, _)) => (
                        Some(code),
                        (!(200..300).contains(&code)).then(|| format!("HTTP {code}")),
                    ),
                    Err(e) => (None, Some(e)),
                };
                sh.control.lock().deliveries.push(crate::WebhookDelivery {
                    webhook_id: hook.id.clone(),
                    url: hook.hook_url.clone(),
                    handshake: false,
                    body,
                    status,
                    error,
                });
            }
        }
    }
}
