//! blankett turns returned Word forms into normalized JSON.
//!
//! The reader finds every content control and legacy form field in a `.docx` (`.docm`,
//! `.dotx`, `.dotm`), with its properties, its visible text and whether it still shows its
//! placeholder, and keeps the document flow around the controls:
//!
//! ```no_run
//! let doc = blankett::read_path("Östermalm T1.docx".as_ref())?;
//! for c in &doc.controls {
//!     println!("{:?} {:?} {}: {}", c.tag, c.alias, c.status.name(), c.text);
//! }
//! # Ok::<(), blankett::Error>(())
//! ```
//!
//! [`map`] (or a [`Prepared`] questionnaire, for many forms) turns a [`Document`] into a
//! [`Submission`]: every question of the questionnaire answered, unanswered or missing.
//! [`consolidate`] merges a round's submissions into a [`Round`], which [`write_exports`] writes
//! as JSON, CSV, XLSX, Markdown and Word; [`round_status`] says who has answered it, whose form
//! failed and whom to remind at which address. [`run_batch`] and [`watch`] convert whole folders
//! through one per-form path ([`Worker`]), recording what they did in the output folder
//! ([`Index`], [`Report`]) and applying the analyst's decisions about single forms
//! ([`Assignments`], written by `blankett assign` through [`apply_stored`]); [`redact`] removes
//! the contact details from an output folder once its round is done. [`plan_sendout`] makes a
//! round's forms, one per respondent, each keeping its [`FormIdentity`], by which a returned
//! form is known whatever its file is called.
//!
//! Everything public is re-exported here; the modules are the crate's own. docs/DESIGN.md
//! draws the pipeline and says which module owns what.

#![deny(missing_docs)]

mod assign;
mod assignments;
mod batch;
mod cache;
mod compare;
mod config;
mod error;
mod export;
mod form_file;
mod hash;
mod identity;
mod inspect;
mod intake;
mod ledger;
mod limits;
mod lock;
mod mapping;
mod model;
mod ooxml;
mod output;
mod package;
mod redact;
mod round;
mod round_id;
mod schema;
mod sendout;
mod status;
mod submission;
mod template;
mod vocabulary;
mod warning_code;
mod watch;
mod word_out;
mod xml;

use std::path::Path;

// Reading a form: the reader, its limits and errors, and the model it produces.
pub use error::{Error, ErrorKind, Explanation, Result, explain_error};
pub use limits::Limits;
pub use model::{
    Block, CellRef, Comment, Control, ControlType, DataBinding, Document, FlowItem, Level, Link,
    ListItem, NoteKind, Origin, PackageKind, PlaceholderSignal, Source, Status, Story, Value,
    Warning, blocks_text,
};
pub use warning_code::WarningCode;

// The identity a sent-out form keeps (`blankett sendout`), as stored and as checked.
pub use identity::{
    FormIdentity, IDENTITY_NAMESPACE, PREFILLED_NOTE, PROPERTY_PREFIX, StoredIdentity, prefill_key,
};

// The questionnaire and the registry of respondents (`schemas/`).
pub use schema::{
    Area, CheckError, CheckReport, Choice, Deadline, Field, FileKind, Organisation, OtherKind,
    Question, QuestionType, Questionnaire, Registry, Respondent, Role, SchemaError, Variant,
    check_file, is_iso_date, is_organisation_number,
};

// Mapping a form to its questionnaire: the submission.
pub use mapping::respondent::Matcher as RespondentMatcher;
pub use mapping::respondent::close_matches as close_respondents;
pub use mapping::round::parse as parse_round;
pub use mapping::{OptionError, Options as MapOptions, Prepared, TextKeys, check_options, map};
pub use round_id::{NotARoundId, RoundId, Term};
pub use submission::{
    Answer, AnswerStatus, AsConverted, Contact, ContactRemoved, ControlRef,
    FORMAT_VERSION as SUBMISSION_FORMAT_VERSION, IdentityRef, IdentityStore, Location, MatchedBy,
    QuestionnaireRef, ResolvedBy, RespondentRef, SourceRef, Submission, SubmissionComment,
    SubmissionWarning, Unmapped, UnmappedReason, VariantBy,
};

// Converting unattended: the configuration, the one per-form path, batch, watch, and what they
// record in the output folder.
pub use batch::{Found, RunOptions, discover, run as run_batch};
pub use config::{Config, Overrides};
pub use form_file::{FormFile, Links, read as read_form_file};
pub use hash::sha256_hex;
pub use intake::{
    Context, Worker, exclusion, output_name, skip_reason, slug, store, write_submission,
};
pub use ledger::{
    Entry, FORMAT_VERSION as LEDGER_FORMAT_VERSION, FileError, FileReport, FileStatus, Index,
    Origin as FormOrigin, Report, SUBMISSIONS, SkipReason, Skipped, Source as FormSource,
    load_submissions, output_intact,
};
pub use lock::{FolderLock, LOCK_FILE, LockError, acquire as lock_folder};
pub use watch::{Event, FAILED, Locks, PROCESSED, Settings, Summary, Wakeup, Watch, watch};

