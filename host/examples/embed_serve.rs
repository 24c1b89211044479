//! Embedding `serve` in another tokio program: the program owns the listener and decides when
//! to stop; the host runs the subscriptions, the webhook receiver and the sink worker on them.
//!
//! ```text
//! CONNECTOR_TOKEN=… cargo run -p connector-host --example embed_serve -- \
//!     target/wasm32-wasip2/component/wrike_connector.wasm https://www.wrike.com/api/v4 \
//!     new_or_updated_task '{"folderId":"IEAAAAAQI4AB5BGU"}'
//! ```
//!
//! It polls the trigger every 60 s, prints each event as a JSON line, and stops cleanly after
//! Ctrl-C or after ten minutes, whichever comes first.
use connector_host::config::{ConfigFile, ConnectionConfig, Limits};
use connector_host::connector::Connector;
use connector_host::engine::{LoadOptions, Runtime};
use connector_host::serve::{Connect, ServeArgs, Server};
use std::sync::Arc;
use std::time::Duration;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [component, base_url, trigger, input] = args.as_slice() else {
        return Err("usage: embed_serve COMPONENT BASE_URL TRIGGER INPUT_JSON".into());
    };
    let options = LoadOptions {
        cache_dir: LoadOptions::default_cache_dir(),
        ..Default::default()
    };
    let runtime = Arc::new(Runtime::load(component.as_ref(), &options)?);
    let token = std::env::var("CONNECTOR_TOKEN")?;
    let base_url = base_url.clone();
    // Builds the connector each subscription runs on (one connection here; `serve` lends the
    // subscriptions' webhook secrets to what this returns).
    let connect: &Connect = &move |_connector, _connection| {
        let connection = ConnectionConfig::new(&base_url)?.with_token(token.clone());
        Connector::new(runtime.clone(), connection, Limits::default())
    };
    let serve_args = ServeArgs {
        trigger: Some(trigger.clone()),
        input: input.clone(),
        state: Some("embed-serve.db".into()),
        ..ServeArgs::default()
    };
    let file = ConfigFile::default();
    let server = Server::new(&serve_args, &file, connect)?;
    // The caller's listener (any address; the port is the caller's business) …
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    eprintln!("receiver on http://{}", listener.local_addr()?);
    // … and the caller's shutdown.
    let shutdown = async {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = tokio::time::sleep(Duration::from_secs(600)) => {}
        }
    };
    server.run(listener, shutdown).await?;
    Ok(())
}
