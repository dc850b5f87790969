//! The spreadsheet export (rust_xlsxwriter), for the analyst at the city office:
//!
//! - **Fullständighet**: a row per respondent, a column per question (headed by its short
//!   label, with its id and text in a note; the ids also in a hidden row above, for programs), each cell the status in
//!   Swedish, coloured: Besvarad (green), Obesvarad (yellow), Saknas i formuläret (orange), Ej
//!   inkommen (red); the number answered last; a legend under the table.
//! - **Svar**: a row per question and respondent (question by question, so the answers to one
//!   question stand together): Område, Fråga-id, Fråga, Nämnd/bolag, Status, Svar, Värde;
//!   wrapped text, frozen header row, autofilter.
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

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Note, Workbook,
    Worksheet, XlsxError,
};

use crate::compare::Comparison;
use crate::output::Generator;
use crate::round::{Cell, Round};
use crate::schema::Questionnaire;
use crate::vocabulary::{Mark, NOT_SUBMITTED_HEADING};
use crate::warning_code::WarningCode;

use super::ExportError;
use super::grid::Grid;
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

/// Excel's limit on the characters of a cell (UTF-16 code units).
const CELL_LIMIT: usize = 32_767;
const CUT_MARKER: &str = " […] (avkortat: Excel rymmer 32 767 tecken i en cell)";

struct Formats {
    header: Format,
    text: Format,
    wrap: Format,
    bold: Format,
    status: [Format; 4],
}

impl Formats {
    fn new() -> Formats {
        let border = |f: Format| {
            f.set_border(FormatBorder::Thin)
                .set_border_color(Color::RGB(0xBFBFBF))
        };
        let status = Mark::MATRIX.map(|m| {
            let (fill, font) = m.colours();
            border(Format::new())
                .set_background_color(Color::RGB(fill))
                .set_font_color(Color::RGB(font))
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
        });
        Formats {
            header: border(Format::new())
                .set_bold()
                .set_background_color(Color::RGB(0xD9E1F2))
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            text: border(Format::new()).set_align(FormatAlign::Top),
            wrap: border(Format::new())
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            bold: Format::new().set_bold(),
            status,
        }
    }

    fn status(&self, c: Cell) -> &Format {
        let at = Mark::MATRIX
            .iter()
            .position(|m| *m == Mark::from(c))
            .unwrap_or(0);
        &self.status[at]
    }

    /// A status cell of the sheet "Svar": coloured, aligned with the wrapped text beside it.
    fn status_top(&self, c: Cell) -> Format {
        self.status(c).clone().set_align(FormatAlign::Top)
    }
}

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
    let _ = changes;
    build(round, q).map_err(|e| ExportError::Xlsx(e.to_string()))
}

