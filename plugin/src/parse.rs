//! Parsing an input object into its type, with errors naming the offending field.
//!
//! An input arrives as a JSON object the host has already validated against the schema
//! generated from its type. [`FromObject`] (implemented by [`input!`](crate::input)) refuses
//! members the type does not declare, then reads the fields the connector uses one by one, each
//! with serde through [`Val`], a small `Deserializer` over `&Value` that records the path of the
//! value being read, so an error names the field (`dates.type`, `responsibles[1]`). Fields of
//! type [`Forwarded`](crate::Forwarded) (what the connector sends on to Wrike as given) are not
//! read ([`Member::READ`]).
//!
//! Why not `#[derive(Deserialize)]` on the input types: measured on the component, serde's
//! derived visitors cost about a kilobyte of code per input field (the five task inputs alone
//! added 100 KB), which for the connector's ~330 input fields would have grown it by half. Here
//! a field the connector reads costs a call to [`member`], whose instances are shared by every
//! field of the same type, and a forwarded field costs nothing.

use std::fmt;

use serde::de::{
    self, DeserializeSeed, EnumAccess, IntoDeserializer, MapAccess, SeqAccess, VariantAccess,
    Visitor,
};
use serde::Deserialize;
use serde_json::{Map, Value};

/// An input object type: read member by member from a JSON object.
pub trait FromObject: Sized {
    /// Read `Self` from `object`, refusing members it does not declare.
    fn from_object(object: &Map<String, Value>) -> Result<Self, InputError>;
}

/// A type an input member can have. `READ` is false for [`Forwarded`](crate::Forwarded) members:
/// [`input!`](crate::input) neither looks them up nor parses them (the host has validated them,
/// and the connector sends the input's JSON on), so they cost the component no code.
pub trait Member: Default {
    /// Whether [`FromObject`] reads a member of this type.
    const READ: bool = true;
}

impl Member for bool {}
impl Member for u32 {}
impl Member for i64 {}
impl Member for String {}
impl Member for crate::WrikeId {}
impl<T: Member> Member for Option<T> {}
impl<T: Member> Member for Vec<T> {}
impl<T> Member for crate::Forwarded<T> {
    const READ: bool = false;
}

/// `snake_case` field name `field` (as `stringify!` gives it, `r#type` included) written as
/// the camelCase member `key`?
fn is_member(key: &str, field: &str) -> bool {
    let field = field.strip_prefix("r#").unwrap_or(field);
    let mut k = key.bytes();
    let mut f = field.bytes();
    loop {
        match (f.next(), k.next()) {
            (None, None) => return true,
            (Some(b'_'), Some(c)) => match f.next() {
                Some(n) if n.to_ascii_uppercase() == c && c.is_ascii_uppercase() => {}
                _ => return false,
            },
            (Some(a), Some(b)) if a == b => {}
            _ => return false,
        }
    }
}

/// Fails on the first member of `object` that is none of `fields` (snake_case names).
#[inline(never)]
pub fn known_fields(object: &Map<String, Value>, fields: &[&str]) -> Result<(), InputError> {
    match object
        .keys()
        .find(|k| !fields.iter().any(|f| is_member(k, f)))
    {
        Some(k) => Err(InputError {
            path: k.clone(),
            message: "is not allowed".into(),
        }),
        None => Ok(()),
    }
}

/// Field `field` (snake_case) of `object`, parsed with serde; an absent member is `None` for an
/// `Option` and an error for anything else. On failure the error is kept in `error` (the first
/// one wins) and the default is returned, so a struct is built without a clean-up path per
/// field. (Kept out of line and small on purpose: it has one instance per field type, shared by
/// every field of that type; the lookup and the error path are shared by all.)
#[inline(never)]
pub fn member<'a, T: Deserialize<'a> + Default>(
    object: &'a Map<String, Value>,
    field: &str,
    error: &mut Option<InputError>,
) -> T {
    let found = lookup(object, field);
    let parsed = match found {
        Some((_, value)) => T::deserialize(Val(value)),
        None => T::deserialize(Missing),
    };
    match parsed {
        Ok(v) => v,
        Err(e) => {
            failed(e, found.map(|(k, _)| k.as_str()), field, error);
            T::default()
        }
    }
}

/// The member of `object` that field `field` names.
#[inline(never)]
fn lookup<'a>(object: &'a Map<String, Value>, field: &str) -> Option<(&'a String, &'a Value)> {
    object.iter().find(|(k, _)| is_member(k, field))
}

