//! The forms of a secret the [`Redactor`](super::Redactor) looks for: every encoding of it
//! the host can compute, so that a component that learnt the token (an API that echoes it)
//! cannot write it into a recording by encoding it first.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;

/// A secret shorter than this is not searched for inside texts (it would match everywhere);
/// a header value equal to it is still redacted.
pub const MIN_SUBSTRING_SECRET: usize = 4;

/// Every form of `secret` the host can compute, longest first, each at least
/// [`MIN_SUBSTRING_SECRET`] long:
/// - the secret itself and reversed;
/// - hex, lower and upper case;
/// - percent-encoded (every byte but the unreserved ones, upper- and lower-case hex digits,
///   and form encoding's `+` for a space);
/// - base64, standard and URL-safe, with and without padding, and the characters that encode
///   the secret whatever precedes it in a longer base64 text (its encoding at byte offsets 1
///   and 2, without the characters the neighbours share).
pub fn forms(secret: &str) -> Vec<String> {
    let bytes = secret.as_bytes();
    let mut out = vec![secret.to_string(), secret.chars().rev().collect()];
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    out.push(hex.to_ascii_uppercase());
    out.push(hex);
    let pct = |upper: bool, plus: bool| -> String {
        bytes
            .iter()
            .map(|&b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    (b as char).to_string()
                }
                b' ' if plus => "+".to_string(),
                _ if upper => format!("%{b:02X}"),
                _ => format!("%{b:02x}"),
            })
            .collect()
    };
    out.extend([pct(true, false), pct(false, false), pct(true, true)]);
    for engine in [&STANDARD, &URL_SAFE] {
        out.push(engine.encode(bytes));
    }
    for engine in [&STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
        let plain = engine.encode(bytes);
        // Aligned: the last character may hold bits of what follows, so it is left out too.
        out.push(plain.clone());
        if !bytes.len().is_multiple_of(3) {
            out.push(plain[..plain.len() - 1].to_string());
        }
        for offset in 1..=2usize {
            out.push(shifted_core(engine, bytes, offset));
        }
    }
    out.retain(|f| f.len() >= MIN_SUBSTRING_SECRET);
    out.sort_by_key(|f| std::cmp::Reverse(f.len()));
    out.dedup();
    out
}

/// The base64 characters that encode only bits of `bytes` when `offset` bytes precede them:
/// present in the encoding of any text holding `bytes` at a position ≡ `offset` (mod 3).
fn shifted_core(engine: &impl base64::Engine, bytes: &[u8], offset: usize) -> String {
    let mut padded = vec![0u8; offset];
    padded.extend_from_slice(bytes);
    let encoded = engine.encode(&padded);
    // Characters are 6 bits each; the secret spans bits [8·offset, 8·(offset+len)).
    let first = (8 * offset).div_ceil(6);
    let last = (8 * (offset + bytes.len())) / 6; // exclusive: the characters fully inside
    if last <= first {
        return String::new();
    }
    encoded[first..last.min(encoded.len())].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_at_any_offset_of_a_base64_text_is_found() {
        let secret = "Tok3n-SeCrEt+/_~x";
        let forms = forms(secret);
        for prefix in 0..6usize {
            for suffix in 0..4usize {
                let mut data = vec![0xa5u8; prefix];
                data.extend_from_slice(secret.as_bytes());
                data.extend(std::iter::repeat_n(0x5a, suffix));
                for engine in [&STANDARD, &URL_SAFE, &STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
                    let text = engine.encode(&data);
                    assert!(
                        forms.iter().any(|f| text.contains(f.as_str())),
                        "prefix {prefix}, suffix {suffix}: {text}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_plain_encodings_are_among_the_forms() {
        let forms = forms("ab c/+");
        for f in [
            "ab c/+",
            "+/c ba",
            "616220632f2b",
            "616220632F2B",
            "ab%20c%2F%2B",
            "ab+c%2F%2B",
            "YWIgYy8r",
            "YWIgYy8r",
        ] {
            assert!(forms.iter().any(|x| x == f), "{f} missing from {forms:?}");
        }
        assert!(forms.windows(2).all(|w| w[0].len() >= w[1].len()));
    }
}
