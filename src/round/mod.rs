//! A reporting round: the submissions of one round merged into one dataset (the contract in
//! `schemas/round.schema.json`): per focus area and question, each respondent's answer; the
//! completeness matrix; the expected respondents that have not answered; earlier forms a later
//! one from the same respondent replaced; conflicts and forms whose respondent is unknown.
//!
//! Consolidation knows only submissions, never Word. [`consolidate`] goes step by step: which
//! forms count and which are conflicts or superseded (`forms`), who is expected and the
//! completeness matrix (`completeness`), every answer per area and question (`answers`).

mod answers;
mod completeness;
mod forms;
mod labels;

use std::time::SystemTime;

pub(crate) use completeness::expected_respondents;
pub(crate) use forms::received_key;

use serde::{Deserialize, Serialize};

use crate::model::Block;
use crate::output::Generator;
use crate::round_id::RoundId;
use crate::schema::{Questionnaire, Registry};
use crate::submission::{AnswerStatus, Contact, ContactRemoved, Submission};
use crate::warning_code::codes;

/// The version of the round format. Adding an optional field is a minor change, anything else a
/// major one.
pub const FORMAT_VERSION: &str = "1.2";

/// A consolidated reporting round (`schemas/round.schema.json`): every current submission, per
/// focus area and question each respondent's answer, the completeness matrix, the expected
/// respondents that have not answered, forms whose respondent is unknown, conflicts, and the
/// earlier submissions a later one from the same respondent replaced.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Round {
    /// The version of the round format the document follows:
    /// [`ROUND_FORMAT_VERSION`](crate::ROUND_FORMAT_VERSION) when blankett writes it.
    pub format_version: String,
    /// The program that consolidated the round (new in 1.2; `None` in older rounds).
    #[serde(default)]
    pub generator: Option<Generator>,
    /// When the round was consolidated, RFC 3339 (new in 1.2): [`Options::now`]; `None` when
    /// no time was given, and in older rounds.
    #[serde(default)]
    pub generated_at: Option<String>,
    /// The round (`2022-T1`), when known.
    pub round: Option<RoundId>,
    /// The questionnaire the round answers.
    pub questionnaire: RoundQuestionnaire,
    /// Everyone expected to answer and everyone who did, by name.
    pub respondents: Vec<RoundRespondent>,
    /// Per focus area (and last, the questions without one), each question with every answer.
    pub areas: Vec<RoundArea>,
    /// The completeness matrix: for each respondent and question, whether it is answered.
    pub completeness: Completeness,
    /// Expected respondents without a submission.
    pub missing: Vec<MissingRespondent>,
    /// Submissions whose respondent could not be told.
    pub unresolved: Vec<SourceSummary>,
    /// Forms left out of the round or counted once, and forms whose saved date is not believed,
    /// each with why.
    pub conflicts: Vec<Conflict>,
    /// The current submission of each respondent (and the unresolved ones).
    pub submissions: Vec<Submission>,
    /// Earlier submissions a later one from the same respondent replaced.
    pub superseded: Vec<Superseded>,
}

impl Round {
    /// Whether nobody is expected for want of a round: none was given or found in the forms,
    /// and no list of who is expected was given. Then who has not answered cannot be told, and
    /// every output says so.
    pub fn round_unknown(&self) -> bool {
        self.round.is_none() && !self.respondents.iter().any(|r| r.expected)
    }

    /// Leaves out the contact details (personal data) everywhere the round holds them: of
    /// each respondent, each submission and each superseded one; says what it removed.
    pub fn redact_contact(&mut self) -> ContactRemoved {
        let mut removed = ContactRemoved::default();
        for r in &mut self.respondents {
            // The values of the respondent's submission: counted there.
            r.contact = None;
        }
        for s in &mut self.submissions {
            removed += s.redact_contact();
        }
        for s in &mut self.superseded {
            removed += s.submission.redact_contact();
        }
        removed
    }
}

