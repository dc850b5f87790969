//! Uploaded forms on the one per-form path of `batch` and `watch` ([`blankett::Worker`]):
//! converted on a fixed set of worker threads, each owning one reused reader for the server's
//! life, so that a burst of uploads waits for a worker instead of starving the requests that
//! only read; then stored as `watch` stores a form (the submission under `OUT/submissions/`, `index.json` and
//! `report.json` updated, origin `upload`, the analyst's decisions in `OUT/assignments.json`
//! applied), the original kept under `OUT/originals/` by its SHA-256, and a [`RoundChanged`]
//! sent to whoever listens (the log, the page's event stream).

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};

use axum::http::StatusCode;
use serde::Serialize;
use tokio::sync::{Semaphore, broadcast, oneshot};

use blankett::{
    AnswerStatus, Assignments, Config, Context, FileReport, FileStatus, FormFile, FormOrigin,
    FormSource, Index, Limits, Prepared, Report, RespondentRef, SkipReason, Skipped, Submission,
    SubmissionWarning, Worker,
};

use super::problem::Problem;
use super::upload::Upload;

/// The folder under OUT where uploaded originals are kept, named by their SHA-256.
pub const ORIGINALS: &str = "originals";

/// The `input` the records give uploads: they come from no folder.
const UPLOAD_INPUT: &str = "upload";

/// Told after a form is stored, or recorded as failed: the round, or its status, has changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundChanged {
    /// The stored submission's id; `None` for a form that could not be read.
    pub submission: Option<String>,
    /// When.
    pub at: std::time::SystemTime,
}

/// What an upload gives back: the submission's id and what it holds, in short.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FormResult {
    /// The file's name as uploaded.
    pub file: String,
    /// The submission's id (its file name under `submissions/`, without `.json`).
    pub id: String,
    /// The respondent, when the form names one the registry knows.
    pub respondent: Option<RespondentRef>,
    /// The round, `2022-T1`, when known.
    pub round: Option<String>,
    /// How many questions are answered, unanswered and missing.
    pub counts: StatusCounts,
    /// The submission's warnings.
    pub warnings: Vec<SubmissionWarning>,
}

/// How many of a submission's answers have each status.
#[derive(Debug, Clone, Copy, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusCounts {
    /// Questions answered.
    pub answered: usize,
    /// Questions left unanswered (placeholder shown, or empty).
    pub unanswered: usize,
    /// Questions not found in the form.
    pub missing: usize,
}

impl StatusCounts {
    /// The counts of a submission's answers.
    pub fn of(s: &Submission) -> StatusCounts {
        let mut c = StatusCounts::default();
        for a in &s.answers {
            match a.status {
                AnswerStatus::Answered => c.answered += 1,
                AnswerStatus::Unanswered => c.unanswered += 1,
                _ => c.missing += 1,
            }
        }
        c
    }
}

/// The conversion side of the server: the configuration, the workers and the output folder.
pub struct Forms {
    out: PathBuf,
    cfg: &'static Config,
    prepared: Prepared<'static>,
    fingerprint: String,
    /// The analyst's decisions, read at start: `blankett assign` cannot change them while the
    /// server holds the folder.
    assignments: Assignments,
    /// The worker threads' queue; a permit of `permits` goes with each job, so that at most
    /// one job a worker is queued or running and the other requests wait without a thread.
    jobs: Arc<Queue>,
    permits: Arc<Semaphore>,
    /// How many permits there are: all of them free means no job is queued or running.
    workers: u32,
    /// Held while `index.json` and `report.json` are read, changed and written.
    ledger: Mutex<()>,
    /// Where changes are told; taken away when the server stops, which ends every
    /// subscription.
    events: Mutex<Option<broadcast::Sender<RoundChanged>>>,
    clock: fn() -> std::time::SystemTime,
}

impl Forms {
    /// `workers` workers converting under `cfg` into `out`, with the analyst's decisions of
    /// `out` (one that cannot be read is an `InvalidData` error). The configuration lives as
    /// long as the process (the prepared questionnaire borrows it for every conversion).
    pub fn new(
        out: PathBuf,
        cfg: &'static Config,
        workers: usize,
        clock: fn() -> std::time::SystemTime,
    ) -> std::io::Result<Forms> {
        let workers = u32::try_from(workers.max(1)).unwrap_or(u32::MAX);
        let jobs = start_workers(workers, cfg.limits())?;
        Ok(Forms {
            assignments: Assignments::load(&out)?,
            out,
            cfg,
            prepared: cfg.prepare(),
            fingerprint: cfg.fingerprint(),
            jobs,
            permits: Arc::new(Semaphore::new(workers as usize)),
            workers,
            ledger: Mutex::new(()),
            events: Mutex::new(Some(broadcast::channel(64).0)),
            clock,
        })
    }

