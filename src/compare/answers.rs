//! Each respondent's answer to each question in the two rounds, paired and told apart: new,
//! changed (with its word diff), unchanged, removed or unanswered in both.

use std::collections::{HashMap, HashSet};

use crate::round::{Round, RoundAnswer};
use crate::submission::AnswerStatus;

use super::diff::{same_text, word_diff};
use super::{AnswerChange, ChangeStatus, ChangedArea, ChangedQuestion, Presence, RespondentChange};

/// The questions of both rounds, per area, each with every respondent's change; counts each
/// change on its respondent.
pub(super) fn areas(
    before: &Round,
    after: &Round,
    respondents: &mut [RespondentChange],
) -> Vec<ChangedArea> {
    let earlier = Answers::of(before);
    let later = Answers::of(after);
    let carried = carried_over(after);
    let mut areas = layout(before, after);
    for area in &mut areas {
        for q in &mut area.questions {
            for r in respondents.iter_mut() {
                let (old_id, new_id) = ids(r);
                let old = old_id.and_then(|id| earlier.get(&q.question_id, id));
                let new = new_id.and_then(|id| later.get(&q.question_id, id));
                let carried_over =
                    new_id.is_some_and(|id| carried.contains(&(id, q.question_id.as_str())));
                let change = change(r, old, new, carried_over);
                r.counts.count(change.status);
                q.answers.push(change);
            }
        }
    }
    areas
}

/// The registry ids the respondent's forms go by in the earlier and the later round.
fn ids(r: &RespondentChange) -> (Option<&str>, Option<&str>) {
    match r.presence {
        Presence::Both => (Some(&r.id), Some(&r.id)),
        Presence::Renamed => (r.previous.as_ref().map(|p| p.id.as_str()), Some(&r.id)),
        Presence::Appeared => (None, Some(&r.id)),
        Presence::Disappeared => (Some(&r.id), None),
    }
}

/// What became of an answer: `old` and `new` are the answered texts, if any.
fn change(
    r: &RespondentChange,
    old: Option<&str>,
    new: Option<&str>,
    carried_over: bool,
) -> AnswerChange {
    let (status, diff) = match (old, new) {
        (None, None) => (ChangeStatus::Unanswered, Vec::new()),
        (None, Some(_)) => (ChangeStatus::New, Vec::new()),
        (Some(_), None) => (ChangeStatus::Removed, Vec::new()),
        (Some(a), Some(b)) if same_text(a, b) => (ChangeStatus::Unchanged, Vec::new()),
        (Some(a), Some(b)) => (ChangeStatus::Changed, word_diff(a, b)),
    };
    AnswerChange {
        respondent_id: r.id.clone(),
        label: r.label.clone(),
        status,
        before: old.map(str::to_owned),
        after: new.map(str::to_owned),
        diff,
        carried_over: carried_over && new.is_some(),
    }
}

/// A round's answered texts by question and respondent.
struct Answers<'r>(HashMap<(&'r str, &'r str), &'r RoundAnswer>);

impl<'r> Answers<'r> {
    fn of(round: &'r Round) -> Answers<'r> {
        let mut map = HashMap::new();
        for q in round.areas.iter().flat_map(|a| &a.questions) {
            for a in &q.answers {
                let Some(id) = a.respondent_id.as_deref() else {
                    continue;
                };
                if a.status == AnswerStatus::Answered && !a.text.trim().is_empty() {
                    map.insert((q.question_id.as_str(), id), a);
                }
            }
        }
        Answers(map)
    }

    fn get(&self, question: &str, respondent: &str) -> Option<&'r str> {
        self.0.get(&(question, respondent)).map(|a| a.text.as_str())
    }
}

/// The (respondent, question) pairs whose current form returned the prefilled answer
/// unchanged.
fn carried_over(round: &Round) -> HashSet<(&str, &str)> {
    let mut carried = HashSet::new();
    for s in &round.submissions {
        let Some(r) = &s.respondent else { continue };
        for a in s.answers.iter().filter(|a| a.carried_over) {
            carried.insert((r.id.as_str(), a.question_id.as_str()));
        }
    }
    carried
}

/// The areas and questions of both rounds, without answers: the later round's, in its order,
/// then each question only the earlier one asks, at the end of its area (an area of its own
/// when the later round has none of that number).
fn layout(before: &Round, after: &Round) -> Vec<ChangedArea> {
    let mut areas: Vec<ChangedArea> = Vec::new();
    for area in after.areas.iter().chain(&before.areas) {
        let at = match areas.iter().position(|a| a.number == area.number) {
            Some(at) => at,
            None => {
                areas.push(ChangedArea {
                    number: area.number,
                    title: area.title.clone(),
                    questions: Vec::new(),
                });
                areas.len() - 1
            }
        };
        for q in &area.questions {
            let known = areas
                .iter()
                .flat_map(|a| &a.questions)
                .any(|x| x.question_id == q.question_id);
            if !known {
                areas[at].questions.push(ChangedQuestion {
                    question_id: q.question_id.clone(),
                    question: q.question.clone(),
                    answers: Vec::new(),
                });
            }
        }
    }
    // The questions without an area stay last, as in a round.
    areas.sort_by_key(|a| a.number.is_none());
    areas
}
