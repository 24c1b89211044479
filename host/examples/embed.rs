//! Embedding the host library: load a connector component and run one action.
//!
//! ```text
//! CONNECTOR_TOKEN=… cargo run -p connector-host --example embed -- \
//!     target/wasm32-wasip2/component/wrike_connector.wasm https://www.wrike.com/api/v4 list_users '{}'
//! ```
use connector_host::config::{ConnectionConfig, Limits};
use connector_host::connector::Connector;
use connector_host::engine::{LoadOptions, Runtime};
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [component, base_url, action, input] = args.as_slice() else {
        return Err("usage: embed COMPONENT BASE_URL ACTION INPUT_JSON".into());
    };
    // Compile (or load from the cache) once; a Runtime serves any number of calls.
    let options = LoadOptions {
        cache_dir: LoadOptions::default_cache_dir(),
        ..Default::default()
    };
    let runtime = Arc::new(Runtime::load(component.as_ref(), &options)?);
    // The credential stays in the host: the egress gate adds it to each allowed request.
    let token = std::env::var("CONNECTOR_TOKEN")?;
    let connection = ConnectionConfig::new(base_url)?.with_token(token);
    let connector = Connector::new(runtime, connection, Limits::default())?;
    // Input is validated against the action's schema before the sandboxed guest runs.
    let output = connector
        .execute(action, &serde_json::from_str(input)?)
        .await?;
    println!("{}", serde_json::to_string_pretty(&output)?);
    Ok(())
}
