//! Watching an inbox folder where forms are dropped (by hand, by a mail rule, on a file share).
//!
//! A form is converted once it has stopped changing for a while (a copy in progress is not a
//! broken file), through the one per-form path ([`crate::intake`]) `batch` uses too; its
//! submission is written to `OUT/submissions/` whole or not at all, then the form is moved to
//! `INBOX/processed/`. A form that cannot be read is moved to `INBOX/failed/`, and a readable
//! `*.error.txt` is written beside it after it (so `failed/` never holds an error without its
//! form). A form the analyst excluded (`OUT/assignments.json`) is moved to
//! `INBOX/processed/` unconverted. What happened to each file goes into `OUT/report.json`, each
//! submission's origin into `OUT/index.json`, as with `batch`.
//!
//! Crash safety comes from the order of the steps and from content-addressed names: the
//! submission's name is derived from the form's name and content, so a form converted again
//! after a crash (between writing its submission and moving it) overwrites the same file with
//! the same content rather than adding a second result; the move is a rename; temporary files
//! a killed run left behind are removed at start.
//!
//! A form that vanishes or changes while it is read is looked at again on the next change;
//! nothing a single form does stops the watch. The loop sleeps until a change notice or the
//! poll interval: its own reads of the inbox are not changes.

mod inbox;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError, mpsc};
use std::time::{Duration, Instant, SystemTime};

use crate::assignments::Assignments;
use crate::config::Config;
use crate::error::{Error, ErrorKind};
use crate::intake::{self, Context, Worker};
use crate::ledger::{
    Entry, FileReport, FileStatus, Index, Origin, Report, SUBMISSIONS, SkipReason, Skipped, Source,
};
use crate::lock::{self, FolderLock, LockError};
use crate::mapping::Prepared;
use crate::output;
use crate::output::clean_temporary_files;
use inbox::{inbox_files, move_into, read_unchanged, unique_name};

/// How to watch.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The folder forms are dropped into; converted forms move to its `processed/`, unreadable ones
    /// to its `failed/`.
    pub inbox: PathBuf,
    /// The output folder: `submissions/`, `index.json`, `report.json`, and `round.json` with
    /// `consolidate`.
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
    /// The clock: saved dates are checked against it, and `generatedAt` in `report.json`,
    /// `index.json` and `round.json` is its time.
    pub clock: fn() -> SystemTime,
}

/// What happened to a form.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// A form was converted and its submission written; the form is moved to `processed/`.
    Converted {
        /// The form's file name in the inbox.
        form: String,
        /// The submission written, relative to the output folder (`submissions/<name>.json`).
        submission: String,
        /// The respondent's registry id, when the submission names one.
        respondent: Option<String>,
    },
    /// A form could not be read or converted; it is moved to `failed/` with a `.error.txt` beside
    /// it.
    Failed {
        /// The form's file name in the inbox.
        form: String,
        /// The error in one line: what is wrong and what to do.
        message: String,
    },
    /// A file in the inbox that is not converted: no form, or a form the analyst excluded
    /// (told once).
    Skipped {
        /// The file's name in the inbox.
        form: String,
        /// Why it is not read.
        reason: SkipReason,
    },
    /// Something in the output folder or the inbox could not be written; the form waits.
    Trouble {
        /// The name in the inbox of the file concerned.
        form: String,
        /// What could not be done, and why (`cannot write report.json: …`).
        message: String,
    },
    /// `OUT/round.json` was written anew (with `consolidate`).
    Consolidated {
        /// How many submissions it was made from.
        submissions: usize,
    },
}

/// What a watch did, for its closing line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Forms converted.
    pub converted: usize,
    /// Forms that could not be converted, moved to `failed/`.
    pub failed: usize,
    /// Files in the inbox not read as forms, each counted once.
    pub skipped: usize,
}

/// The locks a watch holds: its output folder and its inbox (one lock when they are one
/// folder).
#[derive(Debug)]
pub struct Locks {
    _out: FolderLock,
    _inbox: Option<FolderLock>,
}

impl Locks {
    /// Locks the output folder (created when missing) and the inbox for `watch`; refused, naming
    /// the holder, when another blankett holds either.
    pub fn acquire(s: &Settings) -> Result<Locks, LockError> {
        Locks::acquire_for(s, "watch")
    }

