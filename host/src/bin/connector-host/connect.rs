//! The `connect` and `connections` commands: making, listing and removing stored connections.
//!
//! `connect` runs the OAuth2 authorization-code flow of the component's own auth config (its
//! URLs and scopes), or stores a permanent token read from stdin; the result goes to the
//! [`CredentialStore`]. Nothing here ever prints a secret.

use clap::{Args, Subcommand};
use connector_host::credentials::flow::{self, AuthorizeOptions};
use connector_host::credentials::oauth::OAuthApp;
use connector_host::credentials::scopes::{select_scopes, OAuthSettings, ScopeChoice};
use connector_host::credentials::store::{
    unix_now, validate_api_host, ConnectionKind, CredentialStore, OAuthClientInfo, StoredConnection,
};
use connector_host::credentials::trust::{OAuthSettingsFile, OAuthTrust};
use connector_host::credentials::Secret;
use connector_host::descriptor::Descriptor;
use connector_host::error::{ErrorKind, HostError, HostResult};
use serde_json::{json, Value};
use std::io::{IsTerminal, Read};
use std::time::Duration;

/// The environment variable holding the OAuth client secret (it is never taken from a flag).
pub const CLIENT_SECRET_ENV: &str = "CONNECTOR_CLIENT_SECRET";

/// Options of `connector-host connect`.
#[derive(Debug, Clone, Default, Args)]
pub struct ConnectArgs {
    /// Store a Wrike permanent access token read from stdin instead of running OAuth2.
    #[arg(long)]
    pub token_stdin: bool,

    /// With --token-stdin: the account's API host, e.g. `app-eu.wrike.com` [default: the
    /// default API base URL].
    #[arg(long, value_name = "HOST")]
    pub api_host: Option<String>,

    /// The client id of your Wrike app (App Console). The secret is read from
    /// $CONNECTOR_CLIENT_SECRET, else prompted for.
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,

    /// Scopes to request, comma-separated (e.g. `wsReadWrite,amReadOnlyUser`); `Default` is
    /// always added.
    #[arg(long, value_delimiter = ',', value_name = "SCOPES", conflicts_with_all = ["all_scopes", "for_actions"])]
    pub scopes: Option<Vec<String>>,

    /// Request every scope the connector declares.
    #[arg(long, conflicts_with = "for_actions")]
    pub all_scopes: bool,

    /// Request the fewest scopes these actions or triggers need, comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "ACTIONS")]
    pub for_actions: Option<Vec<String>>,

    /// Port of the loopback redirect listener on 127.0.0.1; register
    /// `http://127.0.0.1:PORT/callback` as the app's redirect URI [default: chosen by the OS].
    #[arg(long, value_name = "PORT")]
    pub redirect_port: Option<u16>,

    /// Do not try to open a browser; just print the authorization URL.
    #[arg(long)]
    pub no_browser: bool,

    /// Replace the origin of the connector's authorize and token URLs, e.g.
    /// `https://www.wrike.com` (another Wrike login host) or the fake Wrike's origin.
    #[arg(long, env = "CONNECTOR_OAUTH_BASE_URL", value_name = "URL")]
    pub oauth_base_url: Option<String>,

    /// Send the client secret to whatever OAuth endpoints the component declares, even on an
    /// origin the host does not trust (by default only Wrike's login service, --oauth-base-url
    /// and the config file's [oauth] section are trusted).
    #[arg(long)]
    pub trust_component_oauth: bool,

    /// Give up when the whole authorization has not completed within this many seconds.
    #[arg(long, default_value_t = 300, value_name = "SECS")]
    pub timeout_secs: u64,
}

/// `connector-host connections …`.
#[derive(Debug, Clone, Subcommand)]
pub enum ConnectionsCommand {
    /// List the stored connections: name, kind, scopes, API host, expiry (never a secret).
    List,
    /// Remove a stored connection.
    Remove {
        /// The connection's name.
        name: String,
    },
}

impl ConnectArgs {
    /// Whether this is `connect --token-stdin` (no component needed).
    pub fn is_token(&self) -> bool {
        self.token_stdin
    }

