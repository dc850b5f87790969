//! The round laid out as the exports show it: rows (respondents, in the round's order, each
//! with its matrix row and its current form) and columns (questions, with their short labels).
//! Not the words or the layout of any export.

use crate::round::{Cell, CompletenessRow, Round, RoundRespondent};
use crate::schema::Questionnaire;
use crate::submission::{Answer, Submission};

/// A question as the exports show it.
#[derive(Debug, Clone)]
pub(crate) struct QuestionInfo<'a> {
    pub id: &'a str,
    /// The question as the template asks it.
    pub text: &'a str,
    /// The short label (the control's title, `alias`); the text when the questionnaire does not
    /// know the question.
    pub label: &'a str,
    pub area: Option<u8>,
}

/// A respondent as the exports show it: the round's entry, its row of the completeness matrix
/// and its current form.
#[derive(Debug, Clone)]
pub(crate) struct Row<'a> {
    pub respondent: &'a RoundRespondent,
    /// One status per question of [`Grid::questions`].
    pub cells: Vec<Cell>,
    pub submission: Option<&'a Submission>,
}

impl Row<'_> {
    pub fn answer(&self, question_id: &str) -> Option<&Answer> {
        self.submission.and_then(|s| s.answer(question_id))
    }
}

/// The round as rows (respondents, in the round's order) and columns (questions, in
/// questionnaire order: the completeness matrix's columns).
#[derive(Debug, Clone)]
pub(crate) struct Grid<'a> {
    pub questions: Vec<QuestionInfo<'a>>,
    pub rows: Vec<Row<'a>>,
}

impl<'a> Grid<'a> {
    pub fn new(round: &'a Round, q: &'a Questionnaire) -> Grid<'a> {
        let questions = round
            .completeness
            .questions
            .iter()
            .map(|id| QuestionInfo::new(round, q, id))
            .collect();
        let rows = round
            .respondents
            .iter()
            .enumerate()
            .map(|(i, r)| Row::new(round, i, r))
            .collect();
        Grid { questions, rows }
    }
}

impl<'a> QuestionInfo<'a> {
    /// The question as the round asks it, labelled as the questionnaire labels it.
    fn new(round: &'a Round, q: &'a Questionnaire, id: &'a str) -> QuestionInfo<'a> {
        let in_round = round
            .areas
            .iter()
            .flat_map(|a| a.questions.iter().map(move |x| (a.number, x)))
            .find(|(_, x)| x.question_id == id);
        let in_q = q.questions.iter().find(|x| x.id == id);
        let text = in_round
            .map(|(_, x)| x.question.as_str())
            .or(in_q.map(|x| x.text.as_str()))
            .unwrap_or(id);
        let label = in_q
            .map(|x| x.alias.as_str())
            .filter(|a| !a.trim().is_empty())
            .unwrap_or(text);
        let area = match in_round {
            Some((area, _)) => area,
            None => in_q.and_then(|x| x.area),
        };
        QuestionInfo {
            id,
            text,
            label,
            area,
        }
    }
}

impl<'a> Row<'a> {
    /// The `i`th respondent of the round, with its matrix row and its form.
    fn new(round: &'a Round, i: usize, r: &'a RoundRespondent) -> Row<'a> {
        // The form: the current submission the respondent's source names.
        let submission = r.source.as_ref().and_then(|src| {
            round
                .submissions
                .iter()
                .find(|s| s.source.sha256 == src.sha256)
        });
        // The matrix row: the one at the same place, as `consolidate` writes them,
        // else the one with the same respondent.
        let same = |row: &&CompletenessRow| row.respondent_id == r.id && row.label == r.label;
        let row = round
            .completeness
            .rows
            .get(i)
            .filter(same)
            .or_else(|| round.completeness.rows.iter().find(same));
        let cells = match row {
            Some(row) => (0..round.completeness.questions.len())
                .map(|j| row.cells.get(j).copied().unwrap_or(Cell::Missing))
                .collect(),
            None => round
                .completeness
                .questions
                .iter()
                .map(|id| cell_of(submission, id))
                .collect(),
        };
        Row {
            respondent: r,
            cells,
            submission,
        }
    }
}

/// A question's status for a form, when the matrix does not say.
fn cell_of(submission: Option<&Submission>, question_id: &str) -> Cell {
    submission.map_or(Cell::NotSubmitted, |s| Cell::of(s, question_id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testing;

    #[test]
    fn the_grid_follows_the_round_s_order_and_finds_each_form() {
        let round = testing::round(false);
        let q = testing::questionnaire();
        let g = Grid::new(&round, &q);
        assert_eq!(g.questions.len(), 9);
        assert_eq!(g.questions[0].label, "Samverkan lokalt näringsliv");
        assert_eq!(g.questions[0].area, Some(1));
        assert_eq!(g.questions[8].area, None);
        let labels: Vec<&str> = g.rows.iter().map(|r| r.respondent.label.as_str()).collect();
        assert_eq!(
            labels,
            vec![
                "Bromma stadsdelsnämnd",
                "Enskede-Årsta-Vantörs stadsdelsnämnd",
                "Farsta stadsdelsnämnd",
                "okand.docx"
            ]
        );
        assert!(g.rows[1].submission.is_none());
        assert_eq!(g.rows[1].cells, vec![Cell::NotSubmitted; 9]);
        assert_eq!(g.rows[2].cells[1], Cell::Missing);
        assert_eq!(g.rows[0].cells[8], Cell::Unanswered);
        assert!(g.rows[3].answer("platssamverkan").is_some());
    }
}
