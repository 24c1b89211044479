//! The shapes of the catalog's tables: an action, a polling trigger and a pick list with the
//! function that implements each. A leaf module, so each resource declares its entries next to
//! its code without importing the catalog that lists them (no import circle through
//! `catalog.rs`).

use serde_json::{Map, Value};

use connector_sdk::catalog as sdk;

use crate::error::Result;
use crate::wrike::Client;

pub use connector_sdk::catalog::{Event, PickOption, PollResult};

/// Runs an action on its input object (validated by the host; the action parses it into its type).
pub type ActionFn = fn(&mut Client<'_>, &Map<String, Value>) -> Result<Value>;
/// Runs one poll of a trigger on validated input and an optional cursor.
pub type PollFn = fn(&mut Client<'_>, &Map<String, Value>, Option<&str>) -> Result<PollResult>;
/// Fetches a pick list on validated parameters.
pub type PickFn = fn(&mut Client<'_>, &Map<String, Value>) -> Result<Vec<PickOption>>;

/// One action: its descriptor and its implementation.
pub type Action = sdk::Action<ActionFn>;
/// One polling trigger: its descriptor and its implementation.
pub type Trigger = sdk::Trigger<PollFn>;
/// One pick list: its descriptor and its implementation.
pub type PickList = sdk::PickList<PickFn>;