    /// Locks them for `command` (`watch`, `serve`), which the lock files name.
    pub fn acquire_for(s: &Settings, command: &str) -> Result<Locks, LockError> {
        std::fs::create_dir_all(&s.out).map_err(|e| LockError::Io {
            folder: s.out.display().to_string(),
            detail: e.to_string().to_lowercase(),
        })?;
        let out = lock::acquire(&s.out, command)?;
        let same = std::fs::canonicalize(&s.out).ok() == std::fs::canonicalize(&s.inbox).ok();
        let inbox = if same {
            None
        } else {
            Some(lock::acquire(&s.inbox, command)?)
        };
        Ok(Locks {
            _out: out,
            _inbox: inbox,
        })
    }
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

/// The inbox's subfolder converted forms are moved to.
pub const PROCESSED: &str = "processed";
/// The inbox's subfolder forms that cannot be read are moved to, each with its `.error.txt`.
pub const FAILED: &str = "failed";

/// Watches until `stop` is set (or, with `once`, until the inbox is handled), applying the
/// analyst's decisions (`OUT/assignments.json`, read once: no one else writes it while the
/// watch holds the folder; one that cannot be read is an `InvalidData` error before anything
/// is done). The caller holds the [`Locks`].
pub fn watch(
    cfg: &Config,
    s: &Settings,
    locks: &Locks,
    stop: &AtomicBool,
    on_event: &mut dyn FnMut(&Event),
) -> std::io::Result<Summary> {
    let records = Mutex::new(());
    Watch::start(cfg, s, locks, &records)?.run(stop, on_event)
}

/// A watch made ready, then run: [`watch`] in two steps, for a process in which the watch is
/// not the output folder's only writer (a server that stores uploads there too). Starting
/// tidies the output folder, so the other writers begin once it has started; while it runs,
/// `OUT/index.json` and `OUT/report.json` are read, changed and written only under the
/// records lock it shares with them, so none loses another's change.
pub struct Watch<'a> {
    watcher: Watcher<'a>,
    prepared: Prepared<'a>,
    assignments: Assignments,
    notices: mpsc::Receiver<()>,
    wake: mpsc::Sender<()>,
    _notifier: Option<notify::RecommendedWatcher>,
}

/// Wakes a running [`Watch`] from another thread, so that it looks at its `stop` now rather
/// than at the end of its sleep.
#[derive(Debug, Clone)]
pub struct Wakeup(mpsc::Sender<()>);

impl Wakeup {
    /// Wakes the watch; a watch that has ended is not woken.
    pub fn wake(&self) {
        let _ = self.0.send(());
    }
}

impl<'a> Watch<'a> {
    /// Makes the inbox's `processed/` and `failed/` and `OUT/submissions/`, removes the
    /// temporary files a killed run left in them and in OUT, reads the analyst's decisions
    /// (one that cannot be read is an `InvalidData` error) and listens for changes of the
    /// inbox. `records` is held whenever `OUT/index.json` or `OUT/report.json` is read,
    /// changed and written. The caller holds the [`Locks`].
    pub fn start(
        cfg: &'a Config,
        s: &'a Settings,
        _locks: &Locks,
        records: &'a Mutex<()>,
    ) -> std::io::Result<Watch<'a>> {
        let processed = s.inbox.join(PROCESSED);
        let failed = s.inbox.join(FAILED);
        let subs = s.out.join(SUBMISSIONS);
        for d in [&processed, &failed, &subs] {
            std::fs::create_dir_all(d)?;
        }
        for d in [&processed, &failed, &subs, &s.out] {
            clean_temporary_files(d);
        }
        let assignments = Assignments::load(&s.out)?;
        let (wake, notices) = mpsc::channel();
        let notifier = inbox::change_notices(&s.inbox, wake.clone());
        let watcher = Watcher {
            cfg,
            s,
            records,
            worker: Worker::new(cfg.limits()),
            inbox: std::fs::canonicalize(&s.inbox)?
                .to_string_lossy()
                .into_owned(),
            fingerprint: cfg.fingerprint(),
            seen: HashMap::new(),
            told_skipped: HashSet::new(),
            summary: Summary::default(),
        };
        Ok(Watch {
            watcher,
            prepared: cfg.prepare(),
            assignments,
            notices,
            wake,
            _notifier: notifier,
        })
    }

    /// What wakes this watch once it runs.
    pub fn wakeup(&self) -> Wakeup {
        Wakeup(self.wake.clone())
    }

    /// Watches until `stop` is set (or, with `once`, until the inbox is handled). A form in
    /// hand when `stop` is set is finished (its submission written, recorded and the form
    /// moved); no other is begun.
    pub fn run(
        mut self,
        stop: &AtomicBool,
        on_event: &mut dyn FnMut(&Event),
    ) -> std::io::Result<Summary> {
        let (cfg, s) = (self.watcher.cfg, self.watcher.s);
        let mut changed = true;
        while !stop.load(Ordering::Relaxed) {
            let ctx = Context {
                cfg,
                prepared: &self.prepared,
                now: (s.clock)(),
                assignments: &self.assignments,
            };
            let pass = self.watcher.pass(&ctx, stop, on_event)?;
            if (changed || pass.did) && s.consolidate {
                consolidate(cfg, s, on_event)?;
            }
            changed = false;
            if s.once && pass.waiting == 0 {
                break;
            }
            // Sleep until a notice or the poll interval; files still settling are looked at
            // again soon.
            let wait = if pass.waiting > 0 {
                s.settle.min(s.poll).max(Duration::from_millis(20))
            } else {
                s.poll
            };
            let _ = self.notices.recv_timeout(wait);
            while self.notices.try_recv().is_ok() {}
        }
        Ok(self.watcher.summary)
    }
}

