//! `xtask/codegen.toml`: the generator pin, its options, and the files it copies in.

use anyhow::{Context, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodegenConfig {
    pub generator: GeneratorPin,
    /// The generator's own options, passed through unchanged as its `-c` config file.
    pub options: toml::Table,
    /// The generator's `files` setting: extra files, looked up in the template folder, that it
    /// writes into the crate. Those not ending in `.mustache` are copied byte for byte.
    #[serde(default)]
    pub files: toml::Table,
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
    /// The template folder (`-t`), relative to the workspace root: the templates we changed, the
    /// files named in `[files]`, and the `.openapi-generator-ignore` the run starts from.
    pub templates: String,
}

impl CodegenConfig {
    pub fn load(root: &Path) -> Result<Self> {
        let path = root.join("xtask/codegen.toml");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))
    }

    /// `(source in the template folder, destination in the crate)` of each `[files]` entry that
    /// the generator copies rather than renders (its name does not end in `.mustache`).
    pub fn verbatim_files(&self) -> Result<Vec<(PathBuf, PathBuf)>> {
        let mut files = Vec::new();
        for (source, entry) in &self.files {
            if source.ends_with(".mustache") {
                continue;
            }
            let field = |key: &str| {
                entry
                    .get(key)
                    .and_then(|value| value.as_str())
                    .with_context(|| {
                        format!("xtask/codegen.toml: [files.\"{source}\"] needs a `{key}` string")
                    })
            };
            let destination = Path::new(field("folder")?).join(field("destinationFilename")?);
            files.push((PathBuf::from(source), destination));
        }
        Ok(files)
    }

    /// The generator's `-c` config file: the options, plus `files` when there are any.
    pub fn generator_config_json(&self) -> Result<String> {
        let mut config = self.options.clone();
        if !self.files.is_empty() {
            config.insert("files".to_string(), self.files.clone().into());
        }
        Ok(serde_json::to_string_pretty(&config)?)
    }
}
