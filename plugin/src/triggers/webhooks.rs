//! The four real-time triggers (Workato's `*_webhook`), on Wrike webhooks (`API.md` §11.15,
//! `reference/MODERN.md` §5): subscribing a hook, checking and re-activating it, removing it,
//! and turning one received request into events.
//!
//! - **Scope** (input): `folderId` → `POST /folders/{id}/webhooks` (with `recursive`), `spaceId`
//!   → `POST /spaces/{id}/webhooks`, neither → `POST /webhooks` (the account) [C].
//! - **Events** (input `events`, empty = all): sent as Wrike's `[A,B]` list [C], and also
//!   filtered again on receipt (cheap, and harmless if Wrike ever sends more).
//! - **Handshake** [3P]: a POST with `X-Hook-Secret: <challenge>` and body
//!   `{"requestType":"WebHook secret verification"}` is answered 200 with
//!   `X-Hook-Secret: hex(HMAC-SHA256(secret, challenge))`.
//! - **Signature** [3P]: every other request must carry
//!   `X-Hook-Signature: hex(HMAC-SHA256(secret, raw body))`, checked in constant time before
//!   the body is parsed; a missing or wrong one yields no event and a 401.
//! - **Payload** [3P]: a JSON array of events. `new_event_webhook` emits each event as it came;
//!   the task, folder and project triggers re-read the full record and key it
//!   `"{id}@{updatedDate}"` exactly like their polling twins (their `catch-up-trigger`), so the
//!   host's deduplication spans both.

use connector_sdk::schema::Schema;
use hmac::{Hmac, Mac};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::input::parse;
use crate::resources::at_most_one;
use crate::scopes::W;
use crate::table::Event;
use crate::wrike::{ids_segment, path, Client, Params};

/// The body of Wrike's handshake request [3P].
pub const HANDSHAKE_REQUEST_TYPE: &str = "WebHook secret verification";

/// Longest handshake challenge answered. Wrike's are short random tokens [3P]; the bound only
/// keeps the HMAC oracle below small.
pub const MAX_CHALLENGE_LEN: usize = 512;

/// Which record a trigger emits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emits {
    /// Each webhook event as received.
    Event,
    /// The task an event is about, re-read.
    Task,
    /// The folder or project an event is about, re-read.
    Folder,
    /// The project an event is about, re-read (plain folders are skipped).
    Project,
}

/// One webhook trigger: its descriptor and what it [`Emits`].
pub type WebhookTrigger = connector_sdk::catalog::WebhookTrigger<Emits>;

/// The webhook triggers.
pub const TRIGGERS: &[WebhookTrigger] = &[
    WebhookTrigger {
        name: "new_event_webhook",
        title: "New event (real-time)",
        description: "Emits each Wrike webhook event (task, folder, project, comment, attachment, timelog, approval) as Wrike sends it, for the account, a space or a folder (recursive on request).",
        scopes: W,
        input_schema: Schema::of::<crate::triggers::types::NewEventWebhook>(),
        event_schema: Schema::of::<crate::triggers::types::WebhookEvent>(),
        catch_up: None,
        emits: Emits::Event,
    },
    WebhookTrigger {
        name: "new_or_updated_task_webhook",
        title: "New or updated task (real-time)",
        description: "Emits the full task (re-read) whenever Wrike reports an event about it (key \"{id}@{updatedDate}\", as new_or_updated_task).",
        scopes: W,
        input_schema: Schema::of::<crate::triggers::types::NewOrUpdatedTaskWebhook>(),
        event_schema: Schema::of::<crate::resources::tasks::Task>(),
        catch_up: Some("new_or_updated_task"),
        emits: Emits::Task,
    },
    WebhookTrigger {
        name: "new_or_updated_folder_webhook",
        title: "New or updated folder (real-time)",
        description: "Emits the full folder or project (re-read) whenever Wrike reports an event about it (key \"{id}@{updatedDate}\", as new_or_updated_folder).",
        scopes: W,
        input_schema: Schema::of::<crate::triggers::types::NewOrUpdatedFolderWebhook>(),
        event_schema: Schema::of::<crate::resources::folders::Folder>(),
        catch_up: Some("new_or_updated_folder"),
        emits: Emits::Folder,
    },
    WebhookTrigger {
        name: "new_or_updated_project_webhook",
        title: "New or updated project (real-time)",
        description: "Emits the full project (re-read) whenever Wrike reports an event about it (key \"{id}@{updatedDate}\", as new_or_updated_project).",
        scopes: W,
        input_schema: Schema::of::<crate::triggers::types::NewOrUpdatedProjectWebhook>(),
        event_schema: Schema::of::<crate::resources::folders::Folder>(),
        catch_up: Some("new_or_updated_project"),
        emits: Emits::Project,
    },
];