/// Which questionnaire a round answers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RoundQuestionnaire {
    /// The questionnaire's stable id (`naringsliv-uppfoljning`).
    pub id: String,
    /// The questionnaire's version (`2022`).
    pub version: String,
    /// The variants the submissions use.
    pub variants: Vec<String>,
}

/// Whether a respondent has answered the round.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum RespondentStatus {
    /// A submission came in and every question is answered (optional ones aside).
    Complete,
    /// A submission came in with required questions unanswered or missing.
    Incomplete,
    /// Expected, and no submission came in.
    NotSubmitted,
}

/// A respondent of the round: expected, answering, or both; or a form whose respondent is
/// unknown.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RoundRespondent {
    /// Registry id; `null` for a submission whose respondent is unknown.
    pub id: Option<String>,
    /// The official name, or the form's file name when the respondent is unknown.
    pub label: String,
    /// The registry kind (`stadsdelsnamnd`, `facknamnd`, `bolagsstyrelse`); `null` when the
    /// respondent is unknown, or expected but not in the registry.
    pub kind: Option<String>,
    /// Whether the respondent is expected to answer the round.
    pub expected: bool,
    /// Whether the respondent has answered the round.
    pub status: RespondentStatus,
    /// How many of the round's questions the form answers; 0 when no form came in.
    pub answered: usize,
    /// How many of the round's questions the form leaves unanswered (placeholder or empty); 0 when
    /// no form came in.
    pub unanswered: usize,
    /// How many of the round's questions are not in the form at all; 0 when no form came in.
    pub missing_questions: usize,
    /// The form the answers come from.
    pub source: Option<SourceSummary>,
    /// Personal data; left out with `--redact-contact`.
    pub contact: Option<Contact>,
}

/// A focus area of the policy with its questions and their answers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RoundArea {
    /// The focus area's number; `null` for the questions without one.
    pub number: Option<u8>,
    /// The focus area's title from the questionnaire (`Stimulera tillväxt och företagsamhet`);
    /// empty for the questions outside the areas.
    pub title: String,
    /// The area's questions of the round, in questionnaire order.
    pub questions: Vec<RoundQuestion>,
}

/// A question with every current form's answer to it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RoundQuestion {
    /// The question's stable id from the questionnaire.
    pub question_id: String,
    /// The question's text from the questionnaire.
    pub question: String,
    /// One answer per current form (the unresolved ones included), in the order of `respondents`;
    /// respondents without a form have none.
    pub answers: Vec<RoundAnswer>,
}

/// One form's answer to a question.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RoundAnswer {
    /// The registry id of the respondent; `null` for a form whose respondent is unknown.
    pub respondent_id: Option<String>,
    /// The respondent's official name, or the form's file name when the respondent is unknown
    /// (the start of its hash when the form has no file name either), as in `respondents`.
    pub label: String,
    /// `answered`, `unanswered` or `missing`, as in the submission (`missing` too when the
    /// submission has no answer to the question).
    pub status: AnswerStatus,
    /// The answer's visible text, as the submission's answer `text`; empty when unanswered or
    /// missing.
    pub text: String,
    /// The answer's structure, as the submission's answer `blocks`.
    pub blocks: Vec<Block>,
    /// The typed value, as the submission's answer `value`: a boolean, an ISO date or the chosen
    /// choice's value; `null` for a text question or when there is none.
    pub value: Option<serde_json::Value>,
}

/// A question's status for a respondent, in the completeness matrix.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum Cell {
    /// The form answers the question.
    Answered,
    /// The form holds the question but leaves it unanswered (`unanswered` in the submission).
    Unanswered,
    /// The form came in but the question is not in it.
    Missing,
    /// No form came in.
    NotSubmitted,
}

impl Cell {
    /// A question's status in a form that came in.
    pub(crate) fn of(s: &Submission, question_id: &str) -> Cell {
        match s.answer(question_id).map(|a| a.status) {
            Some(AnswerStatus::Answered) => Cell::Answered,
            Some(AnswerStatus::Unanswered) => Cell::Unanswered,
            Some(AnswerStatus::Missing) | None => Cell::Missing,
        }
    }
}

