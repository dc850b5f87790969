//! What an output folder records of the forms that went into it, whichever front end met
//! them: `index.json` says which form each submission came from (front end, folder, path,
//! content hash, configuration), `report.json` what happened to each input (converted,
//! unchanged, failed with a code, or skipped and why). Only the process holding the folder's
//! lock writes them ([`crate::lock`]); both are written whole.
//!
//! ```text
//! OUT/submissions/<name>.json   one submission per form
//! OUT/index.json                per submission: where its form came from, to skip unchanged forms
//! OUT/report.json               per input file: what happened to it, with codes
//! ```

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::output;
use crate::output::{Generator, rfc3339};
use crate::submission::Submission;

/// The folder of an output folder that holds the submissions.
pub const SUBMISSIONS: &str = "submissions";

/// Which front end met a form.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "camelCase")]
pub enum Origin {
    /// Found by `batch` in its input folder.
    Folder,
    /// Dropped into the inbox `watch` watches.
    Inbox,
    /// Uploaded to a server.
    Upload,
}

/// The version of `report.json` and `index.json`.
pub const FORMAT_VERSION: &str = "1.2";

/// Where a form came from: the front end, the folder it read (canonical, so that two
/// spellings of one folder agree) and the form's path under it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Source {
    /// The front end that met the form.
    pub origin: Origin,
    /// The folder it read, canonical: the input folder or the inbox.
    pub input: String,
    /// The form's path under that folder, `/` between names.
    pub path: String,
}

/// One submission and the form it came from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// The front end that met the form.
    pub origin: Origin,
    /// The folder the front end read; absent in indexes written before it was recorded.
    #[serde(default)]
    pub input: Option<String>,
    /// The form's path under that folder.
    pub path: String,
    /// SHA-256 of the form's bytes, lower-case hex.
    pub sha256: String,
    /// The respondent's registry id, when the submission names one.
    pub respondent: Option<String>,
    /// The submission's round (`2022-T1`), when known.
    pub round: Option<String>,
    /// How many warnings the submission carries.
    pub warnings: usize,
    /// The submission's length in bytes (0 when not recorded): a submission of another length
    /// did not survive and is written again.
    #[serde(default)]
    pub bytes: u64,
    /// The configuration it was converted under ([`crate::config::Config::fingerprint`]).
    pub config: String,
    /// The submission, relative to the output folder (`submissions/<name>.json`), as
    /// `report.json`'s `output` names it (new in 1.2; [`Index::save`] writes it).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub output: String,
}

impl Entry {
    /// The entry of a submission just written (`bytes` long) for the form at `source`.
    pub fn new(source: &Source, sha256: &str, s: &Submission, bytes: u64, config: &str) -> Entry {
        Entry {
            origin: source.origin,
            input: Some(source.input.clone()),
            path: source.path.clone(),
            sha256: sha256.to_owned(),
            respondent: s.respondent.as_ref().map(|r| r.id.clone()),
            round: s.round.map(|r| r.to_string()),
            warnings: s.warnings.len(),
            bytes,
            config: config.to_owned(),
            output: String::new(),
        }
    }

    /// True when the entry's form came from `input` of `origin`.
    pub fn came_from(&self, origin: Origin, input: &str) -> bool {
        self.origin == origin && self.input.as_deref().is_none_or(|i| i == input)
    }
}

/// Every submission of the output folder, by its name (without `.json`; each entry's `output`
/// names its file as `report.json` does): `schemas/index.schema.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Index {
    /// The version of the index format: [`FORMAT_VERSION`] as written now.
    pub format_version: String,
    /// The program that wrote the index last (new in 1.2; [`Index::save`] records it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generator: Option<Generator>,
    /// When it was written last, RFC 3339 (new in 1.2; [`Index::save`] records it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated_at: Option<String>,
    /// Every submission by its name (its file name under `submissions/` without `.json`), sorted by
    /// name.
    pub submissions: BTreeMap<String, Entry>,
}

/// The index as version 1.0 wrote it: batch runs only, by path under the input folder.
#[derive(Deserialize)]
struct LegacyIndex {
    config: String,
    files: BTreeMap<String, LegacyEntry>,
}

#[derive(Deserialize)]
struct LegacyEntry {
    sha256: String,
    output: String,
    respondent: Option<String>,
    round: Option<String>,
    warnings: usize,
    #[serde(default)]
    bytes: u64,
}

