//! The spreadsheet of a comparison (rust_xlsxwriter), laid out as the round's (`export::xlsx`,
//! whose formats, cell limits, row heights and print setup it shares through `export::sheet`):
//!
//! - **Sammanfattning**: how many answers are new, changed, unchanged, removed and unanswered in
//!   both, each status in its colour with what it means; how many respondents are in both
//!   rounds, appeared or disappeared; how many forms each round holds.
//! - **Förändringar**: a row per question and respondent (question by question, as the round's
//!   "Svar"): Område, Fråga-id, Fråga, Nämnd/bolag, Status (coloured: new, changed and removed
//!   stand out, unchanged and unanswered are grey), the answer in each round, the difference of
//!   a changed answer as rich text (removed words struck through in red, added ones underlined
//!   in green), and whether the answer was returned as prefilled. Wrapped text, frozen header
//!   row, autofilter.
//! - **Svarande**: each respondent, whether it is in both rounds or one of them (with the
//!   registry's renamings and mergers), its forms and its answers' counts per status.
//!
//! Every cell is text or a number, never a formula. The workbook's creation date is the later
//! round's `generatedAt` (fixed when it has none), so the same comparison gives the same file.

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::compare::{AnswerChange, ChangeStatus, ChangedQuestion, Comparison, DiffOp, DiffPart};
use crate::export::ExportError;
use crate::export::sheet::{
    CELL_LIMIT, CUT_MARKER, Formats, col, cut, fit, fit_row_height, for_print, header_row,
    properties, row_height, row_num,
};
use crate::export::text::{area_heading, clean, made_by_at};
use crate::round::SourceSummary;

use super::words;

/// The sheets' names.
pub const SUMMARY_SHEET: &str = "Sammanfattning";
pub const CHANGES_SHEET: &str = "Förändringar";
pub const RESPONDENTS_SHEET: &str = "Svarande";

/// What "Svarande" says of a respondent with a form in both rounds under one name.
const IN_BOTH: &str = "I båda omgångarna.";

/// The widths of the sheet "Förändringar"'s columns, in characters: area, question id,
/// question, respondent, status, earlier answer, later answer, difference, prefilled.
const CHANGE_WIDTHS: [usize; 9] = [22, 28, 36, 24, 16, 45, 45, 50, 11];
/// The columns of "Förändringar" that wrap (area, question, respondent, both answers, the
/// difference).
const WRAPPED: [usize; 6] = [0, 2, 3, 5, 6, 7];

/// The spreadsheet of a comparison.
pub fn to_xlsx(c: &Comparison) -> Result<Vec<u8>, ExportError> {
    build(c).map_err(|e| ExportError::Xlsx(e.to_string()))
}

fn build(c: &Comparison) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::new();
    let rounds = Rounds::of(c);
    let heading = words::title(c);
    let mut wb = Workbook::new();
    wb.set_properties(&properties(&heading, words::made_at(c))?);
    let heading = clean(&heading).into_owned();
    let ws = wb.add_worksheet();
    summary(ws, c, &rounds, &heading, &f)?;
    for_print(ws, &heading, 1, 0)?;
    let ws = wb.add_worksheet();
    changes(ws, c, &rounds, &f)?;
    for_print(ws, &heading, 1, 0)?;
    let ws = wb.add_worksheet();
    respondents(ws, c, &rounds, &f)?;
    for_print(ws, &heading, 1, 0)?;
    wb.save_to_buffer()
}

/// The two rounds as the sheets name them: their ids, or words when a round is not known.
struct Rounds {
    before: String,
    after: String,
}

impl Rounds {
    fn of(c: &Comparison) -> Rounds {
        Rounds {
            before: words::before_round(c),
            after: words::after_round(c),
        }
    }
}

