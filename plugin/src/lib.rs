//! The Wrike API v4 connector: its catalog (actions, triggers, pick lists), their inputs and
//! outputs as Rust types, and the Wrike client they run on.
//!
//! The component that exports it is `wrike-connector` (`plugin/component/`): its build script
//! generates the descriptor's JSON Schemas from the types named in the tables here
//! ([`connector_sdk::schema::Schema::of`], feature `schemas`) and embeds them. One Wrike resource
//! per file in [`resources`]: its actions' table entries, their input (and output) types and
//! the code, so adding an action touches that file and its test.

pub mod base64;
pub mod catalog;
pub mod common;
pub mod env;
pub mod error;
pub mod input;
pub mod parse;
pub mod picklists;
pub mod resources;
pub mod scopes;
pub mod table;
#[cfg(test)]
mod testing;
pub mod time;
pub mod triggers;
pub mod wrike;

pub use common::*;

#[cfg(test)]
mod tests {
    use super::*;
    use connector_sdk::schema::Schemas;
    use connector_sdk::wit;

    #[test]
    fn describe_converts_the_catalog() {
        let d = catalog::descriptor(&Schemas::none());
        assert_eq!(
            (d.name.as_str(), d.title.as_str(), d.api_version.as_str()),
            ("wrike", "Wrike", "v4")
        );
        assert_eq!(d.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(d.default_base_url, "https://www.wrike.com/api/v4");
        match &d.auth[0] {
            wit::AuthConfig::Oauth2(o) => {
                assert_eq!(
                    o.authorize_url,
                    "https://login.wrike.com/oauth2/authorize/v4"
                );
                assert_eq!(o.token_url, "https://login.wrike.com/oauth2/token");
                assert_eq!(o.scopes.len(), 18);
                assert_eq!(o.default_scopes, ["Default"]);
                assert_eq!(o.scope_separator, ",");
            }
            _ => panic!("OAuth2 must come first"),
        }
        assert!(
            matches!(&d.auth[1], wit::AuthConfig::ApiToken(t) if t.instructions.contains("App Console"))
        );
        assert_eq!(d.actions.len(), catalog::actions().count());
        assert_eq!(
            d.triggers.len(),
            catalog::triggers().count() + triggers::webhooks::TRIGGERS.len()
        );
        assert_eq!(d.pick_lists.len(), catalog::pick_lists().count());
    }
}