impl Index {
    /// The folder's index; empty when there is none or it cannot be read (every form is then
    /// converted again, nothing is lost).
    pub fn load(out: &Path) -> Index {
        let Ok(bytes) = std::fs::read(out.join("index.json")) else {
            return Index::default();
        };
        if let Ok(index) = serde_json::from_slice::<Index>(&bytes) {
            return index;
        }
        match serde_json::from_slice::<LegacyIndex>(&bytes) {
            Ok(legacy) => Index::from_legacy(legacy),
            Err(_) => Index::default(),
        }
    }

    fn from_legacy(legacy: LegacyIndex) -> Index {
        let submissions = legacy
            .files
            .into_iter()
            .map(|(path, e)| {
                let entry = Entry {
                    origin: Origin::Folder,
                    input: None,
                    path,
                    sha256: e.sha256,
                    respondent: e.respondent,
                    round: e.round,
                    warnings: e.warnings,
                    bytes: e.bytes,
                    config: legacy.config.clone(),
                    output: String::new(),
                };
                (e.output, entry)
            })
            .collect();
        Index {
            format_version: FORMAT_VERSION.into(),
            submissions,
            ..Index::default()
        }
    }

    /// Writes the index durably, in the current format, as written by this program at `now`:
    /// it is what tells, after a power cut, which submissions survived.
    pub fn save(&mut self, out: &Path, now: SystemTime) -> std::io::Result<()> {
        self.format_version = FORMAT_VERSION.into();
        self.generator = Some(Generator::current());
        self.generated_at = Some(rfc3339(now));
        for (name, e) in &mut self.submissions {
            e.output = submission_path(name);
        }
        output::write_json(&out.join("index.json"), self, true).map(|_| ())
    }

    /// The submissions whose forms came from `input` of `origin`, by path.
    pub fn from_input(&self, origin: Origin, input: &str) -> HashMap<&str, (&str, &Entry)> {
        self.submissions
            .iter()
            .filter(|(_, e)| e.came_from(origin, input))
            .map(|(name, e)| (e.path.as_str(), (name.as_str(), e)))
            .collect()
    }

    /// Records a submission, replacing whatever named it before.
    pub fn record(&mut self, name: String, entry: Entry) {
        self.submissions.insert(name, entry);
    }
}

/// Where the submission `name` stands in an output folder, as both `index.json` and
/// `report.json` name it: `submissions/<name>.json`.
pub fn submission_path(name: &str) -> String {
    format!("{SUBMISSIONS}/{name}.json")
}

/// True when the submission `name` is in `out`, whole as far as its recorded length tells.
pub fn output_intact(out: &Path, name: &str, entry: &Entry) -> bool {
    match std::fs::metadata(out.join(submission_path(name))) {
        Ok(m) => m.is_file() && (entry.bytes == 0 || m.len() == entry.bytes),
        Err(_) => false,
    }
}

/// What happened to one file.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum FileStatus {
    /// Converted into a submission when the file was last met.
    Converted,
    /// Converted by an earlier run, and neither the form nor the configuration changed since.
    Unchanged,
    /// Could not be read or converted; `error` says why.
    Failed,
}

/// Why a file failed: the `error` of a `report.json` file entry.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FileError {
    /// The error's stable code (`not-a-zip`, `encrypted` …).
    pub code: String,
    /// The whole message: what is wrong and what to do.
    pub message: String,
}

/// What happened to one input file, its latest result: an entry of `report.json`'s `files`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FileReport {
    /// The form's path under the input folder.
    pub path: String,
    /// The front end that met it (absent in reports written before it was recorded).
    #[serde(default = "folder")]
    pub origin: Origin,
    /// The folder it was found in.
    #[serde(default)]
    pub input: String,
    /// What happened to it.
    pub status: FileStatus,
    /// The submission written, relative to the output folder.
    pub output: Option<String>,
    /// SHA-256 of the file's bytes, lower-case hex; `None` when the file could not be read at all.
    pub sha256: Option<String>,
    /// The respondent's registry id, when told: a converted form's as its submission names it,
    /// a failed form's as its path names it ([`Context::failed`](crate::Context::failed)).
    pub respondent: Option<String>,
    /// The round (`2022-T1`), when told, as for `respondent`.
    pub round: Option<String>,
    /// How many warnings the submission carries.
    pub warnings: usize,
    /// Why the file failed; `None` otherwise.
    pub error: Option<FileError>,
}

fn folder() -> Origin {
    Origin::Folder
}