    fn scope_choice(&self) -> ScopeChoice {
        if let Some(list) = &self.scopes {
            ScopeChoice::Explicit(list.clone())
        } else if self.all_scopes {
            ScopeChoice::All
        } else if let Some(list) = &self.for_actions {
            ScopeChoice::ForActions(list.clone())
        } else {
            ScopeChoice::DefaultOnly
        }
    }

    fn check_token_mode(&self) -> HostResult<()> {
        let oauth_only = [
            ("client_id", self.client_id.is_some()),
            ("scopes", self.scopes.is_some()),
            ("all_scopes", self.all_scopes),
            ("for_actions", self.for_actions.is_some()),
            ("redirect_port", self.redirect_port.is_some()),
        ];
        if let Some((field, _)) = oauth_only.iter().find(|(_, set)| *set) {
            return Err(HostError::invalid_input(
                *field,
                format!(
                    "--{} is for the OAuth2 flow and cannot be used with --token-stdin",
                    field.replace('_', "-")
                ),
            ));
        }
        Ok(())
    }
}

/// `connect --token-stdin`: stores the permanent token read from `input` as `name`.
/// `default_base_url` is the component's, which the stored API host is combined with.
pub fn connect_token(
    args: &ConnectArgs,
    name: &str,
    store: &CredentialStore,
    default_base_url: &str,
    input: &mut dyn Read,
) -> HostResult<Value> {
    args.check_token_mode()?;
    if let Some(host) = &args.api_host {
        validate_api_host(host)?;
    }
    let mut raw = String::new();
    input.read_to_string(&mut raw).map_err(|e| {
        HostError::invalid_input("token", format!("cannot read the token from stdin: {e}"))
    })?;
    let token = raw.trim();
    if token.is_empty() {
        return Err(HostError::invalid_input(
            "token",
            "stdin held no token: pipe a Wrike permanent access token into `connect --token-stdin`",
        ));
    }
    if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(HostError::invalid_input(
            "token",
            "the token read from stdin contains spaces or line breaks: give exactly one token",
        ));
    }
    let conn = StoredConnection::permanent_token(Secret::new(token), args.api_host.clone());
    let summary = connection_summary(name, &conn, default_base_url)?;
    store.put(name, conn)?;
    Ok(summary)
}

