//! `fake-wrike [--port N] [--token T --scopes a,b]`: serves the fake Wrike API until killed and
//! prints one line `FAKE_WRIKE_BASE_URL=http://127.0.0.1:PORT/api/v4` on stdout.

use std::io::Write;
use std::net::SocketAddr;

use clap::Parser;
use fake_wrike::{FakeWrike, ALL_SCOPES};

/// Command line.
#[derive(Debug, Parser)]
#[command(
    name = "fake-wrike",
    about = "A fake Wrike API v4 server for tests and demos"
)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// An extra bearer token to accept (`test-token` always works).
    #[arg(long)]
    token: Option<String>,
    /// Comma-separated scopes for --token (default: all scopes).
    #[arg(long, value_delimiter = ',')]
    scopes: Option<Vec<String>>,
    /// Requests per minute per token (0 = unlimited).
    #[arg(long, default_value_t = fake_wrike::DEFAULT_RATE_LIMIT)]
    rate_limit: u32,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let wrike = FakeWrike::start_on(SocketAddr::from(([127, 0, 0, 1], args.port)))?;
    if let Some(t) = &args.token {
        let scopes: Vec<String> = args
            .scopes
            .clone()
            .unwrap_or_else(|| ALL_SCOPES.iter().map(|s| s.to_string()).collect());
        let refs: Vec<&str> = scopes
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        wrike.add_token(t, &refs);
    }
    wrike.set_rate_limit((args.rate_limit > 0).then_some(args.rate_limit));
    wrike.log_violations();
    let mut out = std::io::stdout().lock();
    writeln!(out, "FAKE_WRIKE_BASE_URL={}", wrike.base_url())?;
    out.flush()?;
    drop(out);
    eprintln!(
        "fake-wrike: account {} (root {}), user {}; token `{}` has all scopes",
        wrike.account_id(),
        wrike.root_folder_id(),
        wrike.me_id(),
        fake_wrike::TEST_TOKEN
    );
    // SIGTERM and Ctrl-C end the process with their default action.
    loop {
        std::thread::park();
    }
}