impl FileReport {
    /// A file converted now or before (`status`), whose submission `name` the index holds as
    /// `e`.
    pub fn done(status: FileStatus, name: &str, e: &Entry) -> FileReport {
        FileReport {
            path: e.path.clone(),
            origin: e.origin,
            input: e.input.clone().unwrap_or_default(),
            status,
            output: Some(submission_path(name)),
            sha256: Some(e.sha256.clone()),
            respondent: e.respondent.clone(),
            round: e.round.clone(),
            warnings: e.warnings,
            error: None,
        }
    }

    /// A file that could not be converted.
    pub fn failed(source: &Source, e: &crate::Error, sha256: Option<String>) -> FileReport {
        FileReport {
            path: source.path.clone(),
            origin: source.origin,
            input: source.input.clone(),
            status: FileStatus::Failed,
            output: None,
            sha256,
            respondent: None,
            round: None,
            warnings: 0,
            error: Some(FileError {
                code: e.code().into(),
                message: e.to_string(),
            }),
        }
    }
}

/// Why a file was not read as a form.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SkipReason {
    /// A symbolic link: it may point anywhere, so it is not followed.
    SymbolicLink,
    /// A named pipe, a device, a socket.
    NotAFile,
    /// A name starting with `.`.
    Hidden,
    /// Word's lock files (`~$…`) and other files starting with `~`.
    LockFile,
    /// A partial download or a temporary file.
    Temporary,
    /// Not a Word file nor one sent by mistake for one (`.txt`, `.eml`, `.json` …).
    OtherExtension,
    /// A form the analyst decided is no part of the round (`blankett assign --exclude`).
    Excluded,
}

impl SkipReason {
    /// The reason in words, for a message (`a hidden file`).
    pub fn describe(self) -> &'static str {
        match self {
            SkipReason::SymbolicLink => "a symbolic link, not followed",
            SkipReason::NotAFile => "not a regular file",
            SkipReason::Hidden => "a hidden file",
            SkipReason::LockFile => "a lock or temporary file of Word",
            SkipReason::Temporary => "a temporary or partly downloaded file",
            SkipReason::OtherExtension => "not a Word file (.docx, .docm, .dotx, .dotm)",
            SkipReason::Excluded => "excluded from the round by the analyst (blankett assign)",
        }
    }
}

/// A file in an input folder that was not read as a form, and why.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Skipped {
    /// The file's path under its input folder, `/` between names.
    pub path: String,
    /// The front end that met the file.
    pub origin: Origin,
    /// The input folder or inbox it lies in (canonical path).
    pub input: String,
    /// Why it was not read.
    pub reason: SkipReason,
    /// SHA-256 of the file's bytes, when they were read (an excluded form's; new in 1.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// The analyst's reason for excluding the form, when given (new in 1.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What happened to every input of the output folder, the latest result per file:
/// `schemas/report.schema.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// The version of the format: [`FORMAT_VERSION`] as written now; `1.0` reports are read too.
    pub format_version: String,
    /// The program that wrote the report last (new in 1.2; [`Report::save`] records it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generator: Option<Generator>,
    /// When it was written last, RFC 3339 (new in 1.2; [`Report::save`] records it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated_at: Option<String>,
    /// The input folder of the run that wrote the report last.
    pub input: String,
    /// One entry per input file, its latest result, sorted by origin, input folder and path.
    pub files: Vec<FileReport>,
    /// Files not read as forms, and why (new in 1.1).
    #[serde(default)]
    pub skipped: Vec<Skipped>,
    /// How many files have status `converted`.
    pub converted: usize,
    /// How many files have status `unchanged`.
    pub unchanged: usize,
    /// How many files have status `failed`.
    pub failed: usize,
    /// Submissions of forms no longer in the input folder (or changed since), removed by the
    /// last batch run.
    pub removed: Vec<String>,
}

impl Report {
    /// A report of `files`, counted.
    pub fn new(input: &str, files: Vec<FileReport>, skipped: Vec<Skipped>) -> Report {
        let mut r = Report {
            format_version: FORMAT_VERSION.into(),
            generator: None,
            generated_at: None,
            input: input.to_owned(),
            files,
            skipped,
            converted: 0,
            unchanged: 0,
            failed: 0,
            removed: Vec::new(),
        };
        r.recount();
        r
    }

    /// The folder's report; empty when there is none or it cannot be read.
    pub fn load(out: &Path) -> Report {
        std::fs::read(out.join("report.json"))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_else(|| Report::new("", Vec::new(), Vec::new()))
    }

    /// Writes the report as `report.json` in `out`, whole and durably, in the current format
    /// version, as written by this program at `now`.
    pub fn save(&mut self, out: &Path, now: SystemTime) -> std::io::Result<()> {
        self.format_version = FORMAT_VERSION.into();
        self.generator = Some(Generator::current());
        self.generated_at = Some(rfc3339(now));
        output::write_json(&out.join("report.json"), self, true).map(|_| ())
    }

