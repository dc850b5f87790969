//! The submission: one returned form as normalized, versioned JSON (the contract in
//! `schemas/submission.schema.json`). Keys are camelCase ASCII, dates RFC 3339, text NFC, key
//! and list order deterministic.

use serde::{Deserialize, Serialize};

use crate::model::{Block, Story};
use crate::round_id::RoundId;
use crate::warning_code::WarningCode;

/// The version of the submission format. Adding an optional field is a minor change, anything
/// else a major one.
pub const FORMAT_VERSION: &str = "1.3";

/// One returned form as normalized, versioned JSON (`schemas/submission.schema.json`): which
/// questionnaire and round it answers, who answered, one answer per question of the variant, what
/// answers no question, review comments, warnings and where the file came from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Submission {
    /// The version of the submission format the document follows:
    /// [`SUBMISSION_FORMAT_VERSION`](crate::SUBMISSION_FORMAT_VERSION) when blankett writes it.
    pub format_version: String,
    /// The questionnaire, version and template variant the form answers.
    pub questionnaire: QuestionnaireRef,
    /// The reporting round (`2022-T1`), when known.
    pub round: Option<RoundId>,
    /// The committee or company board that answered, from the registry; `null` when it could not
    /// be told (a `respondent-unresolved` warning says why).
    pub respondent: Option<RespondentRef>,
    /// What the conversion found before the analyst's decision (`blankett assign`) replaced
    /// the respondent or the round; absent when no decision applies (new in 1.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_converted: Option<AsConverted>,
    /// The identity the form kept from `blankett sendout`: whom and for which round it was
    /// sent out; absent for a form that was not sent out so (new in 1.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<IdentityRef>,
    /// Personal data; left out (`null`) with `--redact-contact` or by `blankett redact`.
    pub contact: Option<Contact>,
    /// True when the contact details were removed ([`Submission::redact_contact`]): left out
    /// at conversion or by `blankett redact` afterwards; absent otherwise (new in 1.2).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub redacted: bool,
    /// One answer per question of the variant, in the questionnaire's order.
    pub answers: Vec<Answer>,
    /// What the respondent wrote that answers no question, with where it stood.
    pub unmapped: Vec<Unmapped>,
    /// Review comments found in the form; never part of an answer's text.
    pub comments: Vec<SubmissionComment>,
    /// Problems in the form that did not stop the conversion, each with a stable code.
    pub warnings: Vec<SubmissionWarning>,
    /// The file the submission was read from.
    pub source: SourceRef,
}

/// Which questionnaire the form answers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct QuestionnaireRef {
    /// The questionnaire's stable id (`naringsliv-uppfoljning`).
    pub id: String,
    /// The questionnaire's version (`2022`).
    pub version: String,
    /// The id of the template variant the form was read as (`stadsdelsnamnd`).
    pub variant: String,
    /// How the variant was chosen.
    pub variant_by: VariantBy,
}

/// How the variant was chosen.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum VariantBy {
    /// `--variant`.
    Option,
    /// From the controls and question texts the form holds.
    Detected,
    /// The identity the form kept from `blankett sendout` (new in 1.3).
    Identity,
}

/// How the respondent was found.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum ResolvedBy {
    /// The form's committee field names it.
    Control,
    /// The file name names it.
    FileName,
    /// `--respondent`.
    Option,
    /// The analyst's decision, `blankett assign` (new in 1.2).
    Assigned,
    /// The identity the form kept from `blankett sendout` (new in 1.3).
    Identity,
}

/// The identity a form kept from `blankett sendout` ([`FormIdentity`](crate::FormIdentity)),
/// as the conversion read it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct IdentityRef {
    /// The form's id, the same in every copy of one sent-out form.
    pub form_id: String,
    /// The questionnaire's id the form was sent out for.
    pub questionnaire: String,
    /// The questionnaire's version the form was sent out for.
    pub questionnaire_version: String,
    /// The variant the form was sent out as.
    pub variant: String,
    /// The registry id of the respondent the form was sent to.
    pub respondent_id: String,
    /// The round the form was sent out for.
    pub round: RoundId,
    /// The questions the form was prefilled with an earlier answer for.
    pub prefilled: Vec<String>,
    /// Where the identity was read from.
    pub stored_in: IdentityStore,
}

