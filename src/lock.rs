//! One writer per folder. `batch`, `watch` (and a server) hold a lock on the output folder
//! they write, and `watch` on its inbox too, so two runs never remove or move each other's
//! files. The lock is the operating system's (`flock` on Unix), taken on `.blankett.lock` in
//! the folder: it goes with the process, so a lock left by a process that died is simply
//! taken over. The file also says who holds it, for the message a second writer gets.
//!
//! Readers (`consolidate`, `status`) take no lock and never wait: submissions are written
//! whole (a temporary file renamed), so a reader sees each one whole.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The lock file's name in a locked folder.
pub const LOCK_FILE: &str = ".blankett.lock";

/// A held lock; dropping it releases the lock.
#[derive(Debug)]
pub struct FolderLock {
    _file: File,
    path: PathBuf,
}

impl FolderLock {
    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Why a folder could not be locked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LockError {
    /// Another process holds the folder's lock; wait until it has finished, or stop it.
    #[error(
        "{folder} is in use by another blankett ({holder}); wait until it has finished, or stop it"
    )]
    Held {
        /// The folder, as given.
        folder: String,
        /// What the holder wrote into the lock file (`watch, process 4711, since …`).
        holder: String,
    },
    /// The lock file could not be created, opened, locked or written (for `watch`, also: the output
    /// folder could not be created).
    #[error("{folder}: cannot lock it: {detail}")]
    Io {
        /// The folder, as given.
        folder: String,
        /// What the system reported, lower case.
        detail: String,
    },
}

/// Locks `folder` for `command` (`batch`, `watch` …), or says who holds it.
pub fn acquire(folder: &Path, command: &str) -> Result<FolderLock, LockError> {
    let path = folder.join(LOCK_FILE);
    let io = |e: std::io::Error| LockError::Io {
        folder: folder.display().to_string(),
        detail: e.to_string().to_lowercase(),
    };
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            return Err(LockError::Held {
                folder: folder.display().to_string(),
                holder: holder(&mut file),
            });
        }
        Err(TryLockError::Error(e)) => return Err(io(e)),
    }
    let note = format!(
        "{command}, process {}, since {}\n",
        std::process::id(),
        crate::output::rfc3339(SystemTime::now())
    );
    file.set_len(0).map_err(io)?;
    file.rewind().map_err(io)?;
    file.write_all(note.as_bytes()).map_err(io)?;
    Ok(FolderLock { _file: file, path })
}

/// What the holder wrote into the lock file (`watch, process 4711, since …`).
fn holder(file: &mut File) -> String {
    let mut text = String::new();
    let _ = file.take(200).read_to_string(&mut text);
    let text: String = text.trim().chars().filter(|c| !c.is_control()).collect();
    if text.is_empty() {
        "a process that has just started".into()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_one_folder_is_refused_and_names_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let first = acquire(dir.path(), "batch").unwrap();
        let e = acquire(dir.path(), "watch").unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("in use by another blankett (batch, process "),
            "{msg}"
        );
        assert!(
            msg.contains(&format!("process {}, since 20", std::process::id())),
            "{msg}"
        );
        drop(first);
        acquire(dir.path(), "watch").expect("free again once released");
    }

    #[test]
    fn a_lock_file_left_behind_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(LOCK_FILE),
            "batch, process 999999, since 2020-01-01T00:00:00Z\n",
        )
        .unwrap();
        let lock = acquire(dir.path(), "watch").unwrap();
        let note = std::fs::read_to_string(lock.path()).unwrap();
        assert!(note.starts_with("watch, process "), "{note}");
    }
}
