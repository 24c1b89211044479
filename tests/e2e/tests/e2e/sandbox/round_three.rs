//! Sandbox, round three (issue #21), the descriptor and recording holes: what the component
//! declares and what it sends are untrusted on every surface. Each test runs the real
//! `connector-host` process on a hostile component.
//!
//! - a hostile descriptor (duplicate names, control and bidi characters, Markdown breakers) is
//!   refused at load on `describe`, `--markdown`, `mcp` and `call`;
//! - hostile texts the rules allow are never live Markdown or HTML in `describe --markdown`;
//! - a component that learnt the token from an echoing API cannot write it, in any form the
//!   host can compute, into a `--record` cassette.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;
use e2e_tests::{cli, hostile_component, hostile_descriptor_component, CliRun};
use fake_wrike::FakeWrike;
use rmcp::transport::TokioChildProcess;
use rmcp::ServiceExt;
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpListener;
use tokio::io::AsyncReadExt;

/// The characters the descriptor rules refuse, as issue #21 found them passed on.
const HOSTILE_CHARS: [char; 6] = [
    '\u{0}',
    '\u{1b}',
    '\u{7}',
    '\u{202e}',
    '\u{e0049}',
    '\u{9b}',
];

fn assert_plain(what: &str, text: &str) {
    for c in HOSTILE_CHARS {
        assert!(
            !text.contains(c),
            "{what} holds U+{:04X}: {text:?}",
            c as u32
        );
    }
}

/// Checks the typed error refusing the hostile descriptor: every problem named.
fn refused(run: &CliRun) {
    assert_eq!(
        run.code, 7,
        "stderr: {}\nstdout: {}",
        run.stderr, run.stdout
    );
    assert_plain("stderr", &run.stderr);
    assert_plain("stdout", &run.stdout);
    let e = run.error();
    assert_eq!(e["kind"], "sandbox_violation", "{e}");
    assert_eq!(e["rule"], "invalid_descriptor", "{e}");
    assert_eq!(e["field"], "default_base_url", "{e}");
    let message = e["message"].as_str().unwrap();
    for named in [
        "actions[2].name: `dup` is declared twice (first as actions[0])",
        "actions[3].name: `quick` is declared twice (first as actions[1])",
        "triggers[1].name: `poll_dup` is declared twice",
        "pick_lists[1].name: `list_dup` is declared twice",
        "actions[1].title: holds a control character (U+001B)",
        "actions[2].description: holds a bidirectional formatting character (U+202E)",
        "actions[3].description: holds a control character (U+0000)",
        "actions[4].name: `evil|name<!--` does not match",
        "actions[5].name: `retitle\\u{1b}]0;owned\\u{7}` does not match",
        "actions[6].description: holds a Unicode tag character (U+E0049)",
        "actions[7].input_schema/properties/id/description: holds a control character (U+001B)",
        "default_base_url: `javascript:alert(1)` is a javascript URL",
    ] {
        assert!(message.contains(named), "{named:?} not in {message}");
    }
}

fn hostile_descriptor_cli(fake: &FakeWrike) -> std::process::Command {
    let mut cmd = cli(fake);
    cmd.env("CONNECTOR_COMPONENT", hostile_descriptor_component());
    cmd
}

// 3. MCP (and every other surface): a hostile descriptor is refused at load.

#[test]
fn a_hostile_descriptor_is_refused_at_load_on_every_surface() {
    // Before: `describe` printed it, escape sequences and all, and `call dup` ran one of the
    // two `dup` actions.
    let fake = FakeWrike::start().unwrap();
    for args in [
        &["describe"][..],
        &["describe", "--markdown"],
        &["call", "dup", "--input", "{}"],
        &["call", "quick", "--input", "{}"],
    ] {
        let run = CliRun::of(hostile_descriptor_cli(&fake).args(args));
        refused(&run);
        assert_eq!(run.stdout, "", "{args:?}");
    }
}

