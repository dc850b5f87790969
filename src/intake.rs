//! The one path every form takes, whichever front end found it (`batch` in a folder, `watch`
//! in an inbox, an upload): read its file without trusting it, convert it inside a panic
//! boundary, name its submission and write it whole. Front ends only choose which files to
//! offer and what becomes of a form afterwards.
//!
//! ```text
//! path ─ form_file::read (regular file, size checked first, bounded read, hashed)
//!      ─ exclusion (the analyst's decision keeps the form out: skipped, never converted)
//!      ─ Worker::convert (read + map inside catch_unwind; dates checked against the clock;
//!                         the analyst's decision about the form applied)
//!      ─ output_name + write_submission (OUT/submissions/<name>.json, whole or not at all)
//! ```

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

use crate::assignments::Assignments;
use crate::config::Config;
use crate::error::{Error, ErrorKind};
use crate::form_file::{self, FormFile, Links};
use crate::ledger::{Entry, FileReport, SUBMISSIONS, SkipReason, Skipped, Source};
use crate::mapping::{Options as MapOptions, Prepared};
use crate::output::rfc3339;
use crate::submission::{Submission, SubmissionWarning};
use crate::warning_code::WarningCode;
use crate::{Limits, Reader, output};

/// What a conversion is measured against: the configuration, prepared once, and the clock.
pub struct Context<'a> {
    /// The configuration forms are converted under.
    pub cfg: &'a Config,
    /// Its questionnaire and registry prepared for mapping ([`Config::prepare`]).
    pub prepared: &'a Prepared<'a>,
    /// The time of the conversion; a document claiming to be saved more than a day later is
    /// not believed.
    pub now: SystemTime,
    /// The analyst's decisions about single forms of the output folder
    /// (`OUT/assignments.json`); none for a form converted on its own.
    pub assignments: &'a Assignments,
}

impl Context<'_> {
    /// The report of a form at `path` (`source` in the records) that could not be converted:
    /// what went wrong, and the round and respondent its path names (or the run gives), as a
    /// read form's are found when it says nothing itself; `status` shows the failure under that
    /// respondent.
    pub fn failed(
        &self,
        source: &Source,
        path: &Path,
        e: &Error,
        sha256: Option<String>,
    ) -> FileReport {
        let mut report = FileReport::failed(source, e, sha256);
        let opts = MapOptions {
            variant: None,
            round: self.cfg.round(),
            respondent: self.cfg.respondent(),
            path: Some(path),
        };
        let (round, respondent) = self.prepared.by_path(&opts);
        report.round = round.map(|r| r.to_string());
        report.respondent = respondent.map(|r| r.id.clone());
        report
    }
}

/// A saved date this far after the conversion is not believed (clocks and zones differ by
/// hours, not days).
const FUTURE_TOLERANCE: Duration = Duration::from_secs(24 * 60 * 60);

/// Converts forms one after the other; one per worker thread. After a panic its reader is
/// replaced, cache and all, since what the cache remembers may be half updated.
pub struct Worker {
    reader: Reader,
    limits: Limits,
}

impl Worker {
    /// A worker whose reader reads within `limits`.
    pub fn new(limits: Limits) -> Self {
        Worker {
            reader: Reader::new(limits),
            limits,
        }
    }

    /// Reads the form at `path` (named by the user: a link to it is followed) and converts it.
    pub fn convert_path(&mut self, path: &Path, ctx: &Context<'_>) -> Result<Submission, Error> {
        let file = form_file::read(path, &self.limits, Links::Follow)?;
        self.convert(file, path, ctx)
    }

    /// Converts a form already read. A panic anywhere in reading or mapping becomes this
    /// form's `internal-error`, and the run goes on.
    pub fn convert(
        &mut self,
        file: FormFile,
        path: &Path,
        ctx: &Context<'_>,
    ) -> Result<Submission, Error> {
        let name = path.display().to_string();
        let reader = &mut self.reader;
        let converted = catch_unwind(AssertUnwindSafe(|| {
            fault_injection(path);
            to_submission(reader, file, path, ctx)
        }));
        match converted {
            Ok(result) => result,
            Err(payload) => {
                self.reader = Reader::new(self.limits);
                Err(Error::new(ErrorKind::Internal {
                    message: panic_message(payload.as_ref()),
                })
                .in_file(Some(&name)))
            }
        }
    }
}

fn to_submission(
    reader: &mut Reader,
    file: FormFile,
    path: &Path,
    ctx: &Context<'_>,
) -> Result<Submission, Error> {
    let name = path.display().to_string();
    let doc = reader.read_hashed_bytes(file.bytes, file.sha256, Some(&name))?;
    let cfg = ctx.cfg;
    let opts = MapOptions {
        variant: cfg.variant(),
        round: cfg.round(),
        respondent: cfg.respondent(),
        path: Some(path),
    };
    // The options were checked when the configuration was made; should mapping still refuse
    // them, this form fails, nothing else.
    let mut s = ctx
        .prepared
        .map_owned_with(doc, &opts, reader.text_keys())
        .map_err(|e| {
            Error::new(ErrorKind::Internal {
                message: e.to_string(),
            })
            .in_file(Some(&name))
        })?;
    if !s.holds_a_question() {
        return Err(Error::new(ErrorKind::NotAForm).in_file(Some(&name)));
    }
    s.source.file_modified = file.modified.map(rfc3339);
    check_saved_date(&mut s, ctx.now);
    if cfg.redact_contact() {
        s.redact_contact();
    }
    ctx.assignments.apply(&mut s);
    Ok(s)
}

