//! The spreadsheet export (rust_xlsxwriter), for the analyst at the city office:
//!
//! - **Fullständighet**: a row per respondent, a column per question (headed by its short
//!   label, with its id and text in a note; the ids also in a hidden row above, for programs), each cell the status in
//!   Swedish, coloured: Besvarad (green), Obesvarad (yellow), Saknas i formuläret (orange), Ej
//!   inkommen (red); the number answered last; a legend under the table.
//! - **Svar**: a row per question and respondent (question by question, so the answers to one
//!   question stand together): Område, Fråga-id, Fråga, Nämnd/bolag, Status, Svar, Värde;
//!   wrapped text, frozen header row, autofilter. With what changed since an earlier round
//!   (`consolidate --previous`), a last column "Förändring sedan 2022-T1": each answer's change
//!   status, coloured as in the comparison's workbook (`changes::xlsx`).
//! - **Ej inkomna**: the expected respondents without a form.
//! - **Avvikelser**: forms whose respondent is unknown and conflicts; only when there are any.
//! - **Kontakter**: each respondent's contact; only when the round carries contact details
//!   (a round consolidated with `redact_contact` carries none).
//!
//! Every cell is written as text (or a number), never as a formula, whatever the answer starts
//! with. Text goes through [`clean`](super::text::clean): no character XML 1.0 cannot hold (which
//! rust_xlsxwriter would write as `_xFFFE_`, shown as such). Excel holds at most 32,767 characters in a cell: a longer answer is cut there, with a
//! marker saying so (the JSON export has it whole). The workbook's creation date is the round's
//! `generatedAt` (fixed when the round has none), so that the same round gives the same file;
//! its document properties name the program that made it.
//!
//! Printed, both main sheets are landscape A4, one page wide, with their header rows repeated,
//! the title in the page header and page numbers in the footer; rows of wrapped text have
//! explicit heights, since Excel does not grow rows when it opens a file.

use std::collections::HashMap;

use rust_xlsxwriter::{Format, Note, Workbook, Worksheet, XlsxError};

use crate::compare::{ChangeStatus, Comparison};
use crate::round::{Cell, Round};
use crate::schema::Questionnaire;
use crate::vocabulary::{Mark, NOT_SUBMITTED_HEADING};
use crate::warning_code::WarningCode;

use super::ExportError;
use super::grid::Grid;
use super::sheet::{
    CELL_LIMIT, Formats, col, fit, fit_row_height, for_print, header_row, lines, properties,
    row_height, row_num,
};
use super::text::{
    area_heading, clean, contact_email, contact_name, contact_of, contact_phone, made_at, title,
    value_sv,
};

/// The sheets' names.
pub const COMPLETENESS_SHEET: &str = "Fullständighet";
pub const ANSWERS_SHEET: &str = "Svar";
pub const MISSING_SHEET: &str = NOT_SUBMITTED_HEADING;
pub const DEVIATIONS_SHEET: &str = "Avvikelser";
pub const CONTACTS_SHEET: &str = "Kontakter";

/// The header row of the sheet "Svar".
pub const ANSWER_COLUMNS: [&str; 7] = [
    "Område",
    "Fråga-id",
    "Fråga",
    "Nämnd/bolag",
    "Status",
    "Svar",
    "Värde",
];

/// The spreadsheet export of a round.
pub fn to_xlsx(round: &Round, q: &Questionnaire) -> Result<Vec<u8>, ExportError> {
    workbook(round, q, None)
}

/// The spreadsheet export of a round; with `changes`, a change column in the sheet "Svar".
pub(crate) fn workbook(
    round: &Round,
    q: &Questionnaire,
    changes: Option<&Comparison>,
) -> Result<Vec<u8>, ExportError> {
    let changes = changes.map(ChangeColumn::of);
    build(round, q, changes.as_ref()).map_err(|e| ExportError::Xlsx(e.to_string()))
}

