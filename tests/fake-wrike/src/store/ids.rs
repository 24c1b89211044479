//! The ID generator: Wrike-looking entity IDs, numeric legacy IDs and opaque tokens.

use std::collections::HashSet;

/// Generates Wrike-looking IDs: `<account id><2-char kind marker><6 chars of base32>` (16 chars).
#[derive(Debug)]
pub struct IdGen {
    used: HashSet<String>,
    rng: fastrand::Rng,
    next_legacy: u64,
}

const B32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

impl IdGen {
    pub(super) fn new() -> Self {
        let mut rng = fastrand::Rng::new();
        let next_legacy = rng.u64(400_000_000..900_000_000);
        IdGen {
            used: HashSet::new(),
            rng,
            next_legacy,
        }
    }

    /// `n` random base32 characters.
    pub fn chars(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| B32[self.rng.usize(..B32.len())] as char)
            .collect()
    }

    /// A fresh unique ID `prefix + marker + 6 chars`.
    pub fn make(&mut self, prefix: &str, marker: &str) -> String {
        loop {
            let id = format!("{prefix}{marker}{}", self.chars(6));
            if self.used.insert(id.clone()) {
                return id;
            }
        }
    }

    /// Registers a fixed ID (seed data) so it is never generated again.
    pub fn reserve(&mut self, id: &str) -> String {
        self.used.insert(id.to_string());
        id.to_string()
    }

    /// A fresh numeric legacy ID (permalinks, `GET /ids`).
    pub fn legacy(&mut self) -> u64 {
        self.next_legacy += 1 + self.rng.u64(0..7);
        self.next_legacy
    }

    /// An opaque random token (page tokens, download URLs).
    pub fn token(&mut self, n: usize) -> String {
        self.chars(n)
    }
}