/// The completeness matrix: a row per respondent, a column per question.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Completeness {
    /// The question ids, the matrix's columns, in questionnaire order.
    pub questions: Vec<String>,
    /// One row per respondent, in the order of `respondents`.
    pub rows: Vec<CompletenessRow>,
}

/// A respondent's row of the completeness matrix.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CompletenessRow {
    /// The registry id; `null` for a form whose respondent is unknown.
    pub respondent_id: Option<String>,
    /// The respondent's name, as in `respondents`.
    pub label: String,
    /// One status per question, in the order of `questions`.
    pub cells: Vec<Cell>,
}

/// An expected respondent without a submission, named as in `respondents` (`id`, `label`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", from = "labels::MissingRespondentIn")]
pub struct MissingRespondent {
    /// The registry id (`kungsholmen-sdn`).
    pub id: String,
    /// The official name from the registry; the id when the registry does not know it
    /// (new in 1.2; read from `committee` in older rounds).
    pub label: String,
    /// Deprecated: the same as `label`, written for readers of 1.1 and before.
    pub committee: String,
    /// The registry kind; empty when the registry does not know the respondent.
    pub kind: String,
}

/// Which form: its file name and its content's hash.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SourceSummary {
    /// The form's file name, as in the submission's `source`; `null` when it was read from memory
    /// without a name.
    pub file: Option<String>,
    /// SHA-256 of the form's bytes, lower-case hex, as in the submission's `source`.
    pub sha256: String,
}

/// A form left out of the round or counted once, or whose saved date is not believed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", from = "labels::ConflictIn")]
pub struct Conflict {
    /// Why the form is listed; a code that a later version wrote is read as
    /// [`ConflictCode::Other`].
    pub code: ConflictCode,
    /// What happened, in English, for a person to read.
    pub message: String,
    /// The registry id of the form's respondent; `null` when unknown.
    pub respondent_id: Option<String>,
    /// The respondent's official name, or the form's file name when the respondent is unknown,
    /// as in `answers` (new in 1.2; in older rounds read as the id, else the file name).
    pub label: String,
    /// The form concerned.
    pub source: SourceSummary,
}

codes! {
    /// Why a form is listed among a round's conflicts: its own vocabulary, apart from the
    /// forms' warnings ([`WarningCode`](crate::WarningCode)), though one code is spelt alike.
    pub enum ConflictCode {
        /// The form answers another questionnaire; it is left out.
        QuestionnaireMismatch = "questionnaire-mismatch",
        /// The form is for another round; it is left out.
        RoundMismatch = "round-mismatch",
        /// The form's saved date lies after its conversion; it is ordered among its
        /// respondent's forms by the file's own time instead.
        SavedInFuture = "saved-in-future",
        /// The same bytes came in twice; they count once.
        SameFormTwice = "same-form-twice",
    }
}

/// An earlier submission a later one from the same respondent replaced.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", from = "labels::SupersededIn")]
pub struct Superseded {
    /// The registry id of the respondent.
    pub respondent_id: String,
    /// The respondent's official name, as in `respondents` (new in 1.2; in older rounds read
    /// from the submission).
    pub label: String,
    /// The submission that replaced this one.
    pub superseded_by: SourceSummary,
    /// The replaced submission, whole (its contact details left out when the round is
    /// consolidated with `redact_contact`).
    pub submission: Submission,
}

/// How to consolidate.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The round; when absent, the round most submissions name.
    pub round: Option<RoundId>,
    /// Who is expected to answer (registry ids); when absent, the registry's respondents of
    /// the kinds the submissions' variants are for, that exist at the end of the round.
    pub expected: Option<Vec<String>>,
    /// Leave out the contact details (personal data): of every respondent and every submission,
    /// current and superseded.
    pub redact_contact: bool,
    /// The time of the consolidation, recorded as the round's `generatedAt`; `None` records
    /// none, and the same submissions then give the same round whenever they are merged.
    pub now: Option<SystemTime>,
}

