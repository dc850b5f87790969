//! What changed between two rounds, in Word: the overview (answers per status, respondents
//! who appeared, disappeared or were renamed) and, per focus area and question, each new,
//! changed or removed answer under its respondent's name, the removed words struck through in
//! dark red and the added ones underlined in dark blue. The comparison's own document
//! (`export::changes`) and the round report's section "Förändringar sedan 2022-T1" are both
//! written with these, one heading level apart.
//!
//! ```text
//! Förändringar sedan 2022-T1                   Heading 1 on a new page (the report only)
//! Sammanfattning                               Heading 1 / 2: a table of counts
//! Tillkomna och försvunna                      Heading 1 / 2: a bullet per respondent
//! Borttagna ord är ~överstrukna~, tillagda _understrukna_.
//! 1. Stimulera tillväxt och företagsamhet      Heading 1 / 2 per focus area
//! Beskriv samverkan med …                      Heading 2 / 3 per question
//! Farsta stadsdelsnämnd · Ändrat               the name in bold, the status
//! Vi har träffat ~12~ _15_ företag …           the answer with its words marked
//! Oförändrade svar: 2.                         italic: what the question does not list
//! ```

use docx_rs::{
    AlignmentType, BreakType, Docx, LineSpacing, Paragraph, Run, Table, TableCell, TableRow,
    WidthType,
};

use crate::compare::{AnswerChange, ChangeStatus, ChangedQuestion, Comparison, DiffOp};
use crate::export::changes::words;
use crate::export::text::{area_heading, clean};

use super::builder::{Builder, padded, run};

/// Removed words: struck through, dark red (readable on white and in grey print, apart from
/// the added words' blue).
const REMOVED_COLOUR: &str = "A00000";
/// Added words: underlined, dark blue.
const ADDED_COLOUR: &str = "1F4E99";

/// The summary table's columns: what, how many.
const SUMMARY_COLUMNS: [usize; 2] = [4400, 1100];
/// How far an answer stands in from its respondent's name.
const ANSWER_INDENT: i32 = 360;

/// The heading over the counts.
pub(in crate::export) const SUMMARY_HEADING: &str = "Sammanfattning";

/// The round report's section, on a page of its own as the report's other parts: its
/// heading, which rounds, the overview and the changed answers, one level under the heading.
pub(in crate::export) fn section(b: &mut Builder, mut docx: Docx, c: &Comparison) -> Docx {
    let p = b.heading(0, &words::since(c)).page_break_before(true);
    docx = docx.add_paragraph(p);
    let p = b.text(None, &words::intro(c));
    let heading = b.heading(1, SUMMARY_HEADING);
    docx = overview(b, docx.add_paragraph(p).add_paragraph(heading), c, 1);
    areas(b, docx, c, 1)
}

/// The counts (under the heading [`SUMMARY_HEADING`] the caller wrote) and the respondents who
/// appeared, disappeared or were renamed (under `Tillkomna och försvunna`, at `level`).
pub(in crate::export) fn overview(
    b: &mut Builder,
    mut docx: Docx,
    c: &Comparison,
    level: usize,
) -> Docx {
    docx = docx.add_table(summary(b, c));
    // A paragraph after the table keeps what follows off its last row.
    let p = b
        .text(None, words::counts_note(c).unwrap_or_default())
        .line_spacing(LineSpacing::new().before(120));
    docx = docx.add_paragraph(p);
    if let Some(unknown) = words::unknown_forms(c) {
        let p = b.text(None, &unknown);
        docx = docx.add_paragraph(p);
    }
    let p = b.heading(level, words::RESPONDENTS_HEADING);
    docx = docx.add_paragraph(p);
    let changes = words::presence_changes(c);
    if changes.is_empty() {
        let p = b.text(None, words::SAME_RESPONDENTS);
        docx = docx.add_paragraph(p);
    }
    for (r, says) in changes {
        let p = b
            .list_item(0)
            .add_run(Run::new().add_text(clean(&r.label)).bold())
            .add_run(run(&format!(": {says}")));
        docx = docx.add_paragraph(p);
    }
    docx
}