/// What each status means, for the summary's legend.
fn meaning(s: ChangeStatus, rounds: &Rounds) -> String {
    match s {
        ChangeStatus::New => format!(
            "Besvarad i {}, inte i {} (frågan obesvarad eller inte med då).",
            rounds.after, rounds.before
        ),
        ChangeStatus::Changed => {
            "Besvarad i båda med olika text; kolumnen Skillnad visar vad som ströks och lades till."
                .to_owned()
        }
        ChangeStatus::Unchanged => {
            "Besvarad i båda med samma text (mellanslag och radbrytningar räknas inte).".to_owned()
        }
        ChangeStatus::Removed => format!(
            "Besvarad i {}, inte i {} (frågan obesvarad eller inte med nu).",
            rounds.before, rounds.after
        ),
        ChangeStatus::Unanswered => "Obesvarad i båda omgångarna.".to_owned(),
    }
}

/// The sheet "Sammanfattning": the title, the answers per status with their meaning, the
/// respondents in both rounds or one, the forms of each round.
fn summary(
    ws: &mut Worksheet,
    c: &Comparison,
    rounds: &Rounds,
    heading: &str,
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.set_name(SUMMARY_SHEET)?;
    ws.set_column_width(0, 34)?;
    ws.set_column_width(1, 9)?;
    ws.set_column_width(2, 90)?;
    ws.write_string_with_format(0, 0, heading, &f.bold.clone().set_font_size(14))?;
    let q = &c.questionnaire;
    let version = if q.version == q.previous_version {
        format!("version {}", q.version)
    } else {
        format!(
            "version {} (i {}: {})",
            q.version, rounds.before, q.previous_version
        )
    };
    ws.write_string(
        1,
        0,
        fit(&format!("Enkät: {}, {version}", q.id), CELL_LIMIT),
    )?;

    let mut r = 3;
    table_head(ws, r, ["Svar", "Antal", "Betydelse"], f)?;
    for s in ChangeStatus::ALL {
        r += 1;
        ws.write_string_with_format(r, 0, s.label(), f.change(s))?;
        ws.write_number_with_format(r, 1, c.summary.of(s) as f64, &f.text)?;
        ws.write_string_with_format(r, 2, meaning(s, rounds), &f.wrap)?;
    }
    // The counts are those of the respondents in both rounds: one that came or went rewrote
    // nothing, though its rows in "Förändringar" read as new or removed.
    r += 1;
    ws.write_string(
        r,
        0,
        "Antalen gäller de svarande som finns i båda omgångarna. Den som är ny eller har \
         försvunnit har sina svar som Nytt svar eller Borttaget i fliken Förändringar.",
    )?;

    r += 2;
    table_head(ws, r, ["Svarande", "Antal", ""], f)?;
    let s = &c.summary;
    for (label, n) in [
        ("I båda omgångarna".to_owned(), s.in_both),
        (format!("Bara i {} (nya)", rounds.after), s.appeared),
        (
            format!("Bara i {} (försvunna)", rounds.before),
            s.disappeared,
        ),
    ] {
        r += 1;
        ws.write_string_with_format(r, 0, fit(&label, CELL_LIMIT), &f.wrap)?;
        ws.write_number_with_format(r, 1, n as f64, &f.text)?;
    }

    r += 2;
    table_head(ws, r, ["Formulär", "Antal", ""], f)?;
    for (round, side) in [(&rounds.before, &c.before), (&rounds.after, &c.after)] {
        r += 1;
        ws.write_string_with_format(r, 0, fit(&format!("I {round}"), CELL_LIMIT), &f.wrap)?;
        ws.write_number_with_format(r, 1, side.submissions as f64, &f.text)?;
        if side.unresolved > 0 {
            let note = format!(
                "varav {} utan känd avsändare: de jämförs inte (se omgångens flik Avvikelser)",
                side.unresolved
            );
            ws.write_string(r, 2, note)?;
        }
    }
    ws.write_string(r + 2, 0, made_by_at(words::made_at(c)))?;
    Ok(())
}