/// Where in the package an identity was read from.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum IdentityStore {
    /// The custom document properties (`docProps/custom.xml`).
    CustomProperties,
    /// The custom XML part in the identity's namespace.
    CustomXml,
}

/// The respondent and round a conversion found, kept when the analyst's decision replaces
/// them, so that the decision can be seen and undone.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AsConverted {
    /// The respondent the conversion found; `null` when it found none.
    pub respondent: Option<RespondentRef>,
    /// The round the conversion found; `null` when it found none.
    pub round: Option<RoundId>,
}

/// The committee or company board that answered, as the registry knows it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RespondentRef {
    /// The registry id (`ostermalm-sdn`).
    pub id: String,
    /// The official name.
    pub committee: String,
    /// The respondent's kind from the registry: `stadsdelsnamnd`, `facknamnd` or `bolagsstyrelse`.
    pub kind: String,
    /// How the respondent was found.
    pub resolved_by: ResolvedBy,
    /// What the form's committee field says, as written (`null` when it shows its
    /// placeholder or is missing).
    pub as_written: Option<String>,
}

/// Contact details as written, and normalized where that is possible.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    /// The contact person's name; `null` when the field is empty or missing.
    pub name: Option<String>,
    /// International form (`+46 8 508 100 51`) when the number is a Swedish one, else as written.
    pub phone: Option<String>,
    /// The phone number as written, trimmed; `null` when none is given.
    pub phone_as_written: Option<String>,
    /// Lower case when it is a well-formed address, else as written.
    pub email: Option<String>,
    /// The e-mail address as written, trimmed; `null` when none is given.
    pub email_as_written: Option<String>,
    /// Whether the e-mail address is well formed; `null` when none is given.
    pub email_valid: Option<bool>,
}

/// Whether a question was answered.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum AnswerStatus {
    /// The control holds an answer, or text was written under the question outside any control.
    Answered,
    /// The control shows its placeholder or is empty, and nothing was written near it.
    Unanswered,
    /// The question was not found in the form.
    Missing,
}

/// How an answer was tied to its question.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum MatchedBy {
    /// The control's tag (`w:tag`, or a legacy field's name) is the question's.
    Tag,
    /// The control's title (`w:alias`) is the question's.
    Alias,
    /// The question's text stands right before the control (small edits tolerated).
    QuestionText,
    /// Its place: between two matched controls, untagged controls answer the questions between
    /// theirs, in order, when they are as many.
    Position,
    /// No control: text written under the question outside any control.
    OutsideControl,
}

/// The answer to one question.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Answer {
    /// The question's stable id from the questionnaire (`samverkan-lokalt-naringsliv`).
    pub question_id: String,
    /// The number of the focus area the question stands under; `null` for a question outside the
    /// areas.
    pub area: Option<u8>,
    /// The question's text from the questionnaire.
    pub question: String,
    /// Whether the question was answered.
    pub status: AnswerStatus,
    /// The visible text of the answer (empty when unanswered or missing).
    pub text: String,
    /// The answer's structure: paragraphs, list items, tables and note texts, in reading order;
    /// empty when unanswered or missing.
    pub blocks: Vec<Block>,
    /// The typed value of a boolean, date or choice question.
    pub value: Option<serde_json::Value>,
    /// How the answer was tied to its question; `null` when no control was found for the question
    /// and nothing was written under it.
    pub matched_by: Option<MatchedBy>,
    /// The control that holds the answer.
    pub control: Option<ControlRef>,
    /// True when the answer is the one the form was sent out prefilled with, returned
    /// unchanged (an `unchanged-from-previous` warning says so too); absent otherwise (new in
    /// 1.3).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub carried_over: bool,
}

/// A content control or legacy form field of the form.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ControlRef {
    /// Position among the form's controls (as `blankett inspect` numbers them).
    pub index: usize,
    /// The control's tag (`w:tag`, or a legacy field's name); `null` when it has none.
    pub tag: Option<String>,
    /// The control's title (`w:alias`); `null` when it has none.
    pub alias: Option<String>,
    /// The control's type (`type` in JSON: `richText`, `plainText`, `date`, `legacyCheckbox` …),
    /// from its `w:sdtPr` or the legacy field's `w:ffData`.
    #[serde(rename = "type")]
    pub control_type: String,
}

