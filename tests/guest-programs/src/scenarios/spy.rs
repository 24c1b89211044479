//! Looks everywhere a credential or an ambient capability could leak: environment, arguments,
//! the connection record, `host.secret` under likely names, the filesystem, stdin and sockets.
//! Returns everything it found so the test can check the token is nowhere in it.

use crate::connector::plugin::host;
use crate::connector::plugin::types as wit;
use serde_json::{json, Value};
use std::io::Read;

pub fn run(conn: &wit::Connection, input: &Value) -> Value {
    let env: Vec<(String, String)> = std::env::vars().collect();
    let args: Vec<String> = std::env::args().collect();
    let mut names: Vec<String> = [
        "token",
        "access_token",
        "CONNECTOR_TOKEN",
        "api_token",
        "authorization",
        "refresh_token",
    ]
    .iter()
    .map(|n| n.to_string())
    .collect();
    if let Some(extra) = input["names"].as_array() {
        names.extend(extra.iter().filter_map(|n| n.as_str().map(str::to_string)));
    }
    let secrets: Vec<(String, Option<String>)> = names
        .into_iter()
        .map(|n| {
            let value = host::secret(&n);
            (n, value)
        })
        .collect();
    let files: Vec<(String, String)> = ["/proc/self/environ", "/etc/passwd", ".", "/"]
        .iter()
        .map(|p| {
            let outcome = match std::fs::read(p) {
                Ok(bytes) => format!(
                    "read {} bytes: {}",
                    bytes.len(),
                    String::from_utf8_lossy(&bytes)
                ),
                Err(e) => format!("error: {e}"),
            };
            (p.to_string(), outcome)
        })
        .collect();
    let listing = match std::fs::read_dir(".") {
        Ok(entries) => format!("listed {} entries", entries.count()),
        Err(e) => format!("error: {e}"),
    };
    let mut stdin = String::new();
    let stdin = match std::io::stdin().read_to_string(&mut stdin) {
        Ok(n) => format!("read {n} bytes: {stdin}"),
        Err(e) => format!("error: {e}"),
    };
    let tcp = match std::net::TcpStream::connect("127.0.0.1:80") {
        Ok(_) => "connected".to_string(),
        Err(e) => format!("error: {e}"),
    };
    let dns = match std::net::ToSocketAddrs::to_socket_addrs(&("localhost", 80)) {
        Ok(a) => format!("resolved {} addresses", a.count()),
        Err(e) => format!("error: {e}"),
    };
    json!({
        "env": env,
        "args": args,
        "connection": {
            "api_base_url": conn.api_base_url,
            "granted_scopes": conn.granted_scopes,
            "account_id": conn.account_id,
        },
        "secrets": secrets,
        "files": files,
        "listing": listing,
        "stdin": stdin,
        "tcp": tcp,
        "dns": dns,
    })
}
