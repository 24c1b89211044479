//! HTTP tests of the foundation endpoints: envelopes, auth, scopes, parameters, paging, faults,
//! comments and the recycle bin.
//!
//! One test binary, one module per area: `envelopes` (envelopes, seed data, 404s and bad IDs),
//! `auth` (401, scopes, the real rate limit), `params` (parameter encodings, `fields` and the
//! tolerant forms), `paging` (page tokens, date filters, sorting, the clock rule), `faults`
//! (injected faults), `comments` (the 7-day window) and `recycle_bin` (deleted tasks).

#[path = "../common/mod.rs"]
mod common;

mod auth;
mod comments;
mod envelopes;
mod faults;
mod paging;
mod params;
mod recycle_bin;

use common::Api;
use fake_wrike::FakeWrike;

fn start() -> (FakeWrike, Api) {
    let w = FakeWrike::start().expect("fake starts");
    let api = Api::new(&w);
    (w, api)
}
