//! The methods of [`FakeWrike`](crate::FakeWrike), one module per area: start-up, tokens and
//! OAuth, test controls and records, seed accessors, and the direct (non-HTTP) helpers.

mod auth;
mod control;
mod direct;
mod seeded;
mod start;