/// The webhook trigger named `name`.
pub fn find(name: &str) -> Result<&'static WebhookTrigger> {
    TRIGGERS
        .iter()
        .find(|t| t.name == name)
        .ok_or_else(|| Error::invalid("trigger", format!("no webhook trigger named `{name}`")))
}

/// What `check` found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Active.
    Active,
    /// Was suspended; re-activated now.
    Reactivated,
    /// No longer exists.
    Gone,
}

/// Registers the hook for `input` delivering to `url`, signed with `secret`; returns its id.
pub fn subscribe(
    client: &mut Client<'_>,
    input: &Map<String, Value>,
    url: &str,
    secret: &str,
) -> Result<String> {
    parse::<crate::triggers::types::NewEventWebhook>(input)?;
    at_most_one(input, &["folderId", "spaceId"])?;
    let mut form = Params::new();
    form.text("hookUrl", url);
    form.text("secret", secret);
    if let Some(events) = events_filter(input) {
        // Wrike's list syntax: names comma-separated in square brackets, unquoted [C].
        form.text("events", format!("[{}]", events.join(",")));
    }
    let hook_path = if let Some(folder) = input.get("folderId").and_then(Value::as_str) {
        let recursive = input
            .get("recursive")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        form.text("recursive", recursive.to_string());
        path(&["folders", folder, "webhooks"])
    } else {
        if input.get("recursive").and_then(Value::as_bool) == Some(true) {
            return Err(Error::invalid(
                "recursive",
                "applies to folder hooks only (give folderId)",
            ));
        }
        match input.get("spaceId").and_then(Value::as_str) {
            Some(space) => path(&["spaces", space, "webhooks"]),
            None => "/webhooks".to_string(),
        }
    };
    let hook = client.post(&hook_path, form)?.first()?;
    hook.get("id")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| Error::internal("Wrike created a webhook but answered no id"))
}

/// Checks hook `id`, re-activating it when Wrike suspended it (`PUT status=Active`) [3P].
pub fn check(client: &mut Client<'_>, id: &str) -> Result<Status> {
    let hook = match client.get(&path(&["webhooks", id]), &Params::new()) {
        Ok(envelope) => envelope.first()?,
        Err(Error::NotFound(_)) => return Ok(Status::Gone),
        Err(e) => return Err(e),
    };
    // Any status other than Active (Wrike documents Suspended [3P]) is treated as suspended.
    if hook.get("status").and_then(Value::as_str) == Some("Active") {
        return Ok(Status::Active);
    }
    let mut form = Params::new();
    form.text("status", "Active");
    match client.put(&path(&["webhooks", id]), form) {
        Ok(_) => Ok(Status::Reactivated),
        Err(Error::NotFound(_)) => Ok(Status::Gone),
        Err(e) => Err(e),
    }
}

/// Deletes hook `id`; one that is already gone counts as deleted.
pub fn unsubscribe(client: &mut Client<'_>, id: &str) -> Result<()> {
    match client.delete(&path(&["webhooks", id])) {
        Ok(_) | Err(Error::NotFound(_)) => Ok(()),
        Err(e) => Err(e),
    }
}

/// One received HTTP request.
pub struct Request<'a> {
    /// Method, e.g. `POST`.
    pub method: &'a str,
    /// Header names (any case) and raw values.
    pub headers: &'a [(String, Vec<u8>)],
    /// Raw body.
    pub body: &'a [u8],
}

impl Request<'_> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }
}

/// The answer to a received request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