fn build(
    round: &Round,
    q: &Questionnaire,
    changes: Option<&ChangeColumn<'_>>,
) -> Result<Vec<u8>, XlsxError> {
    let grid = Grid::new(round, q);
    let f = Formats::new();
    let mut wb = Workbook::new();
    wb.set_properties(&properties(&title(round, q), made_at(round))?);
    let heading = clean(&title(round, q)).into_owned();
    let ws = wb.add_worksheet();
    completeness(ws, &grid, &f)?;
    for_print(ws, &heading, 2, 1)?;
    let ws = wb.add_worksheet();
    answers(ws, round, &grid, changes, &f)?;
    for_print(ws, &heading, 1, 0)?;
    missing(wb.add_worksheet(), round, &f)?;
    if !round.unresolved.is_empty() || !round.conflicts.is_empty() {
        deviations(wb.add_worksheet(), round, &f)?;
    }
    if grid.rows.iter().any(|r| contact_of(r.respondent).is_some()) {
        contacts(wb.add_worksheet(), &grid, &f)?;
    }
    wb.save_to_buffer()
}

fn completeness(ws: &mut Worksheet, grid: &Grid<'_>, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name(COMPLETENESS_SHEET)?;
    ws.set_default_note_author("blankett");
    // Row 0 holds the question ids for programs, hidden: people read one header row, the
    // short labels, with each question's id and text in a note on its label.
    ws.write_string_with_format(0, 0, "Fråga-id", &f.header)?;
    ws.set_row_hidden(0)?;
    ws.write_string_with_format(1, 0, "Nämnd/bolag", &f.header)?;
    let names = grid.rows.iter().map(|r| r.respondent.label.chars().count());
    ws.set_column_width(0, names.max().unwrap_or(0).clamp(20, 45) as f64 + 2.0)?;
    let mut label_lines = 1;
    for (j, question) in grid.questions.iter().enumerate() {
        let col = col(j + 1)?;
        ws.write_string_with_format(0, col, fit(question.id, CELL_LIMIT), &f.header)?;
        ws.write_string_with_format(1, col, fit(question.label, CELL_LIMIT), &f.header)?;
        let text = format!("{}: {}", question.id, question.text);
        let note = Note::new(fit(&text, CELL_LIMIT - 54))
            .add_author_prefix(false)
            .set_width(320)
            .set_height(120);
        ws.insert_note(1, col, &note)?;
        ws.set_column_width(col, STATUS_WIDTH as f64)?;
        label_lines = label_lines.max(lines(question.label, STATUS_WIDTH));
    }
    ws.set_row_height(1, row_height(label_lines))?;
    let count_col = col(grid.questions.len() + 1)?;
    ws.write_string_with_format(0, count_col, "", &f.header)?;
    ws.write_string_with_format(1, count_col, "Besvarade", &f.header)?;
    ws.set_column_width(count_col, 11)?;
    for (i, row) in grid.rows.iter().enumerate() {
        let r = row_num(i + 2)?;
        ws.write_string_with_format(r, 0, fit(&row.respondent.label, CELL_LIMIT), &f.text)?;
        for (j, c) in row.cells.iter().enumerate() {
            ws.write_string_with_format(r, col(j + 1)?, Mark::from(*c).label(), f.status(*c))?;
        }
        let answered = row.cells.iter().filter(|c| **c == Cell::Answered).count();
        ws.write_number_with_format(r, count_col, answered as f64, &f.text)?;
    }
    ws.set_freeze_panes(2, 1)?;

    // The legend, two rows under the table.
    let mut r = row_num(grid.rows.len() + 3)?;
    ws.write_string_with_format(r, 0, "Teckenförklaring", &f.bold)?;
    for (m, format) in Mark::MATRIX.iter().zip(&f.status) {
        r += 1;
        // The sample in the status column, the meaning beside it, free to run on to the right.
        ws.write_string_with_format(r, 1, m.label(), format)?;
        ws.write_string_with_format(r, 2, m.meaning(), &Format::new())?;
    }
    Ok(())
}