#[tokio::test]
async fn mcp_refuses_duplicate_tools_and_control_characters_before_serving() {
    // Before: tools/list offered `dup` and `quick` twice each, with the ESC sequences and the
    // bidi override in their titles and descriptions, and tools/call ran one of the two.
    let fake = FakeWrike::start().unwrap();
    let mut cmd = hostile_descriptor_cli(&fake);
    cmd.arg("mcp");
    let (transport, stderr) = TokioChildProcess::builder(tokio::process::Command::from(cmd))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("connector-host mcp starts");
    let handshake = ().serve(transport).await;
    assert!(
        handshake.is_err(),
        "the MCP server must not start on a hostile descriptor"
    );
    let mut text = String::new();
    stderr
        .expect("stderr piped")
        .read_to_string(&mut text)
        .await
        .unwrap();
    refused(&CliRun {
        code: 7,
        stdout: String::new(),
        stderr: text,
    });

    // The hostile guest's descriptor is valid: each tool is listed once, its texts plain.
    let mut cmd = cli(&fake);
    cmd.env("CONNECTOR_COMPONENT", hostile_component())
        .arg("mcp");
    let client =
        ().serve(TokioChildProcess::new(tokio::process::Command::from(cmd)).unwrap())
            .await
            .expect("the MCP handshake succeeds");
    let tools = client.list_all_tools().await.unwrap();
    let mut names: Vec<String> = tools.iter().map(|t| t.name.to_string()).collect();
    let count = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), count, "a tool listed twice: {names:?}");
    for t in &tools {
        assert_plain("a tool", &serde_json::to_string(t).unwrap());
    }
    client.cancel().await.unwrap();
}

// 6. `describe --markdown` is no injection channel.

/// Splits a GFM table row into cells the way GitHub does: at every `|` not escaped by a
/// backslash (a backslash escaping another backslash does not escape the pipe).
fn cells(row: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut escaped = false;
    for c in row.trim().trim_start_matches('|').chars() {
        match c {
            '|' if !escaped => cells.push(String::new()),
            c => cells.last_mut().unwrap().push(c),
        }
        escaped = c == '\\' && !escaped;
    }
    if cells.last().is_some_and(|c| c.trim().is_empty()) {
        cells.pop();
    }
    cells
}

/// Whether `text` holds `what` outside backslash escapes and code spans, where Markdown
/// would act on it.
fn live(text: &str, what: &str) -> bool {
    let mut plain = String::new();
    let mut escaped = false;
    let mut in_code = false;
    for c in text.chars() {
        if escaped {
            escaped = false;
            plain.push(' ');
            continue;
        }
        match c {
            '\\' => escaped = true,
            '`' => in_code = !in_code,
            c if !in_code => plain.push(c),
            _ => {}
        }
    }
    plain.contains(what)
}

#[test]
pub(super) fn describe_markdown_shows_hostile_texts_as_text() {
    // Before: the title's `\|` ended its cell early, and the description's `<script>`,
    // `<iframe>`, `<img>`, `javascript:` links and `<!--` were live in the page.
    let fake = FakeWrike::start().unwrap();
    let mut cmd = cli(&fake);
    cmd.env("CONNECTOR_COMPONENT", hostile_component())
        .args(["describe", "--markdown"]);
    let run = CliRun::of(&mut cmd);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = run.stdout;
    for tag in [
        "<script",
        "<iframe",
        "<img",
        "<!--",
        "<b>",
        "<javascript",
        "](javascript",
        "![",
        "&#106;",
        "**",
    ] {
        assert!(!live(&md, tag), "{tag:?} is live in:\n{md}");
    }
    let header = md
        .lines()
        .find(|l| l.starts_with("| Action |"))
        .expect("the actions table");
    let row = md
        .lines()
        .find(|l| l.starts_with("| `markdown` |"))
        .unwrap_or_else(|| panic!("the `markdown` row in:\n{md}"));
    assert_eq!(cells(row).len(), cells(header).len(), "{row}");
    let input = &cells(row)[4];
    assert!(
        input.contains("&lt;img src=x onerror=alert(3)&gt;"),
        "{input}"
    );
    // Every row of every table keeps its columns.
    for line in md.lines().filter(|l| l.starts_with('|')) {
        let n = cells(line).len();
        assert!((3..=6).contains(&n), "{line}");
    }
}

// 4. Cassettes never hold the credential, in any form.

/// The test's token: upper and lower case (header names are lowered), and characters that
/// percent-encoding changes.
const TOKEN: &str = "Tok3n-SeCrEt_abc.XYZ~987+end";