fn table_head(ws: &mut Worksheet, r: u32, names: [&str; 3], f: &Formats) -> Result<(), XlsxError> {
    for (at, name) in names.into_iter().enumerate() {
        ws.write_string_with_format(r, col(at)?, name, &f.header)?;
    }
    Ok(())
}

/// The sheet "Förändringar": a row per question and respondent.
fn changes(
    ws: &mut Worksheet,
    c: &Comparison,
    rounds: &Rounds,
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.set_name(CHANGES_SHEET)?;
    let before = format!("Svar {}", rounds.before);
    let after = format!("Svar {}", rounds.after);
    let names = [
        "Område",
        "Fråga-id",
        "Fråga",
        "Nämnd/bolag",
        "Status",
        &before,
        &after,
        "Skillnad",
        "Lämnat som förifyllt",
    ];
    let columns: Vec<(&str, usize)> = names.into_iter().zip(CHANGE_WIDTHS).collect();
    header_row(ws, &columns, f)?;
    // "Lämnat som förifyllt" takes two lines.
    ws.set_row_height(0, row_height(2))?;
    let mut r: u32 = 0;
    for area in &c.areas {
        let heading = area
            .number
            .map_or_else(String::new, |n| area_heading(n, &area.title));
        for q in &area.questions {
            for a in &q.answers {
                r += 1;
                change_row(ws, r, &heading, q, a, f)?;
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, r.max(1), col(columns.len() - 1)?)?;
    Ok(())
}

/// One respondent's answer to one question in both rounds.
fn change_row(
    ws: &mut Worksheet,
    r: u32,
    area: &str,
    q: &ChangedQuestion,
    a: &AnswerChange,
    f: &Formats,
) -> Result<(), XlsxError> {
    let before = a.before.as_deref().unwrap_or("");
    let after = a.after.as_deref().unwrap_or("");
    ws.write_string_with_format(r, 0, fit(area, CELL_LIMIT), &f.wrap)?;
    ws.write_string_with_format(r, 1, fit(&q.question_id, CELL_LIMIT), &f.text)?;
    ws.write_string_with_format(r, 2, fit(&q.question, CELL_LIMIT), &f.wrap)?;
    ws.write_string_with_format(r, 3, fit(&a.label, CELL_LIMIT), &f.wrap)?;
    ws.write_string_with_format(r, 4, a.status.label(), f.change(a.status))?;
    ws.write_string_with_format(r, 5, fit(before, CELL_LIMIT), &f.wrap)?;
    ws.write_string_with_format(r, 6, fit(after, CELL_LIMIT), &f.wrap)?;
    let diff = diff_runs(&a.diff);
    let shown: String = diff.iter().map(|(_, t)| t.as_str()).collect();
    if diff.is_empty() {
        ws.write_string_with_format(r, 7, "", &f.wrap)?;
    } else {
        let plain = Format::new();
        let runs: Vec<(&Format, &str)> = diff
            .iter()
            .map(|(op, text)| (run_format(*op, &plain, f), text.as_str()))
            .collect();
        match ws.write_rich_string_with_format(r, 7, &runs, &f.wrap) {
            // Excel's limit holds for the runs' markup too: a difference of many small
            // changes in a long answer goes over it before its text does. Then the words
            // unmarked, after a line saying why; the marks are in the other formats.
            Err(XlsxError::MaxStringLengthExceeded) => {
                let unmarked = format!("{TOO_MANY_MARKS}\n{shown}");
                ws.write_string_with_format(r, 7, fit(&unmarked, CELL_LIMIT), &f.wrap)?;
            }
            written => {
                written?;
            }
        }
    }
    ws.write_string_with_format(r, 8, if a.carried_over { "ja" } else { "" }, &f.text)?;
    let cells = [area, q.question.as_str(), &a.label, before, after, &shown];
    let widths = WRAPPED.map(|c| CHANGE_WIDTHS[c]);
    fit_row_height(ws, r, widths.into_iter().zip(cells), 7)
}

fn run_format<'f>(op: DiffOp, plain: &'f Format, f: &'f Formats) -> &'f Format {
    match op {
        DiffOp::Same => plain,
        DiffOp::Removed => &f.removed,
        DiffOp::Added => &f.added,
    }
}

/// What the difference column says first when its marks do not fit in a cell.
const TOO_MANY_MARKS: &str = "(Ändringarna är för många för att markeras i en cell: vad som \
    ströks och lades till syns i Word-filen och i Markdown-filen.)";

/// A changed answer's pieces as the runs of a rich string: line by line as the documents mark
/// them ([`marked_lines`](words::marked_lines): cleaned, removed words kept apart from added
/// ones), the empty ones left out (Excel takes no empty run), and cut, as [`fit`] cuts a text,
/// to what a cell holds.
fn diff_runs(diff: &[DiffPart]) -> Vec<(DiffOp, String)> {
    let mut pieces: Vec<(DiffOp, String)> = Vec::new();
    for (i, line) in words::marked_lines(diff).into_iter().enumerate() {
        if i > 0 {
            pieces.push((DiffOp::Same, "\n".to_owned()));
        }
        pieces.extend(line.into_iter().filter(|(_, t)| !t.is_empty()));
    }
    let total: usize = pieces.iter().map(|(_, t)| t.encode_utf16().count()).sum();
    if total <= CELL_LIMIT {
        return pieces;
    }
    let mut room = CELL_LIMIT - CUT_MARKER.encode_utf16().count();
    let mut runs = Vec::new();
    for (op, text) in pieces {
        let kept = cut(&text, room);
        if !kept.is_empty() {
            room -= kept.encode_utf16().count();
            runs.push((op, kept.to_owned()));
        }
        if kept.len() < text.len() {
            break;
        }
    }
    runs.push((DiffOp::Same, CUT_MARKER.to_owned()));
    runs
}

/// The sheet "Svarande": each respondent, whether it is in both rounds, its forms and its
/// answers per status.
fn respondents(
    ws: &mut Worksheet,
    c: &Comparison,
    rounds: &Rounds,
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.set_name(RESPONDENTS_SHEET)?;
    let before = format!("Formulär {}", rounds.before);
    let after = format!("Formulär {}", rounds.after);
    let mut columns: Vec<(&str, usize)> = vec![
        ("Nämnd/bolag", 30),
        ("Id", 22),
        ("Omgångar", 48),
        (&before, 24),
        (&after, 24),
    ];
    columns.extend(ChangeStatus::ALL.map(|s| (s.label(), 11)));
    header_row(ws, &columns, f)?;
    // "Obesvarat i båda" takes two lines.
    ws.set_row_height(0, row_height(2))?;
    for (i, rc) in c.respondents.iter().enumerate() {
        let r = row_num(i + 1)?;
        let presence = words::presence(c, rc).unwrap_or_else(|| IN_BOTH.to_owned());
        let file = |s: &Option<SourceSummary>| {
            s.as_ref()
                .map(|s| s.file.clone().unwrap_or_else(|| s.sha256.clone()))
                .unwrap_or_default()
        };
        let texts = [
            rc.label.clone(),
            rc.id.clone(),
            presence,
            file(&rc.before),
            file(&rc.after),
        ];
        for (at, text) in texts.iter().enumerate() {
            ws.write_string_with_format(r, col(at)?, fit(text, CELL_LIMIT), &f.wrap)?;
        }
        for (at, s) in ChangeStatus::ALL.into_iter().enumerate() {
            let n = rc.counts.of(s) as f64;
            ws.write_number_with_format(r, col(texts.len() + at)?, n, &f.text)?;
        }
        let widths = columns.iter().map(|(_, w)| *w);
        fit_row_height(ws, r, widths.zip(texts.iter().map(String::as_str)), 2)?;
    }
    ws.set_freeze_panes(1, 1)?;
    let last = row_num(c.respondents.len().max(1))?;
    ws.autofilter(0, 0, last, col(columns.len() - 1)?)?;
    Ok(())
}

#[cfg(test)]
mod tests;