    /// The configuration forms are converted under.
    pub fn config(&self) -> &'static Config {
        self.cfg
    }

    /// The output folder.
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// Tells of every change from now on, until the server stops.
    pub fn subscribe(&self) -> broadcast::Receiver<RoundChanged> {
        let events = self.events.lock().ok();
        match events.as_ref().and_then(|e| e.as_ref()) {
            Some(sender) => sender.subscribe(),
            // Stopping: a channel closed already.
            None => broadcast::channel(1).1,
        }
    }

    /// Tells whoever listens that the round has changed: `submission` stored, or (`None`) a
    /// form recorded as failed.
    pub fn changed(&self, submission: Option<String>) {
        let change = RoundChanged {
            submission,
            at: (self.clock)(),
        };
        if let Ok(events) = self.events.lock()
            && let Some(sender) = events.as_ref()
        {
            // No one listening is no error.
            let _ = sender.send(change);
        }
    }

    /// Ends every subscription: the server is stopping, and a page still listening would
    /// keep its connection, and so the server, from ever stopping.
    pub fn close_events(&self) {
        if let Ok(mut events) = self.events.lock() {
            events.take();
        }
    }

    /// Held while `index.json` and `report.json` are read, changed and written, by uploads and
    /// by the inbox the server watches alike.
    pub fn ledger(&self) -> &Mutex<()> {
        &self.ledger
    }

    /// Waits until no job is queued or running. At shutdown, after the last request was
    /// answered: a form whose client went away is still stored and recorded before the
    /// process ends.
    pub async fn finished(&self) {
        let _ = self.permits.acquire_many(self.workers).await;
    }

    /// Converts an uploaded form without storing anything.
    pub async fn convert(self: &Arc<Self>, form: Upload) -> Result<Submission, Problem> {
        let this = self.clone();
        let Upload { name, bytes, held } = form;
        self.on_worker(move |w| {
            // The bytes' room in the budget is given back once the conversion is done with them.
            let _held = held;
            this.convert_with(w, &name, bytes).map(|(s, _)| s)
        })
        .await
    }

    /// Converts an uploaded form and stores it, original and all.
    pub async fn upload(self: &Arc<Self>, form: Upload) -> Result<FormResult, Problem> {
        let this = self.clone();
        let Upload { name, bytes, held } = form;
        self.on_worker(move |w| {
            let _held = held;
            this.upload_with(w, name, bytes)
        })
        .await
    }

    /// Runs `job` on the next free worker thread, waiting for one when all are busy. The
    /// permit goes with the job: should the client go away meanwhile, the job still finishes
    /// (a form sent is stored and recorded), counted against the bound.
    async fn on_worker<T: Send + 'static>(
        self: &Arc<Self>,
        job: impl FnOnce(&mut Worker) -> Result<T, Problem> + Send + 'static,
    ) -> Result<T, Problem> {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Problem::internal("the server is stopping"))?;
        let (answer, answered) = oneshot::channel();
        let job: Job = Box::new(move |worker| {
            let result = job(worker);
            drop(permit);
            let _ = answer.send(result);
        });
        self.jobs
            .push(job)
            .map_err(|()| Problem::internal("the workers have stopped"))?;
        answered
            .await
            .map_err(|_| Problem::internal("a conversion stopped"))?
    }

    /// Converts on `worker`; the submission and the form's SHA-256, or the problem.
    fn convert_with(
        &self,
        worker: &mut Worker,
        file: &str,
        bytes: Vec<u8>,
    ) -> Result<(Submission, String), Problem> {
        let sha256 = blankett::sha256_hex(&bytes);
        let ctx = self.context();
        let form = FormFile {
            bytes,
            sha256: sha256.clone(),
            modified: None,
        };
        match worker.convert(form, Path::new(file), &ctx) {
            Ok(s) => Ok((s, sha256)),
            Err(e) => Err(Problem::conversion(&e, file)),
        }
    }

    /// Keeps the original, converts it on `worker`, stores the submission and records the
    /// result; a form that fails is recorded as failed in `report.json`.
    fn upload_with(
        &self,
        worker: &mut Worker,
        file: String,
        bytes: Vec<u8>,
    ) -> Result<FormResult, Problem> {
        let sha256 = blankett::sha256_hex(&bytes);
        self.keep_original(&file, &sha256, &bytes)?;
        let ctx = self.context();
        let form = FormFile {
            bytes,
            sha256: sha256.clone(),
            modified: None,
        };
        let source = FormSource {
            origin: FormOrigin::Upload,
            input: UPLOAD_INPUT.to_owned(),
            path: file.clone(),
        };
        if let Some(record) = blankett::exclusion(&ctx, &source, &sha256) {
            return Err(self.excluded(record));
        }
        let s = match worker.convert(form, Path::new(&file), &ctx) {
            Ok(s) => s,
            Err(e) => {
                let report = ctx.failed(&source, Path::new(&file), &e, Some(sha256));
                self.record(None, report)?;
                self.changed(None);
                return Err(Problem::conversion(&e, &file));
            }
        };
        let (id, entry) = blankett::store(&self.out, &source, &sha256, &s, &self.fingerprint)
            .map_err(|e| Problem::internal(e.to_string()))?;
        let report = FileReport::done(FileStatus::Converted, &id, &entry);
        self.record(Some((id.clone(), entry)), report)?;
        self.changed(Some(id.clone()));
        Ok(FormResult {
            file,
            id,
            counts: StatusCounts::of(&s),
            round: s.round.map(|r| r.to_string()),
            respondent: s.respondent,
            warnings: s.warnings,
        })
    }

    /// Records a form the analyst excluded (read, never converted) and says so.
    fn excluded(&self, record: Skipped) -> Problem {
        let detail = format!(
            "{}: {}{}",
            record.path,
            SkipReason::Excluded.describe(),
            record
                .note
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default()
        );
        let file = record.path.clone();
        let recorded = self.ledger.lock().map(|_held| {
            let mut report = Report::load(&self.out);
            report.record_skipped(record);
            report.save(&self.out, (self.clock)())
        });
        match recorded {
            Ok(Ok(())) => Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "excluded", detail)
                .in_file(Some(&file)),
            Ok(Err(e)) => Problem::internal(format!("cannot write report.json: {e}")),
            Err(_) => Problem::internal("the records are unavailable"),
        }
    }

    fn context(&self) -> Context<'_> {
        Context {
            cfg: self.cfg,
            prepared: &self.prepared,
            now: (self.clock)(),
            assignments: &self.assignments,
        }
    }

    /// Writes the uploaded bytes to `OUT/originals/<sha256>.<ext>` unless they are there.
    fn keep_original(&self, file: &str, sha256: &str, bytes: &[u8]) -> Result<(), Problem> {
        let ext = Path::new(file)
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .filter(|e| !e.is_empty() && e.chars().all(|c| c.is_ascii_alphanumeric()))
            .unwrap_or_else(|| "bin".to_owned());
        let target = self.out.join(ORIGINALS).join(format!("{sha256}.{ext}"));
        if target.is_file() {
            return Ok(());
        }
        std::fs::create_dir_all(self.out.join(ORIGINALS))
            .and_then(|()| blankett::write_atomic(&target, bytes))
            .map_err(|e| Problem::internal(format!("cannot keep the original: {e}")))
    }

    /// Records a result in `report.json` and a submission in `index.json`, one upload at a
    /// time, so that none is lost to another's write.
    fn record(
        &self,
        submission: Option<(String, blankett::Entry)>,
        file: FileReport,
    ) -> Result<(), Problem> {
        let _held = self
            .ledger
            .lock()
            .map_err(|_| Problem::internal("the records are unavailable"))?;
        let now = (self.clock)();
        let failed = |what: &str, e: std::io::Error| {
            Problem::internal(format!(
                "cannot write {what}: {}",
                e.to_string().to_lowercase()
            ))
        };
        if let Some((id, entry)) = submission {
            let mut index = Index::load(&self.out);
            index.record(id, entry);
            index
                .save(&self.out, now)
                .map_err(|e| failed("index.json", e))?;
        }
        let mut report = Report::load(&self.out);
        report.record(file);
        report
            .save(&self.out, now)
            .map_err(|e| failed("report.json", e))
    }
}