/// What to record of a form the analyst excluded from the output folder (read, never
/// converted); `None` when no decision keeps it out.
pub fn exclusion(ctx: &Context<'_>, source: &Source, sha256: &str) -> Option<Skipped> {
    let decision = ctx.assignments.exclusion(sha256)?;
    Some(Skipped {
        path: source.path.clone(),
        origin: source.origin,
        input: source.input.clone(),
        reason: SkipReason::Excluded,
        sha256: Some(sha256.to_owned()),
        note: decision.note.clone(),
    })
}

/// Warns (`saved-in-future`) when the document says it was saved more than a day after it
/// was converted: such a date would let a forged or misset form supersede later ones.
fn check_saved_date(s: &mut Submission, now: SystemTime) {
    let Some(saved) = s.source.modified.as_deref() else {
        return;
    };
    let Ok(saved_at) = saved.parse::<jiff::Timestamp>() else {
        return;
    };
    let Ok(limit) = jiff::Timestamp::try_from(now + FUTURE_TOLERANCE) else {
        return;
    };
    if saved_at > limit {
        s.warnings.push(SubmissionWarning {
            code: WarningCode::SavedInFuture,
            message: format!(
                "the document says it was saved {saved}, after it was read ({}); that date does not decide which of a respondent's forms is the latest, the file's own time does",
                rfc3339(now)
            ),
            question_id: None,
        });
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

/// The text a panic carried.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with no message".to_owned()
    }
}

/// Tests of the panic boundary need a panic on demand in a real (release) binary:
/// `BLANKETT_FAULT_PANIC=<text>` panics on every form whose path holds that text. Unset, as
/// everywhere but in those tests, it costs one look-up per run.
fn fault_injection(path: &Path) {
    static FAULT: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let fault = FAULT.get_or_init(|| std::env::var("BLANKETT_FAULT_PANIC").ok());
    if let Some(needle) = fault
        && !needle.is_empty()
        && path.to_string_lossy().contains(needle.as_str())
    {
        panic!("fault injected for a test (BLANKETT_FAULT_PANIC)");
    }
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
    let tag = &crate::hash::hex(&h.finalize())[..8];
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

/// Names the submission of the form at `source` and writes it into `out`; returns its name and
/// the index entry that records where it came from. `config` is the configuration's
/// fingerprint.
pub fn store(
    out: &Path,
    source: &Source,
    sha256: &str,
    s: &Submission,
    config: &str,
) -> Result<(String, Entry), Error> {
    let name = output_name(Path::new(&source.path), sha256);
    let bytes = write_submission(out, &name, s)?;
    Ok((name.clone(), Entry::new(source, sha256, s, bytes, config)))
}

/// Writes a submission as `OUT/submissions/<name>.json`, whole or not at all; returns its
/// length. Not flushed to disk one by one: the index, written durably after, records the
/// length, so one lost to a power cut is converted again.
pub fn write_submission(out: &Path, name: &str, s: &Submission) -> Result<u64, Error> {
    let target = out.join(SUBMISSIONS).join(format!("{name}.json"));
    output::write_json(&target, s, false).map_err(|e| {
        Error::new(ErrorKind::Io(format!(
            "cannot write {}: {}",
            target.display(),
            e.to_string().to_lowercase()
        )))
    })
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
    fn a_panic_message_is_kept_whatever_its_type() {
        let p = catch_unwind(|| panic!("plain")).unwrap_err();
        assert_eq!(panic_message(p.as_ref()), "plain");
        let p = catch_unwind(|| panic!("formatted {}", 1)).unwrap_err();
        assert_eq!(panic_message(p.as_ref()), "formatted 1");
    }

    fn submission_saved(modified: Option<&str>) -> Submission {
        let cfg = Config::builtin();
        let prepared = cfg.prepare();
        let doc = crate::read_path(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/forms/ostermalm-2022-T1.docx"),
        )
        .unwrap();
        let mut s = prepared.map_owned(doc, &MapOptions::default()).unwrap();
        s.source.modified = modified.map(str::to_owned);
        s
    }

    fn warned(s: &Submission) -> bool {
        s.warnings
            .iter()
            .any(|w| w.code == WarningCode::SavedInFuture)
    }

    #[test]
    fn a_saved_date_over_a_day_after_the_conversion_is_not_believed() {
        let now: SystemTime = "2022-05-01T12:00:00Z"
            .parse::<jiff::Timestamp>()
            .unwrap()
            .into();
        for (saved, future) in [
            (Some("2022-05-02T11:59:59Z"), false),
            (Some("2022-05-02T12:00:01Z"), true),
            (Some("2022-05-02T13:59:59+02:00"), false),
            (Some("2022-05-02T14:00:01+02:00"), true),
            (Some("2099-12-31T00:00:00Z"), true),
            (Some("not a date"), false),
            (None, false),
        ] {
            let mut s = submission_saved(saved);
            check_saved_date(&mut s, now);
            assert_eq!(warned(&s), future, "{saved:?}");
        }
    }

    #[test]
    fn times_are_written_in_utc_to_the_second() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_millis(1_650_463_920_400);
        assert_eq!(rfc3339(t), "2022-04-20T14:12:00Z");
    }

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
