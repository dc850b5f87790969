//! Converting the forms of a folder: finding them, converting each through the one per-form
//! path ([`crate::intake`]) in parallel, and recording in the output folder what was done
//! ([`crate::ledger`]) so that an unchanged form is not converted again.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use sha2::{Digest, Sha256};

use crate::Limits;
use crate::form_file::{self, Links};
pub use crate::intake::SUBMISSIONS;
use crate::intake::{self, Context, Origin, Worker};
use crate::ledger::{
    self, Entry, FileReport, FileStatus, Index, Report, SkipReason, Skipped, Source,
};
use crate::lock::FolderLock;
use crate::mapping::{OptionError, Options as MapOptions, Prepared};
use crate::schema::{Questionnaire, Registry};
use crate::submission::Submission;

/// Everything a conversion depends on besides the form. Built only through
/// [`Config::new`], which checks the options against the questionnaire and the registry, so a
/// configuration in hand is always one every form can be mapped with.
#[derive(Debug, Clone)]
pub struct Config {
    limits: Limits,
    questionnaire: Questionnaire,
    registry: Registry,
    variant: Option<String>,
    round: Option<String>,
    respondent: Option<String>,
    redact_contact: bool,
}

/// What a run may fix instead of reading it from each form.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// A template variant id of the questionnaire.
    pub variant: Option<String>,
    /// A round (`2022-T1`, `2022 T1`, `T1 2022` …).
    pub round: Option<String>,
    /// A registry id or name.
    pub respondent: Option<String>,
    /// Leave the contact details (personal data) out.
    pub redact_contact: bool,
}

impl Config {
    /// A checked configuration: the variant must be one of the questionnaire's, the round
    /// readable and the respondent known to the registry.
    pub fn new(
        limits: Limits,
        questionnaire: Questionnaire,
        registry: Registry,
        overrides: Overrides,
    ) -> Result<Config, OptionError> {
        let opts = MapOptions {
            variant: overrides.variant.as_deref(),
            round: overrides.round.as_deref(),
            respondent: overrides.respondent.as_deref(),
            path: None,
        };
        crate::mapping::check_options(&questionnaire, &registry, &opts)?;
        Ok(Config {
            limits,
            round: overrides
                .round
                .as_deref()
                .and_then(crate::mapping::round::parse)
                .map(|r| r.to_string()),
            questionnaire,
            registry,
            variant: overrides.variant,
            respondent: overrides.respondent,
            redact_contact: overrides.redact_contact,
        })
    }

    /// The built-in questionnaire and registry, default limits, nothing overridden.
    pub fn builtin() -> Config {
        Config::new(
            Limits::default(),
            Questionnaire::builtin(),
            Registry::builtin(),
            Overrides::default(),
        )
        .expect("no overrides are always valid")
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    pub fn questionnaire(&self) -> &Questionnaire {
        &self.questionnaire
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The variant given for the run.
    pub fn variant(&self) -> Option<&str> {
        self.variant.as_deref()
    }

    /// The respondent given for the run (a registry id or name).
    pub fn respondent(&self) -> Option<&str> {
        self.respondent.as_deref()
    }

    /// The round given for the run, normalized (`2022-T1`).
    pub fn round(&self) -> Option<&str> {
        self.round.as_deref()
    }

    pub fn redact_contact(&self) -> bool {
        self.redact_contact
    }

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
        crate::hex(&h.finalize())
    }

    /// The questionnaire and registry prepared for mapping; make it once for many forms.
    pub fn prepare(&self) -> Prepared<'_> {
        Prepared::new(&self.questionnaire, &self.registry)
    }
}

/// The Word files blankett reads.
const WORD_EXTENSIONS: [&str; 4] = ["docx", "docm", "dotx", "dotm"];
/// Files people send by mistake for a form: read, so that the sender hears "ask for .docx".
const MISTAKEN_EXTENSIONS: [&str; 4] = ["doc", "rtf", "odt", "pdf"];

/// Why a file of this name is not a form, or `None` when it is read as one: a Word file, or
/// one sent by mistake for a Word file.
pub fn skip_reason(name: &str) -> Option<SkipReason> {
    let lower = name.to_lowercase();
    if name.starts_with('~') {
        return Some(SkipReason::LockFile);
    }
    if name.starts_with('.') {
        return Some(SkipReason::Hidden);
    }
    if [".tmp", ".part", ".crdownload"]
        .iter()
        .any(|x| lower.ends_with(x))
    {
        return Some(SkipReason::Temporary);
    }
    let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);
    if WORD_EXTENSIONS.contains(&ext) || MISTAKEN_EXTENSIONS.contains(&ext) {
        None
    } else {
        Some(SkipReason::OtherExtension)
    }
}

