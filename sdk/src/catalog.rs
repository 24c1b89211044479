//! Catalog tables and dispatch: the descriptor entry of each action, polling trigger and pick
//! list next to the function that implements it, the events and choices they produce, and the
//! lookups that turn a name from the host into a table entry (or a clear `invalid-input` error).
//!
//! The tables are generic over the implementation's function type `F`, so each connector
//! chooses what its functions receive (typically its own API client):
//!
//! ```
//! use connector_sdk::catalog::{self, Action};
//! use connector_sdk::schema::Schema;
//! use serde_json::{Map, Value};
//!
//! type Run = fn(&Map<String, Value>) -> connector_sdk::Result<Value>;
//! const ACTIONS: &[Action<Run>] = &[Action {
//!     name: "echo",
//!     title: "Echo",
//!     description: "Returns its input.",
//!     scopes: &[],
//!     read_only: true,
//!     input_schema: Schema::json(r#"{"type":"object"}"#),
//!     output_schema: Schema::json(r#"{"type":"object"}"#),
//!     run: |input| Ok(Value::Object(input.clone())),
//! }];
//!
//! let action = catalog::find_action(ACTIONS, "echo").unwrap();
//! let input = catalog::parse_object("{\"a\":1}").unwrap();
//! assert_eq!((action.run)(&input).unwrap()["a"], 1);
//! assert!(catalog::find_action(ACTIONS, "nope").is_err());
//! ```

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::schema::key;
pub use crate::schema::{Schema, Schemas};
use crate::wit;

/// One action: its descriptor and its implementation `run`.
pub struct Action<F> {
    /// Stable machine name, e.g. `create_task`.
    pub name: &'static str,
    /// Human title.
    pub title: &'static str,
    /// What it does.
    pub description: &'static str,
    /// Scopes, any one of which suffices (empty when the API has no scopes).
    pub scopes: &'static [&'static str],
    /// Whether the action only reads: it changes nothing remotely, whatever its input (the
    /// contract's `read-only`). A generic action that can send any request is not.
    pub read_only: bool,
    /// JSON Schema of the input.
    pub input_schema: Schema,
    /// JSON Schema of the output.
    pub output_schema: Schema,
    /// The implementation.
    pub run: F,
}

/// One polling trigger: its descriptor and its implementation `poll`.
pub struct Trigger<F> {
    /// Stable machine name, e.g. `new_or_updated_task`.
    pub name: &'static str,
    /// Human title.
    pub title: &'static str,
    /// What it emits and when.
    pub description: &'static str,
    /// Scopes, any one of which suffices (empty when the API has no scopes).
    pub scopes: &'static [&'static str],
    /// JSON Schema of the input.
    pub input_schema: Schema,
    /// JSON Schema of one event payload.
    pub event_schema: Schema,
    /// The implementation.
    pub poll: F,
}

/// One webhook trigger (run by a resident host through the connector's `subscribe`,
/// `check-subscription`, `unsubscribe` and `handle-delivery`); `emits` is what it emits, in the
/// connector's own terms.
pub struct WebhookTrigger<E> {
    /// Stable machine name, e.g. `new_event_webhook`.
    pub name: &'static str,
    /// Human title.
    pub title: &'static str,
    /// What it emits and when.
    pub description: &'static str,
    /// Scopes, any one of which suffices (empty when the API has no scopes).
    pub scopes: &'static [&'static str],
    /// JSON Schema of the input.
    pub input_schema: Schema,
    /// JSON Schema of one event payload.
    pub event_schema: Schema,
    /// The polling trigger that catches up on what a hook missed while down, if any.
    pub catch_up: Option<&'static str>,
    /// What it emits (the connector's delivery code reads it).
    pub emits: E,
}

/// One pick list: its descriptor and its implementation `fetch`.
pub struct PickList<F> {
    /// Machine name.
    pub name: &'static str,
    /// What the list holds.
    pub description: &'static str,
    /// JSON Schema of its parameters.
    pub params_schema: Schema,
    /// The implementation.
    pub fetch: F,
}

/// One emitted event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Deduplication key, unique per distinct event, e.g. `42@2024-01-01T00:00:00Z`.
    pub key: String,
    /// The payload as JSON text.
    pub payload: String,
}