fn answers(
    ws: &mut Worksheet,
    round: &Round,
    grid: &Grid<'_>,
    changes: Option<&ChangeColumn<'_>>,
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.set_name(ANSWERS_SHEET)?;
    let mut columns: Vec<(&str, usize)> = ANSWER_COLUMNS.into_iter().zip(ANSWER_WIDTHS).collect();
    if let Some(changes) = changes {
        columns.push((&changes.heading, CHANGE_WIDTH));
    }
    header_row(ws, &columns, f)?;
    if changes.is_some() {
        // "Förändring sedan 2022-T1" takes two lines.
        ws.set_row_height(0, row_height(2))?;
    }
    let area_titles: Vec<(Option<u8>, String)> = round
        .areas
        .iter()
        .map(|a| (a.number, a.title.clone()))
        .collect();
    let mut r: u32 = 0;
    for (j, question) in grid.questions.iter().enumerate() {
        let area = match question.area {
            Some(n) => {
                let t = area_titles
                    .iter()
                    .find(|(m, _)| *m == Some(n))
                    .map(|(_, t)| t.as_str())
                    .unwrap_or("");
                area_heading(n, t)
            }
            None => String::new(),
        };
        for row in &grid.rows {
            let c = row.cells[j];
            r += 1;
            let answer = row.answer(question.id);
            ws.write_string_with_format(r, 0, fit(&area, CELL_LIMIT), &f.wrap)?;
            ws.write_string_with_format(r, 1, fit(question.id, CELL_LIMIT), &f.text)?;
            ws.write_string_with_format(r, 2, fit(question.text, CELL_LIMIT), &f.wrap)?;
            ws.write_string_with_format(r, 3, fit(&row.respondent.label, CELL_LIMIT), &f.wrap)?;
            ws.write_string_with_format(r, 4, Mark::from(c).label(), &f.status_top(c))?;
            let text = answer.map_or("", |a| a.text.as_str());
            ws.write_string_with_format(r, 5, fit(text, CELL_LIMIT), &f.wrap)?;
            let value = answer.and_then(|a| value_sv(&a.value)).unwrap_or_default();
            ws.write_string_with_format(r, 6, fit(&value, CELL_LIMIT), &f.wrap)?;
            let cells = [&area, question.text, &row.respondent.label, text, &value];
            let widths = WRAPPED_COLUMNS.map(|c| ANSWER_WIDTHS[c]);
            fit_row_height(ws, r, widths.into_iter().zip(cells), 5)?;
            if let Some(changes) = changes {
                let id = row.respondent.id.as_deref();
                match id.and_then(|id| changes.status(question.id, id)) {
                    Some(s) => ws.write_string_with_format(r, 7, s.label(), f.change(s))?,
                    None => ws.write_string_with_format(r, 7, "", &f.text)?,
                };
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, r.max(1), col(columns.len() - 1)?)?;
    Ok(())
}

/// The change column of the sheet "Svar" (`consolidate --previous`): what became of each
/// respondent's answer to each question since the earlier round.
struct ChangeColumn<'c> {
    /// "Förändring sedan 2022-T1"; "Förändring" when the earlier round is not known.
    heading: String,
    /// By question id, then respondent id.
    status: HashMap<&'c str, HashMap<&'c str, ChangeStatus>>,
}

impl<'c> ChangeColumn<'c> {
    fn of(c: &'c Comparison) -> ChangeColumn<'c> {
        let heading = match c.before.round {
            Some(r) => format!("Förändring sedan {r}"),
            None => "Förändring".to_owned(),
        };
        let status = c
            .areas
            .iter()
            .flat_map(|a| &a.questions)
            .map(|q| {
                let answers = q.answers.iter();
                let by_respondent = answers.map(|a| (a.respondent_id.as_str(), a.status));
                (q.question_id.as_str(), by_respondent.collect())
            })
            .collect();
        ChangeColumn { heading, status }
    }

    /// The change of `respondent`'s answer to `question`; `None` when the comparison does not
    /// hold the respondent (a form whose respondent is unknown) or the question.
    fn status(&self, question: &str, respondent: &str) -> Option<ChangeStatus> {
        self.status.get(question)?.get(respondent).copied()
    }
}

/// The width of a status column, in characters.
const STATUS_WIDTH: usize = 17;
/// The widths of the sheet "Svar"'s columns, and which of them wrap (area, question,
/// respondent, answer, value).
const ANSWER_WIDTHS: [usize; 7] = [26, 24, 48, 30, 19, 90, 14];
/// The width of the change column of "Svar" (its heading wraps to two lines).
const CHANGE_WIDTH: usize = 17;
const WRAPPED_COLUMNS: [usize; 5] = [0, 2, 3, 5, 6];
fn missing(ws: &mut Worksheet, round: &Round, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name(MISSING_SHEET)?;
    for (c, (name, width)) in [("Nämnd/bolag", 40), ("Id", 28), ("Typ", 18)]
        .into_iter()
        .enumerate()
    {
        ws.write_string_with_format(0, col(c)?, name, &f.header)?;
        ws.set_column_width(col(c)?, width)?;
    }
    if round.missing.is_empty() {
        ws.write_string(1, 0, super::text::none_missing(round))?;
    }
    for (i, m) in round.missing.iter().enumerate() {
        let r = row_num(i + 1)?;
        ws.write_string_with_format(r, 0, fit(&m.label, CELL_LIMIT), &f.text)?;
        ws.write_string_with_format(r, 1, fit(&m.id, CELL_LIMIT), &f.text)?;
        ws.write_string_with_format(r, 2, fit(&m.kind, CELL_LIMIT), &f.text)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn deviations(ws: &mut Worksheet, round: &Round, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name(DEVIATIONS_SHEET)?;
    for (c, (name, width)) in [("Fil", 40), ("Kod", 24), ("Beskrivning", 80)]
        .into_iter()
        .enumerate()
    {
        ws.write_string_with_format(0, col(c)?, name, &f.header)?;
        ws.set_column_width(col(c)?, width)?;
    }
    let rows = round
        .unresolved
        .iter()
        .map(|u| {
            (
                u.file.clone().unwrap_or_else(|| u.sha256.clone()),
                WarningCode::RespondentUnresolved.to_string(),
                "avsändaren (nämnd/bolag) framgår inte av formuläret eller filnamnet".to_owned(),
            )
        })
        .chain(round.conflicts.iter().map(|c| {
            (
                c.source
                    .file
                    .clone()
                    .unwrap_or_else(|| c.source.sha256.clone()),
                c.code.to_string(),
                c.message.clone(),
            )
        }));
    for (i, (file, code, message)) in rows.enumerate() {
        let r = row_num(i + 1)?;
        ws.write_string_with_format(r, 0, fit(&file, CELL_LIMIT), &f.wrap)?;
        ws.write_string_with_format(r, 1, fit(&code, CELL_LIMIT), &f.text)?;
        ws.write_string_with_format(r, 2, fit(&message, CELL_LIMIT), &f.wrap)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn contacts(ws: &mut Worksheet, grid: &Grid<'_>, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name(CONTACTS_SHEET)?;
    for (c, (name, width)) in [
        ("Nämnd/bolag", 40),
        ("Kontaktperson", 28),
        ("Telefon", 20),
        ("E-post", 36),
    ]
    .into_iter()
    .enumerate()
    {
        ws.write_string_with_format(0, col(c)?, name, &f.header)?;
        ws.set_column_width(col(c)?, width)?;
    }
    let mut r = 0;
    for row in &grid.rows {
        let Some(c) = contact_of(row.respondent) else {
            continue;
        };
        r += 1;
        ws.write_string_with_format(r, 0, fit(&row.respondent.label, CELL_LIMIT), &f.text)?;
        for (at, v) in [contact_name(c), contact_phone(c), contact_email(c)]
            .into_iter()
            .enumerate()
        {
            ws.write_string_with_format(
                r,
                col(at + 1)?,
                fit(v.unwrap_or(""), CELL_LIMIT),
                &f.text,
            )?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sheets_have_their_notes_colours_frozen_headers_and_filter() {
        use std::io::Read;
        let round = crate::export::testing::round(false);
        let bytes = to_xlsx(&round, &crate::export::testing::questionnaire()).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut part = |name: &str| {
            let mut s = String::new();
            zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
            s
        };
        let workbook = part("xl/workbook.xml");
        for name in [
            "Fullständighet",
            "Svar",
            "Ej inkomna",
            "Avvikelser",
            "Kontakter",
        ] {
            assert!(workbook.contains(&format!("name=\"{name}\"")), "{name}");
        }
        let completeness = part("xl/worksheets/sheet1.xml");
        assert!(completeness.contains("<pane xSplit=\"1\" ySplit=\"2\""));
        let answers = part("xl/worksheets/sheet2.xml");
        assert!(answers.contains("<pane ySplit=\"1\""));
        assert!(answers.contains("<autoFilter ref=\"A1:G37\""), "{answers}");
        let notes = part("xl/comments1.xml");
        assert!(notes.contains("Beskriv samverkan med det lokala näringslivet"));
        let styles = part("xl/styles.xml");
        for (fill, _) in Mark::MATRIX.map(Mark::colours) {
            assert!(styles.contains(&format!("FF{fill:06X}")), "{fill:06X}");
        }
    }

    #[test]
    fn with_changes_the_answers_get_a_change_column_and_without_none() {
        use crate::compare::testing::{after, sample};
        use crate::export::testing::{formulas, sheet};
        let round = after();
        let q = Questionnaire::builtin();
        let with = workbook(&round, &q, Some(&sample())).unwrap();
        let rows = sheet(&with, ANSWERS_SHEET);
        assert_eq!(rows[0][..7], ANSWER_COLUMNS);
        assert_eq!(rows[0][7], "Förändring sedan 2023-T1");
        let change = |question: &str, respondent: &str| {
            let r = rows.iter().find(|r| r[1] == question && r[3] == respondent);
            r.unwrap_or_else(|| panic!("no row {question} {respondent}"))[7].clone()
        };
        let farsta = "Farsta stadsdelsnämnd";
        assert_eq!(change("samverkan-lokalt-naringsliv", farsta), "Ändrat");
        assert_eq!(change("verksamhetsomraden", farsta), "Nytt svar");
        assert_eq!(change("svart-ekonomi-samverkan", farsta), "Borttaget");
        assert_eq!(change("vaxla-upp-stockholm", farsta), "Oförändrat");
        assert_eq!(
            change("sbr-foretagsdialog", "Nya stadsdelsnämnden"),
            "Ändrat"
        );
        // The form whose respondent is unknown is in no comparison.
        let unknown = rows.iter().find(|r| r[5] == "Okänd.").unwrap();
        assert_eq!(unknown[7], "");
        assert_eq!(formulas(&with), 0);

        let without = workbook(&round, &q, None).unwrap();
        assert_eq!(without, to_xlsx(&round, &q).unwrap());
        let rows = sheet(&without, ANSWERS_SHEET);
        assert!(rows.iter().all(|r| r.len() == ANSWER_COLUMNS.len()));
        assert_eq!(rows.len(), sheet(&with, ANSWERS_SHEET).len());
    }

    #[test]
    fn the_change_column_says_since_when_only_when_the_earlier_round_is_known() {
        let mut c = crate::compare::testing::sample();
        assert_eq!(ChangeColumn::of(&c).heading, "Förändring sedan 2023-T1");
        c.before.round = None;
        assert_eq!(ChangeColumn::of(&c).heading, "Förändring");
    }
}
