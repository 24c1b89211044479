//! What the input types cannot say: checks of values the code relies on, each failure an
//! `invalid-input` naming the member. The host validates inputs against the declared schemas
//! (generated from [`crate::types`]); these checks keep the connector honest when it is run by
//! another host (or a test) that does not. Inputs are read with [`connector_sdk::input::parse`].

use connector_sdk::{Error, Result};
use serde_json::{Map, Value};

/// An input object.
pub type Input = Map<String, Value>;

/// `value` of member `name`, which must not be empty (or only white space).
pub fn non_empty<'a>(name: &str, value: &'a str) -> Result<&'a str> {
    if value.trim().is_empty() {
        Err(Error::invalid(name, "must not be empty"))
    } else {
        Ok(value)
    }
}

/// Integer member `name`, absent (`default`) or within `min..=max`.
pub fn in_range<T: Copy + PartialOrd + std::fmt::Display>(
    name: &str,
    value: Option<T>,
    default: T,
    min: T,
    max: T,
) -> Result<T> {
    match value {
        None => Ok(default),
        Some(n) if min <= n && n <= max => Ok(n),
        Some(_) => Err(Error::invalid(
            name,
            format!("must be an integer from {min} to {max}"),
        )),
    }
}

/// An issue number (at least 1).
pub fn issue_number(n: u64) -> Result<u64> {
    in_range("issue_number", Some(n), 1, 1, u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_field() {
        assert_eq!(
            non_empty("title", " "),
            Err(Error::invalid("title", "must not be empty"))
        );
        assert_eq!(non_empty("title", "t"), Ok("t"));
        assert!(
            matches!(issue_number(0), Err(Error::InvalidInput { ref field, .. }) if field == "issue_number")
        );
        assert!(
            matches!(in_range("per_page", Some(101u32), 30, 1, 100), Err(Error::InvalidInput { ref field, .. }) if field == "per_page")
        );
        assert_eq!(in_range("per_page", None, 30u32, 1, 100), Ok(30));
    }
}
