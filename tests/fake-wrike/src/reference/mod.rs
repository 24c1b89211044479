//! Wrike's published method reference as request rules.
//!
//! Every request the fake receives is checked against Wrike's API v4 method reference
//! (`reference/api-v4-methods.json`, vendored byte for byte; see `reference/README.md`), plus the
//! post-2020 methods and parameters `reference/MODERN.md` documents ([`modern`]). The rules come
//! from those texts, never from what a connector sends: routes, parameter names, types, enum
//! values (incl. the `fields` values each route accepts), required parameters, date formats and
//! body encodings. A request that breaks one gets the `400` Wrike would send
//! (`invalid_parameter` / `parameter_required`) and is recorded as a [`Violation`]; a test's
//! [`crate::FakeWrike`] fails at teardown when any request broke the reference.
//!
//! Corrections of the 2020 file are made only where a reference text says it is wrong, each with
//! its source in a comment ([`corrections`]).

mod check;
mod load;
pub mod modern;

use std::collections::BTreeMap;
use std::sync::OnceLock;

pub use check::{check, Request, Violation};

/// The vendored method reference.
const METHODS_JSON: &str = include_str!("../../reference/api-v4-methods.json");

/// A parameter's wire type (`type` in the reference).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    /// Any text.
    String,
    /// A number (integer or decimal).
    Number,
    /// `true` / `false` (`boolean` and `optional boolean`).
    Boolean,
    /// A JSON array (sent as a JSON string in forms and queries).
    Array,
    /// A JSON object (sent as a JSON string in forms and queries).
    Object,
}

/// A date format named in a parameter's `comment` (`Format: …`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `yyyy-MM-dd`.
    Date,
    /// `yyyy-MM-dd'T'HH:mm:ss'Z'`.
    TimestampUtc,
    /// `yyyy-MM-dd'T'HH:mm:ss ('T'HH:mm:ss is optional)`.
    DateOrLocalDateTime,
}

/// One parameter of a request model.
#[derive(Debug, Clone)]
pub struct ParamRule {
    /// Its name.
    pub name: String,
    /// Its wire type.
    pub ty: Ty,
    /// Whether the method refuses a request without it.
    pub required: bool,
    /// The values it (or each of its items) may take, when the reference lists them.
    pub values: Option<Vec<String>>,
    /// The date format of the value (or of each item).
    pub format: Option<Format>,
    /// For objects, the model of the value; for arrays, the model of each item.
    pub model: Option<String>,
}

/// How a method takes its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// Query string only (GET, DELETE).
    Query,
    /// Query string, form-urlencoded or JSON body (POST, PUT; `API.md` §4).
    Form,
    /// The body is the raw file (attachment uploads); parameters in the query string.
    Raw,
}

/// A path segment of a method's route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// A literal resource name.
    Lit(String),
    /// One ID (`single`).
    One,
    /// A comma-separated list of 1..=100 IDs (`multi`).
    Many,
}

/// One method of the reference.
#[derive(Debug, Clone)]
pub struct MethodRule {
    /// The reference's ID, e.g. `GET:/folders/single/tasks`.
    pub id: String,
    /// The HTTP verb.
    pub verb: String,
    /// The route.
    pub segs: Vec<Seg>,
    /// Whether a trailing `/{name.ext}` segment is allowed (downloads and previews).
    pub file_name_segment: bool,
    /// Parameters by name.
    pub params: BTreeMap<String, ParamRule>,
    /// How parameters travel.
    pub body: BodyKind,
    /// Pairs of parameters of which exactly one must be present.
    pub exactly_one_of: Vec<(String, String)>,
    /// Where the rule comes from, for violation messages.
    pub source: &'static str,
}

/// The whole reference: methods and the models their parameters refer to.
#[derive(Debug, Clone, Default)]
pub struct Reference {
    /// Every method.
    pub methods: Vec<MethodRule>,
    /// Nested models (object values and array items) by reference (`model104`).
    pub models: BTreeMap<String, BTreeMap<String, ParamRule>>,
}

impl Reference {
    /// The reference, parsed once per process.
    pub fn get() -> &'static Reference {
        static REF: OnceLock<Reference> = OnceLock::new();
        REF.get_or_init(|| {
            let mut r = load::parse(METHODS_JSON)
                .unwrap_or_else(|e| panic!("reference/api-v4-methods.json does not parse: {e}"));
            corrections(&mut r);
            modern::supplement(&mut r);
            r
        })
    }

    /// The method with this reference ID.
    pub fn method_mut(&mut self, id: &str) -> &mut MethodRule {
        self.methods
            .iter_mut()
            .find(|m| m.id == id)
            .unwrap_or_else(|| panic!("no method {id} in the reference"))
    }
}

/// Corrections of the 2020 file that its own description states (`reference/README.md` of the
/// shared material, "Known gaps and errors").
fn corrections(r: &mut Reference) {
    // "Wrong required flags. `pageSize` and `nextPageToken` on `GET /tasks`,
    // `/folders/{id}/tasks`, `/spaces/{id}/tasks` are marked `optional: false` — both are
    // optional."
    for id in [
        "GET:/tasks/empty",
        "GET:/folders/single/tasks",
        "GET:/spaces/single/tasks",
    ] {
        let m = r.method_mut(id);
        for p in ["pageSize", "nextPageToken"] {
            if let Some(rule) = m.params.get_mut(p) {
                rule.required = false;
            }
        }
    }
    // "Same problem for `me` on `GET /contacts`".
    if let Some(rule) = r.method_mut("GET:/contacts/empty").params.get_mut("me") {
        rule.required = false;
    }
    // "… and for `predecessorId` **and** `successorId` on `POST /tasks/{id}/dependencies`
    // (exactly one of the two is allowed)."
    let m = r.method_mut("POST:/tasks/single/dependencies");
    for p in ["predecessorId", "successorId"] {
        if let Some(rule) = m.params.get_mut(p) {
            rule.required = false;
        }
    }
    m.exactly_one_of
        .push(("predecessorId".into(), "successorId".into()));
    // "`requestModelRef: null` means no parameters (35 methods), or a raw binary body for the
    // two attachment uploads." `API.md` §11.12: `PUT /attachments/{id}` takes a new version as a
    // binary body as for POST.
    for id in [
        "POST:/tasks/single/attachments",
        "POST:/folders/single/attachments",
        "PUT:/attachments/single",
    ] {
        r.method_mut(id).body = BodyKind::Raw;
    }
}

#[cfg(test)]
mod tests;