/// `connect` (OAuth2): runs the authorization-code flow of `descriptor`'s OAuth2 config and
/// stores the connection as `name`. `show` receives the lines for the user (stderr).
pub async fn connect_oauth(
    args: &ConnectArgs,
    name: &str,
    store: &CredentialStore,
    descriptor: &Descriptor,
    oauth_file: &OAuthSettingsFile,
    mut show: impl FnMut(&str),
) -> HostResult<Value> {
    if args.api_host.is_some() {
        return Err(HostError::invalid_input(
            "api_host",
            "--api-host is for --token-stdin; an OAuth2 connection takes its API host from the token response",
        ));
    }
    let settings = OAuthSettings::from_descriptor(descriptor)?;
    // The host, not the component, decides where the client secret and the code may go.
    let trust = OAuthTrust {
        file: oauth_file.clone(),
        base_url: args.oauth_base_url.clone(),
        trust_component: args.trust_component_oauth,
    };
    let endpoints = trust.resolve(&settings.authorize_url, &settings.token_url)?;
    let scopes = select_scopes(descriptor, &settings, &args.scope_choice())?;
    let client_id = args
        .client_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            HostError::invalid_input(
                "client_id",
                "--client-id is required: the client id of your Wrike app (App Console)",
            )
            .with_hint("or use `connect --token-stdin` with a permanent token")
        })?
        .to_string();
    let client_secret = read_client_secret()?;
    let (authorize_url, token_url) = (endpoints.authorize_url.clone(), endpoints.token_url.clone());
    if args.timeout_secs == 0 {
        return Err(HostError::invalid_input(
            "timeout_secs",
            "--timeout-secs must be greater than 0",
        ));
    }
    let app = OAuthApp {
        client_id: client_id.clone(),
        client_secret: client_secret.clone(),
        token_url: token_url.clone(),
        auth: settings.token_endpoint_auth,
        api_host_field: settings.api_host_field.clone(),
    };
    let options = AuthorizeOptions {
        app,
        authorize_url,
        scope: settings.join(&scopes),
        redirect_port: args.redirect_port.unwrap_or(0),
        open_browser: !args.no_browser,
        timeout: Duration::from_secs(args.timeout_secs),
    };
    // Where the secret and the code will go, printed with the flow's first line (once the
    // redirect listener is up), so an error before that stays one JSON object on stderr.
    let mut origins = Some(endpoints.describe());
    let show = move |line: &str| {
        for origin in origins.take().into_iter().flatten() {
            show(&origin);
        }
        show(line)
    };
    let grant = flow::authorize(&options, show).await?;
    if let Some(host) = &grant.host {
        validate_api_host(host).map_err(|e| {
            HostError::new(
                ErrorKind::Upstream,
                format!(
                    "the token endpoint answered an unusable `host`: {}",
                    e.message
                ),
            )
        })?;
    }
    let now = unix_now();
    let conn = StoredConnection {
        kind: ConnectionKind::OAuth2,
        api_host: grant.host,
        scopes: Some(scopes),
        access_token: grant.access_token,
        refresh_token: grant.refresh_token,
        expires_at: grant.expires_in.map(|d| now.saturating_add(d.as_secs())),
        oauth_client: Some(OAuthClientInfo {
            client_id,
            client_secret,
            token_url,
            token_endpoint_auth: settings.token_endpoint_auth,
            api_host_field: settings.api_host_field.clone(),
        }),
        created_at: now,
        updated_at: now,
    };
    let summary = connection_summary(name, &conn, &descriptor.default_base_url)?;
    store.put(name, conn)?;
    Ok(summary)
}

fn connection_summary(
    name: &str,
    conn: &StoredConnection,
    default_base_url: &str,
) -> HostResult<Value> {
    let mut summary = conn.summary(name);
    summary["api_base_url"] = json!(conn.api_base_url(default_base_url)?);
    Ok(summary)
}

fn read_client_secret() -> HostResult<Secret> {
    if let Ok(secret) = std::env::var(CLIENT_SECRET_ENV) {
        let secret = secret.trim();
        if secret.is_empty() {
            return Err(HostError::invalid_input(
                "client_secret",
                format!("{CLIENT_SECRET_ENV} is set but empty"),
            ));
        }
        return Ok(Secret::new(secret));
    }
    if !std::io::stdin().is_terminal() {
        return Err(HostError::invalid_input(
            "client_secret",
            format!(
                "no client secret: set {CLIENT_SECRET_ENV} (there is no terminal to prompt on)"
            ),
        ));
    }
    let secret = rpassword::prompt_password("Client secret (input hidden): ").map_err(|e| {
        HostError::invalid_input(
            "client_secret",
            format!("cannot read the client secret: {e}"),
        )
    })?;
    let secret = secret.trim();
    if secret.is_empty() {
        return Err(HostError::invalid_input(
            "client_secret",
            "the client secret is empty",
        ));
    }
    Ok(Secret::new(secret))
}

/// `connections list` and `connections remove`; returns what to print.
pub fn run_connections(cmd: &ConnectionsCommand, store: &CredentialStore) -> HostResult<Value> {
    match cmd {
        ConnectionsCommand::List => {
            let all = store.load()?;
            let items: Vec<Value> = all.iter().map(|(name, conn)| conn.summary(name)).collect();
            Ok(json!({ "store": store.path(), "connections": items }))
        }
        ConnectionsCommand::Remove { name } => {
            connector_host::credentials::store::validate_connection_name(name)?;
            if store.remove(name)? {
                Ok(json!({ "removed": name }))
            } else {
                Err(HostError::new(
                    ErrorKind::NotFound,
                    format!("no stored connection named `{name}`"),
                )
                .with_hint("see `connector-host connections list`"))
            }
        }
    }
}
