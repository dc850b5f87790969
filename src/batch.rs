//! Converting many forms: finding them in a folder, converting each (the one code path
//! `convert`, `batch` and `watch` share), naming and writing the submissions, and remembering
//! what was done so an unchanged form is not converted again.
//!
//! Layout of an output folder:
//!
//! ```text
//! OUT/submissions/<name>.json   one submission per form, written whole or not at all
//! OUT/report.json               what the last run did, file by file
//! OUT/index.json                content hashes, to skip unchanged forms next time
//! ```

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::mapping::{Options as MapOptions, Prepared};
use crate::schema::{Questionnaire, Registry};
use crate::submission::Submission;
use crate::{Limits, Reader, output};

/// Everything a conversion depends on besides the form.
#[derive(Debug, Clone)]
pub struct Config {
    pub limits: Limits,
    pub questionnaire: Questionnaire,
    pub registry: Registry,
    pub variant: Option<String>,
    pub round: Option<String>,
    pub respondent: Option<String>,
    pub redact_contact: bool,
}

impl Config {
    /// A fingerprint of the configuration: a form converted under another one is converted
    /// again.
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        h.update(env!("CARGO_PKG_VERSION"));
        h.update(serde_json::to_vec(&self.questionnaire).unwrap_or_default());
        h.update(serde_json::to_vec(&self.registry).unwrap_or_default());
        for o in [&self.variant, &self.round, &self.respondent] {
            h.update(o.as_deref().unwrap_or("\u{0}"));
            h.update([0]);
        }
        h.update([self.redact_contact as u8]);
        h.update(format!("{:?}", self.limits));
        hex(&h.finalize())
    }
}

impl Config {
    /// The questionnaire and registry prepared for mapping; make it once for many forms.
    pub fn prepare(&self) -> Prepared<'_> {
        Prepared::new(&self.questionnaire, &self.registry)
    }
}

/// Converts one form: read it, map it, redact if asked. The one code path for every command.
pub fn convert_file(reader: &mut Reader, path: &Path, cfg: &Config) -> Result<Submission, Error> {
    let doc = reader.read_path(path)?;
    Ok(to_submission(doc, path, cfg, &cfg.prepare()))
}

/// Converts one form held in memory, its bytes already read and hashed (SHA-256, hex).
pub fn convert_bytes(
    reader: &mut Reader,
    bytes: Vec<u8>,
    sha256: &str,
    path: &Path,
    cfg: &Config,
    prepared: &Prepared<'_>,
) -> Result<Submission, Error> {
    let name = path.display().to_string();
    let doc = reader.read_hashed_bytes(bytes, sha256.to_owned(), Some(&name))?;
    Ok(to_submission(doc, path, cfg, prepared))
}

fn to_submission(
    doc: crate::Document,
    path: &Path,
    cfg: &Config,
    prepared: &Prepared<'_>,
) -> Submission {
    let opts = MapOptions {
        variant: cfg.variant.as_deref(),
        round: cfg.round.as_deref(),
        respondent: cfg.respondent.as_deref(),
        path: Some(path),
    };
    let mut s = prepared
        .map_owned(doc, &opts)
        .expect("options are checked before any form is read");
    if cfg.redact_contact {
        s.redact_contact();
    }
    s
}

/// Files Word and file systems leave around that are never forms.
pub fn is_ignored(name: &str) -> bool {
    let lower = name.to_lowercase();
    name.starts_with("~$")
        || name.starts_with('.')
        || name.starts_with('~')
        || lower.ends_with(".tmp")
        || lower.ends_with(".part")
        || lower.ends_with(".crdownload")
        || lower == "thumbs.db"
        || lower == "desktop.ini"
        || lower.ends_with(".error.txt")
}

