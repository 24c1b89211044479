//! Shared pieces of the inputs and outputs: Wrike IDs, dates and date ranges, metadata, custom
//! fields, list outputs.

use std::collections::BTreeMap;

use std::fmt;

use schemars::JsonSchema;
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

/// A Wrike ID (opaque, ≤ 256 chars of `[A-Za-z0-9-_:.=]`, API.md §10). `.` and `..` are
/// refused: an ID becomes a path segment, and those would address another resource. The guest
/// checks the characters too, so a host that does not validate cannot make it build another
/// path.
#[derive(Debug, Clone, Default, PartialEq, Eq, JsonSchema)]
#[schemars(
    description = "",
    extend("minLength" = 1, "maxLength" = 256, "pattern" = "^[A-Za-z0-9_:.=-]+$", "not" = {"enum": [".", ".."]})
)]
pub struct WrikeId(pub String);

impl WrikeId {
    /// The ID as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn is_valid(s: &str) -> bool {
        !s.is_empty()
            && s.len() <= 256
            && s != "."
            && s != ".."
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_:.=-".contains(&b))
    }
}

impl<'de> Deserialize<'de> for WrikeId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if WrikeId::is_valid(&s) {
            Ok(WrikeId(s))
        } else {
            Err(serde::de::Error::custom(
                "must be a Wrike ID (1 to 256 of A-Z a-z 0-9 _ : . = -, not . or ..)",
            ))
        }
    }
}

/// A list of Wrike IDs.
pub type Ids = Vec<WrikeId>;

/// A UTC timestamp, RFC 3339 (`format: date-time`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[schemars(description = "", extend("format" = "date-time"))]
pub struct DateTime(pub String);

/// A plain date `yyyy-MM-dd` (`format: date`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[schemars(description = "", extend("format" = "date"))]
pub struct Date(pub String);

/// A zone-less local date with optional time, `yyyy-MM-dd['T'HH:mm:ss]` (task dates).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[schemars(
    description = "",
    extend("pattern" = "^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2})?$")
)]
pub struct LocalDate(pub String);

/// A timestamp range filter `{start?, end?}`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "", extend("minProperties" = 1))]
pub struct TsRange {
    // From (inclusive).
    pub start: Option<DateTime>,
    // To (inclusive).
    pub end: Option<DateTime>,
}

/// A date-or-date-time filter `{start?, equal?, end?}` (task `startDate`, `dueDate`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "", extend("minProperties" = 1))]
pub struct LocalRange {
    // From.
    pub start: Option<LocalDate>,
    // Exactly.
    pub equal: Option<LocalDate>,
    // To.
    pub end: Option<LocalDate>,
}

/// A date filter `{start?, equal?, end?}` of plain dates.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "", extend("minProperties" = 1))]
pub struct DateRange {
    // From.
    pub start: Option<Date>,
    // Exactly.
    pub equal: Option<Date>,
    // To.
    pub end: Option<Date>,
}

/// One metadata entry `{key, value}`; a `null` value removes the key on update.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "")]
pub struct MetadataEntry {
    // The key.
    #[schemars(length(min = 1, max = 49), pattern(r"^[A-Za-z0-9_-]+$"))]
    pub key: String,
    // The value, or `null`.
    #[schemars(required, length(max = 999), extend("type" = ["string", "null"]))]
    pub value: Option<String>,
}

/// Metadata entries `[{key, value}]`.
pub type Metadata = Vec<MetadataEntry>;

/// Metadata filter `{key, value?}` of searches.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "")]
pub struct MetadataFilter {
    // The key.
    #[schemars(length(min = 1, max = 49), pattern(r"^[A-Za-z0-9_-]+$"))]
    pub key: String,
    // The value.
    #[schemars(length(max = 999))]
    pub value: Option<String>,
}

/// A custom field value: text of at most 2000 characters, or `null` to remove it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub struct FieldValue(#[schemars(length(max = 2000))] pub Option<String>);

/// One custom field value `{id, value}` of Wrike's list form.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(description = "")]
pub struct CustomFieldValue {
    // The custom field.
    pub id: WrikeId,
    // Its value.
    pub value: FieldValue,
}