/// The outcome of one poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollResult {
    /// New events, oldest first.
    pub events: Vec<Event>,
    /// The cursor for the next poll.
    pub cursor: String,
    /// True when more events are ready now.
    pub more: bool,
}

/// One pick-list choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickOption {
    /// What a person sees.
    pub label: String,
    /// What goes into an input.
    pub value: String,
}

fn find<'a, T: 'a>(
    items: impl IntoIterator<Item = &'a T>,
    name_of: impl Fn(&T) -> &str,
    name: &str,
    field: &str,
    what: &str,
) -> Result<&'a T> {
    items
        .into_iter()
        .find(|item| name_of(item) == name)
        .ok_or_else(|| Error::invalid(field, format!("unknown {what} `{name}`")))
}

/// The action named `name`, or `invalid-input` on field `action` ("unknown action `…`").
pub fn find_action<'a, F: 'a>(
    actions: impl IntoIterator<Item = &'a Action<F>>,
    name: &str,
) -> Result<&'a Action<F>> {
    find(actions, |a| a.name, name, "action", "action")
}

/// The trigger named `name`, or `invalid-input` on field `trigger` ("unknown trigger `…`").
pub fn find_trigger<'a, F: 'a>(
    triggers: impl IntoIterator<Item = &'a Trigger<F>>,
    name: &str,
) -> Result<&'a Trigger<F>> {
    find(triggers, |t| t.name, name, "trigger", "trigger")
}

/// The pick list named `name`, or `invalid-input` on field `name` ("unknown pick list `…`").
pub fn find_pick_list<'a, F: 'a>(
    lists: impl IntoIterator<Item = &'a PickList<F>>,
    name: &str,
) -> Result<&'a PickList<F>> {
    find(lists, |p| p.name, name, "name", "pick list")
}

/// Parses input `text` as JSON; empty text counts as `{}`. Invalid JSON is `invalid-input` on
/// the whole input.
pub fn parse_json(text: &str) -> Result<Value> {
    if text.trim().is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    serde_json::from_str(text)
        .map_err(|e| Error::invalid("", format!("the input is not valid JSON: {e}")))
}

/// The object inside `value`, or `invalid-input` ("the input must be a JSON object").
pub fn into_object(value: Value) -> Result<Map<String, Value>> {
    match value {
        Value::Object(m) => Ok(m),
        _ => Err(Error::invalid("", "the input must be a JSON object")),
    }
}

/// Parses input `text` as a JSON object ([`parse_json`] then [`into_object`]). The host has
/// validated it against the declared schema; a connector re-checks what it relies on.
pub fn parse_object(text: &str) -> Result<Map<String, Value>> {
    into_object(parse_json(text)?)
}

/// Serialises an output value as JSON text.
pub fn to_text(value: &Value) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::internal(format!("serialising output: {e}")))
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

impl<F> Action<F> {
    /// The descriptor entry; typed schemas come from `schemas` (see [`crate::schema`]).
    pub fn describe(&self, schemas: &Schemas) -> wit::Action {
        wit::Action {
            name: self.name.into(),
            title: self.title.into(),
            description: self.description.into(),
            required_scopes: strings(self.scopes),
            input_schema: self
                .input_schema
                .text(&key("action", self.name, "input"), schemas),
            output_schema: self
                .output_schema
                .text(&key("action", self.name, "output"), schemas),
            read_only: self.read_only,
        }
    }
}

impl<F> Trigger<F> {
    /// The descriptor entry (kind `polling`, no catch-up trigger).
    pub fn describe(&self, schemas: &Schemas) -> wit::Trigger {
        wit::Trigger {
            name: self.name.into(),
            title: self.title.into(),
            description: self.description.into(),
            kind: wit::TriggerKind::Polling,
            required_scopes: strings(self.scopes),
            input_schema: self
                .input_schema
                .text(&key("trigger", self.name, "input"), schemas),
            event_schema: self
                .event_schema
                .text(&key("trigger", self.name, "event"), schemas),
            catch_up_trigger: None,
        }
    }
}

impl<E> WebhookTrigger<E> {
    /// The descriptor entry (kind `webhook`, with its catch-up trigger).
    pub fn describe(&self, schemas: &Schemas) -> wit::Trigger {
        let entry = Trigger {
            name: self.name,
            title: self.title,
            description: self.description,
            scopes: self.scopes,
            input_schema: self.input_schema,
            event_schema: self.event_schema,
            poll: (),
        };
        wit::Trigger {
            kind: wit::TriggerKind::Webhook,
            catch_up_trigger: self.catch_up.map(str::to_string),
            ..entry.describe(schemas)
        }
    }
}