/// Text that answers no question.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Unmapped {
    /// The text, as an answer's `text` is built. An inline control's entry holds its line, as
    /// far as it is the control's: its label, the text typed beside it and, when the control
    /// holds an answer, the control's text. An added question's entry (one with a `question`)
    /// goes on with what was written under it.
    pub text: String,
    /// The text's structure, as an answer's `blocks`.
    pub blocks: Vec<Block>,
    /// Why the text answers no question.
    pub reason: UnmappedReason,
    /// The control that holds it, if one does.
    pub control: Option<ControlRef>,
    /// Where it stood.
    pub location: Location,
    /// New in 1.2. The label the control stands under: a question someone added to the form
    /// (a short paragraph right before the control that reads as a question) or the label
    /// beside it in its line (`Diarienummer:`); absent when it has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// New in 1.2. The control's own text, apart from the line it stands in; empty when it
    /// shows its placeholder or holds nothing; absent for text outside controls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control_text: Option<String>,
    /// New in 1.2. The control's typed value, as an answer's `value`: a checkbox's state (a
    /// boolean), a date (ISO), the selected entry's value; absent when it has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
}

/// Why text is in `unmapped`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum UnmappedReason {
    /// A control that answers no question of the questionnaire.
    UnknownControl,
    /// A second control answering a question another control answers already.
    DuplicateAnswer,
    /// Text outside controls and outside every question's region.
    OutsideQuestions,
}

/// Where something stood in the form.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    /// The package part it stood in (`word/document.xml`, `word/header1.xml`).
    pub part: String,
    /// The kind of part it stood in.
    pub story: Story,
    /// Position in the document flow.
    pub flow_index: Option<usize>,
    /// The question it follows, if any.
    pub after_question: Option<String>,
}

/// A review comment in the form.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SubmissionComment {
    /// The comment's author (`w:author`); `null` when the file does not say.
    pub author: Option<String>,
    /// When the comment was written, as the file writes it (`w:date`: `2022-04-12T10:15:00Z`);
    /// `null` when the file does not say.
    pub date: Option<String>,
    /// The comment's text, paragraphs joined by line breaks.
    pub text: String,
    /// The question the comment is anchored in.
    pub question_id: Option<String>,
}

/// A problem in a readable form, which did not stop its conversion.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SubmissionWarning {
    /// What it is about; a code that a later version wrote is read as [`WarningCode::Other`].
    pub code: WarningCode,
    /// What is wrong, in English, for a person to read.
    pub message: String,
    /// The id of the question (or header field) the warning concerns; `null` when it concerns the
    /// whole form.
    pub question_id: Option<String>,
}

/// The file a submission was read from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SourceRef {
    /// The file's name without its folder; `null` when the form was read from memory without a
    /// name.
    pub file: Option<String>,
    /// SHA-256 of the file's bytes, lower-case hex: tells two copies of one form apart from two
    /// forms.
    pub sha256: String,
    /// The file's size in bytes.
    pub bytes: u64,
    /// The application that last saved the file (`Application` and `AppVersion` in
    /// `docProps/app.xml`: `Microsoft Office Word 16.0000`); `null` when it does not say.
    pub producer: Option<String>,
    /// The template the document was made from (`Template` in `docProps/app.xml`); `null` when it
    /// does not say.
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
    /// Whether the document is the questionnaire's form: some question was found in it by a
    /// control's tag or title, by its text standing before a control, or by its text alone
    /// (answered outside controls, or left empty where the controls were deleted). Position
    /// alone does not count: any document with controls (a cover letter made from a template)
    /// has controls in some order.
    pub fn holds_a_question(&self) -> bool {
        self.answers.iter().any(|a| match a.matched_by {
            Some(MatchedBy::Position) => false,
            Some(_) => true,
            None => a.status != AnswerStatus::Missing,
        })
    }

    /// The answer to a question.
    pub fn answer(&self, question_id: &str) -> Option<&Answer> {
        self.answers.iter().find(|a| a.question_id == question_id)
    }

    /// Leaves out the personal data the form held: the contact details, and the values the
    /// warnings about them quote (an e-mail address that is not well formed, a phone number
    /// that is not Swedish). Marks the submission [`redacted`](Submission::redacted) and says
    /// what it removed; nothing the second time.
    pub fn redact_contact(&mut self) -> ContactRemoved {
        let mut removed = ContactRemoved::default();
        if let Some(c) = self.contact.take() {
            removed.names += usize::from(c.name.is_some());
            removed.phones += usize::from(c.phone.is_some() || c.phone_as_written.is_some());
            removed.emails += usize::from(c.email.is_some() || c.email_as_written.is_some());
        }
        for w in &mut self.warnings {
            if let Some(text) = redacted_message(&w.code)
                && w.message != text
            {
                w.message = text.to_owned();
                removed.warnings += 1;
            }
        }
        self.redacted = true;
        removed
    }
}