fn answer(status: u16, message: &str) -> Response {
    Response {
        status,
        headers: vec![("content-type".into(), "text/plain; charset=utf-8".into())],
        body: message.as_bytes().to_vec(),
    }
}

/// `hex(HMAC-SHA256(key = secret, msg))`.
pub fn sign(secret: &str, msg: &[u8]) -> String {
    let mut mac = mac(secret);
    mac.update(msg);
    hex::encode(mac.finalize().into_bytes())
}

fn mac(secret: &str) -> Hmac<Sha256> {
    // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
    <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"))
}

/// Whether `signature` (hex, any case) is `hex(HMAC-SHA256(secret, body))`, compared in
/// constant time.
pub fn signature_ok(secret: &str, body: &[u8], signature: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(signature) else {
        return false;
    };
    let Ok(raw) = hex::decode(text.trim()) else {
        return false;
    };
    let mut mac = mac(secret);
    mac.update(body);
    mac.verify_slice(&raw).is_ok()
}

/// A handshake challenge is answered only if it is short printable ASCII and could not be a
/// delivery body: every delivery is a JSON array, so a challenge starting with `[` would make
/// the answer a valid signature for a forged delivery.
fn answerable_challenge(challenge: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(challenge).ok()?.trim();
    let printable = text.bytes().all(|b| (0x21..=0x7e).contains(&b));
    (printable && !text.is_empty() && text.len() <= MAX_CHALLENGE_LEN && !text.starts_with('['))
        .then_some(text)
}