/// A job for a worker thread, with the worker it runs on.
type Job = Box<dyn FnOnce(&mut Worker) + Send>;

/// The jobs waiting for a worker thread. A condition variable wakes one idle thread a job (a
/// channel's receiver shared behind a mutex would wake two: the one taking the job, then the
/// next waiting for the mutex).
#[derive(Default)]
struct Queue {
    jobs: Mutex<VecDeque<Job>>,
    ready: Condvar,
}

impl Queue {
    /// Queues `job` and wakes one idle worker thread.
    fn push(&self, job: Job) -> Result<(), ()> {
        self.jobs.lock().map_err(|_| ())?.push_back(job);
        self.ready.notify_one();
        Ok(())
    }

    /// The next job, waiting for one.
    fn pop(&self) -> Option<Job> {
        let mut jobs = self.jobs.lock().ok()?;
        loop {
            if let Some(job) = jobs.pop_front() {
                return Some(job);
            }
            jobs = self.ready.wait(jobs).ok()?;
        }
    }
}

/// `n` worker threads taking jobs from one queue. Each keeps its worker, and so its reader's
/// caches and buffers, on one thread for the server's life: a blocking pool would hand
/// workers from thread to thread and start a new thread whenever a job came before the last
/// one's thread was idle again (the thread count grew to 26 for 2 workers under load).
fn start_workers(n: u32, limits: Limits) -> std::io::Result<Arc<Queue>> {
    let queue = Arc::new(Queue::default());
    for i in 0..n {
        let queue = queue.clone();
        std::thread::Builder::new()
            .name(format!("blankett-worker-{i}"))
            .spawn(move || work(&queue, limits))?;
    }
    Ok(queue)
}