fn build(round: &Round, q: &Questionnaire) -> Result<Vec<u8>, XlsxError> {
    let grid = Grid::new(round, q);
    let f = Formats::new();
    let mut wb = Workbook::new();
    wb.set_properties(&properties(round, q)?);
    let heading = clean(&title(round, q)).into_owned();
    let ws = wb.add_worksheet();
    completeness(ws, &grid, &f)?;
    for_print(ws, &heading, 2, 1)?;
    let ws = wb.add_worksheet();
    answers(ws, round, &grid, &f)?;
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

/// The workbook's properties: its title, and the program that made it and when (custom
/// properties `generator` and `generatedAt`, as the round's JSON names them). The creation time
/// is the round's `generatedAt`, else a fixed one: rust_xlsxwriter would write the current
/// time, and the same round must give the same file.
fn properties(round: &Round, q: &Questionnaire) -> Result<DocProperties, XlsxError> {
    let generated = made_at(round);
    let created = match generated {
        Some(t) => ExcelDateTime::from_timestamp(t.as_second())?,
        None => ExcelDateTime::from_ymd(1980, 1, 1)?,
    };
    let mut p = DocProperties::new()
        .set_title(clean(&title(round, q)).into_owned())
        .set_author("blankett")
        .set_creation_datetime(&created)
        .set_custom_property("generator", Generator::current().to_string());
    if let Some(at) = generated {
        p = p.set_custom_property("generatedAt", at.to_string());
    }
    Ok(p)
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
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.set_name(ANSWERS_SHEET)?;
    for (c, name) in ANSWER_COLUMNS.iter().enumerate() {
        ws.write_string_with_format(0, col(c)?, *name, &f.header)?;
    }
    for (c, width) in ANSWER_WIDTHS.into_iter().enumerate() {
        ws.set_column_width(col(c)?, width as f64)?;
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
            answer_row_height(ws, r, WRAPPED_COLUMNS.into_iter().zip(cells))?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, r.max(1), col(ANSWER_COLUMNS.len() - 1)?)?;
    Ok(())
}

/// The width of a status column, in characters.
const STATUS_WIDTH: usize = 17;
/// The widths of the sheet "Svar"'s columns, and which of them wrap (area, question,
/// respondent, answer, value).
const ANSWER_WIDTHS: [usize; 7] = [26, 24, 48, 30, 19, 90, 14];
const WRAPPED_COLUMNS: [usize; 5] = [0, 2, 3, 5, 6];
/// Excel's tallest row, in points, and one line of 11-point text.
const MAX_ROW_HEIGHT: f64 = 409.0;
const LINE_HEIGHT: f64 = 15.0;

/// How many lines `text` takes wrapped in a column `width` characters wide (a little narrower,
/// since proportional letters and the cell's margins take room).
fn lines(text: &str, width: usize) -> usize {
    let room = (width.saturating_sub(2)).max(1);
    text.split('\n')
        .map(|line| line.chars().count().div_ceil(room).max(1))
        .sum()
}

/// A row tall enough for `lines` lines, at most Excel's tallest.
fn row_height(lines: usize) -> f64 {
    (lines as f64 * LINE_HEIGHT + 3.0).min(MAX_ROW_HEIGHT)
}

/// Sets a row of "Svar" to the height its wrapped cells need: Excel does not grow rows when it
/// opens a file. A row whose text is taller than Excel's tallest row gets a note saying that
/// the whole answer is in the Word report and the JSON.
fn answer_row_height<'t>(
    ws: &mut Worksheet,
    r: u32,
    wrapped: impl Iterator<Item = (usize, &'t str)>,
) -> Result<(), XlsxError> {
    let needed = wrapped
        .map(|(column, text)| lines(text, ANSWER_WIDTHS[column]))
        .max()
        .unwrap_or(1);
    ws.set_row_height(r, row_height(needed))?;
    if row_height(needed) >= MAX_ROW_HEIGHT {
        let note = Note::new(
            "Texten är längre än raden kan visa; hela svaret finns i Word-rapporten och i JSON-filen.",
        )
        .add_author_prefix(false);
        ws.insert_note(r, 5, &note)?;
    }
    Ok(())
}

/// A sheet as it prints: landscape, one page wide, the first `header_rows` rows (and the first
/// `columns` columns) on every page, the report's title in the page header and the page numbers in the
/// footer.
fn for_print(
    ws: &mut Worksheet,
    heading: &str,
    header_rows: u32,
    columns: u16,
) -> Result<(), XlsxError> {
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, header_rows - 1)?;
    if columns > 0 {
        ws.set_repeat_columns(0, columns - 1)?;
    }
    // `&` starts a code in a page header: a title holding one is written doubled.
    ws.set_header(format!("&L{}", heading.replace('&', "&&")));
    ws.set_footer("&CSida &P av &N");
    Ok(())
}

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

/// Text [cleaned](super::text::clean) and cut to `limit` UTF-16 code units, with a marker when it
/// was cut: every text cell is written through it.
fn fit(text: &str, limit: usize) -> std::borrow::Cow<'_, str> {
    let text = clean(text);
    if text.encode_utf16().count() <= limit {
        return text;
    }
    let room = limit - CUT_MARKER.encode_utf16().count();
    let mut used = 0;
    let mut end = 0;
    for (i, c) in text.char_indices() {
        if used + c.len_utf16() > room {
            break;
        }
        used += c.len_utf16();
        end = i + c.len_utf8();
    }
    format!("{}{CUT_MARKER}", &text[..end]).into()
}

fn col(n: usize) -> Result<u16, XlsxError> {
    u16::try_from(n).map_err(|_| XlsxError::RowColumnLimitError)
}

fn row_num(n: usize) -> Result<u32, XlsxError> {
    u32::try_from(n).map_err(|_| XlsxError::RowColumnLimitError)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_longer_than_a_cell_holds_is_cut_with_a_marker() {
        let long = "å".repeat(40_000);
        let cut = fit(&long, CELL_LIMIT);
        assert_eq!(cut.encode_utf16().count(), CELL_LIMIT);
        assert!(cut.ends_with(CUT_MARKER));
        assert_eq!(fit("kort", CELL_LIMIT), "kort");
        // A character outside the BMP is two code units and is never split.
        let emoji = "😀".repeat(20_000);
        let cut = fit(&emoji, CELL_LIMIT);
        assert!(cut.encode_utf16().count() <= CELL_LIMIT);
    }

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
}