    /// Puts a whole run over one input in place of what an earlier run over it said; what
    /// other inputs (another folder, an inbox, uploads) met stays.
    pub fn replace_input(&mut self, origin: Origin, run: &Report) {
        let input = run.input.as_str();
        self.files
            .retain(|f| !(f.origin == origin && (f.input == input || f.input.is_empty())));
        self.skipped
            .retain(|s| !(s.origin == origin && s.input == input));
        self.files.extend(run.files.iter().cloned());
        self.skipped.extend(run.skipped.iter().cloned());
        self.input = run.input.clone();
        self.removed = run.removed.clone();
        self.recount();
    }

    /// Records what happened to one file, replacing what was said of it before.
    pub fn record(&mut self, file: FileReport) {
        self.files
            .retain(|f| !(f.origin == file.origin && f.input == file.input && f.path == file.path));
        self.files.push(file);
        self.recount();
    }

    /// Records a skipped file once.
    pub fn record_skipped(&mut self, s: Skipped) {
        if !self.skipped.contains(&s) {
            self.skipped.push(s);
            self.recount();
        }
    }

    /// Lists every file with content hash `sha256` as excluded by the analyst (`note` says
    /// why) instead of what was said of it before; `also` names places (origin, input
    /// folder, path) the form was met that the report may not mention.
    pub fn exclude(&mut self, sha256: &str, note: Option<&str>, also: &[(Origin, String, String)]) {
        let same = |f: &Option<String>| f.as_deref() == Some(sha256);
        let mut places: Vec<(Origin, String, String)> = self
            .files
            .iter()
            .filter(|f| same(&f.sha256))
            .map(|f| (f.origin, f.input.clone(), f.path.clone()))
            .chain(
                self.skipped
                    .iter()
                    .filter(|s| same(&s.sha256))
                    .map(|s| (s.origin, s.input.clone(), s.path.clone())),
            )
            .chain(also.iter().cloned())
            .collect();
        places.sort();
        places.dedup();
        let excluded: Vec<Skipped> = places
            .into_iter()
            .map(|(origin, input, path)| Skipped {
                path,
                origin,
                input,
                reason: SkipReason::Excluded,
                sha256: Some(sha256.to_owned()),
                note: note.map(str::to_owned),
            })
            .collect();
        self.files.retain(|f| !same(&f.sha256));
        self.skipped.retain(|s| !same(&s.sha256));
        self.skipped.extend(excluded);
        self.recount();
    }

    /// Forgets that the files with content hash `sha256` were excluded: the next run that
    /// meets one says what became of it. Returns the entries removed.
    pub fn unexclude(&mut self, sha256: &str) -> Vec<Skipped> {
        let (gone, kept) = std::mem::take(&mut self.skipped)
            .into_iter()
            .partition(|s| s.reason == SkipReason::Excluded && s.sha256.as_deref() == Some(sha256));
        self.skipped = kept;
        gone
    }

    /// Says of every file with content hash `sha256` that its submission now names
    /// `respondent` and `round`.
    pub fn reassign(&mut self, sha256: &str, respondent: Option<&str>, round: Option<&str>) {
        for f in &mut self.files {
            if f.sha256.as_deref() == Some(sha256) && f.status != FileStatus::Failed {
                f.respondent = respondent.map(str::to_owned);
                f.round = round.map(str::to_owned);
            }
        }
    }

    fn recount(&mut self) {
        self.files
            .sort_by(|a, b| (a.origin, &a.input, &a.path).cmp(&(b.origin, &b.input, &b.path)));
        self.skipped
            .sort_by(|a, b| (a.origin, &a.input, &a.path).cmp(&(b.origin, &b.input, &b.path)));
        let count = |s: FileStatus| self.files.iter().filter(|f| f.status == s).count();
        self.converted = count(FileStatus::Converted);
        self.unchanged = count(FileStatus::Unchanged);
        self.failed = count(FileStatus::Failed);
    }
}