/// One worker thread: runs jobs as they come, for the server's life. After a job that
/// panicked (its request answers that the conversion stopped) the thread goes on with a fresh
/// worker, since the old one's state is unknown.
fn work(queue: &Queue, limits: Limits) {
    let mut worker = Worker::new(limits);
    while let Some(job) = queue.pop() {
        if catch_unwind(AssertUnwindSafe(|| job(&mut worker))).is_err() {
            worker = Worker::new(limits);
        }
    }
}

/// The file name a client gave, as a name only: its last path component, without control
/// characters; it names the form in the records and is never a path.
pub fn file_name(given: &str) -> Option<String> {
    let last = given.rsplit(['/', '\\']).next().unwrap_or_default();
    let name: String = last.chars().filter(|c| !c.is_control()).collect();
    let name = name.trim();
    (!name.is_empty() && name != "." && name != "..").then(|| name.to_owned())
}

/// Why a file of this name is refused before it is read: it is not a Word file, nor one sent
/// by mistake for one (those are read, so that the sender hears what to send instead).
pub fn refused_name(file: &str) -> Option<Problem> {
    let reason = blankett::skip_reason(file)?;
    Some(
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "not-a-word-file",
            format!("{file}: {}; send the form as .docx", reason.describe()),
        )
        .in_file(Some(file)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn finished_waits_for_a_job_whose_client_went_away() {
        let out = tempfile::tempdir().unwrap();
        let cfg: &'static Config = Box::leak(Box::new(Config::builtin()));
        let forms = Arc::new(
            Forms::new(out.path().to_owned(), cfg, 1, std::time::SystemTime::now).unwrap(),
        );
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (started, has_started) = oneshot::channel();
        let request = tokio::spawn({
            let (forms, done) = (forms.clone(), done.clone());
            async move {
                forms
                    .on_worker(move |_| {
                        let _ = started.send(());
                        std::thread::sleep(std::time::Duration::from_millis(300));
                        done.store(true, std::sync::atomic::Ordering::SeqCst);
                        Ok(())
                    })
                    .await
            }
        });
        has_started.await.unwrap();
        request.abort();
        forms.finished().await;
        assert!(done.load(std::sync::atomic::Ordering::SeqCst));
    }

    #[test]
    fn jobs_run_on_the_workers_threads_only() {
        let jobs = start_workers(2, Limits::default()).unwrap();
        let (ran, on) = std::sync::mpsc::channel();
        for _ in 0..20 {
            let ran = ran.clone();
            jobs.push(Box::new(move |_| {
                let _ = ran.send(std::thread::current().id());
            }))
            .unwrap();
        }
        drop(ran);
        let threads: std::collections::HashSet<_> = on.iter().take(20).collect();
        assert!((1..=2).contains(&threads.len()), "{threads:?}");
        assert!(!threads.contains(&std::thread::current().id()));
    }

    #[test]
    fn a_job_that_panics_leaves_its_thread_working() {
        let jobs = start_workers(1, Limits::default()).unwrap();
        jobs.push(Box::new(|_| panic!("a job that panics (expected)")))
            .unwrap();
        let (ran, on) = std::sync::mpsc::channel();
        jobs.push(Box::new(move |_| ran.send(()).unwrap())).unwrap();
        on.recv_timeout(std::time::Duration::from_secs(10))
            .expect("the next job runs");
    }

    #[test]
    fn a_client_file_name_never_becomes_a_path() {
        assert_eq!(file_name("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(
            file_name("C:\\x\\Östermalm.docx").as_deref(),
            Some("Östermalm.docx")
        );
        assert_eq!(file_name("a\nb.docx").as_deref(), Some("ab.docx"));
        assert_eq!(file_name("dir/.."), None);
        assert_eq!(file_name(""), None);
    }

    #[test]
    fn only_word_files_and_mistaken_ones_are_read() {
        assert!(refused_name("x.docx").is_none());
        assert!(refused_name("x.doc").is_none());
        let p = refused_name("notes.txt").unwrap();
        assert_eq!(p.code, "not-a-word-file");
        assert_eq!(p.status, 422);
    }
}
