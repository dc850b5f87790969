//! A reporting round: the submissions of one round merged into one dataset (the contract in
//! `schemas/round.schema.json`): per focus area and question, each respondent's answer; the
//! completeness matrix; the expected respondents that have not answered; earlier forms a later
//! one from the same respondent replaced; conflicts and forms whose respondent is unknown.
//!
//! Consolidation knows only submissions, never Word.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::model::Block;
use crate::round_id::RoundId;
use crate::schema::{Questionnaire, Registry};
use crate::submission::{AnswerStatus, Contact, Submission};

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
    /// `round-mismatch`, `questionnaire-mismatch`, `same-form-twice`.
    pub code: String,
    pub message: String,
    pub respondent_id: Option<String>,
    pub source: SourceSummary,
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

fn summary(s: &Submission) -> SourceSummary {
    SourceSummary {
        file: s.source.file.clone(),
        sha256: s.source.sha256.clone(),
    }
}

/// The order a later form comes after an earlier one: the time the document says it was
/// saved (or, when that date lies after the conversion and is not believed, the file's own
/// time), then the file name; the input order breaks ties.
fn received_key(s: &Submission) -> (Option<jiff::Timestamp>, Option<String>) {
    let time = if saved_in_future(s) {
        s.source.file_modified.as_deref()
    } else {
        s.source.modified.as_deref()
    };
    (time.and_then(|t| t.parse().ok()), s.source.file.clone())
}