/// Custom field values: Wrike's `[{id, value}]` list, or a `{fieldId: value}` map (Workato's
/// convenience); `null` removes a value on update.
#[derive(Debug, Clone, JsonSchema)]
#[serde(untagged)]
#[schemars(description = "")]
pub enum CustomFields {
    // Wrike's list form.
    List(Vec<CustomFieldValue>),
    // The `{fieldId: value}` map.
    Map(
        #[schemars(extend("propertyNames" = {"minLength": 1, "maxLength": 256}))]
        BTreeMap<String, FieldValue>,
    ),
}

// By hand rather than `#[serde(untagged)]`, whose buffering costs the component kilobytes: a
// list is the list form, an object the map form.
impl<'de> Deserialize<'de> for CustomFields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Either;
        impl<'de> Visitor<'de> for Either {
            type Value = CustomFields;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of {id, value} or a {fieldId: value} map")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<CustomFields, A::Error> {
                let mut list = Vec::new();
                while let Some(item) = seq.next_element()? {
                    list.push(item);
                }
                Ok(CustomFields::List(list))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CustomFields, A::Error> {
                let mut values = BTreeMap::new();
                while let Some((id, value)) = map.next_entry()? {
                    values.insert(id, value);
                }
                Ok(CustomFields::Map(values))
            }
        }
        d.deserialize_any(Either)
    }
}

/// How a custom field filter compares.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub enum Comparator {
    EqualTo,
    IsEmpty,
    IsNotEmpty,
    LessThan,
    LessOrEqualTo,
    GreaterThan,
    GreaterOrEqualTo,
    InRange,
    NotInRange,
    Contains,
    StartsWith,
    EndsWith,
    ContainsAll,
    ContainsAny,
}

/// Custom field filter of task and folder searches.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(description = "")]
pub struct CustomFieldFilter {
    // The custom field.
    pub id: WrikeId,
    // How to compare.
    pub comparator: Option<Comparator>,
    // The value compared with.
    pub value: Option<String>,
    // Lower bound of a range.
    pub min_value: Option<String>,
    // Upper bound of a range.
    pub max_value: Option<String>,
    // Values of `ContainsAll`/`ContainsAny`.
    pub values: Option<Vec<String>>,
}

/// A list output `{items, nextPageToken?, responseSize?}`.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(description = "")]
pub struct List<T> {
    // The entities of the page.
    pub items: Vec<T>,
    // Token of the next page.
    pub next_page_token: Option<String>,
    // How many entities match.
    pub response_size: Option<u64>,
}

/// Text or `null` (a required field of an answer that may be `null`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(description = "")]
pub struct NullableText(pub Option<String>);

/// A member the connector does not parse into a typed value: it forwards it to Wrike as given
/// (the request is built from the input's JSON), or, for a few flags and filters, reads it from
/// that JSON where it needs it. `Forwarded<Option<Ids>>` is an optional list of IDs,
/// `Forwarded<String>` a required text. Its schema is `T`'s, so the host validates it like any
/// other member; the guest neither looks it up nor parses it
/// ([`parse::Member::READ`](crate::parse::Member)): parsing every member with serde measured at
/// about a kilobyte of component code per member, and even looking each one up at about 60
/// bytes. The members the code uses as typed values (the IDs that become path segments, the
/// custom status text, the plain-text flag) are typed.
pub struct Forwarded<T>(std::marker::PhantomData<T>);

impl<T> Forwarded<T> {
    /// The marker.
    pub const fn new() -> Self {
        Forwarded(std::marker::PhantomData)
    }
}

impl<T> Default for Forwarded<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Clone for Forwarded<T> {
    fn clone(&self) -> Self {
        Self::new()
    }
}

impl<T> fmt::Debug for Forwarded<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Forwarded")
    }
}

impl<'de, T> Deserialize<'de> for Forwarded<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(d)?;
        Ok(Self::new())
    }
}

impl<T: JsonSchema> JsonSchema for Forwarded<T> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }

    // `Forwarded<Option<T>>` is an optional member, like `Option<T>`: schemars asks these two
    // (hidden, but part of its trait) to decide `required` and the non-null schema.
    fn _schemars_private_is_option() -> bool {
        T::_schemars_private_is_option()
    }

    fn _schemars_private_non_optional_json_schema(
        generator: &mut schemars::SchemaGenerator,
    ) -> schemars::Schema {
        T::_schemars_private_non_optional_json_schema(generator)
    }
}

/// The empty object `{}` (an answer without an entity).
#[derive(JsonSchema)]
#[schemars(description = "", extend("maxProperties" = 0))]
pub struct Empty {}
