//! `xtask/codegen.toml`: the generator pin and its options.

use anyhow::{Context, Result};
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodegenConfig {
    pub generator: GeneratorPin,
    /// The generator's own options, passed through unchanged as its `-c` config file.
    pub options: toml::Table,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeneratorPin {
    pub version: String,
    pub wheel_sha256: String,
    pub name: String,
    /// Relative to the workspace root.
    pub spec: String,
    /// Relative to the workspace root.
    pub output: String,
}

impl CodegenConfig {
    pub fn load(root: &Path) -> Result<Self> {
        let path = root.join("xtask/codegen.toml");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))
    }

    /// The options as the JSON document the generator's `-c` flag reads.
    pub fn options_json(&self) -> Result<String> {
        Ok(serde_json::to_string_pretty(&self.options)?)
    }
}
