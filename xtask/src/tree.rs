//! A folder of files held in memory, keyed by relative path, so that generated output can be
//! post-processed, written and compared as a whole.

use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, PartialEq)]
pub struct Tree {
    pub files: BTreeMap<PathBuf, Vec<u8>>,
}

/// How a staged tree differs from the committed one, path by path.
#[derive(Debug, Default)]
pub struct Drift {
    pub changed: Vec<PathBuf>,
    pub missing: Vec<PathBuf>,
    pub extra: Vec<PathBuf>,
}

impl Drift {
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }

    pub fn report(&self, committed: &Path) -> String {
        let mut out = String::new();
        let sections = [
            ("differs from what the spec generates", &self.changed),
            ("is generated but not committed", &self.missing),
            ("is committed but no longer generated", &self.extra),
        ];
        for (what, paths) in sections {
            for path in paths {
                out.push_str(&format!("  {} {what}\n", committed.join(path).display()));
            }
        }
        out
    }
}

impl Tree {
    /// Every file below `dir`; an absent `dir` reads as an empty tree.
    pub fn read(dir: &Path) -> Result<Self> {
        let mut tree = Tree::default();
        if dir.exists() {
            tree.read_below(dir, dir)?;
        }
        Ok(tree)
    }

    /// The files of `dir` named, one relative path a line, in its file `list`.
    pub fn read_listed(dir: &Path, list: &str) -> Result<Self> {
        let list_path = dir.join(list);
        let names = std::fs::read_to_string(&list_path)
            .with_context(|| format!("reading {}", list_path.display()))?;
        let mut tree = Tree::default();
        for name in names.lines().filter(|line| !line.trim().is_empty()) {
            let path = dir.join(name);
            let bytes =
                std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            tree.files.insert(PathBuf::from(name), bytes);
        }
        Ok(tree)
    }

    fn read_below(&mut self, root: &Path, dir: &Path) -> Result<()> {
        for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                self.read_below(root, &path)?;
            } else {
                let bytes = std::fs::read(&path)?;
                let relative = path.strip_prefix(root)?.to_path_buf();
                self.files.insert(relative, bytes);
            }
        }
        Ok(())
    }

    /// Replaces `dir` with exactly this tree.
    pub fn write(&self, dir: &Path) -> Result<()> {
        if dir.exists() {
            std::fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
        }
        for (relative, bytes) in &self.files {
            let path = dir.join(relative);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
        }
        Ok(())
    }

    pub fn text(&self, relative: &str) -> Result<String> {
        let bytes = self
            .files
            .get(Path::new(relative))
            .with_context(|| format!("the generator produced no {relative}"))?;
        Ok(String::from_utf8(bytes.clone())?)
    }

    pub fn set_text(&mut self, relative: impl Into<PathBuf>, text: String) {
        self.files.insert(relative.into(), text.into_bytes());
    }

    /// How `self` (freshly generated) differs from `committed`.
    pub fn drift_from(&self, committed: &Tree) -> Drift {
        let mut drift = Drift::default();
        for (path, bytes) in &self.files {
            match committed.files.get(path) {
                None => drift.missing.push(path.clone()),
                Some(old) if old != bytes => drift.changed.push(path.clone()),
                Some(_) => {}
            }
        }
        for path in committed.files.keys() {
            if !self.files.contains_key(path) {
                drift.extra.push(path.clone());
            }
        }
        drift
    }
}
