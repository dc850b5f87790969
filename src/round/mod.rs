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

use serde::{Deserialize, Serialize};

use crate::model::Block;
use crate::round_id::RoundId;
use crate::schema::{Questionnaire, Registry};
use crate::submission::{AnswerStatus, Contact, Submission};
use crate::warning_code::codes;

pub const FORMAT_VERSION: &str = "1.1";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Round {
    pub format_version: String,
    /// The round (`2022-T1`), when known.
    pub round: Option<RoundId>,
    pub questionnaire: RoundQuestionnaire,
    /// Everyone expected to answer and everyone who did, by name.
    pub respondents: Vec<RoundRespondent>,
    /// Per focus area (and last, the questions without one), each question with every answer.
    pub areas: Vec<RoundArea>,
    pub completeness: Completeness,
    /// Expected respondents without a submission.
    pub missing: Vec<MissingRespondent>,
    /// Submissions whose respondent could not be told.
    pub unresolved: Vec<SourceSummary>,
    pub conflicts: Vec<Conflict>,
    /// The current submission of each respondent (and the unresolved ones).
    pub submissions: Vec<Submission>,
    /// Earlier submissions a later one from the same respondent replaced.
    pub superseded: Vec<Superseded>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RoundQuestionnaire {
    pub id: String,
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

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RoundRespondent {
    /// Registry id; `null` for a submission whose respondent is unknown.
    pub id: Option<String>,
    /// The official name, or the form's file name when the respondent is unknown.
    pub label: String,
    pub kind: Option<String>,
    pub expected: bool,
    pub status: RespondentStatus,
    pub answered: usize,
    pub unanswered: usize,
    pub missing_questions: usize,
    /// The form the answers come from.
    pub source: Option<SourceSummary>,
    /// Personal data; left out with `--redact-contact`.
    pub contact: Option<Contact>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RoundArea {
    /// The focus area's number; `null` for the questions without one.
    pub number: Option<u8>,
    pub title: String,
    pub questions: Vec<RoundQuestion>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RoundQuestion {
    pub question_id: String,
    pub question: String,
    pub answers: Vec<RoundAnswer>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RoundAnswer {
    pub respondent_id: Option<String>,
    pub label: String,
    pub status: AnswerStatus,
    pub text: String,
    pub blocks: Vec<Block>,
    pub value: Option<serde_json::Value>,
}

/// A question's status for a respondent, in the completeness matrix.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum Cell {
    Answered,
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

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Completeness {
    /// The question ids, the matrix's columns, in questionnaire order.
    pub questions: Vec<String>,
    /// One row per respondent, in the order of `respondents`.
    pub rows: Vec<CompletenessRow>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CompletenessRow {
    pub respondent_id: Option<String>,
    pub label: String,
    /// One status per question, in the order of `questions`.
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct MissingRespondent {
    pub id: String,
    pub committee: String,
    pub kind: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SourceSummary {
    pub file: Option<String>,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Conflict {
    /// Why the form is listed; a code that a later version wrote is read as
    /// [`ConflictCode::Other`].
    pub code: ConflictCode,
    pub message: String,
    pub respondent_id: Option<String>,
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

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Superseded {
    pub respondent_id: String,
    /// The submission that replaced this one.
    pub superseded_by: SourceSummary,
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
    pub redact_contact: bool,
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
        None => completeness::expected_respondents(q, reg, &variants, round_id),
    };
    let questions = completeness::questions_in_use(q, &variants);
    let entries = completeness::entries(&forms, &expected, reg, &questions, opts.redact_contact);
    let areas = answers::areas(q, &questions, &forms);
    let unresolved = forms.unresolved.iter().map(summary).collect();
    let (submissions, superseded) = forms::current_and_superseded(forms, opts.redact_contact);
    Round {
        format_version: FORMAT_VERSION.into(),
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
