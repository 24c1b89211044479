//! Typed inputs: the generated JSON Schemas (embedded at build time) and parsing an input into
//! its type from [`wrike_types`] (see [`wrike_types::parse`]), with errors naming the offending
//! field.

use serde_json::{Map, Value};
use wrike_types::parse::{FromObject, InputError};

use crate::error::{Error, Result};

/// The generated JSON Schema `name` (`"create_task.input"`, `"task.output"`, …) as a
/// `&'static str`, written by `build.rs` from the types in `wrike-types`.
#[macro_export]
#[doc(hidden)]
macro_rules! schema {
    ($name:literal) => {
        include_str!(concat!(env!("OUT_DIR"), "/schemas/", $name, ".json"))
    };
}

/// Parse an input object into its type; on failure an `invalid-input` error whose `field` is
/// the dotted path of the offending value.
#[inline(always)]
pub fn parse<T: FromObject>(input: &Map<String, Value>) -> Result<T> {
    T::from_object(input).map_err(invalid)
}

#[inline(never)]
fn invalid(e: InputError) -> Error {
    Error::InvalidInput {
        field: e.path,
        message: e.message,
    }
}
