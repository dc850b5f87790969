//! Watching an inbox folder where forms are dropped (by hand, by a mail rule, on a file share).
//!
//! A form is converted once it has stopped changing for a while (a copy in progress is not a
//! broken file), through the same code path as `convert` and `batch`; its submission is written
//! to `OUT/submissions/` whole or not at all, then the form is moved to `INBOX/processed/`.
//! A form that cannot be read is moved to `INBOX/failed/` with a readable `*.error.txt` beside
//! it.
//!
//! Crash safety comes from the order of the steps and from content-addressed names: the
//! submission's name is derived from the form's name and content, so a form converted again
//! after a crash (between writing its submission and moving it) overwrites the same file with
//! the same content rather than adding a second result; the move is a rename; temporary files
//! a killed run left behind are removed at start.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use sha2::{Digest, Sha256};

use crate::batch::{
    Config, SUBMISSIONS, clean_temporary_files, convert_bytes, is_ignored, output_name,
};
use crate::error::ErrorKind;
use crate::{Reader, output};

/// How to watch.
#[derive(Debug, Clone)]
pub struct Settings {
    pub inbox: PathBuf,
    pub out: PathBuf,
    /// How long a file must stay unchanged before it is read.
    pub settle: Duration,
    /// How often the inbox is looked at even without a change notice (file shares send none).
    pub poll: Duration,
    /// A file that cannot be read as a package (it may still be arriving) is given this long
    /// unchanged before it is moved to `failed/`.
    pub grace: Duration,
    /// Write `OUT/round.json` after every change.
    pub consolidate: bool,
    /// Handle what is in the inbox, then stop.
    pub once: bool,
}

/// What happened to a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Converted {
        form: String,
        submission: String,
        respondent: Option<String>,
    },
    Failed {
        form: String,
        message: String,
    },
    Consolidated {
        submissions: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Seen {
    len: u64,
    modified: Option<SystemTime>,
    /// When the file was first seen with this size and time.
    since: Instant,
    /// When reading it last failed in a way a copy in progress also fails.
    failed_at: Option<Instant>,
}

pub const PROCESSED: &str = "processed";
pub const FAILED: &str = "failed";

/// Watches until `stop` is set (or, with `once`, until the inbox is handled).
pub fn watch(
    cfg: &Config,
    s: &Settings,
    stop: &AtomicBool,
    on_event: &mut dyn FnMut(&Event),
) -> std::io::Result<()> {
    let processed = s.inbox.join(PROCESSED);
    let failed = s.inbox.join(FAILED);
    let subs = s.out.join(SUBMISSIONS);
    for d in [&processed, &failed, &subs] {
        std::fs::create_dir_all(d)?;
    }
    for d in [&processed, &failed, &subs] {
        clean_temporary_files(d);
    }
    // Change notices wake the loop early; the poll is the safety net.
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |_res: notify::Result<notify::Event>| {
        let _ = tx.send(());
    })
    .ok();
    if let Some(w) = watcher.as_mut() {
        use notify::Watcher;
        let _ = w.watch(&s.inbox, notify::RecursiveMode::NonRecursive);
    }
    let mut reader = Reader::new(cfg.limits());
    let prepared = cfg.prepare();
    let mut seen: HashMap<PathBuf, Seen> = HashMap::new();
    let mut changed = true;
    while !stop.load(Ordering::Relaxed) {
        let mut did = false;
        let now = Instant::now();
        let files = inbox_files(&s.inbox)?;
        seen.retain(|p, _| files.contains(p));
        let mut waiting = 0;
        for path in &files {
            let Ok(meta) = std::fs::metadata(path) else {
                continue;
            };
            let (len, modified) = (meta.len(), meta.modified().ok());
            let entry = seen.entry(path.clone()).or_insert(Seen {
                len,
                modified,
                since: now,
                failed_at: None,
            });
            if entry.len != len || entry.modified != modified {
                *entry = Seen {
                    len,
                    modified,
                    since: now,
                    failed_at: None,
                };
            }
            if now.duration_since(entry.since) < s.settle {
                waiting += 1;
                continue;
            }
            if let Some(at) = entry.failed_at
                && now.duration_since(at) < s.grace
            {
                waiting += 1;
                continue;
            }
            match handle(
                &mut reader,
                cfg,
                &prepared,
                s,
                path,
                entry.failed_at.is_some(),
                on_event,
            )? {
                Outcome::Done => did = true,
                Outcome::Retry => {
                    entry.failed_at = Some(now);
                    waiting += 1;
                }
            }
        }
        if did {
            changed = true;
        }
        if changed && s.consolidate {
            let (subs_list, _) = crate::batch::load_submissions(std::slice::from_ref(&s.out));
            let n = subs_list.len();
            let round = crate::round::consolidate(
                subs_list,
                cfg.questionnaire(),
                cfg.registry(),
                &crate::round::Options {
                    round: cfg.round().map(str::to_owned),
                    expected: None,
                    redact_contact: cfg.redact_contact(),
                },
            );
            output::write_atomic(&s.out.join("round.json"), &output::to_json(&round))?;
            on_event(&Event::Consolidated { submissions: n });
        }
        changed = false;
        if s.once && waiting == 0 {
            break;
        }
        // Sleep until a notice or the poll interval; files still settling are looked at again
        // soon.
        let wait = if waiting > 0 {
            s.settle.min(s.poll).max(Duration::from_millis(20))
        } else {
            s.poll
        };
        let _ = rx.recv_timeout(wait);
        while rx.try_recv().is_ok() {}
    }
    Ok(())
}