/// What the warning with `code` says once the value it quoted is left out; `None` for the
/// warnings that quote no contact detail.
fn redacted_message(code: &WarningCode) -> Option<&'static str> {
    match code {
        WarningCode::ContactEmailInvalid => Some(
            "the e-mail address is not a well-formed address (left out with the contact details)",
        ),
        WarningCode::ContactPhoneUnrecognised => {
            Some("the phone number is not a Swedish number (left out with the contact details)")
        }
        _ => None,
    }
}

/// What leaving out the contact details removed, counted by the field the form held them in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ContactRemoved {
    /// Contact names.
    pub names: usize,
    /// Phone numbers (as written and normalized: one value).
    pub phones: usize,
    /// E-mail addresses (as written and normalized: one value).
    pub emails: usize,
    /// Warnings that quoted an e-mail address or a phone number, reworded without it.
    pub warnings: usize,
}

impl ContactRemoved {
    /// How many values were removed, the reworded warnings not counted.
    pub fn values(&self) -> usize {
        self.names + self.phones + self.emails
    }

    /// True when nothing was removed.
    pub fn is_empty(&self) -> bool {
        self.values() == 0 && self.warnings == 0
    }
}

impl std::ops::AddAssign for ContactRemoved {
    fn add_assign(&mut self, o: ContactRemoved) {
        self.names += o.names;
        self.phones += o.phones;
        self.emails += o.emails;
        self.warnings += o.warnings;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warning(code: WarningCode, message: &str) -> SubmissionWarning {
        SubmissionWarning {
            code,
            message: message.into(),
            question_id: None,
        }
    }

    fn with_contact() -> Submission {
        let json = serde_json::json!({
            "formatVersion": "1.1",
            "questionnaire": {"id": "q", "version": "1", "variant": "v", "variantBy": "detected"},
            "round": null, "respondent": null,
            "contact": {
                "name": "Anna Andersson", "phone": "070", "phoneAsWritten": "070",
                "email": "anna@", "emailAsWritten": "anna@", "emailValid": false
            },
            "answers": [], "unmapped": [], "comments": [], "warnings": [],
            "source": {"file": null, "sha256": "ab", "bytes": 0, "producer": null, "template": null}
        });
        let mut s: Submission = serde_json::from_value(json).unwrap();
        s.warnings = vec![
            warning(
                WarningCode::ContactEmailInvalid,
                "the e-mail address \"anna@\" is …",
            ),
            warning(
                WarningCode::ContactPhoneUnrecognised,
                "the phone number \"070\" is …",
            ),
            warning(WarningCode::TrackedChanges, "tracked changes"),
        ];
        s
    }

    #[test]
    fn leaving_out_the_contact_removes_the_values_the_warnings_quote_too_once() {
        let mut s = with_contact();
        let removed = s.redact_contact();
        assert_eq!(
            removed,
            ContactRemoved {
                names: 1,
                phones: 1,
                emails: 1,
                warnings: 2
            }
        );
        assert!(s.redacted && s.contact.is_none());
        let text = serde_json::to_string(&s).unwrap();
        assert!(!text.contains("anna@") && !text.contains("070"), "{text}");
        assert_eq!(s.warnings[2].message, "tracked changes");
        assert!(s.redact_contact().is_empty(), "nothing the second time");
    }

    #[test]
    fn the_redacted_mark_and_the_values_as_converted_are_written_only_when_there() {
        let s = with_contact();
        let json = serde_json::to_value(&s).unwrap();
        assert!(json.get("redacted").is_none() && json.get("asConverted").is_none());
        let mut r = s.clone();
        r.redact_contact();
        assert_eq!(serde_json::to_value(&r).unwrap()["redacted"], true);
    }
}
