//! The inbox folder as a watch meets it: which files in it are forms and which are not (and
//! why), the system's notices that it changed, a form read only when it did not change while
//! it was read, and a file moved into `processed/` or `failed/` under a name that is free.

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use crate::error::{Error, ErrorKind};
use crate::form_file::{self, FormFile, Links};
use crate::intake::skip_reason;
use crate::ledger::SkipReason;
use crate::lock;

/// Change notices for the inbox, sent as `()` on `tx`. Only changes count: opening, reading
/// and closing files (the watch's own listing and reading of the inbox among them) are not,
/// or every look would wake the next one.
pub(super) fn change_notices(
    inbox: &Path,
    tx: mpsc::Sender<()>,
) -> Option<notify::RecommendedWatcher> {
    use notify::{EventKind, Watcher};
    let mut watcher =
        notify::recommended_watcher(move |res: notify::Result<notify::Event>| match res {
            Ok(e) if matches!(e.kind, EventKind::Access(_)) => {}
            _ => {
                let _ = tx.send(());
            }
        })
        .ok()?;
    watcher
        .watch(inbox, notify::RecursiveMode::NonRecursive)
        .ok()?;
    Some(watcher)
}

/// Reads a form, or `None` when it vanished or changed while it was read (a copy still
/// arriving, a user saving over it): it is looked at again once it settles.
pub(super) fn read_unchanged(
    path: &Path,
    limits: &crate::Limits,
) -> Result<Option<FormFile>, Error> {
    let before = std::fs::symlink_metadata(path).ok();
    let file = match form_file::read(path, limits, Links::Refuse) {
        Ok(f) => f,
        Err(e) if matches!(e.kind, ErrorKind::Io(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    let after = std::fs::symlink_metadata(path).ok();
    let same = match (before, after) {
        (Some(b), Some(a)) => b.len() == a.len() && b.modified().ok() == a.modified().ok(),
        _ => false,
    };
    Ok(same.then_some(file))
}

/// Moves a form into `dir`, under its own name or, when that is taken, a numbered one.
pub(super) fn move_into(path: &Path, dir: &Path, name: &str) -> std::io::Result<()> {
    let target = dir.join(unique_name(dir, name));
    std::fs::rename(path, target)
}

/// `Östermalm.docx`, else `Östermalm (2).docx`, `Östermalm (3).docx` …
pub(super) fn unique_name(dir: &Path, name: &str) -> String {
    let free = |c: &str| !dir.join(c).exists() && !dir.join(format!("{c}.error.txt")).exists();
    if free(name) {
        return name.to_owned();
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) => (s.to_owned(), format!(".{e}")),
        None => (name.to_owned(), String::new()),
    };
    (2u64..)
        .map(|n| format!("{stem} ({n}){ext}"))
        .find(|c| free(c))
        .unwrap_or_else(|| format!("{stem} ({}){ext}", std::process::id()))
}

/// The forms in the inbox, and the names of the other files with why they are not forms.
pub(super) type Listing = (Vec<PathBuf>, Vec<(String, SkipReason)>);

/// The forms waiting in the inbox (not in its subfolders), and the files there that are not
/// forms, with why.
pub(super) fn inbox_files(inbox: &Path) -> std::io::Result<Listing> {
    let mut forms = Vec::new();
    let mut skipped = Vec::new();
    for entry in std::fs::read_dir(inbox)?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(ft) = entry.file_type() else { continue };
        if ft.is_dir() {
            continue;
        }
        let reason = if ft.is_symlink() {
            Some(SkipReason::SymbolicLink)
        } else if !ft.is_file() {
            Some(SkipReason::NotAFile)
        } else {
            skip_reason(&name)
        };
        match reason {
            // The watch's own lock file is no news.
            Some(_) if name == lock::LOCK_FILE => {}
            Some(r) => skipped.push((name, r)),
            None => forms.push(entry.path()),
        }
    }
    forms.sort();
    skipped.sort();
    Ok((forms, skipped))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::watch::PROCESSED;

    #[test]
    fn taken_names_get_a_number() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(unique_name(dir.path(), "a.docx"), "a.docx");
        std::fs::write(dir.path().join("a.docx"), b"").unwrap();
        assert_eq!(unique_name(dir.path(), "a.docx"), "a (2).docx");
        std::fs::write(dir.path().join("a (2).docx.error.txt"), b"").unwrap();
        assert_eq!(unique_name(dir.path(), "a.docx"), "a (3).docx");
    }

    #[test]
    fn a_form_gone_before_it_is_read_is_looked_at_again_not_failed() {
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join("borta.docx");
        let read = read_unchanged(&gone, &crate::Limits::default()).unwrap();
        assert!(read.is_none());
        let w = dir.path().join("kvar.docx");
        std::fs::write(&w, b"PK").unwrap();
        let read = read_unchanged(&w, &crate::Limits::default()).unwrap();
        assert_eq!(read.unwrap().bytes, b"PK");
    }

    #[test]
    fn the_inbox_lists_forms_and_tells_what_else_it_holds() {
        let dir = tempfile::tempdir().unwrap();
        for n in ["a.docx", "notes.txt", "~$a.docx", lock::LOCK_FILE] {
            std::fs::write(dir.path().join(n), b"x").unwrap();
        }
        std::fs::create_dir(dir.path().join(PROCESSED)).unwrap();
        let (forms, skipped) = inbox_files(dir.path()).unwrap();
        assert_eq!(forms, [dir.path().join("a.docx")]);
        assert_eq!(
            skipped,
            [
                ("notes.txt".to_owned(), SkipReason::OtherExtension),
                ("~$a.docx".to_owned(), SkipReason::LockFile)
            ]
        );
    }
}
