//! Typed inputs: [`input!`](crate::input) declares an input type (its schema is generated from
//! it at build time), and [`parse`] reads an input into its type ([`crate::parse`]), with errors
//! naming the offending field.
//!
//! Conventions: field names are Wrike's parameter names (`camelCase`); a doc comment on a field
//! is its published `description` (a `//` comment is not; a type's own doc comment is published
//! unless it says `#[schemars(description = "")]`); an input type declared with `input!` refuses
//! the members its schema does not declare (`additionalProperties: false`). Constraints the
//! derive cannot say (`not`, `oneOf`, `dependentSchemas`, `if`/`then`, `exclusiveMaximum`, …)
//! are `#[schemars(extend(...))]` on the type or field. Members the connector only forwards to
//! Wrike are [`Forwarded<T>`](crate::Forwarded). Output types only describe the answer (the
//! connector passes Wrike's JSON through).

use crate::parse::{FromObject, InputError};
use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// Declares an input type: a struct whose fields are the input's members (Wrike's names in
/// `snake_case`; the schema and the parser use camelCase), deriving [`schemars::JsonSchema`]
/// with `additionalProperties: false`, and implementing [`parse::FromObject`]: an unknown member
/// is refused, every member the connector reads is parsed with serde, a [`Forwarded`] one is not
/// looked at. Field attributes are schemars' (a doc comment is the member's published
/// `description`); an optional member is an `Option` (`Forwarded<Option<T>>` when forwarded), a
/// default is `extend("default" = …)` and applied by the code.
#[macro_export]
macro_rules! input {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$field_meta:meta])* pub $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        #[derive(Debug, Clone, Default, schemars::JsonSchema)]
        #[serde(deny_unknown_fields, rename_all = "camelCase")]
        $(#[$meta])*
        pub struct $name {
            $( $(#[$field_meta])* pub $field: $ty, )*
        }

        impl $crate::parse::FromObject for $name {
            #[inline(never)]
            fn from_object(
                object: &serde_json::Map<String, serde_json::Value>,
            ) -> ::core::result::Result<Self, $crate::parse::InputError> {
                $crate::parse::known_fields(object, &[$(stringify!($field)),*])?;
                #[allow(unused_mut)]
                let mut error = None;
                let value = $name {
                    $( $field: if <$ty as $crate::parse::Member>::READ {
                        $crate::parse::member(object, stringify!($field), &mut error)
                    } else {
                        Default::default()
                    }, )*
                };
                match error {
                    Some(e) => Err(e),
                    None => Ok(value),
                }
            }
        }
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
