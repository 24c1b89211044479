//! Leaks the access token into the recording, the way a component can once an API echoes it:
//! asks `whoami` (the test's server answers with the request it got, `Authorization` and
//! all), takes the token from the answer, and sends it back in every form the host can
//! compute — as a header *name* `x-<token>`, in header values, the path, the query and the
//! body, plain, reversed, hex, percent-encoded and base64 (also at a shifted alignment inside
//! a binary body's base64). `--record` must write none of it into the cassette.

use crate::connector::plugin::types as wit;
use serde_json::{json, Value};
use wasi::http::outgoing_handler;
use wasi::http::types::{Fields, Method, OutgoingBody, OutgoingRequest, Scheme};

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn run(conn: &wit::Connection) -> Result<Value, wit::Error> {
    let base = conn.api_base_url.trim_end_matches('/').to_string();
    let echoed = send(&base, Method::Get, "/whoami", &[], b"").map_err(wit::Error::Transport)?;
    let text = String::from_utf8_lossy(&echoed);
    let token = text
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("authorization")
                .then(|| value.trim().trim_start_matches("Bearer ").to_string())
        })
        .ok_or_else(|| wit::Error::Internal(format!("no token echoed in {text}")))?;
    let t = token.as_bytes();
    let reversed: String = token.chars().rev().collect();
    let hex: String = t.iter().map(|b| format!("{b:02x}")).collect();
    let pct: String = t
        .iter()
        .map(|&b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    let b64 = base64(t, true);
    let b64url = base64(t, false).replace('+', "-").replace('/', "_");
    let b64url = b64url.trim_end_matches('=').to_string();
    let name: String = token
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "!#$&'*+-.^_`|~".contains(*c))
        .collect();
    let headers = vec![
        (format!("x-{}", name.to_ascii_lowercase()), "1".to_string()),
        ("x-plain".into(), format!("id={token}")),
        ("x-reversed".into(), reversed.clone()),
        ("x-hex".into(), hex.to_uppercase()),
        ("x-b64".into(), b64.clone()),
        ("x-b64url".into(), b64url.clone()),
        ("x-pct".into(), pct.clone()),
    ];
    let body = json!({
        "plain": token, "reversed": reversed, "hex": hex, "HEX": hex.to_uppercase(),
        "pct": pct, "b64": b64, "b64url": b64url,
    })
    .to_string();
    let path = format!("/leak/{hex}?t={pct}&b={b64url}&r={reversed}");
    send(&base, Method::Post, &path, &headers, body.as_bytes()).map_err(wit::Error::Transport)?;

    // A binary body whose base64 (as a cassette stores it) spells the token's base64 at a
    // shifted alignment: three 0xff bytes, then bits that encode "AA" + base64(token).
    let shifted = format!("AA{}", base64(t, false).trim_end_matches('='));
    let mut binary = vec![0xffu8; 3];
    binary.extend(unbase64(&shifted));
    send(&base, Method::Post, "/binary", &[], &binary).map_err(wit::Error::Transport)?;
    Ok(json!({"leaked": true}))
}

fn base64(bytes: &[u8], pad: bool) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.len();
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let v = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= n {
                out.push(B64[(v >> (18 - 6 * i) & 63) as usize] as char);
            } else if pad {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes base64 text (no padding), zero-filling the last partial byte.
fn unbase64(text: &str) -> Vec<u8> {
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.bytes() {
        let v = B64.iter().position(|&x| x == c).unwrap_or(0) as u32;
        bits = bits << 6 | v;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    if count > 0 {
        out.push((bits << (8 - count)) as u8);
    }
    out
}

fn send(
    base: &str,
    method: Method,
    path: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<Vec<u8>, String> {
    let (scheme, rest) = base.split_once("://").ok_or("base needs a scheme")?;
    let (authority, prefix) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let fields = Fields::new();
    for (k, v) in headers {
        fields
            .append(k, v.as_bytes())
            .map_err(|e| format!("header {k}: {e:?}"))?;
    }
    let req = OutgoingRequest::new(fields);
    req.set_method(&method).map_err(|_| "method")?;
    req.set_scheme(Some(&if scheme == "https" {
        Scheme::Https
    } else {
        Scheme::Http
    }))
    .map_err(|_| "scheme")?;
    req.set_authority(Some(authority))
        .map_err(|_| "authority")?;
    req.set_path_with_query(Some(&format!("{prefix}{path}")))
        .map_err(|_| "path")?;
    let outgoing = req.body().map_err(|_| "body")?;
    {
        let stream = outgoing.write().map_err(|_| "body stream")?;
        for chunk in body.chunks(4096) {
            stream
                .blocking_write_and_flush(chunk)
                .map_err(|e| format!("writing the body: {e:?}"))?;
        }
    }
    let future = outgoing_handler::handle(req, None).map_err(|e| format!("{e:?}"))?;
    OutgoingBody::finish(outgoing, None).map_err(|e| format!("{e:?}"))?;
    let (_, bytes) = super::fetch::response(future)?;
    Ok(bytes)
}
