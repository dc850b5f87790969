//! The round's answers: per focus area (and last, the questions without one) and question,
//! each form's answer, respondents by name in Swedish order and unknown ones last. Not who is
//! expected nor the completeness matrix (`completeness`).

use crate::schema::{Question, Questionnaire};
use crate::submission::{AnswerStatus, Submission};

use super::forms::Forms;
use super::{RoundAnswer, RoundArea, RoundQuestion, label, swedish_key};

/// The areas with questions in use, in questionnaire order, each question with every answer.
pub(super) fn areas(q: &Questionnaire, questions: &[&Question], forms: &Forms) -> Vec<RoundArea> {
    let mut answering: Vec<&Submission> = forms.answering().collect();
    answering.sort_by_key(|s| (s.respondent.is_none(), swedish_key(&label(s))));
    let mut area_numbers: Vec<Option<u8>> = q.areas.iter().map(|a| Some(a.number)).collect();
    area_numbers.push(None);
    let mut areas: Vec<RoundArea> = Vec::new();
    for number in area_numbers {
        let qs: Vec<RoundQuestion> = questions
            .iter()
            .filter(|qu| qu.area == number)
            .map(|qu| RoundQuestion {
                question_id: qu.id.clone(),
                question: qu.text.clone(),
                answers: answering.iter().map(|s| answer(s, &qu.id)).collect(),
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
    areas
}

/// A form's answer to a question, under its respondent's name.
fn answer(s: &Submission, question_id: &str) -> RoundAnswer {
    let a = s.answer(question_id);
    RoundAnswer {
        respondent_id: s.respondent.as_ref().map(|r| r.id.clone()),
        label: label(s),
        status: a.map_or(AnswerStatus::Missing, |a| a.status),
        text: a.map(|a| a.text.clone()).unwrap_or_default(),
        blocks: a.map(|a| a.blocks.clone()).unwrap_or_default(),
        value: a.and_then(|a| a.value.clone()),
    }
}
