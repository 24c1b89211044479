//! Helpers shared by the `connect*` end-to-end tests: a `connector-host` command with a private
//! credential store, and a "browser" that reads the authorization URL from the child's stderr,
//! logs in on the fake Wrike's form and follows the redirect to the loopback listener.

#![allow(dead_code)]

use e2e_tests::{cli, CliRun};
use fake_wrike::FakeWrike;
use serde_json::Value;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A `connector-host` command against `fake` with no token and no base URL in the environment,
/// its credential store in `config_dir`, the OAuth endpoints pointed at the fake and the
/// client secret set.
pub fn host_cli(fake: &FakeWrike, config_dir: &Path) -> Command {
    let mut cmd = cli(fake);
    cmd.env_remove("CONNECTOR_TOKEN")
        .env_remove("CONNECTOR_BASE_URL")
        .env("CONNECTOR_CONFIG_DIR", config_dir)
        .env("CONNECTOR_OAUTH_BASE_URL", fake.origin())
        .env("CONNECTOR_CLIENT_SECRET", fake.oauth_client().1)
        .stdin(Stdio::null());
    cmd
}

/// `host_cli(..)` with `connect --client-id <fake's> --no-browser` and `extra` arguments.
pub fn connect_cmd(fake: &FakeWrike, config_dir: &Path, extra: &[&str]) -> Command {
    let mut cmd = host_cli(fake, config_dir);
    cmd.args([
        "connect",
        "--client-id",
        &fake.oauth_client().0,
        "--no-browser",
    ])
    .args(extra);
    cmd
}

/// The store file in `config_dir`.
pub fn store_path(config_dir: &Path) -> PathBuf {
    config_dir.join("connections.json")
}

/// The store's JSON.
pub fn store_json(config_dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(store_path(config_dir)).unwrap()).unwrap()
}

/// A running `connect`: the child and the authorization URL it printed.
pub struct PendingConnect {
    child: Child,
    /// The authorization URL, as printed alone on a stderr line.
    pub url: String,
    stderr_rest: mpsc::Receiver<String>,
}