/// A sort key that orders Swedish names as Swedish readers expect (å, ä, ö after z).
pub fn swedish_key(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| match c {
            'å' => '\u{7b}',
            'ä' | 'æ' => '\u{7c}',
            'ö' | 'ø' => '\u{7d}',
            'é' | 'è' => 'e',
            'ü' => 'y',
            c => c,
        })
        .collect()
}

/// Merges the submissions of one round.
pub fn consolidate(
    submissions: Vec<Submission>,
    q: &Questionnaire,
    reg: &Registry,
    opts: &Options,
) -> Round {
    let round_id = opts.round.or_else(|| forms::most_named_round(&submissions));
    let mut conflicts = Vec::new();
    let admitted = forms::admit(submissions, q, round_id, &mut conflicts);
    let forms = forms::latest_per_respondent(admitted);
    let variants = completeness::variants_in_use(&forms);
    let expected = match &opts.expected {
        Some(list) => list.clone(),
        // Without a round, the registry's committees of every period would be expected
        // together (those a merger ended beside those it made): nobody is guessed at.
        None if round_id.is_none() => Vec::new(),
        None => completeness::expected_respondents(q, reg, &variants, round_id),
    };
    let questions = completeness::questions_in_use(q, &variants);
    let entries = completeness::entries(&forms, &expected, reg, &questions, opts.redact_contact);
    let areas = answers::areas(q, &questions, &forms);
    let unresolved = forms.unresolved.iter().map(summary).collect();
    let (submissions, superseded) = forms::current_and_superseded(forms, opts.redact_contact);
    Round {
        format_version: FORMAT_VERSION.into(),
        generator: Some(Generator::current()),
        generated_at: opts.now.map(crate::output::rfc3339),
        round: round_id,
        questionnaire: RoundQuestionnaire {
            id: q.id.clone(),
            version: q.version.clone(),
            variants,
        },
        respondents: entries.respondents,
        areas,
        completeness: Completeness {
            questions: questions.iter().map(|qu| qu.id.clone()).collect(),
            rows: entries.rows,
        },
        missing: entries.missing,
        unresolved,
        conflicts,
        submissions,
        superseded,
    }
}

/// The name a form's respondent goes by in every list of the round (`label`): the official
/// name, else the form's file name, else the start of its hash.
fn label(s: &Submission) -> String {
    match &s.respondent {
        Some(r) => r.committee.clone(),
        None => s
            .source
            .file
            .clone()
            .unwrap_or_else(|| s.source.sha256.chars().take(12).collect()),
    }
}

/// Where a form came from, as the round names it.
fn summary(s: &Submission) -> SourceSummary {
    SourceSummary {
        file: s.source.file.clone(),
        sha256: s.source.sha256.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_names_sort_as_swedes_expect() {
        let mut names = vec!["Östermalm", "Älvsjö", "Åsa", "Zinkensdamm", "Bromma"];
        names.sort_by_key(|n| swedish_key(n));
        assert_eq!(
            names,
            vec!["Bromma", "Zinkensdamm", "Åsa", "Älvsjö", "Östermalm"]
        );
    }

    #[test]
    fn conflict_codes_are_written_as_the_round_schema_lists_them() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../schemas/round.schema.json")).unwrap();
        let listed = schema["$defs"]["conflict"]["properties"]["code"]["description"]
            .as_str()
            .unwrap();
        for code in ConflictCode::KNOWN {
            let json = serde_json::to_string(code).unwrap();
            assert!(listed.contains(&format!("`{code}`")), "{code}");
            assert_eq!(&serde_json::from_str::<ConflictCode>(&json).unwrap(), code);
        }
        let later: ConflictCode = serde_json::from_str(r#""form-withdrawn""#).unwrap();
        assert_eq!(later, ConflictCode::Other("form-withdrawn".into()));
        assert_eq!(
            serde_json::to_string(&later).unwrap(),
            r#""form-withdrawn""#
        );
    }
}