/// True when the form's saved date was not believed when it was converted.
fn saved_in_future(s: &Submission) -> bool {
    s.warnings.iter().any(|w| w.code == "saved-in-future")
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
    let mut conflicts = Vec::new();
    // The round: as given, else the one most submissions name.
    let round_id = opts.round.or_else(|| {
        let mut counts: BTreeMap<RoundId, usize> = BTreeMap::new();
        for s in &submissions {
            if let Some(r) = s.round {
                *counts.entry(r).or_default() += 1;
            }
        }
        counts
            .into_iter()
            .max_by_key(|(r, n)| (*n, std::cmp::Reverse(*r)))
            .map(|(r, _)| r)
    });
    let mut kept: Vec<Submission> = Vec::new();
    for s in submissions {
        if s.questionnaire.id != q.id {
            conflicts.push(Conflict {
                code: "questionnaire-mismatch".into(),
                message: format!(
                    "the form answers questionnaire {} {}, not {} {}; it is left out",
                    s.questionnaire.id, s.questionnaire.version, q.id, q.version
                ),
                respondent_id: s.respondent.as_ref().map(|r| r.id.clone()),
                source: summary(&s),
            });
            continue;
        }
        if let (Some(r), Some(want)) = (&s.round, &round_id)
            && r != want
        {
            conflicts.push(Conflict {
                code: "round-mismatch".into(),
                message: format!("the form is for round {r}, not {want}; it is left out"),
                respondent_id: s.respondent.as_ref().map(|r| r.id.clone()),
                source: summary(&s),
            });
            continue;
        }
        kept.push(s);
    }
    // A saved date after the conversion is listed: it may be a misset clock, or a form made to
    // replace every later one.
    for s in kept.iter().filter(|s| saved_in_future(s)) {
        conflicts.push(Conflict {
            code: "saved-in-future".into(),
            message: format!(
                "the form says it was saved {}, after it was converted; it is ordered among its respondent's forms by the file's own time instead",
                s.source.modified.as_deref().unwrap_or("?")
            ),
            respondent_id: s.respondent.as_ref().map(|r| r.id.clone()),
            source: summary(s),
        });
    }
    // The same form twice (same bytes) counts once.
    let mut seen = std::collections::HashSet::new();
    let mut unique = Vec::new();
    for s in kept {
        if seen.insert(s.source.sha256.clone()) {
            unique.push(s);
        } else {
            conflicts.push(Conflict {
                code: "same-form-twice".into(),
                message: "the same form (same content) came in twice; it counts once".into(),
                respondent_id: s.respondent.as_ref().map(|r| r.id.clone()),
                source: summary(&s),
            });
        }
    }
    // A later form from the same respondent replaces the earlier one.
    let mut by_respondent: BTreeMap<String, Vec<Submission>> = BTreeMap::new();
    let mut unresolved_subs = Vec::new();
    for s in unique {
        match &s.respondent {
            Some(r) => by_respondent.entry(r.id.clone()).or_default().push(s),
            None => unresolved_subs.push(s),
        }
    }
    let mut current: Vec<Submission> = Vec::new();
    let mut superseded = Vec::new();
    for (id, mut subs) in by_respondent {
        subs.sort_by_key(received_key);
        let latest = subs.pop().expect("at least one submission");
        for earlier in subs.into_iter().rev() {
            superseded.push(Superseded {
                respondent_id: id.clone(),
                superseded_by: summary(&latest),
                submission: earlier,
            });
        }
        current.push(latest);
    }
    unresolved_subs.sort_by_key(received_key);

    // Who is expected.
    let end = round_id.map(RoundId::end_date);
    let mut variants: Vec<String> = current
        .iter()
        .chain(&unresolved_subs)
        .map(|s| s.questionnaire.variant.clone())
        .collect();
    variants.sort();
    variants.dedup();
    let expected: Vec<String> = match &opts.expected {
        Some(list) => list.clone(),
        None => {
            let kinds: Vec<&str> = q
                .variants
                .iter()
                .filter(|v| variants.is_empty() || variants.contains(&v.id))
                .flat_map(|v| v.kinds.iter().map(String::as_str))
                .collect();
            reg.respondents
                .iter()
                .filter(|r| kinds.contains(&r.kind.as_str()) && r.valid_on(end.as_deref()))
                .map(|r| r.id.clone())
                .collect()
        }
    };

    // The questions, in questionnaire order: those of the variants in use.
    let questions: Vec<&crate::schema::Question> = q
        .questions
        .iter()
        .filter(|qu| variants.is_empty() || variants.iter().any(|v| qu.in_variant(v)))
        .collect();
    let question_ids: Vec<String> = questions.iter().map(|qu| qu.id.clone()).collect();

    // Respondents: those who answered and those expected.
    let mut respondents: Vec<RoundRespondent> = Vec::new();
    let mut rows: Vec<CompletenessRow> = Vec::new();
    let cells_of = |s: &Submission| -> Vec<Cell> {
        question_ids
            .iter()
            .map(|id| match s.answer(id).map(|a| a.status) {
                Some(AnswerStatus::Answered) => Cell::Answered,
                Some(AnswerStatus::Unanswered) => Cell::Unanswered,
                Some(AnswerStatus::Missing) | None => Cell::Missing,
            })
            .collect()
    };
    let optional: Vec<bool> = questions.iter().map(|qu| qu.optional).collect();
    let entry_of = |s: &Submission, expected: bool| -> (RoundRespondent, CompletenessRow) {
        let cells = cells_of(s);
        let count = |c: Cell| cells.iter().filter(|x| **x == c).count();
        // Optional questions left unanswered do not make the answers incomplete.
        let required_done = cells
            .iter()
            .zip(&optional)
            .all(|(c, opt)| *c == Cell::Answered || *opt);
        let (id, label, kind) = match &s.respondent {
            Some(r) => (
                Some(r.id.clone()),
                r.committee.clone(),
                Some(r.kind.clone()),
            ),
            None => (
                None,
                s.source
                    .file
                    .clone()
                    .unwrap_or_else(|| s.source.sha256.chars().take(12).collect()),
                None,
            ),
        };
        let status = if required_done {
            RespondentStatus::Complete
        } else {
            RespondentStatus::Incomplete
        };
        (
            RoundRespondent {
                id: id.clone(),
                label: label.clone(),
                kind,
                expected,
                status,
                answered: count(Cell::Answered),
                unanswered: count(Cell::Unanswered),
                missing_questions: count(Cell::Missing),
                source: Some(summary(s)),
                contact: if opts.redact_contact {
                    None
                } else {
                    s.contact.clone()
                },
            },
            CompletenessRow {
                respondent_id: id,
                label,
                cells,
            },
        )
    };
    let mut missing = Vec::new();
    let current_ids: HashMap<&str, &Submission> = current
        .iter()
        .filter_map(|s| s.respondent.as_ref().map(|r| (r.id.as_str(), s)))
        .collect();
    for id in &expected {
        if current_ids.contains_key(id.as_str()) {
            continue;
        }
        let (committee, kind) = reg
            .get(id)
            .map(|r| (r.name.clone(), r.kind.clone()))
            .unwrap_or_else(|| (id.clone(), String::new()));
        missing.push(MissingRespondent {
            id: id.clone(),
            committee: committee.clone(),
            kind: kind.clone(),
        });
        respondents.push(RoundRespondent {
            id: Some(id.clone()),
            label: committee.clone(),
            kind: (!kind.is_empty()).then_some(kind),
            expected: true,
            status: RespondentStatus::NotSubmitted,
            answered: 0,
            unanswered: 0,
            missing_questions: 0,
            source: None,
            contact: None,
        });
        rows.push(CompletenessRow {
            respondent_id: Some(id.clone()),
            label: committee,
            cells: vec![Cell::NotSubmitted; question_ids.len()],
        });
    }
    for s in current.iter().chain(&unresolved_subs) {
        let is_expected = s
            .respondent
            .as_ref()
            .is_some_and(|r| expected.contains(&r.id));
        let (r, row) = entry_of(s, is_expected);
        respondents.push(r);
        rows.push(row);
    }
    // By name, Swedish order; unknown respondents last.
    let mut order: Vec<usize> = (0..respondents.len()).collect();
    order.sort_by_key(|&i| {
        (
            respondents[i].id.is_none(),
            swedish_key(&respondents[i].label),
        )
    });
    let respondents: Vec<RoundRespondent> = order.iter().map(|&i| respondents[i].clone()).collect();
    let rows: Vec<CompletenessRow> = order.iter().map(|&i| rows[i].clone()).collect();
    missing.sort_by_key(|m| swedish_key(&m.committee));

    // Per area and question, every answer, respondents in the same order.
    let answering: Vec<&Submission> = {
        let mut list: Vec<&Submission> = current.iter().chain(&unresolved_subs).collect();
        list.sort_by_key(|s| {
            (
                s.respondent.is_none(),
                swedish_key(
                    &s.respondent
                        .as_ref()
                        .map(|r| r.committee.clone())
                        .or_else(|| s.source.file.clone())
                        .unwrap_or_default(),
                ),
            )
        });
        list
    };
    let mut areas: Vec<RoundArea> = Vec::new();
    let mut area_numbers: Vec<Option<u8>> = q.areas.iter().map(|a| Some(a.number)).collect();
    area_numbers.push(None);
    for number in area_numbers {
        let qs: Vec<RoundQuestion> = questions
            .iter()
            .filter(|qu| qu.area == number)
            .map(|qu| RoundQuestion {
                question_id: qu.id.clone(),
                question: qu.text.clone(),
                answers: answering
                    .iter()
                    .map(|s| {
                        let a = s.answer(&qu.id);
                        RoundAnswer {
                            respondent_id: s.respondent.as_ref().map(|r| r.id.clone()),
                            label: s
                                .respondent
                                .as_ref()
                                .map(|r| r.committee.clone())
                                .or_else(|| s.source.file.clone())
                                .unwrap_or_default(),
                            status: a.map_or(AnswerStatus::Missing, |a| a.status),
                            text: a.map(|a| a.text.clone()).unwrap_or_default(),
                            blocks: a.map(|a| a.blocks.clone()).unwrap_or_default(),
                            value: a.and_then(|a| a.value.clone()),
                        }
                    })
                    .collect(),
            })
            .collect();
        if qs.is_empty() {
            continue;
        }
        let title = match number {
            Some(n) => q.area(n).map(|a| a.title.clone()).unwrap_or_default(),
            None => String::new(),
        };
        areas.push(RoundArea {
            number,
            title,
            questions: qs,
        });
    }

    let unresolved = unresolved_subs.iter().map(summary).collect();
    let mut submissions: Vec<Submission> = current.into_iter().chain(unresolved_subs).collect();
    let mut superseded = superseded;
    if opts.redact_contact {
        for s in &mut submissions {
            s.redact_contact();
        }
        for s in &mut superseded {
            s.submission.redact_contact();
        }
    }
    submissions.sort_by_key(|s| {
        (
            s.respondent.is_none(),
            s.respondent.as_ref().map(|r| swedish_key(&r.committee)),
            s.source.file.clone(),
        )
    });
    superseded.sort_by_key(|s| (s.respondent_id.clone(), received_key(&s.submission)));
    Round {
        format_version: FORMAT_VERSION.into(),
        round: round_id,
        questionnaire: RoundQuestionnaire {
            id: q.id.clone(),
            version: q.version.clone(),
            variants,
        },
        respondents,
        areas,
        completeness: Completeness {
            questions: question_ids,
            rows,
        },
        missing,
        unresolved,
        conflicts,
        submissions,
        superseded,
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
}