/// What a folder holds: the files read as forms, and the others with why not.
#[derive(Debug, Default)]
pub struct Found {
    pub forms: Vec<PathBuf>,
    pub skipped: Vec<(PathBuf, SkipReason)>,
}

/// Every file under `dir` read as a form, sorted, and every other one with the reason;
/// `skip` (the output folder, when it lies inside) is not entered. Symbolic links are not
/// followed (a link loop would walk forever, and a link may point anywhere).
pub fn discover(dir: &Path, skip: &[&Path]) -> std::io::Result<Found> {
    let mut found = Found::default();
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
            let Ok(ft) = entry.file_type() else { continue };
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let reason = if ft.is_symlink() {
                Some(SkipReason::SymbolicLink)
            } else if ft.is_dir() {
                if name.starts_with('.') {
                    Some(SkipReason::Hidden)
                } else {
                    let canon = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
                    if !skip.contains(&canon) {
                        stack.push(path);
                    }
                    continue;
                }
            } else if !ft.is_file() {
                Some(SkipReason::NotAFile)
            } else {
                skip_reason(&name)
            };
            match reason {
                Some(r) => found.skipped.push((path, r)),
                None => found.forms.push(path),
            }
        }
    }
    found.forms.sort();
    found.skipped.sort();
    Ok(found)
}

/// How a batch run goes.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// Threads to convert with (at least 1).
    pub jobs: usize,
    /// Convert every form again, changed or not.
    pub force: bool,
    /// The time of the run, against which saved dates are checked.
    pub now: SystemTime,
}

/// Converts every form under `input` into `out`, in parallel. `progress` is told each file as
/// it finishes. A bad file never stops the run. The caller holds `out`'s lock
/// ([`crate::lock::acquire`]).
pub fn run(
    input: &Path,
    out: &Path,
    cfg: &Config,
    opts: RunOptions,
    _lock: &FolderLock,
    progress: &(dyn Fn(&FileReport) + Sync),
    on_start: &dyn Fn(usize),
) -> std::io::Result<Report> {
    use rayon::prelude::*;
    std::fs::create_dir_all(out.join(SUBMISSIONS))?;
    clean_temporary_files(out);
    clean_temporary_files(&out.join(SUBMISSIONS));
    let folder = std::fs::canonicalize(input)?.to_string_lossy().into_owned();
    let found = discover(input, &[out])?;
    on_start(found.forms.len());
    let mut index = Index::load(out);
    let fingerprint = cfg.fingerprint();
    let run = Run {
        input,
        folder: &folder,
        out,
        fingerprint: &fingerprint,
        force: opts.force,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.max(1))
        .build()
        .map_err(std::io::Error::other)?;
    let prepared = cfg.prepare();
    let ctx = Context {
        cfg,
        prepared: &prepared,
        now: opts.now,
    };
    let previous = index.from_input(Origin::Folder, &folder);
    let results: Vec<(FileReport, Option<(String, Entry)>)> = pool.install(|| {
        found
            .forms
            .par_iter()
            .map_init(
                || Worker::new(cfg.limits()),
                |worker, path| {
                    let result = run.one(worker, path, &ctx, &previous);
                    progress(&result.0);
                    result
                },
            )
            .collect()
    });
    let removed = run.settle_index(&mut index, &results);
    index.save(out)?;
    let skipped = found
        .skipped
        .iter()
        .map(|(p, reason)| Skipped {
            path: run.relative(p),
            origin: Origin::Folder,
            input: folder.clone(),
            reason: *reason,
        })
        .collect();
    let files = results.into_iter().map(|(r, _)| r).collect();
    let mut report = Report::new(&folder, files, skipped);
    report.removed = removed;
    let mut stored = Report::load(out);
    stored.replace_input(Origin::Folder, &report);
    stored.save(out)?;
    Ok(report)
}

/// One batch run over one input folder.
struct Run<'a> {
    input: &'a Path,
    /// The input folder, canonical.
    folder: &'a str,
    out: &'a Path,
    fingerprint: &'a str,
    force: bool,
}

