//! The one edit made to the generator's output: its `Cargo.toml`, a structural edit through
//! `toml_edit`. Everything else is the generator's own work, from the spec, the options and the
//! templates and files in `xtask/codegen/`.

mod manifest;

use crate::tree::Tree;
use anyhow::Result;

pub fn apply(tree: &mut Tree) -> Result<()> {
    manifest::adapt(tree)
}
