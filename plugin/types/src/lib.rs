//! The Wrike connector's inputs and outputs as Rust types.
//!
//! The connector (`wrike-connector`) parses each action's, trigger's and pick list's input into
//! its type with serde; its build script generates the JSON Schemas the descriptor publishes
//! from the same types with [`schemars`] ([`schemas`]), so the schema and the parser cannot
//! drift apart. The host validates every input against those schemas before the component runs.
//!
//! Conventions: field names are Wrike's parameter names (`camelCase`); a doc comment on a field
//! is its published `description` (a `//` comment is not; a type's own doc comment is published
//! unless it says `#[schemars(description = "")]`); an input type declared with [`input!`]
//! refuses the members its schema does not declare (`additionalProperties: false`). Constraints
//! the derive cannot say (`not`, `oneOf`, `dependentSchemas`, `if`/`then`, `exclusiveMaximum`,
//! …) are `#[schemars(extend(...))]` on the type or field. Members the connector only forwards to
//! Wrike are [`Forwarded<T>`](Forwarded). Output types only describe the answer (the connector
//! passes Wrike's JSON through).

pub mod approvals;
pub mod attachments;
pub mod blueprints;
pub mod comments;
pub mod common;
pub mod contacts;
pub mod custom_item_types;
pub mod folders;
pub mod parse;
pub mod picklists;
pub mod reference;
pub mod schema;
pub mod tasks;
pub mod timelogs;
pub mod triggers;

pub use common::*;

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
            ) -> Result<Self, $crate::parse::InputError> {
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

/// Every generated schema: `(file name, schema)`, e.g. `("create_task.input", …)`. The plugin's
/// build script writes each to `$OUT_DIR/schemas/<name>.json`.
pub fn schemas() -> Vec<(&'static str, serde_json::Value)> {
    let mut all = Vec::new();
    all.extend(tasks::schemas());
    all.extend(comments::schemas());
    all.extend(contacts::schemas());
    all.extend(folders::schemas());
    all.extend(blueprints::schemas());
    all.extend(custom_item_types::schemas());
    all.extend(timelogs::schemas());
    all.extend(approvals::schemas());
    all.extend(attachments::schemas());
    all.extend(reference::schemas());
    all.extend(triggers::schemas());
    all.extend(picklists::schemas());
    all
}
