//! Burns CPU forever: the host's epoch deadline must stop it.

use crate::connector::plugin::types as wit;
use serde_json::Value;

pub fn run() -> Result<Value, wit::Error> {
    let mut x: u64 = 1;
    loop {
        x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
    }
}