/// Every form of `secret` the host can compute, computed here independently of the host.
fn forms_of(secret: &str) -> Vec<String> {
    let b = secret.as_bytes();
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    let pct = |upper: bool| -> String {
        b.iter()
            .map(|&x| {
                if x.is_ascii_alphanumeric() || b"-._~".contains(&x) {
                    (x as char).to_string()
                } else if upper {
                    format!("%{x:02X}")
                } else {
                    format!("%{x:02x}")
                }
            })
            .collect()
    };
    let mut forms = vec![
        secret.to_string(),
        secret.to_ascii_lowercase(),
        secret.chars().rev().collect(),
        hex.to_uppercase(),
        hex,
        pct(true),
        pct(false),
        STANDARD.encode(b),
        URL_SAFE.encode(b),
    ];
    // Base64 at every alignment: the characters that encode the secret alone.
    for engine in [&STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
        for offset in 0..3usize {
            let mut data = vec![0u8; offset];
            data.extend_from_slice(b);
            let text = engine.encode(&data);
            let first = (8 * offset).div_ceil(6);
            let last = 8 * (offset + b.len()) / 6;
            forms.push(text[first..last].to_string());
        }
    }
    forms
}

/// A server that answers each request with the request itself (head and body), and echoes
/// the credential back in response headers too, as a careless or hostile API might.
fn echo_server() -> (String, std::sync::mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(16) {
            let Ok(mut stream) = stream else { continue };
            let mut seen = Vec::new();
            let mut buf = [0u8; 8192];
            let head_end = loop {
                if let Some(i) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
                    break i + 4;
                }
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break seen.len(),
                    Ok(n) => seen.extend_from_slice(&buf[..n]),
                }
            };
            let head = String::from_utf8_lossy(&seen[..head_end]).to_string();
            let length: usize = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse().ok())?
                })
                .unwrap_or(0);
            while seen.len() < head_end + length {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => seen.extend_from_slice(&buf[..n]),
                }
            }
            let auth = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("authorization")
                        .then(|| v.trim().to_string())
                })
                .unwrap_or_default();
            let token = auth.trim_start_matches("Bearer ");
            // A header *name* holding the token, in its own case.
            let name = token;
            let mut response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nconnection: close\r\n\
                 x-echo-authorization: {auth}\r\nx-{name}: echoed\r\nx-b64: {}\r\n\
                 content-length: {}\r\n\r\n",
                STANDARD.encode(token),
                seen.len()
            )
            .into_bytes();
            response.extend_from_slice(&seen);
            let _ = stream.write_all(&response);
            let _ = tx.send(head);
        }
    });
    (format!("http://127.0.0.1:{port}/api/v4"), rx)
}

#[test]
pub(super) fn no_cassette_holds_the_token_in_any_form() {
    // Before: the cassette held the token as a header name `x-<token>` and base64, hex and
    // reversed forms of it in headers, the URL and the bodies.
    let fake = FakeWrike::start().unwrap();
    let (base, heads) = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let tapes = dir.path().join("tapes");
    let mut cmd = cli(&fake);
    cmd.env("CONNECTOR_COMPONENT", hostile_component())
        .env("CONNECTOR_TOKEN", TOKEN)
        .env("CONNECTOR_BASE_URL", &base)
        .args(["--record", tapes.to_str().unwrap()])
        .args(["call", "leak_token", "--input", "{}"]);
    let run = CliRun::of(&mut cmd);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The token did travel: the live requests carried it, and the guest learnt it.
    let heads: Vec<String> = heads.try_iter().collect();
    assert_eq!(heads.len(), 3, "{heads:?}");
    assert!(heads.iter().all(|h| h.contains(TOKEN)), "{heads:?}");

    let forms = forms_of(TOKEN);
    let mut files = 0;
    for entry in std::fs::read_dir(&tapes).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        files += 1;
        let text = String::from_utf8_lossy(&bytes);
        for form in &forms {
            assert!(
                !text.contains(form.as_str())
                    && !text
                        .to_ascii_lowercase()
                        .contains(&form.to_ascii_lowercase()),
                "{} holds {form:?}:\n{text}",
                path.display()
            );
        }
        // What the file decodes to (base64 bodies) holds none either.
        let cassette: Value = serde_json::from_slice(&bytes).unwrap();
        let interactions = cassette["interactions"].as_array().unwrap();
        assert_eq!(interactions.len(), 3, "{text}");
        for side in interactions
            .iter()
            .flat_map(|i| [&i["request"], &i["response"]])
        {
            if let Some(b64) = side["body_base64"].as_str() {
                let decoded = STANDARD.decode(b64).unwrap();
                let decoded = String::from_utf8_lossy(&decoded);
                for form in &forms {
                    assert!(!decoded.contains(form.as_str()), "{form:?} in {decoded}");
                }
            }
        }
        // The header name the component built from the token is recorded, redacted.
        let leak = &interactions[1]["request"]["headers"];
        assert!(
            leak.as_array()
                .unwrap()
                .iter()
                .any(|h| h[0] == "x-redacted"),
            "{leak}"
        );
    }
    assert_eq!(files, 1);
}