impl PendingConnect {
    /// Starts `cmd` (a `connect` command) and waits for the authorization URL line on stderr.
    pub fn start(cmd: &mut Command) -> PendingConnect {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("connector-host starts");
        let stderr = child.stderr.take().unwrap();
        let (url_tx, url_rx) = mpsc::channel::<Option<String>>();
        let (rest_tx, rest_rx) = mpsc::channel::<String>();
        std::thread::spawn(move || {
            let mut all = String::new();
            let mut sent = false;
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if !sent && (line.starts_with("https://") || line.starts_with("http://")) {
                    let _ = url_tx.send(Some(line.clone()));
                    sent = true;
                }
                all.push_str(&line);
                all.push('\n');
            }
            if !sent {
                let _ = url_tx.send(None);
            }
            let _ = rest_tx.send(all);
        });
        let url = match url_rx.recv_timeout(Duration::from_secs(120)) {
            Ok(Some(url)) => url,
            other => {
                let _ = child.kill();
                let status = child.wait().ok();
                let rest = rest_rx
                    .recv_timeout(Duration::from_secs(5))
                    .unwrap_or_default();
                panic!("no authorization URL on stderr ({other:?}, exit {status:?}):\n{rest}");
            }
        };
        PendingConnect {
            child,
            url,
            stderr_rest: rest_rx,
        }
    }

    /// The authorization URL's query parameters.
    pub fn query(&self) -> HashMap<String, String> {
        url_query(&self.url)
    }

    /// Waits for the child to exit.
    pub fn finish(mut self) -> CliRun {
        let mut stdout = String::new();
        self.child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut stdout)
            .unwrap();
        let status = self.child.wait().unwrap();
        let stderr = self
            .stderr_rest
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_default();
        CliRun {
            code: status.code().unwrap_or(-1),
            stdout,
            stderr,
        }
    }

    /// Stops the child (it is waiting for the browser).
    pub fn abandon(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The last line of stderr as the JSON error object (connect prints its prompts first).
pub fn last_error(run: &CliRun) -> Value {
    let line = run.stderr.lines().last().unwrap_or_default();
    let v: Value = serde_json::from_str(line)
        .unwrap_or_else(|e| panic!("last stderr line is not JSON ({e}): {}", run.stderr));
    v["error"].clone()
}

/// The query parameters of `url`.
pub fn url_query(url: &str) -> HashMap<String, String> {
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
    url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

/// A browser without redirects.
pub fn browser() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The hidden fields of the login form in `html`.
pub fn hidden_fields(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for part in html.split("<input").skip(1) {
        let tag = part.split('>').next().unwrap_or_default();
        if !tag.contains(r#"type="hidden""#) {
            continue;
        }
        let attr = |name: &str| {
            let key = format!(r#"{name}=""#);
            tag.split_once(&key)
                .and_then(|(_, rest)| rest.split_once('"'))
                .map(|(v, _)| unescape(v))
        };
        if let (Some(n), Some(v)) = (attr("name"), attr("value")) {
            out.push((n, v));
        }
    }
    out
}

/// Opens `url` like a browser, logs in with `(email, password)` and returns the 302's Location
/// (the loopback redirect), without following it.
pub fn log_in(fake: &FakeWrike, url: &str, email: &str, password: &str) -> String {
    let http = browser();
    let page = http.get(url).send().unwrap();
    assert_eq!(page.status(), 200, "the authorize URL shows the login form");
    let html = page.text().unwrap();
    let action = html
        .split_once(r#"<form method="post" action=""#)
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(a, _)| a.to_string())
        .unwrap_or_else(|| panic!("no form in {html}"));
    let mut form = hidden_fields(&html);
    form.push(("email".into(), email.into()));
    form.push(("password".into(), password.into()));
    let resp = http
        .post(format!("{}{action}", fake.origin()))
        .form(&form)
        .send()
        .unwrap();
    assert_eq!(resp.status(), 302, "login redirects: {:?}", resp.text());
    resp.headers()["location"].to_str().unwrap().to_string()
}

/// Follows `location` (the loopback listener); returns its status.
pub fn follow(location: &str) -> u16 {
    browser().get(location).send().unwrap().status().as_u16()
}

/// Runs a whole successful `connect` with `extra` arguments: logs in, follows the redirect and
/// returns the finished run (checked to have succeeded) and the authorization URL's query.
pub fn connect(
    fake: &FakeWrike,
    config_dir: &Path,
    extra: &[&str],
) -> (CliRun, HashMap<String, String>) {
    let pending = PendingConnect::start(&mut connect_cmd(fake, config_dir, extra));
    let query = pending.query();
    let (email, password) = fake.login();
    let location = log_in(fake, &pending.url, &email, &password);
    assert_eq!(follow(&location), 200);
    let run = pending.finish();
    assert_eq!(run.code, 0, "connect failed: {}", run.stderr);
    (run, query)
}

/// Stores a permanent `token` as connection `name` with `connect --token-stdin`.
pub fn connect_token(
    fake: &FakeWrike,
    config_dir: &Path,
    name: &str,
    token: &str,
    extra: &[&str],
) -> CliRun {
    let mut child = host_cli(fake, config_dir)
        .args(["--connection", name, "connect", "--token-stdin"])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(token.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    CliRun {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The bearer tokens of the API requests the fake received, in order.
pub fn api_bearers(fake: &FakeWrike) -> Vec<String> {
    fake.requests()
        .iter()
        .filter(|r| r.path.starts_with("/api/v4"))
        .filter_map(|r| {
            r.header("authorization")
                .map(|h| h.trim_start_matches("Bearer ").to_string())
        })
        .collect()
}

/// The `grant_type` of each token-endpoint request.
pub fn token_grants(fake: &FakeWrike) -> Vec<String> {
    fake.token_requests()
        .iter()
        .map(|r| {
            url::form_urlencoded::parse(&r.body)
                .find(|(k, _)| k == "grant_type")
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        })
        .collect()
}

/// A string field of the stored connection `name`.
pub fn stored(config_dir: &Path, name: &str, field: &str) -> Value {
    store_json(config_dir)["connections"][name][field].clone()
}