/// Records the first failure of [`member`], its path starting at the member's name.
#[inline(never)]
fn failed(e: InputError, key: Option<&str>, field: &str, error: &mut Option<InputError>) {
    if error.is_some() {
        return;
    }
    let e = match key {
        Some(key) => e.within(Segment::Key(key)),
        None => {
            // Absent: name it as the input would (camelCase of the field).
            let mut name = String::new();
            let mut upper = false;
            for c in field.strip_prefix("r#").unwrap_or(field).chars() {
                if c == '_' {
                    upper = true;
                } else {
                    name.push(if upper { c.to_ascii_uppercase() } else { c });
                    upper = false;
                }
            }
            InputError {
                path: name,
                message: e.message,
            }
        }
    };
    *error = Some(e);
}

/// A deserialization failure: the path of the value and what is wrong with it.
#[derive(Debug)]
pub struct InputError {
    /// The dotted path of the offending value (`dates.type`, `ids[1]`); empty for the input.
    pub path: String,
    /// What is wrong with it.
    pub message: String,
}

impl InputError {
    /// Prefix the path with the member or index the failing value was read from.
    fn within(mut self, segment: Segment<'_>) -> Self {
        let mut path = match segment {
            Segment::Key(k) => k.to_string(),
            Segment::Index(i) => format!("[{i}]"),
        };
        if !self.path.is_empty() && !self.path.starts_with('[') {
            path.push('.');
        }
        path.push_str(&self.path);
        self.path = path;
        self
    }
}

#[derive(Clone, Copy)]
enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for InputError {}

impl de::Error for InputError {
    fn custom<M: fmt::Display>(msg: M) -> Self {
        InputError {
            path: String::new(),
            message: msg.to_string(),
        }
    }

    fn invalid_type(unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        <Self as de::Error>::custom(format_args!(
            "invalid type: {}, expected {expected}",
            what(&unexpected)
        ))
    }

    fn invalid_value(unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        <Self as de::Error>::custom(format_args!(
            "invalid value: {}, expected {expected}",
            what(&unexpected)
        ))
    }

    fn unknown_field(field: &str, _expected: &'static [&'static str]) -> Self {
        InputError {
            path: field.to_string(),
            message: "is not allowed".into(),
        }
    }

    fn missing_field(field: &'static str) -> Self {
        InputError {
            path: field.to_string(),
            message: "is required".into(),
        }
    }
}

type Res<T> = std::result::Result<T, InputError>;

/// What an unexpected value was, for a message: serde's own `Display` of it formats floats, which
/// would link the whole float formatting machinery into the component for one error message.
fn what(unexpected: &de::Unexpected<'_>) -> &'static str {
    match unexpected {
        de::Unexpected::Bool(_) => "a boolean",
        de::Unexpected::Unsigned(_) | de::Unexpected::Signed(_) | de::Unexpected::Float(_) => {
            "a number"
        }
        de::Unexpected::Str(_) => "a string",
        de::Unexpected::Unit => "null",
        de::Unexpected::Seq => "a list",
        de::Unexpected::Map => "an object",
        _ => "a value",
    }
}

fn unexpected(v: &Value) -> de::Unexpected<'_> {
    match v {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(_) => de::Unexpected::Other("a number"),
        Value::String(s) => de::Unexpected::Str(s),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}

/// The deserializer of one value.
pub struct Val<'a>(pub &'a Value);

/// The deserializer of an absent member: `None` for an `Option`, "is required" otherwise.
struct Missing;