/// Writes `OUT/round.json` from the submissions there.
fn consolidate(
    cfg: &Config,
    s: &Settings,
    on_event: &mut dyn FnMut(&Event),
) -> std::io::Result<()> {
    let (subs_list, _) = crate::ledger::load_submissions(std::slice::from_ref(&s.out));
    let n = subs_list.len();
    let round = crate::round::consolidate(
        subs_list,
        cfg.questionnaire(),
        cfg.registry(),
        &crate::round::Options {
            round: cfg.round().and_then(|r| r.parse().ok()),
            expected: None,
            redact_contact: cfg.redact_contact(),
            now: Some((s.clock)()),
        },
    );
    output::write_atomic(&s.out.join("round.json"), &output::to_json(&round))?;
    on_event(&Event::Consolidated { submissions: n });
    Ok(())
}

/// What one look at the inbox did.
struct Pass {
    did: bool,
    /// Files still settling or given time to arrive.
    waiting: usize,
}

/// The state of a watch between looks at the inbox.
struct Watcher<'a> {
    cfg: &'a Config,
    s: &'a Settings,
    /// Held while the records (`index.json`, `report.json`) are read, changed and written.
    records: &'a Mutex<()>,
    worker: Worker,
    /// The inbox, canonical, as the records name it.
    inbox: String,
    fingerprint: String,
    seen: HashMap<PathBuf, Seen>,
    told_skipped: HashSet<String>,
    summary: Summary,
}

enum Outcome {
    Done,
    Retry,
}

