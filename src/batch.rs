//! Converting the forms of a folder: finding them, converting each through the one per-form
//! path ([`crate::intake`]) in parallel, and recording in the output folder what was done
//! ([`crate::ledger`]) so that an unchanged form is not converted again.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use crate::assignments::Assignments;
use crate::config::Config;
use crate::form_file::{self, Links};
use crate::intake::{self, Context, Worker, skip_reason};
use crate::ledger::{
    self, Entry, FileReport, FileStatus, Index, Origin, Report, SUBMISSIONS, SkipReason, Skipped,
    Source,
};
use crate::lock::FolderLock;
use crate::output::clean_temporary_files;

/// What a folder holds: the files read as forms, and the others with why not.
#[derive(Debug, Default)]
pub struct Found {
    /// The files to read as forms, sorted (each path starts with the folder searched).
    pub forms: Vec<PathBuf>,
    /// The other files, each with why it is not read, sorted.
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
    /// The time of the run: saved dates are checked against it, and `report.json` and
    /// `index.json` record it as their `generatedAt`.
    pub now: SystemTime,
}

/// Converts every form under `input` into `out`, in parallel, applying the analyst's decisions
/// (`OUT/assignments.json`; one that cannot be read stops the run before it starts, as
/// `InvalidData`). `progress` is told each form read as it finishes (not those the analyst
/// excluded). A bad file never stops the run. The caller holds `out`'s lock
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
    let assignments = Assignments::load(out)?;
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
    let jobs = opts.jobs.max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(std::io::Error::other)?;
    // One worker per thread for the whole run, so that each reader's cache serves every form
    // its thread converts (rayon's `map_init` would make one per split of the work).
    let workers: Vec<Mutex<Worker>> = (0..jobs)
        .map(|_| Mutex::new(Worker::new(cfg.limits())))
        .collect();
    let prepared = cfg.prepare();
    let ctx = Context {
        cfg,
        prepared: &prepared,
        now: opts.now,
        assignments: &assignments,
    };
    let previous = index.from_input(Origin::Folder, &folder);
    let results: Vec<Handled> = pool.install(|| {
        found
            .forms
            .par_iter()
            .map(|path| {
                let thread = rayon::current_thread_index().unwrap_or(0) % jobs;
                // Only this thread takes this worker; a panic is caught inside the worker.
                let mut worker = workers[thread]
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let result = run.one(&mut worker, path, &ctx, &previous);
                if let (Met::Form(report), _) = &result {
                    progress(report);
                }
                result
            })
            .collect()
    });
    let removed = run.settle_index(&mut index, &results);
    index.save(out, opts.now)?;
    let mut skipped: Vec<Skipped> = found
        .skipped
        .iter()
        .map(|(p, reason)| Skipped {
            path: run.relative(p),
            origin: Origin::Folder,
            input: folder.clone(),
            reason: *reason,
            sha256: None,
            note: None,
        })
        .collect();
    let mut files = Vec::new();
    for (met, _) in results {
        match met {
            Met::Form(report) => files.push(report),
            Met::Excluded(s) => skipped.push(s),
        }
    }
    let mut report = Report::new(&folder, files, skipped);
    report.removed = removed;
    let mut stored = Report::load(out);
    stored.replace_input(Origin::Folder, &report);
    stored.save(out, opts.now)?;
    Ok(report)
}

/// What became of one form of the folder, and the submission that stands for it, if one
/// does.
type Handled = (Met, Option<(String, Entry)>);

/// What became of one form of the folder.
enum Met {
    /// Read as a form: converted, unchanged or failed.
    Form(FileReport),
    /// Kept out by the analyst's decision.
    Excluded(Skipped),
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

    /// Converts one form (or finds it unchanged since the last run, or excluded).
    fn one(
        &self,
        worker: &mut Worker,
        path: &Path,
        ctx: &Context<'_>,
        previous: &HashMap<&str, (&str, &Entry)>,
    ) -> Handled {
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
        let failed = |e: crate::Error, sha| {
            (
                Met::Form(ctx.failed(&source, path, &e, sha)),
                earlier.clone(),
            )
        };
        let file = match form_file::read(path, &ctx.cfg.limits(), Links::Refuse) {
            Ok(f) => f,
            Err(e) => return failed(e, None),
        };
        let sha = file.sha256.clone();
        if let Some(excluded) = intake::exclusion(ctx, &source, &sha) {
            return (Met::Excluded(excluded), None);
        }
        if let Some((name, e)) = previous.get(source.path.as_str())
            && self.reusable(name, e, &sha, ctx)
        {
            let r = FileReport::done(FileStatus::Unchanged, name, e);
            return (Met::Form(r), Some(((*name).to_owned(), (*e).clone())));
        }
        let submission = match worker.convert(file, path, ctx) {
            Ok(s) => s,
            Err(e) => return failed(e, Some(sha)),
        };
        match intake::store(self.out, &source, &sha, &submission, self.fingerprint) {
            Ok((name, entry)) => (
                Met::Form(FileReport::done(FileStatus::Converted, &name, &entry)),
                Some((name, entry)),
            ),
            Err(e) => failed(e.in_file(Some(&path.display().to_string())), Some(sha)),
        }
    }

    /// True when the last run's submission of this form can stand: the form, the
    /// configuration and the analyst's decision about it are what they were.
    fn reusable(&self, name: &str, e: &Entry, sha: &str, ctx: &Context<'_>) -> bool {
        !self.force
            && e.sha256 == sha
            && e.config == self.fingerprint
            && ctx.assignments.agree_with(e)
            && ledger::output_intact(self.out, name, e)
    }

    /// Brings the index up to this run: this folder's submissions are the ones just made or
    /// kept; those of its forms now gone, changed or excluded are removed with their files. What
    /// other inputs (an inbox, uploads, another folder) brought stays.
    fn settle_index(&self, index: &mut Index, results: &[Handled]) -> Vec<String> {
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