/// Reads the submissions of output folders or files: a folder's `submissions/` when it has
/// one, else its `*.json`; files as given. Files that are not submissions are reported.
pub fn load_submissions(paths: &[PathBuf]) -> (Vec<Submission>, Vec<String>) {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let dir = if p.join(SUBMISSIONS).is_dir() {
                p.join(SUBMISSIONS)
            } else {
                p.clone()
            };
            if let Ok(entries) = std::fs::read_dir(&dir) {
                let mut list: Vec<PathBuf> = entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| {
                        p.extension().is_some_and(|x| x == "json")
                            && p.file_name()
                                .is_some_and(|n| !n.to_string_lossy().starts_with('.'))
                    })
                    .collect();
                list.sort();
                files.extend(list);
            }
        } else {
            files.push(p.clone());
        }
    }
    let mut subs = Vec::new();
    let mut problems = Vec::new();
    let mut seen: HashMap<PathBuf, ()> = HashMap::new();
    for f in files {
        if seen.insert(f.clone(), ()).is_some() {
            continue;
        }
        match std::fs::read(&f)
            .map_err(|e| e.to_string().to_lowercase())
            .and_then(|b| serde_json::from_slice::<Submission>(&b).map_err(|e| e.to_string()))
        {
            Ok(s) => subs.push(s),
            Err(e) => problems.push(format!("{}: not a submission ({e})", f.display())),
        }
    }
    (subs, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(origin: Origin, input: &str, path: &str, status: FileStatus) -> FileReport {
        FileReport {
            path: path.into(),
            origin,
            input: input.into(),
            status,
            output: None,
            sha256: None,
            respondent: None,
            round: None,
            warnings: 0,
            error: None,
        }
    }

    #[test]
    fn a_batch_run_replaces_only_what_was_said_of_its_own_folder() {
        let mut stored = Report::new(
            "/a",
            vec![
                file(Origin::Folder, "/a", "x.docx", FileStatus::Failed),
                file(Origin::Folder, "/b", "y.docx", FileStatus::Converted),
                file(Origin::Inbox, "/a", "z.docx", FileStatus::Failed),
            ],
            Vec::new(),
        );
        let run = Report::new(
            "/a",
            vec![file(Origin::Folder, "/a", "w.docx", FileStatus::Converted)],
            Vec::new(),
        );
        stored.replace_input(Origin::Folder, &run);
        let paths: Vec<&str> = stored.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["w.docx", "y.docx", "z.docx"]);
        assert_eq!((stored.converted, stored.failed), (2, 1));
    }

    #[test]
    fn an_excluded_form_is_listed_as_skipped_wherever_it_was_met_and_forgotten_on_undo() {
        let sha = "a".repeat(64);
        let mut converted = file(Origin::Folder, "/a", "x.docx", FileStatus::Converted);
        converted.sha256 = Some(sha.clone());
        let mut r = Report::new(
            "/a",
            vec![
                converted,
                file(Origin::Folder, "/a", "y.docx", FileStatus::Converted),
            ],
            Vec::new(),
        );
        let inbox = (Origin::Inbox, "/in".to_owned(), "x.docx".to_owned());
        r.exclude(&sha, Some("a cover letter"), std::slice::from_ref(&inbox));
        assert_eq!((r.files.len(), r.converted), (1, 1));
        let places: Vec<(&str, SkipReason, Option<&str>)> = r
            .skipped
            .iter()
            .map(|s| (s.input.as_str(), s.reason, s.note.as_deref()))
            .collect();
        assert_eq!(
            places,
            [
                ("/a", SkipReason::Excluded, Some("a cover letter")),
                ("/in", SkipReason::Excluded, Some("a cover letter"))
            ]
        );
        r.exclude(&sha, None, &[inbox]);
        assert_eq!(r.skipped.len(), 2, "excluded again, listed once");
        assert_eq!(r.unexclude(&sha).len(), 2);
        assert!(r.skipped.is_empty());
    }

    #[test]
    fn a_file_recorded_again_replaces_its_earlier_result() {
        let mut r = Report::new("", Vec::new(), Vec::new());
        r.record(file(Origin::Inbox, "/in", "a.docx", FileStatus::Failed));
        r.record(file(Origin::Inbox, "/in", "a.docx", FileStatus::Converted));
        assert_eq!(r.files.len(), 1);
        assert_eq!((r.converted, r.failed), (1, 0));
    }

    #[test]
    fn an_index_of_version_1_0_is_read_as_batch_entries_of_any_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("index.json"),
            r#"{"config":"c","files":{"a/x.docx":{"sha256":"s","output":"x-1","respondent":null,"round":null,"warnings":2,"bytes":10}}}"#,
        )
        .unwrap();
        let index = Index::load(dir.path());
        let e = &index.submissions["x-1"];
        assert_eq!((e.path.as_str(), e.warnings, e.bytes), ("a/x.docx", 2, 10));
        assert!(e.came_from(Origin::Folder, "/anywhere"));
        assert!(!e.came_from(Origin::Inbox, "/anywhere"));
    }
}
