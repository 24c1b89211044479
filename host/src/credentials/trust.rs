//! Which OAuth endpoints the host trusts with a client secret and an authorization code.
//!
//! The component declares its authorize and token URLs in `describe`, but the component is
//! untrusted: a hostile one could declare its own listener and collect the client secret. The
//! host therefore decides, in this order:
//!
//! 1. endpoints set in the host's config file (`[oauth] authorize_url`, `token_url`);
//! 2. `--oauth-base-url`: the component's paths on an origin the user named;
//! 3. the component's declared endpoints, only when their origin is one the host trusts: the
//!    built-in [`BUILTIN_TRUSTED_ORIGINS`], the config file's `[oauth] trusted_origins`, or any
//!    origin with `--trust-component-oauth`.
//!
//! Anything else is refused with an `untrusted_oauth_endpoint` sandbox violation that names
//! the URL and the settings that would allow it. The token URL chosen here is stored with the
//! connection and is the only one refresh ever uses; refresh never reads the component's.

use crate::credentials::oauth::replace_origin;
use crate::error::{HostError, HostResult, SandboxRule};
use serde::{Deserialize, Serialize};
use url::Url;

/// Origins whose OAuth endpoints the host trusts without being told: Wrike's login service.
pub const BUILTIN_TRUSTED_ORIGINS: &[&str] = &["https://login.wrike.com"];

/// The `[oauth]` section of the host's config file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OAuthSettingsFile {
    /// The authorization endpoint to use, whatever the component declares.
    pub authorize_url: Option<String>,
    /// The token endpoint to use, whatever the component declares.
    pub token_url: Option<String>,
    /// More origins (`https://login.example.com`) whose declared endpoints are trusted.
    pub trusted_origins: Vec<String>,
}

/// What the user told the host about OAuth endpoints for one `connect`.
#[derive(Debug, Clone, Default)]
pub struct OAuthTrust {
    /// The config file's `[oauth]` section.
    pub file: OAuthSettingsFile,
    /// `--oauth-base-url`.
    pub base_url: Option<String>,
    /// `--trust-component-oauth`: accept whatever the component declares.
    pub trust_component: bool,
}

/// The endpoints `connect` will use, and where each choice came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedEndpoints {
    /// Authorization endpoint.
    pub authorize_url: String,
    /// Token endpoint (stored with the connection for refreshes).
    pub token_url: String,
    /// Why the host trusts them, for the user: `config file`, `--oauth-base-url`, …
    pub source: &'static str,
}

impl TrustedEndpoints {
    /// The two lines `connect` prints before it starts.
    pub fn describe(&self) -> [String; 2] {
        [
            format!(
                "authorize endpoint: {} ({})",
                origin_of(&self.authorize_url),
                self.source
            ),
            format!(
                "token endpoint: {} ({})",
                origin_of(&self.token_url),
                self.source
            ),
        ]
    }
}

impl OAuthTrust {
    /// Chooses the endpoints for the component's declared `authorize_url` and `token_url`.
    pub fn resolve(&self, authorize_url: &str, token_url: &str) -> HostResult<TrustedEndpoints> {
        match (&self.file.authorize_url, &self.file.token_url) {
            (Some(a), Some(t)) => {
                return Ok(TrustedEndpoints {
                    authorize_url: checked_url("authorize_url", a)?,
                    token_url: checked_url("token_url", t)?,
                    source: "host config file",
                })
            }
            (None, None) => {}
            _ => {
                return Err(HostError::invalid_input(
                    "config",
                    "[oauth] needs both authorize_url and token_url, or neither",
                ))
            }
        }
        if let Some(base) = self.base_url.as_deref().filter(|b| !b.trim().is_empty()) {
            return Ok(TrustedEndpoints {
                authorize_url: replace_origin(authorize_url, base)?,
                token_url: replace_origin(token_url, base)?,
                source: "--oauth-base-url",
            });
        }
        for url in [authorize_url, token_url] {
            if !self.trust_component && !self.is_trusted_origin(url) {
                return Err(HostError::sandbox(
                    SandboxRule::UntrustedOauthEndpoint,
                    format!(
                        "the component declares the OAuth endpoint `{url}`, whose origin the host does not trust with the client secret (trusted: {})",
                        self.trusted_origins().join(", ")
                    ),
                )
                .with_hint(
                    "name the login origin with --oauth-base-url, set [oauth] authorize_url and token_url (or trusted_origins) in --config, \
                     or pass --trust-component-oauth if you trust this component",
                ));
            }
        }
        Ok(TrustedEndpoints {
            authorize_url: checked_url("authorize_url", authorize_url)?,
            token_url: checked_url("token_url", token_url)?,
            source: if self.trust_component {
                "declared by the component, trusted with --trust-component-oauth"
            } else {
                "declared by the component, on a trusted origin"
            },
        })
    }

