//! JSON Schemas in the catalog: written by hand as JSON text ([`Schema::json`]), or generated
//! from a Rust type ([`Schema::of`]) by the connector's build script and embedded, deflated, in
//! the component.
//!
//! A typed schema costs the component nothing but its compressed text: the `schemars` code that
//! generates it runs only in the build script (feature `schemas`), never in the component. The
//! flow, for a connector crate `my-connector` whose catalog lives in a library crate `my-core`:
//!
//! 1. `my-core` declares `input_schema: Schema::of::<CreateThing>()` in its action tables, and
//!    forwards a feature `schemas = ["connector-sdk/schemas"]`;
//! 2. `my-connector`'s `build.rs` (with `my-core` as a build-dependency, feature `schemas`)
//!    collects every typed schema of the tables (`build::Collector`) and writes them with
//!    `build::write`;
//! 3. `my-connector` embeds them with [`embedded_schemas!`](crate::embedded_schemas) and
//!    describes its tables with the inflated [`Schemas`] (`Action::describe` and the like in [`crate::catalog`]).
//!
//! A connector in one crate (no core crate the build script could depend on) keeps its types in
//! a module the build script includes with `#[path]`, lists them as `(key, Schema)` pairs, and
//! hands those to `build::Collector::keyed` (see `connectors/github-issues`).
//!
//! Each schema is found by its key: `action/<name>/input`, `action/<name>/output`,
//! `trigger/<name>/input`, `trigger/<name>/event`, `pick_list/<name>/params` ([`key`]).

#[cfg(feature = "schemas")]
use serde_json::Value;

/// A JSON Schema as a catalog table holds it.
#[derive(Clone, Copy)]
pub struct Schema {
    json: Option<&'static str>,
    #[cfg(feature = "schemas")]
    generate: Option<fn() -> Value>,
}

impl Schema {
    /// A schema written by hand, as JSON text.
    pub const fn json(text: &'static str) -> Self {
        Schema {
            json: Some(text),
            #[cfg(feature = "schemas")]
            generate: None,
        }
    }

    /// The schema of `T`, generated from its [`schemars::JsonSchema`] impl by the build script
    /// (see `generate`) and embedded in the component.
    pub const fn of<T: schemars::JsonSchema>() -> Self {
        Schema {
            json: None,
            #[cfg(feature = "schemas")]
            generate: Some(generate::<T> as fn() -> Value),
        }
    }

    /// The hand-written text, or `None` for a typed schema.
    pub const fn as_json(&self) -> Option<&'static str> {
        self.json
    }

    /// The text the descriptor publishes under `key`: the hand-written text, else the embedded
    /// schema of that key. A typed schema the build script did not embed is published as
    /// `false` (the schema no value satisfies), so the host refuses every input instead of
    /// accepting anything; `catalog`'s tests and the connector's own tests catch it first.
    pub fn text(&self, key: &str, embedded: &Schemas) -> String {
        match self.json {
            Some(text) => text.to_string(),
            None => embedded.get(key).unwrap_or("false").to_string(),
        }
    }

    /// The generated schema of a typed entry (build scripts only); `None` when hand-written.
    #[cfg(feature = "schemas")]
    pub fn generated(&self) -> Option<Value> {
        self.generate.map(|f| f())
    }
}

/// The key of one schema of a table entry: `kind` is `action`, `trigger` or `pick_list`;
/// `role` is `input`, `output`, `event` or `params`.
pub fn key(kind: &str, name: &str, role: &str) -> String {
    format!("{kind}/{name}/{role}")
}

/// The typed schemas a component embeds: raw-deflated JSON texts, one after another, and an
/// index of `(key, start, end)` byte ranges into the inflated text. Written by
/// `build::write`, declared by [`embedded_schemas!`](crate::embedded_schemas).
pub struct Embedded {
    /// The concatenated schema texts, raw deflate.
    pub deflated: &'static [u8],
    /// `(key, start, end)` of each schema in the inflated text, sorted by key.
    pub index: &'static [(&'static str, u32, u32)],
}

impl Embedded {
    /// Inflates the schemas (about 90 KB of text for the Wrike connector, well under a
    /// millisecond). Corrupt data — impossible short of a broken build — yields no schemas, so
    /// every typed schema is published as `false`.
    pub fn inflate(&self) -> Schemas {
        let text = miniz_oxide::inflate::decompress_to_vec(self.deflated)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .unwrap_or_default();
        Schemas {
            index: if text.is_empty() { &[] } else { self.index },
            text,
        }
    }
}

/// Inflated embedded schemas, looked up by [`key`].
pub struct Schemas {
    text: String,
    index: &'static [(&'static str, u32, u32)],
}

impl Schemas {
    /// No embedded schemas (a connector whose schemas are all hand-written).
    pub fn none() -> Self {
        Schemas {
            text: String::new(),
            index: &[],
        }
    }

    /// The schema text under `key`, if embedded.
    pub fn get(&self, key: &str) -> Option<&str> {
        let i = self
            .index
            .binary_search_by(|(k, _, _)| (*k).cmp(key))
            .ok()?;
        let (_, start, end) = self.index[i];
        self.text.get(start as usize..end as usize)
    }
}

/// Declares `static SCHEMAS: connector_sdk::schema::Embedded`, the schemas the crate's build
/// script wrote with `build::write` into `$OUT_DIR`.
#[macro_export]
macro_rules! embedded_schemas {
    () => {
        include!(concat!(env!("OUT_DIR"), "/connector_schemas.rs"));
    };
}

/// The schema of `T` as a connector publishes it: JSON Schema draft 2020-12, every subschema
/// inlined (one self-contained document per input or output, as hosts and MCP clients expect),
/// no root `title` (the entry has its own; a root `description` is the type's doc comment unless
/// it says `#[schemars(description = "")]`), optional properties not nullable (serde's `Option`
/// means "may be absent"; a property that may also be `null` says so with
/// `extend("x-nullable" = true)`), and no integer `format`s (`uint32`, …: they say nothing the
/// type does not).
#[cfg(feature = "schemas")]
pub fn generate<T: schemars::JsonSchema>() -> Value {
    let mut settings = schemars::generate::SchemaSettings::draft2020_12();
    settings.inline_subschemas = true;
    let mut value = settings
        .into_generator()
        .into_root_schema_for::<T>()
        .to_value();
    if let Value::Object(root) = &mut value {
        root.remove("title");
    }
    normalise::normalise(&mut value);
    value
}

#[cfg(feature = "schemas")]
mod normalise;

#[cfg(feature = "schemas")]
pub mod build;