/// Every file under `dir` that may be a form, sorted: lock files (`~$…`), hidden and temporary
/// files left out, and `skip` (the output folder, when it lies inside) not entered.
pub fn discover(dir: &Path, skip: &[&Path]) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    let skip: Vec<PathBuf> = skip
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    while let Some(d) = stack.pop() {
        let entries = match std::fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) if d == dir => return Err(e),
            Err(_) => continue,
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if is_ignored(&name) {
                continue;
            }
            // Not following symbolic links keeps a link loop from walking forever.
            let Ok(ft) = entry.file_type() else { continue };
            let path = entry.path();
            if ft.is_dir() {
                let canon = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
                if !skip.contains(&canon) {
                    stack.push(path);
                }
            } else if ft.is_file() {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The name of a form's submission: readable (from the file name), stable (the same form at
/// the same place gets the same name every run) and collision-free (a hash of where the form
/// lies and what it holds). Only ASCII letters, digits and hyphens: a name can never leave the
/// output folder.
pub fn output_name(relative: &Path, sha256: &str) -> String {
    let stem = relative
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut h = Sha256::new();
    h.update(relative.to_string_lossy().as_bytes());
    h.update([0]);
    h.update(sha256.as_bytes());
    let tag = &hex(&h.finalize())[..8];
    let slug = slug(&stem);
    if slug.is_empty() {
        format!("form-{tag}")
    } else {
        format!("{slug}-{tag}")
    }
}

/// `Östermalm T1 (rättad)` → `ostermalm-t1-rattad`.
pub fn slug(s: &str) -> String {
    let ascii = crate::mapping::text_match::ascii_key(s);
    let mut out = String::new();
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    out.chars()
        .take(60)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned()
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// What happened to one file.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum FileStatus {
    Converted,
    /// Converted by an earlier run, and neither the form nor the configuration changed since.
    Unchanged,
    Failed,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FileError {
    /// The error's stable code (`not-a-zip`, `encrypted` …).
    pub code: String,
    /// The whole message: what is wrong and what to do.
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FileReport {
    /// The form's path under the input folder.
    pub path: String,
    pub status: FileStatus,
    /// The submission written, relative to the output folder.
    pub output: Option<String>,
    pub sha256: Option<String>,
    pub respondent: Option<String>,
    pub round: Option<String>,
    /// How many warnings the submission carries.
    pub warnings: usize,
    pub error: Option<FileError>,
}

/// What a batch run did.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub format_version: String,
    pub input: String,
    pub files: Vec<FileReport>,
    pub converted: usize,
    pub unchanged: usize,
    pub failed: usize,
    /// Submissions of forms no longer in the input folder (or changed since), removed.
    pub removed: Vec<String>,
}

/// What the last run converted, to skip unchanged forms.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Index {
    config: String,
    /// Relative path → (content hash, output name, respondent, round, warnings).
    files: BTreeMap<String, IndexEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct IndexEntry {
    sha256: String,
    output: String,
    respondent: Option<String>,
    round: Option<String>,
    warnings: usize,
    /// The submission's length in bytes (0 in indexes that did not record it): a submission
    /// of another length did not survive and is written again.
    #[serde(default)]
    bytes: u64,
}

impl IndexEntry {
    /// True when the submission this entry names is there, whole as far as can be told.
    fn output_intact(&self, subs_dir: &Path) -> bool {
        match std::fs::metadata(subs_dir.join(format!("{}.json", self.output))) {
            Ok(m) => m.is_file() && (self.bytes == 0 || m.len() == self.bytes),
            Err(_) => false,
        }
    }
}

pub const SUBMISSIONS: &str = "submissions";

/// Converts every form under `input` into `out`, in parallel over `jobs` threads. `progress`
/// is told each file as it finishes. A bad file never stops the run.
pub fn run(
    input: &Path,
    out: &Path,
    cfg: &Config,
    jobs: usize,
    force: bool,
    progress: &(dyn Fn(&FileReport) + Sync),
    on_start: &dyn Fn(usize),
) -> std::io::Result<Report> {
    use rayon::prelude::*;
    let subs_dir = out.join(SUBMISSIONS);
    std::fs::create_dir_all(&subs_dir)?;
    clean_temporary_files(&subs_dir);
    let files = discover(input, &[out])?;
    on_start(files.len());
    let fingerprint = cfg.fingerprint();
    let index_path = out.join("index.json");
    // What the last run did; reused to skip forms only under the same configuration.
    let previous: Index = std::fs::read(&index_path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let reusable = previous.config == fingerprint && !force;
    let empty = Index::default();
    let old = if reusable { &previous } else { &empty };

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .build()
        .map_err(std::io::Error::other)?;
    let prepared = cfg.prepare();
    let reports: Vec<(FileReport, Option<IndexEntry>)> = pool.install(|| {
        files
            .par_iter()
            .map_init(
                || Reader::new(cfg.limits),
                |reader, path| {
                    let rel = path.strip_prefix(input).unwrap_or(path);
                    let rel_s = rel.to_string_lossy().replace('\\', "/");
                    let (report, entry) =
                        process(reader, path, &rel_s, &subs_dir, cfg, &prepared, old);
                    progress(&report);
                    (report, entry)
                },
            )
            .collect()
    });

    // Submissions no longer backed by a form (removed, or changed since) go.
    let mut index = Index {
        config: fingerprint,
        files: BTreeMap::new(),
    };
    let mut keep: std::collections::HashSet<String> = std::collections::HashSet::new();
    for (r, e) in &reports {
        // A form that failed this time keeps the submission an earlier run made of it (a full
        // disk must not cost earlier results); its index entry stays, so a later run tries
        // again.
        let e = e.as_ref().or_else(|| {
            (r.status == FileStatus::Failed)
                .then(|| previous.files.get(&r.path))
                .flatten()
        });
        if let Some(e) = e {
            keep.insert(e.output.clone());
            index.files.insert(r.path.clone(), e.clone());
        }
    }
    let mut removed = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&subs_dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".json") && !keep.contains(name.trim_end_matches(".json")) {
                let _ = std::fs::remove_file(entry.path());
                removed.push(name);
            }
        }
    }
    removed.sort();
    output::write_json(&index_path, &index, true)?;
    drop(index);
    let files: Vec<FileReport> = reports.into_iter().map(|(r, _)| r).collect();
    let count = |s: FileStatus| files.iter().filter(|f| f.status == s).count();
    let report = Report {
        format_version: "1.0".into(),
        input: input.display().to_string(),
        converted: count(FileStatus::Converted),
        unchanged: count(FileStatus::Unchanged),
        failed: count(FileStatus::Failed),
        files,
        removed,
    };
    output::write_json(&out.join("report.json"), &report, true)?;
    Ok(report)
}

