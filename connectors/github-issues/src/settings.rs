//! The connection settings (`connection.settings`, validated by the host against
//! [`SCHEMA`]): `owner`, the default repository owner for inputs that leave it out.
//! Without it the owner is the authenticated user's login.

use connector_sdk::{catalog, Error, Result};
use serde_json::Value;

/// JSON Schema of the connection settings.
pub const SCHEMA: &str = r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"owner":{"type":"string","minLength":1,"maxLength":100,"pattern":"^[A-Za-z0-9][A-Za-z0-9._-]*$","description":"Default repository owner (a user or an organisation) for inputs without `owner`; the authenticated user when absent."}},"additionalProperties":false}"#;

/// The parsed settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// The default owner, if set.
    pub owner: Option<String>,
}

impl Settings {
    /// Parses the settings object text (empty counts as `{}`); errors name `settings.<field>`.
    pub fn parse(text: &str) -> Result<Settings> {
        let map = catalog::parse_object(text)
            .map_err(|_| Error::invalid("settings", "the settings must be a JSON object"))?;
        let mut settings = Settings::default();
        for (key, value) in map {
            match (key.as_str(), value) {
                ("owner", Value::String(s)) if valid_owner(&s) => settings.owner = Some(s),
                ("owner", _) => {
                    return Err(Error::invalid(
                        "settings.owner",
                        "must be a GitHub user or organisation name",
                    ))
                }
                (other, _) => {
                    return Err(Error::invalid(
                        format!("settings.{other}"),
                        "is not a setting of this connector",
                    ))
                }
            }
        }
        Ok(settings)
    }
}

fn valid_owner(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_is_optional_and_checked() {
        assert_eq!(Settings::parse("").unwrap(), Settings::default());
        assert_eq!(Settings::parse("{}").unwrap(), Settings::default());
        assert_eq!(
            Settings::parse(r#"{"owner":"octo-org"}"#)
                .unwrap()
                .owner
                .as_deref(),
            Some("octo-org")
        );
        assert!(
            matches!(Settings::parse(r#"{"owner":"a/b"}"#), Err(Error::InvalidInput { ref field, .. }) if field == "settings.owner")
        );
        assert!(
            matches!(Settings::parse(r#"{"token":"x"}"#), Err(Error::InvalidInput { ref field, .. }) if field == "settings.token")
        );
        assert!(Settings::parse("[]").is_err());
        let schema: Value = serde_json::from_str(SCHEMA).unwrap();
        assert_eq!(schema["additionalProperties"], false);
    }
}