impl Watcher<'_> {
    /// Looks at every file in the inbox once, or until `stop` is set.
    fn pass(
        &mut self,
        ctx: &Context<'_>,
        stop: &AtomicBool,
        on_event: &mut dyn FnMut(&Event),
    ) -> std::io::Result<Pass> {
        let now = Instant::now();
        let (forms, skipped) = inbox_files(&self.s.inbox)?;
        self.skipped(skipped, on_event);
        self.seen.retain(|p, _| forms.contains(p));
        let mut pass = Pass {
            did: false,
            waiting: 0,
        };
        for path in &forms {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            let Some(entry) = self.settled(path, now) else {
                pass.waiting += 1;
                continue;
            };
            let failed_before = entry.failed_at.is_some();
            match self.handle(path, ctx, failed_before, on_event) {
                Outcome::Done => pass.did = true,
                Outcome::Retry => {
                    if let Some(e) = self.seen.get_mut(path) {
                        e.failed_at = Some(now);
                    }
                    pass.waiting += 1;
                }
            }
        }
        Ok(pass)
    }

    /// The file's record when it has stayed unchanged long enough to be read.
    fn settled(&mut self, path: &Path, now: Instant) -> Option<Seen> {
        let meta = std::fs::symlink_metadata(path).ok()?;
        let (len, modified) = (meta.len(), meta.modified().ok());
        let entry = self.seen.entry(path.to_path_buf()).or_insert(Seen {
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
        if now.duration_since(entry.since) < self.s.settle {
            return None;
        }
        if let Some(at) = entry.failed_at
            && now.duration_since(at) < self.s.grace
        {
            return None;
        }
        Some(*entry)
    }

    /// Tells and records, once each, the files in the inbox that are not forms.
    fn skipped(&mut self, skipped: Vec<(String, SkipReason)>, on_event: &mut dyn FnMut(&Event)) {
        for (name, reason) in skipped {
            if !self.told_skipped.insert(name.clone()) {
                continue;
            }
            self.summary.skipped += 1;
            let record = Skipped {
                path: name.clone(),
                origin: Origin::Inbox,
                input: self.inbox.clone(),
                reason,
                sha256: None,
                note: None,
            };
            let saved = {
                let _held = self.hold_records();
                let mut report = Report::load(&self.s.out);
                report.record_skipped(record);
                report.save(&self.s.out, (self.s.clock)())
            };
            if let Err(e) = saved {
                self.trouble(&name, "write report.json", &e, on_event);
            }
            on_event(&Event::Skipped { form: name, reason });
        }
    }

    /// Converts one settled form and moves it; never stops the watch.
    fn handle(
        &mut self,
        path: &Path,
        ctx: &Context<'_>,
        failed_before: bool,
        on_event: &mut dyn FnMut(&Event),
    ) -> Outcome {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let file = match read_unchanged(path, &self.cfg.limits()) {
            Ok(Some(f)) => f,
            // Gone (moved by someone), locked or changed while read: look again later.
            Ok(None) => return Outcome::Retry,
            Err(e) => return self.failed(path, &name, e, None, ctx, on_event),
        };
        let sha = file.sha256.clone();
        if let Some(record) = intake::exclusion(ctx, &self.source(&name), &sha) {
            return self.excluded(path, &name, record, on_event);
        }
        match self.worker.convert(file, path, ctx) {
            Ok(submission) => self.converted(path, &name, &sha, submission, on_event),
            Err(e) => {
                // A copy in progress looks like a damaged or empty file: give it time.
                let maybe_arriving = matches!(
                    e.kind,
                    ErrorKind::Empty | ErrorKind::DamagedZip { .. } | ErrorKind::NotZip { .. }
                );
                if maybe_arriving && !failed_before && !self.s.grace.is_zero() {
                    return Outcome::Retry;
                }
                self.failed(path, &name, e, Some(sha), ctx, on_event)
            }
        }
    }

    fn converted(
        &mut self,
        path: &Path,
        name: &str,
        sha: &str,
        submission: crate::submission::Submission,
        on_event: &mut dyn FnMut(&Event),
    ) -> Outcome {
        let (out_name, entry) = match intake::store(
            &self.s.out,
            &self.source(name),
            sha,
            &submission,
            &self.fingerprint,
        ) {
            Ok(stored) => stored,
            Err(e) => {
                // A full disk or a removed output folder: the form stays and is tried again.
                on_event(&Event::Trouble {
                    form: name.to_owned(),
                    message: e.to_string(),
                });
                return Outcome::Retry;
            }
        };
        let report = FileReport::done(FileStatus::Converted, &out_name, &entry);
        self.record(name, Some((out_name.clone(), entry)), report, on_event);
        self.to_processed(path, name, on_event);
        self.summary.converted += 1;
        on_event(&Event::Converted {
            form: name.to_owned(),
            submission: format!("{SUBMISSIONS}/{out_name}.json"),
            respondent: submission.respondent.map(|r| r.id),
        });
        Outcome::Done
    }

    /// Records a form the analyst excluded and moves it to `processed/`: it has been dealt
    /// with, and is not read again.
    fn excluded(
        &mut self,
        path: &Path,
        name: &str,
        record: Skipped,
        on_event: &mut dyn FnMut(&Event),
    ) -> Outcome {
        let saved = {
            let _held = self.hold_records();
            let mut report = Report::load(&self.s.out);
            report.record_skipped(record);
            report.save(&self.s.out, (self.s.clock)())
        };
        if let Err(e) = saved {
            self.trouble(name, "write report.json", &e, on_event);
            return Outcome::Retry;
        }
        self.to_processed(path, name, on_event);
        self.summary.skipped += 1;
        on_event(&Event::Skipped {
            form: name.to_owned(),
            reason: SkipReason::Excluded,
        });
        Outcome::Done
    }

    /// Moves a form that cannot be read to `failed/`, then writes the error beside it.
    fn failed(
        &mut self,
        path: &Path,
        name: &str,
        e: Error,
        sha: Option<String>,
        ctx: &Context<'_>,
        on_event: &mut dyn FnMut(&Event),
    ) -> Outcome {
        let failed = self.s.inbox.join(FAILED);
        let final_name = unique_name(&failed, name);
        match std::fs::rename(path, failed.join(&final_name)) {
            Ok(()) => {}
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Outcome::Retry,
            Err(err) => {
                self.trouble(name, "move it to failed/", &err, on_event);
                return Outcome::Retry;
            }
        }
        let text = format!(
            "{name} could not be converted.\n\n{e}\n\nError code: {}\n",
            e.code()
        );
        if let Err(err) = output::write_atomic(
            &failed.join(format!("{final_name}.error.txt")),
            text.as_bytes(),
        ) {
            self.trouble(name, "write its .error.txt", &err, on_event);
        }
        let report = ctx.failed(&self.source(name), path, &e, sha);
        self.record(name, None, report, on_event);
        self.summary.failed += 1;
        on_event(&Event::Failed {
            form: name.to_owned(),
            message: e.to_string(),
        });
        Outcome::Done
    }

    /// Where a form in the inbox came from, as the records say it.
    fn source(&self, name: &str) -> Source {
        Source {
            origin: Origin::Inbox,
            input: self.inbox.clone(),
            path: name.to_owned(),
        }
    }

    /// Records a form's result in `report.json` and its submission in `index.json`.
    fn record(
        &mut self,
        name: &str,
        submission: Option<(String, Entry)>,
        file: FileReport,
        on_event: &mut dyn FnMut(&Event),
    ) {
        let _held = self.hold_records();
        if let Some((out_name, entry)) = submission {
            let mut index = Index::load(&self.s.out);
            index.record(out_name, entry);
            if let Err(e) = index.save(&self.s.out, (self.s.clock)()) {
                self.trouble(name, "write index.json", &e, on_event);
            }
        }
        let mut report = Report::load(&self.s.out);
        report.record(file);
        if let Err(e) = report.save(&self.s.out, (self.s.clock)()) {
            self.trouble(name, "write report.json", &e, on_event);
        }
    }

    /// The records to this watch until the guard is dropped. A writer that panicked while
    /// holding them left nothing half-written (each file is written whole), so the lock is
    /// taken all the same.
    fn hold_records(&self) -> MutexGuard<'_, ()> {
        self.records.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Moves a form that has been dealt with into `processed/`. One gone already (someone took
    /// it away) is no trouble: what was recorded of it stands all the same.
    fn to_processed(&self, path: &Path, name: &str, on_event: &mut dyn FnMut(&Event)) {
        if let Err(e) = move_into(path, &self.s.inbox.join(PROCESSED), name)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            self.trouble(name, "move it to processed/", &e, on_event);
        }
    }

    fn trouble(
        &self,
        name: &str,
        what: &str,
        e: &std::io::Error,
        on_event: &mut dyn FnMut(&Event),
    ) {
        on_event(&Event::Trouble {
            form: name.to_owned(),
            message: format!("cannot {what}: {}", e.to_string().to_lowercase()),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// A watch sleeps up to its poll interval between looks; woken, it sees `stop` at once.
    #[test]
    fn a_woken_watch_stops_without_waiting_out_its_poll() {
        let dir = tempfile::tempdir().unwrap();
        let s = Settings {
            inbox: dir.path().join("inkorg"),
            out: dir.path().join("ut"),
            settle: Duration::ZERO,
            poll: Duration::from_secs(3600),
            grace: Duration::ZERO,
            consolidate: false,
            once: false,
            clock: SystemTime::now,
        };
        std::fs::create_dir_all(&s.inbox).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let (woken, wakeup) = mpsc::channel();
        let (ended, done) = mpsc::channel();
        // Not a scoped thread: were the watch to sleep on, the test fails rather than waits.
        std::thread::spawn({
            let stop = stop.clone();
            move || {
                let cfg = Config::builtin();
                let locks = Locks::acquire(&s).unwrap();
                let records = Mutex::new(());
                let watch = Watch::start(&cfg, &s, &locks, &records).unwrap();
                woken.send(watch.wakeup()).unwrap();
                let summary = watch.run(&stop, &mut |_| {});
                ended.send(summary.is_ok()).unwrap();
            }
        });
        let wakeup = wakeup.recv().unwrap();
        std::thread::sleep(Duration::from_millis(200));
        stop.store(true, Ordering::Relaxed);
        wakeup.wake();
        assert_eq!(done.recv_timeout(Duration::from_secs(20)), Ok(true));
    }
}