enum Outcome {
    Done,
    Retry,
}

/// Converts one settled form and moves it.
fn handle(
    reader: &mut Reader,
    cfg: &Config,
    prepared: &crate::mapping::Prepared<'_>,
    s: &Settings,
    path: &Path,
    failed_before: bool,
    on_event: &mut dyn FnMut(&Event),
) -> std::io::Result<Outcome> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        // Gone (moved by someone) or locked: look again later.
        Err(_) => return Ok(Outcome::Retry),
    };
    let sha = hex(&Sha256::digest(&bytes));
    match convert_bytes(reader, bytes, &sha, path, cfg, prepared) {
        Ok(submission) => {
            let out_name = output_name(Path::new(&name), &sha);
            let target = s.out.join(SUBMISSIONS).join(format!("{out_name}.json"));
            output::write_atomic(&target, &output::to_json(&submission))?;
            move_into(path, &s.inbox.join(PROCESSED), &name)?;
            on_event(&Event::Converted {
                form: name,
                submission: format!("{SUBMISSIONS}/{out_name}.json"),
                respondent: submission.respondent.map(|r| r.id),
            });
            Ok(Outcome::Done)
        }
        Err(e) => {
            // A copy in progress looks like a damaged or empty file: give it time.
            let maybe_arriving = matches!(
                e.kind,
                ErrorKind::Empty | ErrorKind::DamagedZip { .. } | ErrorKind::NotZip { .. }
            );
            if maybe_arriving && !failed_before && !s.grace.is_zero() {
                return Ok(Outcome::Retry);
            }
            let failed = s.inbox.join(FAILED);
            let final_name = unique_name(&failed, &name);
            let report = format!(
                "{name} could not be converted.\n\n{e}\n\nError code: {}\n",
                e.code()
            );
            output::write_atomic(
                &failed.join(format!("{final_name}.error.txt")),
                report.as_bytes(),
            )?;
            std::fs::rename(path, failed.join(&final_name))?;
            on_event(&Event::Failed {
                form: name,
                message: e.to_string(),
            });
            Ok(Outcome::Done)
        }
    }
}

/// Moves a form into `dir`, under its own name or, when that is taken, a numbered one.
fn move_into(path: &Path, dir: &Path, name: &str) -> std::io::Result<()> {
    let target = dir.join(unique_name(dir, name));
    std::fs::rename(path, target)
}

/// `Östermalm.docx`, else `Östermalm (2).docx`, `Östermalm (3).docx` …
fn unique_name(dir: &Path, name: &str) -> String {
    if !dir.join(name).exists() && !dir.join(format!("{name}.error.txt")).exists() {
        return name.to_owned();
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) => (s.to_owned(), format!(".{e}")),
        None => (name.to_owned(), String::new()),
    };
    (2..)
        .map(|n| format!("{stem} ({n}){ext}"))
        .find(|c| !dir.join(c).exists() && !dir.join(format!("{c}.error.txt")).exists())
        .expect("a free name")
}

/// The forms waiting in the inbox (not in its subfolders).
fn inbox_files(inbox: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(inbox)?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_ignored(&name) {
            continue;
        }
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            out.push(entry.path());
        }
    }
    out.sort();
    Ok(out)
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taken_names_get_a_number() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(unique_name(dir.path(), "a.docx"), "a.docx");
        std::fs::write(dir.path().join("a.docx"), b"").unwrap();
        assert_eq!(unique_name(dir.path(), "a.docx"), "a (2).docx");
        std::fs::write(dir.path().join("a (2).docx.error.txt"), b"").unwrap();
        assert_eq!(unique_name(dir.path(), "a.docx"), "a (3).docx");
    }
}