    fn trusted_origins(&self) -> Vec<String> {
        BUILTIN_TRUSTED_ORIGINS
            .iter()
            .map(|o| o.to_string())
            .chain(self.file.trusted_origins.iter().map(|o| origin_of(o)))
            .collect()
    }

    fn is_trusted_origin(&self, url: &str) -> bool {
        let origin = origin_of(url);
        !origin.is_empty() && self.trusted_origins().contains(&origin)
    }
}

/// `scheme://host[:port]` of `url` (ASCII-serialised, default port omitted), or `""`.
fn origin_of(url: &str) -> String {
    match Url::parse(url.trim()) {
        Ok(u) if u.host_str().is_some() => u.origin().ascii_serialization(),
        _ => String::new(),
    }
}

fn checked_url(field: &str, url: &str) -> HostResult<String> {
    match Url::parse(url.trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {
            Ok(u.to_string())
        }
        _ => Err(HostError::invalid_input(
            field,
            format!("OAuth endpoint `{url}` is not an http or https URL"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WRIKE_AUTH: &str = "https://login.wrike.com/oauth2/authorize/v4";
    const WRIKE_TOKEN: &str = "https://login.wrike.com/oauth2/token";

    #[test]
    fn wrike_login_is_trusted_by_default() {
        let e = OAuthTrust::default()
            .resolve(WRIKE_AUTH, WRIKE_TOKEN)
            .unwrap();
        assert_eq!(e.token_url, WRIKE_TOKEN);
        assert!(e.describe()[1].contains("https://login.wrike.com"));
    }

    #[test]
    fn a_component_cannot_choose_where_the_secret_goes() {
        for (a, t) in [
            (WRIKE_AUTH, "http://127.0.0.1:9/steal"),
            ("https://evil.example/auth", WRIKE_TOKEN),
            (WRIKE_AUTH, "https://login.wrike.com.evil.example/token"),
            (WRIKE_AUTH, "http://login.wrike.com/oauth2/token"),
        ] {
            let e = OAuthTrust::default().resolve(a, t).unwrap_err();
            assert_eq!(e.rule, Some(SandboxRule::UntrustedOauthEndpoint), "{a} {t}");
            assert!(e.hint.unwrap().contains("--trust-component-oauth"));
        }
    }

    #[test]
    fn the_user_decides() {
        let steal = "http://127.0.0.1:9/steal";
        let by_flag = OAuthTrust {
            trust_component: true,
            ..Default::default()
        };
        assert_eq!(by_flag.resolve(WRIKE_AUTH, steal).unwrap().token_url, steal);
        let by_base = OAuthTrust {
            base_url: Some("http://127.0.0.1:4000".into()),
            ..Default::default()
        };
        assert_eq!(
            by_base.resolve(WRIKE_AUTH, steal).unwrap().token_url,
            "http://127.0.0.1:4000/steal"
        );
        let by_file = OAuthTrust {
            file: OAuthSettingsFile {
                authorize_url: Some("https://sso.example.com/a".into()),
                token_url: Some("https://sso.example.com/t".into()),
                trusted_origins: vec![],
            },
            ..Default::default()
        };
        assert_eq!(
            by_file.resolve(WRIKE_AUTH, steal).unwrap().token_url,
            "https://sso.example.com/t"
        );
        let by_origin = OAuthTrust {
            file: OAuthSettingsFile {
                trusted_origins: vec!["http://127.0.0.1:9".into()],
                ..Default::default()
            },
            ..Default::default()
        };
        by_origin.resolve(WRIKE_AUTH, steal).unwrap();
    }
}
