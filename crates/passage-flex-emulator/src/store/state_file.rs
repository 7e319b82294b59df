//! The state file on disk: read once at start, replaced atomically on every change.
//!
//! A save writes the whole state to `<file>.tmp` beside it, flushes that to the disk, renames it
//! over the file (an atomic replacement on POSIX file systems) and flushes the directory, so a
//! kill or a crash at any moment leaves either the previous state or the new one, never a mix.
//! `<file>.lock` is held while the emulator runs, so a second emulator cannot write the same file.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// An open state file, locked for this emulator.
#[derive(Debug)]
pub(crate) struct StateFile {
    path: PathBuf,
    temporary: PathBuf,
    /// The newest generation on disk; holding it serialises the writers.
    written: Mutex<u64>,
    /// Held, not read: the lock lasts as long as this handle.
    _lock: File,
}

impl StateFile {
    /// Locks `path` for this emulator and reads what it holds (`None` if there is no file yet).
    /// Creates the parent directories if needed.
    pub(crate) fn open(path: &Path) -> Result<(StateFile, Option<Vec<u8>>), String> {
        let shown = path.display();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|err| format!("cannot create the directory of {shown}: {err}"))?;
        }
        let lock_path = sibling(path, "lock");
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|err| format!("cannot open {}: {err}", lock_path.display()))?;
        lock.try_lock().map_err(|err| match err {
            std::fs::TryLockError::WouldBlock => {
                format!("another emulator is using the state file {shown}")
            }
            std::fs::TryLockError::Error(err) => {
                format!("cannot lock {}: {err}", lock_path.display())
            }
        })?;
        let contents = match std::fs::read(path) {
            Ok(bytes) => Some(bytes),
            Err(err) if err.kind() == io::ErrorKind::NotFound => None,
            Err(err) => return Err(format!("cannot read {shown}: {err}")),
        };
        let file = StateFile {
            path: path.to_owned(),
            temporary: sibling(path, "tmp"),
            written: Mutex::new(0),
            _lock: lock,
        };
        Ok((file, contents))
    }

    /// The file's path.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Replaces the file with `bytes`, the state at `generation`, unless a newer generation (one
    /// that includes this one's changes) is on disk already.
    pub(crate) fn save(&self, generation: u64, bytes: &[u8]) -> io::Result<()> {
        let mut written = self.written.lock().unwrap_or_else(PoisonError::into_inner);
        if generation <= *written {
            return Ok(());
        }
        let mut temporary = File::create(&self.temporary)?;
        temporary.write_all(bytes)?;
        temporary.sync_all()?;
        drop(temporary);
        std::fs::rename(&self.temporary, &self.path)?;
        sync_directory(&self.path)?;
        *written = generation;
        Ok(())
    }
}

/// `<file>.<extension>` in the file's directory: a rename within one directory stays on one
/// file system, so it is atomic.
fn sibling(path: &Path, extension: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".");
    name.push(extension);
    path.with_file_name(name)
}

/// Makes the rename itself durable: on POSIX a directory entry reaches the disk when the
/// directory is flushed.
#[cfg(unix)]
fn sync_directory(path: &Path) -> io::Result<()> {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    File::open(directory)?.sync_all()
}

#[cfg(not(unix))]
fn sync_directory(_: &Path) -> io::Result<()> {
    Ok(())
}
