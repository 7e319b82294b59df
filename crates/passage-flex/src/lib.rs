//! Passage Passkey Flex for Rust backends.
//!
//! The facade is being built; until then the generated low-level bindings are re-exported.
#![warn(missing_docs)]

pub use passage_flex_openapi as openapi;