// The analyst's decisions about single forms, and the personal data removed when a round is
// done: changes to what an output folder holds, made under its lock.
pub use assign::{Applied, FindError, KnownForm, apply_stored, find_form, known_forms};
pub use assignments::{
    ASSIGNMENTS, Action, Assignee, Assignments, Decision,
    FORMAT_VERSION as ASSIGNMENTS_FORMAT_VERSION, unassign,
};
pub use redact::{FormPlace, Redaction, plan as plan_redaction, redact};

// The round and its exports.
pub use export::{
    ExportError, ExportOptions, Format, export_path, to_bytes, to_csv, to_docx, to_markdown,
    to_xlsx, write_exports,
};
pub use round::ConflictCode;
pub use round::{
    Cell, Completeness, CompletenessRow, Conflict, FORMAT_VERSION as ROUND_FORMAT_VERSION,
    MissingRespondent, Options as RoundOptions, RespondentStatus, Round, RoundAnswer, RoundArea,
    RoundQuestion, RoundQuestionnaire, RoundRespondent, SourceSummary, Superseded, consolidate,
    swedish_key,
};
pub use vocabulary::Mark;

// What changed between two rounds (`blankett compare`, `consolidate --previous`).
pub use compare::{
    AnswerChange, ChangeStatus, ChangedArea, ChangedQuestion, CompareError, ComparedQuestionnaire,
    Comparison, DiffOp, DiffPart, FORMAT_VERSION as COMPARE_FORMAT_VERSION, Named, Presence,
    RespondentChange, Side, Summary as ChangeSummary, compare_rounds, same_text, word_diff,
};
pub use export::changes::{
    FORMATS as COMPARE_FORMATS, changes_since, to_bytes as comparison_bytes, write_comparison,
};

// What `status` knows: who has answered, whom to remind and at which address.
pub use error::reminder_reason;
pub use status::{
    AddressFrom, AddressSubmission, FORMAT_VERSION as STATUS_FORMAT_VERSION, FailedForm,
    OpenQuestion, ReminderAddress, ReplyStatus, RoundStatus, StatusCounts, StatusInputs,
    StatusQuestion, StatusRespondent, round_status,
};

// Sending a round out: a form per respondent, each keeping its identity, and the mailing list.
pub use sendout::{
    MAILING_COLUMNS, MAILING_LIST, Sendout, SendoutError, SendoutForm, SendoutOptions, plan_sendout,
};

// The template, `inspect`, and the text rules and output helpers the command line shares.
pub use inspect::table as inspect_table;
pub use mapping::text_match::{
    SAME_QUESTION as SAME_QUESTION_SIMILARITY, key as text_key, similarity as text_similarity,
};
pub use ooxml::text::normalize as normalize_text;
pub use output::{Generator, for_terminal, plural, rfc3339, to_json, write_atomic, write_json};
pub use template::{
    DEFAULT_PLACEHOLDER, TemplateError, TemplateOptions, write_template, write_template_with,
};

/// Reads Word forms, reusing from file to file its buffer, its inflater, and the
/// relationships, content types, styles and placeholder texts of the template the forms were
/// made from. A new reader starts with nothing remembered.
#[derive(Debug, Default)]
pub struct Reader {
    limits: Limits,
    cache: cache::Cache,
}

// A reader can be handed to another thread (one per worker in a batch).
const _: () = {
    const fn assert_send<T: Send>() {}
    assert_send::<Reader>();
};

impl Reader {
    /// A reader with these limits that remembers nothing yet.
    pub fn new(limits: Limits) -> Self {
        Reader {
            limits,
            cache: cache::Cache::default(),
        }
    }

    /// The paragraph keys this reader's earlier forms were mapped with, for mapping the next.
    pub(crate) fn text_keys(&mut self) -> &mut mapping::TextKeys {
        &mut self.cache.text_keys
    }

    /// Reads the Word file at `path`.
    pub fn read_path(&mut self, path: &Path) -> Result<Document> {
        let mut pkg = package::Package::open(path, self.limits, &mut self.cache.parts)?;
        ooxml::read_package(&mut pkg, &mut self.cache.template)
    }

    /// Reads a Word file held in memory; `name` names it in errors and in the result.
    pub fn read_bytes(&mut self, bytes: Vec<u8>, name: Option<&str>) -> Result<Document> {
        let mut pkg =
            package::Package::from_bytes(bytes, name, self.limits, &mut self.cache.parts)?;
        ooxml::read_package(&mut pkg, &mut self.cache.template)
    }

    /// [`read_bytes`](Reader::read_bytes) for bytes whose SHA-256 (lower-case hex) is known.
    pub fn read_hashed_bytes(
        &mut self,
        bytes: Vec<u8>,
        sha256: String,
        name: Option<&str>,
    ) -> Result<Document> {
        let mut pkg = package::Package::from_hashed_bytes(
            bytes,
            sha256,
            name,
            self.limits,
            &mut self.cache.parts,
        )?;
        ooxml::read_package(&mut pkg, &mut self.cache.template)
    }
}

/// Reads the Word file at `path` with the default limits.
pub fn read_path(path: &Path) -> Result<Document> {
    Reader::default().read_path(path)
}

/// Reads a Word file held in memory with the default limits.
pub fn read_bytes(bytes: Vec<u8>, name: Option<&str>) -> Result<Document> {
    Reader::default().read_bytes(bytes, name)
}