impl<'de> de::Deserializer<'de> for Missing {
    type Error = InputError;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Res<V::Value> {
        Err(de::Error::custom("is required"))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Res<V::Value> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

impl<'de> de::Deserializer<'de> for Val<'de> {
    type Error = InputError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Res<V::Value> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else {
                    visitor.visit_f64(n.as_f64().unwrap_or_default())
                }
            }
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => visitor.visit_seq(Items {
                iter: items.iter(),
                index: 0,
            }),
            Value::Object(map) => visitor.visit_map(Members {
                iter: map.iter(),
                value: None,
            }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Res<V::Value> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Res<V::Value> {
        self.deserialize_map(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Res<V::Value> {
        match self.0 {
            Value::Object(map) => visitor.visit_map(Members {
                iter: map.iter(),
                value: None,
            }),
            other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Res<V::Value> {
        match self.0 {
            Value::Array(items) => visitor.visit_seq(Items {
                iter: items.iter(),
                index: 0,
            }),
            other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Res<V::Value> {
        match self.0 {
            Value::String(s) => visitor.visit_enum(UnitVariant(s)),
            other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Res<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Res<V::Value> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct tuple tuple_struct identifier
    }
}

/// The members of an object, each read with its key as the path segment.
struct Members<'a> {
    iter: serde_json::map::Iter<'a>,
    value: Option<(&'a str, &'a Value)>,
}

impl<'de> MapAccess<'de> for Members<'de> {
    type Error = InputError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Res<Option<K::Value>> {
        match self.iter.next() {
            Some((k, v)) => {
                self.value = Some((k, v));
                seed.deserialize(k.as_str().into_deserializer()).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Res<S::Value> {
        let (key, value) = self
            .value
            .take()
            .ok_or_else(|| <InputError as de::Error>::custom("value without a key"))?;
        seed.deserialize(Val(value))
            .map_err(|e| e.within(Segment::Key(key)))
    }
}

/// The items of an array, each read with its index as the path segment.
struct Items<'a> {
    iter: std::slice::Iter<'a, Value>,
    index: usize,
}

impl<'de> SeqAccess<'de> for Items<'de> {
    type Error = InputError;

    fn next_element_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Res<Option<S::Value>> {
        let Some(value) = self.iter.next() else {
            return Ok(None);
        };
        let index = self.index;
        self.index += 1;
        seed.deserialize(Val(value))
            .map(Some)
            .map_err(|e| e.within(Segment::Index(index)))
    }
}

/// A unit enum variant given by its name.
struct UnitVariant<'a>(&'a str);

impl<'de> EnumAccess<'de> for UnitVariant<'de> {
    type Error = InputError;
    type Variant = Self;

    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Res<(S::Value, Self)> {
        let v = seed.deserialize(self.0.into_deserializer())?;
        Ok((v, self))
    }
}

impl<'de> VariantAccess<'de> for UnitVariant<'de> {
    type Error = InputError;

    fn unit_variant(self) -> Res<()> {
        Ok(())
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, _seed: S) -> Res<S::Value> {
        Err(de::Error::custom("expected a name"))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Res<V::Value> {
        Err(de::Error::custom("expected a name"))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Res<V::Value> {
        Err(de::Error::custom("expected a name"))
    }
}

#[cfg(test)]
#[allow(dead_code)]
mod tests {
    use super::*;
    use crate::input;
    use serde::Deserialize;
    use serde_json::json;

    impl Member for Inner {}

    #[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct Inner {
        kind: Kind,
        count: Option<u32>,
    }

    #[derive(Debug, Clone, Default, Deserialize, PartialEq, schemars::JsonSchema)]
    pub enum Kind {
        #[default]
        A,
        B,
    }

    input! {
        pub struct Outer {
            pub id: String,
            pub inner: Option<Inner>,
            pub list: Option<Vec<Inner>>,
            pub flag: Option<bool>,
        }
    }

    fn field(input: Value) -> String {
        match Outer::from_object(input.as_object().unwrap()) {
            Err(e) => e.path,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn members_are_camel_case_fields() {
        assert!(is_member("folderId", "folder_id"));
        assert!(is_member("type", "r#type"));
        assert!(is_member(
            "convertDescriptionToPlainText",
            "convert_description_to_plain_text"
        ));
        assert!(!is_member("folder_id", "folder_id"));
        assert!(!is_member("folderid", "folder_id"));
        assert!(!is_member("folderIdX", "folder_id"));
        assert!(!is_member("FolderId", "folder_id"));
    }

    #[test]
    fn parses_and_names_the_field() {
        let ok = Outer::from_object(
            json!({"id": "x", "inner": {"kind": "B"}, "flag": true})
                .as_object()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(ok.inner.unwrap().kind, Kind::B);
        assert_eq!(ok.flag, Some(true));
        assert_eq!(field(json!({})), "id");
        assert_eq!(field(json!({"id": 1})), "id");
        assert_eq!(field(json!({"id": "x", "colour": 1})), "colour");
        assert_eq!(
            field(json!({"id": "x", "list": [{"kind": "A", "x_y": 1}]})),
            "list[0].x_y"
        );
        assert_eq!(
            field(json!({"id": "x", "inner": {"kind": "C"}})),
            "inner.kind"
        );
        assert_eq!(
            field(json!({"id": "x", "inner": {"kind": "A", "x": 1}})),
            "inner.x"
        );
        assert_eq!(field(json!({"id": "x", "inner": {}})), "inner.kind");
        assert_eq!(
            field(json!({"id": "x", "list": [{"kind": "A"}, {"kind": "A", "count": -1}]})),
            "list[1].count"
        );
        assert_eq!(field(json!({"id": "x", "inner": [1]})), "inner");
    }
}
