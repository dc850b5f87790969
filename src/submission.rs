//! The submission: one returned form as normalized, versioned JSON (the contract in
//! `schemas/submission.schema.json`). Keys are camelCase ASCII, dates RFC 3339, text NFC, key
//! and list order deterministic.

use serde::{Deserialize, Serialize};

use crate::model::{Block, Story};
use crate::round_id::RoundId;
use crate::warning_code::WarningCode;

/// The version of the submission format. Adding an optional field is a minor change, anything
/// else a major one.
pub const FORMAT_VERSION: &str = "1.1";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Submission {
    pub format_version: String,
    pub questionnaire: QuestionnaireRef,
    /// The reporting round (`2022-T1`), when known.
    pub round: Option<RoundId>,
    pub respondent: Option<RespondentRef>,
    /// Personal data; left out (`null`) with `--redact-contact`.
    pub contact: Option<Contact>,
    /// One answer per question of the variant, in the questionnaire's order.
    pub answers: Vec<Answer>,
    /// What the respondent wrote that answers no question, with where it stood.
    pub unmapped: Vec<Unmapped>,
    pub comments: Vec<SubmissionComment>,
    pub warnings: Vec<SubmissionWarning>,
    pub source: SourceRef,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct QuestionnaireRef {
    pub id: String,
    pub version: String,
    pub variant: String,
    pub variant_by: VariantBy,
}

/// How the variant was chosen.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum VariantBy {
    /// `--variant`.
    Option,
    /// From the controls and question texts the form holds.
    Detected,
}

/// How the respondent was found.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum ResolvedBy {
    /// The form's committee field names it.
    Control,
    /// The file name names it.
    FileName,
    /// `--respondent`.
    Option,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RespondentRef {
    /// The registry id (`ostermalm-sdn`).
    pub id: String,
    /// The official name.
    pub committee: String,
    pub kind: String,
    pub resolved_by: ResolvedBy,
    /// What the form's committee field says, as written (`null` when it shows its
    /// placeholder or is missing).
    pub as_written: Option<String>,
}

/// Contact details as written, and normalized where that is possible.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    pub name: Option<String>,
    /// International form (`+46 8 508 100 51`) when the number is a Swedish one, else as written.
    pub phone: Option<String>,
    pub phone_as_written: Option<String>,
    /// Lower case when it is a well-formed address, else as written.
    pub email: Option<String>,
    pub email_as_written: Option<String>,
    pub email_valid: Option<bool>,
}

/// Whether a question was answered.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum AnswerStatus {
    Answered,
    /// The control shows its placeholder or is empty, and nothing was written near it.
    Unanswered,
    /// The question was not found in the form.
    Missing,
}

/// How an answer was tied to its question.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum MatchedBy {
    Tag,
    Alias,
    QuestionText,
    Position,
    /// No control: text written under the question outside any control.
    OutsideControl,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Answer {
    pub question_id: String,
    pub area: Option<u8>,
    pub question: String,
    pub status: AnswerStatus,
    /// The visible text of the answer (empty when unanswered or missing).
    pub text: String,
    pub blocks: Vec<Block>,
    /// The typed value of a boolean, date or choice question.
    pub value: Option<serde_json::Value>,
    pub matched_by: Option<MatchedBy>,
    /// The control that holds the answer.
    pub control: Option<ControlRef>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ControlRef {
    /// Position among the form's controls (as `blankett inspect` numbers them).
    pub index: usize,
    pub tag: Option<String>,
    pub alias: Option<String>,
    #[serde(rename = "type")]
    pub control_type: String,
}

/// Text that answers no question.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Unmapped {
    pub text: String,
    pub blocks: Vec<Block>,
    pub reason: UnmappedReason,
    /// The control that holds it, if one does.
    pub control: Option<ControlRef>,
    /// Where it stood.
    pub location: Location,
}

/// Why text is in `unmapped`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum UnmappedReason {
    /// A control that answers no question of the questionnaire.
    UnknownControl,
    /// A second control answering a question another control answers already.
    DuplicateAnswer,
    /// Text outside controls and outside every question's region.
    OutsideQuestions,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub part: String,
    pub story: Story,
    /// Position in the document flow.
    pub flow_index: Option<usize>,
    /// The question it follows, if any.
    pub after_question: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SubmissionComment {
    pub author: Option<String>,
    pub date: Option<String>,
    pub text: String,
    /// The question the comment is anchored in.
    pub question_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SubmissionWarning {
    /// What it is about; a code that a later version wrote is read as [`WarningCode::Other`].
    pub code: WarningCode,
    pub message: String,
    pub question_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SourceRef {
    pub file: Option<String>,
    pub sha256: String,
    pub bytes: u64,
    pub producer: Option<String>,
    pub template: Option<String>,
    /// When the document was last saved, as it says itself (`dcterms:modified`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    /// When the file was last changed, as the file system says (RFC 3339, UTC); the order of
    /// resubmissions falls back to it when the document's own date is not believed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_modified: Option<String>,
}

impl Submission {
    /// The answer to a question.
    pub fn answer(&self, question_id: &str) -> Option<&Answer> {
        self.answers.iter().find(|a| a.question_id == question_id)
    }

    /// Leaves out the personal data (the contact details).
    pub fn redact_contact(&mut self) {
        self.contact = None;
    }
}