/// How many answers of each status and respondents of each kind: a table of two columns.
fn summary(b: &mut Builder, c: &Comparison) -> Table {
    let cell = |width: usize, p: Paragraph| {
        TableCell::new()
            .width(width, WidthType::Dxa)
            .add_paragraph(p)
    };
    let rows = words::summary_rows(c)
        .into_iter()
        .map(|(label, n)| {
            let label_p = b.text(None, &label);
            let n_p = b.text(None, &n.to_string()).align(AlignmentType::Right);
            TableRow::new(vec![
                cell(SUMMARY_COLUMNS[0], label_p),
                cell(SUMMARY_COLUMNS[1], n_p),
            ])
        })
        .collect();
    padded(
        Table::new(rows)
            .set_grid(SUMMARY_COLUMNS.to_vec())
            .width(SUMMARY_COLUMNS.iter().sum(), WidthType::Dxa),
    )
}

/// What the marks mean, then per focus area (a heading at `level`) and question (one level
/// under; a question outside the areas at `level`) the answers that changed.
pub(in crate::export) fn areas(
    b: &mut Builder,
    mut docx: Docx,
    c: &Comparison,
    level: usize,
) -> Docx {
    let legend = b
        .paragraph()
        .line_spacing(LineSpacing::new().before(240))
        .add_run(Run::new().add_text("Borttagna ord är "))
        .add_run(removed(run("överstrukna")))
        .add_run(Run::new().add_text(", tillagda "))
        .add_run(added(run("understrukna")))
        .add_run(Run::new().add_text("."));
    docx = docx.add_paragraph(legend);
    for area in &c.areas {
        let question_level = match area.number {
            Some(n) => {
                let p = b.heading(level, &area_heading(n, &area.title));
                docx = docx.add_paragraph(p);
                level + 1
            }
            None => level,
        };
        for q in &area.questions {
            let p = b.heading(question_level, &q.question);
            docx = question(b, docx.add_paragraph(p), c, q);
        }
    }
    docx
}

/// A question's new, changed and removed answers under each respondent's name, and what it
/// says of the rest.
fn question(b: &mut Builder, mut docx: Docx, c: &Comparison, q: &ChangedQuestion) -> Docx {
    for a in words::listed(c, q) {
        let name = b
            .bold(&a.label)
            .add_run(Run::new().add_text(format!(" · {}", a.status.label())));
        let p = answer(b, a);
        docx = docx.add_paragraph(name).add_paragraph(p);
    }
    if let Some(rest) = words::rest_of(c, q) {
        let p = b.italic(&rest);
        docx = docx.add_paragraph(p);
    }
    docx
}

/// A changed answer with its words marked, line by line; a new or removed one as it is; set
/// in under the name.
fn answer(b: &mut Builder, a: &AnswerChange) -> Paragraph {
    let quoted = match a.status {
        ChangeStatus::Changed => None,
        ChangeStatus::Removed => Some(a.before.as_deref()),
        _ => Some(a.after.as_deref()),
    };
    if let Some(text) = quoted {
        return b
            .text(None, &words::quoted(text.unwrap_or_default()))
            .indent(Some(ANSWER_INDENT), None, None, None);
    }
    let mut p = b.paragraph().indent(Some(ANSWER_INDENT), None, None, None);
    for (i, line) in words::marked_lines(&a.diff).iter().enumerate() {
        if i > 0 {
            p = p.add_run(Run::new().add_break(BreakType::TextWrapping));
        }
        for (op, text) in line {
            p = p.add_run(match op {
                DiffOp::Same => run(text),
                DiffOp::Removed => removed(run(text)),
                DiffOp::Added => added(run(text)),
            });
        }
    }
    p
}

/// A run of removed words: struck through, dark red.
fn removed(r: Run) -> Run {
    r.strike().color(REMOVED_COLOUR)
}

/// A run of added words: underlined, dark blue.
fn added(r: Run) -> Run {
    r.underline("single").color(ADDED_COLOUR)
}
