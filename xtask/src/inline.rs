//! The helper files the generated crate calls, `xtask/codegen/inline/*.rs`, compiled and tested
//! here where they are written. The generator copies them into the crate unchanged (`[files]` in
//! `xtask/codegen.toml`), where their tests run again.

// Here only their tests use them; in the generated crate, the operations do.
#![allow(dead_code)]

#[path = "../codegen/inline/body.rs"]
mod body;
#[path = "../codegen/inline/decode.rs"]
mod decode;
#[path = "../codegen/inline/double_option.rs"]
mod double_option;
#[path = "../codegen/inline/path_segment.rs"]
mod path_segment;