impl<F> PickList<F> {
    /// The descriptor entry.
    pub fn describe(&self, schemas: &Schemas) -> wit::PickListInfo {
        wit::PickListInfo {
            name: self.name.into(),
            description: self.description.into(),
            params_schema: self
                .params_schema
                .text(&key("pick_list", self.name, "params"), schemas),
        }
    }
}

impl From<Event> for wit::Event {
    fn from(e: Event) -> Self {
        wit::Event {
            key: e.key,
            payload: e.payload,
        }
    }
}

impl From<PollResult> for wit::PollResult {
    fn from(r: PollResult) -> Self {
        wit::PollResult {
            events: r.events.into_iter().map(Into::into).collect(),
            cursor: r.cursor,
            more: r.more,
        }
    }
}

impl From<PickOption> for wit::PickOption {
    fn from(o: PickOption) -> Self {
        wit::PickOption {
            label: o.label,
            value: o.value,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Fetch = fn() -> Vec<PickOption>;
    const LISTS: &[PickList<Fetch>] = &[PickList {
        name: "repos",
        description: "Repositories",
        params_schema: Schema::json("{}"),
        fetch: Vec::new,
    }];

    #[test]
    fn unknown_names_are_invalid_input_naming_the_field() {
        assert!(find_pick_list(LISTS, "repos").is_ok());
        assert_eq!(
            find_pick_list(LISTS, "nope").err(),
            Some(Error::invalid("name", "unknown pick list `nope`"))
        );
        let triggers: &[Trigger<()>] = &[];
        assert_eq!(
            find_trigger(triggers, "t").err(),
            Some(Error::invalid("trigger", "unknown trigger `t`"))
        );
        let actions: &[Action<()>] = &[];
        assert_eq!(
            find_action(actions, "a").err(),
            Some(Error::invalid("action", "unknown action `a`"))
        );
    }

    #[test]
    fn input_text_must_be_a_json_object() {
        assert!(parse_object("").unwrap().is_empty());
        assert!(parse_object(" {} ").unwrap().is_empty());
        assert!(
            matches!(parse_object("{"), Err(Error::InvalidInput { ref field, .. }) if field.is_empty())
        );
        assert_eq!(
            parse_object("[1]").err(),
            Some(Error::invalid("", "the input must be a JSON object"))
        );
    }

    #[test]
    fn entries_convert_to_descriptor_records() {
        let info = LISTS[0].describe(&Schemas::none());
        assert_eq!(
            (info.name.as_str(), info.params_schema.as_str()),
            ("repos", "{}")
        );
        let t = Trigger {
            name: "t",
            title: "T",
            description: "d",
            scopes: &["read"],
            input_schema: Schema::json("{}"),
            event_schema: Schema::of::<u32>(),
            poll: (),
        };
        let w = t.describe(&Schemas::none());
        assert_eq!(w.kind, wit::TriggerKind::Polling);
        let hook = WebhookTrigger {
            name: "h",
            title: "H",
            description: "d",
            scopes: &["write"],
            input_schema: Schema::json("{}"),
            event_schema: Schema::json("{}"),
            catch_up: Some("t"),
            emits: (),
        }
        .describe(&Schemas::none());
        assert_eq!(hook.kind, wit::TriggerKind::Webhook);
        assert_eq!(hook.catch_up_trigger.as_deref(), Some("t"));
        assert_eq!((hook.name.as_str(), hook.required_scopes.len()), ("h", 1));
        assert_eq!(w.required_scopes, ["read"]);
        // A typed schema the build did not embed refuses everything rather than nothing.
        assert_eq!(
            (w.input_schema.as_str(), w.event_schema.as_str()),
            ("{}", "false")
        );
        let r = wit::PollResult::from(PollResult {
            events: vec![Event {
                key: "k".into(),
                payload: "{}".into(),
            }],
            cursor: "c".into(),
            more: true,
        });
        assert_eq!(
            (r.events[0].key.as_str(), r.cursor.as_str(), r.more),
            ("k", "c", true)
        );
    }
}
