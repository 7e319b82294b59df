//! The workspace's integration tests, as one binary: one module per subject, each naming in its
//! first line the fake it runs against (httpmock, the scripted or raw server, the in-process
//! emulator, Passage's own crate). Fixtures live in the `passage_flex_tests` library
//! (`tests/src/`). One binary links axum, reqwest and webauthn-rs once instead of once per file.
//!
//! `tests/emulator_bad_input.rs` stays a binary of its own: it measures this process's memory,
//! which other tests running beside it would disturb.

mod axum_example_e2e;
mod compat_v1_usage;
mod emulator_facade_replay;
mod emulator_native_apps;
mod emulator_passage_answers;
mod emulator_rules;
mod emulator_state_file;
mod emulator_webauthn;
mod facade_cache;
mod facade_encoding_and_types;
mod facade_errors;
mod facade_faults;
mod facade_operations;
mod facade_tracing;
mod facade_v1_namespaces;
mod facade_wire_tolerance;
mod generated_operations;
mod official_client_conformance;
mod prop_caller_input;
mod prop_server_answers;
