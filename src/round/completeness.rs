//! Who is expected to answer a round, which questions it asks, and the completeness matrix:
//! each respondent's entry (answered, unanswered, not in the form, no form) and the expected
//! respondents without a form. Not which forms count (`forms`) nor the answers (`answers`).

use std::collections::HashSet;

use crate::round_id::RoundId;
use crate::schema::{Question, Questionnaire, Registry};
use crate::submission::Submission;

use super::forms::Forms;
use super::{
    Cell, CompletenessRow, MissingRespondent, RespondentStatus, RoundRespondent, label, summary,
    swedish_key,
};

/// The variants the forms use, sorted.
pub(super) fn variants_in_use(forms: &Forms) -> Vec<String> {
    let mut variants: Vec<String> = forms
        .answering()
        .map(|s| s.questionnaire.variant.clone())
        .collect();
    variants.sort();
    variants.dedup();
    variants
}

/// The registry's respondents of the kinds the variants in use are for (of every variant when
/// no form came in) that exist at the end of the round.
pub(crate) fn expected_respondents(
    q: &Questionnaire,
    reg: &Registry,
    variants: &[String],
    round: Option<RoundId>,
) -> Vec<String> {
    let end = round.map(RoundId::end_date);
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

/// The questions, in questionnaire order: those of the variants in use.
pub(super) fn questions_in_use<'q>(q: &'q Questionnaire, variants: &[String]) -> Vec<&'q Question> {
    q.questions
        .iter()
        .filter(|qu| variants.is_empty() || variants.iter().any(|v| qu.in_variant(v)))
        .collect()
}

/// The respondents, their rows of the matrix (in the same order) and the expected ones without
/// a form.
pub(super) struct Entries {
    pub respondents: Vec<RoundRespondent>,
    pub rows: Vec<CompletenessRow>,
    pub missing: Vec<MissingRespondent>,
}

/// Respondents: those expected and those who answered, by name in Swedish order, unknown
/// respondents last.
pub(super) fn entries(
    forms: &Forms,
    expected: &[String],
    reg: &Registry,
    questions: &[&Question],
    redact_contact: bool,
) -> Entries {
    let mut entries: Vec<(RoundRespondent, CompletenessRow)> = Vec::new();
    let mut missing = Vec::new();
    let answered: HashSet<&str> = forms
        .current
        .iter()
        .filter_map(|s| s.respondent.as_ref().map(|r| r.id.as_str()))
        .collect();
    for id in expected {
        if !answered.contains(id.as_str()) {
            let (m, entry) = not_submitted(id, reg, questions.len());
            missing.push(m);
            entries.push(entry);
        }
    }
    for s in forms.answering() {
        let is_expected = s
            .respondent
            .as_ref()
            .is_some_and(|r| expected.contains(&r.id));
        entries.push(submitted(s, is_expected, questions, redact_contact));
    }
    entries.sort_by_key(|(r, _)| (r.id.is_none(), swedish_key(&r.label)));
    missing.sort_by_key(|m| swedish_key(&m.label));
    let (respondents, rows) = entries.into_iter().unzip();
    Entries {
        respondents,
        rows,
        missing,
    }
}

/// An expected respondent without a form: its entry in the missing list and in the matrix.
fn not_submitted(
    id: &str,
    reg: &Registry,
    questions: usize,
) -> (MissingRespondent, (RoundRespondent, CompletenessRow)) {
    let (committee, kind) = reg
        .get(id)
        .map(|r| (r.name.clone(), r.kind.clone()))
        .unwrap_or_else(|| (id.to_owned(), String::new()));
    let missing = MissingRespondent {
        id: id.to_owned(),
        label: committee.clone(),
        committee: committee.clone(),
        kind: kind.clone(),
    };
    let respondent = RoundRespondent {
        id: Some(id.to_owned()),
        label: committee.clone(),
        kind: (!kind.is_empty()).then_some(kind),
        expected: true,
        status: RespondentStatus::NotSubmitted,
        answered: 0,
        unanswered: 0,
        missing_questions: 0,
        source: None,
        contact: None,
    };
    let row = CompletenessRow {
        respondent_id: Some(id.to_owned()),
        label: committee,
        cells: vec![Cell::NotSubmitted; questions],
    };
    (missing, (respondent, row))
}

/// The entry and the matrix row of a respondent's form (or of a form whose respondent is
/// unknown: labelled by its file name).
fn submitted(
    s: &Submission,
    expected: bool,
    questions: &[&Question],
    redact_contact: bool,
) -> (RoundRespondent, CompletenessRow) {
    let cells: Vec<Cell> = questions.iter().map(|qu| Cell::of(s, &qu.id)).collect();
    let count = |c: Cell| cells.iter().filter(|x| **x == c).count();
    // Optional questions left unanswered do not make the answers incomplete.
    let required_done = cells
        .iter()
        .zip(questions)
        .all(|(c, qu)| *c == Cell::Answered || qu.optional);
    let id = s.respondent.as_ref().map(|r| r.id.clone());
    let kind = s.respondent.as_ref().map(|r| r.kind.clone());
    let label = label(s);
    let status = if required_done {
        RespondentStatus::Complete
    } else {
        RespondentStatus::Incomplete
    };
    let respondent = RoundRespondent {
        id: id.clone(),
        label: label.clone(),
        kind,
        expected,
        status,
        answered: count(Cell::Answered),
        unanswered: count(Cell::Unanswered),
        missing_questions: count(Cell::Missing),
        source: Some(summary(s)),
        contact: if redact_contact {
            None
        } else {
            s.contact.clone()
        },
    };
    let row = CompletenessRow {
        respondent_id: id,
        label,
        cells,
    };
    (respondent, row)
}
