//! Removing the personal data of a finished round from an output folder: the contact details
//! of every stored submission and of every round written into the folder, counted; and where
//! else they still are, which is not blankett's to change: the exports made from them and the
//! Word forms themselves. `index.json`, `report.json` and `assignments.json` hold none.
//!
//! ```text
//! OUT/submissions/*.json   contact → null, warnings quoting it reworded, "redacted": true
//! OUT/index.json           the rewritten submissions' new lengths (it holds no contact details)
//! OUT/*.json (rounds)      contact → null for every respondent and submission
//! OUT/*.csv|xlsx|md|docx   listed: made from the submissions, they hold what those held then
//! the Word forms           listed by folder: they hold what the respondents wrote
//! ```

use std::collections::BTreeMap;
use std::io;
use std::path::Path;
use std::time::SystemTime;

use crate::assignments::ASSIGNMENTS;
use crate::intake::write_submission;
use crate::ledger::{FileStatus, Index, Origin, Report, SUBMISSIONS, SkipReason};
use crate::lock::FolderLock;
use crate::output;
use crate::round::Round;
use crate::submission::{ContactRemoved, Submission};

/// What removing the contact details from an output folder did, or would do.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Redaction {
    /// How many submissions the folder holds.
    pub submissions: usize,
    /// How many of them held contact details (or warnings quoting them).
    pub held: usize,
    /// The submissions rewritten (or to rewrite), by name: those that held contact details
    /// or were not yet marked `redacted`.
    pub changed: Vec<String>,
    /// What was removed from the submissions.
    pub removed: ContactRemoved,
    /// Files under `submissions/` that are not submissions, left as they are.
    pub unreadable: Vec<String>,
    /// The round files in the folder (`round.json` …) that held contact details, by name,
    /// with what was removed from each.
    pub rounds: Vec<(String, ContactRemoved)>,
    /// The exports in the folder (CSV, XLSX, Markdown, Word), by name: made from the
    /// submissions, those made before now hold the contact details.
    pub exports: Vec<String>,
    /// Where the Word forms of the folder's submissions lie, and how many: they hold the
    /// contact details as the respondents wrote them.
    pub forms: Vec<FormPlace>,
}

/// A folder holding Word forms of the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormPlace {
    /// The front end that met them.
    pub origin: Origin,
    /// The folder they lie in (for an inbox, its `processed/` or `failed/`).
    pub folder: String,
    /// How many forms.
    pub forms: usize,
}

/// The extensions of the exports `consolidate` writes besides JSON.
const EXPORTS: [&str; 4] = ["csv", "xlsx", "md", "docx"];

/// What [`redact`] would do to `out`, writing nothing.
pub fn plan(out: &Path) -> io::Result<Redaction> {
    run(out, None)
}

/// Removes the contact details from the submissions and the rounds of `out`, and marks each
/// submission `redacted`; a second time finds nothing to remove. `index.json` is written at
/// `now`. The caller holds the folder's lock.
pub fn redact(out: &Path, now: SystemTime, _lock: &FolderLock) -> io::Result<Redaction> {
    run(out, Some(now))
}

/// Redacts `out`, or only says what it would do when no time to write at is given.
fn run(out: &Path, write: Option<SystemTime>) -> io::Result<Redaction> {
    let mut r = Redaction::default();
    let mut index = Index::load(out);
    for (name, mut s) in stored_submissions(out, &mut r.unreadable)? {
        r.submissions += 1;
        let was_redacted = s.redacted;
        let removed = s.redact_contact();
        if removed.is_empty() && was_redacted {
            continue;
        }
        r.held += usize::from(!removed.is_empty());
        r.removed += removed;
        if write.is_some() {
            let bytes = write_submission(out, &name, &s).map_err(io::Error::other)?;
            if let Some(e) = index.submissions.get_mut(&name) {
                e.bytes = bytes;
            }
        }
        r.changed.push(name);
    }
    if let Some(now) = write
        && !r.changed.is_empty()
    {
        // The lengths it records must be the new ones, or the next run takes the
        // submissions for damaged and converts their forms again, contact details and all.
        index.save(out, now)?;
    }
    let (rounds, exports) = round_files_and_exports(out, write.is_some())?;
    r.rounds = rounds;
    r.exports = exports;
    r.forms = form_places(&index, &Report::load(out));
    Ok(r)
}

