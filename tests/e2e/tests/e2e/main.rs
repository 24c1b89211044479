//! The end-to-end suite as one test binary (one link of wasmtime instead of one per file):
//! each module is one area, driven through `connector-host` and the host library against the
//! fake Wrike. `mcp_inspector.rs` stays apart: it needs Node.js and runs only on request.

mod actions;
mod allocator;
mod approvals;
mod attachments;
mod batch;
mod blueprints;
mod cassettes;
mod cassettes_cli;
mod catalog;
mod comments;
mod connect;
mod connect_refresh;
mod connect_store;
mod connect_support;
mod contract;
mod descriptor_cache;
mod egress;
mod errors;
mod folders;
mod install;
mod mcp;
mod misc;
mod oci;
mod paging;
mod people;
mod picklists;
mod polling;
mod pool;
mod reference_sweep;
mod sandbox;
mod second_connector;
mod serve;
mod serve_embed;
mod serve_ingest;
mod serve_multi;
mod serve_restart;
mod serve_shared;
mod tasks;
mod timelogs;
mod triggers;