/// Temporary files a killed run may have left behind.
pub fn clean_temporary_files(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(".blankett-") && name.ends_with(".tmp") {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

fn process(
    reader: &mut Reader,
    path: &Path,
    rel: &str,
    subs_dir: &Path,
    cfg: &Config,
    prepared: &Prepared<'_>,
    old: &Index,
) -> (FileReport, Option<IndexEntry>) {
    let failed = |code: &str, message: String, sha: Option<String>| {
        (
            FileReport {
                path: rel.to_owned(),
                status: FileStatus::Failed,
                output: None,
                sha256: sha,
                respondent: None,
                round: None,
                warnings: 0,
                error: Some(FileError {
                    code: code.into(),
                    message,
                }),
            },
            None,
        )
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            let err = Error::new(crate::ErrorKind::Io(e.to_string().to_lowercase()))
                .in_file(Some(&path.display().to_string()));
            return failed(err.code(), err.to_string(), None);
        }
    };
    let sha = hex(&Sha256::digest(&bytes));
    if let Some(e) = old.files.get(rel)
        && e.sha256 == sha
        && e.output_intact(subs_dir)
    {
        return (
            FileReport {
                path: rel.to_owned(),
                status: FileStatus::Unchanged,
                output: Some(format!("{SUBMISSIONS}/{}.json", e.output)),
                sha256: Some(sha),
                respondent: e.respondent.clone(),
                round: e.round.clone(),
                warnings: e.warnings,
                error: None,
            },
            Some(e.clone()),
        );
    }
    let submission = match convert_bytes(reader, bytes, &sha, path, cfg, prepared) {
        Ok(s) => s,
        Err(e) => return failed(e.code(), e.to_string(), Some(sha)),
    };
    let name = output_name(Path::new(rel), &sha);
    let target = subs_dir.join(format!("{name}.json"));
    let len = match output::write_json(&target, &submission, false) {
        Ok(len) => len,
        Err(e) => {
            return failed(
                "io",
                format!(
                    "{}: cannot write {}: {}",
                    path.display(),
                    target.display(),
                    e.to_string().to_lowercase()
                ),
                Some(sha),
            );
        }
    };
    let entry = IndexEntry {
        sha256: sha.clone(),
        output: name.clone(),
        respondent: submission.respondent.as_ref().map(|r| r.id.clone()),
        round: submission.round.clone(),
        warnings: submission.warnings.len(),
        bytes: len,
    };
    (
        FileReport {
            path: rel.to_owned(),
            status: FileStatus::Converted,
            output: Some(format!("{SUBMISSIONS}/{name}.json")),
            sha256: Some(sha),
            respondent: entry.respondent.clone(),
            round: entry.round.clone(),
            warnings: entry.warnings,
            error: None,
        },
        Some(entry),
    )
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
                                .is_some_and(|n| !is_ignored(&n.to_string_lossy()))
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

    #[test]
    fn names_are_readable_stable_and_safe() {
        let a = output_name(Path::new("Östermalm T1 (rättad).docx"), "ab");
        assert!(a.starts_with("ostermalm-t1-rattad-"), "{a}");
        assert_eq!(
            a,
            output_name(Path::new("Östermalm T1 (rättad).docx"), "ab")
        );
        assert_ne!(
            a,
            output_name(Path::new("Östermalm T1 (rättad).docx"), "cd")
        );
        assert_ne!(
            a,
            output_name(Path::new("b/Östermalm T1 (rättad).docx"), "ab")
        );
        let evil = output_name(Path::new("../../etc/passwd"), "ab");
        assert!(
            evil.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
            "{evil}"
        );
        assert!(output_name(Path::new("....docx"), "ab").starts_with("form-"));
    }

    #[test]
    fn word_lock_files_and_hidden_files_are_not_forms() {
        for name in [
            "~$stermalm.docx",
            ".DS_Store",
            "~WRL0001.tmp",
            "Thumbs.db",
            "x.docx.part",
        ] {
            assert!(is_ignored(name), "{name}");
        }
        assert!(!is_ignored("Östermalm T1.docx"));
    }
}