/// The submissions under `OUT/submissions/`, by name, sorted; the names of the files there
/// that are not submissions go to `unreadable`.
fn stored_submissions(
    out: &Path,
    unreadable: &mut Vec<String>,
) -> io::Result<Vec<(String, Submission)>> {
    let dir = out.join(SUBMISSIONS);
    let mut list = Vec::new();
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(list),
        Err(e) => return Err(e),
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(name) = file.strip_suffix(".json").filter(|n| !n.starts_with('.')) else {
            continue;
        };
        match std::fs::read(entry.path())
            .ok()
            .and_then(|b| serde_json::from_slice::<Submission>(&b).ok())
        {
            Some(s) => list.push((name.to_owned(), s)),
            None => unreadable.push(format!("{SUBMISSIONS}/{file}")),
        }
    }
    list.sort_by(|a, b| a.0.cmp(&b.0));
    unreadable.sort();
    Ok(list)
}

/// Round files with what was removed from each, and exports, by name.
type Found = (Vec<(String, ContactRemoved)>, Vec<String>);

/// The rounds at the top of `out` that held contact details (redacted when `write`), and the
/// exports there, by name, sorted.
fn round_files_and_exports(out: &Path, write: bool) -> io::Result<Found> {
    let mut rounds = Vec::new();
    let mut exports = Vec::new();
    for entry in std::fs::read_dir(out)?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !entry.file_type().is_ok_and(|t| t.is_file()) || name.starts_with('.') {
            continue;
        }
        let ext = name.rsplit_once('.').map_or("", |(_, e)| e).to_lowercase();
        if EXPORTS.contains(&ext.as_str()) {
            exports.push(name);
            continue;
        }
        if ext != "json" || ["index.json", "report.json", ASSIGNMENTS].contains(&name.as_str()) {
            continue;
        }
        let Some(mut round) = std::fs::read(entry.path())
            .ok()
            .and_then(|b| serde_json::from_slice::<Round>(&b).ok())
        else {
            continue;
        };
        let before = round.clone();
        let removed = round.redact_contact();
        if round == before {
            continue;
        }
        if write {
            output::write_atomic(&entry.path(), &output::to_json(&round))?;
        }
        rounds.push((name, removed));
    }
    rounds.sort_by(|a, b| a.0.cmp(&b.0));
    exports.sort();
    Ok((rounds, exports))
}

/// Where the forms the folder met (converted, failed or excluded) lie now, by folder: a batch
/// folder as it was read, an inbox's `processed/` and `failed/`.
fn form_places(index: &Index, report: &Report) -> Vec<FormPlace> {
    let mut forms: BTreeMap<(Origin, String, String), bool> = BTreeMap::new();
    for e in index.submissions.values() {
        let input = e.input.clone().unwrap_or_default();
        forms.insert((e.origin, input, e.path.clone()), false);
    }
    for f in &report.files {
        let failed = f.status == FileStatus::Failed;
        forms.insert((f.origin, f.input.clone(), f.path.clone()), failed);
    }
    for s in report
        .skipped
        .iter()
        .filter(|s| s.reason == SkipReason::Excluded)
    {
        forms.insert((s.origin, s.input.clone(), s.path.clone()), false);
    }
    let mut places: BTreeMap<(Origin, String), usize> = BTreeMap::new();
    for ((origin, input, _), failed) in forms {
        let folder = match origin {
            Origin::Inbox if failed => format!("{input}/{}", crate::watch::FAILED),
            Origin::Inbox => format!("{input}/{}", crate::watch::PROCESSED),
            _ => input,
        };
        *places.entry((origin, folder)).or_default() += 1;
    }
    places
        .into_iter()
        .map(|((origin, folder), forms)| FormPlace {
            origin,
            folder,
            forms,
        })
        .collect()
}
