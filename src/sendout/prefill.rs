//! The answers a sent-out form starts with (`sendout --prefill`): each respondent's answers
//! from its newest form of an earlier round.

use std::collections::{BTreeMap, HashMap};

use crate::round::received_key;
use crate::round_id::RoundId;
use crate::schema::Questionnaire;
use crate::submission::{AnswerStatus, Submission};

/// Each respondent's newest form of a round before `round` (a form whose round is unknown
/// counts as earlier: the folder was given as the earlier round's), by registry id. Forms of
/// another questionnaire are passed over: their question ids mean other questions.
pub(super) fn newest_before<'a>(
    forms: &'a [Submission],
    q: &Questionnaire,
    round: RoundId,
) -> HashMap<&'a str, &'a Submission> {
    let mut newest: HashMap<&str, &Submission> = HashMap::new();
    let earlier = forms
        .iter()
        .filter(|s| s.questionnaire.id == q.id)
        .filter(|s| s.round.is_none_or(|r| r < round));
    for s in earlier {
        let Some(r) = &s.respondent else { continue };
        let later = |a: &Submission, b: &Submission| {
            (a.round, received_key(a)) > (b.round, received_key(b))
        };
        match newest.get(r.id.as_str()) {
            Some(kept) if !later(s, kept) => {}
            _ => {
                newest.insert(r.id.as_str(), s);
            }
        }
    }
    newest
}

/// The answers `form` gives to the questions of `variant`, by question id: the answered ones,
/// as their text.
pub(super) fn answers(
    form: &Submission,
    q: &Questionnaire,
    variant: &str,
) -> BTreeMap<String, String> {
    q.questions_of(variant)
        .filter_map(|question| {
            let a = form.answer(&question.id)?;
            let keep = a.status == AnswerStatus::Answered && !a.text.trim().is_empty();
            keep.then(|| (question.id.clone(), a.text.clone()))
        })
        .collect()
}