fn is_handshake(body: &[u8]) -> bool {
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| {
            v.get("requestType")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .is_some_and(|t| t == HANDSHAKE_REQUEST_TYPE)
}

/// Handles one received request for `trigger`: answers the handshake, verifies the
/// signature, and turns a genuine delivery into events (oldest first).
pub fn handle(
    client: &mut Client<'_>,
    trigger: &WebhookTrigger,
    input: &Map<String, Value>,
    secret: &str,
    request: &Request<'_>,
) -> Result<(Response, Vec<Event>)> {
    parse::<crate::triggers::types::NewEventWebhook>(input)?;
    if !request.method.eq_ignore_ascii_case("POST") {
        return Ok((answer(405, "only POST is accepted"), Vec::new()));
    }
    if let Some(challenge) = request.header("x-hook-secret") {
        if is_handshake(request.body) {
            let Some(challenge) = answerable_challenge(challenge) else {
                return Ok((answer(400, "unacceptable handshake challenge"), Vec::new()));
            };
            let mut response = answer(200, "");
            response
                .headers
                .push(("X-Hook-Secret".into(), sign(secret, challenge.as_bytes())));
            return Ok((response, Vec::new()));
        }
        // [3P] X-Hook-Secret may also appear on ordinary deliveries: verify them as usual.
    }
    let signed = request
        .header("x-hook-signature")
        .is_some_and(|s| signature_ok(secret, request.body, s));
    if !signed {
        return Ok((
            answer(401, "missing or invalid X-Hook-Signature"),
            Vec::new(),
        ));
    }
    let Ok(Value::Array(items)) = serde_json::from_slice::<Value>(request.body) else {
        return Ok((
            answer(400, "the body is not a JSON array of events"),
            Vec::new(),
        ));
    };
    let wanted = events_filter(input);
    let received: Vec<Map<String, Value>> = items
        .into_iter()
        .filter_map(|v| match v {
            Value::Object(m) => Some(m),
            _ => None,
        })
        .filter(|m| {
            let kind = m.get("eventType").and_then(Value::as_str).unwrap_or("");
            wanted.as_ref().is_none_or(|w| w.iter().any(|e| e == kind))
        })
        .collect();
    let events = match trigger.emits {
        Emits::Event => received.into_iter().map(raw_event).collect(),
        Emits::Task => reread(client, &received, "taskId", Emits::Task)?,
        Emits::Folder | Emits::Project => reread(client, &received, "folderId", trigger.emits)?,
    };
    Ok((answer(200, ""), events))
}

/// The `events` input as a list, `None` when absent or empty (= all events).
fn events_filter(input: &Map<String, Value>) -> Option<Vec<String>> {
    let list: Vec<String> = input
        .get("events")?
        .as_array()?
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    (!list.is_empty()).then_some(list)
}

/// An event as received, keyed by its type, its date and a digest of its content, so that a
/// replayed delivery yields the same keys.
fn raw_event(event: Map<String, Value>) -> Event {
    let value = Value::Object(event);
    let text = value.to_string();
    let digest = hex::encode(Sha256::digest(text.as_bytes()));
    let key = format!(
        "{}@{}#{}",
        value
            .get("eventType")
            .and_then(Value::as_str)
            .unwrap_or("event"),
        value
            .get("lastUpdatedDate")
            .and_then(Value::as_str)
            .unwrap_or(""),
        &digest[..16]
    );
    Event { key, payload: text }
}

/// The optional fields `GET /tasks/{ids}` accepts (`API.md` §11.1; reference `GET:/tasks/multi`:
/// `fields` ⊆ `[recurrent, attachmentCount, effortAllocation, billingType]`); the rest of what
/// the polling trigger asks for (description, parentIds, responsibleIds, …) is in the full
/// record already.
pub const TASK_REREAD_FIELDS: &[&str] = &["recurrent", "attachmentCount"];

/// The optional fields `GET /folders/{ids}` accepts that the folder triggers ask for (`API.md`
/// §11.3; reference `GET:/folders/multi`: `fields` ⊆ `[briefDescription, customColumnIds,
/// attachmentCount, contractType]`).
pub const FOLDER_REREAD_FIELDS: &[&str] =
    &["briefDescription", "customColumnIds", "attachmentCount"];

/// IDs per multi-ID read (`API.md` §4: "up to 100 IDs").
pub const REREAD_BATCH: usize = 100;

/// Re-reads each distinct record the events name in `id_field` (tasks for `taskId`, folders for
/// `folderId` — task events also carry no `folderId`, so folder triggers skip them) in one
/// `GET /tasks/{id},{id},…` (or `/folders/…`) per up to 100 IDs, keyed `"{id}@{updatedDate}"`
/// and sorted by `updatedDate`. Records gone meanwhile are skipped: when a batch answers
/// `404`, its IDs are read one by one.
fn reread(
    client: &mut Client<'_>,
    received: &[Map<String, Value>],
    id_field: &str,
    emits: Emits,
) -> Result<Vec<Event>> {
    let mut ids: Vec<&str> = Vec::new();
    for event in received {
        if emits != Emits::Task && event.contains_key("taskId") {
            continue;
        }
        if let Some(id) = event.get(id_field).and_then(Value::as_str) {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    let (collection, fields) = match emits {
        Emits::Task => ("tasks", TASK_REREAD_FIELDS),
        _ => ("folders", FOLDER_REREAD_FIELDS),
    };
    let mut q = Params::new();
    q.value(
        "fields",
        &Value::Array(fields.iter().map(|f| Value::from(*f)).collect()),
    );
    let mut records = Vec::new();
    for batch in ids.chunks(REREAD_BATCH) {
        let read = |client: &mut Client<'_>, ids: &[&str]| {
            client.get(&format!("/{collection}/{}", ids_segment(ids)), &q)
        };
        match read(client, batch) {
            Ok(envelope) => records.extend(envelope.data),
            Err(Error::NotFound(_)) if batch.len() == 1 => continue,
            Err(Error::NotFound(_)) => {
                for id in batch {
                    match read(client, std::slice::from_ref(id)) {
                        Ok(envelope) => records.extend(envelope.data),
                        Err(Error::NotFound(_)) => continue,
                        Err(e) => return Err(e),
                    }
                }
            }
            Err(e) => return Err(e),
        }
    }
    if emits == Emits::Project {
        records.retain(|record| record.get("project").is_some());
    }
    let mut dated = Vec::with_capacity(records.len());
    for record in records {
        let (ts, raw) = super::updated_of(&record)?;
        let key = super::id_at_updated(&record, raw);
        dated.push((ts, key, record));
    }
    Ok(super::sorted_by_time(dated, |(ts, _, _)| *ts)
        .into_iter()
        .map(|(_, key, record)| Event {
            key,
            payload: record.to_string(),
        })
        .collect())
}

#[cfg(test)]
#[path = "webhooks_tests.rs"]
mod tests;
