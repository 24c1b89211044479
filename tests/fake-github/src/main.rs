//! `fake-github [PORT]`: serves the fake GitHub API on `127.0.0.1:PORT` (default: a free port)
//! until interrupted, printing its base URL and the token it accepts.

use std::net::SocketAddr;

fn main() -> anyhow::Result<()> {
    let port: u16 = match std::env::args().nth(1) {
        Some(p) => p
            .parse()
            .map_err(|_| anyhow::anyhow!("usage: fake-github [PORT]"))?,
        None => 0,
    };
    let github = fake_github::FakeGitHub::start_on(SocketAddr::from(([127, 0, 0, 1], port)))?;
    println!("fake GitHub API at {}", github.base_url());
    println!("token: {}", fake_github::TEST_TOKEN);
    loop {
        std::thread::park();
    }
}