impl Run<'_> {
    /// The form's path under the input folder, with `/` between names.
    fn relative(&self, path: &Path) -> String {
        let rel = path.strip_prefix(self.input).unwrap_or(path);
        rel.to_string_lossy().replace('\\', "/")
    }

    /// Converts one form (or finds it unchanged since the last run).
    fn one(
        &self,
        worker: &mut Worker,
        path: &Path,
        ctx: &Context<'_>,
        previous: &HashMap<&str, (&str, &Entry)>,
    ) -> (FileReport, Option<(String, Entry)>) {
        let source = Source {
            origin: Origin::Folder,
            input: self.folder.to_owned(),
            path: self.relative(path),
        };
        // A form that fails this time keeps the submission an earlier run made of it (a full
        // disk must not cost earlier results); its entry stays, so a later run tries again.
        let earlier = previous
            .get(source.path.as_str())
            .map(|(name, e)| ((*name).to_owned(), (*e).clone()));
        let failed = |e: crate::Error, sha| (FileReport::failed(&source, &e, sha), earlier.clone());
        let file = match form_file::read(path, &ctx.cfg.limits(), Links::Refuse) {
            Ok(f) => f,
            Err(e) => return failed(e, None),
        };
        let sha = file.sha256.clone();
        if let Some((name, e)) = previous.get(source.path.as_str())
            && self.reusable(name, e, &sha)
        {
            let r = FileReport::done(FileStatus::Unchanged, name, e);
            return (r, Some(((*name).to_owned(), (*e).clone())));
        }
        let submission = match worker.convert(file, path, ctx) {
            Ok(s) => s,
            Err(e) => return failed(e, Some(sha)),
        };
        match intake::store(self.out, &source, &sha, &submission, self.fingerprint) {
            Ok((name, entry)) => (
                FileReport::done(FileStatus::Converted, &name, &entry),
                Some((name, entry)),
            ),
            Err(e) => failed(e.in_file(Some(&path.display().to_string())), Some(sha)),
        }
    }

    /// True when the last run's submission of this form can stand.
    fn reusable(&self, name: &str, e: &Entry, sha: &str) -> bool {
        !self.force
            && e.sha256 == sha
            && e.config == self.fingerprint
            && ledger::output_intact(self.out, name, e)
    }

    /// Brings the index up to this run: this folder's submissions are the ones just made or
    /// kept; those of its forms now gone (or changed) are removed with their files. What
    /// other inputs (an inbox, uploads, another folder) brought stays.
    fn settle_index(
        &self,
        index: &mut Index,
        results: &[(FileReport, Option<(String, Entry)>)],
    ) -> Vec<String> {
        let mut keep: HashSet<String> = HashSet::new();
        for (name, entry) in results.iter().filter_map(|(_, e)| e.as_ref()) {
            keep.insert(name.clone());
            index.record(name.clone(), entry.clone());
        }
        let gone: Vec<String> = index
            .submissions
            .iter()
            .filter(|(name, e)| e.came_from(Origin::Folder, self.folder) && !keep.contains(*name))
            .map(|(name, _)| name.clone())
            .collect();
        let mut removed = Vec::new();
        for name in gone {
            index.submissions.remove(&name);
            let file = format!("{name}.json");
            let _ = std::fs::remove_file(self.out.join(SUBMISSIONS).join(&file));
            removed.push(file);
        }
        removed.sort();
        removed
    }
}

/// Temporary files a killed run may have left behind in `dir`.
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

    #[test]
    fn word_lock_files_hidden_files_and_other_files_are_not_forms() {
        for (name, reason) in [
            ("~$stermalm.docx", SkipReason::LockFile),
            ("~WRL0001.tmp", SkipReason::LockFile),
            (".DS_Store", SkipReason::Hidden),
            ("x.docx.part", SkipReason::Temporary),
            ("Thumbs.db", SkipReason::OtherExtension),
            ("notes.txt", SkipReason::OtherExtension),
            ("mail.eml", SkipReason::OtherExtension),
            ("index.json", SkipReason::OtherExtension),
            ("README", SkipReason::OtherExtension),
        ] {
            assert_eq!(skip_reason(name), Some(reason), "{name}");
        }
        for name in [
            "Östermalm T1.docx",
            "MALL.DOTX",
            "a.docm",
            "b.dotm",
            "gammal.doc",
            "brev.rtf",
            "x.odt",
            "scan.pdf",
        ] {
            assert_eq!(skip_reason(name), None, "{name}");
        }
    }
}
